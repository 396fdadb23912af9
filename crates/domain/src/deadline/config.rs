//! Loading SLA policies from TOML (`profiles/demo/sla.toml` shows the format).

use std::sync::Arc;

use jiff::SignedDuration;
use serde::Deserialize;

use super::{AppliedPolicy, EscalationAction, Measure, SlaError, SlaFacts, Target};
use crate::calendar::{Calendar, Calendars, parse_duration};
use crate::catalog::{Catalog, SlaClass};
use crate::vocab::{Channel, Priority, Status, TicketKind};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    #[serde(default = "eighty")]
    at_risk: f64,
    #[serde(default = "waiting")]
    pause_in: Vec<Status>,
    #[serde(rename = "policy")]
    policies: Vec<PolicyToml>,
}

fn eighty() -> f64 {
    0.8
}

fn waiting() -> Vec<Status> {
    vec![Status::WaitingForCustomer]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyToml {
    code: String,
    #[serde(default)]
    when: WhenToml,
    /// Absent: calendar time. "line": the ticket line's calendar. Else a calendar code.
    calendar: Option<String>,
    first_response: Option<String>,
    next_response: Option<String>,
    resolution: Option<String>,
    at_risk: Option<f64>,
    pause_in: Option<Vec<Status>>,
    #[serde(default)]
    on_at_risk: Vec<EscalationAction>,
    #[serde(default)]
    on_breach: Vec<EscalationAction>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenToml {
    #[serde(default)]
    kind: Vec<TicketKind>,
    #[serde(default)]
    channel: Vec<Channel>,
    #[serde(default)]
    line: Vec<String>,
    /// "line/topic"
    #[serde(default)]
    topic: Vec<String>,
    #[serde(default)]
    sla_class: Vec<SlaClass>,
    #[serde(default)]
    priority: Vec<Priority>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Amount {
    Time(SignedDuration),
    /// Whole business days: each is the calendar's `business_day` of working time.
    BusinessDays(i32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CalendarChoice {
    None,
    Line,
    Named(Arc<Calendar>),
}

#[derive(Debug, Clone)]
pub(super) struct PolicyDef {
    pub(super) code: String,
    when: When,
    calendar: CalendarChoice,
    amounts: [Option<Amount>; 3],
    at_risk_permille: u16,
    pause_in: Vec<Status>,
    on_at_risk: Vec<EscalationAction>,
    on_breach: Vec<EscalationAction>,
}

#[derive(Debug, Clone, Default)]
struct When {
    kind: Vec<TicketKind>,
    channel: Vec<Channel>,
    line: Vec<String>,
    topic: Vec<(String, String)>,
    sla_class: Vec<SlaClass>,
    priority: Vec<Priority>,
}

fn any_or<T: PartialEq>(list: &[T], v: &T) -> bool {
    list.is_empty() || list.contains(v)
}

impl PolicyDef {
    pub(super) fn matches(&self, f: &SlaFacts<'_>) -> bool {
        let w = &self.when;
        any_or(&w.kind, &f.kind)
            && any_or(&w.channel, &f.channel)
            && (w.line.is_empty() || w.line.iter().any(|l| l == f.line))
            && (w.topic.is_empty() || w.topic.iter().any(|(l, t)| l == f.line && t == f.topic))
            && any_or(&w.sla_class, &f.class)
            && any_or(&w.priority, &f.priority)
    }

    pub(super) fn resolve(&self, line: &str, calendars: &Calendars) -> AppliedPolicy {
        let measure = match &self.calendar {
            CalendarChoice::None => Measure::Calendar,
            CalendarChoice::Line => Measure::Business(calendars.for_line(line).clone()),
            CalendarChoice::Named(c) => Measure::Business(c.clone()),
        };
        let day = match &measure {
            Measure::Calendar => SignedDuration::from_hours(24),
            Measure::Business(c) => c.business_day(),
        };
        let targets = self.amounts.clone().map(|a| {
            a.map(|a| Target {
                limit: match a {
                    Amount::Time(d) => d,
                    Amount::BusinessDays(n) => day.checked_mul(n).unwrap_or(day),
                },
                measure: measure.clone(),
            })
        });
        AppliedPolicy {
            code: self.code.clone(),
            targets,
            at_risk_permille: self.at_risk_permille,
            pause_in: self.pause_in.clone(),
            on_at_risk: self.on_at_risk.clone(),
            on_breach: self.on_breach.clone(),
        }
    }
}

fn permille(share: f64) -> Option<u16> {
    (share > 0.0 && share < 1.0).then(|| (share * 1000.0).round() as u16)
}

/// `"10m"`, `"24h"`, `"10d"` (calendar days of 24 h) or `"3bd"` (business days).
fn amount(s: &str) -> Result<Amount, String> {
    if let Some(n) = s.trim().strip_suffix("bd") {
        return match n.trim().parse::<i32>() {
            Ok(n) if (1..=365).contains(&n) => Ok(Amount::BusinessDays(n)),
            _ => Err(format!(
                "{s:?}: business days are a whole number from 1 to 365"
            )),
        };
    }
    parse_duration(s).map(Amount::Time)
}

pub(super) fn load(
    source: &str,
    calendars: &Calendars,
    catalog: &Catalog,
) -> Result<Vec<PolicyDef>, SlaError> {
    let file: FileToml = toml::from_str(source).map_err(|e| SlaError::Syntax(e.to_string()))?;
    let file_share = permille(file.at_risk).ok_or_else(|| SlaError::Invalid {
        policy: "(file)".into(),
        message: format!("at_risk {} must be between 0 and 1", file.at_risk),
    })?;
    let mut out: Vec<PolicyDef> = Vec::with_capacity(file.policies.len());
    for p in file.policies {
        let bad = |m: String| SlaError::Invalid {
            policy: p.code.clone(),
            message: m,
        };
        if p.code.trim().is_empty() || out.iter().any(|o| o.code == p.code) {
            return Err(bad("codes must be present and unique".into()));
        }
        let calendar = match p.calendar.as_deref() {
            None => CalendarChoice::None,
            Some("line") => CalendarChoice::Line,
            Some(code) => CalendarChoice::Named(
                calendars
                    .get(code)
                    .cloned()
                    .ok_or_else(|| bad(format!("unknown calendar {code:?}")))?,
            ),
        };
        let amounts = [&p.first_response, &p.next_response, &p.resolution]
            .map(|a| a.as_deref().map(amount).transpose());
        let [first, next, resolution] = amounts;
        let amounts = [
            first.map_err(&bad)?,
            next.map_err(&bad)?,
            resolution.map_err(&bad)?,
        ];
        if amounts.iter().all(Option::is_none) {
            return Err(bad("has no target".into()));
        }
        let business_days = amounts
            .iter()
            .any(|a| matches!(a, Some(Amount::BusinessDays(_))));
        if business_days && calendar == CalendarChoice::None {
            return Err(bad("business days need a calendar".into()));
        }
        for l in &p.when.line {
            if catalog.line(l).is_none() {
                return Err(bad(format!("unknown line {l:?}")));
            }
        }
        let mut topic = Vec::new();
        for lt in &p.when.topic {
            match lt.split_once('/') {
                Some((l, t)) if catalog.topic(l, t).is_some() => {
                    topic.push((l.to_owned(), t.to_owned()))
                }
                _ => return Err(bad(format!("unknown topic {lt:?} (\"line/topic\")"))),
            }
        }
        let at_risk_permille = match p.at_risk {
            None => file_share,
            Some(s) => {
                permille(s).ok_or_else(|| bad(format!("at_risk {s} must be between 0 and 1")))?
            }
        };
        out.push(PolicyDef {
            when: When {
                kind: p.when.kind,
                channel: p.when.channel,
                line: p.when.line,
                topic,
                sla_class: p.when.sla_class,
                priority: p.when.priority,
            },
            calendar,
            amounts,
            at_risk_permille,
            pause_in: p.pause_in.unwrap_or_else(|| file.pause_in.clone()),
            on_at_risk: p.on_at_risk,
            on_breach: p.on_breach,
            code: p.code,
        });
    }
    Ok(out)
}
