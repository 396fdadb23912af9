//! How [`Ticket::apply`] keeps a ticket's SLA clock ([`TicketSla`]) in step
//! with what happens to the ticket, so no caller can forget it.
//!
//! - The clock starts when a person owes an answer: at creation for the form,
//!   e-mail and the like; at the hand-over for a chat (never while the bot has
//!   it). A ticket stored before clocks existed gets one at its next change.
//! - A reply by support (public reply, or an operator's chat message) meets
//!   the first and next response targets; a customer's message makes a next
//!   response owed; statuses pause (waiting for the customer), stop (resolved,
//!   closed) and resume (reopen) the clocks.
//! - A change of priority, topic or line switches to the policy those facts
//!   now select, keeping the time already used; becoming a claim starts the
//!   claim's own clock afresh (10 days from the claim).
//! - `Escalate` raises the at-risk and breach crossings due by `now`, each once
//!   per run of a target's clock (the flags live in the persisted clock, so with
//!   optimistic concurrency two nodes cannot both raise one), and carries out
//!   the policy's actions: raise the priority one class, hand the ticket back to
//!   the queue. Notifying supervisors is the server's part (the event says so).
//! - `due_at` and `at_risk_at` always mirror the clock's next deadline.

use std::sync::Arc;

use jiff::Timestamp;

use super::{Action, Status, Ticket, TicketEvent};
use crate::catalog::Catalog;
use crate::deadline::{AppliedPolicy, EscalationAction, Level, SlaFacts, SlaPolicies, TicketSla};
use crate::intake::NewTicket;
use crate::priority::raised;

/// What the state machine needs to keep deadlines: the catalog (a topic's
/// SLA class) and the SLA policies with their calendars. Cheap to clone.
#[derive(Debug, Clone)]
pub struct DeadlineRules {
    pub catalog: Arc<Catalog>,
    pub policies: Arc<SlaPolicies>,
}

impl DeadlineRules {
    pub fn new(catalog: Arc<Catalog>, policies: Arc<SlaPolicies>) -> Self {
        DeadlineRules { catalog, policies }
    }

    fn facts<'a>(&self, t: &'a Ticket) -> SlaFacts<'a> {
        SlaFacts {
            kind: t.kind,
            channel: t.channel,
            line: &t.line,
            topic: &t.topic,
            class: self
                .catalog
                .topic(&t.line, &t.topic)
                .map(|(_, topic)| topic.sla)
                .unwrap_or_default(),
            priority: t.priority,
        }
    }

    /// The policy a ticket's facts select now.
    pub fn policy_for(&self, t: &Ticket) -> Option<AppliedPolicy> {
        self.policies.apply(&self.facts(t))
    }

    /// The policy the ticket's clock runs under (its stored code on its line).
    pub fn current_policy(&self, t: &Ticket) -> Option<AppliedPolicy> {
        let sla = t.sla.as_ref()?;
        self.policies.by_code(&sla.policy, &t.line)
    }

    /// Starts a new ticket's clock unless the bot has it, and sets its
    /// deadline fields.
    pub fn start_new(&self, new: &mut NewTicket) {
        new.sla = None;
        new.due_at = None;
        new.at_risk_at = None;
        if matches!(new.status, Status::WithBot | Status::New) {
            return;
        }
        let class = self
            .catalog
            .topic(&new.line, &new.topic)
            .map(|(_, topic)| topic.sla)
            .unwrap_or_default();
        let facts = SlaFacts {
            kind: new.kind,
            channel: new.channel,
            line: &new.line,
            topic: &new.topic,
            class,
            priority: new.priority,
        };
        let Some(p) = self.policies.apply(&facts) else {
            return;
        };
        let sla = TicketSla::start(&p, new.created_at);
        let next = sla.next_deadline(&p);
        new.due_at = next.map(|d| d.due_at);
        new.at_risk_at = next.map(|d| d.at_risk_at);
        new.sla = Some(sla);
    }

    /// Updates `t` (the ticket after `action`) from `before`; see the module doc.
    pub(super) fn keep_clock(
        &self,
        before: &Ticket,
        t: &mut Ticket,
        action: &Action,
        now: Timestamp,
        events: &mut Vec<TicketEvent>,
    ) {
        if matches!(action, Action::Escalate) {
            self.escalate(t, now, events);
        }
        self.follow_policy(before, t, now);
        let Some(p) = self.current_policy(t) else {
            t.due_at = None;
            t.at_risk_at = None;
            return;
        };
        let Some(sla) = t.sla.as_mut() else {
            return;
        };
        if let Action::ReplyPublic = action {
            sla.agent_replied(&p, now);
        }
        if before.status != t.status {
            sla.status_changed(&p, t.status, now);
        }
        if let Action::CustomerReply | Action::Reopen = action {
            sla.customer_wrote(&p, t.status, now);
        }
        let next = sla.next_deadline(&p);
        t.due_at = next.map(|d| d.due_at);
        t.at_risk_at = next.map(|d| d.at_risk_at);
    }

    /// Starts, restarts or switches the clock when the facts that choose the
    /// policy changed (or it has none yet).
    fn follow_policy(&self, before: &Ticket, t: &mut Ticket, now: Timestamp) {
        let open = !matches!(t.status, Status::Resolved | Status::Closed);
        let owed = open && !matches!(t.status, Status::WithBot | Status::New);
        match t.sla.take() {
            None if owed => {
                t.sla = self.policy_for(t).map(|p| TicketSla::start(&p, now));
            }
            None => {}
            Some(sla) if before.kind != t.kind => {
                t.sla = self
                    .policy_for(t)
                    .map(|p| TicketSla::start(&p, now))
                    .or(Some(sla));
            }
            Some(mut sla) => {
                let moved = before.line != t.line
                    || before.topic != t.topic
                    || before.priority != t.priority
                    || before.channel != t.channel;
                if moved
                    && let (Some(old), Some(new)) = (
                        self.policies.by_code(&sla.policy, &before.line),
                        self.policy_for(t),
                    )
                    && (old.code != new.code || before.line != t.line)
                {
                    sla.change_policy(&old, &new, now);
                }
                t.sla = Some(sla);
            }
        }
    }

    fn escalate(&self, t: &mut Ticket, now: Timestamp, events: &mut Vec<TicketEvent>) {
        let Some(p) = self.current_policy(t) else {
            return;
        };
        let Some(sla) = t.sla.as_mut() else {
            return;
        };
        let deadlines = sla.deadlines(&p);
        let mut raise = false;
        let mut reassign = false;
        for e in sla.escalations(&p, now) {
            let due_at = deadlines
                .iter()
                .find(|d| d.target == e.target)
                .map_or(e.at, |d| d.due_at);
            raise |= e.actions.contains(&EscalationAction::RaisePriority);
            reassign |= e.actions.contains(&EscalationAction::Reassign);
            events.push(match e.level {
                Level::AtRisk => TicketEvent::SlaAtRisk {
                    target: e.target,
                    due_at,
                    actions: e.actions,
                },
                Level::Breach => TicketEvent::SlaBreached {
                    target: e.target,
                    due_at,
                    actions: e.actions,
                },
            });
        }
        if raise {
            t.priority = raised(t.priority);
        }
        if reassign && t.assignee.is_some() {
            t.assignee = None;
            if matches!(t.status, Status::Assigned) {
                t.status = Status::Queued;
            }
        }
    }
}
