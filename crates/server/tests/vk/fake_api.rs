//! A local VK API for the tests, speaking its documented wire format
//! (<https://dev.vk.com/ru/method/messages.send>): `POST /method/messages.send`
//! with a form body, answers `{"response": <message id>}` or
//! `{"error": {"error_code": …, "error_msg": …}}`, and — as VK does — a
//! repeated `random_id` from the same community delivers nothing new.
//! Started on port 0.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;
use tokio::sync::Notify;

pub const TOKEN: &str = "vk1.a.community-token";

#[derive(Default)]
struct Inner {
    /// Messages delivered: the form fields of each.
    sent: Vec<HashMap<String, String>>,
    /// Every send tried, delivered or not (random_id, outcome).
    tries: Vec<String>,
    /// Answer the next N sends with this error code.
    failing: Option<(u32, i64)>,
    next_id: i64,
}

#[derive(Clone, Default)]
pub struct FakeVk {
    inner: Arc<Mutex<Inner>>,
    changed: Arc<Notify>,
}

pub struct Running {
    pub api: FakeVk,
    pub url: String,
}

impl FakeVk {
    pub async fn start() -> Running {
        let api = FakeVk::default();
        let app = Router::new()
            .route("/method/messages.send", post(send))
            .with_state(api.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/method", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Running { api, url }
    }

    pub fn fail(&self, sends: u32, code: i64) {
        self.inner.lock().unwrap().failing = Some((sends, code));
    }

    pub fn sent(&self) -> Vec<HashMap<String, String>> {
        self.inner.lock().unwrap().sent.clone()
    }

    pub fn tries(&self) -> Vec<String> {
        self.inner.lock().unwrap().tries.clone()
    }

    /// Waits (up to 20 s) until `done` holds for the sends tried so far.
    pub async fn wait_tries(&self, what: &str, done: impl Fn(&[String]) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.changed.notified();
            if done(&self.tries()) {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("timed out waiting for {what}; tries: {:?}", self.tries());
            }
        }
    }

    /// Waits (up to 20 s) for a delivered message to `peer` containing `needle`.
    pub async fn message_to(&self, peer: i64, needle: &str) -> HashMap<String, String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.changed.notified();
            let found = self.sent().into_iter().find(|m| {
                m.get("peer_id") == Some(&peer.to_string())
                    && m.get("message").is_some_and(|t| t.contains(needle))
            });
            if let Some(m) = found {
                return m;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "no message to {peer} with {needle:?}; sent: {:#?}",
                    self.sent()
                );
            }
        }
    }
}

async fn send(State(api): State<FakeVk>, Form(form): Form<HashMap<String, String>>) -> Response {
    let reply = {
        let mut i = api.inner.lock().unwrap();
        let random_id = form.get("random_id").cloned().unwrap_or_default();
        if form.get("access_token").map(String::as_str) != Some(TOKEN) {
            json!({"error": {"error_code": 5, "error_msg": "User authorization failed"}})
        } else if form.get("v").map(String::as_str) != Some("5.199") {
            json!({"error": {"error_code": 8, "error_msg": "Invalid request: version"}})
        } else if let Some((n, code)) = i.failing.filter(|(n, _)| *n > 0) {
            i.failing = Some((n - 1, code));
            i.tries.push(format!("{random_id}:error {code}"));
            json!({"error": {"error_code": code, "error_msg": "Internal server error"}})
        } else {
            i.tries.push(format!("{random_id}:ok"));
            let repeated = i.sent.iter().any(|m| {
                m.get("random_id") == Some(&random_id) && m.get("peer_id") == form.get("peer_id")
            });
            i.next_id += 1;
            if !repeated {
                i.sent.push(form.clone());
            }
            json!({"response": i.next_id})
        }
    };
    api.changed.notify_waiters();
    axum::Json(reply).into_response()
}
