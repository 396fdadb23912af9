//! People (customers, orders, staff, contacts and identities) and the outbox.

use switchboard_domain::conversation::{Medium, Outbound, OutboundKind, Route};
use switchboard_domain::customer::{Customer, CustomerKind, Order};
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::{
    ContactId, CustomerId, EmailAddress, Login, OperatorId, OrderNumber, PhoneNumber, TicketId,
};
use switchboard_domain::ticket::{Channel, Requester};

use super::{Columns, code, corrupt, count, from_json, opt_time, parse_delivery, parsed, time};
use crate::{Contact, Identity, Operator, OutboxItem, OutboxRecord, Result, Role};

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
        language: r
            .opt_text("language")?
            .map(|l| code(place, "language", l, Locale::parse))
            .transpose()?,
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
        buttons: from_json(place, "buttons", r.text("buttons")?)?,
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
