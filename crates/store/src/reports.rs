//! Reports: one row of facts per ticket (`report_facts`), derived by the
//! domain from the ticket's audit and message logs, and the aggregates the
//! supervisors' reports are made of.
//!
//! Freshness: triggers on `ticket_events` and `messages` mark a ticket dirty
//! (`report_dirty`) in the transaction that grows its logs; the report worker
//! reads dirty tickets' logs ([`ReportStore::fact_inputs`]), lets the domain
//! compute their facts and saves them ([`ReportStore::save_facts`]), which
//! clears a mark only if nothing bumped it meanwhile. A report first drains
//! the marks, so it always agrees with the logs.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use switchboard_domain::ids::TicketId;
use switchboard_domain::report::{LogEvent, LogMessage, TicketFacts, TicketHead};

use crate::Result;

/// A ticket whose facts are stale, with the mark to clear once recomputed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirtyMark {
    pub ticket: TicketId,
    pub stamp: i64,
}

/// Everything one ticket's facts are computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactInput {
    pub head: TicketHead,
    pub events: Vec<LogEvent>,
    pub messages: Vec<LogMessage>,
}

/// A half-open interval of creation times `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportPeriod {
    pub from: Timestamp,
    pub to: Timestamp,
}

/// What a report's rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    All,
    Line,
    Topic,
    Channel,
    Priority,
    Operator,
}

/// A measured duration whose distribution a report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    FirstResponse { business: bool },
    Resolution { business: bool },
}

/// Sums over the tickets of one group created in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactGroup {
    /// The group's value: a line, `line/topic`, a channel, a priority, an
    /// operator's id ("" for none), or "all".
    pub key: String,
    pub tickets: u64,
    pub first_responses: u64,
    pub sla_first_met: u64,
    pub sla_first_breached: u64,
    pub sla_next_met: u64,
    pub sla_next_breached: u64,
    pub sla_resolution_met: u64,
    pub sla_resolution_breached: u64,
    pub next_responses: u64,
    pub next_total_ms: i64,
    pub next_total_business_ms: i64,
    pub resolved: u64,
    pub reopened: u64,
    pub transfers: u64,
    pub transferred: u64,
    pub live: u64,
    pub bot_resolved: u64,
    pub handed_over: u64,
    pub claims: u64,
    pub claims_resolved: u64,
    pub claims_breached: u64,
    pub rated: u64,
    pub rating_sum: u64,
    pub rated_low: u64,
}

/// Tickets created in one bucket of time on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeBucket {
    pub start: Timestamp,
    pub channel: String,
    pub tickets: u64,
}

/// Open tickets now, by status and channel, with their ages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacklogRow {
    pub status: String,
    pub channel: String,
    pub tickets: u64,
    /// How many were created before each of the given instants.
    pub older_than: Vec<u64>,
    pub oldest: Option<Timestamp>,
}

#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Up to `limit` tickets whose facts are stale.
    async fn dirty_tickets(&self, limit: u32) -> Result<Vec<DirtyMark>>;
    /// The logs of these tickets, as the domain computes facts from them.
    async fn fact_inputs(&self, tickets: &[TicketId]) -> Result<Vec<FactInput>>;
    /// Stores facts and clears the marks that nothing bumped since they were read.
    async fn save_facts(&self, facts: &[TicketFacts], marks: &[DirtyMark]) -> Result<()>;
    async fn report_groups(&self, period: ReportPeriod, by: Grouping) -> Result<Vec<FactGroup>>;
    /// Every value of `measure` in the period, ascending.
    async fn report_values(&self, period: ReportPeriod, measure: Measure) -> Result<Vec<i64>>;
    /// Tickets per bucket of `bucket_ms` (from the period's start) and channel.
    async fn report_volume(
        &self,
        period: ReportPeriod,
        bucket_ms: i64,
    ) -> Result<Vec<VolumeBucket>>;
    /// Open tickets now; `older_than` counts those created before each instant.
    async fn report_backlog(&self, older_than: &[Timestamp]) -> Result<Vec<BacklogRow>>;
    /// Suggested articles marked "helped" in the period.
    async fn helped_suggestions(&self, period: ReportPeriod) -> Result<u64>;
    /// Facts of tickets created in the period, in creation order, after `after`
    /// (the last row of the previous page).
    async fn facts_page(
        &self,
        period: ReportPeriod,
        after: Option<(Timestamp, TicketId)>,
        limit: u32,
    ) -> Result<Vec<TicketFacts>>;
}
