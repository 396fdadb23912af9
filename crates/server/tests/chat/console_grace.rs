//! An operator's console that closes and reopens within the grace (a page
//! navigation in the staff console) keeps the operator online and their
//! chats theirs; one that stays closed past it takes them offline and
//! their chats back to the queue.

use std::time::Duration;

use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::support::*;

/// A console that is online and has been handed the customer's chat.
async fn handed_over(app: &Node, customer: &mut Ws) -> (Ws, String) {
    let mut op = app.console("operator").await;
    let number = open_delivery_chat(customer, "Где мой заказ?").await;
    customer
        .send(json!({"type": "call_operator", "conversation": number}))
        .await;
    let assigned = op.expect("assigned").await;
    assert_eq!(assigned["conversation"], number);
    customer
        .until(|v| v["type"] == "conversation" && v["status"] == "assigned")
        .await;
    (op, number)
}

async fn close(mut ws: Ws) {
    ws.send_raw(Message::Close(None)).await;
    ws.closed().await;
}

/// The node's open chat connections, from `/metrics`.
async fn connections(app: &Node) -> i64 {
    let text = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find(|l| {
            !l.starts_with('#')
                && l.split(' ')
                    .next()
                    .is_some_and(|n| n.ends_with("chat_connections"))
        })
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the chat_connections gauge")
}

fn requeued(log: &[Value]) -> bool {
    let assigned = log
        .iter()
        .position(|v| v["type"] == "conversation" && v["status"] == "assigned")
        .expect("the chat was assigned");
    log[assigned..]
        .iter()
        .any(|v| v["type"] == "conversation" && v["status"] == "queued")
}

#[tokio::test]
async fn a_console_reopened_within_the_grace_keeps_its_chats() {
    let app = node(switchboard_store::testing::fresh_store().await, |c| {
        c.chat.console_grace_ms = 60_000;
    })
    .await;
    let mut customer = app.customer("buyer-1001").await;
    let (op, number) = handed_over(&app, &mut customer).await;
    close(op).await;
    // The server has let the old console go (only the customer is left)…
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while connections(&app).await != 1 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the console never left"
        );
        tokio::task::yield_now().await;
    }
    // …and the page's next console, without saying anything, finds the chat
    // still its own and gets the customer's next message.
    let token = app.login("operator").await;
    let mut again = Ws::connect(&format!("{}/api/v1/chat/console", app.ws_base), &token).await;
    let hello = again.expect("hello").await;
    assert_eq!(
        hello["conversations"][0]["conversation"], number,
        "the chat is still the operator's: {hello}"
    );
    again
        .send(json!({"type": "resume", "conversation": number, "last_seq": 0}))
        .await;
    customer
        .send(json!({"type": "message", "conversation": number, "client_id": "q-2", "body": "Вы тут?"}))
        .await;
    customer.expect("ack").await;
    again
        .until(|v| v["type"] == "message" && v["conversation"] == number && v["body"] == "Вы тут?")
        .await;
    assert!(!requeued(&customer.log), "the chat went back to the queue");
    let staff = app.login("supervisor").await;
    let (status, t) = app.get(&format!("/api/v1/tickets/{number}"), &staff).await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["status"], "assigned");
}

#[tokio::test]
async fn a_console_that_stays_closed_returns_its_chats_after_the_grace() {
    let app = node(switchboard_store::testing::fresh_store().await, |c| {
        c.chat.console_grace_ms = 200;
    })
    .await;
    let mut customer = app.customer("buyer-1001").await;
    let (op, number) = handed_over(&app, &mut customer).await;
    close(op).await;
    customer
        .until(|v| {
            v["type"] == "conversation" && v["conversation"] == number && v["status"] == "queued"
        })
        .await;
    let staff = app.login("supervisor").await;
    let (_, me) = app
        .get("/api/v1/auth/me", &app.login("operator").await)
        .await;
    let (status, d) = app.get("/api/v1/dashboard", &staff).await;
    assert_eq!(status, 200, "{d}");
    let state = d["operators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == me["id"])
        .cloned()
        .expect("the operator on the dashboard");
    assert_eq!(state["status"], "offline");
    let (_, t) = app.get(&format!("/api/v1/tickets/{number}"), &staff).await;
    assert!(t["assignee_id"].is_null(), "{t}");
}
