//! Bots Long Poll's `ts` is confirmed only once every event of the batch
//! is stored: the poll loop against the local VK server (the server suite's,
//! speaking the documented wire format) with a sink that cannot store one
//! event the first time it is offered.

#[allow(dead_code)]
#[path = "../../server/tests/vk/fake_api.rs"]
mod fake_api;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use fake_api::{FakeVk, TOKEN};
use serde_json::{Value, json};
use switchboard_channels::vk::{CommunityConfig, Vk, VkConfig, VkMode};
use switchboard_channels::{MessengerEvent, MessengerSink, Secret, SinkError};
use tokio::sync::Notify;

/// Records what it is offered; refuses `flaky` (as "not now") once.
#[derive(Default)]
struct Recording {
    offered: Mutex<Vec<String>>,
    flaky: Mutex<Option<String>>,
    changed: Notify,
}

#[async_trait]
impl MessengerSink for Recording {
    async fn event(&self, event: MessengerEvent) -> Result<(), SinkError> {
        self.offered.lock().unwrap().push(event.event_id.clone());
        let fail = {
            let mut flaky = self.flaky.lock().unwrap();
            let fail = flaky.as_deref() == Some(event.event_id.as_str());
            if fail {
                *flaky = None;
            }
            fail
        };
        self.changed.notify_waiters();
        if fail {
            return Err(SinkError::Unavailable("the store is restarting".into()));
        }
        Ok(())
    }
}

fn update(id: &str, n: i64) -> Value {
    json!({"type": "message_new", "group_id": 7, "event_id": id, "v": "5.199",
           "object": {"message": {"id": n, "from_id": 5, "peer_id": 5, "text": format!("вопрос {n}")}}})
}

#[tokio::test]
async fn an_event_the_store_cannot_take_is_asked_for_again_from_the_same_ts() {
    let fake = FakeVk::start().await;
    let vk = Arc::new(
        Vk::new(&VkConfig {
            api_url: fake.url.clone(),
            mode: VkMode::LongPoll,
            wait_secs: 5,
            communities: vec![CommunityConfig {
                name: "club7".into(),
                group_id: 7,
                token: Secret::new(TOKEN),
                secret: Secret::new(""),
                confirmation: Secret::new(""),
            }],
            ..VkConfig::default()
        })
        .unwrap(),
    );
    let sink = Arc::new(Recording::default());
    *sink.flaky.lock().unwrap() = Some("club7:e2".into());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(vk.clone().poll("club7".into(), sink.clone(), stopped));

    let api = &fake.api;
    api.until("the first check", |v| v.checked_after("server"))
        .await;
    api.push_all(vec![update("e1", 1), update("e2", 2), update("e3", 3)]);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let notified = sink.changed.notified();
        if sink.offered.lock().unwrap().iter().any(|e| e == "club7:e3") {
            break;
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            panic!("e3 never offered: {:?}", sink.offered.lock().unwrap());
        }
    }
    assert_eq!(
        *sink.offered.lock().unwrap(),
        ["club7:e1", "club7:e2", "club7:e1", "club7:e2", "club7:e3"],
        "the batch is offered again from its start (e1 again is harmless: its event_id)"
    );
    api.until("the check after the batch", |v| {
        v.log().iter().any(|l| l == "check key-0 ts=4")
    })
    .await;
    let checks: Vec<String> = api
        .log()
        .into_iter()
        .filter(|l| l.starts_with("check "))
        .collect();
    assert_eq!(
        checks,
        ["check key-0 ts=1", "check key-0 ts=1", "check key-0 ts=4"],
        "ts moved on only once all three were stored"
    );
    assert!(
        vk.health().report().failures_total == 0,
        "the API never failed"
    );
    stop.send(true).unwrap();
    task.await.unwrap();
}
