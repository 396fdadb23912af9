//! Tickets: opening one with its first message, reading them, applying a
//! change the domain decided, the audit log, merges, deadlines.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use switchboard_domain::attachment::AttachmentMeta;
use switchboard_domain::conversation::Outbound;
use switchboard_domain::ids::{ContentHash, CustomerId, OperatorId, TicketId};
use switchboard_domain::intake::NewTicket;
use switchboard_domain::ticket::{
    Actor, Channel, Priority, Requester, Status, Ticket, TicketEvent,
};

use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Seen by the customer and support.
    Public,
    /// An internal note: support only, never on customer endpoints.
    Internal,
}

/// A message to store with a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub author: Actor,
    pub visibility: Visibility,
    pub body: String,
    pub attachments: Vec<AttachmentMeta>,
}

/// A stored message of a ticket's conversation, with its place in it: every
/// channel's messages share one log per ticket, numbered by `seq` from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMessage {
    pub ticket_id: TicketId,
    pub seq: i64,
    pub id: i64,
    pub author: Actor,
    pub visibility: Visibility,
    pub body: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentMeta>,
    /// The client's id for the message (chat): stored once per conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Structured extras (JSON), e.g. the bot's suggested answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<String>,
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
    pub outbound: Vec<Outbound>,
}

/// Builds what a new ticket sends out (its confirmation) once its number is known.
pub type NotifyNew = Box<dyn FnOnce(&Ticket) -> Vec<Outbound> + Send>;

/// How a ticket is opened: its first message and what comes with it.
pub struct Opening {
    pub message: NewMessage,
    /// Audit events by the message's author besides `created` (what the
    /// judgement of the first message found).
    pub events: Vec<TicketEvent>,
    /// A client's id for the first message (the chat's): opening twice with
    /// the same requester and id returns the first opening.
    pub client_id: Option<String>,
    /// The outside id of the first message (a Message-ID): opening twice
    /// with it returns the first opening.
    pub external_id: Option<String>,
    pub notify: NotifyNew,
}

/// A ticket as opened: `created` is false when the same opening was stored before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub ticket: Ticket,
    pub first: StoredMessage,
    pub created: bool,
}

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
    /// Only what a member of staff may see (`core::access`); `None`: everything.
    pub scope: Option<TicketScope>,
    /// Only tickets about this order or booking.
    pub order_number: Option<String>,
    pub channel: Option<Channel>,
    /// Only tickets waiting for a person (new or queued).
    pub waiting: bool,
    /// Oldest first (queues) rather than newest first; `before` then pages
    /// nothing and is ignored.
    pub oldest_first: bool,
}

/// A member of staff's scope as a list filter: tickets on `lines`, or on
/// `topics`, or assigned to `assignee` on a line not in `secret_lines`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketScope {
    pub lines: Vec<String>,
    /// (line, topic)
    pub topics: Vec<(String, String)>,
    pub assignee: Option<OperatorId>,
    pub secret_lines: Vec<String>,
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

/// A manual merge: `source` is closed and shown inside `target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketMerge {
    pub source: TicketId,
    pub target: TicketId,
    pub previous_status: Status,
    pub merged_at: Timestamp,
}

#[async_trait]
pub trait TicketStore: Send + Sync {
    /// Stores a new ticket with its first message, a `created` audit event by
    /// the message's author plus `opening.events`, and what `opening.notify`
    /// builds, in one transaction. Idempotent on the opening's client or
    /// outside id (see [`Opening`]).
    async fn create_ticket(&self, ticket: &NewTicket, opening: Opening) -> Result<Opened>;
    async fn ticket(&self, id: TicketId) -> Result<Ticket>;
    async fn list_tickets(&self, filter: &TicketFilter) -> Result<Vec<Ticket>>;
    /// Messages with `seq > after_seq`, in order, at most `limit` (1–1000).
    /// Internal notes only when `include_internal`.
    async fn messages(
        &self,
        ticket: TicketId,
        after_seq: i64,
        limit: u32,
        include_internal: bool,
    ) -> Result<Vec<StoredMessage>>;
    /// The audit log of one ticket, oldest first.
    async fn events(&self, ticket: TicketId) -> Result<Vec<StoredEvent>>;
    /// Applies a change computed from `change.ticket.version`; `Conflict` if the
    /// ticket moved on meanwhile. Returns the ticket with its new version.
    async fn save_change(&self, change: &TicketChange) -> Result<Ticket>;
    /// Appends audit events to a ticket without changing it.
    async fn record_events(
        &self,
        ticket: TicketId,
        actor: &Actor,
        events: &[TicketEvent],
        at: Timestamp,
    ) -> Result<()>;
    /// A file attached to a message of this ticket (a public one unless
    /// `include_internal`); `NotFound` otherwise.
    async fn ticket_attachment(
        &self,
        ticket: TicketId,
        hash: &ContentHash,
        include_internal: bool,
    ) -> Result<AttachmentMeta>;
    /// A requester's open tickets, newest first, at most `limit`: where a
    /// repeated question is looked for.
    async fn open_tickets_of(&self, requester: &Requester, limit: u32) -> Result<Vec<Ticket>>;
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
    /// Open tickets whose SLA clock runs or is paused (the deadline worker's
    /// start-up), in id order, `limit` at a time after `after`.
    async fn open_sla_tickets(&self, after: TicketId, limit: u32) -> Result<Vec<Ticket>>;
    /// `save_change` plus staff alerts (with a feed notice each, for live
    /// consoles) and staff e-mails (outbox rows not tied to the ticket, so
    /// they never show among what the customer was sent), in one transaction.
    async fn save_escalation(
        &self,
        change: &TicketChange,
        alerts: &[(OperatorId, TicketEvent)],
        emails: &[Outbound],
    ) -> Result<Ticket>;
}
