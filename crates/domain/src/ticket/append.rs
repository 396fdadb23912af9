//! A message appended to a ticket's conversation, whatever the channel: who
//! may write, and what the message does to the ticket.
//!
//! The store runs [`Ticket::append`] on the locked ticket inside the
//! transaction that stores the message, so the decision and the message are
//! one atomic change on every node.
//!
//! - The requester (customer or contact) writes to their own open ticket;
//!   another's looks absent.
//! - On a live channel an operator writes to conversations assigned to them
//!   (routing gave it; supervisors write anywhere). Elsewhere an operator
//!   answers unassigned tickets too, which takes them, but not a colleague's.
//! - Internal notes: any member of staff, until the ticket is closed.
//! - The bot and the system write whenever they need to.
//! - Public messages: a reply from support meets the first and next response
//!   targets and, off live channels, passes the ball to the customer; a
//!   requester's message makes an answer owed (see `Action::CustomerReply`).

use jiff::Timestamp;

use super::{Action, DeadlineRules, Outcome, Ticket, TransitionError};
use crate::vocab::{Actor, Status};

/// Who writes what kind of message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Append {
    pub author: Actor,
    /// An internal note (support only) rather than a message to the customer.
    pub internal: bool,
    /// The author is a supervisor or admin: they may write to any conversation.
    pub supervisor: bool,
}

/// Why a message was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendRefusal {
    /// No such conversation for this author (another customer's looks absent).
    NotFound,
    /// An operator writing to a conversation someone else holds.
    NotAssignee,
    /// The ticket is resolved or closed.
    Closed,
}

impl AppendRefusal {
    pub fn code(self) -> &'static str {
        match self {
            AppendRefusal::NotFound => "conversation_not_found",
            AppendRefusal::NotAssignee => "assigned_to_someone_else",
            AppendRefusal::Closed => "conversation_closed",
        }
    }
}

impl Ticket {
    /// Decides a message: refused, or accepted with the ticket as it is after
    /// it (unchanged, with no events, when the message changes nothing).
    pub fn append(
        &self,
        append: &Append,
        rules: &DeadlineRules,
        now: Timestamp,
    ) -> Result<Outcome, AppendRefusal> {
        let action = self.message_action(append)?;
        let Some(action) = action else {
            return Ok(self.unchanged());
        };
        match self.apply(&action, &append.author, rules, now) {
            Ok(outcome) => Ok(outcome),
            Err(TransitionError::Unchanged) => Ok(self.unchanged()),
            Err(_) => Err(AppendRefusal::Closed),
        }
    }

    fn unchanged(&self) -> Outcome {
        Outcome {
            ticket: self.clone(),
            events: Vec::new(),
        }
    }

    /// The state-machine action a message amounts to (none for the bot's and
    /// the system's), once the author is known to be allowed to write.
    fn message_action(&self, a: &Append) -> Result<Option<Action>, AppendRefusal> {
        let open = self.status.is_open();
        match &a.author {
            author if author.is_requester() => {
                if !self.requester.is(author) || a.internal {
                    return Err(AppendRefusal::NotFound);
                }
                if !open {
                    return Err(AppendRefusal::Closed);
                }
                Ok(Some(Action::CustomerReply))
            }
            Actor::Operator(_) if a.internal => {
                if self.status == Status::Closed {
                    return Err(AppendRefusal::Closed);
                }
                Ok(Some(Action::AddNote))
            }
            Actor::Operator(op) => {
                let mine = self.assignee == Some(*op);
                let may =
                    a.supervisor || mine || (!self.channel.is_live() && self.assignee.is_none());
                if !may {
                    return Err(AppendRefusal::NotAssignee);
                }
                if !open {
                    return Err(AppendRefusal::Closed);
                }
                if self.status == Status::WithBot && !self.channel.is_live() {
                    // Nobody answers a form ticket the bot still holds; it never happens
                    // in practice (only live conversations start with the bot).
                    return Err(AppendRefusal::Closed);
                }
                Ok(Some(Action::ReplyPublic))
            }
            _ => Ok(None),
        }
    }
}
