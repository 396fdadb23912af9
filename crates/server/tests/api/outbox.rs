//! The outbox delivers confirmations and replies through a real SMTP server
//! (aiosmtpd) and an HTTP gateway, with retries and backoff.

use std::process::Stdio;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

use crate::helpers::*;

pub struct SmtpSink {
    pub port: u16,
    lines: Lines<BufReader<ChildStdout>>,
    _child: Child,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../channels/tests/smtp_sink.py"
        );
        let mut child = Command::new("python3")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 runs");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let port = lines
            .next_line()
            .await
            .unwrap()
            .expect("the SMTP sink reports its port (is aiosmtpd installed? pip install aiosmtpd)")
            .trim()
            .parse()
            .unwrap();
        SmtpSink {
            port,
            lines,
            _child: child,
        }
    }

    pub async fn next_message(&mut self) -> Value {
        let line = self.lines.next_line().await.unwrap().expect("a message");
        serde_json::from_str(&line).unwrap()
    }
}

/// What the gateway received: the `Authorization` header and the JSON body.
type Received = Vec<(Option<String>, Value)>;

#[derive(Clone, Default)]
struct Gateway {
    received: Arc<Mutex<Received>>,
    /// Statuses to answer with, in order; 200 once they run out.
    script: Arc<Mutex<Vec<u16>>>,
}

async fn gateway_handler(
    State(g): State<Gateway>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let auth = headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned());
    g.received.lock().unwrap().push((auth, body));
    let status = {
        let mut script = g.script.lock().unwrap();
        if script.is_empty() {
            200
        } else {
            script.remove(0)
        }
    };
    (
        StatusCode::from_u16(status).unwrap(),
        Json(json!({"id": "gw-1"})),
    )
}

async fn start_gateway(g: Gateway) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .route("/send", axum::routing::post(gateway_handler))
        .with_state(g);
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/send")
}

#[tokio::test]
async fn confirmations_and_replies_go_out_by_email_through_smtp() {
    let mut sink = SmtpSink::start().await;
    let port = sink.port;
    let app = TestApp::spawn_with(|s| {
        s.config.smtp.host = "127.0.0.1".into();
        s.config.smtp.port = port;
        s.config.smtp.security = serde_json::from_value(json!("none")).unwrap();
        s.config.smtp.from = "Поддержка <help@demo.example>".into();
    })
    .await;
    let t = app.open_ticket("buyer-1001", delivery_form()).await;
    let number = t["number"].as_str().unwrap();

    let report = app.outbox.run_once().await.unwrap();
    assert_eq!(report.delivered, 1);
    let mail = sink.next_message().await;
    assert_eq!(mail["rcpt_tos"], json!(["anna@demo.example"]));
    assert!(mail["subject"].as_str().unwrap().contains(number), "{mail}");
    assert!(
        mail["body"]
            .as_str()
            .unwrap()
            .contains("Здравствуйте, Анна Смирнова"),
        "{mail}"
    );
    assert!(mail["body"].as_str().unwrap().contains(number));

    let op = app.login("operator").await;
    app.post(
        &format!("/api/v1/tickets/{number}/replies"),
        &op,
        json!({"body": "Курьер привезёт заказ завтра до 14:00."}),
    )
    .await;
    assert_eq!(app.outbox.run_once().await.unwrap().delivered, 1);
    let mail = sink.next_message().await;
    assert!(
        mail["body"]
            .as_str()
            .unwrap()
            .starts_with("Курьер привезёт заказ завтра до 14:00."),
        "{mail}"
    );

    let sent: Vec<Value> = app
        .get(&format!("/api/v1/tickets/{number}/notifications"), &op)
        .await
        .json()
        .await
        .unwrap();
    assert!(sent.iter().all(|n| n["status"] == "delivered"), "{sent:?}");
    assert_eq!(
        app.outbox.run_once().await.unwrap().total(),
        0,
        "nothing is sent twice"
    );
}

#[tokio::test]
async fn sms_goes_through_the_gateway_and_is_retried_with_backoff_until_it_arrives() {
    let gateway = Gateway::default();
    gateway.script.lock().unwrap().extend([503, 503]);
    let url = start_gateway(gateway.clone()).await;
    let app = TestApp::spawn_with(|s| {
        s.config.sms.url = url.clone();
        s.config.sms.token = Some(serde_json::from_value(json!("gw-secret")).unwrap());
    })
    .await;
    let mut form = delivery_form();
    form["reply_channel"] = json!("sms");
    let t = app.open_ticket("buyer-1001", form).await;
    let number = t["number"].as_str().unwrap();

    let first = app.outbox.run_once().await.unwrap();
    assert_eq!(first.retrying, 1);
    // Not due again until the backoff has passed.
    assert_eq!(app.outbox.run_once().await.unwrap().total(), 0);
    app.clock.advance(jiff::SignedDuration::from_secs(10));
    assert_eq!(app.outbox.run_once().await.unwrap().retrying, 1);
    app.clock.advance(jiff::SignedDuration::from_secs(10));
    assert_eq!(
        app.outbox.run_once().await.unwrap().total(),
        0,
        "the second wait is twice as long"
    );
    app.clock.advance(jiff::SignedDuration::from_secs(10));
    assert_eq!(app.outbox.run_once().await.unwrap().delivered, 1);

    let received = gateway.received.lock().unwrap().clone();
    assert_eq!(received.len(), 3);
    let (auth, body) = &received[2];
    assert_eq!(auth.as_deref(), Some("Bearer gw-secret"));
    assert_eq!(body["to"], "+79161234567");
    assert_eq!(body["channel"], "sms");
    assert!(body["text"].as_str().unwrap().contains(number));

    let op = app.login("operator").await;
    let sent: Vec<Value> = app
        .get(&format!("/api/v1/tickets/{number}/notifications"), &op)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent[0]["status"], "delivered");
    assert_eq!(sent[0]["attempts"], 2);
}

#[tokio::test]
async fn a_permanent_refusal_or_a_missing_channel_ends_as_failed() {
    let gateway = Gateway::default();
    gateway.script.lock().unwrap().push(400);
    let url = start_gateway(gateway.clone()).await;
    let app = TestApp::spawn_with(|s| {
        s.config.push.url = url.clone();
        s.config.outbox.max_attempts = 2;
    })
    .await;
    let mut push = delivery_form();
    push["reply_channel"] = json!("push");
    let refused = app.open_ticket("buyer-1001", push).await;
    // E-mail has no SMTP server configured in this test.
    let mut mail = delivery_form();
    mail["order_number"] = json!("MP-10003");
    let unsent = app.open_ticket("buyer-1001", mail).await;

    let r = app.outbox.run_once().await.unwrap();
    assert_eq!((r.failed, r.retrying), (1, 1), "{r:?}");
    app.clock.advance(jiff::SignedDuration::from_secs(10));
    let r = app.outbox.run_once().await.unwrap();
    assert_eq!(r.failed, 1, "the second attempt was the last: {r:?}");

    let op = app.login("operator").await;
    for t in [refused, unsent] {
        let number = t["number"].as_str().unwrap();
        let sent: Vec<Value> = app
            .get(&format!("/api/v1/tickets/{number}/notifications"), &op)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(sent[0]["status"], "failed", "{sent:?}");
        assert!(
            sent[0]["last_error"]
                .as_str()
                .is_some_and(|e| !e.is_empty())
        );
    }
    assert_eq!(app.store.pending_outbound().await.unwrap(), 0);
}
