//! Tickets and their state machine.
//!
//! A ticket moves through `new → with_bot → queued → assigned →
//! waiting_for_customer → resolved → closed`, may be reopened by the customer
//! and turned into a formal pre-trial claim. [`Ticket::apply`] is the only way
//! a ticket changes: it returns the changed ticket and the audit events, or a
//! [`TransitionError`] saying why the action is not allowed in this state.
//! A message appended to the conversation goes through [`Ticket::append`],
//! which also decides who may write (see `append.rs`). Who may ask for other
//! actions (customer, operator, supervisor) is decided by the caller; this
//! module decides whether the ticket can take them.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::deadline::TicketSla;
use crate::ids::{OperatorId, OrderNumber, TicketId, TicketNumber};

mod action;
mod append;
mod deadlines;
mod events;

pub use crate::vocab::{
    Actor, Channel, Priority, ProblemChoice, ReplyChannel, Requester, Status, TicketKind,
};
pub use action::Action;
pub use append::{Append, AppendRefusal};
pub use deadlines::DeadlineRules;
pub use events::TicketEvent;

/// The outside conversation a ticket runs in, for channels that have one:
/// which of our endpoints (a mailbox, a bot, a community, a phone number),
/// whom there, and the outside thread. Replies go back the same way.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Origin {
    /// Our side: the mailbox address, the bot or community id, the number called.
    pub endpoint: String,
    /// The requester's address on the channel: e-mail address, chat or user id, phone.
    pub address: String,
    /// The outside thread: the first message's id, a chat id, a wall post.
    #[serde(default)]
    pub thread: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: TicketId,
    pub number: TicketNumber,
    /// Who asked: a customer account, or a contact not (yet) linked to one.
    pub requester: Requester,
    pub kind: TicketKind,
    pub channel: Channel,
    /// Where the conversation runs outside (none for the form and the web chat).
    #[serde(default)]
    pub origin: Option<Origin>,
    pub line: String,
    pub topic: String,
    pub problem: ProblemChoice,
    pub order_number: Option<OrderNumber>,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    pub reply_channel: ReplyChannel,
    pub assignee: Option<OperatorId>,
    /// When the next deadline of the SLA clock is due (`sla`'s earliest running
    /// target); none while the customer has the ball or no clock runs.
    pub due_at: Option<Timestamp>,
    /// When that deadline becomes at risk (kept next to `due_at` for the
    /// supervisors' at-risk list).
    #[serde(default)]
    pub at_risk_at: Option<Timestamp>,
    /// The priority rule that set the priority at intake (`None`: the default,
    /// or set by hand).
    #[serde(default)]
    pub priority_rule: Option<String>,
    /// The SLA clock: the policy's code and one pausable clock per target.
    /// `None` while the bot has a chat (no person owes an answer yet).
    #[serde(default)]
    pub sla: Option<TicketSla>,
    pub first_response_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Optimistic-concurrency version: bumped by every stored change.
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("cannot {action} a ticket that is {from}")]
    Illegal { action: &'static str, from: Status },
    #[error("the ticket is already assigned to this operator")]
    AlreadyAssigned,
    #[error("the ticket is already a claim")]
    AlreadyClaim,
    #[error("nothing changes: the ticket already has this value")]
    Unchanged,
}

impl TransitionError {
    /// Stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::Illegal { .. } => "illegal_transition",
            TransitionError::AlreadyAssigned => "already_assigned",
            TransitionError::AlreadyClaim => "already_claim",
            TransitionError::Unchanged => "unchanged",
        }
    }
}

/// What [`Ticket::apply`] produced: the ticket as it is now and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub ticket: Ticket,
    pub events: Vec<TicketEvent>,
}

use Status::*;

impl Ticket {
    fn illegal(&self, action: &Action) -> TransitionError {
        TransitionError::Illegal {
            action: action.name(),
            from: self.status,
        }
    }

    /// Applies `action` at `now`. The input ticket is untouched; on success the
    /// returned ticket has `updated_at = now` (the store bumps `version`).
    pub fn apply(
        &self,
        action: &Action,
        actor: &Actor,
        rules: &DeadlineRules,
        now: Timestamp,
    ) -> Result<Outcome, TransitionError> {
        let mut t = self.clone();
        let mut events = Vec::new();
        let open = self.status.is_open();
        // Live conversations (chat, messengers) go back and forth in minutes:
        // a message there moves the SLA clock but not the status.
        let live = self.channel.is_live();
        match action {
            Action::HandToPerson => {
                if self.status != WithBot {
                    return Err(self.illegal(action));
                }
                t.status = Queued;
            }
            Action::Assign(op) => {
                if !open {
                    return Err(self.illegal(action));
                }
                if self.assignee == Some(*op) {
                    return Err(TransitionError::AlreadyAssigned);
                }
                t.assignee = Some(*op);
                if matches!(self.status, WithBot | Queued) {
                    t.status = Assigned;
                }
            }
            Action::Unassign => {
                if !open || self.assignee.is_none() {
                    return Err(self.illegal(action));
                }
                t.assignee = None;
                if self.status == Assigned {
                    t.status = Queued;
                }
            }
            Action::ReplyPublic if live => {
                if !open {
                    return Err(self.illegal(action));
                }
                t.first_response_at.get_or_insert(now);
            }
            Action::ReplyPublic => {
                if !open || self.status == WithBot {
                    return Err(self.illegal(action));
                }
                if t.assignee.is_none()
                    && let Actor::Operator(op) = actor
                {
                    t.assignee = Some(*op);
                }
                t.status = WaitingForCustomer;
                t.first_response_at.get_or_insert(now);
                events.push(TicketEvent::PublicReply);
            }
            Action::AddNote => {
                if self.status == Closed {
                    return Err(self.illegal(action));
                }
                events.push(TicketEvent::InternalNote);
            }
            Action::CustomerReply if live => {
                if !open {
                    return Err(self.illegal(action));
                }
            }
            Action::CustomerReply => {
                if !open {
                    return Err(self.illegal(action));
                }
                if self.status == WaitingForCustomer {
                    t.status = if t.assignee.is_some() {
                        Assigned
                    } else {
                        Queued
                    };
                }
                events.push(TicketEvent::CustomerMessage);
            }
            Action::Resolve => {
                if !open {
                    return Err(self.illegal(action));
                }
                t.status = Resolved;
                t.resolved_at = Some(now);
            }
            Action::Reopen => {
                if self.status != Resolved {
                    return Err(self.illegal(action));
                }
                t.status = if t.assignee.is_some() {
                    Assigned
                } else {
                    Queued
                };
                t.resolved_at = None;
                events.push(TicketEvent::Reopened);
            }
            Action::Close => {
                if self.status != Resolved {
                    return Err(self.illegal(action));
                }
                t.status = Closed;
            }
            Action::FileClaim => {
                if self.status == Closed {
                    return Err(self.illegal(action));
                }
                if self.kind == TicketKind::Claim {
                    return Err(TransitionError::AlreadyClaim);
                }
                t.kind = TicketKind::Claim;
                t.status = if t.assignee.is_some() {
                    Assigned
                } else {
                    Queued
                };
                t.resolved_at = None;
                t.priority = t.priority.max(Priority::High);
                events.push(TicketEvent::ClaimFiled);
            }
            Action::ChangePriority(p) => {
                if !open {
                    return Err(self.illegal(action));
                }
                if *p == self.priority {
                    return Err(TransitionError::Unchanged);
                }
                t.priority = *p;
            }
            Action::ChangeTopic {
                line,
                topic,
                problem,
                assignee,
                transfer,
            } => {
                if !open {
                    return Err(self.illegal(action));
                }
                let same_place = *line == self.line && *topic == self.topic;
                if same_place
                    && *problem == self.problem
                    && (!transfer || *assignee == self.assignee)
                {
                    return Err(TransitionError::Unchanged);
                }
                t.line = line.clone();
                t.topic = topic.clone();
                t.problem = problem.clone();
                if *transfer {
                    t.assignee = *assignee;
                    if self.status != WithBot {
                        t.status = if assignee.is_some() { Assigned } else { Queued };
                    }
                }
            }
            Action::Escalate => {
                if !open {
                    return Err(self.illegal(action));
                }
            }
            Action::MergeInto { target } => {
                if self.status == Closed || *target == self.number {
                    return Err(self.illegal(action));
                }
                t.status = Closed;
                events.push(TicketEvent::Merged {
                    source: self.number,
                    target: *target,
                });
            }
            Action::Unmerge { target, status } => {
                if self.status != Closed || matches!(status, Closed) {
                    return Err(self.illegal(action));
                }
                t.status = *status;
                events.push(TicketEvent::Unmerged {
                    source: self.number,
                    target: *target,
                });
            }
        }
        rules.keep_clock(self, &mut t, action, now, &mut events);
        let message_only = live && matches!(action, Action::ReplyPublic | Action::CustomerReply);
        if (message_only || matches!(action, Action::Escalate)) && t == *self {
            return Err(TransitionError::Unchanged);
        }
        t.updated_at = now;
        diff_events(self, &t, &mut events);
        Ok(Outcome { ticket: t, events })
    }
}

/// Field changes become audit events, so no transition can forget to log one.
fn diff_events(before: &Ticket, after: &Ticket, events: &mut Vec<TicketEvent>) {
    if before.status != after.status {
        events.push(TicketEvent::StatusChanged {
            from: before.status,
            to: after.status,
        });
    }
    if before.assignee != after.assignee {
        events.push(TicketEvent::Assigned {
            from: before.assignee,
            to: after.assignee,
        });
    }
    if before.line != after.line || before.topic != after.topic {
        events.push(TicketEvent::TopicChanged {
            from_line: before.line.clone(),
            from_topic: before.topic.clone(),
            to_line: after.line.clone(),
            to_topic: after.topic.clone(),
        });
    }
    if before.priority != after.priority {
        events.push(TicketEvent::PriorityChanged {
            from: before.priority,
            to: after.priority,
        });
    }
    if before.due_at != after.due_at {
        events.push(TicketEvent::DeadlineChanged {
            from: before.due_at,
            to: after.due_at,
        });
    }
    let policy = |t: &Ticket| t.sla.as_ref().map(|s| s.policy.clone());
    if policy(before) != policy(after) {
        events.push(TicketEvent::SlaPolicyChanged {
            from: policy(before),
            to: policy(after),
        });
    }
}

#[cfg(test)]
mod tests;
