//! The open conversation in the console: the ticket's header, the whole
//! dialogue across channels (internal notes apart, attachments with image
//! previews), the customer's profile, and what the actions offer.

use std::collections::HashMap;

use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::TicketNumber;
use switchboard_domain::ticket::{Actor, Priority, Requester, Ticket};
use switchboard_store::{TicketFilter, Visibility};

use crate::error::ApiError;
use crate::state::AppState;
use crate::web::staff::rows::{Due, Names, due, topic_name};
use crate::web::staff::session::StaffSignedIn;
use crate::web::staff::text::{Words, words};

pub struct Message {
    pub seq: i64,
    /// `customer`, `contact`, `operator`, `bot` or `system`: the CSS modifier.
    pub kind: &'static str,
    pub author: String,
    pub internal: bool,
    pub body: String,
    pub at: String,
    pub files: Vec<File>,
}

pub struct File {
    pub name: String,
    pub url: String,
    pub image: bool,
    pub size: String,
}

pub struct Profile {
    pub name: String,
    pub id: String,
    pub segment: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub orders: Vec<(String, String, String)>,
    pub bookings: Vec<String>,
    pub channels: Vec<(String, String)>,
    pub earlier: Vec<(String, String, String)>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct Conversation {
    pub number: String,
    pub subject: String,
    pub status: &'static str,
    pub channel: &'static str,
    pub live: bool,
    pub priority: &'static str,
    pub reason: Option<String>,
    pub topic: String,
    pub due: Due,
    pub assignee: Option<String>,
    pub mine: bool,
    pub can_take: bool,
    pub open: bool,
    pub last_seq: i64,
    pub messages: Vec<Message>,
    pub profile: Profile,
    pub operators: Vec<Choice>,
    pub topics: Vec<Choice>,
    pub priorities: Vec<Choice>,
}

fn author(w: &Words, a: &Actor, staff: &HashMap<i64, String>, customer: &str) -> String {
    match a {
        Actor::Customer(_) | Actor::Contact(_) => format!("{} · {customer}", w.author_customer),
        Actor::Operator(id) => staff
            .get(&id.0)
            .cloned()
            .unwrap_or_else(|| w.author_operator.to_owned()),
        Actor::Bot => w.author_bot.to_owned(),
        Actor::System => w.author_system.to_owned(),
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{} KB", bytes / 1024),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

async fn profile(
    state: &AppState,
    t: &Ticket,
    name: String,
    w: &Words,
    locale: Locale,
) -> Result<Profile, ApiError> {
    let mut p = Profile {
        name,
        id: String::new(),
        segment: w.contact_only.to_owned(),
        email: None,
        phone: None,
        orders: Vec::new(),
        bookings: Vec::new(),
        channels: Vec::new(),
        earlier: Vec::new(),
    };
    if let Requester::Customer(id) = &t.requester {
        p.id = id.to_string();
        if let Ok(c) = state.store.customer(id).await {
            let mut segment = c.kind.as_str().replace('_', " ");
            if c.flags.premium_seller {
                segment.push_str(" · premium");
            }
            if c.flags.corporate {
                segment.push_str(" · corporate");
            }
            p.segment = segment;
            p.email = c.email.map(|e| e.to_string());
            p.phone = c.phone.map(|e| e.to_string());
            p.bookings = c
                .bookings
                .iter()
                .map(|b| {
                    format!(
                        "{} · {:?} · {}",
                        b.reference,
                        b.kind,
                        b.starts_at.strftime("%Y-%m-%d")
                    )
                })
                .collect();
        }
        p.orders = state
            .store
            .customer_orders(id)
            .await?
            .into_iter()
            .map(|o| (o.number.to_string(), o.title, o.status))
            .collect();
        p.earlier = state
            .store
            .list_tickets(&TicketFilter {
                customer: Some(id.clone()),
                limit: 20,
                ..TicketFilter::default()
            })
            .await?
            .into_iter()
            .filter(|e| e.id != t.id)
            .map(|e| {
                (
                    e.number.to_string(),
                    e.subject,
                    e.status.as_str().to_owned(),
                )
            })
            .collect();
    }
    p.channels = state
        .store
        .identities(&t.requester)
        .await?
        .into_iter()
        .map(|i| (i.channel.as_str().to_owned(), i.address))
        .collect();
    let _ = locale;
    Ok(p)
}

pub async fn conversation(
    state: &AppState,
    me: &StaffSignedIn,
    t: &Ticket,
    locale: Locale,
) -> Result<Conversation, ApiError> {
    let w = words(locale);
    let now = state.clock.now();
    let staff: HashMap<i64, String> = state
        .store
        .operators()
        .await?
        .into_iter()
        .map(|o| (o.id.0, o.name))
        .collect();
    let mut names = Names::default();
    let customer = names.of(state.store.as_ref(), &t.requester).await;
    let stored = state.core.dialogue(t, true).await?;
    let last_seq = stored
        .iter()
        .filter(|m| m.ticket_id == t.id)
        .map(|m| m.seq)
        .max()
        .unwrap_or(0);
    let messages = stored
        .iter()
        .map(|m| {
            let number = TicketNumber::from_id(m.ticket_id);
            Message {
                seq: m.seq,
                kind: m.author.kind(),
                author: author(w, &m.author, &staff, &customer),
                internal: m.visibility == Visibility::Internal,
                body: m.body.clone(),
                at: m.created_at.strftime("%Y-%m-%d %H:%M").to_string(),
                files: m
                    .attachments
                    .iter()
                    .map(|a| File {
                        name: a.file_name.clone(),
                        url: format!("/api/v1/tickets/{number}/attachments/{}", a.hash.as_str()),
                        image: a.content_type.starts_with("image/"),
                        size: size(a.size),
                    })
                    .collect(),
            }
        })
        .collect();
    let mine = t.assignee == Some(me.operator.id);
    let open = !matches!(t.status.as_str(), "closed");
    let supervisor = me.is_supervisor();
    let operators = staff
        .iter()
        .map(|(id, name)| Choice {
            value: id.to_string(),
            label: name.clone(),
            selected: t.assignee.is_some_and(|a| a.0 == *id),
        })
        .collect::<Vec<_>>();
    let mut operators = operators;
    operators.sort_by(|a, b| a.label.cmp(&b.label));
    let topics = state
        .catalog()
        .lines
        .iter()
        .flat_map(|l| {
            l.topics.iter().map(move |tp| Choice {
                value: format!("{}/{}", l.code, tp.code),
                label: format!("{} · {}", l.name.get(locale), tp.name.get(locale)),
                selected: l.code == t.line && tp.code == t.topic,
            })
        })
        .collect();
    let priorities = Priority::ALL
        .iter()
        .map(|p| Choice {
            value: p.as_str().to_owned(),
            label: w.label(p.as_str()).to_owned(),
            selected: *p == t.priority,
        })
        .collect();
    Ok(Conversation {
        number: t.number.to_string(),
        subject: t.subject.clone(),
        status: t.status.as_str(),
        channel: t.channel.as_str(),
        live: t.channel.is_live(),
        priority: t.priority.as_str(),
        reason: t.priority_rule.clone(),
        topic: topic_name(&state.catalog(), t, locale),
        due: due(state, t, now, w, locale),
        assignee: t.assignee.and_then(|a| staff.get(&a.0).cloned()),
        mine,
        can_take: open && !mine && (t.assignee.is_none() || supervisor),
        open,
        last_seq,
        messages,
        profile: profile(state, t, customer, w, locale).await?,
        operators,
        topics,
        priorities,
    })
}
