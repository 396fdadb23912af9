//! Customer satisfaction: one rating request per ticket, ever, and the
//! rating it brings back.

use async_trait::async_trait;
use jiff::Timestamp;
use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::ticket::{Ticket, TicketEvent};

use crate::{Result, TicketChange};

/// Where a ticket's rating request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsatState {
    Asked,
    /// Not asked: the customer was asked recently, or cannot be reached.
    Skipped,
    Rated,
}

/// A ticket's rating request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsatRecord {
    pub ticket: TicketId,
    pub state: CsatState,
    pub medium: Option<String>,
    pub asked_at: Timestamp,
    pub score: Option<u8>,
    pub comment: Option<String>,
}

/// A request to write: the row, and the change that carries the message out
/// (an outbound link, or a message in the chat), when one goes out.
#[derive(Debug, Clone)]
pub struct CsatAsk {
    pub ticket: TicketId,
    /// Whom it is about (`customer:<id>` or `contact:<id>`), for the rate limit.
    pub requester: String,
    pub token_hash: Option<String>,
    pub medium: Option<String>,
    pub at: Timestamp,
    pub change: Option<TicketChange>,
}

#[async_trait]
pub trait CsatStore: Send + Sync {
    /// Resolved or closed tickets, resolved since `since`, with no request yet.
    async fn unasked_resolved(&self, since: Timestamp, limit: u32) -> Result<Vec<Ticket>>;
    /// When this requester was last actually asked.
    async fn last_csat_request(&self, requester: &str) -> Result<Option<Timestamp>>;
    /// Records the request (and saves its change) once per ticket: a second
    /// request for the same ticket is a `Conflict` and writes nothing.
    async fn ask_rating(&self, ask: &CsatAsk) -> Result<()>;
    async fn csat_by_token(&self, token_hash: &str) -> Result<Option<CsatRecord>>;
    async fn csat_of(&self, ticket: TicketId) -> Result<Option<CsatRecord>>;
    /// Stores the rating of an `asked` request with its change and staff
    /// alerts, in one transaction; `Conflict` when it is not waiting for one.
    async fn rate(
        &self,
        score: u8,
        comment: Option<&str>,
        change: &TicketChange,
        alerts: &[(OperatorId, TicketEvent)],
    ) -> Result<Ticket>;
}
