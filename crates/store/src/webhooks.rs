//! Webhooks (issue 14): admins' endpoints, the queue of audit events to fan
//! out (filled by a trigger on `ticket_events`), and the deliveries, sent
//! with leases, retries and backoff like the outbox.

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use switchboard_domain::ids::OperatorId;

use crate::{DeliveryStatus, Result, StoredEvent};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookStatus {
    Active,
    /// Failed too often in a row: nothing is sent until an admin resumes it.
    Paused,
}

impl WebhookStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookStatus::Active => "active",
            WebhookStatus::Paused => "paused",
        }
    }
}

/// An endpoint to register. The secret is shown to the admin once.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<String>,
    pub secret: String,
    pub description: String,
    pub created_by: OperatorId,
    pub at: Timestamp,
}

/// A registered endpoint (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
    pub status: WebhookStatus,
    /// Failed attempts in a row.
    pub failures: u32,
    pub created_at: Timestamp,
    pub paused_at: Option<Timestamp>,
}

/// A delivery to write at fan-out.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    /// The queued audit entry it comes from.
    pub event_id: i64,
    pub endpoint: i64,
    pub event: String,
    pub payload: String,
}

/// A delivery claimed for sending, with what signing and sending need.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: i64,
    pub endpoint: i64,
    pub url: String,
    pub secret: String,
    pub event: String,
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// A delivery as the admin sees it, with the endpoint's last answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub id: i64,
    pub endpoint: i64,
    pub event: String,
    pub payload: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_response: Option<String>,
    pub last_error: Option<String>,
    pub replay_of: Option<i64>,
    pub created_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
}

/// How one attempt went.
#[derive(Debug, Clone)]
pub enum Attempt {
    Delivered {
        status: u16,
        response: String,
    },
    Failed {
        status: Option<u16>,
        response: Option<String>,
        error: String,
        /// `None`: give up for good.
        retry_at: Option<Timestamp>,
    },
}

#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn create_webhook(&self, w: &NewWebhook) -> Result<Webhook>;
    /// The endpoints not deleted, oldest first.
    async fn webhooks(&self) -> Result<Vec<Webhook>>;
    /// `NotFound` for an unknown or deleted endpoint.
    async fn webhook(&self, id: i64) -> Result<Webhook>;
    /// Deletes an endpoint; its pending deliveries are never sent.
    async fn delete_webhook(&self, id: i64, at: Timestamp) -> Result<()>;
    /// Active again, its failure count cleared.
    async fn resume_webhook(&self, id: i64) -> Result<Webhook>;
    /// Up to `limit` queued audit events, oldest first.
    async fn queued_webhook_events(&self, limit: u32) -> Result<Vec<StoredEvent>>;
    /// Writes the deliveries and takes `events` off the queue, in one transaction.
    async fn fan_out_webhooks(
        &self,
        events: &[i64],
        deliveries: &[NewDelivery],
        at: Timestamp,
    ) -> Result<()>;
    /// Leases up to `limit` due deliveries of active endpoints.
    async fn claim_webhook_deliveries(
        &self,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
    ) -> Result<Vec<DueDelivery>>;
    /// Records an attempt and counts the endpoint's failures in a row (a
    /// success clears them). At `pause_after` failures the endpoint is
    /// paused and every active admin gets a staff alert, in the same
    /// transaction; answers whether this attempt paused it.
    async fn webhook_attempted(
        &self,
        delivery: &DueDelivery,
        attempt: &Attempt,
        pause_after: u32,
        now: Timestamp,
    ) -> Result<bool>;
    /// An endpoint's deliveries, newest first.
    async fn webhook_deliveries(&self, endpoint: i64, limit: u32) -> Result<Vec<WebhookDelivery>>;
    /// A new pending delivery with the same event and payload; `NotFound`
    /// for an unknown delivery or one of a deleted endpoint.
    async fn replay_webhook_delivery(&self, id: i64, now: Timestamp) -> Result<WebhookDelivery>;
}
