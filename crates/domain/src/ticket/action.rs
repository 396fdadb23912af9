//! What may be asked of a ticket: the inputs of [`super::Ticket::apply`].

use crate::ids::{OperatorId, TicketNumber};
use crate::vocab::{Priority, ProblemChoice, Status};

/// A request to change a ticket. Topic changes carry the target already checked
/// against the catalog by the caller (see `intake::reclassify`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The bot hands the conversation to a person.
    HandToPerson,
    /// An operator takes the ticket, or is given it.
    Assign(OperatorId),
    /// Put back in the queue, with nobody assigned.
    Unassign,
    /// Support answers the customer. On a live channel (chat, messengers) the
    /// status stays: the conversation goes on; elsewhere the ball passes to
    /// the customer.
    ReplyPublic,
    /// Support writes a note the customer never sees.
    AddNote,
    /// The customer writes more (on a live channel, without a status change).
    CustomerReply,
    Resolve,
    /// The customer is not satisfied and adds detail.
    Reopen,
    Close,
    /// The customer files a formal pre-trial claim.
    FileClaim,
    ChangePriority(Priority),
    ChangeTopic {
        line: String,
        topic: String,
        problem: ProblemChoice,
        /// Set when moving to another queue hands the ticket to a named operator.
        assignee: Option<OperatorId>,
        /// Moving to another queue (transfer) also drops the current assignee.
        transfer: bool,
    },
    /// Raises the SLA escalations due by `now` (the deadline worker).
    /// `Unchanged` when there is none.
    Escalate,
    // --- merges (issue 5)
    /// Close as merged into `target`, whose dialogue then shows this one's.
    MergeInto {
        target: TicketNumber,
    },
    /// Undo a merge into `target`: back to `status`, the status it had before.
    Unmerge {
        target: TicketNumber,
        status: Status,
    },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::HandToPerson => "hand to a person",
            Action::Assign(_) => "assign",
            Action::Unassign => "unassign",
            Action::ReplyPublic => "reply",
            Action::AddNote => "add a note",
            Action::CustomerReply => "reply as the customer",
            Action::Resolve => "resolve",
            Action::Reopen => "reopen",
            Action::Close => "close",
            Action::FileClaim => "file a claim",
            Action::ChangePriority(_) => "change priority",
            Action::ChangeTopic { transfer: true, .. } => "transfer",
            Action::ChangeTopic { .. } => "change topic",
            Action::Escalate => "escalate",
            Action::MergeInto { .. } => "merge",
            Action::Unmerge { .. } => "unmerge",
        }
    }
}
