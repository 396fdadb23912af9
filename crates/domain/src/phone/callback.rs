//! A callback: the task a missed, abandoned or off-hours call leaves on its
//! line's queue, due within the number's `callback_within` business time.
//! An operator takes it (open → taken), calls back, and completes it with
//! the outcome (taken → done). One open callback per caller and line: a
//! caller who rings again while one waits adds to it.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{OperatorId, PhoneNumber};
use crate::vocab::{Requester, code_enum};

code_enum!(
    CallbackStatus {
        Open = "open",
        Taken = "taken",
        Done = "done",
    }
);

code_enum!(
    /// How calling back went.
    CallbackOutcome {
        Reached = "reached",
        NoAnswer = "no_answer",
        WrongNumber = "wrong_number",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    pub id: i64,
    /// The call that asked for it (the first, when several did).
    pub call_id: String,
    pub phone: PhoneNumber,
    /// The number that was called.
    pub number: PhoneNumber,
    pub line: String,
    pub requester: Option<Requester>,
    pub status: CallbackStatus,
    pub operator: Option<OperatorId>,
    pub due_at: Timestamp,
    pub created_at: Timestamp,
    pub taken_at: Option<Timestamp>,
    pub done_at: Option<Timestamp>,
    pub outcome: Option<CallbackOutcome>,
    pub note: Option<String>,
    /// Calls that asked for it.
    pub calls: i64,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("the callback is already taken by another operator")]
    TakenByAnother,
    #[error("the callback is done")]
    Done,
    #[error("take the callback before completing it")]
    NotTaken,
}

impl Callback {
    /// `Ok(None)`: this operator already holds it.
    pub fn take(&self, op: OperatorId, now: Timestamp) -> Result<Option<Callback>, CallbackError> {
        match self.status {
            CallbackStatus::Open => {
                let mut c = self.clone();
                c.status = CallbackStatus::Taken;
                c.operator = Some(op);
                c.taken_at = Some(now);
                Ok(Some(c))
            }
            CallbackStatus::Taken if self.operator == Some(op) => Ok(None),
            CallbackStatus::Taken => Err(CallbackError::TakenByAnother),
            CallbackStatus::Done => Err(CallbackError::Done),
        }
    }

    /// Completes a callback `op` holds (`override_holder`: a supervisor).
    pub fn complete(
        &self,
        op: OperatorId,
        override_holder: bool,
        outcome: CallbackOutcome,
        note: Option<String>,
        now: Timestamp,
    ) -> Result<Callback, CallbackError> {
        match self.status {
            CallbackStatus::Open => Err(CallbackError::NotTaken),
            CallbackStatus::Done => Err(CallbackError::Done),
            CallbackStatus::Taken if self.operator != Some(op) && !override_holder => {
                Err(CallbackError::TakenByAnother)
            }
            CallbackStatus::Taken => {
                let mut c = self.clone();
                c.status = CallbackStatus::Done;
                c.outcome = Some(outcome);
                c.note = note;
                c.done_at = Some(now);
                Ok(c)
            }
        }
    }

    /// Done within its deadline (what reports count).
    pub fn in_time(&self) -> bool {
        self.done_at.is_some_and(|d| d <= self.due_at)
    }
}
