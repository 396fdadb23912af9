//! Replies out with `messages.send`: text in parts of at most 4096
//! characters, the buttons as a VK keyboard on the last part, and a
//! `random_id` derived from the outbox row and the part, so a retried send
//! (the outbox delivers at least once) is delivered once by VK itself.
//! Files are not uploaded yet: the text says how many were attached.

use async_trait::async_trait;
use switchboard_domain::conversation::{Button, Medium};

use super::Vk;
use super::api::CallError;
use super::wire::{KeyAction, KeyButton, Keyboard, Payload};
use crate::telegram::split_text;
use crate::{Adapter, Delivered, Delivery, SendError};

const MAX_TEXT: usize = 4096;
/// VK keyboards: at most 10 rows, labels up to 40 characters.
const MAX_ROWS: usize = 10;
const MAX_LABEL: usize = 40;

/// The `random_id` of part `part` of outbox row `row`: the same on every
/// retry, different for every part, within VK's int32.
pub fn random_id(row: i64, part: usize) -> i64 {
    (row.rem_euclid(1 << 26) << 4) | (part as i64 & 0xF)
}

fn keyboard(buttons: &[Vec<Button>]) -> Option<String> {
    if buttons.is_empty() {
        return None;
    }
    let flat: Vec<&Button> = buttons.iter().flatten().collect();
    let rows = flat
        .chunks(2)
        .take(MAX_ROWS)
        .map(|row| {
            row.iter()
                .map(|b| KeyButton {
                    action: KeyAction {
                        kind: "text",
                        label: b.label.chars().take(MAX_LABEL).collect(),
                        payload: serde_json::to_string(&Payload { b: b.data.clone() })
                            .unwrap_or_default(),
                    },
                })
                .collect()
        })
        .collect();
    serde_json::to_string(&Keyboard {
        inline: false,
        buttons: rows,
    })
    .ok()
}

/// VK's error codes that are worth retrying: too many requests, flood
/// control, internal errors, temporarily unavailable.
fn classify(code: i64, msg: &str) -> SendError {
    let text = format!("VK error {code}: {msg}");
    match code {
        6 | 9 | 10 | 603 => SendError::Transient(text),
        _ => SendError::Permanent(text),
    }
}

impl Vk {
    async fn deliver_inner(&self, d: &Delivery) -> Result<Delivered, SendError> {
        let o = &d.outbound;
        if o.route.medium != Medium::Vk {
            return Err(SendError::Permanent(format!(
                "a {} message handed to VK",
                o.route.medium
            )));
        }
        let name = o.route.endpoint.as_deref().unwrap_or_default();
        let community = self
            .communities
            .get(name)
            .ok_or_else(|| SendError::Permanent(format!("no VK community named {name:?}")))?;
        let peer_raw = o.route.thread.as_deref().unwrap_or(&o.route.recipient);
        let peer: i64 = peer_raw
            .trim()
            .parse()
            .map_err(|_| SendError::Permanent(format!("not a peer id: {peer_raw:?}")))?;
        let mut text = o.text.clone();
        if !d.files.is_empty() {
            let names: Vec<&str> = d.files.iter().map(|f| f.meta.file_name.as_str()).collect();
            text.push_str(&format!("\n\n📎 {}", names.join(", ")));
        }
        let parts = split_text(&text, MAX_TEXT);
        let mut first = None;
        let last = parts.len().saturating_sub(1);
        for (i, part) in parts.iter().enumerate() {
            let mut form: Vec<(&str, String)> = vec![
                ("peer_id", peer.to_string()),
                ("random_id", random_id(d.id, i).to_string()),
                ("message", part.clone()),
            ];
            if i == last
                && let Some(k) = keyboard(&o.buttons)
            {
                form.push(("keyboard", k));
            }
            let id: i64 = self
                .call(&community.token, "messages.send", &form)
                .await
                .map_err(|e| match e {
                    CallError::Down(reason) => SendError::Transient(reason),
                    CallError::Api { code, message } => classify(code, &message),
                })?;
            first.get_or_insert(id);
        }
        let first = first.ok_or_else(|| SendError::Permanent("nothing to send".into()))?;
        Ok(Delivered {
            provider_id: Some(format!("{name}:{first}")),
        })
    }
}

#[async_trait]
impl Adapter for Vk {
    fn medium(&self) -> Medium {
        Medium::Vk
    }

    fn name(&self) -> &'static str {
        "vk"
    }

    #[tracing::instrument(skip_all, fields(adapter = "vk", outbox = d.id))]
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
    fn random_ids_are_stable_per_row_and_part() {
        assert_eq!(random_id(7, 0), random_id(7, 0));
        assert_ne!(random_id(7, 0), random_id(7, 1));
        assert_ne!(random_id(7, 0), random_id(8, 0));
        assert!(random_id(i64::MAX, 15) <= i64::from(i32::MAX));
    }

    #[test]
    fn keyboards_fit_vk_limits() {
        let buttons: Vec<Vec<Button>> = (0..30)
            .map(|i| {
                vec![Button::new(
                    "очень длинное название темы обращения номер ".repeat(2),
                    format!("t:l:{i}"),
                )]
            })
            .collect();
        let k: serde_json::Value = serde_json::from_str(&keyboard(&buttons).unwrap()).unwrap();
        let rows = k["buttons"].as_array().unwrap();
        assert_eq!(rows.len(), MAX_ROWS);
        let label = rows[0][0]["action"]["label"].as_str().unwrap();
        assert_eq!(label.chars().count(), MAX_LABEL);
        let payload: Payload =
            serde_json::from_str(rows[0][0]["action"]["payload"].as_str().unwrap()).unwrap();
        assert_eq!(payload.b, "t:l:0");
    }
}
