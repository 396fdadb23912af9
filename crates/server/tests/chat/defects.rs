//! Regression tests for the socket defects of issue 16: bad ids on `resume`,
//! a `last_seq` beyond the end, a token expiring while the client is silent,
//! a flood that lets a frame through now and then, control characters.

use std::time::Duration;

use jiff::SignedDuration;
use serde_json::json;
use switchboard_server::clock::Clock;

use crate::support::*;

#[tokio::test]
async fn resume_with_a_bad_id_is_an_error_frame_and_the_socket_stays() {
    let app = single().await;
    let mut c = app.customer("buyer-1001").await;
    c.expect("hello").await;
    for bad in [
        "SБ-1",
        "ЖЖЖЖ",
        "S\u{301}B-1",
        "🙂",
        "",
        "SB-0",
        "SB-99999999",
    ] {
        c.send(json!({"type": "resume", "conversation": bad, "last_seq": 0}))
            .await;
        let e = c.expect("error").await;
        assert_eq!(e["code"], "conversation_not_found", "{bad:?}: {e}");
    }
    c.send(json!({"type": "ping"})).await;
    c.expect("pong").await;
    let mut op = app.console("operator").await;
    op.send(json!({"type": "resume", "conversation": "SБ-1", "last_seq": 0}))
        .await;
    assert_eq!(op.expect("error").await["code"], "conversation_not_found");
    op.send(json!({"type": "ping"})).await;
    op.expect("pong").await;
}

#[tokio::test]
async fn resume_beyond_the_end_answers_the_real_position_and_misses_nothing() {
    let app = single().await;
    let mut anna = app.customer("buyer-1001").await;
    let number = open_delivery_chat(&mut anna, "Где заказ?").await;
    let head = app
        .store
        .conversation(ticket_id(&number))
        .await
        .unwrap()
        .last_seq;

    let mut again = app.customer("buyer-1001").await;
    again.expect("hello").await;
    again
        .send(json!({"type": "resume", "conversation": number, "last_seq": head + 1000}))
        .await;
    let state = again.expect("conversation").await;
    let position = state["last_seq"].as_i64().unwrap();
    // The real end (the bot may have written meanwhile), not what was claimed.
    let end = app
        .store
        .conversation(ticket_id(&number))
        .await
        .unwrap()
        .last_seq;
    assert!(position >= head && position <= end, "{state}");
    // The next message arrives on the resumed socket with the next seq.
    anna.send(json!({"type": "message", "conversation": number, "client_id": "m-2", "body": "Ещё вопрос"}))
        .await;
    let seq = anna.expect("ack").await["seq"].as_i64().unwrap();
    let m = again.message(seq).await;
    assert_eq!(m["body"], "Ещё вопрос");
}

#[tokio::test]
async fn an_expired_token_closes_a_silent_socket() {
    let app = single().await;
    let token = app.token_until("buyer-1001", app.clock.now() + SignedDuration::from_mins(1));
    let mut c = Ws::connect(&format!("{}/api/v1/customer/chat", app.ws_base), &token).await;
    c.expect("hello").await;
    // The client sends nothing; the clock passes the expiry.
    app.clock.advance(SignedDuration::from_mins(2));
    assert_eq!(c.expect("error").await["code"], "token_expired");
    assert_eq!(c.closed().await["code"], 4001);
}

#[tokio::test]
async fn a_steady_flood_is_closed_with_1008_even_when_some_frames_pass() {
    // One frame per 50 ms allowed; the client sends one every 10 ms, so every
    // few frames one is accepted. The strikes must not start over each time.
    let app = node(switchboard_store::testing::fresh_store().await, |c| {
        c.chat.rate_burst = 1;
        c.chat.rate_per_sec = 20.0;
    })
    .await;
    let mut flood = app.customer("buyer-1003").await;
    flood.expect("hello").await;
    let mut sent = 0;
    while sent < 400 && flood.try_send(json!({"type": "ping"})).await {
        sent += 1;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let closed = flood.closed().await;
    assert_eq!(closed["code"], 1008, "after {sent} frames: {closed}");
    assert!(flood.log.iter().any(|f| f["type"] == "pong"));
    assert!(flood.log.iter().any(|f| f["code"] == "rate_limited"));
}

#[tokio::test]
async fn control_characters_in_a_frame_are_refused_and_nothing_is_stored() {
    let app = single().await;
    let mut c = app.customer("buyer-1001").await;
    let number = open_delivery_chat(&mut c, "Где заказ?").await;
    c.send(
        json!({"type": "message", "conversation": number, "client_id": "n-1", "body": "a\u{0}b"}),
    )
    .await;
    let e = c.expect("error").await;
    assert_eq!(e["code"], "control_characters", "{e}");
    assert!(e["message"]["en"].as_str().unwrap().contains("body"));
    c.send(
        json!({"type": "message", "conversation": number, "client_id": "n-2", "body": "a\tb\r\nc"}),
    )
    .await;
    c.expect("ack").await;
    // What the customer wrote is stored, the refused frame is not (the bot
    // may answer meanwhile: its messages are not counted).
    let stored = app
        .store
        .messages(ticket_id(&number), 0, 100, true)
        .await
        .unwrap();
    let from_customer: Vec<(Option<&str>, &str)> = stored
        .iter()
        .filter(|m| m.client_id.is_some())
        .map(|m| (m.client_id.as_deref(), m.body.as_str()))
        .collect();
    assert_eq!(
        from_customer,
        vec![(Some("q-1"), "Где заказ?"), (Some("n-2"), "a\tb\r\nc")]
    );
}

fn ticket_id(number: &str) -> switchboard_domain::ids::TicketId {
    switchboard_domain::ids::TicketNumber::parse(number)
        .unwrap()
        .id()
}
