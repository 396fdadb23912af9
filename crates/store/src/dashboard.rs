//! The supervisor dashboard's reads: what is waiting, who is working, and the
//! figures its charts draw. Aggregated in the database (counts per group, per
//! hour or per minute), so the rows returned stay few however many tickets
//! there are; the callers fold hours into days in the zone they report in.

use async_trait::async_trait;
use jiff::Timestamp;
use switchboard_domain::ids::OperatorId;

use crate::Result;
use crate::staff::{PresenceStatus, Role};

/// Unassigned tickets waiting for a person, per line and topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFigure {
    pub line: String,
    pub topic: String,
    /// Live conversations among them (chat, messengers).
    pub live: u32,
    pub waiting: u32,
    /// When the oldest of them was opened.
    pub oldest: Timestamp,
}

/// An active member of staff's presence and load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorState {
    pub id: OperatorId,
    pub name: String,
    pub role: Role,
    pub capacity: u32,
    /// Offline when never set or when the console's lease has run out.
    pub status: PresenceStatus,
    /// Live conversations held now.
    pub live_load: u32,
    /// Open tickets of any channel assigned now.
    pub assigned: u32,
}

/// Tickets opened in one hour on one key (a channel or a line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourCount {
    pub key: String,
    /// Hours since the Unix epoch (UTC).
    pub hour: i64,
    pub count: u32,
    /// Of them, tickets whose deadline was breached at some point.
    pub breached: u32,
}

/// Tickets first answered within `minutes` (capped at [`FIRST_RESPONSE_CAP_MINUTES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinuteCount {
    pub minutes: i64,
    pub count: u32,
}

/// Slower first responses are counted together, as this many minutes.
pub const FIRST_RESPONSE_CAP_MINUTES: i64 = 1440;

#[async_trait]
pub trait DashboardStore: Send + Sync {
    /// Queues: new or queued tickets nobody holds, grouped by line and topic.
    async fn queue_figures(&self) -> Result<Vec<QueueFigure>>;
    /// Every active member of staff, by id, with presence as of `now`.
    async fn operator_states(&self, now: Timestamp) -> Result<Vec<OperatorState>>;
    /// Tickets opened since `since`, per channel and hour.
    async fn volume_by_channel(&self, since: Timestamp) -> Result<Vec<HourCount>>;
    /// Tickets with a deadline opened since `since`, per line and hour, with
    /// how many of them were breached.
    async fn sla_by_line(&self, since: Timestamp) -> Result<Vec<HourCount>>;
    /// Tickets opened since `since` and answered, per whole minute to the first response.
    async fn first_responses(&self, since: Timestamp) -> Result<Vec<MinuteCount>>;
}
