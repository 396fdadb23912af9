//! The bench's own Telegram Bot API on loopback, speaking the documented
//! wire format just enough for the bot: `getUpdates` (long polling, an
//! update confirmed by a later `offset`, at most 100 per answer),
//! `sendMessage`, `answerCallbackQuery`, `deleteWebhook`. It counts what it
//! is sent and how far the bot has confirmed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const TOKEN: &str = "100000:bench-token";

#[derive(Default)]
struct Inner {
    updates: Vec<Value>,
    /// Every update below this id is confirmed (stored by the bot).
    confirmed: i64,
    sent: u64,
}

#[derive(Clone, Default)]
pub struct FakeBotApi {
    inner: Arc<Mutex<Inner>>,
    changed: Arc<Notify>,
}

impl FakeBotApi {
    /// Serves on a free loopback port; returns the API's base URL.
    pub async fn start(&self) -> anyhow::Result<String> {
        let app = Router::new()
            .route("/{bot}/{method}", post(method))
            .with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(url)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues updates; returns the last one's id.
    pub fn push(&self, updates: Vec<Value>) -> i64 {
        let last = {
            let mut i = self.lock();
            for mut u in updates {
                let id = 1 + i.updates.len() as i64;
                u["update_id"] = json!(id);
                i.updates.push(u);
            }
            i.updates.len() as i64
        };
        self.changed.notify_waiters();
        last
    }

    pub fn sent(&self) -> u64 {
        self.lock().sent
    }

    /// Waits until the bot confirmed update `id` (at most `limit`).
    pub async fn confirmed(&self, id: i64, limit: Duration) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.changed.notified();
            if self.lock().confirmed > id {
                return Ok(());
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                anyhow::bail!("update {id} was not confirmed in {limit:?}");
            }
        }
    }

    /// Waits until `n` messages were sent (at most `limit`).
    pub async fn sent_at_least(&self, n: u64, limit: Duration) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.changed.notified();
            if self.sent() >= n {
                return Ok(());
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                anyhow::bail!("{} of {n} messages were sent in {limit:?}", self.sent());
            }
        }
    }
}

fn ok(result: Value) -> Response {
    axum::Json(json!({"ok": true, "result": result})).into_response()
}

async fn method(
    State(api): State<FakeBotApi>,
    Path((bot, method)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    if bot != format!("bot{TOKEN}") {
        let body = json!({"ok": false, "error_code": 401, "description": "Unauthorized"});
        return (axum::http::StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(json!({}));
    match method.as_str() {
        "getUpdates" => updates(&api, &body).await,
        "sendMessage" => {
            let id = {
                let mut i = api.lock();
                i.sent += 1;
                i.sent
            };
            api.changed.notify_waiters();
            ok(json!({"message_id": id, "date": 0,
                "chat": {"id": body["chat_id"], "type": "private"}}))
        }
        _ => ok(json!(true)),
    }
}

async fn updates(api: &FakeBotApi, body: &Value) -> Response {
    let offset = body["offset"].as_i64();
    let timeout = body["timeout"].as_u64().unwrap_or(0).min(1);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        let notified = api.changed.notified();
        let (ready, moved): (Vec<Value>, bool) = {
            let mut i = api.lock();
            let before = i.confirmed;
            if let Some(o) = offset {
                i.confirmed = i.confirmed.max(o);
            }
            let from = i.confirmed.max(1) as usize - 1;
            let ready = i.updates.iter().skip(from).take(100).cloned().collect();
            (ready, i.confirmed != before)
        };
        if moved {
            api.changed.notify_waiters();
        }
        if !ready.is_empty() || tokio::time::timeout_at(deadline, notified).await.is_err() {
            return ok(Value::Array(ready));
        }
    }
}
