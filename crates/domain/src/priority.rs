//! Configurable priority rules (SPEC §4): which class a new request goes to.
//!
//! A rule names a priority class and the conditions a request must meet: the
//! customer's kind and flags, their bookings (kind, package, how soon the trip
//! starts), the line and topic, the topic's urgency settings and the channel.
//! All conditions of a rule must hold; a list condition holds when any of its
//! values matches. The request gets the highest priority of all matching rules
//! (the first such rule is reported as the reason), so the order of rules in
//! the file does not change the outcome. No rule matching gives the default.
//!
//! "Urgent" chosen by the customer only counts where the topic allows it: the
//! `urgent_requested` condition is false on other topics, whatever was sent.
//! The demo rules (`profiles/demo/priority.toml`) reproduce
//! [`crate::intake::initial_priority`]; `tests/priority_demo.rs` checks both agree.

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use crate::calendar::parse_duration;
use crate::catalog::{Catalog, Topic};
use crate::customer::{BookingKind, Customer, CustomerKind, TravelPackage};
use crate::vocab::{Channel, Priority};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriorityRulesError {
    #[error("priority rules are not valid TOML: {0}")]
    Syntax(String),
    #[error("priority rule {rule:?}: {message}")]
    Invalid { rule: String, message: String },
}

/// What the rules look at for one request.
#[derive(Debug, Clone, Copy)]
pub struct PriorityFacts<'a> {
    pub customer: &'a Customer,
    pub line: &'a str,
    pub topic: &'a Topic,
    pub channel: Channel,
    pub urgent_requested: bool,
    pub now: Timestamp,
}

/// The class a request goes to and the rule that put it there (None: default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityDecision {
    pub priority: Priority,
    pub rule: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    #[serde(default = "normal")]
    default: Priority,
    #[serde(rename = "rule")]
    rules: Vec<RuleToml>,
}

fn normal() -> Priority {
    Priority::Normal
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleToml {
    code: String,
    priority: Priority,
    #[serde(default)]
    when: WhenToml,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenToml {
    #[serde(default)]
    customer_kind: Vec<CustomerKind>,
    premium_seller: Option<bool>,
    corporate: Option<bool>,
    #[serde(default)]
    line: Vec<String>,
    /// "line/topic" codes.
    #[serde(default)]
    topic: Vec<String>,
    #[serde(default)]
    channel: Vec<Channel>,
    topic_always_urgent: Option<bool>,
    urgent_requested: Option<bool>,
    booking: Option<BookingToml>,
}

/// Holds when the customer has an upcoming booking (not started yet) meeting
/// every condition given; a booking that already started never counts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct BookingToml {
    #[serde(default)]
    kind: Vec<BookingKind>,
    #[serde(default)]
    package: Vec<TravelPackage>,
    /// e.g. "24h": the trip starts within this time from now.
    starts_within: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct BookingCondition {
    kind: Vec<BookingKind>,
    package: Vec<TravelPackage>,
    starts_within: Option<SignedDuration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    code: String,
    priority: Priority,
    customer_kind: Vec<CustomerKind>,
    premium_seller: Option<bool>,
    corporate: Option<bool>,
    line: Vec<String>,
    topic: Vec<(String, String)>,
    channel: Vec<Channel>,
    topic_always_urgent: Option<bool>,
    urgent_requested: Option<bool>,
    booking: Option<BookingCondition>,
}

/// A validated rule set. Build with [`PriorityRules::from_toml`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityRules {
    default: Priority,
    rules: Vec<Rule>,
}

fn any_or<T: PartialEq>(list: &[T], value: &T) -> bool {
    list.is_empty() || list.contains(value)
}

fn flag(cond: Option<bool>, value: bool) -> bool {
    cond.is_none_or(|c| c == value)
}

impl Rule {
    fn matches(&self, f: &PriorityFacts<'_>) -> bool {
        let c = f.customer;
        let urgent_counts = f.urgent_requested && (f.topic.urgent_allowed || f.topic.always_urgent);
        any_or(&self.customer_kind, &c.kind)
            && flag(self.premium_seller, c.flags.premium_seller)
            && flag(self.corporate, c.flags.corporate)
            && (self.line.is_empty() || self.line.iter().any(|l| l == f.line))
            && (self.topic.is_empty()
                || self
                    .topic
                    .iter()
                    .any(|(l, t)| l == f.line && *t == f.topic.code))
            && any_or(&self.channel, &f.channel)
            && flag(self.topic_always_urgent, f.topic.always_urgent)
            && flag(self.urgent_requested, urgent_counts)
            && self.booking.as_ref().is_none_or(|b| b.holds(c, f.now))
    }
}

impl BookingCondition {
    fn holds(&self, c: &Customer, now: Timestamp) -> bool {
        c.bookings.iter().any(|b| {
            b.starts_at >= now
                && any_or(&self.kind, &b.kind)
                && (self.package.is_empty() || b.package.is_some_and(|p| self.package.contains(&p)))
                && self
                    .starts_within
                    .is_none_or(|w| b.starts_at.duration_since(now) <= w)
        })
    }
}

impl PriorityRules {
    /// Loads rules and checks every line and topic they name against `catalog`.
    pub fn from_toml(source: &str, catalog: &Catalog) -> Result<Self, PriorityRulesError> {
        let file: FileToml =
            toml::from_str(source).map_err(|e| PriorityRulesError::Syntax(e.to_string()))?;
        let mut rules = Vec::with_capacity(file.rules.len());
        let mut seen = std::collections::HashSet::new();
        for r in file.rules {
            let bad = |m: String| PriorityRulesError::Invalid {
                rule: r.code.clone(),
                message: m,
            };
            if r.code.trim().is_empty() || !seen.insert(r.code.clone()) {
                return Err(bad("codes must be present and unique".into()));
            }
            for l in &r.when.line {
                if catalog.line(l).is_none() {
                    return Err(bad(format!("unknown line {l:?}")));
                }
            }
            let mut topic = Vec::new();
            for lt in &r.when.topic {
                let (l, t) = lt
                    .split_once('/')
                    .ok_or_else(|| bad(format!("topic {lt:?} is not \"line/topic\"")))?;
                if catalog.topic(l, t).is_none() {
                    return Err(bad(format!("unknown topic {lt:?}")));
                }
                topic.push((l.to_owned(), t.to_owned()));
            }
            let booking = match r.when.booking.clone() {
                None => None,
                Some(b) => Some(BookingCondition {
                    kind: b.kind,
                    package: b.package,
                    starts_within: b
                        .starts_within
                        .as_deref()
                        .map(parse_duration)
                        .transpose()
                        .map_err(&bad)?,
                }),
            };
            rules.push(Rule {
                priority: r.priority,
                customer_kind: r.when.customer_kind,
                premium_seller: r.when.premium_seller,
                corporate: r.when.corporate,
                line: r.when.line,
                topic,
                channel: r.when.channel,
                topic_always_urgent: r.when.topic_always_urgent,
                urgent_requested: r.when.urgent_requested,
                booking,
                code: r.code,
            });
        }
        Ok(PriorityRules {
            default: file.default,
            rules,
        })
    }

    pub fn decide(&self, facts: &PriorityFacts<'_>) -> PriorityDecision {
        let mut best: Option<&Rule> = None;
        for r in self.rules.iter().filter(|r| r.matches(facts)) {
            if best.is_none_or(|b| r.priority > b.priority) {
                best = Some(r);
            }
        }
        match best {
            Some(r) => PriorityDecision {
                priority: r.priority,
                rule: Some(r.code.clone()),
            },
            None => PriorityDecision {
                priority: self.default,
                rule: None,
            },
        }
    }

    pub fn rule_codes(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.code.as_str())
    }
}

/// One class up, for the "raise priority" escalation; urgent stays urgent.
pub fn raised(p: Priority) -> Priority {
    match p {
        Priority::Low => Priority::Normal,
        Priority::Normal => Priority::High,
        Priority::High | Priority::Urgent => Priority::Urgent,
    }
}
