//! Good conduct in the chat (SPEC §2, §6) and the bot's knowledge-base side:
//! every message is judged before it is queued (secrets and obscene words
//! masked, an operator's request for secrets refused), a first question that
//! repeats an open request joins it, out-of-scope questions get the polite
//! answer (fraud: urgent, and an offer to block the card or account), and the
//! customer's verdict on a suggested article is recorded.

use std::sync::Arc;

use axum::http::StatusCode;
use switchboard_domain::chat::{self as rules, Intake};
use switchboard_domain::customer::Customer;
use switchboard_domain::i18n::{Locale, Text};
use switchboard_domain::ticket::{Action, Actor, Channel, Priority, Status, Ticket, TicketEvent};
use switchboard_hygiene::OutOfScope;
use switchboard_store::{
    AppendOutcome, ChatAppend, ChatMessage, Feedback, NewMessage, StoreError, Visibility,
};

use super::{CallOutcome, Chat, ChatError, check_client_id};
use crate::judgement::{self, Judged};

/// What a customer's first question led to.
#[derive(Debug, Clone)]
pub enum Opened {
    /// A conversation (new, or the one this client id opened before).
    Conversation {
        ticket: Ticket,
        first: ChatMessage,
        created: bool,
    },
    /// The question repeats the customer's open request `ticket` and was
    /// added to it. `seq` is the message's number there when it is a chat.
    Joined { ticket: Ticket, seq: Option<i64> },
}

/// What a customer may ask to have blocked after reporting fraud.
pub const BLOCK_TARGETS: &[&str] = &["card", "account"];

fn blocked_frame(explanation: switchboard_hygiene::Bilingual) -> ChatError {
    ChatError::Refused {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: judgement::OPERATOR_REQUEST_BLOCKED,
        message: Text::new(explanation.ru, explanation.en),
        tries_left: None,
    }
}

impl Chat {
    /// Judges a chat message by its author. An operator's request for the
    /// customer's secrets is refused here, before anything is queued.
    pub fn judge(&self, author: &Actor, body: &str) -> Result<Judged, ChatError> {
        match author {
            Actor::Customer(_) => Ok(judgement::customer_message(body)),
            Actor::Operator(_) => judgement::operator_message(body).map_err(blocked_frame),
            Actor::Bot | Actor::System => Ok(Judged {
                text: body.to_owned(),
                events: Vec::new(),
                warning: None,
                scope: None,
            }),
        }
    }

    /// A customer's first question: judged, then joined to an open request
    /// it repeats, or opened as a conversation with the bot.
    pub async fn open_judged(
        self: &Arc<Self>,
        customer: &Customer,
        intake: &Intake,
        body: &str,
        client_id: &str,
    ) -> Result<(Opened, Judged), ChatError> {
        check_client_id(client_id)?;
        intake
            .text_allowed()
            .map_err(|r| ChatError::refused(StatusCode::UNPROCESSABLE_ENTITY, r))?;
        let judged = judgement::customer_message(body);
        let text = rules::check_text(&judged.text)
            .map_err(|r| ChatError::refused(StatusCode::UNPROCESSABLE_ENTITY, r))?;
        let order = match intake {
            Intake::Ready { order, .. } => order.clone(),
            _ => None,
        };
        let repeat = crate::merges::find_open_duplicate(
            self.store.as_ref(),
            &customer.id,
            &text,
            order.as_ref(),
        )
        .await?;
        if let Some(existing) = repeat {
            let opened = self
                .join(customer, &existing, &text, client_id, judged.events.clone())
                .await?;
            return Ok((opened, judged));
        }
        let (ticket, first, created) = self
            .open(customer, intake, &text, client_id, &judged.events)
            .await?;
        Ok((
            Opened::Conversation {
                ticket,
                first,
                created,
            },
            judged,
        ))
    }

    async fn join(
        self: &Arc<Self>,
        customer: &Customer,
        existing: &Ticket,
        text: &str,
        client_id: &str,
        mut events: Vec<TicketEvent>,
    ) -> Result<Opened, ChatError> {
        events.push(TicketEvent::DuplicateJoined {
            channel: Channel::Chat,
        });
        let author = Actor::Customer(customer.id.clone());
        if existing.channel != Channel::Chat {
            let ticket = crate::merges::append_customer_message(
                self.store.as_ref(),
                &self.rules.deadlines,
                self.clock.now(),
                existing.id,
                NewMessage {
                    author,
                    visibility: Visibility::Public,
                    body: text.to_owned(),
                    attachments: Vec::new(),
                },
                events,
            )
            .await
            .map_err(|e| ChatError::Internal(anyhow::anyhow!("{e}")))?;
            tracing::info!(ticket = %ticket.number, "chat question joined to an open request");
            return Ok(Opened::Joined { ticket, seq: None });
        }
        let item = ChatAppend {
            ticket: existing.id,
            author,
            visibility: Visibility::Public,
            body: text.to_owned(),
            attachments: Vec::new(),
            client_id: Some(client_id.to_owned()),
            meta: None,
            supervisor: false,
            events,
        };
        let rx = self.submit(item).await?;
        let result = rx
            .await
            .map_err(|_| ChatError::Internal(anyhow::anyhow!("the chat writer has stopped")))?;
        match result.map_err(|e| ChatError::Internal(anyhow::anyhow!(e)))? {
            // The conversation's first message carries the client id that
            // opened it: this is a resend of that opening, answered as one.
            AppendOutcome::Duplicate { seq: 1 } => {
                let first = self
                    .store
                    .chat_messages(existing.id, 0, 1, false)
                    .await?
                    .into_iter()
                    .next()
                    .ok_or_else(ChatError::not_found)?;
                Ok(Opened::Conversation {
                    ticket: existing.clone(),
                    first,
                    created: false,
                })
            }
            AppendOutcome::Duplicate { seq } => Ok(Opened::Joined {
                ticket: existing.clone(),
                seq: Some(seq),
            }),
            AppendOutcome::Stored(m) => {
                self.bot_says(
                    existing.id,
                    crate::merges::joined_notice(existing.number)
                        .get(customer.locale)
                        .to_owned(),
                    None,
                )
                .await;
                tracing::info!(ticket = %existing.number, "chat question joined to an open conversation");
                Ok(Opened::Joined {
                    ticket: existing.clone(),
                    seq: Some(m.seq),
                })
            }
            AppendOutcome::Refused(_) => Err(ChatError::not_found()),
        }
    }

    /// The bot's answer to an out-of-scope question: where to go instead;
    /// for fraud also the offer to block the card or account, and the
    /// conversation made urgent.
    pub(super) async fn out_of_scope(&self, t: &Ticket, scope: &OutOfScope, locale: Locale) {
        let answer = match locale {
            Locale::Ru => scope.answer.ru,
            Locale::En => scope.answer.en,
        };
        let meta = scope.offer_block.then(|| {
            serde_json::json!({
                "offer": { "action": "block", "targets": BLOCK_TARGETS, "category": scope.category.as_str() }
            })
            .to_string()
        });
        self.bot_says(t.id, answer.to_owned(), meta).await;
        if scope.urgent {
            self.make_urgent(t).await;
        }
    }

    /// Raises a conversation to urgent (fraud), as the bot.
    pub(super) async fn make_urgent(&self, t: &Ticket) {
        if t.priority == Priority::Urgent {
            return;
        }
        let raised = self
            .apply(
                t.id,
                &Actor::Bot,
                &Action::ChangePriority(Priority::Urgent),
                |_| Ok(()),
            )
            .await;
        match raised {
            Ok(_) => {
                tracing::info!(ticket = %t.number, "out-of-scope fraud report: conversation made urgent");
                self.hub.dispatch.notify_one();
            }
            Err(e) => {
                tracing::warn!(ticket = %t.number, error = ?e, "could not make the conversation urgent")
            }
        }
    }

    /// Records that the bot showed these suggestions (only knowledge-base
    /// articles count; the topic's configured answers have no statistics).
    pub(super) async fn record_shown(&self, t: &Ticket, ids: &[String]) {
        let articles: Vec<String> = ids
            .iter()
            .filter(|id| self.kb.is_published(id))
            .cloned()
            .collect();
        if let Err(e) = self
            .store
            .kb_record_shown(t.id, &articles, self.clock.now())
            .await
        {
            tracing::warn!(ticket = %t.number, error = %e, "suggestions not recorded");
        }
    }

    /// "This article helped / did not help", for an article the bot showed
    /// in this conversation. A later verdict replaces an earlier one.
    pub async fn feedback(
        &self,
        customer: &Customer,
        number: &str,
        article: &str,
        helped: bool,
    ) -> Result<Ticket, ChatError> {
        let t = self.own_conversation(customer, number).await?;
        let verdict = if helped {
            Feedback::Helped
        } else {
            Feedback::NotHelped
        };
        match self
            .store
            .kb_record_feedback(t.id, article, verdict, self.clock.now())
            .await
        {
            Ok(()) => Ok(t),
            Err(StoreError::NotFound) => Err(ChatError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "article_not_suggested",
                "Эту статью бот в разговоре не предлагал",
                "The bot did not suggest this article in the conversation",
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// The customer accepts the bot's offer to block their card or account
    /// (made after a fraud report): recorded on the conversation, confirmed
    /// by the bot, and handed to a person (after the SMS code on bank topics).
    pub async fn accept_block(
        &self,
        customer: &Customer,
        number: &str,
        target: &str,
    ) -> Result<Option<CallOutcome>, ChatError> {
        let t = self.own_conversation(customer, number).await?;
        let Some(target) = BLOCK_TARGETS.iter().find(|x| **x == target) else {
            return Err(ChatError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_block_target",
                "Заблокировать можно карту (card) или аккаунт (account)",
                "The target is card or account",
            ));
        };
        let offered = self.store.events(t.id).await?.iter().any(
            |e| matches!(&e.event, TicketEvent::OutOfScope { category } if category == "fraud"),
        );
        if !offered {
            return Err(ChatError::new(
                StatusCode::CONFLICT,
                "no_block_offer",
                "Блокировку в этом разговоре не предлагали",
                "No block was offered in this conversation",
            ));
        }
        self.store
            .record_events(
                t.id,
                &Actor::Customer(customer.id.clone()),
                &[TicketEvent::BlockRequested {
                    target: (*target).to_owned(),
                }],
                self.clock.now(),
            )
            .await?;
        tracing::info!(ticket = %t.number, target, "customer asked to block");
        let confirm = match (customer.locale, *target) {
            (Locale::Ru, "card") => {
                "Заявка на блокировку карты принята. Сотрудник заблокирует её в первую очередь и подтвердит здесь."
            }
            (Locale::Ru, _) => {
                "Заявка на блокировку аккаунта принята. Сотрудник заблокирует его в первую очередь и подтвердит здесь."
            }
            (Locale::En, "card") => {
                "Your request to block the card is recorded. A member of staff will block it first thing and confirm here."
            }
            (Locale::En, _) => {
                "Your request to block the account is recorded. A member of staff will block it first thing and confirm here."
            }
        };
        self.bot_says(t.id, confirm.to_owned(), None).await;
        self.make_urgent(&self.store.ticket(t.id).await?).await;
        if t.status == Status::WithBot {
            return self.call_operator(customer, number).await.map(Some);
        }
        Ok(None)
    }
}
