//! The Telegram Bot API's JSON, as far as the support bot reads and writes
//! it (<https://core.telegram.org/bots/api>). Every field the bot does not
//! need is ignored; every field that may be absent is optional, so an update
//! of a kind we do not handle still parses (and is confirmed, not retried).

use serde::{Deserialize, Serialize};

/// Every answer: `{"ok": true, "result": …}` or `{"ok": false, "error_code":
/// …, "description": …, "parameters": {"retry_after": N}}`.
#[derive(Debug, Deserialize)]
pub struct Reply<T> {
    pub ok: bool,
    pub result: Option<T>,
    pub error_code: Option<i64>,
    pub description: Option<String>,
    pub parameters: Option<ReplyParameters>,
}

#[derive(Debug, Deserialize)]
pub struct ReplyParameters {
    pub retry_after: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Update {
    pub update_id: i64,
    #[serde(default)]
    pub message: Option<Message>,
    #[serde(default)]
    pub callback_query: Option<CallbackQuery>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct User {
    pub id: i64,
    #[serde(default)]
    pub is_bot: bool,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub language_code: Option<String>,
}

impl User {
    /// The name support sees: first and last name, else the username.
    pub fn display_name(&self) -> Option<String> {
        let full = match &self.last_name {
            Some(last) => format!("{} {last}", self.first_name),
            None => self.first_name.clone(),
        };
        let full = full.trim();
        if !full.is_empty() {
            Some(full.to_owned())
        } else {
            self.username.as_ref().map(|u| format!("@{u}"))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Chat {
    pub id: i64,
    /// `private`, `group`, `supergroup`, `channel`.
    #[serde(default, rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Message {
    pub message_id: i64,
    #[serde(default)]
    pub from: Option<User>,
    pub chat: Chat,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
    /// The sizes of one photo, smallest first.
    #[serde(default)]
    pub photo: Vec<PhotoSize>,
    #[serde(default)]
    pub document: Option<Document>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct PhotoSize {
    pub file_id: String,
    #[serde(default)]
    pub file_size: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Document {
    pub file_id: String,
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub file_size: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct CallbackQuery {
    pub id: String,
    pub from: User,
    #[serde(default)]
    pub message: Option<Message>,
    #[serde(default)]
    pub data: Option<String>,
}

/// `getFile`'s answer: where to download the bytes from.
#[derive(Debug, Clone, Deserialize)]
pub struct File {
    pub file_id: String,
    #[serde(default)]
    pub file_size: Option<u64>,
    #[serde(default)]
    pub file_path: Option<String>,
}

/// What `sendMessage`, `sendPhoto` and `sendDocument` return, in part.
#[derive(Debug, Clone, Deserialize)]
pub struct Sent {
    pub message_id: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct InlineButton<'a> {
    pub text: &'a str,
    pub callback_data: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct InlineKeyboard<'a> {
    pub inline_keyboard: Vec<Vec<InlineButton<'a>>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_of_a_kind_we_do_not_handle_still_parses() {
        let u: Update =
            serde_json::from_str(r#"{"update_id":7,"edited_channel_post":{"x":1}}"#).unwrap();
        assert_eq!(u.update_id, 7);
        assert!(u.message.is_none() && u.callback_query.is_none());
    }

    #[test]
    fn a_name_falls_back_to_the_username() {
        let u: User =
            serde_json::from_str(r#"{"id":1,"first_name":" ","username":"ivan"}"#).unwrap();
        assert_eq!(u.display_name().as_deref(), Some("@ivan"));
    }
}
