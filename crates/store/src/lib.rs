//! Switchboard's storage: one trait shaped around the support centre's use
//! cases (open a ticket, apply a change, claim due notifications…), not around
//! tables, with two implementations chosen at run time from the database URL:
//! SQLite (embedded, WAL) and PostgreSQL.
//!
//! Both backends share one contract test suite (`tests/contract.rs`). Dialect
//! differences stay inside `sqlite.rs` and `postgres.rs`; migrations are
//! embedded, append-only, one tree per backend under `migrations/`.
//!
//! Invariants every implementation keeps:
//! - a ticket change, its audit events, its message and its notifications are
//!   written in one transaction, or not at all;
//! - `save_change` refuses a change made from a stale ticket (`Conflict`), so
//!   two operators cannot both take the same ticket;
//! - the audit log is append-only (the schema forbids UPDATE and DELETE on it);
//! - timestamps are kept to the millisecond: what a store method returns is
//!   what a later read returns, finer precision is dropped on the way in.

use std::sync::Arc;

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use switchboard_domain::chat::StepUp;
use switchboard_domain::customer::{Customer, Order};
use switchboard_domain::ids::{ContentHash, CustomerId, EmailAddress, Login, OperatorId, TicketId};
use switchboard_domain::intake::NewTicket;
use switchboard_domain::notification::Notification;
use switchboard_domain::ticket::{Actor, Priority, Status, Ticket, TicketEvent};
use tokio::sync::mpsc;

pub mod baseline;
pub mod chat;
mod codec;
pub mod knowledge;
mod postgres;
mod shared;
mod sqlite;
pub mod testing;

pub use chat::{
    AppendOutcome, AppendRefusal, ChatAppend, ChatMessage, ChatScope, Conversation, FeedEvent,
    Notice, OperatorLoad, PresenceStatus,
};
pub use knowledge::{
    Feedback, KbAction, KbArticle, KbArticleStats, KbEvent, KbSection, KbSnapshot, KbSuggestion,
    TicketMerge,
};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

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
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Operator,
    Supervisor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "operator" => Some(Role::Operator),
            "supervisor" => Some(Role::Supervisor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A member of staff: operator, supervisor or admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub id: OperatorId,
    pub login: Login,
    pub name: String,
    pub role: Role,
    /// Routing skills (catalog topic skills) this person may take.
    pub skills: Vec<String>,
    /// Concurrent chats.
    pub capacity: u32,
    pub active: bool,
    /// Where staff notifications are e-mailed (none: not e-mailed).
    pub email: Option<EmailAddress>,
    /// The shift calendar's code (none: always on shift).
    pub calendar: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOperator {
    pub login: Login,
    pub name: String,
    pub role: Role,
    pub skills: Vec<String>,
    pub capacity: u32,
    /// An argon2 PHC string; the store never sees a plain password.
    pub password_hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Seen by the customer and support.
    Public,
    /// An internal note: support only, never on customer endpoints.
    Internal,
}

/// Metadata of a stored file; the bytes live on disk under their hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMeta {
    pub hash: ContentHash,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub author: Actor,
    pub visibility: Visibility,
    pub body: String,
    pub attachments: Vec<AttachmentMeta>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMessage {
    pub id: i64,
    pub ticket_id: TicketId,
    pub author: Actor,
    pub visibility: Visibility,
    pub body: String,
    pub attachments: Vec<AttachmentMeta>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEvent {
    pub id: i64,
    pub ticket_id: TicketId,
    pub actor: Actor,
    pub event: TicketEvent,
    pub at: Timestamp,
}

/// One stored change of a ticket: the new state (its `version` is the version
/// it was computed from), what happened, and what follows from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketChange {
    pub ticket: Ticket,
    pub actor: Actor,
    pub events: Vec<TicketEvent>,
    pub message: Option<NewMessage>,
    pub notifications: Vec<Notification>,
}

/// Builds the notifications of a new ticket once its number is known.
pub type NotifyNew = Box<dyn FnOnce(&Ticket) -> Vec<Notification> + Send>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    Unassigned,
    Operator(OperatorId),
}

/// Ticket list filters; `None` means "any". Newest first; `before` pages by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFilter {
    pub customer: Option<CustomerId>,
    pub line: Option<String>,
    pub topic: Option<String>,
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub assignee: Option<AssigneeFilter>,
    /// Only tickets whose deadline is at risk or breached at a given instant.
    pub sla: Option<SlaFilter>,
    pub before: Option<TicketId>,
    pub limit: u32,
}

/// The supervisors' deadline lists, as of `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaFilter {
    /// At risk, not yet breached.
    AtRisk {
        now: Timestamp,
    },
    Breached {
        now: Timestamp,
    },
    /// At risk or breached.
    Attention {
        now: Timestamp,
    },
}

/// A notification for a member of staff (a deadline at risk or breached).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAlert {
    pub id: i64,
    pub operator: OperatorId,
    pub ticket: Option<TicketId>,
    /// What happened (`SlaAtRisk`, `SlaBreached`).
    pub event: TicketEvent,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    /// Gave up after the last retry.
    Failed,
}

/// A notification taken from the outbox for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub ticket_id: Option<TicketId>,
    pub notification: Notification,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// The outbox as seen by support: what was sent to the customer and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRecord {
    pub id: i64,
    pub ticket_id: Option<TicketId>,
    pub notification: Notification,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Cheap round trip, for readiness checks.
    async fn ping(&self) -> Result<()>;

    // --- customers and orders (fed by the order system; the demo profile seeds them)

    async fn upsert_customer(&self, customer: &Customer) -> Result<()>;
    async fn customer(&self, id: &CustomerId) -> Result<Customer>;
    async fn upsert_order(&self, order: &Order) -> Result<()>;
    /// Newest first.
    async fn customer_orders(&self, id: &CustomerId) -> Result<Vec<Order>>;

    // --- staff and sessions

    /// `Conflict` when the login is taken.
    async fn create_operator(&self, operator: &NewOperator) -> Result<Operator>;
    async fn operator(&self, id: OperatorId) -> Result<Operator>;
    async fn operators(&self) -> Result<Vec<Operator>>;
    /// The operator and their argon2 password hash.
    async fn operator_credentials(&self, login: &Login) -> Result<(Operator, String)>;
    async fn create_session(
        &self,
        token_hash: &str,
        operator: OperatorId,
        expires_at: Timestamp,
    ) -> Result<()>;
    /// `NotFound` for an unknown or expired session, or an inactive operator.
    async fn session_operator(&self, token_hash: &str, now: Timestamp) -> Result<Operator>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;

    // --- tickets

    /// Stores a new ticket with its first message, a `created` audit event by
    /// `actor`, and the notifications `notify` builds from the stored ticket.
    async fn create_ticket(
        &self,
        ticket: &NewTicket,
        actor: &Actor,
        first_message: &NewMessage,
        notify: NotifyNew,
    ) -> Result<Ticket>;
    async fn ticket(&self, id: TicketId) -> Result<Ticket>;
    async fn list_tickets(&self, filter: &TicketFilter) -> Result<Vec<Ticket>>;
    /// Oldest first. Internal notes only when `include_internal`.
    async fn messages(
        &self,
        ticket: TicketId,
        include_internal: bool,
    ) -> Result<Vec<StoredMessage>>;
    /// The audit log of one ticket, oldest first.
    async fn events(&self, ticket: TicketId) -> Result<Vec<StoredEvent>>;
    /// Applies a change computed from `change.ticket.version`; `Conflict` if the
    /// ticket moved on meanwhile. Returns the ticket with its new version.
    async fn save_change(&self, change: &TicketChange) -> Result<Ticket>;
    /// A file attached to a message of this ticket (a public one unless
    /// `include_internal`); `NotFound` otherwise.
    async fn ticket_attachment(
        &self,
        ticket: TicketId,
        hash: &ContentHash,
        include_internal: bool,
    ) -> Result<AttachmentMeta>;

    // --- notification outbox

    /// Takes up to `limit` due notifications and leases them for `lease`, so
    /// another worker (or node) does not send them at the same time.
    async fn claim_notifications(
        &self,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
    ) -> Result<Vec<OutboxItem>>;
    async fn notification_delivered(&self, id: i64, now: Timestamp) -> Result<()>;
    /// Records a failed attempt; `retry_at = None` gives up for good.
    async fn notification_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<()>;
    /// What was sent about a ticket. Sensitive notifications (one-time codes)
    /// come with their body blanked.
    async fn ticket_notifications(&self, ticket: TicketId) -> Result<Vec<OutboxRecord>>;
    async fn pending_notifications(&self) -> Result<u64>;

    // --- chat

    /// Opens a chat ticket with its first message, which carries the client's
    /// id. Idempotent: the same customer and client id return the conversation
    /// opened before, with `false`.
    async fn open_chat(
        &self,
        ticket: &NewTicket,
        client_id: &str,
    ) -> Result<(Ticket, ChatMessage, bool)>;
    /// Appends messages to conversations in one transaction, each getting the
    /// next sequence number of its conversation. Authorisation (owner,
    /// assignee, open status) is checked on the locked rows, so it holds with
    /// several nodes; a refused or duplicate item does not affect the others.
    /// Outcomes are in item order.
    async fn append_chat_messages(
        &self,
        items: &[ChatAppend],
        at: Timestamp,
    ) -> Result<Vec<AppendOutcome>>;
    /// Messages with `seq > after_seq`, in order, at most `limit`.
    async fn chat_messages(
        &self,
        ticket: TicketId,
        after_seq: i64,
        limit: u32,
        include_internal: bool,
    ) -> Result<Vec<ChatMessage>>;
    async fn conversation(&self, ticket: TicketId) -> Result<Conversation>;
    async fn conversations(&self, scope: &ChatScope, limit: u32) -> Result<Vec<Conversation>>;
    /// Sets an operator's status; `seen_until` is the lease the console's node renews.
    async fn set_presence(
        &self,
        operator: OperatorId,
        status: PresenceStatus,
        seen_until: Timestamp,
        now: Timestamp,
    ) -> Result<()>;
    /// Active operators who are online with a live lease, and their chat load.
    async fn online_operators(&self, now: Timestamp) -> Result<Vec<OperatorLoad>>;
    /// `save_change` for handing a chat to `operator`, refused with `Conflict`
    /// unless the operator is online and below capacity at commit time.
    async fn assign_chat(
        &self,
        change: &TicketChange,
        operator: OperatorId,
        now: Timestamp,
    ) -> Result<Ticket>;
    /// The conversation's step-up state (the default when there is none).
    async fn step_up(&self, ticket: TicketId) -> Result<StepUp>;
    /// Stores the step-up state with its audit event and, when a code is sent,
    /// the SMS as a sensitive outbox row, in one transaction.
    async fn save_step_up(
        &self,
        ticket: TicketId,
        state: &StepUp,
        actor: &Actor,
        event: Option<&TicketEvent>,
        sms: Option<&Notification>,
        at: Timestamp,
    ) -> Result<()>;
    /// The live feed of committed changes (see [`chat`]).
    async fn subscribe_feed(&self) -> Result<mpsc::Receiver<FeedEvent>>;
    /// Sends an ephemeral notice (typing) to every subscriber, storing nothing.
    async fn publish(&self, notice: &Notice) -> Result<()>;

    // --- routing, priorities and deadlines (issue 4)

    /// Sets a member of staff's notification e-mail and shift calendar.
    async fn set_operator_profile(
        &self,
        operator: OperatorId,
        email: Option<&EmailAddress>,
        calendar: Option<&str>,
    ) -> Result<()>;
    /// Open tickets whose SLA clock runs or is paused (the deadline worker's
    /// start-up), in id order, `limit` at a time after `after`.
    async fn open_sla_tickets(&self, after: TicketId, limit: u32) -> Result<Vec<Ticket>>;
    /// Chats a person owes or holds (queued, assigned, waiting for the
    /// customer), oldest first: what the router is rebuilt from.
    async fn routable_chats(&self) -> Result<Vec<Ticket>>;
    /// `save_change` plus staff alerts (with a feed notice each, for live
    /// consoles) and staff e-mails (outbox rows not tied to the ticket, so
    /// they never show among what the customer was sent), in one transaction.
    async fn save_escalation(
        &self,
        change: &TicketChange,
        alerts: &[(OperatorId, TicketEvent)],
        emails: &[Notification],
    ) -> Result<Ticket>;
    /// A member of staff's alerts, newest first.
    async fn staff_alerts(&self, operator: OperatorId, limit: u32) -> Result<Vec<StaffAlert>>;

    // --- knowledge base, bot feedback, message judgement, merges (issue 5; see [`knowledge`])

    /// The knowledge base's revision: 0 until the first edit.
    async fn kb_revision(&self) -> Result<i64>;
    /// Every live section and article, as of the revision it reports.
    async fn kb_snapshot(&self) -> Result<KbSnapshot>;
    /// Sections and articles written after `revision`, deleted ones included
    /// (flagged), as of the revision it reports.
    async fn kb_changes_since(&self, revision: i64) -> Result<KbSnapshot>;
    /// Loads a whole knowledge base into an empty one, as one revision with
    /// one `seed` audit entry. `false` (writing nothing) when it was not empty.
    async fn kb_seed(
        &self,
        sections: &[KbSection],
        articles: &[KbArticle],
        actor: &Actor,
        at: Timestamp,
    ) -> Result<bool>;
    /// Creates or updates a section (`action` says which; `revision`,
    /// `deleted` and `updated_at` are set here), with its audit entry.
    /// Creating an existing section is `Conflict`, updating a missing one `NotFound`.
    async fn kb_save_section(
        &self,
        section: &KbSection,
        action: KbAction,
        actor: &Actor,
        at: Timestamp,
    ) -> Result<KbSection>;
    /// Deletes a section; `Conflict` while it still has articles.
    async fn kb_delete_section(&self, code: &str, actor: &Actor, at: Timestamp) -> Result<i64>;
    /// Creates, updates, publishes or unpublishes an article, with its audit
    /// entry. `Conflict` for a new id that exists or a section that does not.
    async fn kb_save_article(
        &self,
        article: &KbArticle,
        action: KbAction,
        actor: &Actor,
        at: Timestamp,
    ) -> Result<KbArticle>;
    async fn kb_delete_article(&self, id: &str, actor: &Actor, at: Timestamp) -> Result<i64>;
    /// A live section or article; `NotFound` for a missing or deleted one.
    async fn kb_section(&self, code: &str) -> Result<KbSection>;
    async fn kb_article(&self, id: &str) -> Result<KbArticle>;
    /// The edit log, newest first.
    async fn kb_events(&self, limit: u32) -> Result<Vec<KbEvent>>;
    /// Remembers that the bot showed these articles in a conversation (once each).
    async fn kb_record_shown(
        &self,
        ticket: TicketId,
        articles: &[String],
        at: Timestamp,
    ) -> Result<()>;
    /// The customer's verdict on an article shown in the conversation; a later
    /// verdict replaces an earlier one. `NotFound` if it was not shown there.
    async fn kb_record_feedback(
        &self,
        ticket: TicketId,
        article: &str,
        feedback: Feedback,
        at: Timestamp,
    ) -> Result<()>;
    /// What the bot showed in a conversation and the verdicts, in showing order.
    async fn kb_conversation_suggestions(&self, ticket: TicketId) -> Result<Vec<KbSuggestion>>;
    /// Per article ever shown: conversations shown in, helped, did not help.
    async fn kb_feedback_report(&self) -> Result<Vec<KbArticleStats>>;

    /// `create_ticket` with more audit events by the same actor (what the
    /// judgement of the first message found), in the same transaction.
    async fn create_ticket_with_events(
        &self,
        ticket: &NewTicket,
        actor: &Actor,
        first_message: &NewMessage,
        events: &[TicketEvent],
        notify: NotifyNew,
    ) -> Result<Ticket>;
    /// `open_chat` with more audit events by the customer, in the same
    /// transaction; none are written when the conversation was opened before.
    async fn open_chat_with_events(
        &self,
        ticket: &NewTicket,
        client_id: &str,
        events: &[TicketEvent],
    ) -> Result<(Ticket, ChatMessage, bool)>;
    /// Appends audit events to a ticket without changing it.
    async fn record_events(
        &self,
        ticket: TicketId,
        actor: &Actor,
        events: &[TicketEvent],
        at: Timestamp,
    ) -> Result<()>;
    /// Closes `source` as merged into `target`: both changes (each checked
    /// against its version) and the merge row, in one transaction. `Conflict`
    /// if the source is merged already.
    async fn merge_tickets(
        &self,
        source: &TicketChange,
        target: &TicketChange,
        previous_status: Status,
    ) -> Result<(Ticket, Ticket)>;
    /// Undoes a merge: both changes and the removal of the merge row, in one
    /// transaction. `NotFound` if the source is not merged.
    async fn unmerge_tickets(
        &self,
        source: &TicketChange,
        target: &TicketChange,
    ) -> Result<(Ticket, Ticket)>;
    /// The merge `source` is part of, if any.
    async fn ticket_merge(&self, source: TicketId) -> Result<Option<TicketMerge>>;
    /// The tickets merged into `target`, oldest merge first.
    async fn merged_into(&self, target: TicketId) -> Result<Vec<TicketMerge>>;
}

/// Options that apply to both backends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    pub max_connections: u32,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            max_connections: 16,
        }
    }
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
