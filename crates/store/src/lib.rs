//! Switchboard's storage: narrow traits shaped around the support centre's
//! aggregates and use cases — tickets ([`TicketStore`]), the conversations'
//! message log ([`ConversationStore`]), the outbox ([`OutboxStore`]), staff
//! ([`StaffStore`]), customers and contacts ([`PeopleStore`]), the knowledge
//! base ([`KnowledgeStore`]), staff sign-in security ([`SignInStore`]), report facts
//! ([`ReportStore`]), the configuration's versions ([`ConfigStore`]) — not around tables. [`Store`] is all of them;
//! callers that need one hold that one. Two implementations are chosen at run
//! time from the database URL: SQLite (embedded, WAL) and PostgreSQL.
//!
//! Both backends share one contract test suite (`tests/contract.rs`). Dialect
//! differences stay inside `sqlite.rs` and `postgres.rs`; migrations are
//! embedded, append-only, one tree per backend under `migrations/`.
//!
//! Invariants every implementation keeps:
//! - a ticket change, its audit events, its message and its outbound messages
//!   are written in one transaction, or not at all;
//! - the store decides no business rule: a message appended in a batch is
//!   decided by the domain (`Ticket::append`) on the locked ticket, inside the
//!   transaction that stores it; every other change arrives decided;
//! - `save_change` refuses a change made from a stale ticket (`Conflict`), so
//!   two operators cannot both take the same ticket;
//! - the audit logs are append-only (the schema forbids UPDATE and DELETE);
//! - timestamps are kept to the millisecond: what a store method returns is
//!   what a later read returns, finer precision is dropped on the way in.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub mod baseline;
mod canned;
mod codec;
mod config;
mod conversations;
mod csat;
mod dashboard;
pub mod feed;
pub mod knowledge;
mod links;
mod messengers;
mod outbox;
mod people;
mod phone;
mod plan;
mod postgres;
mod reports;
mod seed;
mod signin;
mod sql;
mod sqlite;
mod staff;
pub mod testing;
mod tickets;
mod webhooks;

pub use canned::{CannedReply, CannedStore};
pub use config::{ConfigChange, ConfigSnapshot, ConfigStore, ConfigVersion, ConfigVersionInfo};
pub use conversations::{
    AppendItem, AppendOutcome, Conversation, ConversationScope, ConversationStore, ExternalRef,
};
pub use csat::{CsatAsk, CsatRecord, CsatState, CsatStore};
pub use dashboard::{
    DashboardStore, FIRST_RESPONSE_CAP_MINUTES, HourCount, MinuteCount, OperatorState, QueueFigure,
};
pub use feed::{FeedEvent, Notice};
pub use knowledge::{
    Feedback, KbAction, KbArticle, KbArticleStats, KbEvent, KbSection, KbSnapshot, KbSuggestion,
    KnowledgeStore,
};
pub use links::LinkStore;
pub use messengers::MessengerStore;
pub use outbox::{DeliveryStatus, OutboxItem, OutboxRecord, OutboxStore};
pub use people::{Contact, Identity, PeopleStore};
pub use phone::{CallFilter, CallStats, CallbackFilter, CallbackStats, PhoneStore, ScreenPop};
pub use postgres::PgStore;
pub use reports::{
    BacklogRow, DirtyMark, FactGroup, FactInput, Grouping, Measure, ReportPeriod, ReportStore,
    VolumeBucket,
};
pub use seed::{SeedEvent, SeedMessage, SeedStore, SeedTicket};
pub use signin::{
    NewStaffAudit, SecondFactor, SignInStore, StaffAuditEntry, StaffAuditKind, StaffSession,
};
pub use sqlite::SqliteStore;
pub use staff::{
    NewOperator, Operator, OperatorChange, OperatorLoad, PresenceStatus, Role, StaffAlert,
    StaffStore,
};
pub use switchboard_domain::attachment::AttachmentMeta;
pub use tickets::{
    AssigneeFilter, NewMessage, NotifyNew, Opened, Opening, SlaFilter, StoredEvent, StoredMessage,
    TicketChange, TicketFilter, TicketMerge, TicketScope, TicketStore, Visibility,
};

pub use webhooks::{
    Attempt, DueDelivery, NewDelivery, NewWebhook, Webhook, WebhookDelivery, WebhookStatus,
    WebhookStore,
};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule or a concurrent change got in the way; retrying with fresh data may work.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database URL or settings are unusable.
    #[error("configuration: {0}")]
    Config(String),
    /// Stored data that does not parse back into domain types.
    #[error("corrupt data in {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// From SQLite's writer thread (the chat append's plain connection).
    #[error("database (SQLite writer): {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Everything a node stores, on one database.
#[async_trait]
pub trait Store:
    TicketStore
    + ConversationStore
    + OutboxStore
    + StaffStore
    + PeopleStore
    + KnowledgeStore
    + DashboardStore
    + PhoneStore
    + SignInStore
    + MessengerStore
    + LinkStore
    + ReportStore
    + CsatStore
    + CannedStore
    + ConfigStore
    + WebhookStore
    + SeedStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;

    /// Cheap round trip, for readiness checks.
    async fn ping(&self) -> Result<()>;
}

/// The store traits, for callers that use several through `Arc<dyn Store>`.
pub mod prelude {
    pub use crate::{
        CannedStore, ConfigStore, ConversationStore, CsatStore, DashboardStore, KnowledgeStore,
        LinkStore, MessengerStore, OutboxStore, PeopleStore, PhoneStore, ReportStore, SignInStore,
        StaffStore, Store, TicketStore, WebhookStore,
    };
}

/// Options for opening a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    pub max_connections: u32,
    /// SQLite only: how a commit is made durable.
    pub sqlite_synchronous: SqliteSynchronous,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            max_connections: 16,
            sqlite_synchronous: SqliteSynchronous::Normal,
        }
    }
}

/// What a commit on SQLite (WAL) survives. PostgreSQL, as configured here,
/// flushes every commit to disk whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSynchronous {
    /// `synchronous=NORMAL`: a commit survives the process crashing; the
    /// last commits before a power loss or an OS crash may be lost (the WAL
    /// is synced at checkpoints, not at every commit).
    #[default]
    Normal,
    /// `synchronous=FULL`: the WAL is synced at every commit, so a commit
    /// also survives a power loss. Each commit waits for the disk; the
    /// writer's group commit spreads that over a batch.
    Full,
}

/// Opens the store the URL names (`sqlite:…` or `postgres://…`) and runs its migrations.
pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url, options).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url, options).await?))
    } else {
        Err(StoreError::Config(
            "the database URL must start with sqlite: or postgres://".into(),
        ))
    }
}
