//! Routing live conversations (chat, messengers) to operators: this node's
//! router ([`router`]), run when the feed hands it a notice and every
//! `dispatch_interval_secs` anyway (shift starts and ends, presence leases);
//! operators' presence with the lease this node renews; and committing an
//! assignment (the store re-checks presence and capacity under a lock, so
//! two nodes routing at once cannot overfill an operator).

mod presence;
mod router;

use std::sync::Arc;
use std::time::Duration;

use switchboard_domain::bot::texts as bot_text;
use switchboard_domain::catalog::Catalog;
use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::ticket::{Action, Actor, Status, Ticket};
use switchboard_store::{StoreError, TicketChange};

pub use router::{NodeRouter, RouterInbox};

use crate::Core;

/// The routing skill of a ticket's topic (its line, for an unknown topic).
pub fn topic_skill(catalog: &Catalog, t: &Ticket) -> String {
    catalog
        .topic(&t.line, &t.topic)
        .map(|(_, topic)| topic.skill.clone())
        .unwrap_or_else(|| t.line.clone())
}

impl Core {
    /// One routing step (see [`router::NodeRouter::step`]); returns how
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

impl Core {
    /// Assigns a queued conversation (the store re-checks presence and
    /// capacity); `Ok(None)` when it is no longer queued. The bot tells the
    /// customer who joined.
    pub async fn assign(&self, id: TicketId, op: OperatorId) -> Result<Option<Ticket>, StoreError> {
        let t = self.store.ticket(id).await?;
        if t.status != Status::Queued {
            return Ok(None);
        }
        let Ok(outcome) = t.apply(
            &Action::Assign(op),
            &Actor::System,
            &self.rules().deadlines,
            self.clock.now(),
        ) else {
            return Ok(None);
        };
        let change = TicketChange {
            ticket: outcome.ticket,
            actor: Actor::System,
            events: outcome.events,
            message: None,
            outbound: Vec::new(),
        };
        let stored = self
            .store
            .assign_conversation(&change, op, self.clock.now())
            .await?;
        self.metrics.chat_assigned.inc();
        if let (Ok(operator), Some(locale)) = (
            self.store.operator(op).await,
            self.requester_locale(&stored).await,
        ) {
            let first_name = operator
                .name
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_owned();
            self.bot_says(
                &stored,
                bot_text::operator_joined(locale, &first_name),
                None,
            )
            .await;
        }
        Ok(Some(stored))
    }
}
