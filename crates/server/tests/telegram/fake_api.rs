//! A local Telegram Bot API for the tests, speaking the documented wire
//! format (<https://core.telegram.org/bots/api>): `POST /bot<token>/<method>`
//! with JSON or multipart bodies, `{"ok":true,"result":…}` answers, errors
//! as `{"ok":false,"error_code":…,"description":…,"parameters":{"retry_after":N}}`,
//! long polling with `offset` confirming updates, `getFile` and
//! `GET /file/bot<token>/<file_path>`. Started on port 0.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const TOKEN: &str = "123456:TEST-token_abc";

/// A call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// The JSON body, or the multipart text fields.
    pub body: Value,
    /// A multipart upload: (field, file name, bytes).
    pub file: Option<(String, String, Vec<u8>)>,
}

#[derive(Default)]
struct Inner {
    updates: Vec<Value>,
    /// The highest offset the bot has confirmed with.
    confirmed: i64,
    calls: Vec<Call>,
    files: HashMap<String, (u64, Vec<u8>)>,
    next_message_id: i64,
    /// Answer the next N sends with 429 and this retry_after.
    rate_limited: Option<(u32, u64)>,
    /// Answer everything with 502.
    down: bool,
}

#[derive(Clone, Default)]
pub struct FakeTelegram {
    inner: Arc<Mutex<Inner>>,
    changed: Arc<Notify>,
}

pub struct Running {
    pub api: FakeTelegram,
    pub url: String,
}

impl FakeTelegram {
    pub async fn start() -> Running {
        Self::start_on("127.0.0.1:0").await
    }

    /// On a given address (a port the app was told about before).
    pub async fn start_on(addr: &str) -> Running {
        let api = FakeTelegram::default();
        let app = Router::new()
            .route("/{bot}/{method}", post(method))
            .route("/file/{bot}/{*path}", get(file))
            .with_state(api.clone());
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Running { api, url }
    }

    /// Reads or changes the state; waiters are woken only by [`Self::change`].
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap())
    }

    fn change<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let out = f(&mut self.inner.lock().unwrap());
        self.changed.notify_waiters();
        out
    }

    /// Queues an update for getUpdates; returns its update_id.
    pub fn push(&self, mut update: Value) -> i64 {
        self.change(|i| {
            let id = 1000 + i.updates.len() as i64;
            update["update_id"] = json!(id);
            i.updates.push(update);
            id
        })
    }

    pub fn add_file(&self, file_id: &str, size: u64, bytes: Vec<u8>) {
        self.change(|i| i.files.insert(file_id.to_owned(), (size, bytes)));
    }

    pub fn rate_limit(&self, sends: u32, retry_after: u64) {
        self.change(|i| i.rate_limited = Some((sends, retry_after)));
    }

    pub fn set_down(&self, down: bool) {
        self.change(|i| i.down = down);
    }

    pub fn confirmed(&self) -> i64 {
        self.with(|i| i.confirmed)
    }

    pub fn calls(&self, method: &str) -> Vec<Call> {
        self.with(|i| {
            i.calls
                .iter()
                .filter(|c| c.method == method)
                .cloned()
                .collect()
        })
    }

    /// Waits (up to 20 s) until `pick` finds something in the calls made.
    pub async fn wait_for<T>(&self, what: &str, pick: impl Fn(&[Call]) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.changed.notified();
            if let Some(found) = pick(&self.inner.lock().unwrap().calls) {
                return found;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "timed out waiting for {what}; calls: {:#?}",
                    self.inner.lock().unwrap().calls
                );
            }
        }
    }

    /// Waits for a `sendMessage` to `chat` whose text contains `needle`.
    pub async fn message_to(&self, chat: i64, needle: &str) -> Call {
        self.wait_for(&format!("a message to {chat} with {needle:?}"), |calls| {
            calls
                .iter()
                .find(|c| {
                    c.method == "sendMessage"
                        && c.body["chat_id"] == json!(chat)
                        && c.body["text"].as_str().is_some_and(|t| t.contains(needle))
                })
                .cloned()
        })
        .await
    }

    /// Waits until the bot has confirmed (by offset) the update `id`.
    pub async fn wait_confirmed(&self, id: i64) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.changed.notified();
            if self.confirmed() > id {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("update {id} never confirmed (offset {})", self.confirmed());
            }
        }
    }
}

fn ok(result: Value) -> Response {
    axum::Json(json!({"ok": true, "result": result})).into_response()
}

fn error(status: StatusCode, description: &str, retry_after: Option<u64>) -> Response {
    let mut body = json!({"ok": false, "error_code": status.as_u16(), "description": description});
    if let Some(after) = retry_after {
        body["parameters"] = json!({"retry_after": after});
    }
    (status, axum::Json(body)).into_response()
}

async fn method(
    State(api): State<FakeTelegram>,
    Path((bot, method)): Path<(String, String)>,
    request: Request,
) -> Response {
    if bot != format!("bot{TOKEN}") {
        return error(StatusCode::UNAUTHORIZED, "Unauthorized", None);
    }
    if api.with(|i| i.down) {
        return (StatusCode::BAD_GATEWAY, "Bad Gateway").into_response();
    }
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (body, file) = if multipart {
        let mut form = Multipart::from_request(request, &()).await.unwrap();
        let mut fields = serde_json::Map::new();
        let mut file = None;
        while let Some(field) = form.next_field().await.unwrap() {
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    file = Some((name, file_name, field.bytes().await.unwrap().to_vec()));
                }
                None => {
                    fields.insert(name, json!(field.text().await.unwrap()));
                }
            }
        }
        (Value::Object(fields), file)
    } else {
        let bytes = Bytes::from_request(request, &()).await.unwrap();
        (serde_json::from_slice(&bytes).unwrap_or(json!({})), None)
    };
    match method.as_str() {
        "getUpdates" => get_updates(&api, &body).await,
        "sendMessage" | "sendPhoto" | "sendDocument" => {
            if method != "sendMessage" && file.is_none() {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: expected an upload",
                    None,
                );
            }
            let limited = api.with(|i| match &mut i.rate_limited {
                Some((n, after)) if *n > 0 => {
                    *n -= 1;
                    Some(*after)
                }
                _ => None,
            });
            if let Some(after) = limited {
                let text = format!("Too Many Requests: retry after {after}");
                return error(StatusCode::TOO_MANY_REQUESTS, &text, Some(after));
            }
            let id = api.change(|i| {
                i.next_message_id += 1;
                i.calls.push(Call {
                    method: method.clone(),
                    body: body.clone(),
                    file,
                });
                i.next_message_id
            });
            ok(
                json!({"message_id": id, "chat": {"id": body["chat_id"], "type": "private"}, "date": 0}),
            )
        }
        "getFile" => {
            let id = body["file_id"].as_str().unwrap_or_default().to_owned();
            match api.with(|i| i.files.get(&id).map(|(size, _)| *size)) {
                None => error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: invalid file_id",
                    None,
                ),
                Some(size) if size > 20 * 1024 * 1024 => error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: file is too big",
                    None,
                ),
                Some(size) => {
                    ok(json!({"file_id": id, "file_size": size, "file_path": format!("docs/{id}")}))
                }
            }
        }
        "answerCallbackQuery" | "setWebhook" | "deleteWebhook" => {
            api.change(|i| {
                i.calls.push(Call {
                    method: method.clone(),
                    body: body.clone(),
                    file: None,
                })
            });
            ok(json!(true))
        }
        _ => error(StatusCode::NOT_FOUND, "Not Found", None),
    }
}

async fn get_updates(api: &FakeTelegram, body: &Value) -> Response {
    let offset = body["offset"].as_i64();
    let timeout = body["timeout"].as_u64().unwrap_or(0).min(2);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        let notified = api.changed.notified();
        if let Some(o) = offset
            && api.with(|i| o > i.confirmed)
        {
            api.change(|i| i.confirmed = i.confirmed.max(o));
        }
        let ready: Vec<Value> = api.with(|i| {
            let from = i.confirmed;
            i.updates
                .iter()
                .filter(|u| u["update_id"].as_i64().unwrap_or(0) >= from)
                .cloned()
                .collect()
        });
        if !ready.is_empty() {
            return ok(Value::Array(ready));
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return ok(json!([]));
        }
    }
}

async fn file(
    State(api): State<FakeTelegram>,
    Path((bot, path)): Path<(String, String)>,
) -> Response {
    if bot != format!("bot{TOKEN}") {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let id = path.trim_start_matches("docs/").to_owned();
    match api.with(|i| i.files.get(&id).map(|(_, b)| b.clone())) {
        Some(bytes) => bytes.into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A private-chat text message from user `user`.
pub fn text(user: i64, message_id: i64, text: &str) -> Value {
    json!({"message": {
        "message_id": message_id,
        "from": {"id": user, "is_bot": false, "first_name": "Иван", "language_code": "ru"},
        "chat": {"id": user, "type": "private"},
        "date": 0,
        "text": text
    }})
}

/// A button press by `user` under a bot message.
pub fn press(user: i64, data: &str) -> Value {
    json!({"callback_query": {
        "id": format!("cb-{user}-{data}"),
        "from": {"id": user, "is_bot": false, "first_name": "Иван", "language_code": "ru"},
        "message": {"message_id": 1, "chat": {"id": user, "type": "private"}, "date": 0},
        "data": data
    }})
}
