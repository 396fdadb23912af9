//! What one ticket contributes to the supervisors' reports, derived from its
//! two append-only logs alone: the audit log (`TicketEvent`s) and the
//! message log. The store keeps one row of [`TicketFacts`] per ticket and
//! recomputes it whenever either log grows, so a report is an aggregate over
//! rows that always agree with the logs, however late a ticket changes.
//!
//! Definitions (also in the README):
//! - the response clock starts at intake, or for a live conversation at the
//!   hand-over from the bot to a person;
//! - first response: the first public message by staff after that start;
//!   next response: each later wait from a customer's public message to the
//!   next public staff message;
//! - resolution: from intake to the last time the ticket became resolved
//!   (only for tickets resolved or closed now);
//! - an SLA target counts when the ticket ran under a policy and the target
//!   was reached or missed; it is breached when the audit log says so;
//! - transfers: topic changes (moves to another queue) and hand-overs from
//!   one operator to another.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::deadline::TargetKind;
use crate::ids::{OperatorId, TicketId};
use crate::ticket::TicketEvent;
use crate::vocab::{Actor, Channel, Priority, Status, TicketKind};

/// Who wrote a message, as far as reports care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    Customer,
    Staff,
    Bot,
    System,
}

impl Speaker {
    pub fn of(actor: &Actor) -> Speaker {
        match actor {
            Actor::Customer(_) | Actor::Contact(_) => Speaker::Customer,
            Actor::Operator(_) => Speaker::Staff,
            Actor::Bot => Speaker::Bot,
            Actor::System => Speaker::System,
        }
    }
}

/// A message of the log, reduced to what reports use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogMessage {
    pub at: Timestamp,
    pub speaker: Speaker,
    pub public: bool,
    pub operator: Option<OperatorId>,
}

/// An audit event with who caused it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    pub at: Timestamp,
    pub actor: Actor,
    pub event: TicketEvent,
}

/// The ticket's present classification, which every change to it logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketHead {
    pub id: TicketId,
    pub channel: Channel,
    pub line: String,
    pub topic: String,
    pub priority: Priority,
    pub kind: TicketKind,
    pub status: Status,
    pub assignee: Option<OperatorId>,
    pub created_at: Timestamp,
}

/// How an SLA target went for one ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaOutcome {
    /// No policy, or the target was never reached nor missed.
    NotApplicable,
    Met,
    Breached,
}

impl SlaOutcome {
    pub fn code(self) -> i64 {
        match self {
            SlaOutcome::NotApplicable => 0,
            SlaOutcome::Met => 1,
            SlaOutcome::Breached => 2,
        }
    }

    pub fn from_code(code: i64) -> Option<SlaOutcome> {
        match code {
            0 => Some(SlaOutcome::NotApplicable),
            1 => Some(SlaOutcome::Met),
            2 => Some(SlaOutcome::Breached),
            _ => None,
        }
    }
}

/// A duration measured both ways: on the wall clock and in the working time
/// of the ticket's line calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Span {
    pub calendar_ms: i64,
    pub business_ms: i64,
}

impl Span {
    fn between(calendar: &Calendar, from: Timestamp, to: Timestamp) -> Span {
        let to = to.max(from);
        Span {
            calendar_ms: millis(to.duration_since(from)),
            business_ms: millis(calendar.business_between(from, to)),
        }
    }

    fn add(self, other: Span) -> Span {
        Span {
            calendar_ms: self.calendar_ms + other.calendar_ms,
            business_ms: self.business_ms + other.business_ms,
        }
    }
}

fn millis(d: SignedDuration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// One ticket's row in the reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketFacts {
    pub ticket: TicketId,
    pub created_at: Timestamp,
    pub channel: Channel,
    pub line: String,
    pub topic: String,
    pub priority: Priority,
    pub status: Status,
    /// The assignee now, else the last operator who answered publicly.
    pub operator: Option<OperatorId>,
    pub first_response: Option<Span>,
    pub next_responses: u32,
    /// Sum of the next-response waits.
    pub next_response_total: Span,
    pub resolution: Option<Span>,
    pub sla_first: SlaOutcome,
    pub sla_next: SlaOutcome,
    pub sla_resolution: SlaOutcome,
    pub reopens: u32,
    pub transfers: u32,
    /// A live conversation the bot resolved without a person.
    pub bot_resolved: bool,
    /// A live conversation the bot handed to a person.
    pub handed_over: bool,
    pub claim: bool,
    /// A claim whose resolution deadline was missed.
    pub claim_breached: bool,
    /// The customer's last rating (1–5), once given.
    pub csat: Option<u8>,
}

/// Derives a ticket's facts from its logs (events and messages in log order).
pub fn ticket_facts(
    head: &TicketHead,
    events: &[LogEvent],
    messages: &[LogMessage],
    calendar: &Calendar,
) -> TicketFacts {
    let mut csat = None;
    let live = head.channel.is_live();
    let mut clock_start = (!live).then_some(head.created_at);
    let mut policy = false;
    let mut breached = [false; 3];
    let mut reopens = 0;
    let mut transfers = 0;
    let mut bot_resolved = false;
    let mut handed_over = false;
    let mut claim = head.kind == TicketKind::Claim;
    let mut claim_breached = false;
    let mut resolved_at = None;
    for e in events {
        match &e.event {
            TicketEvent::Created { sla_policy, .. } => policy |= sla_policy.is_some(),
            TicketEvent::SlaPolicyChanged { to, .. } => policy |= to.is_some(),
            TicketEvent::StatusChanged { from, to } => {
                if *from == Status::WithBot {
                    if matches!(to, Status::Resolved | Status::Closed) {
                        bot_resolved = true;
                    } else {
                        handed_over = true;
                        clock_start.get_or_insert(e.at);
                    }
                }
                if *to == Status::Resolved {
                    resolved_at = Some(e.at);
                }
            }
            TicketEvent::SlaBreached { target, .. } => {
                breached[target_index(*target)] = true;
                if *target == TargetKind::Resolution && claim {
                    claim_breached = true;
                }
            }
            TicketEvent::Reopened => reopens += 1,
            TicketEvent::TopicChanged { .. } => transfers += 1,
            TicketEvent::Assigned {
                from: Some(a),
                to: Some(b),
            } if a != b => transfers += 1,
            TicketEvent::ClaimFiled => claim = true,
            TicketEvent::Rated { score, .. } => csat = Some(*score),
            _ => {}
        }
    }
    if bot_resolved && handed_over {
        bot_resolved = false;
    }

    let mut first = None;
    let mut waiting_since: Option<Timestamp> = None;
    let mut next_responses = 0;
    let mut next_total = Span::default();
    let mut last_responder = None;
    if let Some(start) = clock_start {
        for m in messages.iter().filter(|m| m.public && m.at >= start) {
            match m.speaker {
                Speaker::Staff => {
                    last_responder = m.operator.or(last_responder);
                    if first.is_none() {
                        first = Some(Span::between(calendar, start, m.at));
                    } else if let Some(since) = waiting_since {
                        next_responses += 1;
                        next_total = next_total.add(Span::between(calendar, since, m.at));
                    }
                    waiting_since = None;
                }
                Speaker::Customer if first.is_some() => {
                    waiting_since.get_or_insert(m.at);
                }
                _ => {}
            }
        }
    }
    let resolution = match head.status {
        Status::Resolved | Status::Closed => {
            resolved_at.map(|at| Span::between(calendar, head.created_at, at))
        }
        _ => None,
    };
    let outcome = |reached: bool, missed: bool| match (policy, missed, reached) {
        (false, _, _) => SlaOutcome::NotApplicable,
        (true, true, _) => SlaOutcome::Breached,
        (true, false, true) => SlaOutcome::Met,
        (true, false, false) => SlaOutcome::NotApplicable,
    };
    TicketFacts {
        ticket: head.id,
        created_at: head.created_at,
        channel: head.channel,
        line: head.line.clone(),
        topic: head.topic.clone(),
        priority: head.priority,
        status: head.status,
        operator: head.assignee.or(last_responder),
        first_response: first,
        next_responses,
        next_response_total: next_total,
        resolution,
        sla_first: outcome(first.is_some(), breached[0]),
        sla_next: outcome(next_responses > 0, breached[1]),
        sla_resolution: outcome(resolution.is_some(), breached[2]),
        reopens,
        transfers,
        bot_resolved,
        handed_over,
        claim,
        claim_breached,
        csat,
    }
}

fn target_index(target: TargetKind) -> usize {
    match target {
        TargetKind::FirstResponse => 0,
        TargetKind::NextResponse => 1,
        TargetKind::Resolution => 2,
    }
}

/// The `q`-quantile (0..=1) of sorted values by the nearest-rank method.
pub fn quantile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

#[cfg(test)]
#[path = "report/tests.rs"]
mod tests;
