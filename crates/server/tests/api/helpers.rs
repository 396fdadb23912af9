//! Starts the real application on port 0 with a fresh database (SQLite, or
//! PostgreSQL when TEST_DATABASE_URL is set) and a manual clock, and talks to
//! it over HTTP like any client would.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use switchboard_core::outbox::OutboxWorker;
use switchboard_domain::identity::IdentitySigner;
use switchboard_domain::ids::CustomerId;
use switchboard_server::clock::{Clock, ManualClock};
use switchboard_server::{Application, Config};
use switchboard_store::Store;

pub const SECRET: &str = "test-identity-secret-0123456789";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub store: Arc<dyn Store>,
    /// The same database, for reading around the store (`find_text`).
    pub db: switchboard_store::testing::TestDb,
    pub outbox: OutboxWorker,
    /// The SLA deadline worker, stepped by the tests.
    pub deadlines: switchboard_core::deadlines::DeadlineWorker,
    /// The use cases, for stepping workers (rating requests).
    pub core: Arc<switchboard_core::Core>,
    /// Webhook fan-out and delivery, stepped by the tests.
    pub webhooks: switchboard_core::webhooks::Webhooks,
    pub data_dir: PathBuf,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Settings a test may change before the app starts.
pub struct Setup {
    pub config: Config,
}

/// The product's second-factor rule (required for admins and bank-line
/// staff) instead of the tests' password-only sign-in.
pub fn with_second_factor(s: &mut Setup) {
    s.config.staff.second_factor = switchboard_server::config::SecondFactorConfig::default();
}

/// Today at noon in Moscow on a working day (or the next working day's):
/// the tests' clock starts there, so what they expect of working hours holds
/// whenever the suite runs (evenings and weekends included).
pub fn office_hours() -> Timestamp {
    let calendars =
        switchboard_domain::calendar::Calendars::from_toml(switchboard_core::rules::DEMO_CALENDARS)
            .expect("demo calendars");
    let office = calendars.get("moscow_office").expect("moscow_office");
    let today = switchboard_server::clock::SystemClock
        .now()
        .in_tz("Europe/Moscow")
        .expect("zone");
    let midnight = today
        .date()
        .at(0, 0, 0, 0)
        .in_tz("Europe/Moscow")
        .expect("zone")
        .timestamp();
    office.next_working_start(midnight).expect("a working day") + SignedDuration::from_hours(3)
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(tune: impl FnOnce(&mut Setup)) -> TestApp {
        let data_dir =
            std::env::temp_dir().join(format!("sb-api-{}", uuid::Uuid::now_v7().simple()));
        let mut config = Config::default();
        config.server.listen = "127.0.0.1:0".parse().unwrap();
        config.storage.data_dir = data_dir.clone();
        config.identity.secret = Some(serde_json::from_value(json!(SECRET)).unwrap());
        // Sign in with passwords only; the second factor has its own tests.
        config.staff.second_factor.required_for_admins = false;
        config.staff.second_factor.required_lines.clear();
        // Tests open many chats from one address; the limits have their own tests.
        config.limits.chats_per_customer = 0;
        config.limits.chats_per_address = 0;
        config.outbox.run_worker = false;
        config.deadlines.run_worker = false;
        config.csat.run_worker = false;
        config.webhooks.run_worker = false;
        config.outbox.backoff_base_secs = 10;
        // The demo mailboxes' local IMAP server is not part of the tests.
        config.email.mailboxes.clear();
        // Nor is the demo bot's local Bot API server.
        config.telegram.bots.clear();
        let mut setup = Setup { config };
        tune(&mut setup);
        let clock = Arc::new(ManualClock::new(office_hours()));
        let db = switchboard_store::testing::fresh_db().await;
        let store = db.store.clone();
        let app = Application::build_with(setup.config, clock.clone(), Some(store.clone()))
            .await
            .expect("the app starts");
        let base = format!("http://{}", app.address());
        let outbox = app.outbox();
        let deadlines = app.deadlines();
        let core = app.state().core.clone();
        let webhooks = app.state().webhooks.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_with_shutdown(async move {
            let _ = stopped.await;
        }));
        TestApp {
            base,
            client: reqwest::Client::new(),
            clock,
            store,
            db,
            outbox,
            deadlines,
            core,
            webhooks,
            data_dir,
            _stop: stop,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A token the host site would mint for this account, valid for an hour.
    pub fn customer_token(&self, id: &str) -> String {
        self.token_expiring(id, self.clock.now() + SignedDuration::from_hours(1))
    }

    pub fn token_expiring(&self, id: &str, at: Timestamp) -> String {
        IdentitySigner::new(SECRET.as_bytes(), 86_400).sign(&CustomerId::parse(id).unwrap(), at)
    }

    /// Signs in a demo account (its password is `<login>-demo`).
    pub async fn login(&self, login: &str) -> String {
        self.login_as(login, &format!("{login}-demo")).await
    }

    /// Signs in as the product asks of this account: where a second factor
    /// is required (admins and bank staff under `with_second_factor`), the
    /// first sign-in enrols one and the session comes from a code.
    pub async fn sign_in(&self, login: &str, password: &str) -> String {
        crate::authenticator::sign_in(
            &self.client,
            &self.base,
            login,
            password,
            self.clock.now().as_second(),
        )
        .await
    }

    /// Reads ticket `number` as `token` until its status is `want`
    /// (bounded: 20 s): for a change committed just after the message that
    /// announced it, such as the bot's hand-over.
    #[allow(
        dead_code,
        reason = "used by the messenger suites, which share this file"
    )]
    pub async fn status_becomes(&self, token: &str, number: &str, want: &str) -> Value {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let t: Value = self
                .get(&format!("/api/v1/tickets/{number}"), token)
                .await
                .json()
                .await
                .unwrap();
            if t["status"] == want {
                return t;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the ticket never became {want}: {t}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    pub async fn login_as(&self, login: &str, password: &str) -> String {
        let r = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "login {login}");
        r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Response {
        self.client
            .put(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Opens a ticket as the customer and returns its JSON.
    pub async fn open_ticket(&self, customer: &str, form: Value) -> Value {
        let r = self
            .post(
                "/api/v1/customer/tickets",
                &self.customer_token(customer),
                form,
            )
            .await;
        let status = r.status();
        let body: Value = r.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    pub async fn my_tickets(&self, customer: &str) -> Vec<Value> {
        let r = self
            .get("/api/v1/customer/tickets", &self.customer_token(customer))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json::<Vec<Value>>().await.unwrap()
    }

    /// Files stored under the attachments folder, to prove a refused request wrote nothing.
    pub fn stored_files(&self) -> usize {
        fn walk(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .flatten()
                        .map(|e| {
                            if e.path().is_dir() {
                                walk(&e.path())
                            } else {
                                1
                            }
                        })
                        .sum()
                })
                .unwrap_or(0)
        }
        walk(&self.data_dir.join("attachments"))
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// A delivery-about-an-order form for the demo buyer.
pub fn delivery_form() -> Value {
    json!({
        "line": "marketplace",
        "topic": "delivery",
        "problem": first_problem("marketplace", "delivery"),
        "order_number": "MP-10001",
        "description": "Заказ должен был прийти вчера, но трекинг не обновляется.",
        "reply_channel": "email"
    })
}

/// The first listed problem of a demo topic, read from the demo catalog itself.
pub fn first_problem(line: &str, topic: &str) -> String {
    let catalog = switchboard_server::demo::load_catalog(None).unwrap();
    let (_, t) = catalog.topic(line, topic).unwrap();
    t.problems[0].code.clone()
}

pub async fn problem(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body: Value = r.json().await.unwrap();
    assert_eq!(ct, "application/problem+json", "{body}");
    assert_eq!(body["status"].as_u64(), Some(u64::from(status.as_u16())));
    (status, body)
}

pub fn field_codes(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap().to_owned(),
                        e["code"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

pub const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
pub const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0\xb8\0\0\0\0\0\0\0@\0\0\0\0\0\0\0";

pub fn multipart(data: &Value, files: &[(&str, &[u8])]) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new().text("data", data.to_string());
    for (name, bytes) in files {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()),
        );
    }
    form
}
