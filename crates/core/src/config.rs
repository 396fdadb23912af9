//! The use cases' settings, one section each in the service's configuration.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboxConfig {
    /// Run the delivery worker in this process (tests drive it step by step instead).
    pub run_worker: bool,
    pub poll_interval_ms: u64,
    pub batch_size: u32,
    /// Attempts before a notification is given up as failed.
    pub max_attempts: u32,
    pub backoff_base_secs: i64,
    pub backoff_max_secs: i64,
    /// How long a claimed notification is reserved for one worker.
    pub lease_secs: i64,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            run_worker: true,
            poll_interval_ms: 1000,
            batch_size: 32,
            max_attempts: 8,
            backoff_base_secs: 5,
            backoff_max_secs: 3600,
            lease_secs: 60,
        }
    }
}

/// Webhooks (the `[webhooks]` section): how deliveries are sent and retried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookConfig {
    /// Fan out and deliver from this process (tests step it instead).
    pub run_worker: bool,
    pub poll_interval_ms: u64,
    pub batch_size: u32,
    /// Attempts before a delivery is given up as failed.
    pub max_attempts: u32,
    pub backoff_base_secs: i64,
    pub backoff_max_secs: i64,
    pub lease_secs: i64,
    /// Failed attempts in a row after which an endpoint is paused and the admins alerted.
    pub pause_after_failures: u32,
    /// Limit for one attempt, connect to last byte.
    pub timeout_secs: u64,
    /// Accept `http://` endpoints on a loopback address (tests and development only).
    pub allow_loopback_http: bool,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            run_worker: true,
            poll_interval_ms: 1000,
            batch_size: 32,
            max_attempts: 10,
            backoff_base_secs: 10,
            backoff_max_secs: 3600,
            lease_secs: 60,
            pause_after_failures: 20,
            timeout_secs: 10,
            allow_loopback_http: false,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeadlinesConfig {
    /// Run the SLA deadline worker in this process (tests step it instead).
    pub run_worker: bool,
    /// How often it looks for at-risk and breached deadlines; a breach is
    /// raised at most this long (plus one step) after it happens.
    pub tick_ms: u64,
}

impl Default for DeadlinesConfig {
    fn default() -> Self {
        DeadlinesConfig {
            run_worker: true,
            tick_ms: 500,
        }
    }
}

/// The knowledge base: where it is seeded from, how nodes stay in step, how it searches.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KbConfig {
    /// A folder of knowledge-base TOML files (sections, articles, synonyms):
    /// seeded into an empty database, and the synonyms used. Empty means the
    /// demo's, seeded only with the demo profile.
    pub dir: Option<PathBuf>,
    /// How often a node checks the database for edits made on other nodes.
    pub refresh_interval_ms: u64,
    /// Search tuning (the defaults are what `kb-eval` measures).
    pub search: switchboard_search::SearchConfig,
}

impl Default for KbConfig {
    fn default() -> Self {
        KbConfig {
            dir: None,
            refresh_interval_ms: 2_000,
            search: switchboard_search::SearchConfig::default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileConfig {
    /// A catalog TOML file; empty means the built-in demo catalog.
    pub catalog: Option<PathBuf>,
    /// Business calendars (`calendars.toml`); empty means the demo's.
    pub calendars: Option<PathBuf>,
    /// SLA policies (`sla.toml`); empty means the demo's.
    pub sla: Option<PathBuf>,
    /// Priority rules (`priority.toml`); empty means the demo's.
    pub priority: Option<PathBuf>,
    /// Phone numbers (`phone.toml`); empty means the demo's.
    pub phone: Option<PathBuf>,
    /// Load the demo customers, orders and staff into an empty database.
    pub demo: bool,
    /// How often a node checks the database for configuration edits (the
    /// catalog, SLA policies, calendars, priority rules) made on any node.
    /// The files above are only the seed of the stored configuration.
    pub refresh_interval_ms: u64,
}

impl Default for ProfileConfig {
    fn default() -> Self {
        ProfileConfig {
            catalog: None,
            calendars: None,
            sla: None,
            priority: None,
            phone: None,
            demo: true,
            refresh_interval_ms: 1_000,
        }
    }
}

/// How conversations are written and routed (the `[chat]` section's share).
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationConfig {
    /// Most messages stored in one transaction.
    pub writer_max_batch: usize,
    /// How long the writer waits for more messages before committing a small batch.
    pub writer_linger_us: u64,
    /// How long an operator's "online" lasts unless their node renews it.
    pub presence_lease_secs: i64,
    /// How often the queue is checked even without a trigger.
    pub dispatch_interval_secs: u64,
    /// Ready answers the bot offers at most.
    pub bot_answers: usize,
    /// Customer satisfaction requests (the `[csat]` section).
    pub csat: CsatConfig,
}

impl Default for ConversationConfig {
    fn default() -> Self {
        ConversationConfig {
            writer_max_batch: 512,
            writer_linger_us: 0,
            presence_lease_secs: 60,
            dispatch_interval_secs: 5,
            bot_answers: 3,
            csat: CsatConfig::default(),
        }
    }
}

/// Customer satisfaction: when customers are asked to rate a resolved ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsatConfig {
    pub enabled: bool,
    /// Ask from this process every `interval_ms` (tests step it instead).
    pub run_worker: bool,
    pub interval_ms: u64,
    /// Nobody is asked again within this many days of their last request.
    pub min_interval_days: u32,
    /// Tickets resolved longer ago than this are not asked about.
    pub ask_within_hours: u32,
    /// Ratings at or below this alert the supervisors.
    pub low_at_most: u8,
    /// A low rating also reopens the ticket.
    pub reopen_on_low: bool,
    /// Where customers reach this service: the rating links start with it.
    pub public_url: String,
}

impl Default for CsatConfig {
    fn default() -> Self {
        CsatConfig {
            enabled: true,
            run_worker: true,
            interval_ms: 5_000,
            min_interval_days: 30,
            ask_within_hours: 72,
            low_at_most: 2,
            reopen_on_low: true,
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}
