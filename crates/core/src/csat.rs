//! Customer satisfaction: asking once after resolution, on the channel the
//! customer used, and taking the rating back.
//!
//! [`Core::ask_for_ratings`] (a worker step, run every few seconds) finds
//! resolved tickets with no request yet and, unless the customer was asked
//! about another ticket within `min_interval_days`, sends a link by the
//! route replies take (the mail or messenger thread, else the customer's
//! chosen e-mail, SMS or push) — or, for a web chat, writes the request into
//! the conversation, where the chat shows 1–5 buttons for it. The request
//! row is keyed by the ticket, so nobody is asked twice about one ticket
//! however many workers race. [`Core::rate`] stores a rating once; a low one
//! alerts every supervisor and, when configured, reopens the ticket.

use std::time::Duration;

use jiff::SignedDuration;
use sha2::{Digest, Sha256};
use switchboard_domain::conversation::Medium;
use switchboard_domain::csat::{self, CsatRules, MAX_COMMENT_CHARS, Score};
use switchboard_domain::ids::TicketId;
use switchboard_domain::notification;
use switchboard_domain::ticket::{Action, Actor, Channel, Requester, Status, Ticket, TicketEvent};
use switchboard_store::{
    CsatAsk, CsatState, NewMessage, Role, StoreError, TicketChange, Visibility,
};

use crate::Core;
use crate::config::CsatConfig;
use crate::error::{CoreError, CoreResult, RefusalKind};

/// Tickets considered per step.
const BATCH: u32 = 100;

impl CsatConfig {
    pub fn rules(&self) -> CsatRules {
        CsatRules {
            enabled: self.enabled,
            min_interval: SignedDuration::from_hours(24 * i64::from(self.min_interval_days)),
            ask_within: SignedDuration::from_hours(i64::from(self.ask_within_hours)),
            low_at_most: self.low_at_most,
            reopen_on_low: self.reopen_on_low,
        }
    }
}

/// The SHA-256 of a rating link's token, as stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn requester_key(r: &Requester) -> String {
    match r {
        Requester::Customer(c) => format!("customer:{}", c.as_str()),
        Requester::Contact(c) => format!("contact:{}", c.0),
    }
}

/// Who is rating: the holder of a link, or a signed-in customer on their ticket.
pub enum Rater<'a> {
    Link(&'a str),
    Customer(&'a Actor, TicketId),
}

impl Core {
    /// Asks about every ticket resolved lately that was not asked about;
    /// returns how many requests went out.
    pub async fn ask_for_ratings(&self) -> CoreResult<usize> {
        let cfg = &self.config.csat;
        let rules = cfg.rules();
        if !rules.enabled {
            return Ok(0);
        }
        let now = self.clock.now();
        let tickets = self
            .store
            .unasked_resolved(now - rules.ask_within, BATCH)
            .await?;
        let mut sent = 0;
        for t in tickets {
            let requester = requester_key(&t.requester);
            let last = self.store.last_csat_request(&requester).await?;
            let ask = if rules.may_ask(last, now) {
                self.request_for(&t, requester, now).await
            } else {
                CsatAsk {
                    ticket: t.id,
                    requester,
                    token_hash: None,
                    medium: None,
                    at: now,
                    change: None,
                }
            };
            let asked = ask.change.is_some();
            match self.store.ask_rating(&ask).await {
                Ok(()) => sent += usize::from(asked),
                // Another node asked first, or the ticket moved on: next step.
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(sent)
    }

    async fn request_for(&self, t: &Ticket, requester: String, now: jiff::Timestamp) -> CsatAsk {
        let mut raw = [0u8; 24];
        let token = match getrandom::fill(&mut raw) {
            Ok(()) => hex::encode(raw),
            Err(_) => {
                return CsatAsk {
                    ticket: t.id,
                    requester,
                    token_hash: None,
                    medium: None,
                    at: now,
                    change: None,
                };
            }
        };
        let link = format!(
            "{}/rate/{token}",
            self.config.csat.public_url.trim_end_matches('/')
        );
        let customer = self.customer_of(&t.requester).await;
        let locale = self.requester_locale(t).await.unwrap_or_default();
        let mut ticket = t.clone();
        ticket.updated_at = now;
        let (medium, outbound, message) = match notification::reply_route(t, customer.as_ref()) {
            Some(route) => {
                let medium = route.medium.as_str().to_owned();
                let mut out = csat::request(route, locale, t.number, &link);
                if matches!(out.route.medium, Medium::Telegram | Medium::Vk) {
                    out.buttons = csat::rating_buttons(&token);
                }
                (Some(medium), vec![out], None)
            }
            None if t.channel == Channel::Chat => {
                let (_, text) = csat::request_text(locale, t.number, &link, true);
                let message = NewMessage {
                    author: Actor::Bot,
                    visibility: Visibility::Public,
                    body: text,
                    attachments: Vec::new(),
                };
                (Some("chat".to_owned()), Vec::new(), Some(message))
            }
            None => (None, Vec::new(), None),
        };
        let change = medium.clone().map(|medium| TicketChange {
            ticket,
            actor: Actor::System,
            events: vec![TicketEvent::CsatRequested { medium }],
            message,
            outbound,
        });
        CsatAsk {
            ticket: t.id,
            requester,
            token_hash: change.as_ref().map(|_| token_hash(&token)),
            medium,
            at: now,
            change,
        }
    }

    /// Stores a rating (1–5, optional comment) once. A low rating alerts the
    /// supervisors and, when configured, reopens a resolved ticket.
    pub async fn rate(
        &self,
        rater: Rater<'_>,
        score: Score,
        comment: Option<&str>,
    ) -> CoreResult<Ticket> {
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS) {
            return Err(CoreError::field(
                "comment",
                "too_long",
                "Комментарий длиннее 2000 знаков",
                "The comment is longer than 2,000 characters",
            ));
        }
        let comment = comment.map(|c| crate::judgement::customer_message(c).text);
        let (record, actor) = match rater {
            Rater::Link(token) => {
                let record = self
                    .store
                    .csat_by_token(&token_hash(token))
                    .await?
                    .ok_or(CoreError::NotFound)?;
                let t = self.store.ticket(record.ticket).await?;
                (record, t.requester.actor())
            }
            Rater::Customer(actor, ticket) => {
                let record = self.store.csat_of(ticket).await?.ok_or_else(not_asked)?;
                (record, actor.clone())
            }
        };
        match record.state {
            CsatState::Asked => {}
            CsatState::Rated => {
                return Err(CoreError::refused(
                    RefusalKind::Conflict,
                    "already_rated",
                    "Вы уже оценили это обращение",
                    "You have already rated this request",
                ));
            }
            CsatState::Skipped => return Err(not_asked()),
        }
        let rules = self.config.csat.rules();
        let low = rules.is_low(score);
        let supervisors: Vec<_> = if low {
            self.store
                .operators()
                .await?
                .into_iter()
                .filter(|o| o.active && o.role != Role::Operator)
                .map(|o| o.id)
                .collect()
        } else {
            Vec::new()
        };
        crate::act::retrying(|| async {
            let t = self.store.ticket(record.ticket).await?;
            let now = self.clock.now();
            let rated = TicketEvent::Rated {
                score: score.get(),
                comment: comment.clone(),
            };
            let (ticket, mut events) = if low && rules.reopen_on_low && t.status == Status::Resolved
            {
                let outcome = t.apply(&Action::Reopen, &actor, &self.rules().deadlines, now)?;
                (outcome.ticket, outcome.events)
            } else {
                let mut same = t.clone();
                same.updated_at = now;
                (same, Vec::new())
            };
            events.push(rated.clone());
            let change = TicketChange {
                ticket,
                actor: actor.clone(),
                events,
                message: None,
                outbound: Vec::new(),
            };
            let alerts: Vec<_> = supervisors.iter().map(|s| (*s, rated.clone())).collect();
            Ok(self
                .store
                .rate(score.get(), comment.as_deref(), &change, &alerts)
                .await?)
        })
        .await
    }

    /// Keeps asking until `stop` turns true.
    pub async fn run_ratings(
        self: std::sync::Arc<Self>,
        every: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        loop {
            if let Err(e) = self.ask_for_ratings().await {
                tracing::warn!(error = %e, "rating requests not sent");
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.changed() => return,
            }
        }
    }
}

fn not_asked() -> CoreError {
    CoreError::refused(
        RefusalKind::Conflict,
        "rating_not_requested",
        "Оценка этого обращения не запрашивалась",
        "No rating was requested for this request",
    )
}
