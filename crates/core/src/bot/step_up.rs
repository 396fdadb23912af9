//! "Call an operator": bank topics first need the one-time SMS code (kept
//! only as a keyed hash), then the conversation goes to the queue.

use jiff::Timestamp;
use switchboard_domain::bot::{
    self as rules, Input, StepUpOutcome, StepUpRefusal, Verdict, texts as bot_text,
};
use switchboard_domain::conversation::{Medium, Outbound, OutboundKind, Route};
use switchboard_domain::customer::Customer;
use switchboard_domain::i18n::Text;
use switchboard_domain::notification;
use switchboard_domain::ticket::{Action, Actor, Status, Ticket, TicketEvent};

use super::not_with_bot;
use crate::{Core, CoreError, CoreResult, Refusal, RefusalKind};

/// What "Call an operator" led to.
#[derive(Debug, Clone)]
pub enum CallOutcome {
    Queued,
    CodeSent {
        phone: String,
        expires_at: Timestamp,
    },
}

impl Core {
    /// "Call an operator": bank topics first need the SMS code.
    pub async fn call_operator(
        &self,
        customer: &Customer,
        number: &str,
    ) -> CoreResult<CallOutcome> {
        let t = self.own_conversation(customer, number).await?;
        match self.flow_step(&t, Input::CallOperator).await? {
            rules::Step::SendCode => self.send_code(customer, &t).await,
            _ => {
                let actor = Actor::Customer(customer.id.clone());
                self.hand_over(&actor, customer.locale, &t).await?;
                Ok(CallOutcome::Queued)
            }
        }
    }

    /// Hands the conversation to a person, as the requester (`actor`).
    pub(crate) async fn hand_over(
        &self,
        actor: &Actor,
        locale: switchboard_domain::i18n::Locale,
        t: &Ticket,
    ) -> CoreResult<()> {
        self.bot_says(t, bot_text::handed_over(locale), None).await;
        if let Some(from) = self.rules().off_hours_until(&t.line, self.clock.now()) {
            let tz = self.rules().calendars.for_line(&t.line).time_zone().clone();
            let note = notification::off_hours_note(locale, from, &tz);
            self.bot_says(t, note, None).await;
        }
        self.act(t.id, actor, &Action::HandToPerson, &|t| {
            if t.status == Status::WithBot {
                Ok(())
            } else {
                Err(not_with_bot())
            }
        })
        .await?;
        self.metrics.chat_handed_over.inc();
        self.router.inbox().wake.notify_one();
        Ok(())
    }

    async fn send_code(&self, customer: &Customer, t: &Ticket) -> CoreResult<CallOutcome> {
        let Some(phone) = &customer.phone else {
            return Err(CoreError::refused(
                RefusalKind::Invalid,
                "no_phone",
                "В профиле нет телефона для кода подтверждения; позвоните в банк",
                "Your profile has no phone number for the confirmation code; please call the bank",
            ));
        };
        let mut raw = [0u8; 8];
        getrandom::fill(&mut raw).map_err(|e| CoreError::internal("randomness", e))?;
        let code = rules::code_from_random(u64::from_le_bytes(raw));
        let now = self.clock.now();
        let state = self
            .store
            .step_up(t.id)
            .await?
            .issue(
                &self.step_up,
                rules::hash_code(&self.step_up_key, t.id, &code),
                now,
            )
            .map_err(|r| CoreError::chat(RefusalKind::TooMany, r.refusal()))?;
        let (subject, text) = bot_text::code_sms(customer.locale, &code);
        let sms = Outbound {
            kind: OutboundKind::StepUpCode,
            route: Route {
                medium: Medium::Sms,
                recipient: phone.as_str().to_owned(),
                endpoint: None,
                thread: None,
            },
            subject,
            text,
            attachments: Vec::new(),
            sensitive: true,
            buttons: Vec::new(),
        };
        let sent = TicketEvent::StepUp {
            outcome: StepUpOutcome::CodeSent,
        };
        self.store
            .save_step_up(t.id, &state, &Actor::Bot, Some(&sent), Some(&sms), now)
            .await?;
        let masked = rules::mask_phone(phone.as_str());
        self.bot_says(t, bot_text::code_sent(customer.locale, &masked), None)
            .await;
        Ok(CallOutcome::CodeSent {
            phone: masked,
            expires_at: state.expires_at.unwrap_or(now),
        })
    }

    /// The customer enters the SMS code; a right one hands the conversation over.
    pub async fn enter_code(
        &self,
        customer: &Customer,
        number: &str,
        code: &str,
    ) -> CoreResult<()> {
        let t = self.own_conversation(customer, number).await?;
        if t.status != Status::WithBot {
            return Err(not_with_bot());
        }
        let code = code.trim();
        let state = self.store.step_up(t.id).await?;
        let matches = rules::code_well_formed(code)
            && state.code_hash.as_deref()
                == Some(rules::hash_code(&self.step_up_key, t.id, code).as_str());
        let now = self.clock.now();
        let (next, verdict) = state
            .verify(&self.step_up, matches, now)
            .map_err(|r| CoreError::chat(RefusalKind::Conflict, r.refusal()))?;
        let outcome = TicketEvent::StepUp {
            outcome: verdict.outcome(),
        };
        let actor = Actor::Customer(customer.id.clone());
        self.store
            .save_step_up(t.id, &next, &actor, Some(&outcome), None, now)
            .await?;
        match verdict {
            Verdict::Passed => {
                self.bot_says(&t, bot_text::code_accepted(customer.locale), None)
                    .await;
                let actor = Actor::Customer(customer.id.clone());
                self.hand_over(&actor, customer.locale, &t).await
            }
            Verdict::Wrong { tries_left } => Err(CoreError::Refused(Refusal {
                kind: RefusalKind::Invalid,
                code: "wrong_code",
                message: Text::new(
                    format!("Код неверный. Осталось попыток: {tries_left}"),
                    format!("Wrong code. Tries left: {tries_left}"),
                ),
                tries_left: Some(tries_left),
            })),
            Verdict::LockedOut { until } => Err(CoreError::chat(
                RefusalKind::TooMany,
                StepUpRefusal::Locked { until }.refusal(),
            )),
            Verdict::Expired => Err(CoreError::refused(
                RefusalKind::Gone,
                "code_expired",
                "Срок действия кода истёк: нажмите «Позвать оператора», чтобы получить новый",
                "The code has expired: press \"Call an operator\" to get a new one",
            )),
        }
    }
}
