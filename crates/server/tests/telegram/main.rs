//! The Telegram support bot end to end: the real app on port 0 with a fresh
//! database, talking to a local Bot API server that speaks Telegram's wire
//! format (`fake_api`). Customers' updates come by long polling (or webhook);
//! replies go out through the outbox.

#[allow(dead_code)]
#[path = "../common/authenticator.rs"]
mod authenticator;
mod csat;
mod demo;
mod duplicates;
mod fake_api;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
mod link;

use fake_api::{FakeTelegram, Running, TOKEN, press, text};
use helpers::{PDF, PNG, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard_channels::Secret;
use switchboard_channels::telegram::{BotConfig, UpdateMode};

const BOT: &str = "shop_help_bot";

async fn app_with(fake: &Running, mode: UpdateMode, worker: bool) -> TestApp {
    let url = fake.url.clone();
    TestApp::spawn_with(|s| {
        let t = &mut s.config.telegram;
        t.api_url = url;
        t.mode = mode;
        t.poll_timeout_secs = 1;
        t.public_url = "https://support.example".into();
        t.webhook_secret = Some(Secret::new("hook_secret-42"));
        t.bots = vec![BotConfig {
            name: BOT.into(),
            token: Secret::new(TOKEN),
        }];
        s.config.outbox.run_worker = worker;
        s.config.outbox.poll_interval_ms = 20;
    })
    .await
}

fn buttons(call: &fake_api::Call) -> Vec<String> {
    call.body["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["callback_data"].as_str().map(str::to_owned))
        .collect()
}

/// Walks the menu to "not about an order" on marketplace delivery and asks
/// `question`; returns the conversation's number once the bot has answered.
async fn open_conversation(app: &TestApp, tg: &FakeTelegram, user: i64, question: &str) -> String {
    tg.push(text(user, 1, "/start"));
    let menu = tg.message_to(user, "Выберите, с чем нужна помощь").await;
    assert!(
        buttons(&menu).contains(&"l:marketplace".to_owned()),
        "{:?}",
        buttons(&menu)
    );
    tg.push(press(user, "l:marketplace"));
    let topics = tg.message_to(user, "Выберите тему").await;
    assert!(buttons(&topics).contains(&"t:marketplace:delivery".to_owned()));
    tg.push(press(user, "t:marketplace:delivery"));
    let orders = tg.message_to(user, "Вопрос про заказ?").await;
    assert!(buttons(&orders).contains(&"o:-".to_owned()));
    tg.push(press(user, "o:-"));
    tg.message_to(user, "Напишите ваш вопрос").await;
    let id = tg.push(text(user, 2, question));
    tg.wait_confirmed(id).await;
    let answered = tg
        .wait_for("the bot's answer with its buttons", |calls| {
            calls
                .iter()
                .find(|c| c.body["chat_id"] == json!(user) && buttons(c).contains(&"c".to_owned()))
                .cloned()
        })
        .await;
    assert!(buttons(&answered).contains(&"h".to_owned()));
    telegram_ticket(app, user).await
}

/// Every ticket `login` sees, newest first, and the Telegram ones among them.
async fn tickets_seen_by(app: &TestApp, login: &str) -> (Vec<Value>, Vec<Value>) {
    let token = app.login(login).await;
    let list: Vec<Value> = app
        .get("/api/v1/tickets?limit=200", &token)
        .await
        .json()
        .await
        .unwrap();
    let telegram = list
        .iter()
        .filter(|t| t["channel"] == "telegram")
        .cloned()
        .collect();
    (list, telegram)
}

async fn readyz(app: &TestApp) -> Value {
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn telegram_ticket(app: &TestApp, user: i64) -> String {
    let (list, mine) = tickets_seen_by(app, "supervisor").await;
    assert_eq!(
        mine.len(),
        1,
        "one Telegram conversation for {user}: {list:#?}"
    );
    mine[0]["number"].as_str().unwrap().to_owned()
}

async fn history(app: &TestApp, number: &str) -> Vec<Value> {
    let sup = app.login("supervisor").await;
    let r = app
        .get(&format!("/api/v1/chats/{number}/messages"), &sup)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    body["messages"].as_array().unwrap().clone()
}

async fn staff_reply(app: &TestApp, number: &str, body: &str) {
    let sup = app.login("supervisor").await;
    let r = app
        .post(
            &format!("/api/v1/chats/{number}/messages"),
            &sup,
            json!({"client_id": format!("r-{}", body.len()), "body": body}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn a_customer_goes_from_the_bot_menu_to_an_operator_and_back() {
    let fake = FakeTelegram::start().await;
    let app = app_with(&fake, UpdateMode::Polling, true).await;
    let tg = &fake.api;
    let number = open_conversation(&app, tg, 501, "Курьер не приехал, где моя посылка?").await;

    tg.push(press(501, "c"));
    tg.message_to(501, "оператор").await;
    // The customer is told before the hand-over commits (the router must not
    // greet first): the queue has it moments later.
    let sup = app.login("supervisor").await;
    app.status_becomes(&sup, &number, "queued").await;

    staff_reply(
        &app,
        &number,
        "Здравствуйте! Посылка у курьера, привезёт сегодня.",
    )
    .await;
    tg.message_to(501, "Посылка у курьера").await;

    let thanks = tg.push(text(501, 3, "Спасибо!"));
    tg.wait_confirmed(thanks).await;
    // The same message delivered again (a retried update) is stored once.
    let again = tg.push(text(501, 3, "Спасибо!"));
    tg.wait_confirmed(again).await;
    let messages = history(&app, &number).await;
    let bodies: Vec<&str> = messages.iter().filter_map(|m| m["body"].as_str()).collect();
    assert_eq!(
        bodies.iter().filter(|b| **b == "Спасибо!").count(),
        1,
        "{bodies:?}"
    );
    assert!(bodies.contains(&"Курьер не приехал, где моя посылка?"));
    assert_eq!(
        messages[0]["author"], "contact",
        "an unlinked Telegram user is a contact"
    );
    // Button presses were acknowledged so the client's spinner stops.
    assert!(!tg.calls("answerCallbackQuery").is_empty());
}

#[tokio::test]
async fn photos_and_documents_go_both_ways_and_big_files_are_explained() {
    let fake = FakeTelegram::start().await;
    let app = app_with(&fake, UpdateMode::Polling, true).await;
    let tg = &fake.api;
    let number = open_conversation(&app, tg, 502, "Пришёл не тот товар").await;

    let jpeg: Vec<u8> = [&b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01"[..], &[0u8; 64]].concat();
    tg.add_file("ph-small", 10, b"tiny".to_vec());
    tg.add_file("ph-big", jpeg.len() as u64, jpeg.clone());
    tg.add_file("scan", 30 * 1024 * 1024, Vec::new());
    let photo = tg.push(json!({"message": {
        "message_id": 10, "date": 0,
        "from": {"id": 502, "is_bot": false, "first_name": "Иван"},
        "chat": {"id": 502, "type": "private"},
        "caption": "Вот фото того, что пришло",
        "photo": [{"file_id": "ph-small", "file_size": 10}, {"file_id": "ph-big", "file_size": jpeg.len()}]
    }}));
    tg.wait_confirmed(photo).await;
    let big = tg.push(json!({"message": {
        "message_id": 11, "date": 0,
        "from": {"id": 502, "is_bot": false, "first_name": "Иван"},
        "chat": {"id": 502, "type": "private"},
        "document": {"file_id": "scan", "file_name": "скан.pdf", "file_size": 30 * 1024 * 1024}
    }}));
    tg.wait_confirmed(big).await;
    tg.message_to(502, "больше 20 МБ").await;
    assert!(
        tg.calls("getFile")
            .iter()
            .all(|c| c.body["file_id"] != "scan"),
        "a file over 20 MB is not even asked for"
    );

    let messages = history(&app, &number).await;
    let with_photo = messages
        .iter()
        .find(|m| m["body"] == "Вот фото того, что пришло")
        .expect("the photo's message is stored");
    assert_eq!(
        with_photo["attachments"].as_array().map(Vec::len),
        Some(1),
        "{with_photo}"
    );

    let sup = app.login("supervisor").await;
    let form = helpers::multipart(
        &json!({"client_id": "files-1", "body": "Бланк возврата и пример фото"}),
        &[("бланк.pdf", PDF), ("пример.png", PNG)],
    );
    let r = app
        .client
        .post(app.url(&format!("/api/v1/chats/{number}/messages")))
        .bearer_auth(&sup)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let doc = tg
        .wait_for("the document uploaded", |calls| {
            calls.iter().find(|c| c.method == "sendDocument").cloned()
        })
        .await;
    let (field, name, bytes) = doc.file.clone().expect("multipart upload");
    assert_eq!(
        (field.as_str(), name.as_str(), bytes.as_slice()),
        ("document", "бланк.pdf", PDF)
    );
    assert_eq!(doc.body["chat_id"], "502");
    let photo = tg
        .wait_for("the photo uploaded", |calls| {
            calls.iter().find(|c| c.method == "sendPhoto").cloned()
        })
        .await;
    assert_eq!(photo.file.unwrap().2, PNG);
    tg.message_to(502, "Бланк возврата").await;
}

#[tokio::test]
async fn long_replies_are_split_and_retry_after_is_honoured() {
    let fake = FakeTelegram::start().await;
    let app = app_with(&fake, UpdateMode::Polling, false).await;
    let tg = &fake.api;
    // The menus go through the outbox too: deliver them as they come.
    let pump = {
        let outbox = app.outbox.clone();
        tokio::spawn(async move {
            loop {
                let _ = outbox.run_once().await;
                tokio::task::yield_now().await;
            }
        })
    };
    let number = open_conversation(&app, tg, 503, "Как отследить посылку?").await;
    pump.abort();
    let _ = pump.await;

    tg.rate_limit(1, 30);
    let long = "Подробный ответ оператора о доставке. ".repeat(250);
    staff_reply(&app, &number, &long).await;
    let first = app.outbox.run_once().await.unwrap();
    assert_eq!((first.delivered, first.retrying), (0, 1));
    // The configured backoff (10 s) has passed, Telegram's 30 s have not.
    app.clock.advance(jiff::SignedDuration::from_secs(15));
    assert_eq!(app.outbox.run_once().await.unwrap().total(), 0);
    app.clock.advance(jiff::SignedDuration::from_secs(16));
    assert_eq!(app.outbox.run_once().await.unwrap().delivered, 1);

    let parts: Vec<String> = tg
        .calls("sendMessage")
        .iter()
        .filter(|c| c.body["chat_id"] == json!(503))
        .filter_map(|c| c.body["text"].as_str().map(str::to_owned))
        .filter(|t| t.contains("Подробный ответ"))
        .collect();
    assert_eq!(parts.len(), 3, "9,500 characters go in three messages");
    assert!(parts.iter().all(|p| p.encode_utf16().count() <= 4096));
    let joined: String = parts.concat().split_whitespace().collect();
    assert_eq!(joined, long.split_whitespace().collect::<String>());
}

#[tokio::test]
async fn an_api_that_is_down_delays_replies_and_shows_in_readyz_and_metrics() {
    let fake = FakeTelegram::start().await;
    let app = app_with(&fake, UpdateMode::Polling, false).await;
    let tg = &fake.api;
    let pump = {
        let outbox = app.outbox.clone();
        tokio::spawn(async move {
            loop {
                let _ = outbox.run_once().await;
                tokio::task::yield_now().await;
            }
        })
    };
    let number = open_conversation(&app, tg, 504, "Где заказ?").await;
    pump.abort();
    let _ = pump.await;

    tg.set_down(true);
    staff_reply(&app, &number, "Ответ, пока Telegram недоступен").await;
    for _ in 0..3 {
        assert_eq!(app.outbox.run_once().await.unwrap().retrying, 1);
        app.clock.advance(jiff::SignedDuration::from_secs(3600));
    }
    let ready = readyz(&app).await;
    assert_eq!(ready["telegram"], "degraded", "{ready}");
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let failing = metrics
        .lines()
        .find(|l| l.starts_with("switchboard_messenger_api_failing{channel=\"telegram\"}"))
        .expect("the failing gauge");
    let n: u64 = failing.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(n >= 3, "{failing}");
    assert!(!metrics.contains(TOKEN), "no token in metrics");

    tg.set_down(false);
    assert_eq!(app.outbox.run_once().await.unwrap().delivered, 1);
    tg.message_to(504, "пока Telegram недоступен").await;
    let ready = readyz(&app).await;
    assert_eq!(ready["telegram"], "ok", "{ready}");
}

#[tokio::test]
async fn the_webhook_checks_telegrams_secret_and_ignores_replays() {
    let fake = FakeTelegram::start().await;
    let app = app_with(&fake, UpdateMode::Webhook, true).await;
    let tg = &fake.api;
    let set = tg
        .wait_for("setWebhook", |calls| {
            calls.iter().find(|c| c.method == "setWebhook").cloned()
        })
        .await;
    assert_eq!(
        set.body["url"],
        format!("https://support.example/channels/telegram/{BOT}")
    );
    assert!(!set.body["url"].as_str().unwrap().contains("TEST-token"));
    assert_eq!(set.body["secret_token"], "hook_secret-42");
    assert_eq!(
        set.body["allowed_updates"],
        json!(["message", "callback_query"])
    );

    let update = {
        let mut u = text(601, 1, "/start");
        u["update_id"] = json!(77);
        u
    };
    let url = app.url(&format!("/channels/telegram/{BOT}"));
    for secret in [None, Some("wrong"), Some("hook_secret-4")] {
        let mut r = app.client.post(&url).json(&update);
        if let Some(s) = secret {
            r = r.header("X-Telegram-Bot-Api-Secret-Token", s);
        }
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{secret:?}");
    }
    let garbage = app
        .client
        .post(&url)
        .header("X-Telegram-Bot-Api-Secret-Token", "hook_secret-42")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
    let other_bot = app
        .client
        .post(app.url("/channels/telegram/other_bot"))
        .header("X-Telegram-Bot-Api-Secret-Token", "hook_secret-42")
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(other_bot.status(), StatusCode::NOT_FOUND);
    assert!(
        tg.calls("sendMessage").is_empty(),
        "refused requests changed nothing"
    );

    for _ in 0..2 {
        let r = app
            .client
            .post(&url)
            .header("X-Telegram-Bot-Api-Secret-Token", "hook_secret-42")
            .json(&update)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    tg.message_to(601, "Выберите, с чем нужна помощь").await;
    // Anything queued after the replay would be delivered by now: one more
    // update is answered, and still only one menu went to the replayed one.
    let mut next = press(601, "m");
    next["update_id"] = json!(78);
    let r = app
        .client
        .post(&url)
        .header("X-Telegram-Bot-Api-Secret-Token", "hook_secret-42")
        .json(&next)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    tg.wait_for("two menus", |calls| {
        (calls.iter().filter(|c| c.method == "sendMessage").count() >= 2).then_some(())
    })
    .await;
    assert_eq!(
        tg.calls("sendMessage").len(),
        2,
        "the replayed update sent nothing more"
    );
}
