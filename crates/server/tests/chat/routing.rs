//! Routing and chat deadlines through the real chat (issue 4): the domain
//! router gives a waiting conversation to an online operator with the skill
//! and free capacity, never above it; an operator who goes away gives back
//! the conversations waiting for them (to the queue head); the chat's SLA
//! clock starts at the hand-over (10 minutes, premium sellers 3) and the
//! operator's first message meets it.

use jiff::Timestamp;
use serde_json::{Value, json};
use switchboard_server::clock::Clock;

use crate::support::*;

async fn open_chat(c: &mut Ws, line: &str, topic: &str, order: Option<&str>, q: &str) -> String {
    c.expect("hello").await;
    c.send(json!({"type": "topic", "line": line, "topic": topic}))
        .await;
    if let Some(o) = order {
        c.expect("order_required").await;
        c.send(json!({"type": "order", "number": o})).await;
    }
    c.expect("ready").await;
    c.send(json!({"type": "message", "client_id": "q-1", "body": q}))
        .await;
    let ack = c.expect("ack").await;
    let number = ack["conversation"].as_str().unwrap().to_owned();
    c.send(json!({"type": "call_operator", "conversation": number}))
        .await;
    c.until(|v| v["type"] == "conversation" && v["status"] == "queued")
        .await;
    number
}

async fn ticket(app: &Node, staff: &str, number: &str) -> Value {
    let (status, t) = app.get(&format!("/api/v1/tickets/{number}"), staff).await;
    assert_eq!(status, 200, "{t}");
    t
}

fn ts(v: &Value) -> Timestamp {
    v.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn skill_and_capacity_hold_and_away_returns_the_conversation() {
    let app = single().await;
    let admin = app.login("admin").await;
    let (status, _) = app
        .post(
            "/api/v1/staff",
            &admin,
            json!({"login": "soloist", "name": "Соло Оператор", "role": "operator",
                   "password": "one chat at a time", "skills": ["marketplace"], "capacity": 1}),
        )
        .await;
    assert_eq!(status, 201);
    // Online without the skill: gets nothing.
    let bank = app.console("bank-op").await;
    let token = app.login_as("soloist", "one chat at a time").await;
    let mut solo = Ws::connect(&format!("{}/api/v1/chat/console", app.ws_base), &token).await;
    solo.expect("hello").await;
    solo.send(json!({"type": "presence", "status": "online"}))
        .await;
    solo.expect("presence").await;

    let mut a = app.customer("buyer-1001").await;
    let first = open_chat(
        &mut a,
        "marketplace",
        "delivery",
        Some("MP-10001"),
        "Где заказ?",
    )
    .await;
    let got = solo.expect("assigned").await;
    assert_eq!(got["conversation"], first);
    // Capacity 1: the second conversation waits.
    let mut b = app.customer("buyer-1002").await;
    let second = open_chat(
        &mut b,
        "marketplace",
        "delivery",
        Some("MP-10005"),
        "Курьер не звонит",
    )
    .await;
    let staff = app.login("supervisor").await;
    app.chat.route_once().await.unwrap();
    assert_eq!(ticket(&app, &staff, &second).await["status"], "queued");

    // Away: the customer who waits for solo goes back to the queue.
    solo.send(json!({"type": "presence", "status": "away"}))
        .await;
    solo.until(|v| v["type"] == "unassigned" && v["conversation"] == first)
        .await;
    a.until(|v| v["type"] == "conversation" && v["status"] == "queued")
        .await;
    // Someone with room takes both, the returned one first.
    let mut op = app.console("operator").await;
    let one = op.expect("assigned").await;
    assert_eq!(one["conversation"], first);
    let two = op.until(|v| v["type"] == "assigned").await;
    assert_eq!(two["conversation"], second);
    assert!(!bank.log.iter().any(|v| v["type"] == "assigned"));
}

#[tokio::test]
async fn chat_deadlines_start_at_the_hand_over_and_premium_sellers_wait_less() {
    let app = single().await;
    let staff = app.login("supervisor").await;
    let mut op = app.console("operator").await;
    let mut c = app.customer("buyer-1001").await;
    let number = open_chat(
        &mut c,
        "marketplace",
        "delivery",
        Some("MP-10001"),
        "Где заказ?",
    )
    .await;
    op.expect("assigned").await;
    let t = ticket(&app, &staff, &number).await;
    assert_eq!(t["sla"]["policy"], "chat", "{t}");
    assert_eq!(t["sla"]["next_deadline"]["target"], "first_response");
    let due = ts(&t["sla"]["next_deadline"]["due_at"]);
    assert_eq!(due, app.clock.now() + jiff::SignedDuration::from_mins(10));

    // The operator's first message meets the first response.
    op.send(json!({"type": "message", "conversation": number, "client_id": "op-1", "body": "Здравствуйте!"}))
        .await;
    c.until(|v| v["type"] == "message" && v["author"] == "operator")
        .await;
    app.chat.route_once().await.unwrap();
    let t = ticket(&app, &staff, &number).await;
    assert_eq!(t["sla"]["next_deadline"]["target"], "resolution");
    assert!(t["first_response_at"].is_string());

    // A premium seller: the priority class and 3 minutes.
    let mut seller_op = app.console("seller-op").await;
    let mut s = app.customer("seller-2002").await;
    let n = open_chat(&mut s, "sellers", "payouts", None, "Не пришла выплата").await;
    seller_op.expect("assigned").await;
    let t = ticket(&app, &staff, &n).await;
    assert_eq!(t["priority"], "high");
    assert_eq!(t["priority_rule"], "premium_seller");
    assert_eq!(t["sla"]["policy"], "chat_priority");
    let due = ts(&t["sla"]["next_deadline"]["due_at"]);
    assert_eq!(due, app.clock.now() + jiff::SignedDuration::from_mins(3));
}

#[tokio::test]
async fn off_hours_the_bot_says_when_a_person_will_reply() {
    let app = single().await;
    // Saturday 7 November 2026, 20:00 in Moscow; the marketplace line works
    // Monday to Friday 09–18 by the demo calendars.
    let saturday: Timestamp = "2026-11-07T17:00:00Z".parse().unwrap();
    app.clock.set(saturday);
    let mut c = app.customer("buyer-1001").await;
    open_chat(
        &mut c,
        "marketplace",
        "delivery",
        Some("MP-10001"),
        "Где заказ?",
    )
    .await;
    let says = |v: &Value| {
        v["type"] == "message"
            && v["author"] == "bot"
            && v["body"]
                .as_str()
                .unwrap_or("")
                .contains("09.11.2026 09:00")
    };
    let note = match c.log.iter().find(|v| says(v)) {
        Some(v) => v.clone(),
        None => c.until(says).await,
    };
    assert!(note["body"].as_str().unwrap().contains("Europe/Moscow"));
}

#[tokio::test]
async fn transfers_and_supervisor_reassignment_go_through_the_router() {
    let app = single().await;
    let boss = app.login("supervisor").await;
    let mut op = app.console("operator").await;
    let mut c = app.customer("buyer-1001").await;
    let number = open_chat(
        &mut c,
        "marketplace",
        "delivery",
        Some("MP-10001"),
        "Где заказ?",
    )
    .await;
    op.expect("assigned").await;

    // A transfer to the sellers' queue: the seller operator, online, takes it.
    let mut seller_op = app.console("seller-op").await;
    let (status, body) = app
        .post(
            &format!("/api/v1/tickets/{number}/transfer"),
            &boss,
            json!({"line": "sellers", "topic": "orders_shipments"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    op.until(|v| v["type"] == "unassigned" && v["conversation"] == number)
        .await;
    let got = seller_op
        .until(|v| v["type"] == "assigned" && v["conversation"] == number)
        .await;
    assert_eq!(got["conversation"], number);

    // The supervisor puts it back in the queue: with nobody else holding the
    // skill online, the router gives it to the seller operator again.
    let (status, body) = app
        .post(
            &format!("/api/v1/tickets/{number}/assign"),
            &boss,
            json!({"operator_id": null}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    seller_op
        .until(|v| v["type"] == "unassigned" && v["conversation"] == number)
        .await;
    seller_op
        .until(|v| v["type"] == "assigned" && v["conversation"] == number)
        .await;
    app.chat.route_once().await.unwrap();
    let t = ticket(&app, &boss, &number).await;
    assert_eq!(t["status"], "assigned");
}
