//! Conversations: the sequenced message log every channel writes to, in
//! batches, with the domain deciding each message on the locked ticket; the
//! live ones (chat, messengers) by scope; the outside ids that thread them;
//! the step-up of bank topics; the live feed.

use async_trait::async_trait;
use jiff::Timestamp;
use switchboard_domain::attachment::AttachmentMeta;
use switchboard_domain::bot::StepUp;
use switchboard_domain::conversation::Outbound;
use switchboard_domain::ids::{CustomerId, OperatorId, TicketId};
use switchboard_domain::ticket::{
    Actor, AppendRefusal, Channel, DeadlineRules, Status, Ticket, TicketEvent,
};
use tokio::sync::mpsc;

use crate::Result;
use crate::feed::{FeedEvent, Notice};
use crate::tickets::{StoredMessage, Visibility};

/// One message to append to a conversation, as the batching writer collects them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendItem {
    pub ticket: TicketId,
    pub author: Actor,
    pub visibility: Visibility,
    pub body: String,
    pub attachments: Vec<AttachmentMeta>,
    /// The client's id for the message: the same id is stored once per conversation.
    pub client_id: Option<String>,
    /// The outside id of the message (its channel's): stored once per channel.
    pub external_id: Option<String>,
    /// Structured extras (JSON), e.g. the bot's suggested answers.
    pub meta: Option<String>,
    /// The author is a supervisor: they may write to any conversation.
    pub supervisor: bool,
    /// Audit events by the author that come with the message (what the
    /// judgement of its text found), written in the same transaction; none
    /// for a refused or duplicate item.
    pub events: Vec<TicketEvent>,
    /// What the message sends out (a reply by e-mail or to a messenger),
    /// queued in the same transaction, tied to the message.
    pub outbound: Vec<Outbound>,
}

impl AppendItem {
    /// A plain public message with nothing attached to it.
    pub fn text(ticket: TicketId, author: Actor, body: impl Into<String>) -> Self {
        AppendItem {
            ticket,
            author,
            visibility: Visibility::Public,
            body: body.into(),
            attachments: Vec::new(),
            client_id: None,
            external_id: None,
            meta: None,
            supervisor: false,
            events: Vec::new(),
            outbound: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendOutcome {
    /// Stored, and the ticket's status right after it.
    Stored(StoredMessage, Status),
    /// This client or outside id was stored before (or earlier in the same
    /// batch) under `seq`.
    Duplicate {
        seq: i64,
    },
    Refused(AppendRefusal),
}

/// A ticket with its last sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub ticket: Ticket,
    pub last_seq: i64,
}

/// Which live conversations to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConversationScope {
    /// A customer's conversations on one channel that are not closed, newest first.
    Customer(CustomerId, Channel),
    /// Open live conversations assigned to an operator, oldest first.
    Assignee(OperatorId),
    /// Live conversations waiting for a person: highest priority first, then oldest.
    Queued,
}

/// Where an outside message id was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExternalRef {
    pub ticket: TicketId,
    pub seq: i64,
}

#[async_trait]
pub trait ConversationStore: Send + Sync {
    /// Appends messages in one transaction, each getting the next sequence
    /// number of its conversation. Each is decided by the domain
    /// ([`Ticket::append`]) on the locked ticket as it stands after the
    /// batch's earlier items, and the ticket change it makes (status, first
    /// response, SLA clock) is stored with it. A refused or duplicate item
    /// does not affect the others. Outcomes are in item order.
    async fn append_messages(
        &self,
        items: &[AppendItem],
        rules: &DeadlineRules,
        at: Timestamp,
    ) -> Result<Vec<AppendOutcome>>;
    async fn conversation(&self, ticket: TicketId) -> Result<Conversation>;
    async fn conversations(
        &self,
        scope: &ConversationScope,
        limit: u32,
    ) -> Result<Vec<Conversation>>;
    /// Live conversations a person owes or holds (queued, assigned, waiting
    /// for the customer), oldest first: what the router is rebuilt from.
    async fn routable_conversations(&self) -> Result<Vec<Ticket>>;
    /// The message stored under any of these outside ids on `channel`, most
    /// recent first: a redelivery, or the message a reply answers.
    async fn find_external(&self, channel: Channel, ids: &[String]) -> Result<Option<ExternalRef>>;
    /// The newest open conversation in this outside thread on `channel` and
    /// `endpoint` (a messenger chat), if any.
    async fn open_thread(
        &self,
        channel: Channel,
        endpoint: &str,
        thread: &str,
    ) -> Result<Option<Ticket>>;
    /// The conversation's step-up state (the default when there is none).
    async fn step_up(&self, ticket: TicketId) -> Result<StepUp>;
    /// Stores the step-up state with its audit event and, when a code is sent,
    /// the SMS (a sensitive outbound), in one transaction.
    async fn save_step_up(
        &self,
        ticket: TicketId,
        state: &StepUp,
        actor: &Actor,
        event: Option<&TicketEvent>,
        sms: Option<&Outbound>,
        at: Timestamp,
    ) -> Result<()>;
    /// The live feed of committed changes (see [`crate::feed`]).
    async fn subscribe_feed(&self) -> Result<mpsc::Receiver<FeedEvent>>;
    /// Sends an ephemeral notice (typing) to every subscriber, storing nothing.
    async fn publish(&self, notice: &Notice) -> Result<()>;
}
