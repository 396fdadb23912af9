//! Bad input: a clear error frame (stable code, Russian and English) or a
//! close code; nothing stored; the server keeps serving everyone else.

use jiff::SignedDuration;
use serde_json::json;
use switchboard_server::clock::Clock;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::support::*;

async fn refused_upgrade(url: String, token: Option<&str>) -> u16 {
    let mut req = url.into_client_request().unwrap();
    if let Some(t) = token {
        req.headers_mut()
            .insert("authorization", format!("Bearer {t}").parse().unwrap());
    }
    match tokio_tungstenite::connect_async(req).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => r.status().as_u16(),
        other => panic!("the upgrade was not refused: {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
async fn sockets_without_a_valid_token_are_refused() {
    let app = single().await;
    let customer = format!("{}/api/v1/customer/chat", app.ws_base);
    let console = format!("{}/api/v1/chat/console", app.ws_base);
    assert_eq!(refused_upgrade(customer.clone(), None).await, 401);
    assert_eq!(refused_upgrade(customer.clone(), Some("junk")).await, 401);
    let expired = app.token_until("buyer-1001", app.clock.now() - SignedDuration::from_secs(1));
    assert_eq!(refused_upgrade(customer.clone(), Some(&expired)).await, 401);
    assert_eq!(refused_upgrade(console.clone(), None).await, 401);
    assert_eq!(refused_upgrade(console, Some("not-a-session")).await, 401);
    // The token may also come as a query parameter (browsers).
    let url = format!("{customer}?token={}", app.token("buyer-1001"));
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("query token works");
    use futures_util::StreamExt;
    let hello = ws.next().await.unwrap().unwrap();
    assert!(hello.to_text().unwrap().contains("\"hello\""));
}

#[tokio::test]
async fn a_token_that_expires_during_the_session_closes_it() {
    let app = single().await;
    let token = app.token_until("buyer-1001", app.clock.now() + SignedDuration::from_mins(1));
    let mut c = Ws::connect(&format!("{}/api/v1/customer/chat", app.ws_base), &token).await;
    c.expect("hello").await;
    app.clock.advance(SignedDuration::from_mins(2));
    c.send(json!({"type": "ping"})).await;
    assert_eq!(c.expect("error").await["code"], "token_expired");
    assert_eq!(c.closed().await["code"], 4001);
}

#[tokio::test]
async fn wrong_frames_get_error_frames_and_store_nothing() {
    let app = single().await;
    let mut c = app.customer("buyer-1001").await;
    c.expect("hello").await;
    // Free text before a topic.
    c.send(json!({"type": "message", "client_id": "x-1", "body": "Позовите человека"}))
        .await;
    let e = c.expect("error").await;
    assert_eq!(e["code"], "topic_required");
    assert_eq!(e["client_id"], "x-1");
    assert!(e["message"]["ru"].as_str().unwrap().contains("тему"));
    assert!(e["message"]["en"].as_str().unwrap().contains("topic"));
    // A topic about a purchase: text still waits for the order decision.
    c.send(json!({"type": "topic", "line": "marketplace", "topic": "delivery"}))
        .await;
    c.expect("order_required").await;
    c.send(json!({"type": "message", "client_id": "x-2", "body": "?"}))
        .await;
    assert_eq!(c.expect("error").await["code"], "order_required");
    // Someone else's order.
    c.send(json!({"type": "order", "number": "MP-10005"})).await;
    assert_eq!(c.expect("error").await["code"], "not_your_order");
    // A line for another kind of customer.
    c.send(json!({"type": "topic", "line": "bank_retail", "topic": "cards"}))
        .await;
    assert_eq!(c.expect("error").await["code"], "line_not_available");
    // Malformed frames.
    c.send_raw(Message::Text("{not json".into())).await;
    assert_eq!(c.expect("error").await["code"], "malformed_frame");
    c.send(json!({"type": "launch_rockets"})).await;
    assert_eq!(c.expect("error").await["code"], "malformed_frame");
    c.send(json!({"type": "message", "body": "no client id"}))
        .await;
    assert_eq!(c.expect("error").await["code"], "malformed_frame");
    c.send_raw(Message::Binary(vec![1, 2, 3].into())).await;
    assert_eq!(c.expect("error").await["code"], "binary_not_supported");
    // Operator frames from a customer.
    c.send(json!({"type": "presence", "status": "online"}))
        .await;
    assert_eq!(c.expect("error").await["code"], "not_for_this_side");
    // Nothing was stored.
    let token = app.token("buyer-1001");
    let (_, mine) = app.get("/api/v1/customer/tickets", &token).await;
    assert_eq!(mine, json!([]));
    // The connection still works.
    c.send(json!({"type": "ping"})).await;
    c.expect("pong").await;
}

#[tokio::test]
async fn another_customers_conversation_looks_absent() {
    let app = single().await;
    let mut anna = app.customer("buyer-1001").await;
    let number = open_delivery_chat(&mut anna, "Где заказ?").await;
    let mut john = app.customer("buyer-1002").await;
    john.expect("hello").await;
    for frame in [
        json!({"type": "message", "conversation": number, "client_id": "j-1", "body": "hi"}),
        json!({"type": "resume", "conversation": number, "last_seq": 0}),
        json!({"type": "typing", "conversation": number}),
        json!({"type": "call_operator", "conversation": number}),
    ] {
        john.send(frame).await;
        assert_eq!(john.expect("error").await["code"], "conversation_not_found");
    }
    let token = app.token("buyer-1002");
    let (status, _) = app
        .get(&format!("/api/v1/customer/chats/{number}/messages"), &token)
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .post(
            &format!("/api/v1/customer/chats/{number}/messages"),
            &token,
            json!({"client_id": "j-2", "body": "hi"}),
        )
        .await;
    assert_eq!(status, 404);
    // An operator not assigned to it cannot write either.
    let op = app.login("operator").await;
    let (status, body) = app
        .post(
            &format!("/api/v1/chats/{number}/messages"),
            &op,
            json!({"client_id": "o-1", "body": "hi"}),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    let (_, history) = app
        .get(
            &format!("/api/v1/customer/chats/{number}/messages"),
            &app.token("buyer-1001"),
        )
        .await;
    assert!(!history.to_string().contains("\"hi\""));
}

#[tokio::test]
async fn oversize_frames_and_floods_are_stopped_without_harming_others() {
    let app = node(switchboard_store::testing::fresh_store().await, |c| {
        c.chat.max_frame_bytes = 16 * 1024;
        c.chat.rate_burst = 5;
        c.chat.rate_per_sec = 1.0;
    })
    .await;
    let mut bystander = app.customer("buyer-1002").await;
    bystander.expect("hello").await;

    let mut big = app.customer("buyer-1001").await;
    big.expect("hello").await;
    let huge = json!({"type": "message", "client_id": "big", "body": "я".repeat(20_000)});
    big.send(huge).await;
    assert_eq!(big.closed().await["code"], 1009);

    let mut flood = app.customer("buyer-1003").await;
    flood.expect("hello").await;
    for _ in 0..40 {
        flood.send(json!({"type": "ping"})).await;
    }
    flood.expect("pong").await;
    assert_eq!(flood.expect("error").await["code"], "rate_limited");
    assert_eq!(flood.closed().await["code"], 1008);

    bystander.send(json!({"type": "ping"})).await;
    bystander.expect("pong").await;
    let (status, _) = app
        .get("/api/v1/customer/tickets", &app.token("buyer-1001"))
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn empty_and_over_long_messages_and_bad_client_ids_are_refused() {
    let app = single().await;
    let mut c = app.customer("buyer-1001").await;
    let number = open_delivery_chat(&mut c, "Где заказ?").await;
    for (frame, code) in [
        (
            json!({"type": "message", "conversation": number, "client_id": "e-1", "body": "   "}),
            "empty_message",
        ),
        (
            json!({"type": "message", "conversation": number, "client_id": "e-2", "body": "ы".repeat(10_001)}),
            "message_too_long",
        ),
        (
            json!({"type": "message", "conversation": number, "client_id": "bad id!", "body": "x"}),
            "invalid_client_id",
        ),
        (
            json!({"type": "code", "conversation": number, "code": "123456"}),
            "step_up_no_code",
        ),
    ] {
        c.send(frame).await;
        assert_eq!(c.expect("error").await["code"], code);
    }
}
