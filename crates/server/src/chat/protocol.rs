//! The chat's JSON frames (see the module doc of [`crate::chat`] for the flow).

use serde::{Deserialize, Serialize};
use switchboard_core::CoreError;
use switchboard_domain::i18n::Text;
use switchboard_domain::ids::TicketNumber;
use switchboard_domain::ticket::{Actor, Ticket};
use switchboard_store::StoredMessage;

use crate::http::views::{AttachmentView, Names};

/// What a client may send. Unknown types and missing fields are `malformed_frame`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// Customer: choose the topic (from `hello.lines`).
    Topic {
        line: String,
        topic: String,
    },
    /// Customer: one of your orders, or `null` for "Question not about an order".
    Order {
        number: Option<String>,
    },
    /// Text. Without `conversation` it opens one (after `topic`/`order`).
    Message {
        #[serde(default)]
        conversation: Option<String>,
        client_id: String,
        body: String,
    },
    /// Attach to a conversation and get every message after `last_seq`.
    Resume {
        conversation: String,
        #[serde(default)]
        last_seq: i64,
    },
    Typing {
        conversation: String,
    },
    /// Customer: a ready answer solved it.
    Helped {
        conversation: String,
        #[serde(default)]
        answer: Option<String>,
    },
    /// Customer: hand the conversation to a person.
    CallOperator {
        conversation: String,
    },
    /// Customer: whether an article the bot suggested helped.
    Feedback {
        conversation: String,
        article: String,
        helped: bool,
    },
    /// Customer: accept the bot's offer (after a fraud report) to block the
    /// `card` or the `account`.
    Block {
        conversation: String,
        target: String,
    },
    /// Customer: the one-time SMS code.
    Code {
        conversation: String,
        code: String,
    },
    /// Operator: online, away or offline.
    Presence {
        status: String,
    },
    /// Customer: the lines and topics you may choose from.
    Topics,
    Ping,
}

/// A line and its topics, for the customer's topic picker.
#[derive(Debug, Clone, Serialize)]
pub struct LineView {
    pub code: String,
    pub name: Names,
    pub topics: Vec<TopicView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicView {
    pub code: String,
    pub name: Names,
    pub order_expected: bool,
    pub step_up: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderView {
    pub number: String,
    pub title: String,
    pub status: String,
}

/// A conversation's state as its parties see it.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationView {
    pub conversation: String,
    pub status: String,
    pub line: String,
    pub topic: String,
    pub subject: String,
    pub order_number: Option<String>,
    pub last_seq: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
}

impl ConversationView {
    pub fn new(t: &Ticket, last_seq: i64, staff: bool) -> Self {
        ConversationView {
            conversation: t.number.to_string(),
            status: t.status.as_str().into(),
            line: t.line.clone(),
            topic: t.topic.clone(),
            subject: t.subject.clone(),
            order_number: t.order_number.as_ref().map(|o| o.to_string()),
            last_seq,
            priority: staff.then(|| t.priority.as_str().into()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub conversation: String,
    pub seq: i64,
    /// `customer`, `operator`, `bot` or `system`.
    pub author: &'static str,
    pub body: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentView>,
    /// Only to the side that sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The bot's ready answers, when this is a bot message offering them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<serde_json::Value>,
    /// A follow-up the customer can accept (`{"action":"block","targets":["card","account"]}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
    pub at: String,
}

impl MessageView {
    /// `staff` picks the attachment URLs and whether the client id is ours to see.
    pub fn new(m: &StoredMessage, staff: bool, viewer: &Actor) -> Self {
        let number = TicketNumber::from_id(m.ticket_id);
        let base = if staff {
            format!("/api/v1/tickets/{number}")
        } else {
            format!("/api/v1/customer/tickets/{number}")
        };
        let meta = m
            .meta
            .as_deref()
            .and_then(|raw| serde_json::from_str::<serde_json::Value>(raw).ok());
        let suggestions = meta.as_ref().and_then(|v| v.get("suggestions").cloned());
        let offer = meta.as_ref().and_then(|v| v.get("offer").cloned());
        MessageView {
            conversation: number.to_string(),
            seq: m.seq,
            author: m.author.kind(),
            body: m.body.clone(),
            attachments: m
                .attachments
                .iter()
                .map(|a| AttachmentView {
                    id: a.hash.as_str().to_owned(),
                    file_name: a.file_name.clone(),
                    content_type: a.content_type.clone(),
                    size: a.size,
                    url: format!("{base}/attachments/{}", a.hash.as_str()),
                })
                .collect(),
            client_id: (m.author == *viewer).then(|| m.client_id.clone()).flatten(),
            suggestions,
            offer,
            internal: m.visibility == switchboard_store::Visibility::Internal,
            at: m.created_at.to_string(),
        }
    }
}

/// What the server sends.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// Kept small on purpose: a socket keeps a write buffer as large as the
    /// largest frame it sent, and most sockets are idle after this one.
    Hello {
        role: &'static str,
        name: String,
        conversations: Vec<ConversationView>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        queue: Vec<ConversationView>,
    },
    /// The lines and topics this customer may choose from.
    Topics {
        lines: Vec<LineView>,
    },
    /// The topic needs an order: pick one, or `{"type":"order","number":null}`.
    OrderRequired {
        orders: Vec<OrderView>,
    },
    /// Free text is accepted now.
    Ready {
        line: String,
        topic: String,
    },
    /// A conversation's state (on opening, resuming, and whenever it changes).
    Conversation(ConversationView),
    Message(MessageView),
    /// Your message is stored under `seq` (the same `seq` again for a resend).
    Ack {
        client_id: String,
        conversation: String,
        seq: i64,
        duplicate: bool,
    },
    /// Your message carried card data, codes or passwords: they were masked
    /// before it was stored. Support never asks for them.
    Warning {
        conversation: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
        code: &'static str,
        message: Text,
    },
    /// Your question repeats your open request `ticket` (a conversation, or a
    /// request from another channel) and was added to it; no new one was opened.
    Joined {
        client_id: String,
        ticket: String,
        /// The request's channel: `chat` (you are attached to it now), `form`, …
        channel: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        seq: Option<i64>,
        message: Text,
    },
    /// Your verdict on a suggested article is recorded.
    FeedbackRecorded {
        conversation: String,
        article: String,
        helped: bool,
    },
    /// A one-time code was sent by SMS to `phone` (masked).
    StepUp {
        conversation: String,
        phone: String,
        expires_at: String,
    },
    Typing {
        conversation: String,
        from: &'static str,
    },
    /// Operators: a conversation waits for someone with your skill.
    Queued(ConversationView),
    /// Operators: a conversation is now yours; its history follows.
    Assigned(ConversationView),
    /// Operators: a conversation is no longer yours.
    Unassigned {
        conversation: String,
    },
    Presence {
        status: &'static str,
    },
    /// Staff: a notification, e.g. a deadline at risk or breached (supervisors).
    Alert(switchboard_store::StaffAlert),
    /// Operators: a call rings you — who is calling, their orders,
    /// bookings and open tickets (issue 11).
    ScreenPop(switchboard_store::ScreenPop),
    Error {
        code: &'static str,
        message: Text,
        #[serde(skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tries_left: Option<u32>,
    },
    Pong,
}

impl ServerFrame {
    pub fn error(code: &'static str, message: Text) -> Self {
        ServerFrame::Error {
            code,
            message,
            client_id: None,
            tries_left: None,
        }
    }

    /// The one mapping from the use cases' answers to the socket: an
    /// `error` frame with the same stable code the HTTP API gives.
    pub fn from_error(e: CoreError, client_id: Option<String>) -> Self {
        let (code, message, tries_left) = match e {
            CoreError::NotFound => (
                "conversation_not_found",
                Text::new("Разговор не найден", "No such conversation"),
                None,
            ),
            CoreError::Refused(r) => (r.code, r.message, r.tries_left),
            CoreError::Invalid(fields) => match fields.into_iter().next() {
                Some(f) => (f.code, f.message, None),
                None => (
                    "invalid",
                    Text::new("Неверный запрос", "Invalid request"),
                    None,
                ),
            },
            CoreError::Transition(t) => (
                t.code(),
                Text::new(
                    "Это действие недоступно в текущем состоянии разговора",
                    t.to_string(),
                ),
                None,
            ),
            CoreError::Conflict(_) => (
                "conflict",
                Text::new(
                    "Разговор изменился, повторите",
                    "The conversation changed meanwhile; try again",
                ),
                None,
            ),
            CoreError::Internal(e) => {
                tracing::error!(error = ?e, "chat request failed");
                (
                    "internal",
                    Text::new(
                        "Внутренняя ошибка, попробуйте позже",
                        "Internal error, please try again later",
                    ),
                    None,
                )
            }
        };
        ServerFrame::Error {
            code,
            message,
            client_id,
            tries_left,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"type":"error","code":"internal","message":{"ru":"Внутренняя ошибка","en":"Internal error"}}"#.into()
        })
    }
}
