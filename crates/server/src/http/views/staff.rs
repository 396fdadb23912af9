//! Staff-only views: the full ticket with notes, deadlines and the audit
//! log, customers' profiles with orders, operators.

use super::{AttachmentView, Classification, attachments, classification, merged_from, time};
use serde::Serialize;
use switchboard_domain::catalog::Catalog;
use switchboard_domain::customer::{Customer, Order};
use switchboard_domain::ticket::{Actor, Ticket};
use switchboard_store::{Operator, OutboxRecord, StoredEvent, StoredMessage};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActorView {
    /// `customer`, `operator`, `bot` or `system`.
    pub kind: String,
    pub id: Option<String>,
}

impl From<&Actor> for ActorView {
    fn from(a: &Actor) -> Self {
        ActorView {
            kind: a.kind().into(),
            id: a.id_text(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StaffMessageView {
    pub id: i64,
    pub author: ActorView,
    /// `public` or `internal`.
    pub visibility: String,
    pub body: String,
    pub attachments: Vec<AttachmentView>,
    pub created_at: String,
    /// Set on messages of another ticket merged into this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_from: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StaffTicketView {
    pub number: String,
    pub version: i64,
    pub status: String,
    pub kind: String,
    pub channel: String,
    pub priority: String,
    /// The customer's account, when the requester has one…
    pub customer_id: Option<String>,
    /// …or the contact who wrote through a channel without one.
    pub contact_id: Option<i64>,
    #[serde(flatten)]
    pub classification: Classification,
    pub order_number: Option<String>,
    pub subject: String,
    pub reply_channel: String,
    pub assignee_id: Option<i64>,
    /// The priority rule that set the priority at intake (absent: the default).
    pub priority_rule: Option<String>,
    pub due_at: Option<String>,
    /// The SLA clock: policy, state and next deadline (absent while the bot
    /// has a chat).
    pub sla: Option<SlaView>,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<StaffMessageView>>,
    /// Set while this ticket is closed as merged into another.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
}

/// A ticket's SLA as staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlaView {
    /// The policy's code in `sla.toml`.
    pub policy: String,
    /// `ok`, `at_risk`, `breached`, `paused` (waiting for the customer) or `met`.
    pub state: String,
    pub next_deadline: Option<DeadlineView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeadlineView {
    /// `first_response`, `next_response` or `resolution`.
    pub target: String,
    pub at_risk_at: String,
    pub due_at: String,
}

fn code_of<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl SlaView {
    pub fn of(
        rules: &switchboard_core::rules::Rules,
        t: &Ticket,
        now: jiff::Timestamp,
    ) -> Option<Self> {
        let s = rules.sla_view(t, now)?;
        Some(SlaView {
            policy: s.policy,
            state: code_of(&s.state),
            next_deadline: s.next.map(|d| DeadlineView {
                target: code_of(&d.target),
                at_risk_at: d.at_risk_at.to_string(),
                due_at: d.due_at.to_string(),
            }),
        })
    }
}

impl StaffTicketView {
    /// Adds the SLA as of `now`.
    pub fn with_sla(
        mut self,
        rules: &switchboard_core::rules::Rules,
        t: &Ticket,
        now: jiff::Timestamp,
    ) -> Self {
        self.sla = SlaView::of(rules, t, now);
        self
    }

    pub fn new(catalog: &Catalog, t: &Ticket, messages: Option<&[StoredMessage]>) -> Self {
        let base = format!("/api/v1/tickets/{}", t.number);
        StaffTicketView {
            number: t.number.to_string(),
            version: t.version,
            status: t.status.as_str().into(),
            kind: t.kind.as_str().into(),
            channel: t.channel.as_str().into(),
            priority: t.priority.as_str().into(),
            customer_id: t.requester.customer().map(|c| c.to_string()),
            contact_id: match t.requester {
                switchboard_domain::ticket::Requester::Contact(c) => Some(c.0),
                switchboard_domain::ticket::Requester::Customer(_) => None,
            },
            classification: classification(catalog, t),
            order_number: t.order_number.as_ref().map(|o| o.to_string()),
            subject: t.subject.clone(),
            reply_channel: t.reply_channel.as_str().into(),
            assignee_id: t.assignee.map(|a| a.0),
            priority_rule: t.priority_rule.clone(),
            due_at: time(t.due_at),
            sla: None,
            first_response_at: time(t.first_response_at),
            resolved_at: time(t.resolved_at),
            created_at: t.created_at.to_string(),
            updated_at: t.updated_at.to_string(),
            messages: messages.map(|ms| {
                ms.iter()
                    .map(|m| StaffMessageView {
                        id: m.id,
                        author: ActorView::from(&m.author),
                        visibility: match m.visibility {
                            switchboard_store::Visibility::Public => "public",
                            switchboard_store::Visibility::Internal => "internal",
                        }
                        .into(),
                        body: m.body.clone(),
                        attachments: attachments(&m.attachments, &base),
                        created_at: m.created_at.to_string(),
                        merged_from: merged_from(t, m),
                    })
                    .collect()
            }),
            merged_into: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    pub actor: ActorView,
    /// Stable event code, e.g. `status_changed`.
    pub kind: String,
    /// The event's details as stored.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub at: String,
}

impl From<&StoredEvent> for EventView {
    fn from(e: &StoredEvent) -> Self {
        EventView {
            id: e.id,
            actor: ActorView::from(&e.actor),
            kind: e.event.code().into(),
            data: serde_json::to_value(&e.event).unwrap_or(serde_json::Value::Null),
            at: e.at.to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    /// The medium: `email`, `sms`, `push`, `telegram`, `vk`.
    pub channel: String,
    /// `confirmation`, `reply`, `step_up_code`, `staff_alert`, `notice`.
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    /// What the provider called it (the Message-ID sent), once delivered.
    pub provider_id: Option<String>,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
}

impl From<&OutboxRecord> for NotificationView {
    fn from(r: &OutboxRecord) -> Self {
        NotificationView {
            id: r.id,
            channel: r.outbound.route.medium.as_str().into(),
            kind: r.outbound.kind.as_str().into(),
            recipient: r.outbound.route.recipient.clone(),
            subject: r.outbound.subject.clone(),
            provider_id: r.provider_id.clone(),
            status: serde_json::to_value(r.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            attempts: r.attempts,
            last_error: r.last_error.clone(),
            created_at: r.created_at.to_string(),
            delivered_at: time(r.delivered_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderView {
    pub number: String,
    pub title: String,
    pub status: String,
    pub amount_minor: i64,
    pub currency: String,
    pub placed_at: String,
}

impl From<&Order> for OrderView {
    fn from(o: &Order) -> Self {
        OrderView {
            number: o.number.to_string(),
            title: o.title.clone(),
            status: o.status.clone(),
            amount_minor: o.amount_minor,
            currency: o.currency.clone(),
            placed_at: o.placed_at.to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerView {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub locale: String,
    pub premium_seller: bool,
    pub corporate: bool,
    /// Travel bookings as the order system describes them.
    #[schema(value_type = Vec<Object>)]
    pub bookings: serde_json::Value,
    pub orders: Vec<OrderView>,
}

impl CustomerView {
    pub fn new(c: &Customer, orders: &[Order]) -> Self {
        CustomerView {
            id: c.id.to_string(),
            kind: c.kind.as_str().into(),
            name: c.name.clone(),
            email: c.email.as_ref().map(|e| e.to_string()),
            phone: c.phone.as_ref().map(|p| p.to_string()),
            locale: c.locale.as_str().into(),
            premium_seller: c.flags.premium_seller,
            corporate: c.flags.corporate,
            bookings: serde_json::to_value(&c.bookings).unwrap_or_default(),
            orders: orders.iter().map(OrderView::from).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OperatorView {
    pub id: i64,
    pub login: String,
    pub name: String,
    /// `operator`, `supervisor` or `admin`.
    pub role: String,
    pub skills: Vec<String>,
    pub capacity: u32,
    pub active: bool,
    /// Where SLA alerts are e-mailed.
    pub email: Option<String>,
    /// The shift calendar (absent: always on shift).
    pub calendar: Option<String>,
    /// `ru` or `en`: the language of their pages and alert mails, chosen
    /// with `?lang=` on any staff page (absent: not chosen, Russian).
    pub language: Option<String>,
}

impl From<&Operator> for OperatorView {
    fn from(o: &Operator) -> Self {
        OperatorView {
            id: o.id.0,
            login: o.login.to_string(),
            name: o.name.clone(),
            role: o.role.as_str().into(),
            skills: o.skills.clone(),
            capacity: o.capacity,
            active: o.active,
            email: o.email.as_ref().map(|e| e.as_str().to_owned()),
            calendar: o.calendar.clone(),
            language: o.language.map(|l| l.as_str().to_owned()),
        }
    }
}
