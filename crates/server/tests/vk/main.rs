//! The VK community end to end: the real app on port 0 with a fresh
//! database; VK's Callback API requests posted to it as VK would, replies
//! delivered to a local VK API server (`fake_api`) through the outbox.

#[allow(dead_code)]
#[path = "../common/authenticator.rs"]
mod authenticator;
mod csat;
mod fake_api;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
mod longpoll;

use fake_api::{FakeVk, Running, TOKEN};
use helpers::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard_channels::Secret;
use switchboard_channels::vk::CommunityConfig;

const GROUP: i64 = 4242;
const SECRET: &str = "cb-secret-1";

async fn app_with(fake: &Running, worker: bool) -> TestApp {
    let url = fake.url.clone();
    TestApp::spawn_with(|s| {
        s.config.vk.api_url = url;
        s.config.vk.communities = vec![CommunityConfig {
            name: "club4242".into(),
            group_id: GROUP,
            token: Secret::new(TOKEN),
            secret: Secret::new(SECRET),
            confirmation: Secret::new("c0nf1rm"),
        }];
        s.config.outbox.run_worker = worker;
        s.config.outbox.poll_interval_ms = 20;
    })
    .await
}

fn message(event_id: &str, user: i64, id: i64, text: &str, button: Option<&str>) -> Value {
    let mut m = json!({"id": id, "from_id": user, "peer_id": user, "text": text, "date": 0});
    if let Some(b) = button {
        m["payload"] = json!(json!({"b": b}).to_string());
    }
    json!({"type": "message_new", "group_id": GROUP, "event_id": event_id, "v": "5.199",
           "secret": SECRET, "object": {"message": m, "client_info": {"lang_id": 0}}})
}

async fn callback(app: &TestApp, body: &Value) -> (StatusCode, String) {
    let r = app
        .client
        .post(app.url("/channels/vk/club4242"))
        .json(body)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

fn payloads(m: &std::collections::HashMap<String, String>) -> Vec<String> {
    let k: Value = serde_json::from_str(m.get("keyboard").map_or("{}", String::as_str)).unwrap();
    k["buttons"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["action"]["payload"].as_str().map(str::to_owned))
        .filter_map(|p| serde_json::from_str::<Value>(&p).ok())
        .filter_map(|p| p["b"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_callback_api_handshake_and_forged_requests() {
    let fake = FakeVk::start().await;
    let app = app_with(&fake, true).await;
    let confirm = json!({"type": "confirmation", "group_id": GROUP, "secret": SECRET});
    assert_eq!(
        callback(&app, &confirm).await,
        (StatusCode::OK, "c0nf1rm".into())
    );

    let mut forged = message("f-1", 77, 1, "Начать", None);
    forged["secret"] = json!("guess");
    assert_eq!(callback(&app, &forged).await.0, StatusCode::FORBIDDEN);
    let mut unsigned = message("f-2", 77, 1, "Начать", None);
    unsigned.as_object_mut().unwrap().remove("secret");
    assert_eq!(callback(&app, &unsigned).await.0, StatusCode::FORBIDDEN);
    let mut foreign = message("f-3", 77, 1, "Начать", None);
    foreign["group_id"] = json!(1);
    assert_eq!(callback(&app, &foreign).await.0, StatusCode::NOT_FOUND);
    let r = app
        .client
        .post(app.url("/channels/vk/club4242"))
        .body("{\"type\":")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // A real event, then the same event_id again (VK retries): one answer.
    let hello = message("ev-1", 77, 1, "Начать", None);
    assert_eq!(callback(&app, &hello).await, (StatusCode::OK, "ok".into()));
    assert_eq!(callback(&app, &hello).await, (StatusCode::OK, "ok".into()));
    let menu = fake
        .api
        .message_to(77, "Выберите, с чем нужна помощь")
        .await;
    assert!(payloads(&menu).contains(&"l:marketplace".to_owned()));
    let next = message("ev-2", 77, 2, "Маркетплейс", Some("l:marketplace"));
    assert_eq!(callback(&app, &next).await.0, StatusCode::OK);
    fake.api.message_to(77, "Выберите тему").await;
    let menus = fake
        .api
        .sent()
        .iter()
        .filter(|m| m["message"].contains("Выберите, с чем нужна помощь"))
        .count();
    assert_eq!(
        menus, 1,
        "the replayed event and the forged ones sent nothing"
    );
}

#[tokio::test]
async fn a_vk_customer_reaches_an_operator_and_a_retried_send_is_delivered_once() {
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
        let body = message(&format!("s-{i}"), 88, i as i64 + 1, text, *button);
        assert_eq!(callback(&app, &body).await.0, StatusCode::OK);
        vk.message_to(88, answer).await;
    }
    let question = message("q-1", 88, 10, "Курьер не позвонил, что делать?", None);
    assert_eq!(callback(&app, &question).await.0, StatusCode::OK);
    vk.wait_tries("the bot's answer", |_| {
        vk.sent()
            .iter()
            .any(|m| m["peer_id"] == "88" && payloads(m).contains(&"c".to_owned()))
    })
    .await;
    let answered = vk
        .sent()
        .into_iter()
        .find(|m| m["peer_id"] == "88" && payloads(m).contains(&"c".to_owned()))
        .unwrap();
    assert!(payloads(&answered).contains(&"h".to_owned()));
    let call = message("q-2", 88, 11, "Позвать оператора", Some("c"));
    assert_eq!(callback(&app, &call).await.0, StatusCode::OK);
    vk.message_to(88, "оператор").await;

    let sup = app.login("supervisor").await;
    let list: Vec<Value> = app
        .get("/api/v1/tickets?limit=200", &sup)
        .await
        .json()
        .await
        .unwrap();
    let t = list
        .iter()
        .find(|t| t["channel"] == "vk")
        .expect("a VK conversation");
    let number = t["number"].as_str().unwrap();
    // The customer is told before the hand-over commits: the queue has it
    // moments later.
    app.status_becomes(&sup, number, "queued").await;

    vk.fail(1, 10);
    let r = app
        .post(
            &format!("/api/v1/chats/{number}/messages"),
            &sup,
            json!({"client_id": "vk-r1", "body": "Курьер перезвонит в течение часа."}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    vk.wait_tries("the failed first send", |t| {
        t.iter().any(|t| t.ends_with("error 10"))
    })
    .await;
    // The failure is recorded (its retry time set) before the clock moves on.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let sent: Vec<Value> = app
            .get(&format!("/api/v1/tickets/{number}/notifications"), &sup)
            .await
            .json()
            .await
            .unwrap();
        let failed_once = sent.iter().any(|n| {
            n["attempts"] == 1
                && n["last_error"]
                    .as_str()
                    .is_some_and(|e| e.contains("VK error 10"))
        });
        if failed_once {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{sent:#?}");
        tokio::task::yield_now().await;
    }
    app.clock.advance(jiff::SignedDuration::from_secs(3600));
    let reply = vk.message_to(88, "Курьер перезвонит").await;
    let rid = reply["random_id"].clone();
    let tries: Vec<String> = vk
        .tries()
        .into_iter()
        .filter(|t| t.starts_with(&format!("{rid}:")))
        .collect();
    assert_eq!(
        tries,
        vec![format!("{rid}:error 10"), format!("{rid}:ok")],
        "the retry reused random_id"
    );
}
