//! Fixtures shared by the contract tests. Every value differs from its type's
//! default, so a column that is dropped or swapped shows up in a comparison.

use jiff::{SignedDuration, Timestamp};
use switchboard_domain::conversation::{Medium, Outbound, OutboundKind, Route};
use switchboard_domain::customer::{
    Booking, BookingKind, Customer, CustomerFlags, CustomerKind, TravelPackage,
};
use switchboard_domain::deadline::{Clock, TicketSla};
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::{
    ContentHash, CustomerId, EmailAddress, OperatorId, OrderNumber, PhoneNumber,
};
use switchboard_domain::intake::NewTicket;
use switchboard_domain::ticket::{
    Actor, Channel, Priority, ProblemChoice, ReplyChannel, Requester, Status, Ticket, TicketEvent,
    TicketKind,
};
pub use switchboard_store::prelude::*;
use switchboard_store::{
    AttachmentMeta, NewMessage, NewOperator, NotifyNew, Opening, Operator, Role, TicketChange,
    Visibility,
};

/// The demo profile's deadline rules: what the domain decides appended messages with.
pub fn rules() -> switchboard_domain::ticket::DeadlineRules {
    use std::sync::Arc;
    use switchboard_domain::calendar::Calendars;
    use switchboard_domain::catalog::Catalog;
    use switchboard_domain::deadline::SlaPolicies;
    let catalog = Catalog::from_toml(include_str!("../../../../profiles/demo/catalog.toml"))
        .expect("demo catalog");
    let calendars = Calendars::from_toml(include_str!("../../../../profiles/demo/calendars.toml"))
        .expect("demo calendars");
    let policies = SlaPolicies::from_toml(
        include_str!("../../../../profiles/demo/sla.toml"),
        &calendars,
        &catalog,
    )
    .expect("demo SLA");
    switchboard_domain::ticket::DeadlineRules::new(Arc::new(catalog), Arc::new(policies))
}

/// A fixed instant with whole milliseconds, plus `ms`.
pub fn at(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(1_790_000_000_000 + ms).expect("fixture time in range")
}

pub fn secs(s: i64) -> SignedDuration {
    SignedDuration::from_secs(s)
}

pub fn customer_id(raw: &str) -> CustomerId {
    CustomerId::parse(raw).expect("fixture customer id")
}

pub fn customer(id: &str) -> Customer {
    Customer {
        id: customer_id(id),
        kind: CustomerKind::Traveller,
        name: "Анна Петрова".into(),
        email: Some(EmailAddress::parse("anna@example.ru").expect("email")),
        phone: Some(PhoneNumber::parse("+79161234567").expect("phone")),
        locale: Locale::En,
        flags: CustomerFlags {
            premium_seller: true,
            corporate: true,
        },
        bookings: vec![Booking {
            reference: OrderNumber::parse("HT-5501").expect("booking"),
            kind: BookingKind::Hotel,
            package: Some(TravelPackage::AllInclusive),
            starts_at: at(86_400_000),
            phone: Some(PhoneNumber::parse("+79160000000").expect("phone")),
        }],
    }
}

pub fn new_ticket(customer: &str, created_at: Timestamp) -> NewTicket {
    NewTicket {
        requester: Requester::Customer(customer_id(customer)),
        kind: TicketKind::Claim,
        channel: Channel::Email,
        origin: None,
        line: "travel".into(),
        topic: "hotel".into(),
        problem: ProblemChoice::Other("кондиционер не работает".into()),
        order_number: Some(OrderNumber::parse("HT-5501").expect("order")),
        subject: "Отель: кондиционер не работает".into(),
        status: Status::Queued,
        priority: Priority::High,
        reply_channel: ReplyChannel::Sms,
        due_at: Some(created_at + secs(3_600)),
        at_risk_at: Some(created_at + secs(2_880)),
        priority_rule: Some("travel_hotel".into()),
        sla: Some(sla_clock(created_at)),
        description: "В номере жарко".into(),
        created_at,
    }
}

/// An SLA clock with every kind of field set.
pub fn sla_clock(started: Timestamp) -> TicketSla {
    TicketSla {
        policy: "claim".into(),
        clocks: [
            Clock {
                used: secs(61),
                running_since: Some(started),
                active: true,
                met_at: None,
                warned: true,
                breached: false,
            },
            Clock::default(),
            Clock {
                used: secs(7),
                running_since: None,
                active: false,
                met_at: Some(started + secs(9)),
                warned: false,
                breached: true,
            },
        ],
    }
}

pub fn hash(seed: &str) -> ContentHash {
    ContentHash::of(seed.as_bytes())
}

pub fn attachment(seed: &str) -> AttachmentMeta {
    AttachmentMeta {
        hash: hash(seed),
        file_name: format!("{seed}.jpg"),
        content_type: "image/jpeg".into(),
        size: 48_213,
    }
}

pub fn message(author: Actor, visibility: Visibility, body: &str) -> NewMessage {
    NewMessage {
        author,
        visibility,
        body: body.into(),
        attachments: Vec::new(),
    }
}

pub fn customer_says(customer: &str, body: &str) -> NewMessage {
    message(
        Actor::Customer(customer_id(customer)),
        Visibility::Public,
        body,
    )
}

pub fn notification(recipient: &str, subject: &str) -> Outbound {
    Outbound {
        kind: OutboundKind::Confirmation,
        route: Route {
            medium: Medium::Email,
            recipient: recipient.into(),
            endpoint: None,
            thread: None,
        },
        subject: subject.into(),
        text: format!("body of {subject}"),
        attachments: Vec::new(),
        sensitive: false,
        buttons: Vec::new(),
    }
}

/// A `notify` callback producing `n` notifications that name the ticket.
pub fn notify(n: usize) -> NotifyNew {
    Box::new(move |t: &Ticket| {
        (0..n)
            .map(|i| notification("anna@example.ru", &format!("{} #{i}", t.number)))
            .collect()
    })
}

pub fn no_notifications() -> NotifyNew {
    Box::new(|_: &Ticket| Vec::new())
}

/// The opening of a ticket with `first` as its message and what `notify` sends.
pub fn opening(first: NewMessage, notify: NotifyNew) -> Opening {
    Opening {
        message: first,
        events: Vec::new(),
        client_id: None,
        external_id: None,
        notify,
    }
}

/// Opens a ticket for `customer` with one public message and no notifications.
pub async fn open(store: &dyn Store, customer: &str, created_at: Timestamp) -> Ticket {
    store
        .create_ticket(
            &new_ticket(customer, created_at),
            opening(
                customer_says(customer, "В номере жарко"),
                no_notifications(),
            ),
        )
        .await
        .expect("create ticket")
        .ticket
}

/// A change that only moves the clock and logs one event.
pub fn touch(ticket: &Ticket, actor: Actor, now: Timestamp) -> TicketChange {
    let mut next = ticket.clone();
    next.updated_at = now;
    TicketChange {
        ticket: next,
        actor,
        events: vec![TicketEvent::CustomerMessage],
        message: None,
        outbound: Vec::new(),
    }
}

/// Assigns `ticket` to `operator` and returns the stored ticket.
pub async fn assign(store: &dyn Store, ticket: &Ticket, operator: OperatorId) -> Ticket {
    let mut next = ticket.clone();
    next.assignee = Some(operator);
    next.status = Status::Assigned;
    next.updated_at = ticket.updated_at + secs(1);
    let change = TicketChange {
        events: vec![TicketEvent::Assigned {
            from: ticket.assignee,
            to: Some(operator),
        }],
        ticket: next,
        actor: Actor::Operator(operator),
        message: None,
        outbound: Vec::new(),
    };
    store.save_change(&change).await.expect("assign")
}

pub fn new_operator(login: &str) -> NewOperator {
    NewOperator {
        login: switchboard_domain::ids::Login::parse(login).expect("login"),
        name: format!("Operator {login}"),
        role: Role::Supervisor,
        skills: vec!["travel".into(), "claims".into()],
        capacity: 7,
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt${login}"),
    }
}

pub async fn operator(store: &dyn Store, login: &str) -> Operator {
    store
        .create_operator(&new_operator(login))
        .await
        .expect("create operator")
}
