//! The profile's routing, priority and deadline rules (issue 4): business
//! calendars, SLA policies and priority rules (and the phone numbers, issue 11),
//! loaded and validated next to the catalog. The profile's files are the seed
//! of the stored configuration (see [`crate::configuration`]); a file that
//! does not load stops the start with an error naming it; the demo's files are
//! built in.

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

/// The built-in demo catalog.
pub const DEMO_CATALOG: &str = include_str!("../../../profiles/demo/catalog.toml");

fn read(path: Option<&Path>, demo: &'static str, what: &str) -> anyhow::Result<String> {
    match path {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("reading {what} {}", p.display()))
        }
        None => Ok(demo.to_owned()),
    }
}

/// The texts of the profile's rule files, as read (the demo's by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileTexts {
    pub catalog: String,
    pub calendars: String,
    pub sla: String,
    pub priority: String,
    pub phone: String,
}

impl ProfileTexts {
    pub fn read(profile: &ProfileConfig) -> anyhow::Result<ProfileTexts> {
        Ok(ProfileTexts {
            catalog: read(profile.catalog.as_deref(), DEMO_CATALOG, "catalog")?,
            calendars: read(profile.calendars.as_deref(), DEMO_CALENDARS, "calendars")?,
            sla: read(profile.sla.as_deref(), DEMO_SLA, "SLA policies")?,
            priority: read(profile.priority.as_deref(), DEMO_PRIORITY, "priority rules")?,
            phone: read(profile.phone.as_deref(), DEMO_PHONE, "phone numbers")?,
        })
    }
}

/// A rule file that does not load: which one, and the loader's message
/// (which names the entry and field at fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct RulesError {
    /// `catalog`, `calendars`, `sla`, `priority` or `phone`.
    pub file: &'static str,
    pub message: String,
}

fn invalid(file: &'static str) -> impl Fn(String) -> RulesError {
    move |message| RulesError { file, message }
}

impl Rules {
    /// Loads the catalog and the rules from their texts with the domain's
    /// loaders, each checked against the ones it refers to. This is the one
    /// way rules are made: at start-up from the profile or the database, and
    /// for every edit before it is saved.
    pub fn from_texts(t: &ProfileTexts) -> Result<(Arc<Catalog>, Rules), RulesError> {
        let catalog =
            Catalog::from_toml(&t.catalog).map_err(|e| invalid("catalog")(e.to_string()))?;
        let calendars =
            Calendars::from_toml(&t.calendars).map_err(|e| invalid("calendars")(e.to_string()))?;
        let sla = SlaPolicies::from_toml(&t.sla, &calendars, &catalog)
            .map_err(|e| invalid("sla")(e.to_string()))?;
        let priority = PriorityRules::from_toml(&t.priority, &catalog)
            .map_err(|e| invalid("priority")(e.to_string()))?;
        let phone = PhoneBook::from_toml(&t.phone, &catalog, &calendars)
            .map_err(|e| invalid("phone")(e.to_string()))?;
        let catalog = Arc::new(catalog);
        let rules = Rules {
            calendars: Arc::new(calendars),
            priority: Arc::new(priority),
            phone: Arc::new(phone),
            deadlines: DeadlineRules::new(catalog.clone(), Arc::new(sla)),
        };
        Ok((catalog, rules))
    }

    /// Loads the files the profile names (the demo's by default) with the
    /// given catalog.
    pub fn load(profile: &ProfileConfig, catalog: Arc<Catalog>) -> anyhow::Result<Rules> {
        let texts = ProfileTexts::read(profile)?;
        let calendars = Calendars::from_toml(&texts.calendars).context("calendars")?;
        let sla =
            SlaPolicies::from_toml(&texts.sla, &calendars, &catalog).context("SLA policies")?;
        let priority =
            PriorityRules::from_toml(&texts.priority, &catalog).context("priority rules")?;
        let phone =
            PhoneBook::from_toml(&texts.phone, &catalog, &calendars).context("phone numbers")?;
        Ok(Rules {
            calendars: Arc::new(calendars),
            priority: Arc::new(priority),
            phone: Arc::new(phone),
            deadlines: DeadlineRules::new(catalog, Arc::new(sla)),
        })
    }

    /// The catalog these rules were loaded with.
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.deadlines.catalog
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
