//! Who gets a queued conversation, behind a small interface so the routing
//! engine (priorities, schedules, queues) can replace the interim rule.
//!
//! Every node runs a dispatcher. It wakes when a conversation is queued, a
//! place frees up or an operator comes online (seen on the feed, from any
//! node), and every few seconds anyway; it offers the waiting conversations,
//! highest priority and oldest first, to the assigner. The store re-checks
//! presence and capacity under a lock when it commits, so two nodes
//! dispatching at once cannot overfill an operator.

use std::sync::Arc;
use std::time::Duration;

use switchboard_domain::catalog::Catalog;
use switchboard_domain::chat::{Candidate, least_loaded};
use switchboard_domain::ids::OperatorId;
use switchboard_domain::ticket::Ticket;
use switchboard_store::{ChatScope, StoreError};

use super::Chat;

/// Picks an operator for a waiting conversation, or none.
pub trait Assigner: Send + Sync {
    fn pick(&self, ticket: &Ticket, skill: &str, candidates: &[Candidate]) -> Option<OperatorId>;
}

/// Until the routing engine lands: the least-loaded online operator with the
/// topic's skill and a free place.
#[derive(Debug, Default, Clone, Copy)]
pub struct LeastLoaded;

impl Assigner for LeastLoaded {
    fn pick(&self, _ticket: &Ticket, skill: &str, candidates: &[Candidate]) -> Option<OperatorId> {
        least_loaded(skill, candidates)
    }
}

pub fn topic_skill(catalog: &Catalog, t: &Ticket) -> String {
    catalog
        .topic(&t.line, &t.topic)
        .map(|(_, topic)| topic.skill.clone())
        .unwrap_or_else(|| t.line.clone())
}

impl Chat {
    async fn candidates(&self) -> Result<Vec<Candidate>, StoreError> {
        Ok(self
            .store
            .online_operators(self.clock.now())
            .await?
            .into_iter()
            .map(|l| Candidate {
                operator: l.operator.id,
                skills: l.operator.skills,
                capacity: l.operator.capacity,
                load: l.load,
            })
            .collect())
    }

    /// One pass over the queue; returns how many conversations were assigned.
    pub async fn dispatch_once(&self) -> Result<usize, StoreError> {
        let queued = self.store.conversations(&ChatScope::Queued, 50).await?;
        if queued.is_empty() {
            return Ok(0);
        }
        let mut candidates = self.candidates().await?;
        let mut assigned = 0;
        for conv in queued {
            let skill = topic_skill(&self.catalog, &conv.ticket);
            let Some(op) = self.assigner.pick(&conv.ticket, &skill, &candidates) else {
                continue;
            };
            match self.assign(conv.ticket.id, op).await {
                Ok(true) => {
                    assigned += 1;
                    if let Some(c) = candidates.iter_mut().find(|c| c.operator == op) {
                        c.load += 1;
                    }
                }
                Ok(false) => {}
                Err(StoreError::Conflict(_)) => candidates = self.candidates().await?,
                Err(e) => return Err(e),
            }
        }
        Ok(assigned)
    }

    /// Runs the dispatcher until the process ends.
    pub async fn run_dispatcher(self: Arc<Self>) {
        let every = Duration::from_secs(self.config.dispatch_interval_secs.max(1));
        loop {
            tokio::select! {
                _ = self.hub.dispatch.notified() => {}
                _ = tokio::time::sleep(every) => {}
            }
            if let Err(e) = self.dispatch_once().await {
                tracing::warn!(error = %e, "chat dispatch failed");
            }
            if let Err(e) = self.renew_presence().await {
                tracing::warn!(error = %e, "renewing operator presence failed");
            }
        }
    }
}
