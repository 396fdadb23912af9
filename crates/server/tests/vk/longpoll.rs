//! Bots Long Poll end to end: the app asks the local VK server for events
//! (no public address), answers through `messages.send`, survives `failed`
//! 1/2/3 without losing or repeating an event, and shows an API that is down
//! in `/readyz` and `/metrics` until it is back.

use reqwest::StatusCode;
use serde_json::Value;
use switchboard_channels::Secret;
use switchboard_channels::vk::{CommunityConfig, VkMode};

use crate::fake_api::{FakeVk, Running, TOKEN};
use crate::helpers::TestApp;
use crate::{GROUP, callback, message, payloads};

async fn long_poll_app(fake: &Running) -> TestApp {
    let url = fake.url.clone();
    TestApp::spawn_with(|s| {
        s.config.vk.api_url = url;
        s.config.vk.mode = VkMode::LongPoll;
        s.config.vk.wait_secs = 5;
        s.config.vk.communities = vec![CommunityConfig {
            name: "club4242".into(),
            group_id: GROUP,
            token: Secret::new(TOKEN),
            // Long Poll needs no Callback API secret.
            secret: Secret::new(""),
            confirmation: Secret::new(""),
        }];
        s.config.outbox.run_worker = true;
        s.config.outbox.poll_interval_ms = 20;
    })
    .await
}

/// A Long Poll update: the Callback API object without the secret.
fn update(event_id: &str, user: i64, id: i64, text: &str, button: Option<&str>) -> Value {
    let mut e = message(event_id, user, id, text, button);
    e.as_object_mut().unwrap().remove("secret");
    e
}

fn count_to(vk: &FakeVk, peer: i64, needle: &str) -> usize {
    vk.sent()
        .iter()
        .filter(|m| m["peer_id"] == peer.to_string() && m["message"].contains(needle))
        .count()
}

#[tokio::test]
async fn long_poll_carries_the_bot_flow_through_failed_1_2_and_3() {
    let fake = FakeVk::start().await;
    let app = long_poll_app(&fake).await;
    let vk = &fake.api;
    // As on VK, events before the first getLongPollServer are not ours.
    vk.until("the first check", |v| v.checked_after("server"))
        .await;
    vk.push(update("lp-1", 91, 1, "Начать", None));
    vk.message_to(91, "Выберите, с чем нужна помощь").await;

    // The Callback API is off: a posted event (even a well-formed one) is
    // refused and sends nothing.
    let posted = message("cb-1", 92, 1, "Начать", None);
    assert_eq!(callback(&app, &posted).await.0, StatusCode::NOT_FOUND);

    // failed 2: the key expires while a request is held; a new key is
    // fetched and the old ts kept, so the event pushed meanwhile arrives.
    vk.until("a held check", |v| v.checked_after("server"))
        .await;
    let before = vk
        .log()
        .into_iter()
        .rfind(|l| l.starts_with("check "))
        .unwrap();
    vk.expire_key();
    vk.push(update("lp-2", 91, 2, "Маркетплейс", Some("l:marketplace")));
    vk.message_to(91, "Выберите тему").await;
    let log = vk.log();
    let failed = log.iter().position(|l| l == "failed 2").expect("failed 2");
    assert!(log[failed + 1].starts_with("server key-1"), "{log:?}");
    let ts = before.rsplit(' ').next().unwrap();
    assert_eq!(log[failed + 2], format!("check key-1 {ts}"), "the same ts");

    // failed 3: a new key and ts; then events flow again.
    vk.answer_failed(3);
    vk.until("a check after failed 3", |v| v.checked_after("failed 3"))
        .await;
    assert_eq!(vk.servers_given(), 3);
    vk.push(update(
        "lp-3",
        91,
        3,
        "Доставка",
        Some("t:marketplace:delivery"),
    ));
    vk.message_to(91, "Вопрос про заказ?").await;

    // failed 1: go on from the ts given, with the same key.
    vk.answer_failed(1);
    vk.until("a check after failed 1", |v| v.checked_after("failed 1"))
        .await;
    vk.push(update("lp-4", 91, 4, "Вопрос не по заказу", Some("o:-")));
    vk.message_to(91, "Напишите ваш вопрос").await;
    assert_eq!(vk.servers_given(), 3, "failed 1 needs no new key");

    // VK delivering the same event again (a repeated event_id) changes nothing.
    vk.push(update("lp-1", 91, 1, "Начать", None));
    vk.push(update(
        "lp-5",
        91,
        5,
        "Курьер не позвонил, что делать?",
        None,
    ));
    vk.until("the bot's answer to the question", |v| {
        v.sent()
            .iter()
            .any(|m| m["peer_id"] == "91" && payloads(m).contains(&"c".to_owned()))
    })
    .await;
    assert_eq!(count_to(vk, 91, "Выберите, с чем нужна помощь"), 1);
    assert_eq!(count_to(vk, 91, "Выберите тему"), 1);
    assert_eq!(count_to(vk, 91, "Напишите ваш вопрос"), 1);
}

async fn ready(app: &TestApp) -> Value {
    app.client
        .get(app.url("/readyz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_vk_api_that_is_down_backs_off_and_shows_in_readyz_and_metrics() {
    let fake = FakeVk::start().await;
    let app = long_poll_app(&fake).await;
    let vk = &fake.api;
    vk.until("the first check", |v| v.checked_after("server"))
        .await;
    vk.push(update("up-1", 93, 1, "Начать", None));
    vk.message_to(93, "Выберите, с чем нужна помощь").await;
    assert_eq!(ready(&app).await["vk"], "ok");

    vk.set_down(true);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while ready(&app).await["vk"] != "degraded" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}",
            ready(&app).await
        );
        let tried = vk.log().len();
        vk.until("another try", |v| v.log().len() > tried).await;
    }
    // An event written while the API is down.
    vk.push(update(
        "down-1",
        93,
        2,
        "Маркетплейс",
        Some("l:marketplace"),
    ));
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
        .find(|l| l.starts_with("switchboard_messenger_api_failing{channel=\"vk\"}"))
        .expect("the failing gauge");
    let n: u64 = failing.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(n >= 3, "{failing}");
    assert!(!metrics.contains(TOKEN), "no token in metrics");
    assert!(!metrics.contains("key-0"), "no Long Poll key in metrics");

    // Back up: the same session goes on from its ts, so nothing is lost.
    vk.set_down(false);
    vk.message_to(93, "Выберите тему").await;
    assert_eq!(ready(&app).await["vk"], "ok");
    assert_eq!(vk.servers_given(), 1, "the session outlived the outage");
}
