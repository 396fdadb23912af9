//! Tickets that are one request (SPEC §6): a requester's repeated question
//! is joined to their open ticket instead of opening another, whichever
//! channel each came through; operators merge two tickets by hand, and undo it.
//!
//! A merge closes the source (status `closed`, a `ticket_merges` row keeps
//! the status to restore) and the target's dialogue shows the source's
//! messages from then on; unmerging restores the source and stops showing
//! them. Both tickets get a `merged` / `unmerged` audit event in the same
//! transaction as the change.

use jiff::Timestamp;
use switchboard_domain::ids::{OrderNumber, TicketNumber};
use switchboard_domain::ticket::{Action, Actor, Requester, Status, Ticket, TicketEvent};
use switchboard_hygiene::DuplicateDetector;
use switchboard_hygiene::duplicates::{DuplicateCandidate, DuplicateContext};
use switchboard_store::{StoreError, TicketChange, Visibility};

use crate::act::Allow;
use crate::{Core, CoreError, CoreResult, RefusalKind};

/// Open tickets of a requester looked at for a repeat, newest first.
const OPEN_TICKETS_CHECKED: u32 = 20;
/// The requester's own messages per ticket compared with a new question, newest first.
const MESSAGES_CHECKED: usize = 50;

fn is_open(status: Status) -> bool {
    status.is_open()
}

/// A new question as duplicate detection sees it.
pub struct Question<'a> {
    pub text: &'a str,
    pub order: Option<&'a OrderNumber>,
    /// The topic the requester chose, when the channel asks for one.
    pub topic: Option<&'a str>,
    pub channel: &'a str,
    /// Our side it came to (the bot, the community, the mailbox).
    pub endpoint: Option<&'a str>,
}

impl Question<'_> {
    /// Two bots (or two communities) are two separate ways in, often for
    /// different businesses: one person writing to both is not one request.
    fn other_way_in(&self, t: &Ticket) -> bool {
        crate::messenger::link::is_messenger(t.channel)
            && t.channel.as_str() == self.channel
            && t.origin.as_ref().map(|o| o.endpoint.as_str()) != self.endpoint
    }
}

impl Core {
    /// The requester's open ticket that `question` repeats, if any: the one
    /// whose requester messages it matches best, given what else is known
    /// (the order, the topic, how recent). Questions about two different
    /// orders or topics are different questions, whatever their words.
    #[tracing::instrument(skip_all, fields(requester = %requester))]
    pub async fn find_open_duplicate(
        &self,
        requester: &Requester,
        question: &Question<'_>,
    ) -> CoreResult<Option<Ticket>> {
        let open = self
            .store
            .open_tickets_of(requester, OPEN_TICKETS_CHECKED)
            .await?;
        let open: Vec<Ticket> = open
            .into_iter()
            .filter(|t| !question.other_way_in(t))
            .collect();
        if open.is_empty() {
            return Ok(None);
        }
        let now = self.clock.now();
        let author = requester.actor();
        let mut detector = DuplicateDetector::new();
        for (i, t) in open.iter().enumerate() {
            let messages = self.dialogue(t, false).await?;
            let mine: Vec<_> = messages
                .iter()
                .rev()
                .filter(|m| m.author == author && m.visibility == Visibility::Public)
                .take(MESSAGES_CHECKED)
                .collect();
            let last = mine.first().map_or(t.updated_at, |m| m.created_at);
            let context = DuplicateContext {
                same_customer: true,
                hours_since_last_customer_message: Some(hours_between(last, now)),
            };
            for m in mine {
                let earlier = DuplicateCandidate {
                    text: &m.body,
                    order: t.order_number.as_ref().map(|o| o.as_str()),
                    topic: Some(&t.topic),
                    channel: Some(t.channel.as_str()),
                };
                detector.add_candidate(i, &earlier, context);
            }
        }
        let new = DuplicateCandidate {
            text: question.text,
            order: question.order.map(|o| o.as_str()),
            topic: question.topic,
            channel: Some(question.channel),
        };
        Ok(detector.find_candidate(&new).map(|(i, _)| open[*i].clone()))
    }
}

fn hours_between(earlier: Timestamp, now: Timestamp) -> f64 {
    (now.as_millisecond() - earlier.as_millisecond()).max(0) as f64 / 3_600_000.0
}

/// The text the customer reads when a repeated question was joined.
pub fn joined_notice(number: TicketNumber) -> switchboard_domain::i18n::Text {
    switchboard_domain::i18n::Text::new(
        format!(
            "Вы уже обращались к нам с этим вопросом: мы добавили ваше сообщение к обращению {number}. \
             Ответ придёт в нём."
        ),
        format!(
            "You have already asked us this: we have added your message to request {number}. \
             The answer will come there."
        ),
    )
}

fn merge_problem(code: &'static str, ru: &str, en: &str) -> CoreError {
    CoreError::refused(RefusalKind::Conflict, code, ru, en)
}

impl Core {
    /// Closes `source` as merged into `target` (same customer, both open).
    #[tracing::instrument(skip_all, fields(source = %source, target = %target))]
    pub async fn merge(
        &self,
        actor: &Actor,
        source: TicketNumber,
        target: TicketNumber,
        allow: Allow<'_>,
    ) -> CoreResult<(Ticket, Ticket)> {
        if source == target {
            return Err(CoreError::field(
                "into",
                "same_ticket",
                "Обращение нельзя объединить с самим собой",
                "A ticket cannot be merged into itself",
            ));
        }
        for _ in 0..3 {
            let s = self.store.ticket(source.id()).await?;
            let t = match self.store.ticket(target.id()).await {
                Ok(t) => t,
                Err(StoreError::NotFound) => {
                    return Err(CoreError::field(
                        "into",
                        "unknown_ticket",
                        "Нет такого обращения",
                        "No such ticket",
                    ));
                }
                Err(e) => return Err(e.into()),
            };
            allow(&s)?;
            allow(&t)?;
            if s.requester != t.requester {
                return Err(CoreError::field(
                    "into",
                    "different_customer",
                    "Объединять можно только обращения одного клиента",
                    "Only tickets of the same customer can be merged",
                ));
            }
            if !is_open(t.status) {
                return Err(merge_problem(
                    "target_closed",
                    "Обращение, в которое объединяют, уже решено или закрыто",
                    "The ticket to merge into is resolved or closed",
                ));
            }
            if self.store.ticket_merge(t.id).await?.is_some() {
                return Err(merge_problem(
                    "target_merged",
                    "Обращение, в которое объединяют, само объединено с другим",
                    "The ticket to merge into is itself merged into another",
                ));
            }
            if !self.store.merged_into(s.id).await?.is_empty() {
                return Err(merge_problem(
                    "has_merged_tickets",
                    "С этим обращением уже объединены другие: сначала разъедините их",
                    "Other tickets are merged into this one: unmerge them first",
                ));
            }
            let now = self.clock.now();
            let outcome = s.apply(
                &Action::MergeInto { target },
                actor,
                &self.rules().deadlines,
                now,
            )?;
            let mut target_after = t.clone();
            target_after.updated_at = now;
            let target_change = TicketChange {
                ticket: target_after,
                actor: actor.clone(),
                events: vec![TicketEvent::Merged { source, target }],
                message: None,
                outbound: Vec::new(),
            };
            let source_change = TicketChange {
                ticket: outcome.ticket,
                actor: actor.clone(),
                events: outcome.events,
                message: None,
                outbound: Vec::new(),
            };
            match self
                .store
                .merge_tickets(&source_change, &target_change, s.status)
                .await
            {
                Ok(pair) => {
                    tracing::info!("tickets merged");
                    return Ok(pair);
                }
                Err(StoreError::Conflict(_)) if self.store.ticket_merge(s.id).await?.is_none() => {
                    continue;
                }
                Err(StoreError::Conflict(_)) => {
                    return Err(merge_problem(
                        "already_merged",
                        "Обращение уже объединено",
                        "The ticket is merged already",
                    ));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(CoreError::Conflict(
            "the tickets keep changing; try again".into(),
        ))
    }

    /// Undoes the merge of `source`: it gets back the status it had.
    #[tracing::instrument(skip_all, fields(source = %source))]
    pub async fn unmerge(
        &self,
        actor: &Actor,
        source: TicketNumber,
        allow: Allow<'_>,
    ) -> CoreResult<(Ticket, Ticket)> {
        for _ in 0..3 {
            let s = self.store.ticket(source.id()).await?;
            let Some(merge) = self.store.ticket_merge(s.id).await? else {
                return Err(merge_problem(
                    "not_merged",
                    "Обращение не объединено с другим",
                    "The ticket is not merged into another",
                ));
            };
            let t = self.store.ticket(merge.target).await?;
            allow(&t)?;
            let now = self.clock.now();
            let outcome = s.apply(
                &Action::Unmerge {
                    target: t.number,
                    status: merge.previous_status,
                },
                actor,
                &self.rules().deadlines,
                now,
            )?;
            let mut target_after = t.clone();
            target_after.updated_at = now;
            let target_change = TicketChange {
                ticket: target_after,
                actor: actor.clone(),
                events: vec![TicketEvent::Unmerged {
                    source,
                    target: t.number,
                }],
                message: None,
                outbound: Vec::new(),
            };
            let source_change = TicketChange {
                ticket: outcome.ticket,
                actor: actor.clone(),
                events: outcome.events,
                message: None,
                outbound: Vec::new(),
            };
            match self
                .store
                .unmerge_tickets(&source_change, &target_change)
                .await
            {
                Ok(pair) => {
                    tracing::info!("merge undone");
                    return Ok(pair);
                }
                Err(StoreError::Conflict(_) | StoreError::NotFound) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CoreError::Conflict(
            "the tickets keep changing; try again".into(),
        ))
    }
}
