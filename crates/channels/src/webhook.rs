//! Webhooks out (issue 14): the wire format of a delivery and one attempt.
//!
//! # Wire format
//!
//! ```text
//! POST <endpoint url>
//! Content-Type: application/json
//! User-Agent: switchboard/<version>
//! Switchboard-Event: <type>                 e.g. ticket.created
//! Switchboard-Delivery: <delivery id>       the same on every retry of one delivery
//! Switchboard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//!
//! {"id": "evt_<audit event id>", "type": "<type>", "occurred_at": "<RFC 3339>",
//!  "ticket": {"number", "status", "priority", "channel", "line", "topic"},
//!  "data": {…what happened: the audit entry's fields…}}
//! ```
//!
//! A receiver recomputes the HMAC over the timestamp, a dot and the raw body
//! with the endpoint's secret, compares in constant time, and rejects a
//! timestamp far from its clock (a replayed request). Any 2xx is delivered;
//! anything else, a redirect (not followed), a timeout or a refused
//! connection is a failed attempt, retried later.

use std::time::Duration;

use hmac::{Hmac, Mac};
use reqwest::{Client, Url};
use serde::Serialize;
use sha2::Sha256;
use switchboard_domain::ticket::{Ticket, TicketEvent};

use crate::{ConfigError, error_chain};

/// The event types an endpoint may subscribe to.
pub const EVENT_TYPES: &[&str] = &[
    "ticket.created",
    "message.created",
    "ticket.status_changed",
    "sla.at_risk",
    "sla.breached",
    "csat.rated",
];

/// The webhook type of an audit entry, if endpoints hear of it. Internal
/// notes and staff-only entries are never sent out.
pub fn event_type(e: &TicketEvent) -> Option<&'static str> {
    Some(match e {
        TicketEvent::Created { .. } => "ticket.created",
        TicketEvent::PublicReply | TicketEvent::CustomerMessage => "message.created",
        TicketEvent::StatusChanged { .. } => "ticket.status_changed",
        TicketEvent::SlaAtRisk { .. } => "sla.at_risk",
        TicketEvent::SlaBreached { .. } => "sla.breached",
        TicketEvent::Rated { .. } => "csat.rated",
        _ => return None,
    })
}

#[derive(Serialize)]
struct TicketRef<'a> {
    number: String,
    status: &'a str,
    priority: &'a str,
    channel: &'a str,
    line: &'a str,
    topic: &'a str,
}

#[derive(Serialize)]
struct Payload<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'a str,
    occurred_at: String,
    ticket: TicketRef<'a>,
    data: serde_json::Value,
}

/// The JSON body of a delivery of audit entry `event_id` about `ticket`.
pub fn payload(
    event_id: i64,
    kind: &str,
    event: &TicketEvent,
    at: jiff::Timestamp,
    ticket: &Ticket,
) -> Result<String, serde_json::Error> {
    let mut data = serde_json::to_value(event)?;
    if let Some(map) = data.as_object_mut() {
        map.remove("type");
    }
    serde_json::to_string(&Payload {
        id: format!("evt_{event_id}"),
        kind,
        occurred_at: at.to_string(),
        ticket: TicketRef {
            number: ticket.number.to_string(),
            status: ticket.status.as_str(),
            priority: ticket.priority.as_str(),
            channel: ticket.channel.as_str(),
            line: &ticket.line,
            topic: &ticket.topic,
        },
        data,
    })
}

/// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub fn signature(secret: &str, unix_secs: i64, body: &str) -> String {
    format!(
        "t={unix_secs},v1={}",
        hex::encode(mac(secret, unix_secs, body))
    )
}

fn mac(secret: &str, unix_secs: i64, body: &str) -> Vec<u8> {
    // HMAC accepts keys of any length: `new_from_slice` cannot fail for it.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(unix_secs.to_string().as_bytes());
    m.update(b".");
    m.update(body.as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// Checks a `Switchboard-Signature` header as a receiver should: the MAC in
/// constant time, and the timestamp within `tolerance_secs` of `now_secs`.
pub fn verify(secret: &str, header: &str, body: &str, now_secs: i64, tolerance_secs: i64) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => v1 = hex::decode(v).ok(),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    if (now_secs - t).abs() > tolerance_secs {
        return false;
    }
    let mut m = match <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return false,
    };
    m.update(t.to_string().as_bytes());
    m.update(b".");
    m.update(body.as_bytes());
    m.verify_slice(&v1).is_ok()
}

/// Why an endpoint URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("not a URL")]
    Malformed,
    #[error("only https is allowed (http only to a loopback address where configured)")]
    NotHttps,
    #[error("user names and passwords do not belong in the URL")]
    Credentials,
    #[error("the URL is too long")]
    TooLong,
}

/// An endpoint URL: https, or http to a loopback host when `loopback_http`
/// (tests and development).
pub fn check_url(raw: &str, loopback_http: bool) -> Result<Url, UrlError> {
    if raw.len() > 2000 {
        return Err(UrlError::TooLong);
    }
    let url = Url::parse(raw.trim()).map_err(|_| UrlError::Malformed)?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(UrlError::Malformed);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlError::Credentials);
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback_http && is_loopback(&url) => Ok(url),
        _ => Err(UrlError::NotHttps),
    }
}

fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The endpoint's answer to one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// The start of the body (at most 1 KiB, cut at a character boundary).
    pub body: String,
}

/// One attempt's outcome: an answer (2xx or not), or no answer at all.
pub type AttemptResult = Result<Answer, String>;

/// Posts deliveries; one client (connection pool) for every endpoint.
#[derive(Clone, Debug)]
pub struct WebhookSender {
    client: Client,
}

impl WebhookSender {
    pub fn new(timeout: Duration) -> Result<Self, ConfigError> {
        crate::install_crypto_provider();
        let client = Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::Client(error_chain(&e)))?;
        Ok(WebhookSender { client })
    }

    /// One signed POST of `body`.
    pub async fn post(
        &self,
        url: &str,
        secret: &str,
        delivery: i64,
        kind: &str,
        body: &str,
        now: jiff::Timestamp,
    ) -> AttemptResult {
        let url = Url::parse(url).map_err(|e| format!("bad URL: {e}"))?;
        let sent = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("switchboard-event", kind)
            .header("switchboard-delivery", delivery.to_string())
            .header(
                "switchboard-signature",
                signature(secret, now.as_second(), body),
            )
            .body(body.to_owned())
            .send()
            .await
            .map_err(|e| error_chain(&e.without_url()))?;
        let status = sent.status().as_u16();
        let bytes = sent.bytes().await.unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let body = match text.char_indices().find(|(i, _)| *i >= 1024) {
            Some((cut, _)) => text[..cut].to_owned(),
            None => text.into_owned(),
        };
        Ok(Answer { status, body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_a_changed_body_or_old_time_does_not() {
        let h = signature("whsec_abc", 1_700_000_000, "{\"a\":1}");
        assert!(verify("whsec_abc", &h, "{\"a\":1}", 1_700_000_100, 300));
        assert!(!verify("whsec_abc", &h, "{\"a\":2}", 1_700_000_100, 300));
        assert!(!verify("whsec_abd", &h, "{\"a\":1}", 1_700_000_100, 300));
        assert!(!verify("whsec_abc", &h, "{\"a\":1}", 1_700_001_000, 300));
        assert!(!verify(
            "whsec_abc",
            "garbage",
            "{\"a\":1}",
            1_700_000_000,
            300
        ));
    }

    #[test]
    fn only_https_or_loopback_http_when_allowed() {
        assert!(check_url("https://hooks.example.com/x", false).is_ok());
        assert_eq!(
            check_url("http://hooks.example.com/x", true),
            Err(UrlError::NotHttps)
        );
        assert_eq!(
            check_url("http://127.0.0.1:9/x", false),
            Err(UrlError::NotHttps)
        );
        assert!(check_url("http://127.0.0.1:9/x", true).is_ok());
        assert!(check_url("http://[::1]:9/x", true).is_ok());
        assert!(check_url("http://localhost:9/x", true).is_ok());
        assert_eq!(
            check_url("https://u:p@example.com/", false),
            Err(UrlError::Credentials)
        );
        assert_eq!(
            check_url("ftp://example.com/", true),
            Err(UrlError::NotHttps)
        );
        assert_eq!(check_url("not a url", true), Err(UrlError::Malformed));
    }
}
