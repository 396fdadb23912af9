//! Bulk seeding for benchmarks (`switchboard bench-reports`): tickets with
//! their whole audit and message logs, written in large multi-row
//! statements, one transaction per batch. The rows are the same the use
//! cases write, so the triggers that keep reports fresh (`report_dirty`) and
//! feed webhooks fire as they do in production; only the per-row round trips
//! are gone. For a fresh database: the caller gives the tickets' ids.

use async_trait::async_trait;
use jiff::Timestamp;
use switchboard_domain::phone::Call;
use switchboard_domain::ticket::{Actor, Ticket, TicketEvent};

use crate::Visibility;

use crate::Result;

/// One entry of a seeded ticket's audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedEvent {
    pub at: Timestamp,
    pub actor: Actor,
    pub event: TicketEvent,
}

/// One message of a seeded ticket, in conversation order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedMessage {
    pub at: Timestamp,
    pub author: Actor,
    pub visibility: Visibility,
    pub body: String,
}

/// A ticket as it stands now (`ticket.id` is used as given), its logs, and
/// the phone calls about it (ended calls, as the CTI leaves them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedTicket {
    pub ticket: Ticket,
    pub events: Vec<SeedEvent>,
    pub messages: Vec<SeedMessage>,
    pub calls: Vec<Call>,
}

#[async_trait]
pub trait SeedStore: Send + Sync {
    /// Writes the tickets, their events, messages and calls in one transaction.
    async fn seed_tickets(&self, batch: &[SeedTicket]) -> Result<()>;
    /// After the last batch: new tickets get ids after the seeded ones.
    async fn seed_finish(&self) -> Result<()>;
}
