//! The phone channel's use cases (issue 11): a CTI that decides. The PBX
//! asks what to do with each call ([`Core::offer_call`]) and reports what
//! happened ([`Core::call_event`]); calls the PBX forgets close themselves
//! ([`Core::close_stale_calls`]); missed, abandoned and off-hours calls
//! leave callback tasks operators take and complete ([`callbacks`]); staff
//! link a call to a ticket, whose audit log then shows it.
//!
//! Decisions use what every channel uses: the numbers' calendars, the
//! customer the caller's number belongs to (their bookings for travel),
//! operators' presence, skills and chat load. An operator talking on the
//! phone is busy for chat (the store leaves them out of chat routing), and
//! an operator at their chat capacity is not offered calls.

pub mod callbacks;
mod events;
mod offer;
mod pop;

pub use events::{EventOutcome, EventReport};
pub use offer::{CallOffer, Offered};

use jiff::Timestamp;
use switchboard_domain::phone::{Call, Outcome};
use switchboard_domain::phone::{Callback, CallbackStatus, NumberConfig};

use crate::{CoreError, RefusalKind};

impl crate::Core {
    /// The calendar a number works by (its line's, should the code be gone).
    pub(crate) fn number_calendar(
        &self,
        number: &NumberConfig,
    ) -> std::sync::Arc<switchboard_domain::calendar::Calendar> {
        let rules = self.rules();
        rules
            .calendars
            .get(&number.calendar)
            .unwrap_or_else(|| rules.calendars.for_line(&number.line))
            .clone()
    }
}

/// Longest call id accepted from a PBX.
pub const MAX_CALL_ID: usize = 128;

/// The callback a finished call leaves, if it should leave one.
pub(crate) fn callback_for(
    call: &Call,
    number: &NumberConfig,
    calendar: &switchboard_domain::calendar::Calendar,
    now: Timestamp,
) -> Option<Callback> {
    let outcome = call.outcome?;
    let phone = call.caller.number()?.clone();
    if !Outcome::wants_callback(outcome) {
        return None;
    }
    Some(Callback {
        id: 0,
        call_id: call.call_id.clone(),
        phone,
        number: call.number.clone(),
        line: call.line.clone(),
        requester: call.requester.clone(),
        status: CallbackStatus::Open,
        operator: None,
        due_at: calendar.add_business(now, number.callback_within),
        created_at: now,
        taken_at: None,
        done_at: None,
        outcome: None,
        note: None,
        calls: 1,
        version: 0,
    })
}

/// A call id as the PBX sends it: 1–128 visible ASCII characters.
pub(crate) fn check_call_id(id: &str) -> Result<(), CoreError> {
    if id.is_empty() || id.len() > MAX_CALL_ID || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(CoreError::field(
            "call_id",
            "invalid_call_id",
            "Идентификатор звонка: от 1 до 128 видимых символов ASCII",
            "A call id is 1–128 visible ASCII characters",
        ));
    }
    Ok(())
}

pub(crate) fn unknown_number() -> CoreError {
    CoreError::refused(
        RefusalKind::Invalid,
        "unknown_number",
        "Этот номер не обслуживается: его нет в настройках телефонии",
        "This number is not served: it is not in the phone configuration",
    )
}
