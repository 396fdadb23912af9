//! Webhooks (issue 14): admins register endpoints for ticket events; the
//! audit log is the source (a trigger queues each new entry while any
//! endpoint exists). [`Webhooks::fan_out_once`] turns queued entries into
//! one delivery per subscribed endpoint; [`Webhooks::deliver_once`] sends
//! due deliveries the outbox's way — leases, at-least-once, retries with
//! backoff — signing each with the endpoint's secret. An endpoint that
//! fails `pause_after_failures` attempts in a row is paused and every admin
//! alerted (in the store, in the transaction that records the failure).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use jiff::SignedDuration;
use switchboard_channels::webhook::{self, EVENT_TYPES, WebhookSender};
use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::intake::FieldError;
use switchboard_domain::ticket::Ticket;
use switchboard_store::{
    Attempt, NewDelivery, NewWebhook, Store, StoreError, Webhook, WebhookDelivery,
};

use crate::clock::Clock;
use crate::config::WebhookConfig;
use crate::outbox::{StepReport, backoff};
use crate::{CoreError, CoreResult};

/// An endpoint just registered, with its secret (shown this once).
#[derive(Debug, Clone)]
pub struct Registered {
    pub webhook: Webhook,
    pub secret: String,
}

#[derive(Clone)]
pub struct Webhooks {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    config: WebhookConfig,
    /// Built on the first delivery (a client that cannot be built is a
    /// failed step, logged, not a service that does not start).
    sender: Arc<OnceLock<WebhookSender>>,
}

const MAX_DESCRIPTION: usize = 200;

impl Webhooks {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: WebhookConfig) -> Self {
        Webhooks {
            store,
            clock,
            config,
            sender: Arc::new(OnceLock::new()),
        }
    }

    fn sender(&self) -> anyhow::Result<&WebhookSender> {
        if let Some(s) = self.sender.get() {
            return Ok(s);
        }
        let built = WebhookSender::new(Duration::from_secs(self.config.timeout_secs.max(1)))?;
        Ok(self.sender.get_or_init(|| built))
    }

    /// Registers an endpoint for `events` (all of [`EVENT_TYPES`] when empty).
    pub async fn register(
        &self,
        by: OperatorId,
        url: &str,
        events: &[String],
        description: &str,
    ) -> CoreResult<Registered> {
        let mut errors = Vec::new();
        let url = match webhook::check_url(url, self.config.allow_loopback_http) {
            Ok(u) => Some(u.to_string()),
            Err(e) => {
                errors.push(FieldError::new(
                    "url",
                    "invalid_url",
                    "Нужен адрес https:// (без логина и пароля в адресе)",
                    &e.to_string(),
                ));
                None
            }
        };
        let mut chosen: Vec<String> = Vec::new();
        for e in events {
            if !EVENT_TYPES.contains(&e.as_str()) {
                errors.push(FieldError::new(
                    "events",
                    "unknown_event",
                    &format!("Неизвестное событие «{e}»"),
                    &format!("Unknown event {e:?}; known: {}", EVENT_TYPES.join(", ")),
                ));
            } else if !chosen.contains(e) {
                chosen.push(e.clone());
            }
        }
        if events.is_empty() {
            chosen = EVENT_TYPES.iter().map(|s| (*s).to_owned()).collect();
        }
        if description.chars().count() > MAX_DESCRIPTION {
            errors.push(FieldError::new(
                "description",
                "too_long",
                "Описание длиннее 200 символов",
                "The description is longer than 200 characters",
            ));
        }
        let (Some(url), true) = (url, errors.is_empty()) else {
            return Err(CoreError::Invalid(errors));
        };
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| CoreError::Internal(anyhow::anyhow!("{e}")))?;
        let secret = format!("whsec_{}", hex::encode(key));
        let webhook = self
            .store
            .create_webhook(&NewWebhook {
                url,
                events: chosen,
                secret: secret.clone(),
                description: description.trim().to_owned(),
                created_by: by,
                at: self.clock.now(),
            })
            .await?;
        Ok(Registered { webhook, secret })
    }

    pub async fn list(&self) -> CoreResult<Vec<Webhook>> {
        Ok(self.store.webhooks().await?)
    }

    /// An endpoint's latest deliveries with their last answers.
    pub async fn deliveries(
        &self,
        id: i64,
        limit: u32,
    ) -> CoreResult<(Webhook, Vec<WebhookDelivery>)> {
        let w = self.store.webhook(id).await?;
        let list = self.store.webhook_deliveries(id, limit).await?;
        Ok((w, list))
    }

    pub async fn resume(&self, id: i64) -> CoreResult<Webhook> {
        Ok(self.store.resume_webhook(id).await?)
    }

    pub async fn delete(&self, id: i64) -> CoreResult<()> {
        Ok(self.store.delete_webhook(id, self.clock.now()).await?)
    }

    /// Sends a delivery's event again, as a new delivery.
    pub async fn replay(&self, delivery: i64) -> CoreResult<WebhookDelivery> {
        Ok(self
            .store
            .replay_webhook_delivery(delivery, self.clock.now())
            .await?)
    }

    /// Turns queued audit entries into deliveries; answers how many entries it took.
    pub async fn fan_out_once(&self) -> anyhow::Result<usize> {
        let events = self
            .store
            .queued_webhook_events(self.config.batch_size.max(1))
            .await?;
        if events.is_empty() {
            return Ok(0);
        }
        let endpoints = self.store.webhooks().await?;
        let mut tickets: Vec<Ticket> = Vec::new();
        let mut deliveries = Vec::new();
        for e in &events {
            let Some(kind) = webhook::event_type(&e.event) else {
                continue;
            };
            let subscribed: Vec<&Webhook> = endpoints
                .iter()
                .filter(|w| w.events.iter().any(|x| x == kind))
                .collect();
            if subscribed.is_empty() {
                continue;
            }
            let Some(ticket) = self.ticket(&mut tickets, e.ticket_id).await? else {
                continue;
            };
            let payload = webhook::payload(e.id, kind, &e.event, e.at, ticket)?;
            for w in subscribed {
                deliveries.push(NewDelivery {
                    event_id: e.id,
                    endpoint: w.id,
                    event: kind.to_owned(),
                    payload: payload.clone(),
                });
            }
        }
        let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
        self.store
            .fan_out_webhooks(&ids, &deliveries, self.clock.now())
            .await?;
        Ok(events.len())
    }

    async fn ticket<'a>(
        &self,
        cache: &'a mut Vec<Ticket>,
        id: TicketId,
    ) -> anyhow::Result<Option<&'a Ticket>> {
        if let Some(i) = cache.iter().position(|t| t.id == id) {
            return Ok(cache.get(i));
        }
        match self.store.ticket(id).await {
            Ok(t) => {
                cache.push(t);
                Ok(cache.last())
            }
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Sends one batch of due deliveries, one attempt each.
    pub async fn deliver_once(&self) -> anyhow::Result<StepReport> {
        let now = self.clock.now();
        let due = self
            .store
            .claim_webhook_deliveries(
                now,
                SignedDuration::from_secs(self.config.lease_secs.max(1)),
                self.config.batch_size.max(1),
            )
            .await?;
        let mut report = StepReport::default();
        if due.is_empty() {
            return Ok(report);
        }
        let sender = self.sender()?;
        let mut paused_now: Vec<i64> = Vec::new();
        for d in due {
            // Paused in this step: the rest of its batch waits (the lease lapses).
            if paused_now.contains(&d.endpoint) {
                continue;
            }
            let sent = sender
                .post(
                    &d.url,
                    &d.secret,
                    d.id,
                    &d.event,
                    &d.payload,
                    self.clock.now(),
                )
                .await;
            let attempts = d.attempts + 1;
            let retry_at = (attempts < self.config.max_attempts).then(|| {
                self.clock.now()
                    + backoff(
                        self.config.backoff_base_secs,
                        self.config.backoff_max_secs,
                        d.attempts,
                    )
            });
            let attempt = match sent {
                Ok(a) if (200..300).contains(&a.status) => Attempt::Delivered {
                    status: a.status,
                    response: a.body,
                },
                Ok(a) => Attempt::Failed {
                    status: Some(a.status),
                    error: format!("the endpoint answered {}", a.status),
                    response: Some(a.body),
                    retry_at,
                },
                Err(e) => Attempt::Failed {
                    status: None,
                    response: None,
                    error: e,
                    retry_at,
                },
            };
            match &attempt {
                Attempt::Delivered { .. } => report.delivered += 1,
                Attempt::Failed {
                    retry_at: Some(_), ..
                } => report.retrying += 1,
                Attempt::Failed { retry_at: None, .. } => report.failed += 1,
            }
            let paused = self
                .store
                .webhook_attempted(
                    &d,
                    &attempt,
                    self.config.pause_after_failures,
                    self.clock.now(),
                )
                .await?;
            if paused {
                paused_now.push(d.endpoint);
                tracing::warn!(webhook = d.endpoint, url = %d.url, "webhook endpoint paused after repeated failures");
            }
        }
        Ok(report)
    }

    /// Fans out and delivers until `stop` turns true.
    pub async fn run(self, mut stop: tokio::sync::watch::Receiver<bool>) {
        let idle = Duration::from_millis(self.config.poll_interval_ms.max(10));
        loop {
            if let Err(e) = self.fan_out_once().await {
                tracing::error!(error = ?e, "webhook fan-out failed");
            }
            if let Err(e) = self.deliver_once().await {
                tracing::error!(error = ?e, "webhook delivery step failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(idle) => {}
                _ = stop.changed() => return,
            }
        }
    }
}
