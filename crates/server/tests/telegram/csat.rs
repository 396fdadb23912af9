//! Customer satisfaction in Telegram (issue 14): after resolution the
//! customer gets the request with 1–5 inline buttons; a press rates the
//! ticket once, through the real adapter and the local Bot API server.

use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard_channels::telegram::UpdateMode;

use crate::fake_api::press;
use crate::{app_with, buttons, open_conversation, staff_reply};

#[tokio::test]
async fn a_resolved_conversation_is_rated_with_a_button_once() {
    let fake = crate::fake_api::FakeTelegram::start().await;
    let app = app_with(&fake, UpdateMode::Polling, true).await;
    let tg = &fake.api;
    let number = open_conversation(&app, tg, 701, "Курьер не приехал, где моя посылка?").await;
    tg.push(press(701, "c"));
    tg.message_to(701, "оператор").await;
    let sup = app.login("supervisor").await;
    app.status_becomes(&sup, &number, "queued").await;
    staff_reply(&app, &number, "Посылка у курьера, привезёт сегодня.").await;
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
    let request = tg.message_to(701, "Оцените").await;
    let data = buttons(&request);
    assert_eq!(data.len(), 5, "{data:?}");
    assert!(data.iter().all(|d| d.len() <= 64), "{data:?}");
    let four = data.iter().find(|d| d.starts_with("r:4:")).unwrap().clone();
    // The link stays in the text for a rating with a comment.
    let text = request.body["text"].as_str().unwrap();
    assert!(text.contains("/rate/"), "{text}");

    // A forged press (a token nobody was given) rates nothing.
    tg.push(press(701, &format!("r:1:{}", "0".repeat(48))));
    tg.push(press(701, &four));
    tg.message_to(701, "Спасибо за оценку 4").await;
    tg.push(press(701, &four.replace("r:4:", "r:1:")));
    tg.message_to(701, "уже оценили").await;

    let events: Vec<Value> = app
        .get(&format!("/api/v1/tickets/{number}/events"), &sup)
        .await
        .json()
        .await
        .unwrap();
    let rated: Vec<&Value> = events.iter().filter(|e| e["kind"] == "rated").collect();
    assert_eq!(rated.len(), 1, "{events:#?}");
    assert_eq!(rated[0]["data"]["score"], 4);
    let t: Value = app
        .get(&format!("/api/v1/tickets/{number}"), &sup)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["status"], "resolved", "a good rating leaves it resolved");
}
