//! The routing task: runs this node's router ([`super::route`]) when the hub
//! hands it a notice, and every `dispatch_interval_secs` anyway (shift starts
//! and ends, presence leases). The store re-checks presence and capacity under
//! a lock when it commits an assignment, so two nodes routing at once cannot
//! overfill an operator.

use std::sync::Arc;
use std::time::Duration;

use switchboard_domain::catalog::Catalog;
use switchboard_domain::ticket::Ticket;
use switchboard_store::StoreError;

use super::Chat;

/// The routing skill of a ticket's topic (its line, for an unknown topic).
pub fn topic_skill(catalog: &Catalog, t: &Ticket) -> String {
    catalog
        .topic(&t.line, &t.topic)
        .map(|(_, topic)| topic.skill.clone())
        .unwrap_or_else(|| t.line.clone())
}

impl Chat {
    /// One routing step (see [`super::route::NodeRouter::step`]); returns how
    /// many conversations were assigned. Tests call it to drive shifts with
    /// their clock.
    pub async fn route_once(&self) -> Result<usize, StoreError> {
        self.router.step(self).await
    }

    /// Runs the router until the process ends.
    pub async fn run_router(self: Arc<Self>) {
        let every = Duration::from_secs(self.config.dispatch_interval_secs.max(1));
        let wake = self.router.inbox().wake.clone();
        loop {
            if let Err(e) = self.route_once().await {
                tracing::warn!(error = %e, "chat routing failed");
                self.router.inbox().mark_stale();
            }
            if let Err(e) = self.renew_presence().await {
                tracing::warn!(error = %e, "renewing operator presence failed");
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(every) => {}
            }
        }
    }
}
