//! The whole conversation: topic → order → question → bot → "call an operator"
//! → an online operator with the skill → exchange with typing → history; and
//! the SMS step-up of bank topics.

use jiff::SignedDuration;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn bot_first_then_an_online_operator_with_the_skill() {
    let app = single().await;
    // An online operator without the skill must not get it; one with it must.
    let bank_op = app.console("bank-op").await;
    let mut op = app.console("operator").await;
    let mut c = app.customer("buyer-1001").await;
    let hello = c.expect("hello").await;
    assert_eq!(hello["role"], "customer");
    c.send(json!({"type": "topics"})).await;
    let topics = c.expect("topics").await;
    let lines = topics["lines"].as_array().unwrap();
    assert!(lines.iter().any(|l| l["code"] == "marketplace"));
    assert!(lines.iter().all(|l| l["code"] != "bank_retail"));
    c.send(json!({"type": "topic", "line": "marketplace", "topic": "delivery"}))
        .await;
    let orders = c.expect("order_required").await;
    assert!(orders["orders"].to_string().contains("MP-10001"));
    c.send(json!({"type": "order", "number": "MP-10001"})).await;
    c.expect("ready").await;
    c.send(json!({"type": "message", "client_id": "q-1", "body": "Заказ задерживается, где он?"}))
        .await;
    let state = c.expect("conversation").await;
    assert_eq!(state["status"], "with_bot");
    let number = state["conversation"].as_str().unwrap().to_owned();
    let first = c.message(1).await;
    assert_eq!(first["author"], "customer");
    assert_eq!(first["client_id"], "q-1");
    let ack = c.expect("ack").await;
    assert_eq!(ack["seq"], 1);
    // The bot answers with ready answers of the topic, the closest first.
    let bot = c.message(2).await;
    assert_eq!(bot["author"], "bot");
    let suggestions = bot["suggestions"].as_array().expect("suggestions");
    assert_eq!(suggestions[0]["title"], "Заказ задерживается");

    c.send(json!({"type": "call_operator", "conversation": number}))
        .await;
    c.until(|v| v["type"] == "conversation" && v["status"] == "queued")
        .await;
    let assigned = op.expect("assigned").await;
    assert_eq!(assigned["conversation"], number);
    // The operator gets the whole history, in order.
    for seq in 1..=3 {
        op.message(seq).await;
    }
    c.until(|v| v["type"] == "conversation" && v["status"] == "assigned")
        .await;
    let joined = c
        .until(|v| {
            v["type"] == "message"
                && v["author"] == "bot"
                && v["body"].as_str().unwrap().contains("Наталья")
        })
        .await;
    let joined_seq = joined["seq"].as_i64().unwrap();

    // Typing goes across, and is not stored.
    op.send(json!({"type": "typing", "conversation": number}))
        .await;
    let typing = c.expect("typing").await;
    assert_eq!(typing["from"], "operator");
    op.send(json!({"type": "message", "conversation": number, "client_id": "op-1", "body": "Здравствуйте! Проверяю заказ."}))
        .await;
    let reply = c
        .until(|v| v["type"] == "message" && v["author"] == "operator")
        .await;
    assert_eq!(reply["seq"], joined_seq + 1);
    assert!(
        reply.get("client_id").is_none(),
        "the customer does not see the operator's ids"
    );
    c.send(json!({"type": "typing", "conversation": number}))
        .await;
    assert_eq!(op.expect("typing").await["from"], "customer");
    c.send(
        json!({"type": "message", "conversation": number, "client_id": "q-2", "body": "Спасибо!"}),
    )
    .await;
    let back = op
        .until(|v| v["type"] == "message" && v["body"] == "Спасибо!")
        .await;
    assert_eq!(back["seq"], joined_seq + 2);
    // The bank operator saw neither the queue entry's assignment nor messages.
    assert!(!bank_op.log.iter().any(|v| v["type"] == "assigned"));

    // The whole history, reread over HTTP, and the same ticket for staff.
    let token = app.token("buyer-1001");
    let (status, history) = app
        .get(&format!("/api/v1/customer/chats/{number}/messages"), &token)
        .await;
    assert_eq!(status, 200);
    let seqs: Vec<i64> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=joined_seq + 2).collect::<Vec<_>>());
    let staff = app.login("supervisor").await;
    let (status, ticket) = app.get(&format!("/api/v1/tickets/{number}"), &staff).await;
    assert_eq!(status, 200, "{ticket}");
    assert_eq!(ticket["channel"], "chat");
    assert_eq!(ticket["status"], "assigned");
    let (_, events) = app
        .get(&format!("/api/v1/tickets/{number}/events"), &staff)
        .await;
    let kinds = events.to_string();
    assert!(
        kinds.contains("with_bot") && kinds.contains("queued") && kinds.contains("assigned"),
        "{kinds}"
    );
    // Typing left nothing behind.
    assert!(!history.to_string().contains("typing"));
}

#[tokio::test]
async fn a_ready_answer_that_helped_resolves_the_chat_by_the_bot() {
    let app = single().await;
    let mut c = app.customer("buyer-1001").await;
    let number = open_delivery_chat(&mut c, "Как отследить заказ?").await;
    c.message(2).await;
    c.send(json!({"type": "helped", "conversation": number, "answer": "delivery#0"}))
        .await;
    c.until(|v| v["type"] == "conversation" && v["status"] == "resolved")
        .await;
    let staff = app.login("supervisor").await;
    let (_, events) = app
        .get(&format!("/api/v1/tickets/{number}/events"), &staff)
        .await;
    let resolved = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e.to_string().contains("resolved"))
        .expect("a resolution event")
        .to_string();
    assert!(resolved.contains("bot"), "{resolved}");
    let metrics = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("switchboard_chat_resolved_by_bot_total 1"),
        "{metrics}"
    );
}

async fn bank_chat(app: &Node, c: &mut Ws) -> String {
    c.expect("hello").await;
    c.send(json!({"type": "topic", "line": "bank_retail", "topic": "cards"}))
        .await;
    c.expect("ready").await;
    c.send(json!({"type": "message", "client_id": "b-1", "body": "Карта не работает"}))
        .await;
    let number = c.expect("ack").await["conversation"]
        .as_str()
        .unwrap()
        .to_owned();
    let _ = app;
    number
}

#[tokio::test]
async fn bank_topics_need_the_sms_code_before_the_hand_off() {
    let (gateway, url) = Gateway::start().await;
    let app = node(switchboard_store::testing::fresh_store().await, |c| {
        c.sms.url = url.clone();
    })
    .await;
    let mut op = app.console("bank-op").await;
    let mut c = app.customer("bank-3001").await;
    let number = bank_chat(&app, &mut c).await;

    c.send(json!({"type": "call_operator", "conversation": number}))
        .await;
    let step_up = c.expect("step_up").await;
    assert_eq!(step_up["phone"], "+7••••••6655");
    // The code goes out through the notification outbox, on the SMS channel.
    assert_eq!(app.outbox.run_once().await.unwrap().delivered, 1);
    let sms = gateway.received.lock().unwrap().last().cloned().unwrap();
    assert_eq!(sms["channel"], "sms");
    assert_eq!(sms["to"], "+79857776655");
    let code = gateway.last_code();
    let wrong = if code == "000000" { "111111" } else { "000000" };

    // Four wrong tries are counted down; the fifth locks.
    for left in (1..=4).rev() {
        c.send(json!({"type": "code", "conversation": number, "code": wrong}))
            .await;
        let e = c.expect("error").await;
        assert_eq!(e["code"], "wrong_code");
        assert_eq!(e["tries_left"], left);
    }
    c.send(json!({"type": "code", "conversation": number, "code": wrong}))
        .await;
    assert_eq!(c.expect("error").await["code"], "step_up_locked");
    // Even the right code is refused during the cool-down, and no new code is sent.
    c.send(json!({"type": "code", "conversation": number, "code": code}))
        .await;
    assert_eq!(c.expect("error").await["code"], "step_up_locked");
    c.send(json!({"type": "call_operator", "conversation": number}))
        .await;
    assert_eq!(c.expect("error").await["code"], "step_up_locked");

    // After the cool-down a new code can be asked for; it expires after 5 minutes.
    app.clock.advance(SignedDuration::from_mins(15));
    c.send(json!({"type": "call_operator", "conversation": number}))
        .await;
    c.expect("step_up").await;
    app.outbox.run_once().await.unwrap();
    let expiring = gateway.last_code();
    app.clock.advance(SignedDuration::from_mins(5));
    c.send(json!({"type": "code", "conversation": number, "code": expiring}))
        .await;
    assert_eq!(c.expect("error").await["code"], "code_expired");

    c.send(json!({"type": "call_operator", "conversation": number}))
        .await;
    c.expect("step_up").await;
    app.outbox.run_once().await.unwrap();
    let good = gateway.last_code();
    c.send(json!({"type": "code", "conversation": number, "code": good}))
        .await;
    c.until(|v| v["type"] == "conversation" && v["status"] == "queued")
        .await;
    assert_eq!(op.expect("assigned").await["conversation"], number);

    // The codes are nowhere but in the SMS: not in the transcript, the audit
    // log, what staff see of the outbox, or the outbox rows themselves.
    // An admin: the bank's lines are hidden from staff without their skills.
    let staff = app.login("admin").await;
    let mut everything = String::new();
    for path in ["", "/events", "/notifications"] {
        let (_, v) = app
            .get(&format!("/api/v1/tickets/{number}{path}"), &staff)
            .await;
        everything.push_str(&v.to_string());
    }
    let (_, history) = app
        .get(
            &format!("/api/v1/customer/chats/{number}/messages"),
            &app.token("bank-3001"),
        )
        .await;
    everything.push_str(&history.to_string());
    for code in [&code, &expiring, &good] {
        assert!(
            !everything.contains(code.as_str()),
            "{code} leaked: {everything}"
        );
    }
    assert!(everything.contains("step_up"), "the step-up is audited");
}
