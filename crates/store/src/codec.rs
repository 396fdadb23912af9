//! Domain values to columns and back, written once for both backends.
//!
//! Rows are read through [`Columns`], which both `SqliteRow` and `PgRow`
//! implement, so every decoder here serves both dialects. A value that does
//! not parse back into its domain type is `StoreError::Corrupt` naming the
//! table, row and column: a bad row must never take the process down.

use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::{ColumnIndex, Decode, Row, Type};
use switchboard_domain::conversation::{Medium, Outbound, OutboundKind, Route};
use switchboard_domain::customer::{Customer, CustomerKind, Order};
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::{
    ContactId, ContentHash, CustomerId, EmailAddress, Login, OperatorId, OrderNumber, PhoneNumber,
    TicketId, TicketNumber,
};
use switchboard_domain::ticket::{
    Actor, Channel, Origin, Priority, ProblemChoice, ReplyChannel, Requester, Status, Ticket,
    TicketEvent, TicketKind,
};

use crate::{
    AttachmentMeta, Contact, DeliveryStatus, Identity, Operator, OutboxItem, OutboxRecord, Result,
    Role, StoreError, StoredEvent, StoredMessage, Visibility,
};

/// Typed column access with decoding failures reported as `Corrupt`.
pub(crate) trait Columns {
    fn int(&self, col: &str) -> Result<i64>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>>;
    fn text(&self, col: &str) -> Result<String>;
    fn opt_text(&self, col: &str) -> Result<Option<String>>;
    fn flag(&self, col: &str) -> Result<bool>;
}

impl<R> Columns for R
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> bool: Decode<'r, R::Database> + Type<R::Database>,
{
    fn int(&self, col: &str) -> Result<i64> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
    fn text(&self, col: &str) -> Result<String> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
    fn flag(&self, col: &str) -> Result<bool> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
}

fn column_error(col: &str, e: sqlx::Error) -> StoreError {
    StoreError::Corrupt(format!("column {col}: {e}"))
}

/// Where a bad value sits, for the `Corrupt` message.
fn corrupt(place: &str, col: &str, value: impl std::fmt::Debug) -> StoreError {
    StoreError::Corrupt(format!("{place}, column {col}: unexpected value {value:?}"))
}

fn parsed<T, E>(
    place: &str,
    col: &str,
    raw: String,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T> {
    parse(&raw).map_err(|_| corrupt(place, col, raw))
}

fn code<T>(
    place: &str,
    col: &str,
    raw: String,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T> {
    parse(&raw).ok_or_else(|| corrupt(place, col, raw))
}

pub(crate) fn millis(at: Timestamp) -> i64 {
    at.as_millisecond()
}

pub(crate) fn opt_millis(at: Option<Timestamp>) -> Option<i64> {
    at.map(millis)
}

fn timestamp(place: &str, col: &str, ms: i64) -> Result<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|_| corrupt(place, col, ms))
}

fn time(r: &impl Columns, place: &str, col: &str) -> Result<Timestamp> {
    timestamp(place, col, r.int(col)?)
}

fn opt_time(r: &impl Columns, place: &str, col: &str) -> Result<Option<Timestamp>> {
    r.opt_int(col)?
        .map(|ms| timestamp(place, col, ms))
        .transpose()
}

fn count<T: TryFrom<i64>>(r: &impl Columns, place: &str, col: &str) -> Result<T> {
    let n = r.int(col)?;
    T::try_from(n).map_err(|_| corrupt(place, col, n))
}

pub(crate) fn to_json(value: &impl Serialize) -> Result<String> {
    // Domain types serialise infallibly (no maps with non-string keys); keep the
    // error path anyway rather than panic.
    serde_json::to_string(value)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode JSON: {e}")))
}

fn from_json<T: DeserializeOwned>(place: &str, col: &str, raw: String) -> Result<T> {
    serde_json::from_str(&raw)
        .map_err(|e| StoreError::Corrupt(format!("{place}, column {col}: {e}")))
}

/// A size or count the database must hold as BIGINT.
pub(crate) fn to_bigint(value: impl TryInto<i64>, what: &str) -> Result<i64> {
    value
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("{what} does not fit in BIGINT")))
}

pub(crate) fn visibility_code(v: Visibility) -> &'static str {
    match v {
        Visibility::Public => "public",
        Visibility::Internal => "internal",
    }
}

fn parse_visibility(s: &str) -> Option<Visibility> {
    match s {
        "public" => Some(Visibility::Public),
        "internal" => Some(Visibility::Internal),
        _ => None,
    }
}

fn parse_delivery(s: &str) -> Option<DeliveryStatus> {
    match s {
        "pending" => Some(DeliveryStatus::Pending),
        "delivered" => Some(DeliveryStatus::Delivered),
        "failed" => Some(DeliveryStatus::Failed),
        _ => None,
    }
}

pub(crate) fn problem_columns(p: &ProblemChoice) -> (&'static str, &str) {
    match p {
        ProblemChoice::Listed(code) => ("listed", code),
        ProblemChoice::Other(text) => ("other", text),
    }
}

fn actor(place: &str, kind: String, id: Option<String>) -> Result<Actor> {
    match (kind.as_str(), id) {
        ("customer", Some(id)) => Ok(Actor::Customer(parsed(
            place,
            "actor id",
            id,
            CustomerId::parse,
        )?)),
        ("contact", Some(id)) => Ok(Actor::Contact(ContactId(parsed(
            place,
            "actor id",
            id,
            str::parse,
        )?))),
        ("operator", Some(id)) => Ok(Actor::Operator(OperatorId(parsed(
            place,
            "actor id",
            id,
            str::parse,
        )?))),
        ("bot", None) => Ok(Actor::Bot),
        ("system", None) => Ok(Actor::System),
        (_, id) => Err(corrupt(place, "actor", (kind, id))),
    }
}

/// How a requester is stored: `customer_id` holds an account's id (empty for
/// a contact), `contact_id` a contact's.
pub(crate) fn requester_columns(r: &Requester) -> (String, Option<i64>) {
    match r {
        Requester::Customer(c) => (c.as_str().to_owned(), None),
        Requester::Contact(c) => (String::new(), Some(c.0)),
    }
}

/// The stored key of a client's id for an opening: unique per requester.
pub(crate) fn client_ref(r: &Requester, client_id: &str) -> String {
    match r {
        Requester::Customer(_) => client_id.to_owned(),
        Requester::Contact(c) => format!("contact:{}:{client_id}", c.0),
    }
}

fn requester(r: &impl Columns, place: &str) -> Result<Requester> {
    match r.opt_int("contact_id")? {
        Some(contact) => Ok(Requester::Contact(ContactId(contact))),
        None => Ok(Requester::Customer(parsed(
            place,
            "customer_id",
            r.text("customer_id")?,
            CustomerId::parse,
        )?)),
    }
}

fn origin(r: &impl Columns) -> Result<Option<Origin>> {
    let (Some(endpoint), Some(address)) = (
        r.opt_text("origin_endpoint")?,
        r.opt_text("origin_address")?,
    ) else {
        return Ok(None);
    };
    Ok(Some(Origin {
        endpoint,
        address,
        thread: r.opt_text("origin_thread")?,
    }))
}

pub(crate) fn ticket(r: &impl Columns) -> Result<Ticket> {
    let id = TicketId(r.int("id")?);
    let place = &format!("tickets #{}", id.0);
    let problem = match r.text("problem_kind")?.as_str() {
        "listed" => ProblemChoice::Listed(r.text("problem_text")?),
        "other" => ProblemChoice::Other(r.text("problem_text")?),
        other => return Err(corrupt(place, "problem_kind", other)),
    };
    Ok(Ticket {
        id,
        number: TicketNumber::from_id(id),
        requester: requester(r, place)?,
        kind: code(place, "kind", r.text("kind")?, TicketKind::parse)?,
        channel: code(place, "channel", r.text("channel")?, Channel::parse)?,
        origin: origin(r)?,
        line: r.text("line")?,
        topic: r.text("topic")?,
        problem,
        order_number: r
            .opt_text("order_number")?
            .map(|n| parsed(place, "order_number", n, OrderNumber::parse))
            .transpose()?,
        subject: r.text("subject")?,
        status: code(place, "status", r.text("status")?, Status::parse)?,
        priority: code(place, "priority", r.text("priority")?, Priority::parse)?,
        reply_channel: code(
            place,
            "reply_channel",
            r.text("reply_channel")?,
            ReplyChannel::parse,
        )?,
        assignee: r.opt_int("assignee_id")?.map(OperatorId),
        due_at: opt_time(r, place, "due_at")?,
        at_risk_at: opt_time(r, place, "at_risk_at")?,
        priority_rule: r.opt_text("priority_rule")?,
        sla: r
            .opt_text("sla")?
            .map(|raw| from_json(place, "sla", raw))
            .transpose()?,
        first_response_at: opt_time(r, place, "first_response_at")?,
        resolved_at: opt_time(r, place, "resolved_at")?,
        created_at: time(r, place, "created_at")?,
        updated_at: time(r, place, "updated_at")?,
        version: r.int("version")?,
    })
}

/// A message row with its sequence number, without its attachments; the caller adds those.
pub(crate) fn message(r: &impl Columns) -> Result<StoredMessage> {
    let id = r.int("id")?;
    let place = &format!("messages #{id}");
    Ok(StoredMessage {
        ticket_id: TicketId(r.int("ticket_id")?),
        seq: r
            .opt_int("seq")?
            .ok_or_else(|| corrupt(place, "seq", "NULL"))?,
        id,
        author: actor(place, r.text("author_kind")?, r.opt_text("author_id")?)?,
        visibility: code(place, "visibility", r.text("visibility")?, parse_visibility)?,
        body: r.text("body")?,
        attachments: Vec::new(),
        client_id: r.opt_text("client_id")?,
        meta: r.opt_text("meta")?,
        created_at: time(r, place, "created_at")?,
    })
}

pub(crate) fn conversation(r: &impl Columns) -> Result<crate::Conversation> {
    Ok(crate::Conversation {
        ticket: ticket(r)?,
        last_seq: r.int("last_seq")?,
    })
}

pub(crate) fn step_up(r: &impl Columns) -> Result<switchboard_domain::bot::StepUp> {
    let place = &format!("chat_step_up #{}", r.int("ticket_id")?);
    Ok(switchboard_domain::bot::StepUp {
        code_hash: r.opt_text("code_hash")?,
        issued_at: opt_time(r, place, "issued_at")?,
        expires_at: opt_time(r, place, "expires_at")?,
        attempts: count(r, place, "attempts")?,
        locked_until: opt_time(r, place, "locked_until")?,
        verified_at: opt_time(r, place, "verified_at")?,
    })
}

pub(crate) fn attachment(r: &impl Columns) -> Result<AttachmentMeta> {
    let place = &format!("message_attachments of message #{}", r.int("message_id")?);
    Ok(AttachmentMeta {
        hash: parsed(place, "hash", r.text("hash")?, ContentHash::parse)?,
        file_name: r.text("file_name")?,
        content_type: r.text("content_type")?,
        size: count(r, place, "size")?,
    })
}

pub(crate) fn event(r: &impl Columns) -> Result<StoredEvent> {
    let id = r.int("id")?;
    let place = &format!("ticket_events #{id}");
    let event: TicketEvent = from_json(place, "payload", r.text("payload")?)?;
    Ok(StoredEvent {
        id,
        ticket_id: TicketId(r.int("ticket_id")?),
        actor: actor(place, r.text("actor_kind")?, r.opt_text("actor_id")?)?,
        event,
        at: time(r, place, "at")?,
    })
}

pub(crate) fn customer(r: &impl Columns) -> Result<Customer> {
    let raw_id = r.text("id")?;
    let place = &format!("customers {raw_id:?}");
    Ok(Customer {
        id: parsed(place, "id", raw_id.clone(), CustomerId::parse)?,
        kind: code(place, "kind", r.text("kind")?, CustomerKind::parse)?,
        name: r.text("name")?,
        email: r
            .opt_text("email")?
            .map(|e| parsed(place, "email", e, EmailAddress::parse))
            .transpose()?,
        phone: r
            .opt_text("phone")?
            .map(|p| parsed(place, "phone", p, PhoneNumber::parse))
            .transpose()?,
        locale: code(place, "locale", r.text("locale")?, Locale::parse)?,
        flags: from_json(place, "flags", r.text("flags")?)?,
        bookings: from_json(place, "bookings", r.text("bookings")?)?,
    })
}

pub(crate) fn order(r: &impl Columns) -> Result<Order> {
    let raw_number = r.text("number")?;
    let place = &format!("orders {raw_number:?}");
    Ok(Order {
        number: parsed(place, "number", raw_number.clone(), OrderNumber::parse)?,
        customer_id: parsed(
            place,
            "customer_id",
            r.text("customer_id")?,
            CustomerId::parse,
        )?,
        title: r.text("title")?,
        status: r.text("status")?,
        amount_minor: r.int("amount_minor")?,
        currency: r.text("currency")?,
        placed_at: time(r, place, "placed_at")?,
    })
}

pub(crate) fn operator(r: &impl Columns) -> Result<Operator> {
    let id = r.int("id")?;
    let place = &format!("operators #{id}");
    Ok(Operator {
        id: OperatorId(id),
        login: parsed(place, "login", r.text("login")?, Login::parse)?,
        name: r.text("name")?,
        role: code(place, "role", r.text("role")?, Role::parse)?,
        skills: from_json(place, "skills", r.text("skills")?)?,
        capacity: count(r, place, "capacity")?,
        active: r.flag("active")?,
        email: r
            .opt_text("email")?
            .map(|e| parsed(place, "email", e, EmailAddress::parse))
            .transpose()?,
        calendar: r.opt_text("calendar")?,
    })
}

fn outbound(r: &impl Columns, place: &str) -> Result<Outbound> {
    Ok(Outbound {
        kind: code(place, "kind", r.text("kind")?, OutboundKind::parse)?,
        route: Route {
            medium: code(place, "channel", r.text("channel")?, Medium::parse)?,
            recipient: r.text("recipient")?,
            endpoint: r.opt_text("endpoint")?,
            thread: r.opt_text("thread")?,
        },
        subject: r.text("subject")?,
        text: r.text("body")?,
        attachments: from_json(place, "attachments", r.text("attachments")?)?,
        sensitive: r.flag("sensitive")?,
    })
}

pub(crate) fn outbox_item(r: &impl Columns) -> Result<OutboxItem> {
    let id = r.int("id")?;
    let place = &format!("outbox #{id}");
    Ok(OutboxItem {
        id,
        ticket_id: r.opt_int("ticket_id")?.map(TicketId),
        seq: r.opt_int("message_seq")?,
        outbound: outbound(r, place)?,
        attempts: count(r, place, "attempts")?,
    })
}

pub(crate) fn staff_alert(r: &impl Columns) -> Result<crate::StaffAlert> {
    let id = r.int("id")?;
    let place = &format!("staff_alerts #{id}");
    Ok(crate::StaffAlert {
        id,
        operator: OperatorId(r.int("operator_id")?),
        ticket: r.opt_int("ticket_id")?.map(TicketId),
        event: from_json(place, "payload", r.text("payload")?)?,
        created_at: time(r, place, "created_at")?,
    })
}

/// The SLA clock as stored (JSON), or NULL.
pub(crate) fn sla_json(
    t: &Option<switchboard_domain::deadline::TicketSla>,
) -> Result<Option<String>> {
    t.as_ref().map(to_json).transpose()
}

pub(crate) fn outbox_record(r: &impl Columns) -> Result<OutboxRecord> {
    let id = r.int("id")?;
    let place = &format!("outbox #{id}");
    Ok(OutboxRecord {
        id,
        ticket_id: r.opt_int("ticket_id")?.map(TicketId),
        outbound: outbound(r, place)?,
        status: code(place, "status", r.text("status")?, parse_delivery)?,
        attempts: count(r, place, "attempts")?,
        last_error: r.opt_text("last_error")?,
        provider_id: r.opt_text("provider_id")?,
        created_at: time(r, place, "created_at")?,
        delivered_at: opt_time(r, place, "delivered_at")?,
    })
}

// --- contacts and channel identities

pub(crate) fn contact(r: &impl Columns) -> Result<Contact> {
    let id = r.int("id")?;
    let place = &format!("contacts #{id}");
    Ok(Contact {
        id: ContactId(id),
        name: r.text("name")?,
        locale: code(place, "locale", r.text("locale")?, Locale::parse)?,
        customer: r
            .opt_text("customer_id")?
            .map(|c| parsed(place, "customer_id", c, CustomerId::parse))
            .transpose()?,
        created_at: time(r, place, "created_at")?,
        linked_at: opt_time(r, place, "linked_at")?,
    })
}

/// Whom an identity row (with its contact's `linked` account) belongs to now.
pub(crate) fn identity_owner(r: &impl Columns) -> Result<Requester> {
    let place = "channel_identities";
    let account = |col: &str, raw: String| parsed(place, col, raw, CustomerId::parse);
    match (
        r.opt_text("customer_id")?,
        r.opt_int("contact_id")?,
        r.opt_text("linked")?,
    ) {
        (Some(c), _, _) => Ok(Requester::Customer(account("customer_id", c)?)),
        (None, Some(_), Some(linked)) => Ok(Requester::Customer(account("linked", linked)?)),
        (None, Some(contact), None) => Ok(Requester::Contact(ContactId(contact))),
        (None, None, _) => Err(corrupt(place, "owner", "none")),
    }
}

pub(crate) fn identity(r: &impl Columns) -> Result<Identity> {
    let place = "channel_identities";
    Ok(Identity {
        channel: code(place, "channel", r.text("channel")?, Channel::parse)?,
        address: r.text("address")?,
        owner: identity_owner(r)?,
        created_at: time(r, place, "created_at")?,
    })
}

// --- knowledge base, bot feedback, merges (issue 5)

pub(crate) fn kb_section(r: &impl Columns) -> Result<crate::KbSection> {
    let code = r.text("code")?;
    Ok(crate::KbSection {
        line: r.text("line")?,
        name: switchboard_domain::i18n::Text::new(r.text("name_ru")?, r.text("name_en")?),
        position: r.int("position")?,
        deleted: r.flag("deleted")?,
        revision: r.int("revision")?,
        updated_at: time(r, &format!("kb_sections {code:?}"), "updated_at")?,
        code,
    })
}

pub(crate) fn kb_article(r: &impl Columns) -> Result<crate::KbArticle> {
    let id = r.text("id")?;
    let place = &format!("kb_articles {id:?}");
    Ok(crate::KbArticle {
        section: r.text("section")?,
        topics: from_json(place, "topics", r.text("topics")?)?,
        title: switchboard_domain::i18n::Text::new(r.text("title_ru")?, r.text("title_en")?),
        body: switchboard_domain::i18n::Text::new(r.text("body_ru")?, r.text("body_en")?),
        keywords: from_json(place, "keywords", r.text("keywords")?)?,
        published: r.flag("published")?,
        deleted: r.flag("deleted")?,
        revision: r.int("revision")?,
        updated_at: time(r, place, "updated_at")?,
        id,
    })
}

pub(crate) fn kb_event(r: &impl Columns) -> Result<crate::KbEvent> {
    let id = r.int("id")?;
    let place = &format!("kb_events #{id}");
    Ok(crate::KbEvent {
        id,
        actor: actor(place, r.text("actor_kind")?, r.opt_text("actor_id")?)?,
        action: code(place, "action", r.text("action")?, crate::KbAction::parse)?,
        target_kind: r.text("target_kind")?,
        target: r.text("target")?,
        revision: r.int("revision")?,
        payload: from_json(place, "payload", r.text("payload")?)?,
        at: time(r, place, "at")?,
    })
}

pub(crate) fn kb_suggestion(r: &impl Columns) -> Result<crate::KbSuggestion> {
    let ticket_id = TicketId(r.int("ticket_id")?);
    let place = &format!("kb_suggestions of ticket #{}", ticket_id.0);
    Ok(crate::KbSuggestion {
        ticket_id,
        article_id: r.text("article_id")?,
        shown_at: time(r, place, "shown_at")?,
        feedback: r
            .opt_text("feedback")?
            .map(|f| code(place, "feedback", f, crate::Feedback::parse))
            .transpose()?,
        feedback_at: opt_time(r, place, "feedback_at")?,
    })
}

pub(crate) fn ticket_merge(r: &impl Columns) -> Result<crate::TicketMerge> {
    let source = TicketId(r.int("source_id")?);
    let place = &format!("ticket_merges #{}", source.0);
    Ok(crate::TicketMerge {
        source,
        target: TicketId(r.int("target_id")?),
        previous_status: code(
            place,
            "previous_status",
            r.text("previous_status")?,
            Status::parse,
        )?,
        merged_at: time(r, place, "merged_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_need_an_id_exactly_when_they_have_one() {
        let p = "test";
        assert_eq!(actor(p, "bot".into(), None).ok(), Some(Actor::Bot));
        assert_eq!(
            actor(p, "operator".into(), Some("7".into())).ok(),
            Some(Actor::Operator(OperatorId(7)))
        );
        assert!(matches!(
            actor(p, "bot".into(), Some("1".into())),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            actor(p, "operator".into(), Some("x".into())),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            actor(p, "customer".into(), None),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            actor(p, "alien".into(), None),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn out_of_range_values_are_corrupt_not_panics() {
        assert!(matches!(
            timestamp("t", "at", i64::MAX),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            to_bigint(u64::MAX, "size"),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            from_json::<Vec<String>>("t", "skills", "{".into()),
            Err(StoreError::Corrupt(_))
        ));
    }
}
