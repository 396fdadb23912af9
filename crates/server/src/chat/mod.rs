//! Real-time chat (SPEC §3.1): the bot first, then an operator.
//!
//! # Frame protocol
//!
//! Customers connect to `GET /api/v1/customer/chat` and operators to
//! `GET /api/v1/chat/console` with a WebSocket. The token (customer identity
//! token or staff session token) comes as `Authorization: Bearer …` or, for
//! browsers, as `?token=…`; without a valid one the upgrade is refused with
//! 401 problem details. Every frame is a JSON text frame with a `type`.
//!
//! Customer → server: `topic {line, topic}`; `order {number|null}` (`null` is
//! "Question not about an order"); `message {conversation?, client_id, body}`
//! (without `conversation` it opens one — only after the topic, and for
//! purchase topics the order, were chosen); `resume {conversation, last_seq}`;
//! `typing {conversation}`; `helped {conversation, answer?}`;
//! `call_operator {conversation}`; `code {conversation, code}`; `topics`
//! (the lines and topics to choose from); `ping`.
//!
//! Operator → server: `presence {status: online|away|offline}`,
//! `resume {conversation, last_seq}`, `message {conversation, client_id, body}`,
//! `typing {conversation}`, `ping`.
//!
//! Server → client: `hello` (who you are, your conversations with their
//! `last_seq`, and for operators the queue), `topics {lines}`,
//! `order_required {orders}`, `ready`, `conversation` (state), `message`,
//! `ack {client_id, conversation, seq, duplicate}`, `step_up {phone,
//! expires_at}`, `typing`, `queued`, `assigned`, `unassigned`, `presence`,
//! `error {code, message {ru, en}, client_id?}`, `pong`.
//!
//! # Delivery
//!
//! A message is acknowledged only once it is committed with its
//! per-conversation `seq`; resending a `client_id` returns the same `seq`.
//! Each connection sees the `message` frames of the conversations it is
//! attached to (opened, resumed, or for operators assigned) exactly once and
//! in `seq` order, its own messages included; `resume` with the last `seq`
//! seen replays what was missed. Files go over HTTP
//! (`POST …/chats/{number}/messages`, multipart) and arrive as `message`
//! frames like the rest. Typing is never stored.
//!
//! # Bad input
//!
//! A malformed or unknown frame, free text before a topic, someone else's
//! order or conversation, a flood: an `error` frame, nothing stored, the
//! connection stays. Persistent flooding closes it (1008), a frame over the
//! size limit closes it (1009), an expired customer token closes it (4001).

pub mod assign;
pub mod conduct;
pub mod hub;
pub mod protocol;
pub mod route;
pub mod session;
pub mod writer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use switchboard_domain::catalog::Catalog;
use switchboard_domain::chat::{
    self as rules, BotAnswers, ChatRefusal, Intake, StepUpOutcome, StepUpPolicy, Verdict, bot_text,
};
use switchboard_domain::customer::Customer;
use switchboard_domain::i18n::{Locale, Text};
use switchboard_domain::ids::{OperatorId, TicketId, TicketNumber};
use switchboard_domain::notification::Notification;
use switchboard_domain::sla::SlaPolicy;
use switchboard_domain::ticket::{
    Action, Actor, Channel, DeadlineRules, ReplyChannel, Status, Ticket, TicketEvent,
};
use switchboard_store::{
    AppendOutcome, AppendRefusal, ChatAppend, ChatMessage, PresenceStatus, Store, StoreError,
    TicketChange, Visibility,
};

use crate::clock::Clock;
use crate::config::ChatConfig;
use crate::error::ApiError;
use crate::metrics::Metrics;
use hub::Hub;
use writer::Writer;

/// Why a chat request was refused: a stable code, both languages, an HTTP status.
#[derive(Debug)]
pub enum ChatError {
    Refused {
        status: StatusCode,
        code: &'static str,
        message: Text,
        tries_left: Option<u32>,
    },
    Internal(anyhow::Error),
}

impl ChatError {
    pub fn refused(status: StatusCode, r: ChatRefusal) -> Self {
        ChatError::Refused {
            status,
            code: r.code,
            message: r.message,
            tries_left: None,
        }
    }

    pub fn new(status: StatusCode, code: &'static str, ru: &str, en: &str) -> Self {
        ChatError::Refused {
            status,
            code,
            message: Text::new(ru, en),
            tries_left: None,
        }
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "conversation_not_found",
            "Разговор не найден",
            "No such conversation",
        )
    }

    pub fn frame(&self, client_id: Option<String>) -> protocol::ServerFrame {
        match self {
            ChatError::Refused {
                code,
                message,
                tries_left,
                ..
            } => protocol::ServerFrame::Error {
                code,
                message: message.clone(),
                client_id,
                tries_left: *tries_left,
            },
            ChatError::Internal(e) => {
                tracing::error!(error = ?e, "chat request failed");
                protocol::ServerFrame::Error {
                    code: "internal",
                    message: Text::new(
                        "Внутренняя ошибка, попробуйте позже",
                        "Internal error, please try again later",
                    ),
                    client_id,
                    tries_left: None,
                }
            }
        }
    }
}

impl From<StoreError> for ChatError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ChatError::not_found(),
            StoreError::Conflict(_) => ChatError::new(
                StatusCode::CONFLICT,
                "conflict",
                "Разговор изменился, повторите",
                "The conversation changed meanwhile; try again",
            ),
            other => ChatError::Internal(other.into()),
        }
    }
}

impl From<ChatError> for ApiError {
    fn from(e: ChatError) -> Self {
        match e {
            ChatError::Refused {
                status,
                code,
                message,
                ..
            } => ApiError::Problem {
                status,
                code,
                message,
            },
            ChatError::Internal(e) => ApiError::Internal(e),
        }
    }
}

fn refusal_error(r: AppendRefusal) -> ChatError {
    match r {
        AppendRefusal::NotFound => ChatError::not_found(),
        AppendRefusal::NotAssignee => ChatError::new(
            StatusCode::FORBIDDEN,
            "assigned_to_someone_else",
            "Разговор назначен другому сотруднику",
            "The conversation is assigned to someone else",
        ),
        AppendRefusal::Closed => ChatError::new(
            StatusCode::CONFLICT,
            "conversation_closed",
            "Разговор завершён: начните новый",
            "The conversation is over: start a new one",
        ),
    }
}

/// A stored (or re-acknowledged) message.
#[derive(Debug, Clone)]
pub struct Ack {
    pub ticket: TicketId,
    pub seq: i64,
    pub duplicate: bool,
}

/// What "Call an operator" led to.
#[derive(Debug, Clone)]
pub enum CallOutcome {
    Queued,
    CodeSent {
        phone: String,
        expires_at: Timestamp,
    },
}

/// The chat's use cases, shared by the WebSocket sessions and the HTTP fallback.
pub struct Chat {
    pub store: Arc<dyn Store>,
    pub catalog: Arc<Catalog>,
    pub sla: Arc<SlaPolicy>,
    /// Priority rules, SLA policies and calendars.
    pub rules: crate::rules::Rules,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<Metrics>,
    pub writer: Writer,
    pub hub: Arc<Hub>,
    pub bot: Arc<dyn BotAnswers>,
    /// The knowledge base the bot searches (and whose suggestions it counts).
    pub kb: Arc<crate::kb::Knowledge>,
    /// This node's router (see [`route`]).
    pub router: Arc<route::NodeRouter>,
    pub config: ChatConfig,
    step_up_key: Vec<u8>,
    step_up: StepUpPolicy,
    /// Status of operators whose console is on this node, for lease renewal.
    presence: Mutex<HashMap<OperatorId, (PresenceStatus, Timestamp)>>,
}

pub struct ChatParts {
    pub store: Arc<dyn Store>,
    pub catalog: Arc<Catalog>,
    pub sla: Arc<SlaPolicy>,
    pub rules: crate::rules::Rules,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<Metrics>,
    pub config: ChatConfig,
    /// Keys the step-up code hashes.
    pub secret: Vec<u8>,
    /// The knowledge base: the bot's suggestions come from its search.
    pub knowledge: Arc<crate::kb::Knowledge>,
}

impl Chat {
    /// Subscribes to the store's feed and starts this node's writer, hub and dispatcher.
    pub async fn start(parts: ChatParts) -> anyhow::Result<Arc<Chat>> {
        let feed = parts.store.subscribe_feed().await?;
        let (router, inbox) = route::NodeRouter::new();
        let hub = Hub::new(parts.config.connection_queue, parts.metrics.clone(), inbox);
        tokio::spawn(hub.clone().run(feed));
        let writer = Writer::start(
            parts.store.clone(),
            parts.clock.clone(),
            parts.metrics.clone(),
            parts.config.writer_max_batch,
            std::time::Duration::from_micros(parts.config.writer_linger_us),
        );
        let chat = Arc::new(Chat {
            store: parts.store,
            catalog: parts.catalog,
            sla: parts.sla,
            rules: parts.rules,
            clock: parts.clock,
            metrics: parts.metrics,
            writer,
            hub,
            bot: Arc::new(crate::kb::KbAnswers {
                kb: parts.knowledge.clone(),
            }),
            kb: parts.knowledge,
            router,
            config: parts.config,
            step_up_key: parts.secret,
            step_up: StepUpPolicy::default(),
            presence: Mutex::new(HashMap::new()),
        });
        tokio::spawn(chat.clone().run_router());
        Ok(chat)
    }

    /// A customer's chat ticket, or 404 (another customer's looks absent).
    pub async fn own_conversation(
        &self,
        customer: &Customer,
        number: &str,
    ) -> Result<Ticket, ChatError> {
        let number = TicketNumber::parse(number).map_err(|_| ChatError::not_found())?;
        let t = self.store.ticket(number.id()).await?;
        if t.customer_id != customer.id || t.channel != Channel::Chat {
            return Err(ChatError::not_found());
        }
        Ok(t)
    }

    /// A chat ticket for staff.
    pub async fn staff_conversation(&self, number: &str) -> Result<Ticket, ChatError> {
        let number = TicketNumber::parse(number).map_err(|_| ChatError::not_found())?;
        let t = self.store.ticket(number.id()).await?;
        if t.channel != Channel::Chat {
            return Err(ChatError::not_found());
        }
        Ok(t)
    }

    /// Opens a conversation with its first message, once the intake allows
    /// free text; the bot answers it. Resending the same client id opens nothing.
    pub async fn open(
        self: &Arc<Self>,
        customer: &Customer,
        intake: &Intake,
        body: &str,
        client_id: &str,
        events: &[TicketEvent],
    ) -> Result<(Ticket, ChatMessage, bool), ChatError> {
        check_client_id(client_id)?;
        let now = self.clock.now();
        let mut new = rules::open_conversation(&self.catalog, customer, intake, body, now)
            .map_err(|r| ChatError::refused(StatusCode::UNPROCESSABLE_ENTITY, r))?;
        if let Some((_, topic)) = self.catalog.topic(&new.line, &new.topic) {
            let decided =
                self.rules
                    .decide_priority(customer, &new.line, topic, Channel::Chat, false, now);
            new.priority = decided.priority;
            new.priority_rule = decided.rule;
        }
        let (ticket, first, created) = self
            .store
            .open_chat_with_events(&new, client_id, events)
            .await?;
        if created {
            self.metrics
                .tickets_created
                .get_or_create(&crate::metrics::TicketLabels {
                    channel: Channel::Chat.as_str().into(),
                })
                .inc();
            self.metrics.chat_conversations_opened.inc();
            self.spawn_bot_reply(ticket.id, new.description.clone(), customer.locale);
        }
        Ok((ticket, first, created))
    }

    /// Checks and queues a message; the receiver resolves once it is stored.
    pub async fn submit(
        &self,
        item: ChatAppend,
    ) -> Result<tokio::sync::oneshot::Receiver<writer::WriteResult>, ChatError> {
        self.writer
            .submit(item)
            .await
            .map_err(|_| ChatError::Internal(anyhow::anyhow!("the chat writer has stopped")))
    }

    /// Turns the writer's answer into an acknowledgement or an error.
    pub fn settle(result: writer::WriteResult, ticket: TicketId) -> Result<Ack, ChatError> {
        match result.map_err(|e| ChatError::Internal(anyhow::anyhow!(e)))? {
            AppendOutcome::Stored(m) => Ok(Ack {
                ticket,
                seq: m.seq,
                duplicate: false,
            }),
            AppendOutcome::Duplicate { seq } => Ok(Ack {
                ticket,
                seq,
                duplicate: true,
            }),
            AppendOutcome::Refused(r) => Err(refusal_error(r)),
        }
    }

    /// Stores a message and waits for it (the HTTP fallback).
    pub async fn send(self: &Arc<Self>, item: ChatAppend) -> Result<Ack, ChatError> {
        let ticket = item.ticket;
        let bot_question = match &item.author {
            Actor::Customer(_) => Some(item.body.clone()),
            _ => None,
        };
        let rx = self.submit(item).await?;
        let result = rx
            .await
            .map_err(|_| ChatError::Internal(anyhow::anyhow!("the chat writer has stopped")))?;
        let ack = Self::settle(result, ticket)?;
        if let (Some(q), false) = (bot_question, ack.duplicate) {
            self.bot_follow_up(ticket, q);
        }
        Ok(ack)
    }

    /// After a customer's message: if the bot still has the conversation, it answers.
    pub fn bot_follow_up(self: &Arc<Self>, ticket: TicketId, question: String) {
        let chat = self.clone();
        tokio::spawn(async move {
            let Ok(t) = chat.store.ticket(ticket).await else {
                return;
            };
            if t.status == Status::WithBot
                && let Ok(c) = chat.store.customer(&t.customer_id).await
            {
                chat.bot_reply(&t, &question, c.locale).await;
            } else if switchboard_hygiene::scope::classify(&question).is_some_and(|s| s.urgent) {
                // A person has the conversation: no bot answer, but fraud is urgent.
                chat.make_urgent(&t).await;
            }
        });
    }

    fn spawn_bot_reply(self: &Arc<Self>, ticket: TicketId, question: String, locale: Locale) {
        let chat = self.clone();
        tokio::spawn(async move {
            if let Ok(t) = chat.store.ticket(ticket).await {
                chat.bot_reply(&t, &question, locale).await;
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
        let Some((_, topic)) = self.catalog.topic(&t.line, &t.topic) else {
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
        self.bot_says(t.id, text, Some(meta)).await;
    }

    async fn bot_says(&self, ticket: TicketId, body: String, meta: Option<String>) {
        let item = ChatAppend {
            ticket,
            author: Actor::Bot,
            visibility: Visibility::Public,
            body,
            attachments: Vec::new(),
            client_id: None,
            meta,
            supervisor: false,
            events: Vec::new(),
        };
        if let Err(e) = self.writer.append(item).await {
            tracing::error!(error = %e, ticket = ticket.0, "the bot's message was not stored");
        }
    }

    fn rules(&self, _t: &Ticket) -> DeadlineRules {
        self.rules.deadlines.clone()
    }

    /// Applies an action through the ticket state machine, recomputing on a lost race.
    async fn apply(
        &self,
        id: TicketId,
        actor: &Actor,
        action: &Action,
        allow: impl Fn(&Ticket) -> Result<(), ChatError>,
    ) -> Result<Ticket, ChatError> {
        for _ in 0..3 {
            let t = self.store.ticket(id).await?;
            allow(&t)?;
            let outcome = t
                .apply(action, actor, &self.rules(&t), self.clock.now())
                .map_err(|e| {
                    ChatError::new(
                        StatusCode::CONFLICT,
                        e.code(),
                        "Это действие недоступно в текущем состоянии разговора",
                        &e.to_string(),
                    )
                })?;
            let change = TicketChange {
                ticket: outcome.ticket,
                actor: actor.clone(),
                events: outcome.events,
                message: None,
                notifications: Vec::new(),
            };
            match self.store.save_change(&change).await {
                Ok(t) => return Ok(t),
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Conflict("the conversation keeps changing".into()).into())
    }

    /// Assigns a queued conversation (the store re-checks presence and
    /// capacity); `Ok(None)` when it is no longer queued.
    pub async fn assign(&self, id: TicketId, op: OperatorId) -> Result<Option<Ticket>, StoreError> {
        let t = self.store.ticket(id).await?;
        if t.status != Status::Queued {
            return Ok(None);
        }
        let Ok(outcome) = t.apply(
            &Action::Assign(op),
            &Actor::System,
            &self.rules(&t),
            self.clock.now(),
        ) else {
            return Ok(None);
        };
        let change = TicketChange {
            ticket: outcome.ticket,
            actor: Actor::System,
            events: outcome.events,
            message: None,
            notifications: Vec::new(),
        };
        let stored = self
            .store
            .assign_chat(&change, op, self.clock.now())
            .await?;
        self.metrics.chat_assigned.inc();
        if let (Ok(operator), Ok(customer)) = (
            self.store.operator(op).await,
            self.store.customer(&t.customer_id).await,
        ) {
            let first_name = operator
                .name
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_owned();
            self.bot_says(
                id,
                bot_text::operator_joined(customer.locale, &first_name),
                None,
            )
            .await;
        }
        Ok(Some(stored))
    }

    /// "This answer helped": the bot resolved the conversation.
    pub async fn helped(&self, customer: &Customer, number: &str) -> Result<Ticket, ChatError> {
        let t = self.own_conversation(customer, number).await?;
        if t.status != Status::WithBot {
            return Err(not_with_bot());
        }
        self.bot_says(t.id, bot_text::resolved(customer.locale), None)
            .await;
        let t = self
            .apply(t.id, &Actor::Bot, &Action::Resolve, |t| {
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

    /// "Call an operator": bank topics first need the SMS code.
    pub async fn call_operator(
        &self,
        customer: &Customer,
        number: &str,
    ) -> Result<CallOutcome, ChatError> {
        let t = self.own_conversation(customer, number).await?;
        if t.status != Status::WithBot {
            return Err(not_with_bot());
        }
        let step_up = self
            .catalog
            .topic(&t.line, &t.topic)
            .is_some_and(|(_, topic)| topic.step_up);
        if step_up && !self.store.step_up(t.id).await?.verified() {
            return self.send_code(customer, &t).await;
        }
        self.hand_over(customer, &t).await?;
        Ok(CallOutcome::Queued)
    }

    async fn hand_over(&self, customer: &Customer, t: &Ticket) -> Result<(), ChatError> {
        self.bot_says(t.id, bot_text::handed_over(customer.locale), None)
            .await;
        if let Some(from) = self.rules.off_hours_until(&t.line, self.clock.now()) {
            let tz = self.rules.calendars.for_line(&t.line).time_zone().clone();
            let note = switchboard_domain::notification::off_hours_note(customer.locale, from, &tz);
            self.bot_says(t.id, note, None).await;
        }
        self.apply(
            t.id,
            &Actor::Customer(customer.id.clone()),
            &Action::HandToPerson,
            |t| {
                if t.status == Status::WithBot {
                    Ok(())
                } else {
                    Err(not_with_bot())
                }
            },
        )
        .await?;
        self.metrics.chat_handed_over.inc();
        self.hub.dispatch.notify_one();
        Ok(())
    }

    async fn send_code(&self, customer: &Customer, t: &Ticket) -> Result<CallOutcome, ChatError> {
        let Some(phone) = &customer.phone else {
            return Err(ChatError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_phone",
                "В профиле нет телефона для кода подтверждения; позвоните в банк",
                "Your profile has no phone number for the confirmation code; please call the bank",
            ));
        };
        let mut raw = [0u8; 8];
        getrandom::fill(&mut raw).map_err(|e| ChatError::Internal(anyhow::anyhow!("{e}")))?;
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
            .map_err(|r| ChatError::refused(StatusCode::TOO_MANY_REQUESTS, r.refusal()))?;
        let (subject, body) = bot_text::code_sms(customer.locale, &code);
        let sms = Notification {
            channel: ReplyChannel::Sms,
            recipient: phone.as_str().to_owned(),
            subject,
            body,
        };
        self.store
            .save_step_up(
                t.id,
                &state,
                &Actor::Bot,
                Some(&TicketEvent::StepUp {
                    outcome: StepUpOutcome::CodeSent,
                }),
                Some(&sms),
                now,
            )
            .await?;
        let masked = rules::mask_phone(phone.as_str());
        self.bot_says(t.id, bot_text::code_sent(customer.locale, &masked), None)
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
    ) -> Result<(), ChatError> {
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
            .map_err(|r| ChatError::refused(StatusCode::CONFLICT, r.refusal()))?;
        self.store
            .save_step_up(
                t.id,
                &next,
                &Actor::Customer(customer.id.clone()),
                Some(&TicketEvent::StepUp {
                    outcome: verdict.outcome(),
                }),
                None,
                now,
            )
            .await?;
        match verdict {
            Verdict::Passed => {
                self.bot_says(t.id, bot_text::code_accepted(customer.locale), None)
                    .await;
                self.hand_over(customer, &t).await
            }
            Verdict::Wrong { tries_left } => Err(ChatError::Refused {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "wrong_code",
                message: Text::new(
                    format!("Код неверный. Осталось попыток: {tries_left}"),
                    format!("Wrong code. Tries left: {tries_left}"),
                ),
                tries_left: Some(tries_left),
            }),
            Verdict::LockedOut { until } => Err(ChatError::refused(
                StatusCode::TOO_MANY_REQUESTS,
                rules::StepUpRefusal::Locked { until }.refusal(),
            )),
            Verdict::Expired => Err(ChatError::new(
                StatusCode::GONE,
                "code_expired",
                "Срок действия кода истёк: нажмите «Позвать оператора», чтобы получить новый",
                "The code has expired: press \"Call an operator\" to get a new one",
            )),
        }
    }

    /// An operator's status, with the lease this node keeps renewing.
    pub async fn set_presence(
        &self,
        op: OperatorId,
        status: PresenceStatus,
    ) -> Result<(), ChatError> {
        let now = self.clock.now();
        let lease = SignedDuration::from_secs(self.config.presence_lease_secs.max(1));
        self.store
            .set_presence(op, status, now + lease, now)
            .await?;
        let mut p = self.presence.lock().unwrap_or_else(|p| p.into_inner());
        if status == PresenceStatus::Offline {
            p.remove(&op);
        } else {
            p.insert(op, (status, now));
        }
        Ok(())
    }

    /// Renews the leases of this node's operators once a third of the lease has passed.
    async fn renew_presence(&self) -> Result<(), StoreError> {
        let now = self.clock.now();
        let lease = SignedDuration::from_secs(self.config.presence_lease_secs.max(1));
        let due: Vec<(OperatorId, PresenceStatus)> = {
            let p = self.presence.lock().unwrap_or_else(|p| p.into_inner());
            p.iter()
                .filter(|(_, (_, at))| now.duration_since(*at) >= lease / 3)
                .map(|(op, (s, _))| (*op, *s))
                .collect()
        };
        for (op, status) in due {
            self.store
                .set_presence(op, status, now + lease, now)
                .await?;
            let mut p = self.presence.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(entry) = p.get_mut(&op) {
                entry.1 = now;
            }
        }
        Ok(())
    }
}

fn not_with_bot() -> ChatError {
    ChatError::new(
        StatusCode::CONFLICT,
        "not_with_bot",
        "Разговор уже не у бота",
        "The bot no longer has this conversation",
    )
}

/// Client message ids: 1–64 of Latin letters, digits, `-`, `_`, `.`, `:`.
pub fn check_client_id(id: &str) -> Result<(), ChatError> {
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if ok {
        Ok(())
    } else {
        Err(ChatError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_client_id",
            "client_id — от 1 до 64 латинских букв, цифр, '-', '_', '.', ':'",
            "client_id is 1–64 Latin letters, digits, '-', '_', '.' or ':'",
        ))
    }
}
