//! A local VK API for the tests, speaking its documented wire format
//! (<https://dev.vk.com/ru/method/messages.send>): `POST /method/messages.send`
//! with a form body, answers `{"response": <message id>}` or
//! `{"error": {"error_code": …, "error_msg": …}}`, and — as VK does — a
//! repeated `random_id` from the same community delivers nothing new.
//! Bots Long Poll too (<https://dev.vk.com/ru/api/bots-long-poll/getting-started>):
//! `groups.getLongPollServer` hands out a key, a server (`/lp`) and a `ts`;
//! `GET /lp?act=a_check&key&ts&wait` holds until an event numbered `ts` or
//! later exists (or `wait` passes), answers `failed` 1/2/3 when told to or
//! when the key has expired. Started on port 0.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
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
    /// Every method and the Long Poll server answer 500.
    down: bool,
    base: String,
    /// Long Poll events; event `n` is `events[n - 1]`.
    events: Vec<Value>,
    /// The current key is `key-{key_no}`.
    key_no: u32,
    /// The next `a_check` answers `{"failed": n}`.
    next_failed: Option<i64>,
    servers_given: u32,
    /// What the Long Poll side did, in order: `server key-1 ts=3`,
    /// `check key-1 ts=3`, `failed 2`.
    log: Vec<String>,
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
            .route("/method/groups.getLongPollServer", post(long_poll_server))
            .route("/lp", get(a_check))
            .with_state(api.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        api.inner.lock().unwrap().base = base.clone();
        let url = format!("{base}/method");
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Running { api, url }
    }

    pub fn fail(&self, sends: u32, code: i64) {
        self.inner.lock().unwrap().failing = Some((sends, code));
    }

    fn changed(&self, f: impl FnOnce(&mut Inner)) {
        f(&mut self.inner.lock().unwrap());
        self.changed.notify_waiters();
    }

    /// A new Long Poll event (a Callback API object without the secret).
    pub fn push(&self, event: Value) {
        self.changed(|i| i.events.push(event));
    }

    /// Several events at once: one held check returns them all.
    #[allow(dead_code, reason = "used by the channels crate's Long Poll test")]
    pub fn push_all(&self, events: Vec<Value>) {
        self.changed(|i| i.events.extend(events));
    }

    /// The key given out so far stops working (`failed: 2`).
    pub fn expire_key(&self) {
        self.changed(|i| i.key_no += 1);
    }

    /// The next `a_check` answers `{"failed": n}` (1: with the newest ts).
    pub fn answer_failed(&self, n: i64) {
        self.changed(|i| i.next_failed = Some(n));
    }

    pub fn set_down(&self, down: bool) {
        self.changed(|i| i.down = down);
    }

    pub fn servers_given(&self) -> u32 {
        self.inner.lock().unwrap().servers_given
    }

    pub fn log(&self) -> Vec<String> {
        self.inner.lock().unwrap().log.clone()
    }

    /// Whether an `a_check` was made after the last log entry starting
    /// with `marker`.
    pub fn checked_after(&self, marker: &str) -> bool {
        let log = self.log();
        log.iter()
            .rposition(|l| l.starts_with(marker))
            .is_some_and(|at| log[at..].iter().any(|l| l.starts_with("check ")))
    }

    /// Waits (up to 20 s) until `done` holds.
    pub async fn until(&self, what: &str, done: impl Fn(&FakeVk) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.changed.notified();
            if done(self) {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("timed out waiting for {what}; log: {:?}", self.log());
            }
        }
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
        if i.down {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
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

async fn long_poll_server(
    State(api): State<FakeVk>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let reply = {
        let mut i = api.inner.lock().unwrap();
        if i.down {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        if form.get("access_token").map(String::as_str) != Some(TOKEN) {
            json!({"error": {"error_code": 5, "error_msg": "User authorization failed"}})
        } else if !form.contains_key("group_id") {
            json!({"error": {"error_code": 100, "error_msg": "group_id is undefined"}})
        } else {
            i.servers_given += 1;
            let (key, ts) = (format!("key-{}", i.key_no), i.events.len() + 1);
            i.log.push(format!("server {key} ts={ts}"));
            json!({"response": {"key": key, "server": format!("{}/lp", i.base), "ts": ts.to_string()}})
        }
    };
    api.changed.notify_waiters();
    axum::Json(reply).into_response()
}

#[derive(serde::Deserialize)]
struct CheckQuery {
    act: String,
    key: String,
    ts: String,
    wait: u64,
}

async fn a_check(State(api): State<FakeVk>, Query(q): Query<CheckQuery>) -> Response {
    if q.act != "a_check" {
        return StatusCode::BAD_REQUEST.into_response();
    }
    api.changed(|i| i.log.push(format!("check {} ts={}", q.key, q.ts)));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(q.wait.min(90));
    loop {
        let notified = api.changed.notified();
        let answer = {
            let mut i = api.inner.lock().unwrap();
            let next = i.events.len() + 1;
            let from: usize = q.ts.parse().unwrap_or(0);
            if i.down {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
            if let Some(n) = i.next_failed.take() {
                Some(json!({"failed": n, "ts": next}))
            } else if q.key != format!("key-{}", i.key_no) {
                Some(json!({"failed": 2}))
            } else if from == 0 || from > next {
                Some(json!({"failed": 1, "ts": next}))
            } else if from < next {
                Some(json!({"ts": next.to_string(), "updates": i.events[from - 1..].to_vec()}))
            } else {
                None
            }
        };
        if let Some(a) = answer {
            if let Some(n) = a.get("failed") {
                api.changed(|i| i.log.push(format!("failed {n}")));
            }
            return axum::Json(a).into_response();
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return axum::Json(json!({"ts": q.ts, "updates": []})).into_response();
        }
    }
}
