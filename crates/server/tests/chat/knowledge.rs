//! The bot's knowledge-base suggestions in the chat and the feedback on
//! them; judgement of chat messages (secrets masked and warned, an
//! operator's request refused, out-of-scope answers with fraud urgent and a
//! block offer); a question repeated across the form and the chat.

use serde_json::{Value, json};
use switchboard_store::testing::fresh_db;

use crate::support::*;

const CARD: &str = "5469 3800 1234 5673";

/// Opens a chat for `customer` on a topic without orders; returns the number.
async fn open_chat(c: &mut Ws, line: &str, topic: &str, question: &str) -> String {
    c.expect("hello").await;
    c.send(json!({"type": "topic", "line": line, "topic": topic}))
        .await;
    c.expect("ready").await;
    c.send(json!({"type": "message", "client_id": "q-1", "body": question}))
        .await;
    let ack = c.expect("ack").await;
    ack["conversation"].as_str().unwrap().to_owned()
}

fn suggestion_ids(bot: &Value) -> Vec<String> {
    bot["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_bot_suggests_articles_of_the_chosen_topic_and_counts_the_verdicts() {
    let app = single().await;
    let admin = app.login("admin").await;
    let mut c = app.customer("buyer-1001").await;
    let number = open_delivery_chat(&mut c, "Как отследить посылку?").await;
    let bot = c.message(2).await;
    assert_eq!(bot["author"], "bot");
    let ids = suggestion_ids(&bot);
    assert!(!ids.is_empty());
    for id in &ids {
        assert!(!id.contains('#'), "{id} is a knowledge-base article");
        let (status, article) = app.get(&format!("/api/v1/kb/articles/{id}"), &admin).await;
        assert_eq!(status, 200);
        assert!(
            article["topics"]
                .as_array()
                .unwrap()
                .contains(&json!("marketplace/delivery")),
            "{id} belongs to the chosen topic"
        );
    }
    assert_eq!(ids[0], "mp-track-order");

    // "Did not help" on one, "helped" on another (which resolves the chat).
    c.send(json!({"type": "feedback", "conversation": number, "article": ids[1], "helped": false}))
        .await;
    let recorded = c.expect("feedback_recorded").await;
    assert_eq!(recorded["helped"], false);
    c.send(json!({"type": "feedback", "conversation": number, "article": "bank-card-limits", "helped": true}))
        .await;
    let refused = c.expect("error").await;
    assert_eq!(refused["code"], "article_not_suggested");
    c.send(json!({"type": "helped", "conversation": number, "answer": ids[0]}))
        .await;
    c.until(|v| v["type"] == "conversation" && v["status"] == "resolved")
        .await;

    let supervisor = app.login("supervisor").await;
    let (status, report) = app.get("/api/v1/reports/kb", &supervisor).await;
    assert_eq!(status, 200);
    let row = |id: &str| {
        report
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["article_id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in {report}"))
    };
    let first = row(&ids[0]);
    assert_eq!(
        (
            first["shown"].as_u64(),
            first["helped"].as_u64(),
            first["not_helped"].as_u64()
        ),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(first["title"]["ru"], "Как отследить заказ");
    let second = row(&ids[1]);
    assert_eq!(
        (
            second["shown"].as_u64(),
            second["helped"].as_u64(),
            second["not_helped"].as_u64()
        ),
        (Some(1), Some(0), Some(1))
    );
    let (status, _) = app
        .get("/api/v1/reports/kb", &app.login("operator").await)
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn without_a_matching_article_the_bot_offers_the_topics_ready_answers() {
    let app = single().await;
    let mut c = app.customer("buyer-1001").await;
    open_delivery_chat(&mut c, "Фывапролджэ ячсмить").await;
    let bot = c.message(2).await;
    let ids = suggestion_ids(&bot);
    assert!(ids.iter().all(|id| id.starts_with("delivery#")), "{ids:?}");
}

#[tokio::test]
async fn card_data_in_chat_is_masked_before_it_is_stored_and_the_customer_is_warned() {
    let db = fresh_db().await;
    let app = node(db.store.clone(), |_| {}).await;
    let mut c = app.customer("buyer-1001").await;
    c.expect("hello").await;
    c.send(json!({"type": "topic", "line": "marketplace", "topic": "payment"}))
        .await;
    c.expect("ready").await;
    c.send(json!({"type": "message", "client_id": "q-1", "body": format!("Не проходит оплата картой {CARD}, что делать?")}))
        .await;
    let ack = c.expect("ack").await;
    let number = ack["conversation"].as_str().unwrap().to_owned();
    let warning = c.expect("warning").await;
    assert_eq!(warning["code"], "sensitive_data_masked");
    assert_eq!(warning["client_id"], "q-1");
    let first = c.message(1).await;
    let body = first["body"].as_str().unwrap();
    assert!(!body.contains(CARD) && body.contains("5673"), "{body}");

    c.send(json!({"type": "message", "conversation": number, "client_id": "q-2", "body": "CVV на обороте карты: 321, код из смс 845512"}))
        .await;
    c.until(|v| v["type"] == "ack" && v["client_id"] == "q-2")
        .await;
    let warned = c
        .until(|v| v["type"] == "warning" && v["client_id"] == "q-2")
        .await;
    assert_eq!(warned["conversation"], number.as_str());

    let staff = app.login("supervisor").await;
    let (_, history) = app
        .get(&format!("/api/v1/chats/{number}/messages"), &staff)
        .await;
    let text = history.to_string();
    assert!(
        !text.contains(CARD) && !text.contains("845512") && !text.contains(": 321"),
        "{text}"
    );
    for secret in [CARD, "5469380012345673", "845512"] {
        assert_eq!(
            db.find_text(secret).await.unwrap(),
            Vec::<String>::new(),
            "{secret}"
        );
    }
    let (_, events) = app
        .get(&format!("/api/v1/tickets/{number}/events"), &staff)
        .await;
    let masked: Vec<&Value> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "sensitive_data_masked")
        .collect();
    assert_eq!(masked.len(), 2, "one per message: {events}");
}

#[tokio::test]
async fn an_operator_asking_for_secrets_in_chat_gets_an_error_and_nothing_is_stored() {
    let app = single().await;
    let mut op = app.console("operator").await;
    let mut c = app.customer("buyer-1001").await;
    let number = open_delivery_chat(&mut c, "Заказ задерживается").await;
    c.send(json!({"type": "call_operator", "conversation": number}))
        .await;
    op.expect("assigned").await;
    c.until(|v| v["type"] == "conversation" && v["status"] == "assigned")
        .await;
    let (_, before) = app
        .get(
            &format!("/api/v1/chats/{number}/messages"),
            &app.login("supervisor").await,
        )
        .await;
    let last = before["conversation"]["last_seq"].as_i64().unwrap();

    op.send(json!({"type": "message", "conversation": number, "client_id": "o-1", "body": "Продиктуйте, пожалуйста, код из СМС и CVV"}))
        .await;
    let refused = op
        .until(|v| v["type"] == "error" && v["client_id"] == "o-1")
        .await;
    assert_eq!(refused["code"], "operator_request_blocked");
    assert!(
        refused["message"]["ru"]
            .as_str()
            .unwrap()
            .contains("не отправлено")
    );
    // Over HTTP as well.
    let token = app.login("operator").await;
    let (status, body) = app
        .post(
            &format!("/api/v1/chats/{number}/messages"),
            &token,
            json!({"client_id": "o-2", "body": "What is your password?"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("operator_request_blocked"))
    );
    op.send(json!({"type": "message", "conversation": number, "client_id": "o-3", "body": "Проверяю заказ, минуту."}))
        .await;
    let ack = op
        .until(|v| v["type"] == "ack" && v["client_id"] == "o-3")
        .await;
    assert_eq!(
        ack["seq"].as_i64(),
        Some(last + 1),
        "nothing was stored before it"
    );
}

#[tokio::test]
async fn fraud_in_chat_is_answered_made_urgent_and_the_block_can_be_accepted() {
    let app = single().await;
    let staff = app.login("supervisor").await;
    let mut c = app.customer("buyer-1001").await;
    let number = open_chat(
        &mut c,
        "marketplace",
        "security",
        "Мошенники позвонили и списали все деньги с карты!",
    )
    .await;
    let bot = c.message(2).await;
    assert_eq!(bot["author"], "bot");
    assert!(bot["body"].as_str().unwrap().contains("полиц"), "{bot}");
    assert_eq!(bot["offer"]["action"], "block");
    assert_eq!(bot["offer"]["targets"], json!(["card", "account"]));
    let (_, t) = app.get(&format!("/api/v1/tickets/{number}"), &staff).await;
    assert_eq!(t["priority"], "urgent");

    c.send(json!({"type": "block", "conversation": number, "target": "card"}))
        .await;
    c.until(|v| v["type"] == "conversation" && v["status"] == "queued")
        .await;
    let (_, events) = app
        .get(&format!("/api/v1/tickets/{number}/events"), &staff)
        .await;
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"out_of_scope"), "{kinds:?}");
    let block = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "block_requested")
        .expect("the accepted offer is recorded");
    assert_eq!(block["data"]["target"], "card");
    assert_eq!(block["actor"]["kind"], "customer");

    // A trade-secret question: the polite answer, nothing urgent, no offer.
    let mut other = app.customer("buyer-1002").await;
    let n2 = open_chat(
        &mut other,
        "marketplace",
        "ordering",
        "Какая выручка у вашей компании за прошлый год?",
    )
    .await;
    let bot = other.message(2).await;
    assert_eq!(bot["author"], "bot");
    assert!(bot["offer"].is_null());
    assert!(
        bot["body"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("information"),
        "{bot}"
    );
    let (_, t) = app.get(&format!("/api/v1/tickets/{n2}"), &staff).await;
    assert_ne!(t["priority"], "urgent");
    other
        .send(json!({"type": "block", "conversation": n2, "target": "card"}))
        .await;
    assert_eq!(other.expect("error").await["code"], "no_block_offer");
}

#[tokio::test]
async fn a_question_asked_in_the_form_and_again_in_the_chat_is_one_ticket() {
    let app = single().await;
    let token = app.token("buyer-1001");
    let form = json!({
        "line": "marketplace", "topic": "delivery", "problem": "delivery_late",
        "order_number": "MP-10001",
        "description": "Заказ должен был прийти вчера, но трекинг не обновляется."
    });
    let (status, t) = app.post("/api/v1/customer/tickets", &token, form).await;
    assert_eq!(status, 201, "{t}");
    let form_number = t["number"].as_str().unwrap().to_owned();

    let mut c = app.customer("buyer-1001").await;
    c.expect("hello").await;
    c.send(json!({"type": "topic", "line": "marketplace", "topic": "delivery"}))
        .await;
    c.expect("order_required").await;
    c.send(json!({"type": "order", "number": "MP-10001"})).await;
    c.expect("ready").await;
    c.send(json!({"type": "message", "client_id": "q-1", "body": "Трекинг не обновляется, а заказ должен был прийти вчера"}))
        .await;
    let joined = c.expect("joined").await;
    assert_eq!(joined["ticket"], form_number.as_str());
    assert_eq!(joined["channel"], "form");
    assert_eq!(joined["client_id"], "q-1");
    assert!(
        joined["message"]["ru"]
            .as_str()
            .unwrap()
            .contains(&form_number)
    );

    let (_, mine) = app.get("/api/v1/customer/tickets", &token).await;
    assert_eq!(
        mine.as_array().unwrap().len(),
        1,
        "no second ticket: {mine}"
    );
    let (_, t) = app
        .get(&format!("/api/v1/customer/tickets/{form_number}"), &token)
        .await;
    assert_eq!(t["messages"].as_array().unwrap().len(), 2);
    let staff = app.login("supervisor").await;
    let (_, events) = app
        .get(&format!("/api/v1/tickets/{form_number}/events"), &staff)
        .await;
    let dup = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "duplicate_joined")
        .expect("joined");
    assert_eq!(dup["data"]["channel"], "chat");
}

#[tokio::test]
async fn a_question_asked_in_the_chat_and_again_in_the_form_joins_the_conversation() {
    let app = single().await;
    let mut c = app.customer("buyer-1001").await;
    let number = open_delivery_chat(
        &mut c,
        "Заказ должен был прийти вчера, но трекинг не обновляется",
    )
    .await;
    c.message(2).await;
    let token = app.token("buyer-1001");
    let form = json!({
        "line": "marketplace", "topic": "delivery", "problem": "delivery_late",
        "order_number": "MP-10001",
        "description": "Трекинг не обновляется, заказ должен был прийти вчера!"
    });
    let (status, t) = app.post("/api/v1/customer/tickets", &token, form).await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["duplicate_of"], number.as_str());
    // The conversation's socket sees the repeated question arrive.
    let repeated = c
        .until(|v| {
            v["type"] == "message" && v["author"] == "customer" && v["seq"].as_i64() > Some(2)
        })
        .await;
    assert!(repeated["body"].as_str().unwrap().starts_with("Трекинг"));
    let (_, mine) = app.get("/api/v1/customer/tickets", &token).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);

    // A second chat with the same question joins the first one too.
    let mut again = app.customer("buyer-1001").await;
    again.expect("hello").await;
    again
        .send(json!({"type": "topic", "line": "marketplace", "topic": "delivery"}))
        .await;
    again.expect("order_required").await;
    again
        .send(json!({"type": "order", "number": "MP-10001"}))
        .await;
    again.expect("ready").await;
    again
        .send(json!({"type": "message", "client_id": "z-1", "body": "трекинг не обновляется, заказ должен был прийти вчера"}))
        .await;
    let joined = again.expect("joined").await;
    assert_eq!(
        (joined["ticket"].as_str(), joined["channel"].as_str()),
        (Some(number.as_str()), Some("chat"))
    );
    // The bot says so in the conversation, right after the joined message.
    let notice = again.message(joined["seq"].as_i64().unwrap() + 1).await;
    assert_eq!(notice["author"], "bot");
    assert!(
        notice["body"].as_str().unwrap().contains(&number),
        "{notice}"
    );
    // Resending the same frame stores nothing new.
    again
        .send(json!({"type": "message", "client_id": "z-1", "body": "трекинг не обновляется, заказ должен был прийти вчера"}))
        .await;
    let second = again
        .until(|v| v["type"] == "joined" && v["client_id"] == "z-1" && v["seq"] == joined["seq"])
        .await;
    assert_eq!(second["seq"], joined["seq"]);
}

/// Knowledge-base edits made on one node reach another: it catches up by the
/// store's revision (its refresh worker calls the same `sync` on a timer).
/// Runs only on PostgreSQL, like the other two-node case.
#[tokio::test]
async fn an_edit_on_one_node_reaches_another_by_revision() {
    use std::sync::Arc;
    use switchboard_server::clock::{ManualClock, SystemClock};
    use switchboard_server::{Application, Config};
    use switchboard_store::Backend;
    use switchboard_store::testing::backend_under_test;

    if backend_under_test() != Backend::Postgres {
        eprintln!("skipped: the two-node case needs TEST_DATABASE_URL (PostgreSQL)");
        return;
    }
    let db = fresh_db().await;
    let a = node(db.store.clone(), |_| {}).await;
    let data_dir = std::env::temp_dir().join(format!("sb-kb-{}", uuid::Uuid::now_v7().simple()));
    let mut config = Config::default();
    config.server.listen = "127.0.0.1:0".parse().unwrap();
    config.storage.data_dir = data_dir.clone();
    config.identity.secret = Some(serde_json::from_value(json!(SECRET)).unwrap());
    config.outbox.run_worker = false;
    config.profile.demo = false;
    // The timer stays out of the way: the test drives the catch-up itself.
    config.kb.refresh_interval_ms = 3_600_000;
    let b = Application::build_with(
        config,
        Arc::new(ManualClock::new(switchboard_server::clock::Clock::now(
            &SystemClock,
        ))),
        Some(db.another_node().await),
    )
    .await
    .expect("node B starts");
    let kb_b = b.state().kb.clone();
    let before = kb_b.revision();
    assert!(
        kb_b.is_published("mp-cancel-order"),
        "B loaded the seeded knowledge base"
    );

    let admin = a.login("admin").await;
    let (status, _) = a
        .post(
            "/api/v1/kb/articles/mp-cancel-order/unpublish",
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert!(kb_b.is_published("mp-cancel-order"), "not yet");
    assert!(
        kb_b.sync().await.expect("catch up"),
        "B saw a newer revision"
    );
    assert!(kb_b.revision() > before);
    assert!(!kb_b.is_published("mp-cancel-order"));
    assert!(!kb_b.sync().await.expect("nothing new"));
    drop(b);
    let _ = std::fs::remove_dir_all(data_dir);
}
