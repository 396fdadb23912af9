//! The VK community: private messages through the Callback API — the
//! `confirmation` handshake, the community's `secret` checked on every
//! request, `event_id` as the dedupe key, `ok` answered once the event is
//! taken — turned into [`MessengerEvent`]s for the same bot flow as
//! Telegram's, with VK keyboards; replies sent with `messages.send`, whose
//! `random_id` (from the outbox row) makes a retried send deliver once.
//! The API version is pinned ([`API_VERSION`]). Events arrive by the
//! Callback API or, where no public address exists, by Bots Long Poll
//! ([`longpoll`]); the same events either way ([`VkMode`]).

mod api;
mod longpoll;
mod send;
pub mod wire;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Client, Url};
use serde::{Deserialize, Serialize};
use switchboard_domain::conversation::Address;
use switchboard_domain::i18n::Locale;
use switchboard_domain::ticket::Channel;

use crate::{ConfigError, EventInput, Health, MessengerEvent, Secret, error_chain};
use wire::{CallbackEvent, MessageNew, Payload};

/// The VK API version every call and every Callback event is read with.
pub const API_VERSION: &str = "5.199";

/// One community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityConfig {
    /// Our endpoint, as tickets show it (e.g. `club123`); also the
    /// Callback API path: `/channels/vk/{name}`.
    pub name: String,
    pub group_id: i64,
    /// The community's access token (messages).
    pub token: Secret,
    /// The Callback API's secret key, sent in every event's `secret`.
    pub secret: Secret,
    /// The string the `confirmation` handshake must answer.
    pub confirmation: Secret,
}

/// How events reach us: VK posts them to `/channels/vk/{name}`
/// (`callback`, the default), or we ask (`long_poll`: Bots Long Poll, no
/// public address needed). Switching is this setting alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VkMode {
    #[default]
    Callback,
    LongPoll,
}

/// The `[vk]` section. No communities: the channel is off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VkConfig {
    /// The API's address (a local server in tests).
    pub api_url: String,
    pub timeout_secs: u64,
    pub mode: VkMode,
    /// Bots Long Poll: how long VK may hold a request open (1–90 s).
    pub wait_secs: u64,
    pub communities: Vec<CommunityConfig>,
}

impl Default for VkConfig {
    fn default() -> Self {
        VkConfig {
            api_url: "https://api.vk.com/method".into(),
            timeout_secs: 15,
            mode: VkMode::Callback,
            wait_secs: 25,
            communities: Vec::new(),
        }
    }
}

impl VkConfig {
    pub fn is_enabled(&self) -> bool {
        !self.communities.is_empty()
    }
}

/// What a Callback API request amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// Answer the handshake with this string.
    Confirm(String),
    /// An event to hand to the sink, then answer `ok`.
    Event(Box<MessengerEvent>),
    /// Nothing to do (a kind we do not handle): answer `ok`.
    Ignore,
}

/// Why a Callback API request is refused (nothing changes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("no such community")]
    UnknownCommunity,
    #[error("the secret does not match")]
    BadSecret,
    /// The communities take events by Bots Long Poll: a posted event is
    /// not VK's.
    #[error("events are taken by Long Poll, not the Callback API")]
    NotCallback,
    #[error("not a Callback API event: {0}")]
    Invalid(String),
}

/// The configured communities, their health, and the outbound adapter of
/// [`Medium::Vk`](switchboard_domain::conversation::Medium::Vk).
pub struct Vk {
    communities: BTreeMap<String, CommunityConfig>,
    mode: VkMode,
    wait_secs: u64,
    timeout: Duration,
    api: Url,
    http: Client,
    health: Arc<Health>,
}

impl std::fmt::Debug for Vk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vk")
            .field("communities", &self.communities.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Vk {
    pub fn new(config: &VkConfig) -> Result<Self, ConfigError> {
        crate::install_crypto_provider();
        if !config.is_enabled() {
            return Err(ConfigError::NotConfigured("vk"));
        }
        let raw = config.api_url.trim().trim_end_matches('/');
        let api = Url::parse(&format!("{raw}/")).map_err(|e| ConfigError::Invalid {
            field: "vk.api_url",
            reason: format!("{raw:?}: {e}"),
        })?;
        if !matches!(api.scheme(), "http" | "https") || config.timeout_secs == 0 {
            return Err(ConfigError::Invalid {
                field: "vk.api_url",
                reason: "an http(s) address and a timeout of at least 1 s".into(),
            });
        }
        if !(1..=90).contains(&config.wait_secs) {
            return Err(ConfigError::Invalid {
                field: "vk.wait_secs",
                reason: "Bots Long Poll waits 1–90 s".into(),
            });
        }
        let callback = config.mode == VkMode::Callback;
        let mut communities = BTreeMap::new();
        for c in &config.communities {
            let name_ok = (1..=64).contains(&c.name.len())
                && c.name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !name_ok
                || c.group_id <= 0
                || c.token.is_empty()
                || (callback && c.secret.is_empty())
            {
                return Err(ConfigError::Invalid {
                    field: "vk.communities",
                    reason: format!(
                        "{:?}: a name of letters, digits and _, a positive group_id, a token and (Callback API) a secret",
                        c.name
                    ),
                });
            }
            if communities.insert(c.name.clone(), c.clone()).is_some() {
                return Err(ConfigError::Invalid {
                    field: "vk.communities",
                    reason: format!("{:?} is configured twice", c.name),
                });
            }
        }
        let http = Client::builder()
            .timeout(Duration::from_secs(config.timeout_secs))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::Client(error_chain(&e)))?;
        Ok(Vk {
            communities,
            mode: config.mode,
            wait_secs: config.wait_secs,
            timeout: Duration::from_secs(config.timeout_secs),
            api,
            http,
            health: Arc::new(Health::default()),
        })
    }

    pub fn health(&self) -> Arc<Health> {
        self.health.clone()
    }

    pub fn mode(&self) -> VkMode {
        self.mode
    }

    pub fn community_names(&self) -> Vec<String> {
        self.communities.keys().cloned().collect()
    }

    /// Reads one Callback API request for `community`: refused unless it is
    /// that community's and carries its secret; then the handshake, an
    /// event for the bot, or nothing.
    pub fn callback(&self, community: &str, body: &[u8]) -> Result<Callback, CallbackError> {
        let c = self
            .communities
            .get(community)
            .ok_or(CallbackError::UnknownCommunity)?;
        if self.mode != VkMode::Callback {
            return Err(CallbackError::NotCallback);
        }
        let event: CallbackEvent =
            serde_json::from_slice(body).map_err(|e| CallbackError::Invalid(e.to_string()))?;
        if event.group_id != c.group_id {
            return Err(CallbackError::UnknownCommunity);
        }
        let given = event.secret.as_deref().unwrap_or_default().as_bytes();
        if !crate::constant_time_eq(c.secret.expose().as_bytes(), given) {
            return Err(CallbackError::BadSecret);
        }
        if event.kind == "confirmation" {
            return Ok(Callback::Confirm(c.confirmation.expose().to_owned()));
        }
        Ok(event_of(c, event)?.map_or(Callback::Ignore, |e| Callback::Event(Box::new(e))))
    }
}

/// The event a Callback API request or a Long Poll update amounts to (the
/// same objects); `None` for kinds and messages the bot does not handle.
fn event_of(
    c: &CommunityConfig,
    event: CallbackEvent,
) -> Result<Option<MessengerEvent>, CallbackError> {
    match event.kind.as_str() {
        "message_new" => {
            let id = event
                .event_id
                .clone()
                .filter(|id| !id.is_empty() && id.len() <= 100)
                .ok_or_else(|| CallbackError::Invalid("no event_id".into()))?;
            let object = event
                .object
                .ok_or_else(|| CallbackError::Invalid("no object".into()))?;
            let m: MessageNew = serde_json::from_value(object)
                .map_err(|e| CallbackError::Invalid(e.to_string()))?;
            Ok(message_event(c, &id, m))
        }
        _ => Ok(None),
    }
}

/// A private message (a person, not a chat or another community) as an event.
fn message_event(c: &CommunityConfig, event_id: &str, m: MessageNew) -> Option<MessengerEvent> {
    let msg = m.message;
    // Users have positive ids; chats are 2e9+, communities negative.
    if msg.from_id <= 0 || msg.peer_id != msg.from_id {
        return None;
    }
    let button = msg
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str::<Payload>(p).ok())
        .map(|p| p.b);
    let input = match button {
        Some(data) => EventInput::Button(data),
        None if msg.text.trim().is_empty() => return None,
        None => EventInput::Text(msg.text.clone()),
    };
    // VK's lang_id: 0 is Russian, 3 English.
    let locale = match m.client_info.and_then(|i| i.lang_id) {
        Some(3) => Some(Locale::En),
        Some(0) => Some(Locale::Ru),
        _ => None,
    };
    Some(MessengerEvent {
        channel: Channel::Vk,
        endpoint: c.name.clone(),
        thread: msg.peer_id.to_string(),
        sender: Address {
            channel: Channel::Vk,
            value: msg.from_id.to_string(),
            name: None,
        },
        event_id: format!("{}:{event_id}", c.name),
        message_id: Some(format!("{}:{}", c.name, msg.id)),
        input,
        files: Vec::new(),
        too_large: Vec::new(),
        locale,
        public: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vk() -> Vk {
        Vk::new(&VkConfig {
            communities: vec![CommunityConfig {
                name: "club42".into(),
                group_id: 42,
                token: Secret::new("vk1.a.token"),
                secret: Secret::new("cb-secret"),
                confirmation: Secret::new("abc123"),
            }],
            ..VkConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn the_handshake_answers_the_confirmation_code_only_with_the_secret() {
        let v = vk();
        let ok = br#"{"type":"confirmation","group_id":42,"secret":"cb-secret"}"#;
        assert_eq!(
            v.callback("club42", ok),
            Ok(Callback::Confirm("abc123".into()))
        );
        let forged = br#"{"type":"confirmation","group_id":42,"secret":"guess"}"#;
        assert_eq!(v.callback("club42", forged), Err(CallbackError::BadSecret));
        let other = br#"{"type":"confirmation","group_id":43,"secret":"cb-secret"}"#;
        assert_eq!(
            v.callback("club42", other),
            Err(CallbackError::UnknownCommunity)
        );
        assert!(matches!(
            v.callback("club42", b"\xff{"),
            Err(CallbackError::Invalid(_))
        ));
        assert_eq!(
            v.callback("club1", ok),
            Err(CallbackError::UnknownCommunity)
        );
    }

    #[test]
    fn a_button_press_carries_its_payload_and_chats_are_ignored() {
        let v = vk();
        let press = br#"{"type":"message_new","group_id":42,"secret":"cb-secret","event_id":"e1","v":"5.199",
            "object":{"message":{"id":5,"from_id":7,"peer_id":7,"text":"Delivery","payload":"{\"b\":\"l:marketplace\"}"}}}"#;
        let Ok(Callback::Event(e)) = v.callback("club42", press) else {
            panic!("an event")
        };
        assert_eq!(e.input, EventInput::Button("l:marketplace".into()));
        assert_eq!(e.event_id, "club42:e1");
        let chat = br#"{"type":"message_new","group_id":42,"secret":"cb-secret","event_id":"e2",
            "object":{"message":{"id":6,"from_id":7,"peer_id":2000000001,"text":"hi"}}}"#;
        assert_eq!(v.callback("club42", chat), Ok(Callback::Ignore));
    }
}
