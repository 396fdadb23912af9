//! The bot in a live conversation, on any live channel: its answers (the
//! polite answer to an out-of-scope question, else knowledge-base articles
//! for the topic), "helped", "call an operator" with the SMS code of bank
//! topics, the offer to block a card or account after a fraud report, and
//! the customer's verdict on a suggested article. The flow's decisions are
//! the domain's ([`switchboard_domain::bot::flow`]); this carries them out.

mod step_up;

use std::sync::Arc;

use switchboard_domain::bot::{Input, Stage, Step, texts as bot_text};
use switchboard_domain::customer::Customer;
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::{TicketId, TicketNumber};
use switchboard_domain::ticket::{Action, Actor, Priority, Status, Ticket, TicketEvent};
use switchboard_hygiene::OutOfScope;
use switchboard_store::Feedback;

use crate::{Core, CoreError, CoreResult, RefusalKind};

pub use step_up::CallOutcome;

/// What a customer may ask to have blocked after reporting fraud.
pub const BLOCK_TARGETS: &[&str] = &["card", "account"];

impl Core {
    /// A customer's live conversation, or 404 (another customer's looks absent).
    pub async fn own_conversation(&self, customer: &Customer, number: &str) -> CoreResult<Ticket> {
        let number = TicketNumber::parse(number).map_err(|_| CoreError::NotFound)?;
        let t = self.store.ticket(number.id()).await?;
        if t.requester.customer() != Some(&customer.id) || !t.channel.is_live() {
            return Err(CoreError::NotFound);
        }
        Ok(t)
    }

    /// A live conversation, for a member of staff who may see it.
    pub async fn staff_conversation(
        &self,
        op: &switchboard_store::Operator,
        number: &str,
    ) -> CoreResult<Ticket> {
        let number = TicketNumber::parse(number).map_err(|_| CoreError::NotFound)?;
        let t = self.store.ticket(number.id()).await?;
        if !t.channel.is_live() {
            return Err(CoreError::NotFound);
        }
        self.check_scope(op, &t)?;
        Ok(t)
    }

    /// Where the flow stands for this conversation and what `input` leads to.
    pub(crate) async fn flow_step(&self, t: &Ticket, input: Input) -> CoreResult<Step> {
        let state = self.store.step_up(t.id).await?;
        let catalog = self.catalog();
        let topic = catalog.topic(&t.line, &t.topic).map(|(_, topic)| topic);
        let ctx = switchboard_domain::bot::FlowContext {
            catalog: &catalog,
            customer: None,
            orders: &[],
            needs_code: topic.is_some_and(|topic| topic.step_up),
            code_verified: state.verified(),
        };
        let pending = state.code_hash.is_some() && !state.verified();
        let stage = Stage::of(t.id, t.status, pending);
        let (_, step) = stage
            .next(&input, &ctx)
            .map_err(|r| CoreError::chat(RefusalKind::Conflict, r))?;
        Ok(step)
    }

    /// "This answer helped": the bot resolves the conversation.
    pub async fn helped(&self, customer: &Customer, number: &str) -> CoreResult<Ticket> {
        let t = self.own_conversation(customer, number).await?;
        self.helped_as(&t, &t.requester.clone(), customer.locale)
            .await
    }

    /// "This answer helped" in the requester's own conversation `t`, which
    /// the caller found as theirs (a messenger chat's).
    pub(crate) async fn helped_as(
        &self,
        t: &Ticket,
        requester: &switchboard_domain::ticket::Requester,
        locale: Locale,
    ) -> CoreResult<Ticket> {
        if &t.requester != requester || !t.channel.is_live() {
            return Err(CoreError::NotFound);
        }
        self.flow_step(t, Input::Helped).await?;
        self.bot_says(t, bot_text::resolved(locale), None).await;
        let t = self
            .act(t.id, &Actor::Bot, &Action::Resolve, &|t| {
                if t.status == Status::WithBot {
                    Ok(())
                } else {
                    Err(not_with_bot())
                }
            })
            .await?;
        self.metrics.chat_resolved_by_bot.inc();
        tracing::info!(ticket = %t.number, "chat resolved by the bot");
        Ok(t)
    }

    /// After a customer's message is stored: while the bot has the
    /// conversation it answers; if a person has it, fraud still makes it urgent.
    pub(crate) fn after_customer_wrote(
        self: &Arc<Self>,
        ticket: TicketId,
        question: String,
        urgent: bool,
    ) {
        let core = self.clone();
        tokio::spawn(async move {
            let Ok(t) = core.store.ticket(ticket).await else {
                return;
            };
            if t.status == Status::WithBot {
                let locale = core.requester_locale(&t).await.unwrap_or_default();
                core.bot_reply(&t, &question, locale).await;
            } else if urgent {
                core.make_urgent(&t).await;
            }
        });
    }

    /// The bot's answer: the polite answer to an out-of-scope question, else
    /// knowledge-base articles for the topic and the question (the topic's
    /// ready answers when the search finds nothing).
    pub async fn bot_reply(&self, t: &Ticket, question: &str, locale: Locale) {
        if let Some(scope) = switchboard_hygiene::scope::classify(question) {
            self.out_of_scope(t, &scope, locale).await;
            return;
        }
        let catalog = self.catalog();
        let Some((_, topic)) = catalog.topic(&t.line, &t.topic) else {
            return;
        };
        let answers = self.bot.suggest(
            &t.line,
            topic,
            question,
            locale,
            self.config.bot_answers.max(1),
        );
        // Recorded first, so feedback on what the customer sees always finds it.
        let ids: Vec<String> = answers.iter().map(|a| a.id.clone()).collect();
        self.record_shown(t, &ids).await;
        let meta = serde_json::json!({ "suggestions": answers }).to_string();
        let text = bot_text::suggestions(locale, &answers);
        let buttons =
            if t.channel.is_live() && t.channel != switchboard_domain::ticket::Channel::Chat {
                crate::messenger::menu::bot_buttons(locale)
            } else {
                Vec::new()
            };
        self.bot_says_with(t, text, Some(meta), buttons).await;
    }

    /// The bot's answer to an out-of-scope question: where to go instead;
    /// for fraud also the offer to block the card or account, and the
    /// conversation made urgent.
    async fn out_of_scope(&self, t: &Ticket, scope: &OutOfScope, locale: Locale) {
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
        self.bot_says(t, answer.to_owned(), meta).await;
        if scope.urgent {
            self.make_urgent(t).await;
        }
    }

    /// Raises a conversation to urgent (fraud), as the bot.
    pub async fn make_urgent(&self, t: &Ticket) {
        if t.priority == Priority::Urgent {
            return;
        }
        let raised = self
            .act(
                t.id,
                &Actor::Bot,
                &Action::ChangePriority(Priority::Urgent),
                &|_| Ok(()),
            )
            .await;
        match raised {
            Ok(_) => {
                tracing::info!(ticket = %t.number, "out-of-scope fraud report: made urgent");
                self.router.inbox().wake.notify_one();
            }
            Err(e) => tracing::warn!(ticket = %t.number, error = ?e, "could not make it urgent"),
        }
    }

    /// Records that the bot showed these suggestions (only knowledge-base
    /// articles count; the topic's configured answers have no statistics).
    async fn record_shown(&self, t: &Ticket, ids: &[String]) {
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
    ) -> CoreResult<Ticket> {
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
            Err(switchboard_store::StoreError::NotFound) => Err(CoreError::refused(
                RefusalKind::Invalid,
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
    ) -> CoreResult<Option<CallOutcome>> {
        let t = self.own_conversation(customer, number).await?;
        let Some(target) = BLOCK_TARGETS.iter().find(|x| **x == target) else {
            return Err(CoreError::refused(
                RefusalKind::Invalid,
                "invalid_block_target",
                "Заблокировать можно карту (card) или аккаунт (account)",
                "The target is card or account",
            ));
        };
        let offered = self.store.events(t.id).await?.iter().any(
            |e| matches!(&e.event, TicketEvent::OutOfScope { category } if category == "fraud"),
        );
        if !offered {
            return Err(CoreError::refused(
                RefusalKind::Conflict,
                "no_block_offer",
                "Блокировку в этом разговоре не предлагали",
                "No block was offered in this conversation",
            ));
        }
        let requested = TicketEvent::BlockRequested {
            target: (*target).to_owned(),
        };
        self.record(&t, &Actor::Customer(customer.id.clone()), &[requested])
            .await?;
        tracing::info!(ticket = %t.number, target, "customer asked to block");
        self.bot_says(&t, bot_text::block_recorded(customer.locale, target), None)
            .await;
        self.make_urgent(&self.store.ticket(t.id).await?).await;
        if t.status == Status::WithBot {
            return self.call_operator(customer, number).await.map(Some);
        }
        Ok(None)
    }
}

pub(crate) fn not_with_bot() -> CoreError {
    CoreError::chat(
        RefusalKind::Conflict,
        switchboard_domain::bot::flow::not_with_bot(),
    )
}
