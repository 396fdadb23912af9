//! One VK API method call: a form `POST {api}/{method}` with the
//! community's token and the pinned version, answered `{"response": …}` or
//! `{"error": {"error_code", "error_msg"}}`. Errors never carry the token.

use serde::de::DeserializeOwned;

use super::wire::ApiReply;
use super::{API_VERSION, Vk};
use crate::{Secret, error_chain};

/// Why a call did not return a response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// Not reached, a 5xx/429, or an answer we cannot read: try later.
    #[error("VK API unavailable: {0}")]
    Down(String),
    /// VK answered with an error object.
    #[error("VK error {code}: {message}")]
    Api { code: i64, message: String },
}

/// An `application/x-www-form-urlencoded` body, encoded by `url`'s own
/// form serializer (reqwest's `form` feature would only wrap the same).
pub(super) fn form_body(carrier: &reqwest::Url, pairs: &[(&str, String)]) -> String {
    let mut u = carrier.clone();
    u.set_query(None);
    u.query_pairs_mut()
        .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
    u.query().unwrap_or_default().to_owned()
}

impl Vk {
    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        token: &Secret,
        method: &str,
        params: &[(&str, String)],
    ) -> Result<T, CallError> {
        let url = self
            .api
            .join(method)
            .map_err(|e| CallError::Down(e.to_string()))?;
        let mut form: Vec<(&str, String)> = vec![
            ("access_token", token.expose().to_owned()),
            ("v", API_VERSION.to_owned()),
        ];
        form.extend(params.iter().cloned());
        let response = self
            .http
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(form_body(&self.api, &form))
            .send()
            .await
            .map_err(|e| CallError::Down(error_chain(&e.without_url())))?;
        let status = response.status();
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(CallError::Down(format!("VK replied {status}")));
        }
        let reply: ApiReply<T> = response
            .json()
            .await
            .map_err(|e| CallError::Down(error_chain(&e.without_url())))?;
        match (reply.response, reply.error) {
            (Some(r), _) => Ok(r),
            (None, Some(e)) => Err(CallError::Api {
                code: e.error_code,
                message: e.error_msg,
            }),
            (None, None) => Err(CallError::Down("VK: an empty reply".into())),
        }
    }
}
