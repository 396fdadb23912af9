//! The audit log's entries: everything that happens to a ticket, as data.
//! Field changes are derived from the before and after state (see
//! `diff_events` in the parent), so no transition can forget to log one.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::deadline::{EscalationAction, TargetKind};
use crate::ids::{ContactId, CustomerId, OperatorId, TicketNumber};
use crate::vocab::{Channel, Priority, Status};

/// An entry of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum TicketEvent {
    Created {
        status: Status,
        priority: Priority,
        due_at: Option<Timestamp>,
        /// The priority rule that decided `priority`, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority_rule: Option<String>,
        /// The SLA policy the ticket started under, if its clock started.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sla_policy: Option<String>,
    },
    StatusChanged {
        from: Status,
        to: Status,
    },
    Assigned {
        from: Option<OperatorId>,
        to: Option<OperatorId>,
    },
    PublicReply,
    CustomerMessage,
    InternalNote,
    TopicChanged {
        from_line: String,
        from_topic: String,
        to_line: String,
        to_topic: String,
    },
    PriorityChanged {
        from: Priority,
        to: Priority,
    },
    DeadlineChanged {
        from: Option<Timestamp>,
        to: Option<Timestamp>,
    },
    Reopened,
    ClaimFiled,
    /// Chat, bank topics: the one-time SMS code was sent, entered, failed or
    /// locked out. Never carries the code.
    StepUp {
        outcome: crate::bot::StepUpOutcome,
    },
    /// An SLA target used its at-risk share (raised once per run of its clock),
    /// with the escalation actions the policy took.
    SlaAtRisk {
        target: TargetKind,
        due_at: Timestamp,
        actions: Vec<EscalationAction>,
    },
    /// An SLA target was missed.
    SlaBreached {
        target: TargetKind,
        due_at: Timestamp,
        actions: Vec<EscalationAction>,
    },
    /// The SLA clock switched to another policy (priority, topic or kind changed).
    SlaPolicyChanged {
        from: Option<String>,
        to: Option<String>,
    },
    // --- message judgement, duplicates and merges (issue 5)
    /// Card data, codes or passwords were masked in the message stored with
    /// this event. Names the kinds only, never the values.
    SensitiveDataMasked {
        kinds: Vec<String>,
    },
    /// Obscene words were masked in the stored message; `original` is the
    /// message as written with its secrets still masked. Staff-only: the
    /// audit log is the one place the unmasked wording is kept.
    ObscenityMasked {
        original: String,
    },
    /// A question support does not handle (`trade_secret`, `fraud`, `dispute`).
    OutOfScope {
        category: String,
    },
    /// The customer accepted the bot's offer to block their `card` or `account`.
    BlockRequested {
        target: String,
    },
    /// The customer asked the same question again (through `channel`); it was
    /// joined to this ticket instead of opening another.
    DuplicateJoined {
        channel: Channel,
    },
    /// The contact who opened this ticket was linked to a customer account:
    /// the ticket is the customer's from now on.
    RequesterLinked {
        contact: ContactId,
        customer: CustomerId,
    },
    /// Our message `message_id` to the customer did not arrive: the mail
    /// server sent a delivery report (a bounce) saying why.
    DeliveryFailed {
        message_id: String,
        reason: String,
    },
    /// `source` was closed as merged into `target` (recorded on both).
    Merged {
        source: TicketNumber,
        target: TicketNumber,
    },
    /// The merge of `source` into `target` was undone (recorded on both).
    Unmerged {
        source: TicketNumber,
        target: TicketNumber,
    },
    // --- phone (issue 11)
    /// A phone call was linked to this ticket: the number called, who
    /// called, how it ended, who answered and when.
    Call {
        call_id: String,
        number: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caller: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        operator: Option<OperatorId>,
        offered_at: Timestamp,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        answered_at: Option<Timestamp>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ended_at: Option<Timestamp>,
    },
    // --- customer satisfaction (issue 14)
    /// The customer was asked to rate the ticket, through `medium` (`chat`
    /// for a message in the conversation).
    CsatRequested {
        medium: String,
    },
    /// The customer rated the ticket 1–5.
    Rated {
        score: u8,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    // --- webhooks (issue 14)
    /// Never in a ticket's log: the staff alert to admins that the webhook
    /// `endpoint` was paused after `failures` failed attempts in a row.
    WebhookPaused {
        endpoint: i64,
        url: String,
        failures: u32,
    },
}

impl TicketEvent {
    pub fn code(&self) -> &'static str {
        match self {
            TicketEvent::Created { .. } => "created",
            TicketEvent::StatusChanged { .. } => "status_changed",
            TicketEvent::Assigned { .. } => "assigned",
            TicketEvent::PublicReply => "public_reply",
            TicketEvent::CustomerMessage => "customer_message",
            TicketEvent::InternalNote => "internal_note",
            TicketEvent::TopicChanged { .. } => "topic_changed",
            TicketEvent::PriorityChanged { .. } => "priority_changed",
            TicketEvent::DeadlineChanged { .. } => "deadline_changed",
            TicketEvent::Reopened => "reopened",
            TicketEvent::ClaimFiled => "claim_filed",
            TicketEvent::StepUp { .. } => "step_up",
            TicketEvent::SlaAtRisk { .. } => "sla_at_risk",
            TicketEvent::SlaBreached { .. } => "sla_breached",
            TicketEvent::SlaPolicyChanged { .. } => "sla_policy_changed",
            TicketEvent::SensitiveDataMasked { .. } => "sensitive_data_masked",
            TicketEvent::ObscenityMasked { .. } => "obscenity_masked",
            TicketEvent::OutOfScope { .. } => "out_of_scope",
            TicketEvent::BlockRequested { .. } => "block_requested",
            TicketEvent::DuplicateJoined { .. } => "duplicate_joined",
            TicketEvent::RequesterLinked { .. } => "requester_linked",
            TicketEvent::DeliveryFailed { .. } => "delivery_failed",
            TicketEvent::Merged { .. } => "merged",
            TicketEvent::Unmerged { .. } => "unmerged",
            TicketEvent::CsatRequested { .. } => "csat_requested",
            TicketEvent::Rated { .. } => "rated",
            TicketEvent::Call { .. } => "call",
            TicketEvent::WebhookPaused { .. } => "webhook_paused",
        }
    }
}
