//! Calls and callbacks (issue 11): what the PBX asked and reported, the
//! callback tasks calls leave on their line's queue, and the screen pop sent
//! to the operators a call rings. Reports (issue 14) read calls by time with
//! [`CallFilter::Between`]: every call carries its line, outcome, who
//! answered, and when it was offered, answered and ended.

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::phone::{Call, Callback, CallbackStatus};
use switchboard_domain::ticket::{Actor, Requester, TicketEvent};

use crate::Result;

/// Which calls to list (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallFilter {
    Requester(Requester),
    Ticket(TicketId),
    /// Offered in `[from, to)`, oldest first: what reports read.
    Between(Timestamp, Timestamp),
}

/// Which callbacks to list (earliest due first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallbackFilter {
    pub line: Option<String>,
    /// Only these lines (the viewer's scope); `None`: every line.
    pub lines: Option<Vec<String>>,
    pub status: Option<CallbackStatus>,
    pub requester: Option<Requester>,
    pub limit: u32,
}

/// What an operator's console shows before answering: who calls, their
/// orders, bookings and open tickets. Small enough for one feed notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenPop {
    pub call_id: String,
    /// The number called and its name.
    pub number: String,
    pub number_name: String,
    pub line: String,
    /// The caller's number, when known.
    pub caller: Option<String>,
    pub customer: Option<String>,
    pub name: Option<String>,
    /// `number: title (status)`, newest first, at most five.
    pub orders: Vec<String>,
    /// `reference: kind, starts_at`, at most five.
    pub bookings: Vec<String>,
    /// `SB-000012: topic (status)`, at most five.
    pub open_tickets: Vec<String>,
    /// The operators the call rings.
    pub operators: Vec<OperatorId>,
}

/// Calls offered in a period on one line: what the calls report sums.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallStats {
    pub line: String,
    pub calls: u64,
    /// Calls the decision sent to operators' phones.
    pub connected: u64,
    /// Calls an operator picked up, and those picked up within the target.
    pub answered: u64,
    pub answered_in_target: u64,
    pub missed: u64,
    pub abandoned: u64,
    pub rejected: u64,
    pub off_hours: u64,
    /// Not ended yet.
    pub open: u64,
}

/// Callback tasks created in a period on one line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackStats {
    pub line: String,
    pub created: u64,
    pub done: u64,
    /// Done no later than due.
    pub done_in_time: u64,
    /// Not done and past due now.
    pub overdue: u64,
}

#[async_trait]
pub trait PhoneStore: Send + Sync {
    /// Records a decided call, with the callback it leaves at once (an
    /// off-hours call) and its screen pop, in one transaction; or returns
    /// the call already stored under the same `call_id` (then `false`): the
    /// PBX asking twice gets the same decision.
    async fn offer_call(
        &self,
        call: &Call,
        callback: Option<&Callback>,
        pop: Option<&ScreenPop>,
    ) -> Result<(Call, bool)>;
    /// `NotFound` for an unknown id.
    async fn call(&self, call_id: &str) -> Result<Call>;
    /// Saves a changed call under its version (`Conflict` when stale) and,
    /// in the same transaction, the callback it leaves: a new one, or the
    /// caller's open one on the line with one more call.
    async fn save_call(
        &self,
        call: &Call,
        callback: Option<&Callback>,
    ) -> Result<(Call, Option<Callback>)>;
    /// Links a call to a ticket (`call.ticket`) and writes the ticket's
    /// audit entry in one transaction (`Conflict` when the call is stale).
    async fn attach_call(&self, call: &Call, actor: &Actor, event: &TicketEvent) -> Result<Call>;
    async fn calls(&self, filter: &CallFilter, limit: u32) -> Result<Vec<Call>>;
    /// Calls not ended, oldest first (the sweep closes those the PBX forgot).
    async fn open_calls(&self, limit: u32) -> Result<Vec<Call>>;
    /// Operators talking on a call now.
    async fn operators_on_calls(&self) -> Result<Vec<OperatorId>>;
    async fn callbacks(&self, filter: &CallbackFilter) -> Result<Vec<Callback>>;
    async fn callback(&self, id: i64) -> Result<Callback>;
    /// Saves a changed callback under its version (`Conflict` when stale).
    async fn save_callback(&self, callback: &Callback) -> Result<Callback>;
    /// Calls offered in `[from, to)` per line; answered in target: picked
    /// up no later than `answer_within` after the PBX asked.
    async fn call_stats(
        &self,
        from: Timestamp,
        to: Timestamp,
        answer_within: SignedDuration,
    ) -> Result<Vec<CallStats>>;
    /// Callbacks created in `[from, to)` per line; overdue as of `now`.
    async fn callback_stats(
        &self,
        from: Timestamp,
        to: Timestamp,
        now: Timestamp,
    ) -> Result<Vec<CallbackStats>>;
}
