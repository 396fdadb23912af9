//! Delivery guarantees: acknowledged once stored, idempotent resends,
//! reconnect-and-replay exactly once in order, a tiny per-connection queue
//! that resyncs instead of losing messages.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn resending_a_client_id_stores_once_and_answers_the_same_seq() {
    let app = single().await;
    let mut c = app.customer("buyer-1001").await;
    let number = open_delivery_chat(&mut c, "Где заказ?").await;
    // Resending the opening message opens nothing new.
    c.send(json!({"type": "message", "client_id": "q-1", "body": "Где заказ?"}))
        .await;
    let again = c
        .until(|v| v["type"] == "ack" && v["duplicate"] == true)
        .await;
    assert_eq!(again["conversation"], number.as_str());
    assert_eq!(again["seq"], 1);

    let frame = json!({"type": "message", "conversation": number, "client_id": "m-7", "body": "Ещё вопрос"});
    c.send(frame.clone()).await;
    let first = c
        .until(|v| v["type"] == "ack" && v["client_id"] == "m-7")
        .await;
    assert_eq!(first["duplicate"], false);
    // After a reconnect, the same id again: same seq, nothing new stored.
    drop(c);
    let mut c = app.customer("buyer-1001").await;
    c.expect("hello").await;
    c.send(frame).await;
    let second = c
        .until(|v| v["type"] == "ack" && v["client_id"] == "m-7")
        .await;
    assert_eq!(second["seq"], first["seq"]);
    assert_eq!(second["duplicate"], true);
    // And over HTTP too.
    let token = app.token("buyer-1001");
    let (status, ack) = app
        .post(
            &format!("/api/v1/customer/chats/{number}/messages"),
            &token,
            json!({"client_id": "m-7", "body": "Ещё вопрос"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(ack["seq"], first["seq"]);
    let (_, history) = app
        .get(&format!("/api/v1/customer/chats/{number}/messages"), &token)
        .await;
    let bodies = history["messages"].to_string();
    assert_eq!(bodies.matches("Ещё вопрос").count(), 1);
    assert_eq!(bodies.matches("Где заказ?").count(), 1);
}

#[tokio::test]
async fn a_reconnecting_client_gets_what_it_missed_exactly_once_in_order() {
    let app = single().await;
    let mut op = app.console("operator").await;
    let mut c = app.customer("buyer-1001").await;
    let number = open_delivery_chat(&mut c, "Где заказ?").await;
    c.message(2).await;
    c.send(json!({"type": "call_operator", "conversation": number}))
        .await;
    op.expect("assigned").await;
    let seen = c
        .until(|v| v["type"] == "message" && v["body"].as_str().unwrap().contains("Наталья"))
        .await["seq"]
        .as_i64()
        .unwrap();
    drop(c);
    // While the customer is away, the operator writes five messages.
    for i in 0..5 {
        op.send(json!({"type": "message", "conversation": number, "client_id": format!("o-{i}"), "body": format!("ответ {i}")}))
            .await;
    }
    for i in 0..5 {
        op.until(|v| v["type"] == "ack" && v["client_id"] == format!("o-{i}"))
            .await;
    }
    let mut c = app.customer("buyer-1001").await;
    let hello = c.expect("hello").await;
    assert_eq!(hello["conversations"][0]["last_seq"], seen + 5);
    c.send(json!({"type": "resume", "conversation": number, "last_seq": seen}))
        .await;
    c.message(seen + 5).await;
    // One more live message after the replay.
    op.send(
        json!({"type": "message", "conversation": number, "client_id": "o-live", "body": "ещё"}),
    )
    .await;
    c.message(seen + 6).await;
    assert_eq!(
        c.seqs(&number),
        ((seen + 1)..=(seen + 6)).collect::<Vec<_>>()
    );
    let bodies: Vec<String> = c
        .log
        .iter()
        .filter(|v| v["type"] == "message")
        .map(|v| v["body"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        bodies[..5],
        ["ответ 0", "ответ 1", "ответ 2", "ответ 3", "ответ 4"]
    );
}

#[tokio::test]
async fn a_connection_whose_queue_overflows_resyncs_and_loses_nothing() {
    // One notice of room per connection: a burst overflows it for sure.
    let app = node(switchboard_store::testing::fresh_store().await, |c| {
        c.chat.connection_queue = 1;
        c.chat.rate_burst = 1000;
        c.chat.rate_per_sec = 1000.0;
    })
    .await;
    let mut op = app.console("operator").await;
    let mut c = app.customer("buyer-1001").await;
    let number = open_delivery_chat(&mut c, "Где заказ?").await;
    c.message(2).await;
    c.send(json!({"type": "call_operator", "conversation": number}))
        .await;
    op.expect("assigned").await;
    c.until(|v| v["type"] == "conversation" && v["status"] == "assigned")
        .await;
    let burst = 60;
    for i in 0..burst {
        c.send(json!({"type": "message", "conversation": number, "client_id": format!("b-{i}"), "body": format!("сообщение {i}")}))
            .await;
    }
    for i in 0..burst {
        c.until(|v| v["type"] == "ack" && v["client_id"] == format!("b-{i}"))
            .await;
    }
    let head = app
        .store
        .conversation(
            switchboard_domain::ids::TicketNumber::parse(&number)
                .unwrap()
                .id(),
        )
        .await
        .unwrap()
        .last_seq;
    op.message(head).await;
    c.message(head).await;
    for ws in [&op, &c] {
        let seqs = ws.seqs(&number);
        assert_eq!(
            seqs,
            (1..=head).collect::<Vec<_>>(),
            "exactly once, in order"
        );
    }
}
