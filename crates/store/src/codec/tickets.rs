//! Tickets, their messages, audit events, step-up and merges.

use switchboard_domain::ids::{
    ContactId, ContentHash, CustomerId, OperatorId, OrderNumber, TicketId, TicketNumber,
};
use switchboard_domain::ticket::{
    Channel, Origin, Priority, ProblemChoice, ReplyChannel, Requester, Status, Ticket, TicketEvent,
    TicketKind,
};

use super::{
    Columns, actor, code, corrupt, count, from_json, opt_time, parse_visibility, parsed, time,
    to_json,
};
use crate::{AttachmentMeta, Result, StoredEvent, StoredMessage};

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

/// The SLA clock as stored (JSON), or NULL.
pub(crate) fn sla_json(
    t: &Option<switchboard_domain::deadline::TicketSla>,
) -> Result<Option<String>> {
    t.as_ref().map(to_json).transpose()
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
