//! SLA policies (SPEC §5): which deadlines a ticket has and how they are counted.
//!
//! A policy is chosen by the ticket's kind, channel, line, topic, SLA class and
//! priority: the first policy in the file whose conditions all hold applies, so
//! files list specific policies before general ones (as Zammad orders its SLAs).
//! A policy has up to three targets, the same three Zammad has:
//! - first response — from the ticket's start to the first reply by a person;
//! - next response — from a customer's message to the next reply ("update");
//! - resolution — from the start to resolved; resumes if the customer reopens.
//!
//! Targets count calendar time, or business time on a named calendar or on the
//! calendar of the ticket's line (`calendar = "line"`), which is how one policy
//! serves lines with different working hours; calendars have split shifts and
//! holidays ([`crate::calendar`]). Time in the policy's pause statuses (waiting
//! for the customer by default) does not count: see [`TicketSla`]. A target is
//! "at risk" once a configurable share of it is used (80% unless set) and
//! breached when all of it is; each can trigger escalation actions.

mod clock;
mod config;

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, Calendars};
use crate::catalog::SlaClass;
use crate::vocab::{Channel, Priority, Status, TicketKind};

pub use clock::{Clock, Deadline, Escalation, Level, SlaState, TicketSla};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlaError {
    #[error("SLA policies are not valid TOML: {0}")]
    Syntax(String),
    #[error("SLA policy {policy:?}: {message}")]
    Invalid { policy: String, message: String },
}

/// The three deadlines a ticket can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    FirstResponse,
    NextResponse,
    Resolution,
}

impl TargetKind {
    pub const ALL: [TargetKind; 3] = [
        TargetKind::FirstResponse,
        TargetKind::NextResponse,
        TargetKind::Resolution,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

/// What happens when a target is at risk or breached; the server carries it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationAction {
    NotifySupervisors,
    /// One priority class up (see [`crate::priority::raised`]).
    RaisePriority,
    /// Back to the queue head for another operator.
    Reassign,
}

/// How a target's time is counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measure {
    /// Every second counts (24/7).
    Calendar,
    /// Only working time on this calendar counts.
    Business(Arc<Calendar>),
}

impl Measure {
    pub fn add(&self, from: Timestamp, d: SignedDuration) -> Timestamp {
        match self {
            Measure::Calendar if d.is_positive() => from.checked_add(d).unwrap_or(Timestamp::MAX),
            Measure::Calendar => from,
            Measure::Business(c) => c.add_business(from, d),
        }
    }

    pub fn between(&self, a: Timestamp, b: Timestamp) -> SignedDuration {
        match self {
            Measure::Calendar => b.duration_since(a),
            Measure::Business(c) => c.business_between(a, b),
        }
    }
}

/// One target of a policy as applied to a ticket: how much counted time it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub limit: SignedDuration,
    pub measure: Measure,
}

/// A policy resolved for one ticket (its line's calendar chosen, business days
/// turned into working time). Cheap to rebuild from [`SlaPolicies::apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedPolicy {
    pub code: String,
    targets: [Option<Target>; 3],
    /// At-risk threshold as thousandths of each target (800 = 80%).
    pub at_risk_permille: u16,
    pub pause_in: Vec<Status>,
    pub on_at_risk: Vec<EscalationAction>,
    pub on_breach: Vec<EscalationAction>,
}

impl AppliedPolicy {
    pub fn target(&self, kind: TargetKind) -> Option<&Target> {
        self.targets[kind.index()].as_ref()
    }

    pub fn pauses_in(&self, status: Status) -> bool {
        self.pause_in.contains(&status)
    }

    /// The at-risk share of a limit, rounded down to whole nanoseconds.
    pub fn at_risk_share(&self, limit: SignedDuration) -> SignedDuration {
        limit
            .checked_mul(i32::from(self.at_risk_permille))
            .and_then(|d| d.checked_div(1000))
            .unwrap_or(limit)
    }
}

/// The facts a policy is chosen by.
#[derive(Debug, Clone, Copy)]
pub struct SlaFacts<'a> {
    pub kind: TicketKind,
    pub channel: Channel,
    pub line: &'a str,
    pub topic: &'a str,
    pub class: SlaClass,
    pub priority: Priority,
}

/// A loaded, validated set of policies with the calendars they count on.
#[derive(Debug, Clone)]
pub struct SlaPolicies {
    policies: Vec<config::PolicyDef>,
    calendars: Calendars,
}

impl SlaPolicies {
    /// Loads `sla.toml`; calendars are resolved against `calendars`, lines and
    /// topics against `catalog`.
    pub fn from_toml(
        source: &str,
        calendars: &Calendars,
        catalog: &crate::catalog::Catalog,
    ) -> Result<Self, SlaError> {
        Ok(SlaPolicies {
            policies: config::load(source, calendars, catalog)?,
            calendars: calendars.clone(),
        })
    }

    /// The first policy whose conditions hold, resolved for these facts.
    pub fn apply(&self, facts: &SlaFacts<'_>) -> Option<AppliedPolicy> {
        let def = self.policies.iter().find(|p| p.matches(facts))?;
        Some(def.resolve(facts.line, &self.calendars))
    }

    /// A policy by code, resolved for `line` (to rebuild a stored ticket's policy).
    pub fn by_code(&self, code: &str, line: &str) -> Option<AppliedPolicy> {
        let def = self.policies.iter().find(|p| p.code == code)?;
        Some(def.resolve(line, &self.calendars))
    }

    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.policies.iter().map(|p| p.code.as_str())
    }
}
