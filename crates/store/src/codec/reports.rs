//! Report facts and the reduced message rows they are computed from.

use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::report::{LogMessage, SlaOutcome, Span, Speaker, TicketFacts};
use switchboard_domain::ticket::{Channel, Priority, Status};

use super::{Columns, actor, code, corrupt, count, opt_time, parse_visibility, time};
use crate::{Result, Visibility};

/// The columns of `report_facts` in the order [`facts`] reads and the store writes them.
pub(crate) const FACT_COLUMNS: &str = "ticket_id, created_at, channel, line, topic, priority, \
     status, operator_id, first_ms, first_biz_ms, next_count, next_total_ms, next_total_biz_ms, \
     resolution_ms, resolution_biz_ms, sla_first, sla_next, sla_resolution, reopens, transfers, \
     bot_resolved, handed_over, claim, claim_breached, csat";

/// A message row (`ticket_id, author_kind, author_id, visibility, created_at`).
pub(crate) fn log_message(r: &impl Columns) -> Result<(TicketId, LogMessage)> {
    let ticket = TicketId(r.int("ticket_id")?);
    let place = &format!("messages of ticket #{}", ticket.0);
    let author = actor(place, r.text("author_kind")?, r.opt_text("author_id")?)?;
    let visibility = code(place, "visibility", r.text("visibility")?, parse_visibility)?;
    Ok((
        ticket,
        LogMessage {
            at: time(r, place, "created_at")?,
            speaker: Speaker::of(&author),
            public: visibility == Visibility::Public,
            operator: match author {
                switchboard_domain::ticket::Actor::Operator(op) => Some(op),
                _ => None,
            },
        },
    ))
}

fn span(r: &impl Columns, calendar: &str, business: &str) -> Result<Option<Span>> {
    Ok(match (r.opt_int(calendar)?, r.opt_int(business)?) {
        (Some(calendar_ms), Some(business_ms)) => Some(Span {
            calendar_ms,
            business_ms,
        }),
        _ => None,
    })
}

fn outcome(r: &impl Columns, place: &str, col: &str) -> Result<SlaOutcome> {
    let raw = r.int(col)?;
    SlaOutcome::from_code(raw).ok_or_else(|| corrupt(place, col, raw))
}

pub(crate) fn facts(r: &impl Columns) -> Result<TicketFacts> {
    let id = r.int("ticket_id")?;
    let place = &format!("report_facts #{id}");
    let csat = match r.opt_int("csat")? {
        None => None,
        Some(n) => Some(u8::try_from(n).map_err(|_| corrupt(place, "csat", n))?),
    };
    Ok(TicketFacts {
        ticket: TicketId(id),
        created_at: time(r, place, "created_at")?,
        channel: code(place, "channel", r.text("channel")?, Channel::parse)?,
        line: r.text("line")?,
        topic: r.text("topic")?,
        priority: code(place, "priority", r.text("priority")?, Priority::parse)?,
        status: code(place, "status", r.text("status")?, Status::parse)?,
        operator: r.opt_int("operator_id")?.map(OperatorId),
        first_response: span(r, "first_ms", "first_biz_ms")?,
        next_responses: count(r, place, "next_count")?,
        next_response_total: Span {
            calendar_ms: r.int("next_total_ms")?,
            business_ms: r.int("next_total_biz_ms")?,
        },
        resolution: span(r, "resolution_ms", "resolution_biz_ms")?,
        sla_first: outcome(r, place, "sla_first")?,
        sla_next: outcome(r, place, "sla_next")?,
        sla_resolution: outcome(r, place, "sla_resolution")?,
        reopens: count(r, place, "reopens")?,
        transfers: count(r, place, "transfers")?,
        bot_resolved: r.int("bot_resolved")? != 0,
        handed_over: r.int("handed_over")? != 0,
        claim: r.int("claim")? != 0,
        claim_breached: r.int("claim_breached")? != 0,
        csat,
    })
}

/// When a backlog row's oldest ticket was created.
pub(crate) fn oldest(r: &impl Columns) -> Result<Option<jiff::Timestamp>> {
    opt_time(r, "tickets backlog", "oldest")
}
