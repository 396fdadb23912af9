//! One WebSocket connection, customer or operator: a single task that reads
//! the client's frames, writes what the hub delivers and the acknowledgements
//! of the writer, and keeps, per attached conversation, the last `seq` this
//! connection has sent. A notice at or below it is a duplicate and skipped;
//! one beyond the next is a gap, filled by re-reading the store; a resync
//! flag from the hub re-reads everything attached. That is what makes the
//! delivery exactly once and in order, whichever path a notice took.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

mod delivery;
mod frames;
mod messages;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use std::panic::AssertUnwindSafe;

use futures_util::stream::FuturesOrdered;
use futures_util::{FutureExt, StreamExt};
use jiff::Timestamp;
use switchboard_core::{Core, CoreError, CoreResult, RefusalKind};
use switchboard_domain::bot::Intake;
use switchboard_domain::customer::Customer;
use switchboard_domain::i18n::Text;
use switchboard_domain::ids::TicketId;
use switchboard_domain::ticket::{Actor, Ticket};
use switchboard_store::{Operator, PresenceStatus};

use super::hub::{ConnInbox, Hub};
use super::protocol::{ClientFrame, ServerFrame};
use crate::config::ChatConfig;
use crate::security::limits::Limits;

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
const CLOSE_INTERNAL: u16 = 1011;

/// Rate-limit refusals before the connection is closed as a flood (1008).
const MAX_STRIKES: u32 = 20;
/// Strikes are forgotten only once the client has sent nothing refused for
/// this long: a flood that lets one frame through now and then is still a flood.
const STRIKES_FORGOTTEN_AFTER: std::time::Duration = std::time::Duration::from_secs(10);
/// How long a closing connection waits for the client's close frame.
const CLOSE_HANDSHAKE: std::time::Duration = std::time::Duration::from_secs(2);
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
    last_strike: Option<Instant>,
    pending: FuturesOrdered<Pending>,
    open: bool,
    /// How many new chats this client may open (the service's limits).
    limits: Arc<Limits>,
    address: Option<IpAddr>,
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
    pub limits: Arc<Limits>,
    /// The client's address, for the limit on new chats.
    pub address: Option<IpAddr>,
}

pub async fn run(served: Served, ws: WebSocket, who: Who) {
    let Served {
        core,
        hub,
        config,
        limits,
        address,
    } = served;
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
        last_strike: None,
        pending: FuturesOrdered::new(),
        open: true,
        limits,
        address,
    };
    Box::pin(s.hello()).await;
    Box::pin(s.serve(&mut inbox)).await;
    // The socket goes now (its closing handshake done); what follows may
    // wait out the console's grace.
    let Session { who, ws, .. } = s;
    drop(ws);
    match &who {
        Who::Customer(c, _) => hub.leave_customer(&c.id, inbox.id),
        Who::Operator(o) => {
            // The last console closing takes the operator offline (and
            // their waiting chats back to the queue) only if none reopens
            // within the grace: a page navigation is not leaving.
            let joins = hub.operator_joins(o.id);
            let grace = std::time::Duration::from_millis(config.console_grace_ms);
            if hub.leave_operator(o.id, inbox.id) == 0
                && hub.still_gone_after(o.id, joins, grace).await
                && let Err(e) = core.set_presence(o.id, PresenceStatus::Offline).await
            {
                tracing::warn!(error = ?e, "could not mark the operator offline");
            }
        }
    }
}

impl Session {
    pub(super) fn staff(&self) -> bool {
        matches!(self.who, Who::Operator(_))
    }

    pub(super) async fn send(&mut self, frame: &ServerFrame) {
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

    /// The closing handshake: our close frame, then the client's frames are
    /// read and dropped until its close frame (or a short wait). Dropping the
    /// socket with unread frames would make the kernel reset the connection,
    /// and the client could lose our close frame — a flooder's above all.
    pub(super) async fn close(&mut self, code: u16, reason: &'static str) {
        let sent = self
            .ws
            .send(Message::Close(Some(CloseFrame {
                code,
                reason: reason.into(),
            })))
            .await;
        self.open = false;
        if sent.is_ok() {
            let _ = tokio::time::timeout(CLOSE_HANDSHAKE, async {
                while let Some(Ok(m)) = self.ws.recv().await {
                    if matches!(m, Message::Close(_)) {
                        break;
                    }
                }
            })
            .await;
        }
    }

    pub(super) async fn serve(&mut self, inbox: &mut ConnInbox) {
        // The customer's token expires while the socket is open: it closes then,
        // whether or not the client sends anything.
        let clock = self.core.clock.clone();
        let expires = match &self.who {
            Who::Customer(_, at) => *at,
            Who::Operator(_) => None,
        };
        let mut expiry = std::pin::pin!(async {
            match expires {
                Some(at) => clock.wait_until(at).await,
                None => std::future::pending().await,
            }
        });
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
                () = &mut expiry => {
                    let (code, reason) = self.expired().await;
                    self.close(code, reason).await;
                }
            }
            if inbox.resync.swap(false, Ordering::AcqRel) {
                Box::pin(self.resync()).await;
            }
        }
    }

    async fn expired(&mut self) -> (u16, &'static str) {
        self.send(&ServerFrame::error(
            "token_expired",
            Text::new(
                "Срок действия токена истёк: подключитесь заново",
                "The identity token has expired: reconnect",
            ),
        ))
        .await;
        (CLOSE_TOKEN_EXPIRED, "token expired")
    }

    pub(super) async fn on_text(&mut self, text: &str) -> Step {
        if let Who::Customer(_, Some(expires)) = &self.who
            && self.core.clock.now() >= *expires
        {
            let (code, reason) = self.expired().await;
            return Step::Close(code, reason);
        }
        let now = Instant::now();
        if self
            .last_strike
            .is_some_and(|at| now.duration_since(at) >= STRIKES_FORGOTTEN_AFTER)
        {
            self.strikes = 0;
            self.last_strike = None;
        }
        if !self.bucket.take() {
            self.strikes += 1;
            self.last_strike = Some(now);
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
        if let Some(field) = crate::controls::in_json(text.as_bytes()) {
            self.send(&ServerFrame::error(
                "control_characters",
                Text::new(
                    format!(
                        "Поле «{field}» содержит управляющие символы (например, NUL): уберите их"
                    ),
                    format!(
                        "The field {field:?} contains control characters (such as NUL): remove them"
                    ),
                ),
            ))
            .await;
            return Step::Continue;
        }
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
        // A bug must not drop the socket without a word: the client gets an
        // internal error and a close frame, the log one line.
        match AssertUnwindSafe(self.on_frame(frame)).catch_unwind().await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self.send(&ServerFrame::from_error(e, None)).await,
            Err(_) => {
                tracing::error!("a chat frame's handler panicked");
                self.core.metrics.chat_panics.inc();
                self.send(&ServerFrame::from_error(
                    CoreError::Internal(anyhow::anyhow!("a chat frame's handler panicked")),
                    None,
                ))
                .await;
                return Step::Close(CLOSE_INTERNAL, "internal error");
            }
        }
        Step::Continue
    }

    pub(super) fn customer(&self) -> CoreResult<&Customer> {
        match &self.who {
            Who::Customer(c, _) => Ok(c),
            Who::Operator(_) => Err(wrong_side()),
        }
    }

    pub(super) fn operator(&self) -> CoreResult<&Operator> {
        match &self.who {
            Who::Operator(o) => Ok(o),
            Who::Customer(..) => Err(wrong_side()),
        }
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
