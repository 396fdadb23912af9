//! Callback tasks (take, complete), calls closing themselves when the PBX
//! never reports their end, and linking a call to a ticket.

use std::sync::Arc;
use std::time::Duration;

use switchboard_domain::ids::TicketId;
use switchboard_domain::phone::{Call, Callback, CallbackError, CallbackOutcome};
use switchboard_domain::ticket::{Actor, TicketEvent};
use switchboard_store::{Operator, Role, StoreError};

use super::check_call_id;
use crate::{Core, CoreError, CoreResult, RefusalKind};

/// Calls looked at per sweep step.
const SWEEP_BATCH: u32 = 200;

impl Core {
    /// An operator takes a callback of a line whose calls they may answer.
    pub async fn take_callback(&self, id: i64, staff: &Operator) -> CoreResult<Callback> {
        let cb = self.store.callback(id).await?;
        self.may_call_back(&cb, staff)?;
        match cb
            .take(staff.id, self.clock.now())
            .map_err(callback_error)?
        {
            Some(taken) => Ok(self.store.save_callback(&taken).await?),
            None => Ok(cb),
        }
    }

    /// Completes a callback with how it went.
    pub async fn complete_callback(
        &self,
        id: i64,
        staff: &Operator,
        outcome: CallbackOutcome,
        note: Option<String>,
    ) -> CoreResult<Callback> {
        let cb = self.store.callback(id).await?;
        self.may_call_back(&cb, staff)?;
        let supervisor = staff.role != Role::Operator;
        let done = cb
            .complete(staff.id, supervisor, outcome, note, self.clock.now())
            .map_err(callback_error)?;
        Ok(self.store.save_callback(&done).await?)
    }

    fn may_call_back(&self, cb: &Callback, staff: &Operator) -> CoreResult<()> {
        let rules = self.rules();
        let skill = rules
            .phone
            .number(&cb.number)
            .map_or(cb.line.as_str(), |n| n.skill.as_str());
        let skilled = staff
            .skills
            .iter()
            .any(|s| s == skill || s.strip_prefix(skill).is_some_and(|r| r.starts_with('.')));
        if staff.role == Role::Operator && !skilled {
            return Err(CoreError::refused(
                RefusalKind::Forbidden,
                "not_your_queue",
                "Этот обратный звонок — в очереди линии, которую вы не обслуживаете",
                "This callback is on the queue of a line you do not serve",
            ));
        }
        Ok(())
    }

    /// Closes calls the PBX never finished (see `Call::time_out`), leaving
    /// their callbacks; returns how many it closed.
    pub async fn close_stale_calls(&self) -> CoreResult<usize> {
        let book = &self.rules().phone;
        let mut closed = 0;
        for call in self.store.open_calls(SWEEP_BATCH).await? {
            let Some(ended) = call.time_out(book.ring_limit, book.max_duration, self.clock.now())
            else {
                continue;
            };
            match self.save_call_change(ended).await {
                Ok(_) => closed += 1,
                // An event came meanwhile: the next sweep looks again.
                Err(CoreError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(closed)
    }

    /// Runs [`Core::close_stale_calls`] every `every` until the process ends.
    pub async fn run_call_sweeper(self: Arc<Self>, every: Duration) {
        loop {
            tokio::time::sleep(every).await;
            if let Err(e) = self.close_stale_calls().await {
                tracing::warn!(error = %e, "closing stale calls failed");
            }
        }
    }

    /// Links a call to a ticket: the ticket's audit log gets a `call` entry
    /// (number, caller, outcome, who answered, times). A call belongs to one
    /// ticket; linking it again to the same one changes nothing.
    pub async fn attach_call(
        &self,
        call_id: &str,
        ticket: TicketId,
        staff: &Operator,
    ) -> CoreResult<Call> {
        check_call_id(call_id)?;
        let t = self.store.ticket(ticket).await?;
        let call = self.store.call(call_id).await?;
        match call.ticket {
            Some(id) if id == t.id => return Ok(call),
            Some(_) => {
                return Err(CoreError::refused(
                    RefusalKind::Conflict,
                    "call_already_attached",
                    "Звонок уже привязан к другому обращению",
                    "The call is already attached to another ticket",
                ));
            }
            None => {}
        }
        let mut linked = call.clone();
        linked.ticket = Some(t.id);
        let event = TicketEvent::Call {
            call_id: call.call_id.clone(),
            number: call.number.as_str().to_owned(),
            caller: call.caller.number().map(|n| n.as_str().to_owned()),
            outcome: call.outcome.map(|o| o.as_str().to_owned()),
            operator: call.operator,
            offered_at: call.offered_at,
            answered_at: call.answered_at,
            ended_at: call.ended_at,
        };
        self.store
            .attach_call(&linked, &Actor::Operator(staff.id), &event)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => CoreError::Conflict("the call changed meanwhile".into()),
                e => e.into(),
            })
    }
}

fn callback_error(e: CallbackError) -> CoreError {
    let (code, ru, en) = match e {
        CallbackError::TakenByAnother => (
            "callback_taken",
            "Обратный звонок уже взял другой оператор",
            "Another operator has taken this callback",
        ),
        CallbackError::Done => (
            "callback_done",
            "Обратный звонок уже выполнен",
            "The callback is done",
        ),
        CallbackError::NotTaken => (
            "callback_not_taken",
            "Сначала возьмите обратный звонок",
            "Take the callback first",
        ),
    };
    CoreError::refused(RefusalKind::Conflict, code, ru, en)
}
