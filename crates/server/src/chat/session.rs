//! One WebSocket connection, customer or operator: a single task that reads
//! the client's frames, writes what the hub delivers and the acknowledgements
//! of the writer, and keeps, per attached conversation, the last `seq` this
//! connection has sent. A notice at or below it is a duplicate and skipped;
//! one beyond the next is a gap, filled by re-reading the store; a resync
//! flag from the hub re-reads everything attached. That is what makes the
//! delivery exactly once and in order, whichever path a notice took.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::StreamExt;
use futures_util::stream::FuturesOrdered;
use jiff::Timestamp;
use switchboard_core::bot::CallOutcome;
use switchboard_core::conversation::{StaffMessage, check_client_id};
use switchboard_core::{Core, CoreError, CoreResult, IngestOutcome, RefusalKind};
use switchboard_domain::bot::{Intake, TopicChosen};
use switchboard_domain::conversation::{ExternalRefs, Inbound, Request, Sender, Target};
use switchboard_domain::customer::Customer;
use switchboard_domain::i18n::Text;
use switchboard_domain::ids::{TicketId, TicketNumber};
use switchboard_domain::ticket::{Actor, Channel, Status, Ticket};
use switchboard_store::{ConversationScope, Notice, Operator, PresenceStatus, Role};

use super::hub::{ConnInbox, Hub};
use super::protocol::{
    ClientFrame, ConversationView, LineView, MessageView, OrderView, ServerFrame, TopicView,
};
use crate::config::ChatConfig;
use crate::http::views::Names;

/// Who is on the other end.
pub enum Who {
    /// With the expiry of their identity token.
    Customer(Customer, Option<Timestamp>),
    Operator(Operator),
}

/// WebSocket close codes beyond the standard ones.
pub const CLOSE_TOKEN_EXPIRED: u16 = 4001;
const CLOSE_POLICY: u16 = 1008;
const CLOSE_TOO_BIG: u16 = 1009;

/// Rate-limit refusals in a row before the connection is closed.
const MAX_STRIKES: u32 = 20;
/// Messages read from the store per replay page.
const REPLAY_PAGE: u32 = 200;

struct Attached {
    last: i64,
    /// The conversation as last seen (status, assignee, where it runs).
    ticket: Ticket,
}

/// The frames that answer one sent message once it is stored (the ack, and a
/// warning when secrets were masked), in order.
type Pending = Pin<Box<dyn Future<Output = Vec<ServerFrame>> + Send>>;

/// A token bucket: `burst` frames at once, `rate` per second sustained.
struct Bucket {
    tokens: f64,
    at: Instant,
    rate: f64,
    burst: f64,
}

impl Bucket {
    fn take(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

struct Session {
    core: Arc<Core>,
    who: Who,
    actor: Actor,
    ws: WebSocket,
    intake: Intake,
    attached: HashMap<TicketId, Attached>,
    bucket: Bucket,
    strikes: u32,
    pending: FuturesOrdered<Pending>,
    open: bool,
}

enum Step {
    Continue,
    Close(u16, &'static str),
}

/// What a connection is served with.
pub struct Served {
    pub core: Arc<Core>,
    pub hub: Arc<Hub>,
    pub config: ChatConfig,
}

pub async fn run(served: Served, ws: WebSocket, who: Who) {
    let Served { core, hub, config } = served;
    let (actor, mut inbox) = match &who {
        Who::Customer(c, _) => (Actor::Customer(c.id.clone()), hub.join_customer(&c.id)),
        Who::Operator(o) => (Actor::Operator(o.id), hub.join_operator(o.id)),
    };
    let bucket = Bucket {
        tokens: f64::from(config.rate_burst),
        at: Instant::now(),
        rate: config.rate_per_sec,
        burst: f64::from(config.rate_burst),
    };
    let mut s = Session {
        core: core.clone(),
        who,
        actor,
        ws,
        intake: Intake::default(),
        attached: HashMap::new(),
        bucket,
        strikes: 0,
        pending: FuturesOrdered::new(),
        open: true,
    };
    Box::pin(s.hello()).await;
    Box::pin(s.serve(&mut inbox)).await;
    match &s.who {
        Who::Customer(c, _) => hub.leave_customer(&c.id, inbox.id),
        Who::Operator(o) => {
            if hub.leave_operator(o.id, inbox.id) == 0
                && let Err(e) = core.set_presence(o.id, PresenceStatus::Offline).await
            {
                tracing::warn!(error = ?e, "could not mark the operator offline");
            }
        }
    }
}

impl Session {
    fn staff(&self) -> bool {
        matches!(self.who, Who::Operator(_))
    }

    async fn send(&mut self, frame: &ServerFrame) {
        if !self.open {
            return;
        }
        if self
            .ws
            .send(Message::Text(frame.to_json().into()))
            .await
            .is_err()
        {
            self.open = false;
        }
    }

    async fn close(&mut self, code: u16, reason: &'static str) {
        let _ = self
            .ws
            .send(Message::Close(Some(CloseFrame {
                code,
                reason: reason.into(),
            })))
            .await;
        self.open = false;
    }

    async fn serve(&mut self, inbox: &mut ConnInbox) {
        while self.open {
            let has_pending = !self.pending.is_empty();
            tokio::select! {
                incoming = self.ws.recv() => {
                    let step = match incoming {
                        None => break,
                        Some(Err(e)) => {
                            if e.to_string().contains("too long") || e.to_string().contains("Space limit") {
                                Step::Close(CLOSE_TOO_BIG, "frame too large")
                            } else {
                                break;
                            }
                        }
                        Some(Ok(Message::Text(text))) => Box::pin(self.on_text(text.as_str())).await,
                        Some(Ok(Message::Binary(_))) => {
                            self.send(&ServerFrame::error("binary_not_supported", Text::new(
                                "Поддерживаются только текстовые JSON-кадры",
                                "Only JSON text frames are supported",
                            ))).await;
                            Step::Continue
                        }
                        Some(Ok(Message::Close(_))) => break,
                        Some(Ok(_)) => Step::Continue,
                    };
                    if let Step::Close(code, reason) = step {
                        self.close(code, reason).await;
                    }
                }
                Some(notice) = inbox.rx.recv() => {
                    Box::pin(self.on_notice(&notice)).await;
                }
                Some(frames) = self.pending.next(), if has_pending => {
                    for frame in &frames {
                        self.send(frame).await;
                    }
                }
                _ = inbox.wake.notified() => {}
            }
            if inbox.resync.swap(false, Ordering::AcqRel) {
                Box::pin(self.resync()).await;
            }
        }
    }

    async fn hello(&mut self) {
        let frame = match &self.who {
            Who::Customer(c, _) => {
                let conversations = self
                    .core
                    .store
                    .conversations(
                        &ConversationScope::Customer(c.id.clone(), Channel::Chat),
                        20,
                    )
                    .await
                    .unwrap_or_default()
                    .iter()
                    .map(|cv| ConversationView::new(&cv.ticket, cv.last_seq, false))
                    .collect();
                ServerFrame::Hello {
                    role: "customer",
                    name: c.name.clone(),
                    conversations,
                    queue: Vec::new(),
                }
            }
            Who::Operator(o) => {
                let conversations = self
                    .core
                    .store
                    .conversations(&ConversationScope::Assignee(o.id), 200)
                    .await
                    .unwrap_or_default()
                    .iter()
                    .map(|cv| ConversationView::new(&cv.ticket, cv.last_seq, true))
                    .collect();
                let queue = self
                    .core
                    .store
                    .conversations(&ConversationScope::Queued, 200)
                    .await
                    .unwrap_or_default()
                    .iter()
                    .filter(|cv| self.has_skill(&cv.ticket))
                    .map(|cv| ConversationView::new(&cv.ticket, cv.last_seq, true))
                    .collect();
                ServerFrame::Hello {
                    role: "operator",
                    name: o.name.clone(),
                    conversations,
                    queue,
                }
            }
        };
        self.send(&frame).await;
    }

    fn has_skill(&self, t: &Ticket) -> bool {
        match &self.who {
            Who::Operator(o) => {
                o.role != Role::Operator
                    || o.skills.iter().any(|s| {
                        *s == switchboard_core::routing::topic_skill(&self.core.catalog, t)
                    })
            }
            Who::Customer(..) => false,
        }
    }

    async fn on_text(&mut self, text: &str) -> Step {
        if let Who::Customer(_, Some(expires)) = &self.who
            && self.core.clock.now() >= *expires
        {
            self.send(&ServerFrame::error(
                "token_expired",
                Text::new(
                    "Срок действия токена истёк: подключитесь заново",
                    "The identity token has expired: reconnect",
                ),
            ))
            .await;
            return Step::Close(CLOSE_TOKEN_EXPIRED, "token expired");
        }
        if !self.bucket.take() {
            self.strikes += 1;
            if self.strikes > MAX_STRIKES {
                return Step::Close(CLOSE_POLICY, "too many frames");
            }
            self.send(&ServerFrame::error(
                "rate_limited",
                Text::new(
                    "Слишком много сообщений подряд, подождите немного",
                    "Too many frames; slow down",
                ),
            ))
            .await;
            return Step::Continue;
        }
        self.strikes = 0;
        let frame: ClientFrame = match serde_json::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                self.send(&ServerFrame::error(
                    "malformed_frame",
                    Text::new(
                        format!("Кадр не распознан: {e}"),
                        format!("The frame is not valid: {e}"),
                    ),
                ))
                .await;
                return Step::Continue;
            }
        };
        if let Err(e) = self.on_frame(frame).await {
            self.send(&ServerFrame::from_error(e, None)).await;
        }
        Step::Continue
    }

    fn customer(&self) -> CoreResult<&Customer> {
        match &self.who {
            Who::Customer(c, _) => Ok(c),
            Who::Operator(_) => Err(wrong_side()),
        }
    }

    fn operator(&self) -> CoreResult<&Operator> {
        match &self.who {
            Who::Operator(o) => Ok(o),
            Who::Customer(..) => Err(wrong_side()),
        }
    }

    async fn on_frame(&mut self, frame: ClientFrame) -> CoreResult<()> {
        let chat = self.core.clone();
        match frame {
            ClientFrame::Ping => self.send(&ServerFrame::Pong).await,
            ClientFrame::Topics => {
                let c = self.customer()?;
                let lines = chat
                    .catalog
                    .lines
                    .iter()
                    .filter(|l| l.serves(c.kind))
                    .map(|l| LineView {
                        code: l.code.clone(),
                        name: Names::from(&l.name),
                        topics: l
                            .topics
                            .iter()
                            .map(|t| TopicView {
                                code: t.code.clone(),
                                name: Names::from(&t.name),
                                order_expected: t.order_expected,
                                step_up: t.step_up,
                            })
                            .collect(),
                    })
                    .collect();
                self.send(&ServerFrame::Topics { lines }).await;
            }
            ClientFrame::Topic { line, topic } => {
                let c = self.customer()?.clone();
                let chosen = self
                    .intake
                    .choose_topic(&chat.catalog, Some(&c), &line, &topic)
                    .map_err(|r| CoreError::chat(RefusalKind::Invalid, r))?;
                match chosen {
                    TopicChosen::OrderRequired => {
                        let mut orders: Vec<OrderView> = chat
                            .store
                            .customer_orders(&c.id)
                            .await?
                            .into_iter()
                            .map(|o| OrderView {
                                number: o.number.to_string(),
                                title: o.title,
                                status: o.status,
                            })
                            .collect();
                        orders.extend(c.bookings.iter().map(|b| OrderView {
                            number: b.reference.to_string(),
                            title: format!("{:?}", b.kind).to_lowercase(),
                            status: b.starts_at.to_string(),
                        }));
                        self.send(&ServerFrame::OrderRequired { orders }).await;
                    }
                    TopicChosen::Ready => self.ready().await,
                }
            }
            ClientFrame::Order { number } => {
                let c = self.customer()?.clone();
                let orders = chat.store.customer_orders(&c.id).await?;
                self.intake
                    .choose_order(Some(&c), &orders, number.as_deref())
                    .map_err(|r| CoreError::chat(RefusalKind::Invalid, r))?;
                self.ready().await;
            }
            ClientFrame::Message {
                conversation,
                client_id,
                body,
            } => {
                let fail = |e: CoreError, id: &str| ServerFrame::from_error(e, Some(id.to_owned()));
                if let Err(e) = check_client_id(&client_id) {
                    self.send(&fail(e, &client_id)).await;
                    return Ok(());
                }
                let result = match conversation {
                    None => self.open_conversation(&body, &client_id).await,
                    Some(number) => self.message(&number, body, client_id.clone()).await,
                };
                if let Err(e) = result {
                    self.send(&fail(e, &client_id)).await;
                }
            }
            ClientFrame::Resume {
                conversation,
                last_seq,
            } => {
                let t = self.authorised(&conversation).await?;
                self.attach(&t, last_seq.max(0)).await;
            }
            ClientFrame::Typing { conversation } => {
                let t = self.attached_id(&conversation)?;
                let ticket = self.attached[&t].ticket.clone();
                chat.typing(&ticket, self.actor.clone()).await?;
            }
            ClientFrame::Helped {
                conversation,
                answer,
            } => {
                let c = self.customer()?.clone();
                // A knowledge-base article that helped is counted as such.
                if let Some(article) = answer.filter(|a| chat.kb.is_published(a)) {
                    let _ = chat.feedback(&c, &conversation, &article, true).await;
                }
                chat.helped(&c, &conversation).await?;
            }
            ClientFrame::Feedback {
                conversation,
                article,
                helped,
            } => {
                let c = self.customer()?.clone();
                chat.feedback(&c, &conversation, &article, helped).await?;
                self.send(&ServerFrame::FeedbackRecorded {
                    conversation,
                    article,
                    helped,
                })
                .await;
            }
            ClientFrame::Block {
                conversation,
                target,
            } => {
                let c = self.customer()?.clone();
                if let Some(CallOutcome::CodeSent { phone, expires_at }) =
                    chat.accept_block(&c, &conversation, &target).await?
                {
                    self.send(&ServerFrame::StepUp {
                        conversation,
                        phone,
                        expires_at: expires_at.to_string(),
                    })
                    .await;
                }
            }
            ClientFrame::CallOperator { conversation } => {
                let c = self.customer()?.clone();
                if let CallOutcome::CodeSent { phone, expires_at } =
                    chat.call_operator(&c, &conversation).await?
                {
                    self.send(&ServerFrame::StepUp {
                        conversation,
                        phone,
                        expires_at: expires_at.to_string(),
                    })
                    .await;
                }
            }
            ClientFrame::Code { conversation, code } => {
                let c = self.customer()?.clone();
                chat.enter_code(&c, &conversation, &code).await?;
            }
            ClientFrame::Presence { status } => {
                let op = self.operator()?.id;
                let status = PresenceStatus::parse(&status).ok_or_else(|| {
                    CoreError::refused(
                        RefusalKind::Invalid,
                        "invalid_status",
                        "Статус: online, away или offline",
                        "Status is online, away or offline",
                    )
                })?;
                chat.set_presence(op, status).await?;
                self.send(&ServerFrame::Presence {
                    status: status.as_str(),
                })
                .await;
            }
        }
        Ok(())
    }

    async fn ready(&mut self) {
        if let Intake::Ready { line, topic, .. } = &self.intake {
            let frame = ServerFrame::Ready {
                line: line.clone(),
                topic: topic.clone(),
            };
            self.send(&frame).await;
        }
    }

    /// The conversation, if this connection may see it.
    async fn authorised(&mut self, number: &str) -> CoreResult<Ticket> {
        let chat = self.core.clone();
        match &self.who {
            Who::Customer(c, _) => chat.own_conversation(c, number).await,
            Who::Operator(o) => {
                let t = chat.staff_conversation(number).await?;
                if t.assignee == Some(o.id) || o.role != Role::Operator {
                    Ok(t)
                } else {
                    Err(CoreError::refused(
                        RefusalKind::Forbidden,
                        "assigned_to_someone_else",
                        "Разговор назначен другому сотруднику",
                        "The conversation is assigned to someone else",
                    ))
                }
            }
        }
    }

    fn attached_id(&self, number: &str) -> CoreResult<TicketId> {
        let n = TicketNumber::parse(number).map_err(|_| CoreError::NotFound)?;
        if self.attached.contains_key(&n.id()) {
            Ok(n.id())
        } else {
            Err(CoreError::NotFound)
        }
    }

    async fn open_conversation(&mut self, body: &str, client_id: &str) -> CoreResult<()> {
        let c = self.customer()?.clone();
        // The intake stays as it is: resending this frame answers with the same conversation.
        self.intake
            .text_allowed()
            .map_err(|r| CoreError::chat(RefusalKind::Invalid, r))?;
        let Intake::Ready { line, topic, order } = &self.intake else {
            return Err(CoreError::chat(
                RefusalKind::Invalid,
                switchboard_domain::bot::topic_required(),
            ));
        };
        let inbound = Inbound {
            sender: Sender::Customer(c.id.clone()),
            channel: Channel::Chat,
            refs: ExternalRefs {
                client_id: Some(client_id.to_owned()),
                ..ExternalRefs::default()
            },
            target: Target::New(Request {
                line: line.clone(),
                topic: topic.clone(),
                order_number: order.as_ref().map(|o| o.to_string()),
                ..Request::default()
            }),
            text: body.to_owned(),
            files: Vec::new(),
            locale: Some(c.locale),
        };
        let core = self.core.clone();
        let done = core.ingest(inbound).await?.finish(&core).await?;
        let t = core.store.ticket(done.ticket).await?;
        let joined = done.outcome == IngestOutcome::Joined;
        if t.channel == Channel::Chat && !self.attached.contains_key(&t.id) {
            self.attach(&t, 0).await;
        }
        let frame = if joined {
            ServerFrame::Joined {
                client_id: client_id.to_owned(),
                ticket: t.number.to_string(),
                channel: t.channel.as_str(),
                seq: t.channel.is_live().then_some(done.seq),
                message: switchboard_core::merges::joined_notice(t.number),
            }
        } else {
            ServerFrame::Ack {
                client_id: client_id.to_owned(),
                conversation: t.number.to_string(),
                seq: done.seq,
                duplicate: done.duplicate,
            }
        };
        self.send(&frame).await;
        if let Some(w) = done.warning {
            self.send(&ServerFrame::Warning {
                conversation: t.number.to_string(),
                client_id: Some(client_id.to_owned()),
                code: w.code,
                message: w.message,
            })
            .await;
        }
        Ok(())
    }

    async fn message(&mut self, number: &str, body: String, client_id: String) -> CoreResult<()> {
        let ticket = match self.attached_id(number) {
            Ok(id) => id,
            Err(_) => {
                let t = self.authorised(number).await?;
                let head = self.core.store.conversation(t.id).await?.last_seq;
                self.attach(&t, head).await;
                t.id
            }
        };
        let conversation = TicketNumber::from_id(ticket).to_string();
        let core = self.core.clone();
        let frames = |ack_seq: i64,
                      duplicate: bool,
                      warning: Option<switchboard_core::judgement::Advice>,
                      client_id: String,
                      conversation: String| {
            let mut frames = vec![ServerFrame::Ack {
                client_id: client_id.clone(),
                conversation: conversation.clone(),
                seq: ack_seq,
                duplicate,
            }];
            if let Some(w) = warning {
                frames.push(ServerFrame::Warning {
                    conversation,
                    client_id: Some(client_id),
                    code: w.code,
                    message: w.message,
                });
            }
            frames
        };
        match &self.who {
            Who::Customer(c, _) => {
                let inbound = Inbound {
                    sender: Sender::Customer(c.id.clone()),
                    channel: Channel::Chat,
                    refs: ExternalRefs {
                        client_id: Some(client_id.clone()),
                        ..ExternalRefs::default()
                    },
                    target: Target::Existing(TicketNumber::from_id(ticket)),
                    text: body,
                    files: Vec::new(),
                    locale: Some(c.locale),
                };
                let ingesting = core.ingest(inbound).await?;
                self.pending.push_back(Box::pin(async move {
                    match ingesting.finish(&core).await {
                        Ok(done) => frames(
                            done.seq,
                            done.duplicate,
                            done.warning,
                            client_id,
                            conversation,
                        ),
                        Err(e) => vec![ServerFrame::from_error(e, Some(client_id))],
                    }
                }));
            }
            Who::Operator(o) => {
                let Some(a) = self.attached.get(&ticket) else {
                    return Err(CoreError::NotFound);
                };
                let message = StaffMessage {
                    operator: o.id,
                    supervisor: o.role != Role::Operator,
                    text: body,
                    files: Vec::new(),
                    internal: false,
                    client_id: Some(client_id.clone()),
                };
                // Judged first: an operator's request for secrets is refused
                // here and nothing is stored.
                let pending = core.post_staff(&a.ticket, message).await?;
                self.pending.push_back(Box::pin(async move {
                    match pending.wait(&core).await {
                        Ok(ack) => frames(ack.seq, ack.duplicate, None, client_id, conversation),
                        Err(e) => vec![ServerFrame::from_error(e, Some(client_id))],
                    }
                }));
            }
        }
        Ok(())
    }

    /// Attaches a conversation and sends its state and everything after `last`.
    async fn attach(&mut self, t: &Ticket, last: i64) {
        let head = self
            .core
            .store
            .conversation(t.id)
            .await
            .map(|c| c.last_seq)
            .unwrap_or(last);
        self.attached.insert(
            t.id,
            Attached {
                last,
                ticket: t.clone(),
            },
        );
        let frame = ServerFrame::Conversation(ConversationView::new(t, head, self.staff()));
        self.send(&frame).await;
        self.replay(t.id).await;
    }

    async fn replay(&mut self, ticket: TicketId) {
        let staff = self.staff();
        loop {
            let Some(last) = self.attached.get(&ticket).map(|a| a.last) else {
                return;
            };
            let page = match self
                .core
                .store
                .messages(ticket, last, REPLAY_PAGE, staff)
                .await
            {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(error = %e, "chat replay failed");
                    return;
                }
            };
            for m in &page {
                let frame = ServerFrame::Message(MessageView::new(m, staff, &self.actor));
                self.send(&frame).await;
                if let Some(a) = self.attached.get_mut(&ticket) {
                    a.last = m.seq;
                }
            }
            if page.len() < REPLAY_PAGE as usize || !self.open {
                return;
            }
        }
    }

    async fn resync(&mut self) {
        let ids: Vec<TicketId> = self.attached.keys().copied().collect();
        for id in ids {
            self.replay(id).await;
        }
    }

    async fn on_notice(&mut self, notice: &Notice) {
        match notice {
            Notice::Message {
                ticket,
                seq,
                internal,
                message,
                ..
            } => {
                let staff = self.staff();
                let Some(a) = self.attached.get_mut(ticket) else {
                    return;
                };
                if *seq <= a.last {
                    return;
                }
                match message {
                    Some(m) if *seq == a.last + 1 => {
                        a.last = *seq;
                        if *internal && !staff {
                            return;
                        }
                        let frame = ServerFrame::Message(MessageView::new(m, staff, &self.actor));
                        self.send(&frame).await;
                    }
                    _ => self.replay(*ticket).await,
                }
            }
            Notice::Ticket { ticket } => self.on_ticket(ticket).await,
            Notice::Typing { ticket, from, .. } => {
                if self.attached.contains_key(ticket) && *from != self.actor {
                    let frame = ServerFrame::Typing {
                        conversation: TicketNumber::from_id(*ticket).to_string(),
                        from: from.kind(),
                    };
                    self.send(&frame).await;
                }
            }
            Notice::Presence { .. } => {}
            Notice::StaffAlert { alert } => {
                if self.staff() {
                    self.send(&ServerFrame::Alert(alert.clone())).await;
                }
            }
        }
    }

    async fn on_ticket(&mut self, t: &Ticket) {
        let staff = self.staff();
        let me = match &self.who {
            Who::Operator(o) => Some(o.id),
            Who::Customer(..) => None,
        };
        if let Some(a) = self.attached.get_mut(&t.id) {
            let changed = a.ticket.status != t.status || a.ticket.assignee != t.assignee;
            if t.version >= a.ticket.version {
                a.ticket = t.clone();
            }
            let last = a.last;
            if staff && me.is_some() && t.assignee != me && !self.has_skill_override() {
                self.attached.remove(&t.id);
                let frame = ServerFrame::Unassigned {
                    conversation: t.number.to_string(),
                };
                self.send(&frame).await;
                return;
            }
            if changed {
                let frame = ServerFrame::Conversation(ConversationView::new(t, last, staff));
                self.send(&frame).await;
            }
            return;
        }
        if !staff {
            return;
        }
        if me.is_some()
            && t.assignee == me
            && !matches!(t.status, Status::Resolved | Status::Closed)
        {
            let frame = ServerFrame::Assigned(ConversationView::new(t, 0, true));
            self.send(&frame).await;
            self.attach(t, 0).await;
        } else if t.status == Status::Queued && t.assignee.is_none() && self.has_skill(t) {
            let frame = ServerFrame::Queued(ConversationView::new(t, 0, true));
            self.send(&frame).await;
        }
    }

    /// Supervisors keep conversations they resumed whoever holds them.
    fn has_skill_override(&self) -> bool {
        matches!(&self.who, Who::Operator(o) if o.role != Role::Operator)
    }
}

fn wrong_side() -> CoreError {
    CoreError::refused(
        RefusalKind::Forbidden,
        "not_for_this_side",
        "Это действие недоступно на этой стороне разговора",
        "This frame is not for your side of the conversation",
    )
}
