//! Webhooks: an admin registers a loopback receiver that checks every
//! signature and fails on purpose; deliveries retry with backoff, keep the
//! last answer, can be replayed, and an endpoint that keeps failing is
//! paused with an alert to the admins until it is resumed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use hmac::{Hmac, Mac};
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::*;

/// What the receiver saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    event: String,
    delivery: String,
    body: Value,
    signed: bool,
}

#[derive(Default)]
struct Receiver {
    secret: std::sync::Mutex<String>,
    seen: std::sync::Mutex<Vec<Seen>>,
    /// Answer 500 to this many more requests.
    failures_left: AtomicUsize,
    always_fail: AtomicBool,
}

impl Receiver {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// The receiver's own check, written from the documented format: HMAC-SHA256
/// with the endpoint's secret over "<t>.<body>", hex, in `v1`.
fn signed(secret: &str, header: &str, body: &str) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        if let Some(v) = part.strip_prefix("t=") {
            t = Some(v.to_owned());
        }
        if let Some(v) = part.strip_prefix("v1=") {
            v1 = hex::decode(v).ok();
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    mac.verify_slice(&v1).is_ok()
}

async fn hook(
    State(r): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: String,
) -> (AxumStatus, &'static str) {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let secret = r.secret.lock().unwrap().clone();
    r.seen.lock().unwrap().push(Seen {
        event: header("switchboard-event"),
        delivery: header("switchboard-delivery"),
        body: serde_json::from_str(&body).unwrap_or(Value::Null),
        signed: signed(&secret, &header("switchboard-signature"), &body),
    });
    let fail = r.always_fail.load(Ordering::SeqCst)
        || r.failures_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    if fail {
        (AxumStatus::INTERNAL_SERVER_ERROR, "nope, try later")
    } else {
        (AxumStatus::OK, "thanks")
    }
}

async fn receiver() -> (String, Arc<Receiver>) {
    let r = Arc::new(Receiver::default());
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(hook))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, r)
}

async fn spawn() -> TestApp {
    TestApp::spawn_with(|s| {
        s.config.webhooks.allow_loopback_http = true;
        s.config.webhooks.backoff_base_secs = 10;
        s.config.webhooks.pause_after_failures = 3;
    })
    .await
}

async fn deliveries(app: &TestApp, admin: &str, id: i64) -> Vec<Value> {
    let r = app
        .get(&format!("/api/v1/admin/webhooks/{id}/deliveries"), admin)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn deliveries_are_signed_retried_with_backoff_and_replayable() {
    let app = spawn().await;
    let (url, rx) = receiver().await;
    rx.failures_left.store(2, Ordering::SeqCst);
    let admin = app.login("admin").await;
    let r = app
        .post(
            "/api/v1/admin/webhooks",
            &admin,
            json!({"url": url, "events": ["ticket.created"], "description": "CRM"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let hook: Value = r.json().await.unwrap();
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 40,
        "{secret}"
    );
    *rx.secret.lock().unwrap() = secret;
    let id = hook["id"].as_i64().unwrap();
    // The secret is shown once: the list does not carry it.
    let list: Vec<Value> = get_json(&app, "/api/v1/admin/webhooks", &admin).await;
    assert_eq!(list.len(), 1);
    assert!(list[0].get("secret").is_none(), "{list:?}");

    let t = app.open_ticket("buyer-1001", delivery_form()).await;
    let number = t["number"].as_str().unwrap();
    assert!(app.webhooks.fan_out_once().await.unwrap() > 0);

    // First attempt: the receiver answers 500; the answer is kept.
    let step = app.webhooks.deliver_once().await.unwrap();
    assert_eq!((step.delivered, step.retrying), (0, 1));
    let d = deliveries(&app, &admin, id).await;
    assert_eq!(d.len(), 1, "only the subscribed event: {d:?}");
    assert_eq!(
        (
            d[0]["status"].as_str(),
            d[0]["attempts"].as_u64(),
            d[0]["last_status"].as_u64()
        ),
        (Some("pending"), Some(1), Some(500))
    );
    assert_eq!(d[0]["last_response"], "nope, try later");
    // Not before the backoff.
    assert_eq!(app.webhooks.deliver_once().await.unwrap().total(), 0);
    app.clock.advance(SignedDuration::from_secs(10));
    assert_eq!(app.webhooks.deliver_once().await.unwrap().retrying, 1);
    // The second wait is longer (10 s · 2).
    app.clock.advance(SignedDuration::from_secs(10));
    assert_eq!(app.webhooks.deliver_once().await.unwrap().total(), 0);
    app.clock.advance(SignedDuration::from_secs(10));
    assert_eq!(app.webhooks.deliver_once().await.unwrap().delivered, 1);

    let seen = rx.seen();
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter().all(|s| s.signed),
        "every attempt is signed: {seen:?}"
    );
    assert!(
        seen.iter().all(|s| s.delivery == seen[0].delivery),
        "one delivery id across retries"
    );
    assert_eq!(seen[0].event, "ticket.created");
    assert_eq!(seen[0].body["type"], "ticket.created");
    assert_eq!(seen[0].body["ticket"]["number"], number);
    let d = deliveries(&app, &admin, id).await;
    assert_eq!(
        (
            d[0]["status"].as_str(),
            d[0]["attempts"].as_u64(),
            d[0]["last_status"].as_u64()
        ),
        (Some("delivered"), Some(3), Some(200))
    );

    // Replayed: the same event again, as a new delivery.
    let r = app
        .post(
            &format!("/api/v1/admin/webhook-deliveries/{}/replay", d[0]["id"]),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let replay: Value = r.json().await.unwrap();
    assert_eq!(replay["replay_of"], d[0]["id"]);
    assert_eq!(app.webhooks.deliver_once().await.unwrap().delivered, 1);
    let seen = rx.seen();
    assert_eq!(seen.len(), 4);
    assert!(seen[3].signed);
    assert_eq!(seen[3].body["id"], seen[0].body["id"], "the same event");
    assert_ne!(seen[3].delivery, seen[0].delivery, "a new delivery");
}

#[tokio::test]
async fn an_endpoint_that_keeps_failing_is_paused_and_the_admins_alerted() {
    let app = spawn().await;
    let (url, rx) = receiver().await;
    rx.always_fail.store(true, Ordering::SeqCst);
    let admin = app.login("admin").await;
    let hook: Value = app
        .post("/api/v1/admin/webhooks", &admin, json!({"url": url}))
        .await
        .json()
        .await
        .unwrap();
    *rx.secret.lock().unwrap() = hook["secret"].as_str().unwrap().to_owned();
    let id = hook["id"].as_i64().unwrap();
    assert_eq!(
        hook["events"].as_array().unwrap().len(),
        6,
        "all events by default"
    );

    app.open_ticket("buyer-1001", delivery_form()).await;
    app.webhooks.fan_out_once().await.unwrap();
    for _ in 0..3 {
        app.webhooks.deliver_once().await.unwrap();
        app.clock.advance(SignedDuration::from_secs(3600));
    }
    let list: Vec<Value> = get_json(&app, "/api/v1/admin/webhooks", &admin).await;
    assert_eq!(
        (list[0]["status"].as_str(), list[0]["failures"].as_u64()),
        (Some("paused"), Some(3))
    );
    let alerts: Vec<Value> = get_json(&app, "/api/v1/staff/alerts", &admin).await;
    let alert = alerts
        .iter()
        .find(|a| a["kind"] == "webhook_paused")
        .expect("an alert");
    assert_eq!(alert["event"]["url"], url.as_str());

    // Paused: nothing goes out, however long one waits.
    let before = rx.seen().len();
    app.clock.advance(SignedDuration::from_secs(86_400));
    assert_eq!(app.webhooks.deliver_once().await.unwrap().total(), 0);
    assert_eq!(rx.seen().len(), before);

    // Fixed and resumed: what waited is delivered (a day later the admin's
    // session has expired: they sign in again).
    rx.always_fail.store(false, Ordering::SeqCst);
    let admin = app.login("admin").await;
    let r = app
        .post(
            &format!("/api/v1/admin/webhooks/{id}/resume"),
            &admin,
            json!({}),
        )
        .await;
    let status = r.status();
    assert_eq!(status, StatusCode::OK, "{}", r.text().await.unwrap());
    let step = app.webhooks.deliver_once().await.unwrap();
    assert!(step.delivered >= 1, "{step:?}");
    assert!(rx.seen().iter().all(|s| s.signed));
}

#[tokio::test]
async fn only_admins_register_and_bad_endpoints_are_refused() {
    let app = spawn().await;
    let admin = app.login("admin").await;
    let op = app.login("operator").await;
    let r = app
        .post(
            "/api/v1/admin/webhooks",
            &op,
            json!({"url": "https://crm.example.com/hook"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for (body, field) in [
        (json!({"url": "http://crm.example.com/hook"}), "url"),
        (json!({"url": "https://u:p@crm.example.com/"}), "url"),
        (json!({"url": "not a url"}), "url"),
        (
            json!({"url": "https://crm.example.com/", "events": ["ticket.exploded"]}),
            "events",
        ),
    ] {
        let (status, problem) = problem(
            app.post("/api/v1/admin/webhooks", &admin, body.clone())
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(problem.to_string().contains(field), "{problem}");
    }
    let list: Vec<Value> = get_json(&app, "/api/v1/admin/webhooks", &admin).await;
    assert!(list.is_empty(), "nothing was registered");
    for path in [
        "/api/v1/admin/webhooks/999/deliveries",
        "/api/v1/admin/webhooks/x/deliveries",
    ] {
        assert_eq!(
            app.get(path, &admin).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

async fn get_json<T: serde::de::DeserializeOwned>(app: &TestApp, path: &str, token: &str) -> T {
    app.get(path, token).await.json().await.unwrap()
}
