//! Customer satisfaction in VK (issue 14): after resolution the request
//! comes with 1–5 keyboard buttons; a press (a message with the button's
//! payload, as VK's Callback API posts it) rates the ticket once.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fake_api::FakeVk;
use crate::{app_with, callback, message, payloads};

#[tokio::test]
async fn a_resolved_vk_conversation_is_rated_with_a_keyboard_button_once() {
    let fake = FakeVk::start().await;
    let app = app_with(&fake, true).await;
    let vk = &fake.api;
    let steps: [(&str, Option<&str>, &str); 4] = [
        ("Начать", None, "Выберите, с чем нужна помощь"),
        ("Маркетплейс", Some("l:marketplace"), "Выберите тему"),
        (
            "Доставка",
            Some("t:marketplace:delivery"),
            "Вопрос про заказ?",
        ),
        ("Вопрос не по заказу", Some("o:-"), "Напишите ваш вопрос"),
    ];
    for (i, (text, button, answer)) in steps.iter().enumerate() {
        let body = message(&format!("s-{i}"), 99, i as i64 + 1, text, *button);
        assert_eq!(callback(&app, &body).await.0, StatusCode::OK);
        vk.message_to(99, answer).await;
    }
    let question = message("q-1", 99, 10, "Курьер не позвонил, что делать?", None);
    assert_eq!(callback(&app, &question).await.0, StatusCode::OK);
    vk.wait_tries("the bot's answer", |_| {
        vk.sent()
            .iter()
            .any(|m| m["peer_id"] == "99" && payloads(m).contains(&"c".to_owned()))
    })
    .await;
    let call = message("q-2", 99, 11, "Позвать оператора", Some("c"));
    assert_eq!(callback(&app, &call).await.0, StatusCode::OK);
    vk.message_to(99, "оператор").await;
    let sup = app.login("supervisor").await;
    let list: Vec<Value> = app
        .get("/api/v1/tickets?limit=200", &sup)
        .await
        .json()
        .await
        .unwrap();
    let number = list.iter().find(|t| t["channel"] == "vk").unwrap()["number"]
        .as_str()
        .unwrap()
        .to_owned();
    app.status_becomes(&sup, &number, "queued").await;
    let r = app
        .post(
            &format!("/api/v1/chats/{number}/messages"),
            &sup,
            json!({"client_id": "vk-c1", "body": "Курьер перезвонит в течение часа."}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post(
            &format!("/api/v1/tickets/{number}/resolve"),
            &sup,
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    assert_eq!(app.core.ask_for_ratings().await.unwrap(), 1);
    assert_eq!(app.core.ask_for_ratings().await.unwrap(), 0, "asked once");
    let request = vk.message_to(99, "Оцените").await;
    let data = payloads(&request);
    assert_eq!(data.len(), 5, "{data:?}");
    let two = data.iter().find(|d| d.starts_with("r:2:")).unwrap().clone();
    let press = message("r-1", 99, 12, "2", Some(&two));
    assert_eq!(callback(&app, &press).await.0, StatusCode::OK);
    vk.message_to(99, "Спасибо за оценку 2").await;
    let again = message("r-2", 99, 13, "5", Some(&two.replace("r:2:", "r:5:")));
    assert_eq!(callback(&app, &again).await.0, StatusCode::OK);
    vk.message_to(99, "уже оценили").await;

    let events: Vec<Value> = app
        .get(&format!("/api/v1/tickets/{number}/events"), &sup)
        .await
        .json()
        .await
        .unwrap();
    let rated: Vec<&Value> = events.iter().filter(|e| e["kind"] == "rated").collect();
    assert_eq!(rated.len(), 1, "{events:#?}");
    assert_eq!(rated[0]["data"]["score"], 2);
    // A low rating reopens the ticket (the default) and alerts supervisors.
    let t: Value = app
        .get(&format!("/api/v1/tickets/{number}"), &sup)
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(t["status"], "resolved");
}
