//! Calls to the Bot API: `POST {api_url}/bot{token}/{method}` with a JSON
//! body (a multipart form for uploads), and file downloads from
//! `{api_url}/file/bot{token}/{file_path}`.
//!
//! The token is part of every URL Telegram serves, so no error text here
//! carries a URL (reqwest's are stripped with `without_url`), and nothing
//! logs one.

use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::{Client, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::wire::{File, Reply, Sent, Update};
use crate::{ConfigError, Secret, error_chain};

/// The largest file the Bot API lets a bot download (`getFile`).
pub const MAX_DOWNLOAD_BYTES: u64 = 20 * 1024 * 1024;

/// Why a call failed, split by what to do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 429: Telegram says when to come back.
    #[error("rate limited: retry after {0} s")]
    RetryAfter(u64),
    /// Unreachable, timed out, 5xx: try again later.
    #[error("Telegram unavailable: {0}")]
    Unavailable(String),
    /// Nothing answers at the API's address (connection refused, no
    /// route): a demo bot whose local Bot API server is not running.
    #[error("Telegram API not reachable: {0}")]
    Unreachable(String),
    /// Telegram refused the request (bad chat, blocked by the user, bad file).
    #[error("Telegram refused: {0}")]
    Refused(String),
}

/// One bot's connection to the Bot API.
#[derive(Clone)]
pub struct BotClient {
    base: Url,
    token: Secret,
    http: Client,
}

impl std::fmt::Debug for BotClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotClient")
            .field("base", &self.base.as_str())
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct GetUpdates<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<i64>,
    timeout: u64,
    allowed_updates: &'a [&'a str],
}

/// The updates the support bot handles; Telegram sends no others.
pub const ALLOWED_UPDATES: &[&str] = &["message", "callback_query"];

impl BotClient {
    pub fn new(api_url: &str, token: Secret, timeout: Duration) -> Result<Self, ConfigError> {
        crate::install_crypto_provider();
        let raw = api_url.trim().trim_end_matches('/');
        let base = Url::parse(&format!("{raw}/")).map_err(|e| ConfigError::Invalid {
            field: "telegram.api_url",
            reason: format!("{raw:?}: {e}"),
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(ConfigError::Invalid {
                field: "telegram.api_url",
                reason: format!("{raw:?}: only http and https are supported"),
            });
        }
        let token_ok = !token.is_empty()
            && token
                .expose()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-'));
        if !token_ok {
            return Err(ConfigError::Invalid {
                field: "telegram.bots.token",
                reason: "a bot token is digits, ':' and letters".into(),
            });
        }
        let http = Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::Client(error_chain(&e)))?;
        Ok(BotClient { base, token, http })
    }

    fn method_url(&self, method: &str) -> Result<Url, ApiError> {
        self.base
            .join(&format!("./bot{}/{method}", self.token.expose()))
            .map_err(|_| ApiError::Refused(format!("bad method {method}")))
    }

    /// Calls `method` with a JSON body; `extra` lengthens the timeout (long polling).
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        body: &impl Serialize,
        extra: Duration,
    ) -> Result<T, ApiError> {
        let mut request = self.http.post(self.method_url(method)?).json(body);
        if !extra.is_zero() {
            request = request.timeout(extra + Duration::from_secs(10));
        }
        read_reply(method, request.send().await).await
    }

    /// Uploads a file as `multipart/form-data` (`sendPhoto`, `sendDocument`):
    /// the bytes themselves, never a URL Telegram would have to fetch.
    pub async fn upload(
        &self,
        method: &str,
        field: &'static str,
        chat_id: &str,
        file_name: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<Sent, ApiError> {
        let part = Part::bytes(bytes)
            .file_name(file_name.to_owned())
            .mime_str(content_type)
            .or_else(|_| Part::bytes(Vec::new()).mime_str("application/octet-stream"))
            .map_err(|e| ApiError::Refused(error_chain(&e)))?;
        let form = Form::new()
            .text("chat_id", chat_id.to_owned())
            .part(field, part);
        let request = self.http.post(self.method_url(method)?).multipart(form);
        read_reply(method, request.send().await).await
    }

    pub async fn get_updates(
        &self,
        offset: Option<i64>,
        timeout_secs: u64,
    ) -> Result<Vec<Update>, ApiError> {
        let body = GetUpdates {
            offset,
            timeout: timeout_secs,
            allowed_updates: ALLOWED_UPDATES,
        };
        self.call("getUpdates", &body, Duration::from_secs(timeout_secs))
            .await
    }

    /// Downloads a file the customer sent, refusing anything over the Bot
    /// API's 20 MB limit before asking for it.
    pub async fn download(&self, file_id: &str) -> Result<Vec<u8>, ApiError> {
        let file: File = self
            .call(
                "getFile",
                &serde_json::json!({ "file_id": file_id }),
                Duration::ZERO,
            )
            .await?;
        if file.file_size.is_some_and(|s| s > MAX_DOWNLOAD_BYTES) {
            return Err(ApiError::Refused("file is too big".into()));
        }
        let path = file
            .file_path
            .ok_or_else(|| ApiError::Refused("no file_path (file too big?)".into()))?;
        let url = self
            .base
            .join(&format!("./file/bot{}/{path}", self.token.expose()))
            .map_err(|_| ApiError::Refused("bad file_path".into()))?;
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| ApiError::Unavailable(error_chain(&e.without_url())))?;
        let status = response.status();
        if !status.is_success() {
            return Err(status_error(status.as_u16(), None, "file download"));
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_DOWNLOAD_BYTES)
        {
            return Err(ApiError::Refused("file is too big".into()));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| ApiError::Unavailable(error_chain(&e.without_url())))?;
        Ok(bytes.to_vec())
    }
}

async fn read_reply<T: DeserializeOwned>(
    method: &str,
    sent: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, ApiError> {
    let response = sent.map_err(|e| {
        let connect = e.is_connect();
        let chain = error_chain(&e.without_url());
        if connect {
            ApiError::Unreachable(chain)
        } else {
            ApiError::Unavailable(chain)
        }
    })?;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|e| ApiError::Unavailable(error_chain(&e.without_url())))?;
    let reply: Reply<T> = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(_) if status >= 500 => return Err(status_error(status, None, method)),
        Err(e) => {
            return Err(ApiError::Unavailable(format!(
                "{method}: unreadable reply (HTTP {status}): {e}"
            )));
        }
    };
    if reply.ok {
        return reply
            .result
            .ok_or_else(|| ApiError::Unavailable(format!("{method}: ok without a result")));
    }
    if let Some(after) = reply.parameters.as_ref().and_then(|p| p.retry_after) {
        return Err(ApiError::RetryAfter(after));
    }
    let code = reply.error_code.unwrap_or(i64::from(status));
    let code = u16::try_from(code).unwrap_or(500);
    Err(status_error(code, reply.description.as_deref(), method))
}

fn status_error(code: u16, description: Option<&str>, what: &str) -> ApiError {
    let text = format!("{what}: {code} {}", description.unwrap_or(""));
    let text = text.trim_end().to_owned();
    match code {
        429 => ApiError::RetryAfter(1),
        408 | 500..=599 => ApiError::Unavailable(text),
        _ => ApiError::Refused(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_with_a_colon_stays_in_the_path() {
        let c = BotClient::new(
            "http://127.0.0.1:9/api/",
            Secret::new("123456:ABC-def"),
            Duration::from_secs(1),
        )
        .unwrap();
        assert_eq!(
            c.method_url("getMe").unwrap().as_str(),
            "http://127.0.0.1:9/api/bot123456:ABC-def/getMe"
        );
    }
}
