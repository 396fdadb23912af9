//! "A call comes in: what do I do?" — one decision per call id.

use switchboard_domain::conversation::Address;
use switchboard_domain::customer::Customer;
use switchboard_domain::ids::PhoneNumber;
use switchboard_domain::phone::{
    Call, CallState, Caller, Candidate, Decision, DecisionFacts, Outcome, decide,
};
use switchboard_domain::ticket::{Channel, Requester};
use switchboard_store::StoreError;

use super::{callback_for, check_call_id, unknown_number};
use crate::{Core, CoreError, CoreResult, RefusalKind};

/// What the PBX asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOffer {
    pub call_id: String,
    /// The number called, as the PBX gives it.
    pub to: String,
    /// The caller id, as the PBX gives it (absent: withheld).
    pub from: Option<String>,
}

/// The decision, and whether this call id was asked about before.
#[derive(Debug, Clone)]
pub struct Offered {
    pub call: Call,
    pub repeated: bool,
}

impl Core {
    /// Decides a call. Idempotent by call id: the same question gets the
    /// same answer; the same id for another call is refused.
    #[tracing::instrument(skip_all, fields(call_id = %offer.call_id))]
    pub async fn offer_call(&self, offer: &CallOffer) -> CoreResult<Offered> {
        check_call_id(&offer.call_id)?;
        let called = match Caller::parse(Some(&offer.to)) {
            Caller::Number(n) => n,
            _ => return Err(unknown_number()),
        };
        let book = &self.rules().phone;
        let number = book.number(&called).ok_or_else(unknown_number)?;
        let caller = Caller::parse(offer.from.as_deref());
        match self.store.call(&offer.call_id).await {
            Ok(known) => return same_call(known, &called, &caller),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        let now = self.clock.now();
        let (requester, customer) = self.caller_identity(&caller, number.locale, now).await?;
        let calendar = self.number_calendar(number);
        let operators: Vec<Candidate> = self
            .store
            .online_operators(now)
            .await?
            .into_iter()
            .map(|l| Candidate {
                operator: l.operator.id,
                login: l.operator.login.as_str().to_owned(),
                skills: l.operator.skills,
                capacity: l.operator.capacity,
                chat_load: l.load,
                on_call: false,
            })
            .collect();
        let decision = decide(&DecisionFacts {
            number,
            caller: &caller,
            customer: customer.as_ref(),
            blocked: caller.number().is_some_and(|n| book.is_blocked(n)),
            calendar: &calendar,
            operators: &operators,
            now,
        });
        let mut call = Call {
            call_id: offer.call_id.clone(),
            number: called,
            caller,
            requester,
            line: number.line.clone(),
            state: CallState::Offered,
            outcome: None,
            operator: None,
            ticket: None,
            offered_at: now,
            answered_at: None,
            ended_at: None,
            timed_out: false,
            version: 1,
            decision,
        };
        // Only a connected call waits for the PBX's news; any other is
        // decided for good now (an off-hours call leaves its callback now).
        let outcome = match &call.decision {
            Decision::Connect { .. } => None,
            Decision::Reject { .. } => Some(Outcome::Rejected),
            Decision::Announce(a) if a.code == "off_hours" => Some(Outcome::OffHours),
            Decision::Announce(a) if a.code == "no_operators" => Some(Outcome::Missed),
            Decision::Announce(_) => Some(Outcome::Rejected),
        };
        if let Some(outcome) = outcome {
            call.state = CallState::Ended;
            call.outcome = Some(outcome);
            call.ended_at = Some(now);
        }
        let callback = callback_for(&call, number, &calendar, now);
        let pop = match &call.decision {
            Decision::Connect { targets, .. } => Some(
                self.screen_pop(&call, number, customer.as_ref(), targets)
                    .await?,
            ),
            _ => None,
        };
        let (stored, fresh) = self
            .store
            .offer_call(&call, callback.as_ref(), pop.as_ref())
            .await?;
        if !fresh {
            return same_call(stored, &call.number, &call.caller);
        }
        self.metrics.calls_offered.inc();
        Ok(Offered {
            call: stored,
            repeated: false,
        })
    }

    /// The customer (or contact) a caller's number belongs to.
    async fn caller_identity(
        &self,
        caller: &Caller,
        locale: switchboard_domain::i18n::Locale,
        now: jiff::Timestamp,
    ) -> CoreResult<(Option<Requester>, Option<Customer>)> {
        let Some(n) = caller.number() else {
            return Ok((None, None));
        };
        let address = Address {
            channel: Channel::Phone,
            value: n.as_str().to_owned(),
            name: None,
        };
        let requester = self.store.resolve_address(&address, locale, now).await?;
        let customer = match &requester {
            Requester::Customer(id) => match self.store.customer(id).await {
                Ok(c) => Some(c),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            Requester::Contact(_) => None,
        };
        Ok((Some(requester), customer))
    }
}

/// The stored call, when the PBX asks again about the same call; a refusal
/// when the id now names another call.
fn same_call(known: Call, called: &PhoneNumber, caller: &Caller) -> CoreResult<Offered> {
    if &known.number == called && &known.caller == caller {
        Ok(Offered {
            call: known,
            repeated: true,
        })
    } else {
        Err(CoreError::refused(
            RefusalKind::Conflict,
            "call_id_reused",
            "Этот идентификатор звонка уже использован для другого звонка",
            "This call id was already used for another call",
        ))
    }
}
