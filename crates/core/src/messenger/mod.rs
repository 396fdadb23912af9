//! The bot's flow in a messenger (Telegram, VK private messages), the same
//! as the web chat's ([`switchboard_domain::bot::flow`]): the topic menu as
//! buttons → an order or "not about an order" → the question, which opens
//! the conversation (the bot answers with ready answers and knowledge-base
//! articles) → "this helped" or "call an operator" (the SMS code first on
//! bank topics) → a person, whose replies go back through the outbox.
//!
//! An event is handled at least once and changes things once: its id is
//! recorded when handled, a message's own outside id is stored with it, and
//! a rule's refusal is told to the person and counts as handled. Only an
//! unavailable store makes the adapter offer the event again.
//!
//! Before the conversation exists, where a chat stands in the menu is kept
//! per endpoint and chat (`channel_state`); after, the conversation's status
//! says it.

pub mod link;
pub mod menu;

use std::sync::Arc;

use async_trait::async_trait;
use switchboard_channels::{EventInput, MessengerEvent, MessengerSink, SinkError};
use switchboard_domain::bot::{self as rules, FlowContext, Input, Intake, Stage, Step};
use switchboard_domain::conversation::{
    Button, ExternalRefs, Inbound, Medium, Outbound, OutboundKind, Request, Route, Sender, Target,
};
use switchboard_domain::customer::Customer;
use switchboard_domain::i18n::Locale;
use switchboard_domain::ticket::{Requester, Status, Ticket};

use crate::{Core, CoreError, CoreResult, RefusalKind};
use menu::Press;

/// The limit the messengers put on files a bot may fetch, told to customers.
const FILE_LIMIT_MB: u64 = 20;

/// [`Core::messenger_event`] behind the channels' [`MessengerSink`].
#[derive(Clone)]
pub struct CoreMessengerSink(pub Arc<Core>);

#[async_trait]
impl MessengerSink for CoreMessengerSink {
    async fn event(&self, event: MessengerEvent) -> Result<(), SinkError> {
        self.0
            .messenger_event(event)
            .await
            .map_err(|e| SinkError::Unavailable(format!("{e:#}")))
    }
}

/// Who wrote and where, resolved once per event.
struct Chat {
    event: MessengerEvent,
    requester: Requester,
    customer: Option<Customer>,
    locale: Locale,
}

impl Chat {
    fn route(&self) -> Option<Route> {
        Some(Route {
            medium: Medium::of_channel(self.event.channel)?,
            recipient: self.event.sender.value.clone(),
            endpoint: Some(self.event.endpoint.clone()),
            thread: Some(self.event.thread.clone()),
        })
    }

    fn menu_key(&self) -> String {
        format!("menu:{}", self.event.thread)
    }
}

impl Core {
    /// Handles one messenger event; see the module doc. `Err` only when it
    /// should be offered again (storage unavailable).
    #[tracing::instrument(skip_all, fields(channel = event.channel.as_str()))]
    pub async fn messenger_event(self: &Arc<Self>, event: MessengerEvent) -> anyhow::Result<()> {
        let (channel, endpoint, id) = (
            event.channel,
            event.endpoint.clone(),
            event.event_id.clone(),
        );
        if self.store.event_seen(channel, &endpoint, &id).await? {
            return Ok(());
        }
        let requester = self
            .store
            .resolve_address(
                &event.sender,
                event.locale.unwrap_or_default(),
                self.clock.now(),
            )
            .await?;
        let customer = self.customer_of(&requester).await;
        let locale = match (&customer, event.locale) {
            (_, Some(l)) => l,
            (Some(c), None) => c.locale,
            (None, None) => Locale::Ru,
        };
        let chat = Chat {
            event,
            requester,
            customer,
            locale,
        };
        if !chat.event.too_large.is_empty() {
            let text = menu::too_large(locale, &chat.event.too_large, FILE_LIMIT_MB);
            self.tell(&chat, text, Vec::new()).await?;
        }
        match self.messenger_step(&chat).await {
            Ok(()) => {}
            Err(CoreError::Internal(e)) => return Err(e),
            Err(CoreError::Conflict(e)) => anyhow::bail!("conflict: {e}"),
            Err(refused) => {
                let text = refusal_text(&refused, locale);
                self.tell(&chat, text, Vec::new()).await?;
            }
        }
        self.store
            .record_event(channel, &endpoint, &id, self.clock.now())
            .await?;
        Ok(())
    }

    /// Sends a message to the chat that belongs to no ticket (menus,
    /// refusals), through the outbox.
    async fn tell(&self, chat: &Chat, text: String, buttons: Vec<Vec<Button>>) -> CoreResult<()> {
        let Some(route) = chat.route() else {
            return Ok(());
        };
        let out = Outbound {
            kind: OutboundKind::Notice,
            route,
            subject: String::new(),
            text,
            attachments: Vec::new(),
            sensitive: false,
            buttons,
        };
        self.store.queue_outbound(&[out], self.clock.now()).await?;
        Ok(())
    }

    /// The chat's open conversation on this endpoint, if any.
    async fn open_in_chat(&self, chat: &Chat) -> CoreResult<Option<Ticket>> {
        let e = &chat.event;
        let found = self
            .store
            .open_thread(e.channel, &e.endpoint, &e.thread)
            .await?;
        Ok(found.filter(|t| {
            t.requester == chat.requester && !matches!(t.status, Status::Resolved | Status::Closed)
        }))
    }

    async fn intake(&self, chat: &Chat) -> CoreResult<Intake> {
        let e = &chat.event;
        let raw = self
            .store
            .channel_state(e.channel, &e.endpoint, &chat.menu_key())
            .await?;
        // A value that no longer parses (an older format) starts over.
        Ok(raw
            .and_then(|r| serde_json::from_str(&r).ok())
            .unwrap_or_default())
    }

    async fn save_intake(&self, chat: &Chat, intake: Option<&Intake>) -> CoreResult<()> {
        let e = &chat.event;
        let value = intake
            .map(serde_json::to_string)
            .transpose()
            .map_err(|err| CoreError::internal("menu state", err))?;
        self.store
            .set_channel_state(
                e.channel,
                &e.endpoint,
                &chat.menu_key(),
                value.as_deref(),
                self.clock.now(),
            )
            .await?;
        Ok(())
    }

    async fn messenger_step(self: &Arc<Self>, chat: &Chat) -> CoreResult<()> {
        if self.link_attempt(chat).await? {
            return Ok(());
        }
        let open = self.open_in_chat(chat).await?;
        match (&chat.event.input, open) {
            (EventInput::Button(data), open) => match Press::parse(data) {
                Some(press) => self.press(chat, press, open).await,
                None => self.show_lines(chat).await,
            },
            (EventInput::Text(text), Some(t)) => self.continue_chat(chat, text, &t).await,
            (EventInput::Text(text), None) => self.intake_text(chat, text).await,
        }
    }

    async fn show_lines(&self, chat: &Chat) -> CoreResult<()> {
        self.save_intake(chat, None).await?;
        let (text, buttons) = menu::lines(&self.catalog(), chat.customer.as_ref(), chat.locale);
        self.tell(chat, text, buttons).await
    }

    async fn press(
        self: &Arc<Self>,
        chat: &Chat,
        press: Press,
        open: Option<Ticket>,
    ) -> CoreResult<()> {
        match (press, open) {
            (Press::Rate(score, token), _) => {
                self.rate(crate::csat::Rater::Link(&token), score, None)
                    .await?;
                let text = switchboard_domain::csat::thanks_text(chat.locale, score);
                self.tell(chat, text, Vec::new()).await
            }
            (Press::Helped, Some(t)) => self.messenger_helped(chat, &t).await,
            (Press::Operator, Some(t)) => self.messenger_call_operator(chat, &t).await,
            (Press::Helped | Press::Operator, None) => self.show_lines(chat).await,
            (Press::Menu, _) => self.show_lines(chat).await,
            (Press::Line(line), _) => match menu::topics(&self.catalog(), &line, chat.locale) {
                Some((text, buttons)) => self.tell(chat, text, buttons).await,
                None => self.show_lines(chat).await,
            },
            (Press::Topic { .. } | Press::Order(_), Some(t)) => Err(CoreError::chat(
                RefusalKind::Conflict,
                rules::ChatRefusal::new(
                    "conversation_open",
                    format!(
                        "У вас уже идёт разговор {}: просто напишите сообщение",
                        t.number
                    ),
                    format!(
                        "Conversation {} is already open: just write a message",
                        t.number
                    ),
                ),
            )),
            (Press::Topic { line, topic }, None) => {
                if chat.customer.is_none()
                    && self
                        .catalog()
                        .topic(&line, &topic)
                        .is_some_and(|(_, t)| t.step_up)
                {
                    let (text, buttons) = menu::link_first(chat.locale);
                    return self.tell(chat, text, buttons).await;
                }
                let input = Input::Topic { line, topic };
                let (intake, step) = self.intake_next(chat, &input).await?;
                self.save_intake(chat, Some(&intake)).await?;
                self.prompt(chat, step).await
            }
            (Press::Order(order), None) => {
                let (intake, step) = self.intake_next(chat, &Input::Order(order)).await?;
                self.save_intake(chat, Some(&intake)).await?;
                self.prompt(chat, step).await
            }
        }
    }

    /// The menu's next stage before a conversation exists.
    async fn intake_next(&self, chat: &Chat, input: &Input) -> CoreResult<(Intake, Step)> {
        let intake = self.intake(chat).await?;
        let orders = match &chat.customer {
            Some(c) => self.store.customer_orders(&c.id).await?,
            None => Vec::new(),
        };
        let ctx = FlowContext {
            catalog: &self.catalog(),
            customer: chat.customer.as_ref(),
            orders: &orders,
            needs_code: false,
            code_verified: false,
        };
        let (stage, step) = Stage::Intake { intake }
            .next(input, &ctx)
            .map_err(|r| CoreError::chat(RefusalKind::Invalid, r))?;
        match stage {
            Stage::Intake { intake } => Ok((intake, step)),
            _ => Ok((Intake::default(), Step::ShowTopics)),
        }
    }

    async fn prompt(&self, chat: &Chat, step: Step) -> CoreResult<()> {
        match step {
            Step::AskOrder if chat.customer.is_none() => {
                let (text, buttons) = menu::orders_unlinked(chat.locale);
                self.tell(chat, text, buttons).await
            }
            Step::AskOrder => {
                let orders = match &chat.customer {
                    Some(c) => self.store.customer_orders(&c.id).await?,
                    None => Vec::new(),
                };
                let (text, buttons) = menu::orders(&orders, chat.locale);
                self.tell(chat, text, buttons).await
            }
            Step::Ready => {
                self.tell(chat, menu::ask_question(chat.locale), Vec::new())
                    .await
            }
            _ => self.show_lines(chat).await,
        }
    }

    /// Text before the conversation exists: the question once the topic
    /// (and order) are chosen, else the menu.
    async fn intake_text(self: &Arc<Self>, chat: &Chat, text: &str) -> CoreResult<()> {
        let intake = self.intake(chat).await?;
        let command = text.trim().starts_with('/');
        let Intake::Ready { line, topic, order } = &intake else {
            return match (&intake, command) {
                (Intake::NeedOrder { .. }, false) => self.prompt(chat, Step::AskOrder).await,
                _ => self.show_lines(chat).await,
            };
        };
        if command {
            return self.show_lines(chat).await;
        }
        let request = Request {
            line: line.clone(),
            topic: topic.clone(),
            order_number: order.as_ref().map(|o| o.to_string()),
            ..Request::default()
        };
        self.ingest_chat(chat, text, Target::New(request)).await?;
        self.save_intake(chat, None).await
    }

    /// Text in the open conversation: stored there (the bot answers while it
    /// has it); on a bank topic waiting for the SMS code, a code is checked.
    async fn continue_chat(
        self: &Arc<Self>,
        chat: &Chat,
        text: &str,
        t: &Ticket,
    ) -> CoreResult<()> {
        let code = text.trim();
        if t.status == Status::WithBot
            && rules::code_well_formed(code)
            && chat.event.files.is_empty()
            && let Some(customer) = &chat.customer
            && self.store.step_up(t.id).await?.code_hash.is_some()
        {
            return self.enter_code(customer, &t.number.to_string(), code).await;
        }
        self.ingest_chat(chat, text, Target::Existing(t.number))
            .await
    }

    async fn ingest_chat(
        self: &Arc<Self>,
        chat: &Chat,
        text: &str,
        target: Target,
    ) -> CoreResult<()> {
        let e = &chat.event;
        let inbound = Inbound {
            sender: Sender::Address(e.sender.clone()),
            channel: e.channel,
            refs: ExternalRefs {
                endpoint: Some(e.endpoint.clone()),
                thread: Some(e.thread.clone()),
                message_id: e.message_id.clone(),
                ..ExternalRefs::default()
            },
            target,
            text: text.to_owned(),
            files: e.files.clone(),
            locale: Some(chat.locale),
        };
        let done = self.ingest(inbound).await?.finish(self).await?;
        let notices: Vec<String> = done
            .warning
            .iter()
            .chain(done.notices.iter())
            .map(|a| a.message.get(chat.locale).to_owned())
            .collect();
        if !notices.is_empty() && !done.duplicate {
            self.tell(chat, notices.join("\n\n"), Vec::new()).await?;
        }
        Ok(())
    }

    /// "This helped": the bot resolves the conversation.
    async fn messenger_helped(&self, chat: &Chat, t: &Ticket) -> CoreResult<()> {
        match &chat.customer {
            Some(c) => self.helped(c, &t.number.to_string()).await.map(|_| ()),
            None => self
                .helped_as(t, &chat.requester, chat.locale)
                .await
                .map(|_| ()),
        }
    }

    /// "Call an operator": a customer's bank topic asks for the SMS code
    /// first; a contact without an account is asked to link it.
    async fn messenger_call_operator(&self, chat: &Chat, t: &Ticket) -> CoreResult<()> {
        if let Some(c) = &chat.customer {
            return self
                .call_operator(c, &t.number.to_string())
                .await
                .map(|_| ());
        }
        match self.flow_step(t, Input::CallOperator).await? {
            Step::SendCode => Err(CoreError::refused(
                RefusalKind::Forbidden,
                "link_required",
                "По банковским вопросам оператор подключится после входа: привяжите этот аккаунт в личном кабинете (раздел «Мессенджеры»)",
                "For bank questions an operator joins once you are signed in: link this account in your profile (\"Messengers\")",
            )),
            _ => {
                self.hand_over(&chat.requester.actor(), chat.locale, t)
                    .await
            }
        }
    }
}

/// What a refused step tells the person, in their language.
fn refusal_text(e: &CoreError, locale: Locale) -> String {
    match e {
        CoreError::Refused(r) => r.message.get(locale).to_owned(),
        CoreError::Invalid(fields) => fields
            .iter()
            .map(|f| f.message.get(locale).to_owned())
            .collect::<Vec<_>>()
            .join("\n"),
        CoreError::NotFound => match locale {
            Locale::Ru => "Разговор не найден: начните новый — /start".into(),
            Locale::En => "Conversation not found: start a new one with /start".into(),
        },
        CoreError::Transition(_) => match locale {
            Locale::Ru => "Сейчас это сделать нельзя.".into(),
            Locale::En => "That cannot be done now.".into(),
        },
        CoreError::Internal(_) | CoreError::Conflict(_) => String::new(),
    }
}
