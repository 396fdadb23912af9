//! The Telegram support bot: the Bot API's wire format ([`wire`]), its calls
//! ([`client`]), updates turned into [`MessengerEvent`]s by long polling or
//! by webhook ([`updates`]), and replies sent as messages, photos and
//! documents ([`send`]).
//!
//! Several bots may be configured; each is an endpoint of its own (its
//! username), so one person writing to two bots is two conversations.
//! Tokens are [`Secret`]s: Telegram puts them in its own URLs, ours never
//! carry one (the webhook is checked by the `X-Telegram-Bot-Api-Secret-Token`
//! header), and no log line or error text does.

pub mod client;
mod send;
mod updates;
pub mod wire;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{ConfigError, Health, Secret};
pub use client::{ApiError, BotClient, MAX_DOWNLOAD_BYTES};
pub use send::split_text;
pub use updates::HandleError;

/// How updates reach us: we ask (`polling`, needs no public address: the
/// demo's default) or Telegram posts them (`webhook`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdateMode {
    #[default]
    Polling,
    Webhook,
}

/// One bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotConfig {
    /// The bot's username: our endpoint, as tickets and the console show it.
    pub name: String,
    pub token: Secret,
}

/// The `[telegram]` section. No bots: the channel is off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelegramConfig {
    /// The Bot API's address (a local server in tests).
    pub api_url: String,
    pub mode: UpdateMode,
    /// Our public address, for `setWebhook` (`webhook` mode only); the
    /// webhook path is `/channels/telegram/{bot name}`: no token in it.
    pub public_url: String,
    /// Telegram sends it in `X-Telegram-Bot-Api-Secret-Token` with every
    /// webhook request (1–256 of `A-Z a-z 0-9 _ -`); required for `webhook`.
    pub webhook_secret: Option<Secret>,
    /// Long polling: how long Telegram may hold a `getUpdates` open.
    pub poll_timeout_secs: u64,
    /// Every other call, connect to last byte.
    pub timeout_secs: u64,
    pub bots: Vec<BotConfig>,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        TelegramConfig {
            api_url: DEMO_API_URL.into(),
            mode: UpdateMode::Polling,
            public_url: String::new(),
            webhook_secret: None,
            poll_timeout_secs: 25,
            timeout_secs: 15,
            bots: vec![BotConfig {
                name: DEMO_BOT.into(),
                token: Secret::new(DEMO_TOKEN),
            }],
        }
    }
}

/// The demo profile's bot (SPEC §7): polled from a local Bot API server
/// (Telegram's `telegram-bot-api`, or any server speaking the Bot API) on
/// this port when one runs; until then it waits quietly. Real Telegram:
/// `api_url = "https://api.telegram.org"` and the bot's own name and token.
pub const DEMO_API_URL: &str = "http://127.0.0.1:10081";
pub const DEMO_BOT: &str = "switchboard_demo_bot";
/// Not a secret: only the local demo server sees it.
const DEMO_TOKEN: &str = "100000:switchboard-demo";

impl TelegramConfig {
    pub fn is_enabled(&self) -> bool {
        !self.bots.is_empty()
    }
}

/// The configured bots, their health, and the outbound adapter of
/// [`Medium::Telegram`](switchboard_domain::conversation::Medium::Telegram).
pub struct Telegram {
    bots: BTreeMap<String, BotClient>,
    config: TelegramConfig,
    health: Arc<Health>,
}

impl std::fmt::Debug for Telegram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Telegram")
            .field("bots", &self.bots.keys().collect::<Vec<_>>())
            .field("mode", &self.config.mode)
            .finish_non_exhaustive()
    }
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn valid_webhook_secret(s: &str) -> bool {
    (1..=256).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
}

impl Telegram {
    pub fn new(config: &TelegramConfig) -> Result<Self, ConfigError> {
        if !config.is_enabled() {
            return Err(ConfigError::NotConfigured("telegram"));
        }
        if config.timeout_secs == 0 {
            return Err(ConfigError::Invalid {
                field: "telegram.timeout_secs",
                reason: "must be at least 1".into(),
            });
        }
        if config.mode == UpdateMode::Webhook {
            let ok = config
                .webhook_secret
                .as_ref()
                .is_some_and(|s| valid_webhook_secret(s.expose()));
            if !ok {
                return Err(ConfigError::Invalid {
                    field: "telegram.webhook_secret",
                    reason: "webhook mode needs 1–256 of A-Z a-z 0-9 _ -".into(),
                });
            }
            if !config.public_url.starts_with("https://")
                && !config.public_url.starts_with("http://")
            {
                return Err(ConfigError::Invalid {
                    field: "telegram.public_url",
                    reason: "webhook mode needs our public http(s) address".into(),
                });
            }
        }
        let mut bots = BTreeMap::new();
        for bot in &config.bots {
            if !valid_name(&bot.name) {
                return Err(ConfigError::Invalid {
                    field: "telegram.bots.name",
                    reason: format!("{:?}: a bot username is letters, digits and _", bot.name),
                });
            }
            let client = BotClient::new(
                &config.api_url,
                bot.token.clone(),
                Duration::from_secs(config.timeout_secs),
            )?;
            if bots.insert(bot.name.clone(), client).is_some() {
                return Err(ConfigError::Invalid {
                    field: "telegram.bots.name",
                    reason: format!("{:?} is configured twice", bot.name),
                });
            }
        }
        Ok(Telegram {
            bots,
            config: config.clone(),
            health: Arc::new(Health::default()),
        })
    }

    pub fn mode(&self) -> UpdateMode {
        self.config.mode
    }

    pub fn health(&self) -> Arc<Health> {
        self.health.clone()
    }

    /// The configured bots' names (our endpoints).
    pub fn bot_names(&self) -> Vec<String> {
        self.bots.keys().cloned().collect()
    }

    pub fn bot(&self, name: &str) -> Option<&BotClient> {
        self.bots.get(name)
    }

    /// Whether a webhook request carries our secret (compared in constant
    /// time). Without a configured secret every request is refused.
    pub fn webhook_secret_matches(&self, header: Option<&[u8]>) -> bool {
        match (&self.config.webhook_secret, header) {
            (Some(secret), Some(given)) => {
                crate::constant_time_eq(secret.expose().as_bytes(), given)
            }
            _ => false,
        }
    }

    /// Where Telegram posts one bot's updates, under our public address.
    pub fn webhook_url(&self, bot: &str) -> String {
        format!(
            "{}/channels/telegram/{bot}",
            self.config.public_url.trim_end_matches('/')
        )
    }

    /// Tells Telegram where to post updates (webhook mode), with the
    /// secret it must send back and the updates the bot handles.
    pub async fn set_webhook(&self, bot: &str) -> Result<(), ApiError> {
        let client = self
            .bot(bot)
            .ok_or_else(|| ApiError::Refused(format!("no bot {bot}")))?;
        let secret = self
            .config
            .webhook_secret
            .as_ref()
            .map(|s| s.expose().to_owned())
            .unwrap_or_default();
        let body = serde_json::json!({
            "url": self.webhook_url(bot),
            "secret_token": secret,
            "allowed_updates": client::ALLOWED_UPDATES,
        });
        let _: bool = client.call("setWebhook", &body, Duration::ZERO).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(mode: UpdateMode) -> TelegramConfig {
        TelegramConfig {
            mode,
            public_url: "https://support.example".into(),
            webhook_secret: Some(Secret::new("s3cret_value")),
            bots: vec![BotConfig {
                name: "shop_help_bot".into(),
                token: Secret::new("123456:ABC-def_ghi"),
            }],
            ..TelegramConfig::default()
        }
    }

    #[test]
    fn the_webhook_url_names_the_bot_not_its_token() {
        let t = Telegram::new(&config(UpdateMode::Webhook)).unwrap();
        let url = t.webhook_url("shop_help_bot");
        assert_eq!(
            url,
            "https://support.example/channels/telegram/shop_help_bot"
        );
        assert!(!url.contains("123456"));
        assert!(!format!("{t:?}").contains("ABC-def"));
    }

    #[test]
    fn the_secret_header_must_match_exactly() {
        let t = Telegram::new(&config(UpdateMode::Webhook)).unwrap();
        assert!(t.webhook_secret_matches(Some(b"s3cret_value")));
        assert!(!t.webhook_secret_matches(Some(b"s3cret_valuf")));
        assert!(!t.webhook_secret_matches(Some(b"s3cret")));
        assert!(!t.webhook_secret_matches(None));
    }

    #[test]
    fn bad_configurations_are_refused() {
        let no_bots = TelegramConfig {
            bots: Vec::new(),
            ..TelegramConfig::default()
        };
        assert_eq!(
            Telegram::new(&no_bots).unwrap_err(),
            ConfigError::NotConfigured("telegram")
        );
        // The demo's default is a usable configuration.
        assert!(Telegram::new(&TelegramConfig::default()).is_ok());
        let mut no_secret = config(UpdateMode::Webhook);
        no_secret.webhook_secret = Some(Secret::new("has space"));
        assert!(Telegram::new(&no_secret).is_err());
        let mut bad_token = config(UpdateMode::Polling);
        bad_token.bots[0].token = Secret::new("12/../x");
        assert!(Telegram::new(&bad_token).is_err());
        let mut twice = config(UpdateMode::Polling);
        twice.bots.push(twice.bots[0].clone());
        assert!(Telegram::new(&twice).is_err());
    }
}
