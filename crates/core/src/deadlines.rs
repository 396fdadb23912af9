//! The deadline worker: raises SLA at-risk and breach escalations on time.
//!
//! It holds a [`DeadlineTracker`] of every open ticket's next SLA instants,
//! built from the store at start-up and kept current from the store's feed
//! (every committed ticket change, from any node, carries the ticket's clock).
//! Each step ([`DeadlineWorker::run_once`], driven by the injected clock, as
//! tests do) takes the tickets whose instant came and applies
//! `Action::Escalate` through the ticket state machine: that marks the
//! crossing in the persisted clock, carries out the policy's actions (raise
//! priority; reassign — the ticket goes back to the queue, and for a chat to
//! the router) and logs `SlaAtRisk` / `SlaBreached` audit events. With
//! `notify_supervisors`, the same transaction stores a staff alert for every
//! active supervisor (pushed live to their consoles through the feed) and
//! queues an e-mail for those who have an address.
//!
//! Several nodes may run the worker on one PostgreSQL database: the change is
//! saved under the ticket's version, so when two nodes raise the same
//! crossing one commits and the other's is refused and recomputed from the
//! fresh ticket, where the crossing is already marked: it is raised once.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use switchboard_domain::conversation::Outbound;
use switchboard_domain::deadline::EscalationAction;
use switchboard_domain::ids::TicketId;
use switchboard_domain::notification;
use switchboard_domain::ticket::{Action, Actor, Status, Ticket, TicketEvent, TransitionError};
use switchboard_domain::timers::DeadlineTracker;
use switchboard_store::{FeedEvent, Notice, Role, Store, StoreError, TicketChange};
use tokio::sync::{Mutex, mpsc};

use crate::clock::Clock;
use crate::configuration::LiveConfig;

/// Tickets read per page when the tracker is rebuilt.
const PAGE: u32 = 1_000;

struct State {
    tracker: DeadlineTracker<TicketId>,
    feed: mpsc::Receiver<FeedEvent>,
    built: bool,
}

/// See the module documentation. Cheap to clone.
#[derive(Clone)]
pub struct DeadlineWorker {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// Read per use: an edit of the SLA policies applies from then on.
    live: LiveConfig,
    tick: Duration,
    state: Arc<Mutex<State>>,
}

impl DeadlineWorker {
    /// Subscribes to the feed first, so no change committed while the tracker
    /// is built is missed.
    pub async fn start(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        rules: impl Into<LiveConfig>,
        tick: Duration,
    ) -> Result<Self, StoreError> {
        let feed = store.subscribe_feed().await?;
        Ok(DeadlineWorker {
            store,
            clock,
            live: rules.into(),
            tick,
            state: Arc::new(Mutex::new(State {
                tracker: DeadlineTracker::default(),
                feed,
                built: false,
            })),
        })
    }

    /// Tickets tracked now (after taking in what the feed brought).
    pub async fn tracked(&self) -> Result<usize, StoreError> {
        let mut st = self.state.lock().await;
        self.catch_up(&mut st).await?;
        Ok(st.tracker.len())
    }

    fn track(&self, tracker: &mut DeadlineTracker<TicketId>, t: &Ticket) {
        let open = !matches!(t.status, Status::Resolved | Status::Closed);
        let next = match (&t.sla, self.live.rules().deadlines.current_policy(t)) {
            (Some(sla), Some(p)) if open => sla
                .next_wakeup(&p)
                .map(|wake| (wake, sla.next_deadline(&p).map_or(wake, |d| d.due_at))),
            _ => None,
        };
        match next {
            Some((wake, due)) => tracker.schedule(t.id, wake, due.max(wake)),
            None => {
                tracker.cancel(t.id);
            }
        }
    }

    async fn rebuild(&self, st: &mut State) -> Result<(), StoreError> {
        let mut tracker = DeadlineTracker::default();
        let mut after = TicketId(0);
        loop {
            let page = self.store.open_sla_tickets(after, PAGE).await?;
            for t in &page {
                self.track(&mut tracker, t);
            }
            match page.last() {
                Some(t) if page.len() == PAGE as usize => after = t.id,
                _ => break,
            }
        }
        st.tracker = tracker;
        st.built = true;
        Ok(())
    }

    /// Takes in the ticket changes the feed brought; rebuilds when it may
    /// have missed some.
    async fn catch_up(&self, st: &mut State) -> Result<(), StoreError> {
        let mut resync = !st.built;
        while let Ok(event) = st.feed.try_recv() {
            match event {
                FeedEvent::Notices(notices) => {
                    for n in notices {
                        if let Notice::Ticket { ticket } = n {
                            self.track(&mut st.tracker, &ticket);
                        }
                    }
                }
                FeedEvent::Resync => resync = true,
            }
        }
        if resync {
            // Drain first: what is read after this is applied on top of the rebuild.
            while st.feed.try_recv().is_ok() {}
            self.rebuild(st).await?;
        }
        Ok(())
    }

    /// One step at the clock's `now`: raises every escalation due. Returns
    /// the at-risk and breach events raised.
    pub async fn run_once(&self) -> Result<Vec<(TicketId, TicketEvent)>, StoreError> {
        let mut st = self.state.lock().await;
        self.catch_up(&mut st).await?;
        let now = self.clock.now();
        let mut fired = Vec::new();
        st.tracker.poll(now, &mut fired);
        let due: BTreeSet<TicketId> = fired.iter().map(|f| f.key).collect();
        let mut raised = Vec::new();
        for id in due {
            match self.escalate(id, now).await {
                Ok((t, events)) => {
                    self.track(&mut st.tracker, &t);
                    raised.extend(events.into_iter().map(|e| (id, e)));
                }
                Err(StoreError::NotFound) => {
                    st.tracker.cancel(id);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(raised)
    }

    /// Escalates one ticket; returns it as stored and the escalation events.
    async fn escalate(
        &self,
        id: TicketId,
        now: Timestamp,
    ) -> Result<(Ticket, Vec<TicketEvent>), StoreError> {
        for _ in 0..3 {
            let t = self.store.ticket(id).await?;
            let outcome = match t.apply(
                &Action::Escalate,
                &Actor::System,
                &self.live.rules().deadlines,
                now,
            ) {
                Ok(o) => o,
                Err(TransitionError::Unchanged | TransitionError::Illegal { .. }) => {
                    return Ok((t, Vec::new()));
                }
                Err(e) => {
                    tracing::warn!(ticket = %t.number, error = %e, "escalation refused");
                    return Ok((t, Vec::new()));
                }
            };
            let crossings: Vec<TicketEvent> = outcome
                .events
                .iter()
                .filter(|e| {
                    matches!(
                        e,
                        TicketEvent::SlaAtRisk { .. } | TicketEvent::SlaBreached { .. }
                    )
                })
                .cloned()
                .collect();
            let (alerts, emails) = self.alerts_for(&outcome.ticket, &crossings).await?;
            let change = TicketChange {
                ticket: outcome.ticket,
                actor: Actor::System,
                events: outcome.events,
                message: None,
                outbound: Vec::new(),
            };
            match self.store.save_escalation(&change, &alerts, &emails).await {
                Ok(stored) => {
                    for e in &crossings {
                        tracing::info!(ticket = %stored.number, event = e.code(), "SLA escalation");
                    }
                    return Ok((stored, crossings));
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict("the ticket keeps changing".into()))
    }

    /// Alerts for every active supervisor, and e-mails for those with an
    /// address, for the crossings whose policy says to notify supervisors.
    async fn alerts_for(
        &self,
        t: &Ticket,
        crossings: &[TicketEvent],
    ) -> Result<
        (
            Vec<(switchboard_domain::ids::OperatorId, TicketEvent)>,
            Vec<Outbound>,
        ),
        StoreError,
    > {
        let notify: Vec<&TicketEvent> = crossings
            .iter()
            .filter(|e| match e {
                TicketEvent::SlaAtRisk { actions, .. }
                | TicketEvent::SlaBreached { actions, .. } => {
                    actions.contains(&EscalationAction::NotifySupervisors)
                }
                _ => false,
            })
            .collect();
        if notify.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let supervisors: Vec<_> = self
            .store
            .operators()
            .await?
            .into_iter()
            .filter(|o| o.active && o.role == Role::Supervisor)
            .collect();
        let tz = self
            .live
            .rules()
            .calendars
            .for_line(&t.line)
            .time_zone()
            .clone();
        let mut alerts = Vec::new();
        let mut emails = Vec::new();
        for s in &supervisors {
            for e in &notify {
                alerts.push((s.id, (*e).clone()));
                if let Some(to) = &s.email {
                    emails.extend(notification::sla_alert_mail(
                        to,
                        t.number,
                        &t.subject,
                        e,
                        &tz,
                        s.language.unwrap_or_default(),
                    ));
                }
            }
        }
        Ok((alerts, emails))
    }

    /// Runs a step every tick until told to stop.
    pub async fn run(self, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            if let Err(e) = self.run_once().await {
                tracing::warn!(error = %e, "deadline worker step failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(self.tick) => {}
                _ = stop.changed() => return,
            }
        }
    }
}
