//! The profile's routing, priority and deadline rules (issue 4): business
//! calendars, SLA policies and priority rules (and the phone numbers, issue 11), loaded and validated at
//! start-up next to the catalog. A file that does not load stops the start
//! with an error naming it; the demo's files are built in.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use jiff::Timestamp;
use switchboard_domain::calendar::Calendars;
use switchboard_domain::catalog::{Catalog, Topic};
use switchboard_domain::customer::Customer;
use switchboard_domain::deadline::{Deadline, SlaPolicies, SlaState, TargetKind};
use switchboard_domain::phone::PhoneBook;
use switchboard_domain::priority::{PriorityDecision, PriorityFacts, PriorityRules};
use switchboard_domain::ticket::{Channel, DeadlineRules, Ticket};

use crate::config::ProfileConfig;

pub const DEMO_CALENDARS: &str = include_str!("../../../profiles/demo/calendars.toml");
pub const DEMO_SLA: &str = include_str!("../../../profiles/demo/sla.toml");
pub const DEMO_PRIORITY: &str = include_str!("../../../profiles/demo/priority.toml");
pub const DEMO_PHONE: &str = include_str!("../../../profiles/demo/phone.toml");

/// Everything the server decides priorities, deadlines and shifts with.
#[derive(Debug, Clone)]
pub struct Rules {
    pub calendars: Arc<Calendars>,
    pub priority: Arc<PriorityRules>,
    /// The phone numbers and how each answers (issue 11).
    pub phone: Arc<PhoneBook>,
    /// What `Ticket::apply` keeps deadlines with (catalog and SLA policies).
    pub deadlines: DeadlineRules,
}

fn read(path: Option<&Path>, demo: &'static str, what: &str) -> anyhow::Result<(String, String)> {
    match path {
        Some(p) => Ok((
            std::fs::read_to_string(p)
                .with_context(|| format!("reading {what} {}", p.display()))?,
            format!("{what} {}", p.display()),
        )),
        None => Ok((demo.to_owned(), format!("built-in demo {what}"))),
    }
}

impl Rules {
    /// Loads the three files the profile names (the demo's by default).
    pub fn load(profile: &ProfileConfig, catalog: Arc<Catalog>) -> anyhow::Result<Rules> {
        let (text, name) = read(profile.calendars.as_deref(), DEMO_CALENDARS, "calendars")?;
        let calendars = Calendars::from_toml(&text).with_context(|| name.clone())?;
        let (text, name) = read(profile.sla.as_deref(), DEMO_SLA, "SLA policies")?;
        let sla = SlaPolicies::from_toml(&text, &calendars, &catalog).with_context(|| name)?;
        let (text, name) = read(profile.priority.as_deref(), DEMO_PRIORITY, "priority rules")?;
        let priority = PriorityRules::from_toml(&text, &catalog).with_context(|| name)?;
        let (text, name) = read(profile.phone.as_deref(), DEMO_PHONE, "phone numbers")?;
        let phone = PhoneBook::from_toml(&text, &catalog, &calendars).with_context(|| name)?;
        Ok(Rules {
            calendars: Arc::new(calendars),
            priority: Arc::new(priority),
            phone: Arc::new(phone),
            deadlines: DeadlineRules::new(catalog, Arc::new(sla)),
        })
    }

    /// The priority class of a new request and the rule that chose it.
    pub fn decide_priority(
        &self,
        customer: &Customer,
        line: &str,
        topic: &Topic,
        channel: Channel,
        urgent_requested: bool,
        now: Timestamp,
    ) -> PriorityDecision {
        self.priority.decide(&PriorityFacts {
            customer,
            line,
            topic,
            channel,
            urgent_requested,
            now,
        })
    }

    /// When a person next works on `line`, if that is later than `now`: what
    /// an off-hours line tells the customer at once.
    pub fn off_hours_until(&self, line: &str, now: Timestamp) -> Option<Timestamp> {
        self.calendars
            .for_line(line)
            .next_working_start(now)
            .filter(|at| *at > now)
    }

    /// The ticket's SLA as staff see it now.
    pub fn sla_view(&self, t: &Ticket, now: Timestamp) -> Option<SlaSummary> {
        let sla = t.sla.as_ref()?;
        let p = self.deadlines.current_policy(t)?;
        Some(SlaSummary {
            policy: sla.policy.clone(),
            state: sla.state(&p, now),
            next: sla.next_deadline(&p),
            reply_due: sla
                .deadlines(&p)
                .into_iter()
                .filter(|d| d.target != TargetKind::Resolution)
                .map(|d| d.due_at)
                .min(),
        })
    }
}

/// A ticket's SLA at one instant.
#[derive(Debug, Clone)]
pub struct SlaSummary {
    pub policy: String,
    pub state: SlaState,
    pub next: Option<Deadline>,
    /// When support's next reply (first or next response) is due.
    pub reply_due: Option<Timestamp>,
}
