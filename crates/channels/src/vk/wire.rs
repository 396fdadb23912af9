//! The VK API's JSON as far as the community's support reads and writes it
//! (<https://dev.vk.com/ru/api/callback/getting-started>,
//! <https://dev.vk.com/ru/method/messages.send>). Fields we do not need are
//! ignored; what may be absent is optional, so an event of a kind we do not
//! handle still parses and is answered `ok`.

use serde::{Deserialize, Serialize};

/// One Callback API request body.
#[derive(Debug, Clone, Deserialize)]
pub struct CallbackEvent {
    #[serde(rename = "type")]
    pub kind: String,
    pub group_id: i64,
    #[serde(default)]
    pub event_id: Option<String>,
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub object: Option<serde_json::Value>,
}

/// `message_new`'s object.
#[derive(Debug, Clone, Deserialize)]
pub struct MessageNew {
    pub message: Message,
    #[serde(default)]
    pub client_info: Option<ClientInfo>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ClientInfo {
    #[serde(default)]
    pub lang_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    pub id: i64,
    pub from_id: i64,
    pub peer_id: i64,
    #[serde(default)]
    pub text: String,
    /// A keyboard button's payload: a JSON string.
    #[serde(default)]
    pub payload: Option<String>,
}

/// What our keyboard buttons carry back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Payload {
    pub b: String,
}

/// Every API answer: `{"response": …}` or `{"error": {"error_code", "error_msg"}}`.
#[derive(Debug, Deserialize)]
pub struct ApiReply<T> {
    pub response: Option<T>,
    pub error: Option<ApiErrorBody>,
}

#[derive(Debug, Deserialize)]
pub struct ApiErrorBody {
    pub error_code: i64,
    #[serde(default)]
    pub error_msg: String,
}

#[derive(Debug, Serialize)]
pub struct Keyboard {
    pub inline: bool,
    pub buttons: Vec<Vec<KeyButton>>,
}

#[derive(Debug, Serialize)]
pub struct KeyButton {
    pub action: KeyAction,
}

#[derive(Debug, Serialize)]
pub struct KeyAction {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub label: String,
    pub payload: String,
}

/// `groups.getLongPollServer`'s response
/// (<https://dev.vk.com/ru/api/bots-long-poll/getting-started>).
#[derive(Debug, Clone, Deserialize)]
pub struct LongPollServer {
    pub key: String,
    pub server: String,
    /// A string in current versions; a number in older answers.
    pub ts: serde_json::Value,
}

/// One `act=a_check` answer: `{"ts", "updates": [...]}`, or
/// `{"failed": 1, "ts"}` (history lost: go on from the new `ts`),
/// `{"failed": 2}` (the key expired) or `{"failed": 3}` (key and `ts` lost).
/// Updates are the Callback API's event objects, read one by one so that
/// one we cannot read does not hold up the others.
#[derive(Debug, Clone, Deserialize)]
pub struct LongPollReply {
    #[serde(default)]
    pub ts: Option<serde_json::Value>,
    #[serde(default)]
    pub updates: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    pub failed: Option<i64>,
}

/// A `ts` as VK sends it (a string or a number), as we send it back.
pub fn ts_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() && s.len() <= 40 => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
