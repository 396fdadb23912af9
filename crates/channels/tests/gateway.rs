//! `GatewaySender` against a local axum server that speaks the documented wire
//! format and records what it was sent.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use switchboard_channels::{
    Adapter, Delivered, Delivery, GatewayChannel, GatewayConfig, GatewaySender, Secret, SendError,
};
use switchboard_domain::conversation::{Medium, Outbound, OutboundKind, Route};

/// The message under test, as the outbox would hand it over.
#[derive(Debug, Clone)]
struct Notification {
    channel: Medium,
    recipient: String,
    subject: String,
    body: String,
}

impl Notification {
    fn delivery(&self) -> Delivery {
        Delivery {
            id: 1,
            ticket: None,
            outbound: Outbound {
                kind: OutboundKind::Confirmation,
                route: Route {
                    medium: self.channel,
                    recipient: self.recipient.clone(),
                    endpoint: None,
                    thread: None,
                },
                subject: self.subject.clone(),
                text: self.body.clone(),
                attachments: Vec::new(),
                sensitive: false,
                buttons: Vec::new(),
            },
            files: Vec::new(),
        }
    }
}

/// `adapter.send(&n)`: one delivery attempt of `n`.
trait SendExt {
    async fn send(&self, n: &Notification) -> Result<Delivered, SendError>;
}

impl<A: Adapter> SendExt for A {
    async fn send(&self, n: &Notification) -> Result<Delivered, SendError> {
        self.deliver(&n.delivery()).await
    }
}

#[derive(Debug, Clone)]
struct Recorded {
    authorization: Option<String>,
    content_type: Option<String>,
    body: Value,
}

type Log = Arc<Mutex<Vec<Recorded>>>;

/// `POST /notify/{status}` answers with that status: 200 with `{"id":"abc"}`,
/// 202 with a non-JSON body, errors with a short text; `/hang` never answers.
async fn notify(
    State(log): State<Log>,
    Path(status): Path<u16>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    log.lock().unwrap().push(Recorded {
        authorization: text(header::AUTHORIZATION),
        content_type: text(header::CONTENT_TYPE),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    });
    let status = StatusCode::from_u16(status).unwrap();
    match status.as_u16() {
        200 => (status, axum::Json(json!({"id": "abc"}))).into_response(),
        202 => (status, "queued").into_response(),
        _ => (status, format!("gateway says {status}")).into_response(),
    }
}

/// Accepts the request and never replies, like a gateway stuck upstream.
async fn hang() {
    std::future::pending::<()>().await
}

struct Gateway {
    base: String,
    log: Log,
}

impl Gateway {
    /// The listener is bound before this returns, so requests queue instead of failing.
    async fn start() -> Gateway {
        let log = Log::default();
        let app = Router::new()
            .route("/notify/{status}", post(notify))
            .route("/hang", post(hang))
            .with_state(log.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Gateway { base, log }
    }

    fn sender(&self, channel: GatewayChannel, path: &str, token: Option<&str>) -> GatewaySender {
        let config = GatewayConfig {
            url: format!("{}{path}", self.base),
            token: token.map(Secret::new),
            timeout_secs: 5,
        };
        GatewaySender::new(channel, &config).unwrap()
    }

    fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }
}

fn sms() -> Notification {
    Notification {
        channel: Medium::Sms,
        recipient: "+79991234567".into(),
        subject: "Обращение SB-000123 принято".into(),
        body: "Обращение SB-000123 принято. Ответим до 21.11.2026 18:00 (МСК).".into(),
    }
}

#[tokio::test]
async fn posts_the_documented_json_with_a_bearer_token_and_reads_the_id() {
    let gw = Gateway::start().await;
    let sender = gw.sender(GatewayChannel::Sms, "/notify/200", Some("gw-token"));

    let delivery = sender.send(&sms()).await.unwrap();

    assert_eq!(delivery.provider_id.as_deref(), Some("abc"));
    let [req] = gw.requests().try_into().expect("exactly one request");
    assert_eq!(req.authorization.as_deref(), Some("Bearer gw-token"));
    assert_eq!(req.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        req.body,
        json!({
            "to": "+79991234567",
            "title": "Обращение SB-000123 принято",
            "text": "Обращение SB-000123 принято. Ответим до 21.11.2026 18:00 (МСК).",
            "channel": "sms",
        })
    );
}

#[tokio::test]
async fn push_without_a_token_sends_no_authorization_and_a_non_json_reply_has_no_id() {
    let gw = Gateway::start().await;
    let sender = gw.sender(GatewayChannel::Push, "/notify/202", None);
    let n = Notification {
        channel: Medium::Push,
        recipient: "cust-42".into(),
        ..sms()
    };

    let delivery = sender.send(&n).await.unwrap();

    assert_eq!(delivery.provider_id, None);
    let [req] = gw.requests().try_into().expect("exactly one request");
    assert_eq!(req.authorization, None);
    assert_eq!(req.body["channel"], "push");
    assert_eq!(req.body["to"], "cust-42");
}

#[tokio::test]
async fn overload_and_throttling_are_transient() {
    let gw = Gateway::start().await;
    for status in [503, 500, 429, 408] {
        let sender = gw.sender(GatewayChannel::Sms, &format!("/notify/{status}"), None);
        let err = sender.send(&sms()).await.unwrap_err();
        assert!(
            matches!(&err, SendError::Transient(m) if m.contains(&status.to_string())),
            "{status}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_refused_request_is_permanent_and_says_why() {
    let gw = Gateway::start().await;
    for status in [400, 401, 404, 422] {
        let sender = gw.sender(GatewayChannel::Sms, &format!("/notify/{status}"), None);
        let err = sender.send(&sms()).await.unwrap_err();
        assert!(
            matches!(&err, SendError::Permanent(m) if m.contains("gateway says")),
            "{status}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_closed_port_is_transient() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/notify/200", listener.local_addr().unwrap());
    drop(listener);
    let config = GatewayConfig {
        url,
        ..GatewayConfig::default()
    };
    let sender = GatewaySender::new(GatewayChannel::Sms, &config).unwrap();

    let err = sender.send(&sms()).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
}

#[tokio::test]
async fn a_gateway_that_never_answers_times_out_as_transient() {
    let gw = Gateway::start().await;
    let config = GatewayConfig {
        url: format!("{}/hang", gw.base),
        token: None,
        timeout_secs: 1,
    };
    let sender = GatewaySender::new(GatewayChannel::Sms, &config).unwrap();

    let err = sender.send(&sms()).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
}

#[tokio::test]
async fn a_notification_for_another_channel_is_refused_before_any_request() {
    let gw = Gateway::start().await;
    let sender = gw.sender(GatewayChannel::Push, "/notify/200", None);

    let err = sender.send(&sms()).await.unwrap_err();

    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    assert!(gw.requests().is_empty());
}
