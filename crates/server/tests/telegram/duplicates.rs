//! Duplicates across channels (SPEC §6, issue 10): a linked customer's
//! question asked in the web chat and again, reworded, in Telegram joins
//! the open chat request; a different question ("включить" / "выключить")
//! opens its own. Through the chat API and the local Bot API server.

use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard_channels::telegram::UpdateMode;

use super::fake_api::{FakeTelegram, press, text};
use super::helpers::TestApp;
use super::link::Cabinet;
use super::{app_with, buttons, tickets_seen_by};

async fn chat(app: &TestApp, customer: &str, topic: &str, body: &str, id: &str) -> String {
    let token = app.customer_token(customer);
    let r = app
        .post(
            "/api/v1/customer/chats",
            &token,
            json!({"line": "marketplace", "topic": topic, "body": body, "client_id": id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let ack: Value = r.json().await.unwrap();
    ack["conversation"].as_str().unwrap().to_owned()
}

/// Asks `question` in Telegram on `topic`, "not about an order"; waits
/// until the bot has answered or said it was joined.
async fn ask_in_telegram(tg: &FakeTelegram, user: i64, topic: &str, question: &str, n: i64) {
    tg.push(press(user, &format!("t:marketplace:{topic}")));
    if topic == "delivery" {
        tg.message_to(user, "Вопрос про заказ?").await;
        tg.push(press(user, "o:-"));
    }
    tg.message_to(user, "Напишите ваш вопрос").await;
    let id = tg.push(text(user, n, question));
    tg.wait_confirmed(id).await;
}

async fn tickets(app: &TestApp) -> Vec<Value> {
    tickets_seen_by(app, "supervisor").await.0
}

async fn bodies(app: &TestApp, number: &str) -> Vec<String> {
    let sup = app.login("supervisor").await;
    let v: Value = app
        .get(&format!("/api/v1/chats/{number}/messages"), &sup)
        .await
        .json()
        .await
        .unwrap();
    v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["body"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_same_question_in_chat_and_telegram_is_one_request_and_a_different_one_is_not() {
    let fake = FakeTelegram::start().await;
    let app = app_with(&fake, UpdateMode::Polling, true).await;
    let tg = &fake.api;
    let anna = Cabinet::sign_in(&app, "buyer-1001").await;
    let code = anna.code().await;
    tg.push(text(801, 1, &format!("/start {code}")));
    tg.message_to(801, "привязан к профилю").await;

    let number = chat(
        &app,
        "buyer-1001",
        "delivery",
        "Курьер так и не привёз посылку, хотя в статусе написано доставлено",
        "c-1",
    )
    .await;
    ask_in_telegram(
        tg,
        801,
        "delivery",
        "Посылку мне курьер не привёз, а статус уже «доставлено»",
        2,
    )
    .await;
    let joined = tg.message_to(801, "уже обращались").await;
    assert!(
        joined.body["text"].as_str().unwrap().contains(&number),
        "the customer is told which request: {joined:?}"
    );
    assert!(
        tickets(&app)
            .await
            .iter()
            .all(|t| t["channel"] != "telegram"),
        "no Telegram ticket was opened"
    );
    let said = bodies(&app, &number).await;
    assert!(
        said.iter().any(|b| b.contains("статус уже «доставлено»")),
        "the Telegram message is in the chat request: {said:?}"
    );

    // Enabling and disabling are two questions, on whatever channel.
    chat(
        &app,
        "buyer-1001",
        "profile",
        "Как включить уведомления о статусе заказа?",
        "c-2",
    )
    .await;
    let before = tickets(&app).await.len();
    ask_in_telegram(
        tg,
        801,
        "profile",
        "Как выключить уведомления о статусе заказа?",
        3,
    )
    .await;
    tg.wait_for("the bot's answer in Telegram", |calls| {
        calls
            .iter()
            .filter(|c| c.body["chat_id"] == json!(801))
            .find(|c| buttons(c).contains(&"c".to_owned()))
            .cloned()
    })
    .await;
    let after = tickets(&app).await;
    assert_eq!(after.len(), before + 1, "a new request");
    assert_eq!(after[0]["channel"], "telegram");
    assert_eq!(after[0]["customer_id"], "buyer-1001");
}
