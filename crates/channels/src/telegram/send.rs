//! Replies out: text in parts of at most 4096 characters (the last one
//! carrying the buttons as an inline keyboard), then each file uploaded as
//! multipart — photos with `sendPhoto`, everything else with
//! `sendDocument` — never as a URL Telegram would have to fetch.
//!
//! A reply is one outbox row. If Telegram fails half-way through a long
//! reply, the retry sends the whole reply again: a customer may see a part
//! twice, never lose one.

use async_trait::async_trait;
use serde::Serialize;
use switchboard_domain::conversation::Medium;

use super::Telegram;
use super::client::ApiError;
use super::wire::{InlineButton, InlineKeyboard, Sent};
use crate::{Adapter, Delivered, Delivery, SendError};

/// Telegram's limit for one message's text, in UTF-16 code units.
pub const MAX_TEXT_UNITS: usize = 4096;
/// `sendPhoto` takes photos up to 10 MB; bigger images go as documents.
const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;

#[derive(Serialize)]
struct SendMessage<'a> {
    chat_id: i64,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_markup: Option<InlineKeyboard<'a>>,
}

/// Splits `text` into parts Telegram accepts (at most `max` UTF-16 units
/// each), preferring a line break, else a space, in the second half of a
/// part; never inside a character.
pub fn split_text(text: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let mut units = 0;
        let mut cut = rest.len();
        for (i, c) in rest.char_indices() {
            units += c.len_utf16();
            if units > max {
                cut = i;
                break;
            }
        }
        if cut < rest.len() {
            let window = &rest[..cut];
            let half = window.len() / 2;
            if let Some(p) = window.rfind('\n').filter(|&p| p >= half) {
                cut = p;
            } else if let Some(p) = window.rfind(' ').filter(|&p| p >= half) {
                cut = p;
            }
        }
        let (part, tail) = rest.split_at(cut);
        let part = part.trim_end();
        if !part.is_empty() {
            parts.push(part.to_owned());
        }
        rest = tail.trim_start();
    }
    parts
}

pub(super) fn send_error(e: ApiError) -> SendError {
    match e {
        ApiError::RetryAfter(secs) => SendError::RetryAfter {
            secs,
            reason: "Telegram asked to slow down".into(),
        },
        ApiError::Unavailable(m) | ApiError::Unreachable(m) => SendError::Transient(m),
        ApiError::Refused(m) => SendError::Permanent(m),
    }
}

/// The outside id of a message in a bot's chat, unique on Telegram.
pub fn message_ref(bot: &str, chat: i64, message_id: i64) -> String {
    format!("{bot}:{chat}:{message_id}")
}

impl Telegram {
    async fn deliver_inner(&self, d: &Delivery) -> Result<Delivered, SendError> {
        let o = &d.outbound;
        if o.route.medium != Medium::Telegram {
            return Err(SendError::Permanent(format!(
                "a {} message handed to Telegram",
                o.route.medium
            )));
        }
        let bot = o.route.endpoint.as_deref().unwrap_or_default();
        let client = self
            .bot(bot)
            .ok_or_else(|| SendError::Permanent(format!("no Telegram bot named {bot:?}")))?;
        let chat_raw = o.route.thread.as_deref().unwrap_or(&o.route.recipient);
        let chat: i64 = chat_raw
            .trim()
            .parse()
            .map_err(|_| SendError::Permanent(format!("not a chat id: {chat_raw:?}")))?;
        let parts = split_text(&o.text, MAX_TEXT_UNITS);
        let mut first: Option<i64> = None;
        let last = parts.len().saturating_sub(1);
        for (i, part) in parts.iter().enumerate() {
            let keyboard = (i == last && !o.buttons.is_empty()).then(|| InlineKeyboard {
                inline_keyboard: o
                    .buttons
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|b| InlineButton {
                                text: &b.label,
                                callback_data: &b.data,
                            })
                            .collect()
                    })
                    .collect(),
            });
            let sent: Sent = client
                .call(
                    "sendMessage",
                    &SendMessage {
                        chat_id: chat,
                        text: part,
                        reply_markup: keyboard,
                    },
                    std::time::Duration::ZERO,
                )
                .await
                .map_err(send_error)?;
            first.get_or_insert(sent.message_id);
        }
        for file in &d.files {
            let photo = matches!(file.meta.content_type.as_str(), "image/jpeg" | "image/png")
                && file.bytes.len() <= MAX_PHOTO_BYTES;
            let (method, field) = if photo {
                ("sendPhoto", "photo")
            } else {
                ("sendDocument", "document")
            };
            let sent = client
                .upload(
                    method,
                    field,
                    &chat.to_string(),
                    &file.meta.file_name,
                    &file.meta.content_type,
                    file.bytes.clone(),
                )
                .await
                .map_err(send_error)?;
            first.get_or_insert(sent.message_id);
        }
        let Some(first) = first else {
            return Err(SendError::Permanent("nothing to send".into()));
        };
        Ok(Delivered {
            provider_id: Some(message_ref(bot, chat, first)),
        })
    }
}

#[async_trait]
impl Adapter for Telegram {
    fn medium(&self) -> Medium {
        Medium::Telegram
    }

    fn name(&self) -> &'static str {
        "telegram"
    }

    #[tracing::instrument(skip_all, fields(adapter = "telegram", outbox = d.id))]
    async fn deliver(&self, d: &Delivery) -> Result<Delivered, SendError> {
        let result = self.deliver_inner(d).await;
        match &result {
            Ok(_) => self.health.ok(),
            Err(SendError::Permanent(_)) => {}
            Err(e) => self.health.failed(&e.to_string()),
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_part() {
        assert_eq!(split_text("Здравствуйте!", 4096), vec!["Здравствуйте!"]);
        assert!(split_text("   ", 4096).is_empty());
    }

    #[test]
    fn long_text_splits_at_line_breaks_and_keeps_every_character() {
        let para = "Строка ответа оператора. ".repeat(40);
        let text = format!("{para}\n{para}\n{para}\n{para}\n{para}");
        let parts = split_text(&text, MAX_TEXT_UNITS);
        assert!(parts.len() >= 2);
        for p in &parts {
            assert!(p.encode_utf16().count() <= MAX_TEXT_UNITS);
        }
        let joined: String = parts.concat().split_whitespace().collect();
        let original: String = text.split_whitespace().collect();
        assert_eq!(joined, original);
    }

    #[test]
    fn emoji_count_as_two_units_and_are_never_cut() {
        let text = "😀".repeat(5000);
        let parts = split_text(&text, MAX_TEXT_UNITS);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].chars().count(), 2048);
        assert_eq!(parts.concat(), text);
    }
}
