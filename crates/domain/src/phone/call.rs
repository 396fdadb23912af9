//! A call's life, from the PBX's events: offered (decided) → ringing →
//! answered → ended with an outcome. Events may come twice, late or out of
//! order; each is either a change, a repeat (nothing changes, the same
//! answer), or stale (it no longer matters: a `ringing` after the answer),
//! and only a contradiction is an error (answered by someone the call never
//! rang, answered after it ended unanswered).

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::ids::{OperatorId, PhoneNumber, TicketId};
use crate::phone::decide::{Caller, Decision};
use crate::vocab::{Requester, code_enum};

code_enum!(
    /// Where a call is.
    CallState {
        Offered = "offered",
        Ringing = "ringing",
        Answered = "answered",
        Ended = "ended",
    }
);

code_enum!(
    /// How a call ended (what reports count).
    Outcome {
        Answered = "answered",
        Missed = "missed",
        Abandoned = "abandoned",
        Rejected = "rejected",
        OffHours = "off_hours",
    }
);

impl Outcome {
    /// Outcomes that leave a callback task when the caller can be called back.
    pub fn wants_callback(self) -> bool {
        matches!(
            self,
            Outcome::Missed | Outcome::Abandoned | Outcome::OffHours
        )
    }
}

code_enum!(
    /// What the PBX reports.
    CallEventKind {
        Ringing = "ringing",
        Answered = "answered",
        Hangup = "hangup",
        Missed = "missed",
        Abandoned = "abandoned",
    }
);

/// One event from the PBX (`operator` for `ringing` and `answered`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEvent {
    pub kind: CallEventKind,
    pub operator: Option<OperatorId>,
}

/// A call as Switchboard keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// The PBX's id of the call (unique).
    pub call_id: String,
    /// The number called.
    pub number: PhoneNumber,
    pub caller: Caller,
    pub requester: Option<Requester>,
    pub line: String,
    pub decision: Decision,
    pub state: CallState,
    pub outcome: Option<Outcome>,
    /// Who answered.
    pub operator: Option<OperatorId>,
    pub ticket: Option<TicketId>,
    pub offered_at: Timestamp,
    pub answered_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    /// Closed by Switchboard because the PBX never reported its end.
    pub timed_out: bool,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallEventError {
    #[error("this event needs the operator")]
    OperatorRequired,
    #[error("the call was not offered to this operator")]
    NotATarget,
    #[error("the call was not connected to operators, nobody can answer it")]
    NotConnected,
    #[error("the call was answered by another operator")]
    AnsweredByAnother,
    #[error("the call already ended ({0})")]
    Ended(Outcome),
}

/// What an event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventEffect {
    /// The call changed (to this).
    Changed(Box<Call>),
    /// The same event again: nothing changed.
    Repeat,
    /// Late news (a `ringing` after the answer, `missed` after `answered`).
    Stale,
}

impl Call {
    /// The call's length once answered and ended.
    pub fn talk_time(&self) -> Option<SignedDuration> {
        Some(self.ended_at?.duration_since(self.answered_at?))
    }

    /// How the call ends if nobody answers it now (hang-up before an answer).
    fn unanswered_outcome(&self) -> Outcome {
        match &self.decision {
            Decision::Reject { .. } => Outcome::Rejected,
            Decision::Announce(a) if a.code == "off_hours" => Outcome::OffHours,
            Decision::Announce(a) if a.code == "not_eligible" => Outcome::Rejected,
            Decision::Announce(_) => Outcome::Missed,
            Decision::Connect { .. } => Outcome::Abandoned,
        }
    }

    fn ended(&self, outcome: Outcome, now: Timestamp) -> Call {
        let mut c = self.clone();
        c.state = CallState::Ended;
        c.outcome = Some(outcome);
        c.ended_at = Some(now);
        c
    }

    /// Applies one PBX event.
    pub fn apply(&self, e: &CallEvent, now: Timestamp) -> Result<EventEffect, CallEventError> {
        use CallEventKind as K;
        use CallState as S;
        let open = matches!(self.state, S::Offered | S::Ringing);
        match e.kind {
            K::Ringing => {
                let op = e.operator.ok_or(CallEventError::OperatorRequired)?;
                self.check_target(op)?;
                Ok(match self.state {
                    S::Offered => {
                        let mut c = self.clone();
                        c.state = S::Ringing;
                        EventEffect::Changed(Box::new(c))
                    }
                    S::Ringing => EventEffect::Repeat,
                    S::Answered | S::Ended => EventEffect::Stale,
                })
            }
            K::Answered => {
                let op = e.operator.ok_or(CallEventError::OperatorRequired)?;
                self.check_target(op)?;
                match (self.state, self.operator) {
                    (S::Offered | S::Ringing, _) => {
                        let mut c = self.clone();
                        c.state = S::Answered;
                        c.operator = Some(op);
                        c.answered_at = Some(now);
                        Ok(EventEffect::Changed(Box::new(c)))
                    }
                    (S::Answered | S::Ended, Some(by)) if by == op => Ok(EventEffect::Repeat),
                    (S::Answered, _) => Err(CallEventError::AnsweredByAnother),
                    (S::Ended, _) => Err(CallEventError::Ended(
                        self.outcome.unwrap_or(Outcome::Missed),
                    )),
                }
            }
            K::Hangup => Ok(match self.state {
                S::Answered => EventEffect::Changed(Box::new(self.ended(Outcome::Answered, now))),
                _ if open => {
                    EventEffect::Changed(Box::new(self.ended(self.unanswered_outcome(), now)))
                }
                _ => EventEffect::Repeat,
            }),
            K::Missed | K::Abandoned => {
                let outcome = if e.kind == K::Missed {
                    Outcome::Missed
                } else {
                    Outcome::Abandoned
                };
                if !matches!(self.decision, Decision::Connect { .. }) && open {
                    return Ok(EventEffect::Changed(Box::new(
                        self.ended(self.unanswered_outcome(), now),
                    )));
                }
                Ok(match self.state {
                    _ if open => EventEffect::Changed(Box::new(self.ended(outcome, now))),
                    S::Ended if self.outcome == Some(outcome) => EventEffect::Repeat,
                    _ => EventEffect::Stale,
                })
            }
        }
    }

    fn check_target(&self, op: OperatorId) -> Result<(), CallEventError> {
        match &self.decision {
            Decision::Connect { targets, .. } if targets.iter().any(|t| t.operator == op) => Ok(()),
            Decision::Connect { .. } => Err(CallEventError::NotATarget),
            _ => Err(CallEventError::NotConnected),
        }
    }

    /// Closes a call the PBX never finished: unanswered past `ring_limit`
    /// (missed, or what its announcement meant), or answered past
    /// `max_duration` (answered, ended now). `None`: leave it.
    pub fn time_out(
        &self,
        ring_limit: SignedDuration,
        max_duration: SignedDuration,
        now: Timestamp,
    ) -> Option<Call> {
        let mut c = match self.state {
            CallState::Offered | CallState::Ringing
                if now.duration_since(self.offered_at) >= ring_limit =>
            {
                let outcome = match self.decision {
                    Decision::Connect { .. } => Outcome::Missed,
                    _ => self.unanswered_outcome(),
                };
                self.ended(outcome, now)
            }
            CallState::Answered
                if now.duration_since(self.answered_at.unwrap_or(self.offered_at))
                    >= max_duration =>
            {
                self.ended(Outcome::Answered, now)
            }
            _ => return None,
        };
        c.timed_out = true;
        Some(c)
    }
}
