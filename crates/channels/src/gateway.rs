//! SMS and push through an HTTP gateway (the operator's own service or a
//! provider's adapter), one JSON request per notification.
//!
//! # Wire format
//!
//! ```text
//! POST <url>
//! Content-Type: application/json
//! Authorization: Bearer <token>          (only when a token is configured)
//!
//! {"to": "<recipient>", "title": "<subject>", "text": "<body>", "channel": "sms" | "push"}
//! ```
//!
//! `to` is an E.164 phone number for SMS and the customer's account id for push;
//! `title` is the notification subject (SMS gateways usually ignore it).
//!
//! Replies: any 2xx means accepted; if the body is a JSON object with an `id`
//! (string or number), that becomes [`Delivery::provider_id`]. 408, 429 and 5xx,
//! as well as connection failures and timeouts, are [`SendError::Transient`]; any
//! other 4xx is [`SendError::Permanent`]. Redirects are not followed (a redirected
//! POST turns into a GET and loses its body) and count as permanent: the URL is wrong.

use std::time::Duration;

use async_trait::async_trait;
use reqwest::{Client, StatusCode, Url};
use serde::{Deserialize, Serialize};
use switchboard_domain::conversation::Medium;

use crate::{Adapter, ConfigError, Delivered, Delivery, Secret, SendError, error_chain};

/// Which notifications a gateway carries; it also fills the `channel` field on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayChannel {
    Sms,
    Push,
}

impl GatewayChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayChannel::Sms => "sms",
            GatewayChannel::Push => "push",
        }
    }

    pub fn medium(self) -> Medium {
        match self {
            GatewayChannel::Sms => Medium::Sms,
            GatewayChannel::Push => Medium::Push,
        }
    }
}

/// The `[sms]` and `[push]` sections. An empty `url` means the channel is off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatewayConfig {
    pub url: String,
    /// Sent as `Authorization: Bearer <token>`.
    pub token: Option<Secret>,
    /// Limit for the whole request, connect to last byte of the reply.
    pub timeout_secs: u64,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            url: String::new(),
            token: None,
            timeout_secs: 10,
        }
    }
}

impl GatewayConfig {
    pub fn is_enabled(&self) -> bool {
        !self.url.trim().is_empty()
    }
}

/// Posts notifications of one channel to the configured gateway.
#[derive(Clone)]
pub struct GatewaySender {
    channel: GatewayChannel,
    url: Url,
    token: Option<Secret>,
    client: Client,
}

impl std::fmt::Debug for GatewaySender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewaySender")
            .field("channel", &self.channel)
            .field("url", &self.url.as_str())
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Outgoing<'a> {
    to: &'a str,
    title: &'a str,
    text: &'a str,
    channel: &'static str,
}

impl GatewaySender {
    pub fn new(channel: GatewayChannel, config: &GatewayConfig) -> Result<Self, ConfigError> {
        crate::install_crypto_provider();
        // Named after the config sections the server reads them from.
        let (section, url_field, timeout_field) = match channel {
            GatewayChannel::Sms => ("sms", "sms.url", "sms.timeout_secs"),
            GatewayChannel::Push => ("push", "push.url", "push.timeout_secs"),
        };
        let raw = config.url.trim();
        if raw.is_empty() {
            return Err(ConfigError::NotConfigured(section));
        }
        let url = Url::parse(raw).map_err(|e| ConfigError::Invalid {
            field: url_field,
            reason: format!("{raw:?}: {e}"),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ConfigError::Invalid {
                field: url_field,
                reason: format!("{raw:?}: only http and https are supported"),
            });
        }
        if config.timeout_secs == 0 {
            return Err(ConfigError::Invalid {
                field: timeout_field,
                reason: "must be at least 1".into(),
            });
        }
        let client = Client::builder()
            .timeout(Duration::from_secs(config.timeout_secs))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::Client(error_chain(&e)))?;
        Ok(GatewaySender {
            channel,
            url,
            token: config.token.clone().filter(|t| !t.is_empty()),
            client,
        })
    }
}

/// Whether a non-2xx reply is worth retrying.
fn classify_status(status: StatusCode, body: &str) -> SendError {
    let text = if body.is_empty() {
        format!("gateway replied {status}")
    } else {
        format!("gateway replied {status}: {}", excerpt(body))
    };
    let retry = status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_informational();
    if retry {
        SendError::Transient(text)
    } else {
        SendError::Permanent(text)
    }
}

/// Enough of an error body to diagnose, not enough to flood the log.
fn excerpt(body: &str) -> String {
    const MAX_CHARS: usize = 300;
    let body = body.trim();
    match body.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &body[..cut]),
        None => body.to_owned(),
    }
}

fn provider_id(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    match value.get("id")? {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[async_trait]
impl Adapter for GatewaySender {
    fn medium(&self) -> Medium {
        self.channel.medium()
    }

    #[tracing::instrument(skip_all, fields(adapter = self.name()))]
    async fn deliver(&self, d: &Delivery) -> Result<Delivered, SendError> {
        let n = &d.outbound;
        if n.route.medium != self.channel.medium() {
            return Err(SendError::Permanent(format!(
                "a {} message handed to the {} gateway",
                n.route.medium,
                self.channel.as_str()
            )));
        }
        if n.route.recipient.trim().is_empty() {
            return Err(SendError::Permanent("empty recipient".into()));
        }
        let mut request = self.client.post(self.url.clone()).json(&Outgoing {
            to: n.route.recipient.trim(),
            title: &n.subject,
            text: &n.text,
            channel: self.channel.as_str(),
        });
        if let Some(token) = &self.token {
            request = request.bearer_auth(token.expose());
        }
        // Connection refused, DNS, TLS and timeouts all land here: the gateway
        // never answered, so trying again later is the right call.
        let response = request
            .send()
            .await
            .map_err(|e| SendError::Transient(error_chain(&e)))?;

        let status = response.status();
        // After a 2xx the message is out: a body we cannot read only costs the id,
        // and turning it into an error would make the outbox send it twice.
        let body = response.text().await.unwrap_or_default();
        if status.is_success() {
            let provider_id = provider_id(&body);
            tracing::debug!(%status, ?provider_id, "gateway accepted the message");
            Ok(Delivered { provider_id })
        } else {
            let err = classify_status(status, &body);
            tracing::debug!(error = %err, "gateway refused the notification");
            Err(err)
        }
    }

    fn name(&self) -> &'static str {
        match self.channel {
            GatewayChannel::Sms => "sms_gateway",
            GatewayChannel::Push => "push_gateway",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_split_into_retry_and_give_up() {
        let transient = [408, 429, 500, 502, 503, 504];
        let permanent = [301, 302, 400, 401, 403, 404, 409, 410, 413, 422];
        for code in transient {
            let status = StatusCode::from_u16(code).unwrap();
            assert!(classify_status(status, "").is_transient(), "{code}");
        }
        for code in permanent {
            let status = StatusCode::from_u16(code).unwrap();
            assert!(!classify_status(status, "").is_transient(), "{code}");
        }
    }

    #[test]
    fn provider_id_accepts_strings_and_numbers_only() {
        assert_eq!(provider_id(r#"{"id":"abc"}"#).as_deref(), Some("abc"));
        assert_eq!(provider_id(r#"{"id":42}"#).as_deref(), Some("42"));
        assert_eq!(provider_id(r#"{"id":""}"#), None);
        assert_eq!(provider_id(r#"{"id":null}"#), None);
        assert_eq!(provider_id("queued"), None);
        assert_eq!(provider_id(""), None);
    }

    #[test]
    fn long_error_bodies_are_cut_on_a_char_boundary() {
        let body = "ошибка ".repeat(100);
        let cut = excerpt(&body);
        assert!(cut.ends_with('…'));
        assert_eq!(cut.chars().count(), 301);
    }

    #[test]
    fn an_empty_url_means_off_and_a_bad_one_is_refused() {
        let off = GatewayConfig::default();
        assert!(!off.is_enabled());
        assert_eq!(
            GatewaySender::new(GatewayChannel::Sms, &off).unwrap_err(),
            ConfigError::NotConfigured("sms")
        );
        let ftp = GatewayConfig {
            url: "ftp://gw.example/send".into(),
            ..GatewayConfig::default()
        };
        assert!(matches!(
            GatewaySender::new(GatewayChannel::Push, &ftp),
            Err(ConfigError::Invalid { .. })
        ));
    }
}
