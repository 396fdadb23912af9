//! The outbox: everything that goes out to customers and staff, written in
//! the same transaction as the change that causes it and delivered by a
//! worker with leases, retries and backoff.

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use switchboard_domain::conversation::Outbound;
use switchboard_domain::ids::TicketId;

use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    /// Gave up after the last retry.
    Failed,
}

/// An outbound message taken from the outbox for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub ticket_id: Option<TicketId>,
    /// The conversation message it delivers, if it delivers one.
    pub seq: Option<i64>,
    pub outbound: Outbound,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// The outbox as seen by support: what was sent and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRecord {
    pub id: i64,
    pub ticket_id: Option<TicketId>,
    pub outbound: Outbound,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// What the outside system called it (the Message-ID we sent, a message id).
    pub provider_id: Option<String>,
    pub created_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
}

#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Takes up to `limit` due items and leases them for `lease`, so another
    /// worker (or node) does not send them at the same time.
    async fn claim_outbound(
        &self,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
    ) -> Result<Vec<OutboxItem>>;
    /// Records a delivery and the outside id the provider gave it, which is
    /// kept with the conversation message so that replies thread to it.
    async fn outbound_delivered(
        &self,
        id: i64,
        provider_id: Option<&str>,
        now: Timestamp,
    ) -> Result<()>;
    /// Records a failed attempt; `retry_at = None` gives up for good.
    async fn outbound_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<()>;
    /// What was sent about a ticket. Sensitive items (one-time codes) come
    /// with their text blanked.
    async fn ticket_outbound(&self, ticket: TicketId) -> Result<Vec<OutboxRecord>>;
    async fn pending_outbound(&self) -> Result<u64>;
}
