//! Tickets that are one request (SPEC §6): a customer's repeated question is
//! joined to their open ticket instead of opening another, whichever channel
//! each came through; operators merge two tickets by hand, and undo it.
//!
//! A merge closes the source (status `closed`, a `ticket_merges` row keeps
//! the status to restore) and the target's dialogue shows the source's
//! messages from then on; unmerging restores the source and stops showing
//! them. Both tickets get a `merged` / `unmerged` audit event in the same
//! transaction as the change.

use axum::http::StatusCode;
use switchboard_domain::ids::{CustomerId, OrderNumber, TicketId, TicketNumber};
use switchboard_domain::ticket::{
    Action, Actor, Channel, DeadlineRules, Status, Ticket, TicketEvent,
};
use switchboard_hygiene::DuplicateDetector;
use switchboard_store::{
    NewMessage, Store, StoreError, StoredMessage, TicketChange, TicketFilter, Visibility,
};

use crate::error::ApiError;
use crate::state::AppState;

/// Open tickets of a customer looked at for a repeat, newest first.
const OPEN_TICKETS_CHECKED: u32 = 20;
/// The customer's own messages per ticket compared with a new question, newest first.
const MESSAGES_CHECKED: usize = 50;

fn is_open(status: Status) -> bool {
    !matches!(status, Status::Resolved | Status::Closed)
}

/// The customer's open ticket that `text` repeats, if any: the one whose
/// customer messages it matches best. Questions about two different orders
/// are different questions, whatever their words.
#[tracing::instrument(skip_all, fields(customer = %customer))]
pub async fn find_open_duplicate(
    store: &dyn Store,
    customer: &CustomerId,
    text: &str,
    order: Option<&OrderNumber>,
) -> Result<Option<Ticket>, StoreError> {
    let filter = TicketFilter {
        customer: Some(customer.clone()),
        limit: 200,
        ..TicketFilter::default()
    };
    let open: Vec<Ticket> = store
        .list_tickets(&filter)
        .await?
        .into_iter()
        .filter(|t| is_open(t.status))
        .filter(|t| match (order, &t.order_number) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        })
        .take(OPEN_TICKETS_CHECKED as usize)
        .collect();
    if open.is_empty() {
        return Ok(None);
    }
    let mut detector = DuplicateDetector::new();
    for (i, t) in open.iter().enumerate() {
        let messages = store.messages(t.id, false).await?;
        for m in messages
            .iter()
            .rev()
            .filter(|m| matches!(&m.author, Actor::Customer(c) if c == customer))
            .take(MESSAGES_CHECKED)
        {
            detector.add(i, &m.body);
        }
    }
    Ok(detector.find(text).map(|(i, _)| open[*i].clone()))
}

/// Appends a customer's message to one of their tickets that is not a chat
/// (a chat takes messages through the chat writer), with audit events, as a
/// customer reply: the state machine decides what the ticket's status and
/// deadline do. Recomputed when another change got in first.
pub async fn append_customer_message(
    store: &dyn Store,
    rules: &DeadlineRules,
    now: jiff::Timestamp,
    ticket: TicketId,
    message: NewMessage,
    events: Vec<TicketEvent>,
) -> Result<Ticket, ApiError> {
    for _ in 0..3 {
        let t = store.ticket(ticket).await?;
        let outcome = t.apply(&Action::CustomerReply, &message.author, rules, now)?;
        let mut all = outcome.events;
        all.extend(events.iter().cloned());
        let change = TicketChange {
            ticket: outcome.ticket,
            actor: message.author.clone(),
            events: all,
            message: Some(message.clone()),
            notifications: Vec::new(),
        };
        match store.save_change(&change).await {
            Ok(t) => return Ok(t),
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Conflict("the ticket keeps changing; try again".into()).into())
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

fn merge_problem(status: StatusCode, code: &'static str, ru: &str, en: &str) -> ApiError {
    ApiError::new(status, code, ru, en)
}

impl AppState {
    /// A ticket's dialogue with the messages of tickets merged into it, in time order.
    pub async fn dialogue(
        &self,
        ticket: &Ticket,
        include_internal: bool,
    ) -> Result<Vec<StoredMessage>, ApiError> {
        let mut messages = self.store.messages(ticket.id, include_internal).await?;
        let merged = self.store.merged_into(ticket.id).await?;
        if merged.is_empty() {
            return Ok(messages);
        }
        for m in merged {
            messages.extend(self.store.messages(m.source, include_internal).await?);
        }
        messages.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        Ok(messages)
    }

    /// Closes `source` as merged into `target` (same customer, both open).
    #[tracing::instrument(skip_all, fields(source = %source, target = %target))]
    pub async fn merge(
        &self,
        actor: &Actor,
        source: TicketNumber,
        target: TicketNumber,
        allow: &(dyn Fn(&Ticket) -> Result<(), ApiError> + Send + Sync),
    ) -> Result<(Ticket, Ticket), ApiError> {
        if source == target {
            return Err(ApiError::field(
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
                    return Err(ApiError::field(
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
            if s.customer_id != t.customer_id {
                return Err(ApiError::field(
                    "into",
                    "different_customer",
                    "Объединять можно только обращения одного клиента",
                    "Only tickets of the same customer can be merged",
                ));
            }
            if !is_open(t.status) {
                return Err(merge_problem(
                    StatusCode::CONFLICT,
                    "target_closed",
                    "Обращение, в которое объединяют, уже решено или закрыто",
                    "The ticket to merge into is resolved or closed",
                ));
            }
            if self.store.ticket_merge(t.id).await?.is_some() {
                return Err(merge_problem(
                    StatusCode::CONFLICT,
                    "target_merged",
                    "Обращение, в которое объединяют, само объединено с другим",
                    "The ticket to merge into is itself merged into another",
                ));
            }
            if !self.store.merged_into(s.id).await?.is_empty() {
                return Err(merge_problem(
                    StatusCode::CONFLICT,
                    "has_merged_tickets",
                    "С этим обращением уже объединены другие: сначала разъедините их",
                    "Other tickets are merged into this one: unmerge them first",
                ));
            }
            let now = self.clock.now();
            let outcome = s.apply(
                &Action::MergeInto { target },
                actor,
                &self.rules.deadlines,
                now,
            )?;
            let mut target_after = t.clone();
            target_after.updated_at = now;
            let target_change = TicketChange {
                ticket: target_after,
                actor: actor.clone(),
                events: vec![TicketEvent::Merged { source, target }],
                message: None,
                notifications: Vec::new(),
            };
            let source_change = TicketChange {
                ticket: outcome.ticket,
                actor: actor.clone(),
                events: outcome.events,
                message: None,
                notifications: Vec::new(),
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
                        StatusCode::CONFLICT,
                        "already_merged",
                        "Обращение уже объединено",
                        "The ticket is merged already",
                    ));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Conflict("the tickets keep changing; try again".into()).into())
    }

    /// Undoes the merge of `source`: it gets back the status it had.
    #[tracing::instrument(skip_all, fields(source = %source))]
    pub async fn unmerge(
        &self,
        actor: &Actor,
        source: TicketNumber,
        allow: &(dyn Fn(&Ticket) -> Result<(), ApiError> + Send + Sync),
    ) -> Result<(Ticket, Ticket), ApiError> {
        for _ in 0..3 {
            let s = self.store.ticket(source.id()).await?;
            let Some(merge) = self.store.ticket_merge(s.id).await? else {
                return Err(merge_problem(
                    StatusCode::CONFLICT,
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
                &self.rules.deadlines,
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
                notifications: Vec::new(),
            };
            let source_change = TicketChange {
                ticket: outcome.ticket,
                actor: actor.clone(),
                events: outcome.events,
                message: None,
                notifications: Vec::new(),
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
        Err(StoreError::Conflict("the tickets keep changing; try again".into()).into())
    }

    /// Joins a customer's repeated question to their open ticket `existing`:
    /// appended as their message (through the chat writer for a chat), with
    /// the judgement's events and a `duplicate_joined` event.
    pub async fn join_duplicate(
        &self,
        existing: &Ticket,
        customer: &CustomerId,
        text: String,
        uploads: &[crate::tickets::Upload],
        mut events: Vec<TicketEvent>,
        from: Channel,
    ) -> Result<Ticket, ApiError> {
        let checked = self.check_uploads(uploads).map_err(ApiError::Validation)?;
        let attachments = self.save_files(&checked, uploads).await?;
        events.push(TicketEvent::DuplicateJoined { channel: from });
        let author = Actor::Customer(customer.clone());
        if existing.channel == Channel::Chat {
            self.chat
                .send(switchboard_store::ChatAppend {
                    ticket: existing.id,
                    author,
                    visibility: Visibility::Public,
                    body: text,
                    attachments,
                    client_id: None,
                    meta: None,
                    supervisor: false,
                    events,
                })
                .await?;
            return Ok(self.store.ticket(existing.id).await?);
        }
        append_customer_message(
            self.store.as_ref(),
            &self.rules.deadlines,
            self.clock.now(),
            existing.id,
            NewMessage {
                author,
                visibility: Visibility::Public,
                body: text,
                attachments,
            },
            events,
        )
        .await
    }
}
