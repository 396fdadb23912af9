//! Starting nodes, WebSocket clients that wait for frames, the SMS gateway recorder.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use futures_util::{SinkExt, StreamExt};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use switchboard_core::outbox::OutboxWorker;
use switchboard_domain::identity::IdentitySigner;
use switchboard_domain::ids::CustomerId;
use switchboard_server::clock::{Clock, ManualClock, SystemClock};
use switchboard_server::{Application, Config};
use switchboard_store::Store;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const SECRET: &str = "test-identity-secret-0123456789";
const WAIT: Duration = Duration::from_secs(15);

pub struct Node {
    pub base: String,
    pub ws_base: String,
    pub clock: Arc<ManualClock>,
    pub store: Arc<dyn Store>,
    pub outbox: OutboxWorker,
    /// The node's chat (its router), for stepping routing in tests.
    pub chat: Arc<switchboard_core::Core>,
    pub http: reqwest::Client,
    data_dir: std::path::PathBuf,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

pub async fn node(store: Arc<dyn Store>, tune: impl FnOnce(&mut Config)) -> Node {
    node_with_clock(store, Arc::new(ManualClock::new(office_hours())), tune).await
}

/// Noon of a working day of the demo's Moscow office (today's, or the next
/// one's): every demo line is open, so no off-hours note joins the bot's
/// messages (tests about off hours set their own time).
pub fn office_hours() -> Timestamp {
    let calendars =
        switchboard_domain::calendar::Calendars::from_toml(switchboard_core::rules::DEMO_CALENDARS)
            .expect("demo calendars");
    let office = calendars.get("moscow_office").expect("moscow_office");
    let midnight = SystemClock
        .now()
        .in_tz("Europe/Moscow")
        .expect("zone")
        .date()
        .at(0, 0, 0, 0)
        .in_tz("Europe/Moscow")
        .expect("zone")
        .timestamp();
    office.next_working_start(midnight).expect("a working day") + SignedDuration::from_hours(3)
}

pub async fn node_with_clock(
    store: Arc<dyn Store>,
    clock: Arc<ManualClock>,
    tune: impl FnOnce(&mut Config),
) -> Node {
    let data_dir = std::env::temp_dir().join(format!("sb-chat-{}", uuid::Uuid::now_v7().simple()));
    let mut config = Config::default();
    config.server.listen = "127.0.0.1:0".parse().unwrap();
    config.storage.data_dir = data_dir.clone();
    config.identity.secret = Some(serde_json::from_value(json!(SECRET)).unwrap());
    // Sign in with passwords only; the second factor has its own tests.
    config.staff.second_factor.required_for_admins = false;
    config.staff.second_factor.required_lines.clear();
    // The demo bot's local Bot API server is not part of the tests.
    config.telegram.bots.clear();
    // Tests open many chats from one address; the limits have their own tests.
    config.limits.chats_per_customer = 0;
    config.limits.chats_per_address = 0;
    config.outbox.run_worker = false;
    tune(&mut config);
    let app = Application::build_with(config, clock.clone(), Some(store.clone()))
        .await
        .expect("the app starts");
    let addr = app.address();
    let outbox = app.outbox();
    let chat = app.state().core.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_with_shutdown(async move {
        let _ = stopped.await;
    }));
    Node {
        base: format!("http://{addr}"),
        ws_base: format!("ws://{addr}"),
        clock,
        store,
        outbox,
        chat,
        http: reqwest::Client::new(),
        data_dir,
        _stop: stop,
    }
}

pub async fn single() -> Node {
    node(switchboard_store::testing::fresh_store().await, |_| {}).await
}

impl Node {
    pub fn token(&self, customer: &str) -> String {
        self.token_until(customer, self.clock.now() + SignedDuration::from_hours(1))
    }

    pub fn token_until(&self, customer: &str, at: Timestamp) -> String {
        IdentitySigner::new(SECRET.as_bytes(), 86_400)
            .sign(&CustomerId::parse(customer).unwrap(), at)
    }

    /// Signs in a demo account (its password is `<login>-demo`).
    pub async fn login(&self, login: &str) -> String {
        self.login_as(login, &format!("{login}-demo")).await
    }

    /// Signs in as the product asks of this account (a second factor where
    /// the node's configuration requires one: enrolled on first sign-in).
    pub async fn sign_in(&self, login: &str, password: &str) -> String {
        crate::authenticator::sign_in(
            &self.http,
            &self.base,
            login,
            password,
            self.clock.now().as_second(),
        )
        .await
    }

    pub async fn login_as(&self, login: &str, password: &str) -> String {
        let r: Value = self
            .http
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["token"].as_str().expect("login works").to_owned()
    }

    pub async fn customer(&self, id: &str) -> Ws {
        Ws::connect(
            &format!("{}/api/v1/customer/chat", self.ws_base),
            &self.token(id),
        )
        .await
    }

    /// An operator's console, already online.
    pub async fn console(&self, login: &str) -> Ws {
        let token = self.login(login).await;
        let mut ws = Ws::connect(&format!("{}/api/v1/chat/console", self.ws_base), &token).await;
        ws.expect("hello").await;
        ws.send(json!({"type": "presence", "status": "online"}))
            .await;
        ws.expect("presence").await;
        ws
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

pub struct Ws {
    inner: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Every frame received, in order.
    pub log: Vec<Value>,
    seen: usize,
}

impl Ws {
    pub async fn connect(url: &str, token: &str) -> Ws {
        let mut req = url.into_client_request().unwrap();
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        let (inner, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("the socket opens");
        Ws {
            inner,
            log: Vec::new(),
            seen: 0,
        }
    }

    pub async fn send(&mut self, frame: Value) {
        self.send_raw(Message::Text(frame.to_string().into())).await;
    }

    /// Sends without insisting: `false` once the server has closed the socket.
    pub async fn try_send(&mut self, frame: Value) -> bool {
        self.inner
            .send(Message::Text(frame.to_string().into()))
            .await
            .is_ok()
    }

    pub async fn send_raw(&mut self, m: Message) {
        self.inner.send(m).await.expect("send");
    }

    /// The next frame, JSON; `None` when the socket closed (the close frame is
    /// recorded as `{"type":"closed","code":…}`).
    async fn read(&mut self) -> Option<Value> {
        loop {
            let Ok(next) = tokio::time::timeout(WAIT, self.inner.next()).await else {
                let tail = &self.log[self.log.len().saturating_sub(6)..];
                panic!("no frame arrived in time; the last ones: {tail:#?}");
            };
            match next {
                Some(Ok(Message::Text(t))) => {
                    let v: Value = serde_json::from_str(t.as_str()).unwrap();
                    self.log.push(v.clone());
                    return Some(v);
                }
                Some(Ok(Message::Close(frame))) => {
                    let code = frame.map(|f| u16::from(f.code)).unwrap_or(0);
                    let v = json!({"type": "closed", "code": code});
                    self.log.push(v.clone());
                    return Some(v);
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return None,
            }
        }
    }

    /// Waits for the first frame (not yet returned) matching `pred`.
    pub async fn until(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        while self.seen < self.log.len() {
            let v = self.log[self.seen].clone();
            self.seen += 1;
            if pred(&v) {
                return v;
            }
        }
        loop {
            let v = self.read().await.expect("the socket stays open");
            self.seen = self.log.len();
            if pred(&v) {
                return v;
            }
        }
    }

    pub async fn expect(&mut self, kind: &str) -> Value {
        self.until(|v| v["type"] == kind).await
    }

    /// The message frame with this seq, received already or awaited.
    pub async fn message(&mut self, seq: i64) -> Value {
        let is = |v: &Value| v["type"] == "message" && v["seq"] == seq;
        if let Some(v) = self.log.iter().find(|v| is(v)) {
            return v.clone();
        }
        self.until(is).await
    }

    pub async fn closed(&mut self) -> Value {
        loop {
            match self.read().await {
                Some(v) if v["type"] == "closed" => return v,
                Some(_) => continue,
                None => return json!({"type": "closed", "code": 0}),
            }
        }
    }

    /// The seqs of all message frames of a conversation received so far.
    pub fn seqs(&self, conversation: &str) -> Vec<i64> {
        self.log
            .iter()
            .filter(|v| v["type"] == "message" && v["conversation"] == conversation)
            .map(|v| v["seq"].as_i64().unwrap())
            .collect()
    }
}

/// Opens a marketplace delivery chat for buyer-1001 about MP-10001; returns the number.
pub async fn open_delivery_chat(c: &mut Ws, question: &str) -> String {
    c.expect("hello").await;
    c.send(json!({"type": "topic", "line": "marketplace", "topic": "delivery"}))
        .await;
    c.expect("order_required").await;
    c.send(json!({"type": "order", "number": "MP-10001"})).await;
    c.expect("ready").await;
    c.send(json!({"type": "message", "client_id": "q-1", "body": question}))
        .await;
    let ack = c.expect("ack").await;
    ack["conversation"].as_str().unwrap().to_owned()
}

/// A local SMS/push gateway that records what it is sent.
#[derive(Clone, Default)]
pub struct Gateway {
    pub received: Arc<Mutex<Vec<Value>>>,
}

async fn gateway_handler(State(g): State<Gateway>, Json(body): Json<Value>) -> Json<Value> {
    g.received.lock().unwrap().push(body);
    Json(json!({"id": "gw-1"}))
}

impl Gateway {
    pub async fn start() -> (Gateway, String) {
        let g = Gateway::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .route("/send", axum::routing::post(gateway_handler))
            .with_state(g.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (g, format!("http://{addr}/send"))
    }

    pub fn last_code(&self) -> String {
        let all = self.received.lock().unwrap();
        let text = all.last().expect("an SMS was sent")["text"]
            .as_str()
            .unwrap()
            .to_owned();
        text.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .expect("the SMS carries a 6-digit code")
            .to_owned()
    }
}
