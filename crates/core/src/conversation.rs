//! What support and the bot write in a conversation, on any channel: judged
//! (an operator's request for secrets is refused before anything is
//! stored), stored through the writer with the message's own outbound — a
//! reply by e-mail or to a messenger when the conversation runs there, a
//! notice by the customer's chosen channel for the form — in the same
//! transaction.

use std::sync::Arc;

use switchboard_domain::attachment::AttachmentMeta;
use switchboard_domain::conversation::{InboundFile, Outbound};
use switchboard_domain::customer::Customer;
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::notification;
use switchboard_domain::ticket::{Actor, Channel, Requester, Status, Ticket, TicketEvent};
use switchboard_store::{AppendItem, AppendOutcome, Notice, Visibility};
use tokio::sync::oneshot;

use crate::judgement::{self, Advice};
use crate::writer::WriteResult;
use crate::{Core, CoreError, CoreResult};

/// A stored (or re-acknowledged) message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack {
    pub ticket: TicketId,
    pub seq: i64,
    /// The same client or outside id was stored before: nothing new was stored.
    pub duplicate: bool,
}

/// What a member of staff writes.
#[derive(Debug, Clone)]
pub struct StaffMessage {
    pub operator: OperatorId,
    /// A supervisor or admin: may write in any conversation.
    pub supervisor: bool,
    pub text: String,
    pub files: Vec<InboundFile>,
    /// An internal note, which the customer never sees.
    pub internal: bool,
    pub client_id: Option<String>,
}

/// A message handed to the writer: `wait` gives its acknowledgement once it
/// is committed. Transports that pipeline (the chat socket) keep several.
pub struct Pending {
    rx: oneshot::Receiver<WriteResult>,
    ticket: TicketId,
    after: After,
}

/// What follows a customer's message once it is stored.
pub(crate) enum After {
    Nothing,
    /// The bot answers while it has the conversation; fraud makes it urgent.
    CustomerWrote {
        question: String,
        urgent: bool,
    },
}

impl Pending {
    pub(crate) fn new(rx: oneshot::Receiver<WriteResult>, ticket: TicketId, after: After) -> Self {
        Pending { rx, ticket, after }
    }

    pub fn ticket(&self) -> TicketId {
        self.ticket
    }

    /// Waits until the message is committed (or refused).
    pub async fn wait(self, core: &Arc<Core>) -> CoreResult<Ack> {
        let result = self
            .rx
            .await
            .map_err(|_| CoreError::internal("writer", "the writer has stopped"))?
            .map_err(|e| CoreError::internal("storing a message", e))?;
        let mut with_bot = false;
        let ack = match result {
            AppendOutcome::Stored(m, status) => {
                with_bot = status == Status::WithBot;
                Ack {
                    ticket: self.ticket,
                    seq: m.seq,
                    duplicate: false,
                }
            }
            AppendOutcome::Duplicate { seq } => Ack {
                ticket: self.ticket,
                seq,
                duplicate: true,
            },
            AppendOutcome::Refused(r) => return Err(r.into()),
        };
        // Only a message to the bot, or fraud reported to a person, has a
        // sequel: the common case costs no further read.
        if let (After::CustomerWrote { question, urgent }, false) = (self.after, ack.duplicate)
            && (with_bot || urgent)
        {
            core.after_customer_wrote(self.ticket, question, urgent);
        }
        Ok(ack)
    }
}

impl Core {
    /// Queues a message; its acknowledgement comes with [`Pending::wait`].
    pub(crate) async fn submit(&self, item: AppendItem, after: After) -> CoreResult<Pending> {
        let ticket = item.ticket;
        let rx = self
            .writer
            .submit(item)
            .await
            .map_err(|_| CoreError::internal("writer", "the writer has stopped"))?;
        Ok(Pending::new(rx, ticket, after))
    }

    /// A message from staff, judged: a reply asking the customer for secrets
    /// is refused before anything is stored; secrets an operator pasted are
    /// masked. The ticket is what the caller showed the operator (for the
    /// reply's route); whether they may write is decided on the stored one.
    pub async fn post_staff(&self, ticket: &Ticket, m: StaffMessage) -> CoreResult<Pending> {
        let judged = if m.internal {
            judgement::note(&m.text)
        } else {
            judgement::operator_message(&m.text)?
        };
        let text = message_text(ticket.channel.is_live(), &judged.text, !m.files.is_empty())?;
        let checked = self.check_files(&m.files).map_err(CoreError::Invalid)?;
        let attachments = self.save_files(&checked, &m.files).await?;
        let author = Actor::Operator(m.operator);
        let outbound = if m.internal {
            Vec::new()
        } else {
            self.outbound_for(ticket, &author, &text, &attachments)
                .await
        };
        let item = AppendItem {
            ticket: ticket.id,
            author,
            visibility: if m.internal {
                Visibility::Internal
            } else {
                Visibility::Public
            },
            body: text,
            attachments,
            client_id: m.client_id,
            external_id: None,
            meta: None,
            supervisor: m.supervisor,
            events: judged.events,
            outbound,
        };
        self.submit(item, After::Nothing).await
    }

    /// What a public message by support or the bot sends out: back through
    /// the conversation's outside thread (mail, messenger) for both; for a
    /// form or phone ticket, a notice by the customer's chosen channel for
    /// an operator's reply. A web chat needs none: it is read live.
    pub async fn outbound_for(
        &self,
        t: &Ticket,
        author: &Actor,
        text: &str,
        attachments: &[AttachmentMeta],
    ) -> Vec<Outbound> {
        let outside = t.origin.is_some() && t.channel != Channel::Chat;
        let person = matches!(author, Actor::Operator(_));
        if t.channel == Channel::Chat || (!outside && !person) {
            return Vec::new();
        }
        let customer = self.customer_of(&t.requester).await;
        let Some(route) = notification::reply_route(t, customer.as_ref()) else {
            return Vec::new();
        };
        let locale = customer.as_ref().map(|c| c.locale).unwrap_or_default();
        let mut out = notification::reply_notice(route, locale, t.number, &t.subject, text);
        out.attachments = attachments.to_vec();
        vec![out]
    }

    /// The requester's customer profile, when they have an account.
    pub async fn customer_of(&self, r: &Requester) -> Option<Customer> {
        match r {
            Requester::Customer(c) => self.store.customer(c).await.ok(),
            Requester::Contact(_) => None,
        }
    }

    /// The language the requester reads.
    pub async fn requester_locale(&self, t: &Ticket) -> Option<Locale> {
        match &t.requester {
            Requester::Customer(c) => self.store.customer(c).await.ok().map(|c| c.locale),
            Requester::Contact(c) => self.store.contact(*c).await.ok().map(|c| c.locale),
        }
    }

    /// The bot writes in the conversation (and, where it runs outside, sends
    /// it there). A failure is logged: the bot's words are never worth
    /// failing the customer's request over.
    pub async fn bot_says(&self, t: &Ticket, body: String, meta: Option<String>) {
        self.bot_says_with(t, body, meta, Vec::new()).await;
    }

    /// [`Core::bot_says`] with buttons under the message, for messengers
    /// that show them (the web chat draws its own from `meta`).
    pub async fn bot_says_with(
        &self,
        t: &Ticket,
        body: String,
        meta: Option<String>,
        buttons: Vec<Vec<switchboard_domain::conversation::Button>>,
    ) {
        let mut outbound = self.outbound_for(t, &Actor::Bot, &body, &[]).await;
        for o in &mut outbound {
            o.buttons = buttons.clone();
        }
        let item = AppendItem {
            meta,
            outbound,
            ..AppendItem::text(t.id, Actor::Bot, body)
        };
        if let Err(e) = self.writer.append(item).await {
            tracing::error!(error = %e, ticket = %t.number, "the bot's message was not stored");
        }
    }

    /// Someone is typing: told to the other side, stored nowhere.
    pub async fn typing(&self, t: &Ticket, from: Actor) -> CoreResult<()> {
        self.store
            .publish(&Notice::Typing {
                ticket: t.id,
                requester: t.requester.clone(),
                assignee: t.assignee,
                from,
            })
            .await?;
        Ok(())
    }

    /// A ticket's dialogue with the messages of tickets merged into it, in
    /// time order.
    pub async fn dialogue(
        &self,
        ticket: &Ticket,
        include_internal: bool,
    ) -> CoreResult<Vec<switchboard_store::StoredMessage>> {
        let mut messages = self.all_messages(ticket.id, include_internal).await?;
        let merged = self.store.merged_into(ticket.id).await?;
        if merged.is_empty() {
            return Ok(messages);
        }
        for m in merged {
            messages.extend(self.all_messages(m.source, include_internal).await?);
        }
        messages.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        Ok(messages)
    }

    async fn all_messages(
        &self,
        ticket: TicketId,
        include_internal: bool,
    ) -> CoreResult<Vec<switchboard_store::StoredMessage>> {
        const PAGE: u32 = 1000;
        let mut all = Vec::new();
        loop {
            let after = all
                .last()
                .map_or(0, |m: &switchboard_store::StoredMessage| m.seq);
            let page = self
                .store
                .messages(ticket, after, PAGE, include_internal)
                .await?;
            let done = page.len() < PAGE as usize;
            all.extend(page);
            if done {
                return Ok(all);
            }
        }
    }

    /// Records audit events the transports observed (a customer's block request).
    pub async fn record(
        &self,
        t: &Ticket,
        actor: &Actor,
        events: &[TicketEvent],
    ) -> CoreResult<()> {
        self.store
            .record_events(t.id, actor, events, self.clock.now())
            .await?;
        Ok(())
    }
}

/// A message's text by the rules of its channel: a live conversation's
/// (the chat's codes) or a ticket's.
pub fn message_text(live: bool, text: &str, has_files: bool) -> CoreResult<String> {
    refuse_controls(text)?;
    if live && !has_files {
        return switchboard_domain::bot::check_text(text)
            .map_err(|r| CoreError::chat(crate::RefusalKind::Invalid, r));
    }
    checked_text(text, has_files)
}

/// The control-character rule (`domain::control`) for every message text,
/// whichever transport or adapter it came through.
fn refuse_controls(text: &str) -> CoreResult<()> {
    if switchboard_domain::control::refuses(text) {
        return Err(CoreError::field(
            "body",
            "control_characters",
            "Текст содержит управляющие символы (например, NUL): уберите их",
            "The text contains control characters (such as NUL): remove them",
        ));
    }
    Ok(())
}

/// A message's text: trimmed, not empty unless files come with it, not too long.
pub fn checked_text(text: &str, has_files: bool) -> CoreResult<String> {
    let text = text.trim();
    if text.is_empty() && !has_files {
        return Err(CoreError::field(
            "body",
            "required",
            "Напишите сообщение",
            "Write a message",
        ));
    }
    refuse_controls(text)?;
    if text.chars().count() > switchboard_domain::bot::MAX_MESSAGE_CHARS {
        return Err(CoreError::field(
            "body",
            "too_long",
            "Сообщение длиннее 10 000 символов",
            "The message is longer than 10,000 characters",
        ));
    }
    Ok(text.to_owned())
}

/// The advice that tells a customer their question joined an open request.
pub fn joined_advice(number: switchboard_domain::ids::TicketNumber) -> Advice {
    Advice {
        code: "joined_open_request",
        message: crate::merges::joined_notice(number),
    }
}

/// Client message ids: 1–64 of Latin letters, digits, `-`, `_`, `.`, `:`.
pub fn check_client_id(id: &str) -> CoreResult<()> {
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if ok {
        Ok(())
    } else {
        Err(CoreError::refused(
            crate::RefusalKind::Invalid,
            "invalid_client_id",
            "client_id — от 1 до 64 латинских букв, цифр, '-', '_', '.', ':'",
            "client_id is 1–64 Latin letters, digits, '-', '_', '.' or ':'",
        ))
    }
}
