//! What the PBX reports about a call: ringing, answered, hang-up, missed,
//! abandoned. Each event is applied by the domain (`Call::apply`) and saved
//! under the call's version, recomputed on a lost race; a repeat or late
//! event changes nothing and says so.

use switchboard_domain::phone::call::CallEventKind;
use switchboard_domain::phone::{
    Call, CallEvent, CallEventError, CallState, Callback, EventEffect,
};
use switchboard_store::StoreError;

use super::{callback_for, check_call_id, unknown_number};
use crate::{Core, CoreError, CoreResult, RefusalKind};

/// What an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOutcome {
    Applied,
    /// The same event again: nothing changed.
    Repeat,
    /// Late news that no longer changes anything.
    Stale,
}

/// The call after an event, and the callback it left, if any.
#[derive(Debug, Clone)]
pub struct EventReport {
    pub call: Call,
    pub outcome: EventOutcome,
    pub callback: Option<Callback>,
}

/// Attempts at saving an event against concurrent ones.
const ATTEMPTS: usize = 5;

impl Core {
    /// Applies one PBX event to a call. `operator` is the login the call
    /// rang (for `ringing` and `answered`).
    #[tracing::instrument(skip_all, fields(call_id, kind = kind.as_str()))]
    pub async fn call_event(
        &self,
        call_id: &str,
        kind: CallEventKind,
        operator: Option<&str>,
    ) -> CoreResult<EventReport> {
        check_call_id(call_id)?;
        for _ in 0..ATTEMPTS {
            let call = self.store.call(call_id).await?;
            let op = match operator {
                None => None,
                Some(login) => Some(
                    call.decision
                        .targets()
                        .iter()
                        .find(|t| t.login == login)
                        .map(|t| t.operator)
                        .ok_or_else(|| event_error(CallEventError::NotATarget))?,
                ),
            };
            let now = self.clock.now();
            let changed = match call
                .apply(&CallEvent { kind, operator: op }, now)
                .map_err(event_error)?
            {
                EventEffect::Changed(c) => *c,
                EventEffect::Repeat => return Ok(report(call, EventOutcome::Repeat)),
                EventEffect::Stale => return Ok(report(call, EventOutcome::Stale)),
            };
            match self.save_call_change(changed).await {
                Ok(r) => return Ok(r),
                Err(CoreError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(CoreError::Conflict("the call keeps changing".into()))
    }

    /// Saves a changed call with the callback it leaves; the router hears
    /// when an operator goes on or off the phone.
    pub(crate) async fn save_call_change(&self, call: Call) -> CoreResult<EventReport> {
        let rules = self.rules();
        let number = rules
            .phone
            .number(&call.number)
            .ok_or_else(unknown_number)?;
        let calendar = self.number_calendar(number);
        let now = self.clock.now();
        let callback = if call.state == CallState::Ended {
            callback_for(&call, number, &calendar, now)
        } else {
            None
        };
        let (stored, callback) = self
            .store
            .save_call(&call, callback.as_ref())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => unknown_number(),
                e => e.into(),
            })?;
        if callback.is_some() {
            self.metrics.callbacks_created.inc();
        }
        if stored.operator.is_some() {
            // On or off the phone: chat routing re-reads who is free.
            self.router.inbox().mark_stale();
        }
        Ok(EventReport {
            call: stored,
            outcome: EventOutcome::Applied,
            callback,
        })
    }
}

fn report(call: Call, outcome: EventOutcome) -> EventReport {
    EventReport {
        call,
        outcome,
        callback: None,
    }
}

fn event_error(e: CallEventError) -> CoreError {
    let (kind, code, ru, en) = match e {
        CallEventError::OperatorRequired => (
            RefusalKind::Invalid,
            "operator_required",
            "Укажите оператора (логин), которому звонит вызов",
            "Name the operator (login) the call rings",
        ),
        CallEventError::NotATarget => (
            RefusalKind::Invalid,
            "not_a_target",
            "Этот звонок не направлялся этому оператору",
            "The call was not offered to this operator",
        ),
        CallEventError::NotConnected => (
            RefusalKind::Conflict,
            "not_connected",
            "Звонок не соединялся с операторами",
            "The call was not connected to operators",
        ),
        CallEventError::AnsweredByAnother => (
            RefusalKind::Conflict,
            "answered_by_another",
            "На звонок уже ответил другой оператор",
            "Another operator already answered the call",
        ),
        CallEventError::Ended(_) => (
            RefusalKind::Conflict,
            "call_ended",
            "Звонок уже завершён",
            "The call already ended",
        ),
    };
    CoreError::refused(kind, code, ru, en)
}
