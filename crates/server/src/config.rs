//! Configuration: defaults → TOML file → environment (`SWITCHBOARD__SECTION__KEY`),
//! into one typed struct that is passed explicitly. Secrets are redacted in `Debug`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use switchboard_channels::telegram::TelegramConfig;
use switchboard_channels::vk::VkConfig;
use switchboard_channels::{EmailConfig, GatewayConfig, Secret, SmtpConfig};
use switchboard_store::SqliteSynchronous;

pub use crate::security::limits::LimitsConfig;
pub use switchboard_core::config::{
    ConversationConfig, CsatConfig, DeadlinesConfig, KbConfig, OutboxConfig, ProfileConfig,
    WebhookConfig,
};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub storage: StorageConfig,
    pub identity: IdentityConfig,
    pub staff: StaffConfig,
    pub attachments: AttachmentsConfig,
    pub outbox: OutboxConfig,
    pub deadlines: DeadlinesConfig,
    pub chat: ChatConfig,
    pub limits: LimitsConfig,
    pub kb: KbConfig,
    pub profile: ProfileConfig,
    pub log: LogConfig,
    pub smtp: SmtpConfig,
    /// The support mailboxes (issue 9): IMAP in, SMTP out, the line each feeds.
    pub email: EmailConfig,
    pub sms: GatewayConfig,
    pub push: GatewayConfig,
    pub telegram: TelegramConfig,
    pub phone: PhoneConfig,
    pub vk: VkConfig,
    pub csat: CsatConfig,
    /// Admins' webhook endpoints: delivery, retries, pausing (issue 14).
    pub webhooks: WebhookConfig,
}

/// The CTI API the PBX talks to (issue 11).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhoneConfig {
    /// The bearer token the PBX sends to `/api/v1/cti/…` (at least 16
    /// characters). Unset: the CTI API answers 403 `cti_not_configured`.
    pub cti_token: Option<Secret>,
    /// Close calls the PBX never finished (see `phone.toml`'s `ring_limit`
    /// and `max_duration`) every this many seconds.
    pub sweep_secs: u64,
    /// Run the sweeper (tests step it with `Core::close_stale_calls`).
    pub run_sweeper: bool,
    /// The SIP address a decision gives for each operator it rings;
    /// `{login}` is replaced by the operator's login.
    pub operator_uri: String,
}

impl Default for PhoneConfig {
    fn default() -> Self {
        PhoneConfig {
            cti_token: None,
            sweep_secs: 5,
            run_sweeper: true,
            operator_uri: "sip:{login}@127.0.0.1".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on; port 0 picks a free port (tests use it).
    pub listen: SocketAddr,
    /// Largest request body accepted, in bytes (five 10 MiB files plus the form).
    pub body_limit_bytes: usize,
    /// Behind a reverse proxy: take the client's address from the last entry
    /// of `X-Forwarded-For` (the one the proxy added) instead of the peer's.
    pub trust_forwarded_for: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            body_limit_bytes: 52 * 1024 * 1024,
            trust_forwarded_for: false,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite:<path>` or `postgres://…`. Empty means `<data_dir>/switchboard.db`.
    pub url: String,
    pub max_connections: u32,
    /// SQLite: `normal` (an acknowledged message survives a crash of the
    /// service, not a power loss) or `full` (survives a power loss too; each
    /// commit waits for the disk).
    pub sqlite_synchronous: SqliteSynchronous,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: String::new(),
            max_connections: 16,
            sqlite_synchronous: SqliteSynchronous::Normal,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// Holds the SQLite database, attachments and the generated identity secret.
    pub data_dir: PathBuf,
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            data_dir: PathBuf::from("data"),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdentityConfig {
    /// The secret shared with the host site for customer identity tokens.
    /// When unset, one is generated into `<data_dir>/identity.secret` on first start.
    pub secret: Option<Secret>,
    /// Tokens valid for longer than this are refused.
    pub max_token_lifetime_secs: i64,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        IdentityConfig {
            secret: None,
            max_token_lifetime_secs: 24 * 3600,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StaffConfig {
    /// A session ends this long after sign-in (and at sign-out, a password
    /// change or "sign out everywhere").
    pub session_ttl_secs: i64,
    /// Shortest password accepted for a staff account.
    pub password_min_chars: usize,
    pub lockout: LockoutConfig,
    pub second_factor: SecondFactorConfig,
}

impl Default for StaffConfig {
    fn default() -> Self {
        StaffConfig {
            session_ttl_secs: 12 * 3600,
            password_min_chars: 12,
            lockout: LockoutConfig::default(),
            second_factor: SecondFactorConfig::default(),
        }
    }
}

/// Lockout and backoff after failed sign-ins, per account and per address.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LockoutConfig {
    /// Failures older than this are forgotten.
    pub window_secs: i64,
    /// Failures for one login before it is locked…
    pub account_failures: u32,
    /// …and from one address (any logins).
    pub address_failures: u32,
    /// The first lock; each further failure doubles it…
    pub base_secs: i64,
    /// …up to this.
    pub max_secs: i64,
}

impl Default for LockoutConfig {
    fn default() -> Self {
        LockoutConfig {
            window_secs: 15 * 60,
            account_failures: 5,
            address_failures: 20,
            base_secs: 60,
            max_secs: 3600,
        }
    }
}

/// TOTP second factor (RFC 6238) and who must use it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecondFactorConfig {
    /// Admins must sign in with a second factor.
    pub required_for_admins: bool,
    /// Staff holding a skill of any of these lines must too (banking).
    pub required_lines: Vec<String>,
    /// The issuer shown in authenticator apps.
    pub issuer: String,
}

impl Default for SecondFactorConfig {
    fn default() -> Self {
        SecondFactorConfig {
            required_for_admins: true,
            required_lines: vec!["bank_retail".into(), "bank_business".into()],
            issuer: "Switchboard".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttachmentsConfig {
    pub max_files: usize,
    pub max_file_bytes: usize,
}

impl Default for AttachmentsConfig {
    fn default() -> Self {
        AttachmentsConfig {
            max_files: 5,
            max_file_bytes: 10 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChatConfig {
    /// Frames a connection may send per second, sustained…
    pub rate_per_sec: f64,
    /// …and at once.
    pub rate_burst: u32,
    /// Largest WebSocket frame or message accepted, in bytes; larger closes the socket (1009).
    pub max_frame_bytes: usize,
    /// WebSocket read buffer per connection. Small on purpose: idle connections cost little.
    pub read_buffer_bytes: usize,
    /// Notices queued per connection before it is made to resync from the store.
    pub connection_queue: usize,
    /// Most messages stored in one transaction.
    pub writer_max_batch: usize,
    /// How long the writer waits for more messages before committing a small batch.
    pub writer_linger_us: u64,
    /// How long an operator's "online" lasts unless their node renews it.
    pub presence_lease_secs: i64,
    /// How often the queue is checked even without a trigger.
    pub dispatch_interval_secs: u64,
    /// How long after an operator's last console closes they stay online
    /// in case it reopens (a page navigation), in milliseconds.
    pub console_grace_ms: u64,
    /// Ready answers the bot offers at most.
    pub bot_answers: usize,
}

impl ChatConfig {
    /// The use cases' share of the chat settings.
    pub fn conversations(&self) -> ConversationConfig {
        ConversationConfig {
            writer_max_batch: self.writer_max_batch,
            writer_linger_us: self.writer_linger_us,
            presence_lease_secs: self.presence_lease_secs,
            dispatch_interval_secs: self.dispatch_interval_secs,
            bot_answers: self.bot_answers,
            csat: CsatConfig::default(),
        }
    }
}

impl Default for ChatConfig {
    fn default() -> Self {
        ChatConfig {
            rate_per_sec: 20.0,
            rate_burst: 40,
            max_frame_bytes: 64 * 1024,
            read_buffer_bytes: 4 * 1024,
            connection_queue: 256,
            writer_max_batch: 512,
            writer_linger_us: 0,
            presence_lease_secs: 60,
            dispatch_interval_secs: 5,
            console_grace_ms: 10_000,
            bot_answers: 3,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: String,
    /// A tracing filter, e.g. `info,switchboard_server=debug`; `RUST_LOG` wins when set.
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: "text".into(),
            filter: "info".into(),
        }
    }
}

impl Config {
    /// Defaults, then the TOML file if given, then `SWITCHBOARD__…` variables.
    pub fn load(file: Option<&Path>) -> Result<Config, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            figment = figment.merge(Toml::file_exact(path));
        }
        figment
            .merge(Env::prefixed("SWITCHBOARD__").split("__"))
            .extract()
            .map_err(Box::new)
    }

    pub fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            format!(
                "sqlite:{}",
                self.storage.data_dir.join("switchboard.db").display()
            )
        } else {
            self.database.url.clone()
        }
    }

    /// The default configuration as TOML, for `switchboard config`.
    pub fn default_toml() -> String {
        toml::to_string_pretty(&Config::default()).unwrap_or_default()
    }
}
