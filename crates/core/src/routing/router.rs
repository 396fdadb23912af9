//! This node's router: the domain [`Router`] (skill and class queues, least
//! loaded then longest idle, aging, returns, transfers, shifts) driven by what
//! the store commits, from any node.
//!
//! The feed hands every live conversation's ticket change, operator presence
//! and message it reads from the store to [`RouterInbox::observe`], which never
//! waits: the notice goes into a bounded queue, and a full queue only marks
//! the router stale. [`NodeRouter::step`] then brings the router in line with
//! the store — a conversation queued (hand-over, transfer, escalation) is
//! enqueued, one assigned elsewhere (a supervisor's reassignment, a take) is
//! moved, one finished leaves, presence changes return a leaving operator's
//! waiting conversations to the queue head — applies shift changes due
//! (`advance`), and commits what the router decided.
//!
//! **The router proposes, the store disposes.** Each assignment is committed
//! with `StaffStore::assign_conversation`, which re-checks presence and capacity under a
//! row lock: with several nodes (each with its own router) on PostgreSQL, two
//! proposals for one operator or one conversation cannot both win. A refused
//! proposal, or any disagreement with the store, marks the router stale; the
//! next step rebuilds it from the store (operators with their shift calendars,
//! who is online, the conversations queued and held) and proposes again.
//!
//! A message's effect on the SLA clock is not the router's business: the
//! domain decides it in the transaction that stores the message.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use jiff::Timestamp;
use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::routing::{
    OperatorSpec, OperatorStatus, Routed, Router, RouterConfig, Whereabouts,
};
use switchboard_domain::ticket::{Action, Actor, Status, Ticket};
use switchboard_store::{Notice, PresenceStatus, StoreError, TicketChange};
use tokio::sync::{Mutex, Notify, mpsc};

use super::topic_skill;
use crate::Core;

/// Notices queued for the router before it is considered stale.
const INBOX: usize = 4096;
/// Rounds of "commit, find the store disagrees, rebuild" in one step.
const ROUNDS: usize = 3;

/// The hub's side: where feed notices go.
#[derive(Clone)]
pub struct RouterInbox {
    tx: mpsc::Sender<Arc<Notice>>,
    stale: Arc<AtomicBool>,
    /// Wakes the routing task.
    pub wake: Arc<Notify>,
}

impl RouterInbox {
    /// Never waits: a full queue marks the router stale (it rebuilds).
    pub fn observe(&self, notice: &Arc<Notice>) {
        let relevant = match &**notice {
            Notice::Ticket { ticket } => ticket.channel.is_live(),
            Notice::Presence { .. } => true,
            // An account's skills or capacity changed: rebuild.
            Notice::Staff { .. } => {
                self.mark_stale();
                return;
            }
            Notice::Message {
                channel, message, ..
            } => channel.is_live() && message.is_some(),
            _ => false,
        };
        if !relevant {
            return;
        }
        if self.tx.try_send(notice.clone()).is_err() {
            self.stale.store(true, Ordering::Release);
        }
        self.wake.notify_one();
    }

    pub fn mark_stale(&self) {
        self.stale.store(true, Ordering::Release);
        self.wake.notify_one();
    }
}

struct State {
    router: Router,
    rx: mpsc::Receiver<Arc<Notice>>,
    built: bool,
    /// The version of each ticket this router last committed: notices of
    /// older versions describe what the router already moved past.
    committed: HashMap<TicketId, i64>,
}

/// One per node; see the module documentation.
pub struct NodeRouter {
    state: Mutex<State>,
    inbox: RouterInbox,
}

impl NodeRouter {
    pub fn new() -> (Arc<NodeRouter>, RouterInbox) {
        let (tx, rx) = mpsc::channel(INBOX);
        let inbox = RouterInbox {
            tx,
            stale: Arc::new(AtomicBool::new(false)),
            wake: Arc::new(Notify::new()),
        };
        let node = NodeRouter {
            state: Mutex::new(State {
                router: Router::new(RouterConfig::default()),
                rx,
                built: false,
                committed: HashMap::new(),
            }),
            inbox: inbox.clone(),
        };
        (Arc::new(node), inbox)
    }

    pub fn inbox(&self) -> &RouterInbox {
        &self.inbox
    }

    /// Brings the router in line with what the store committed, applies shift
    /// changes due by now, and commits its decisions. Returns how many
    /// conversations it assigned.
    pub async fn step(&self, chat: &Core) -> Result<usize, StoreError> {
        let mut st = self.state.lock().await;
        let mut assigned = 0;
        for _ in 0..ROUNDS {
            let now = chat.clock.now();
            let mut routed = Vec::new();
            if !st.built || self.inbox.stale.swap(false, Ordering::AcqRel) {
                while st.rx.try_recv().is_ok() {}
                let (router, r) = rebuild(chat, now).await?;
                st.router = router;
                st.built = true;
                st.committed.clear();
                routed = r;
            }
            while let Ok(notice) = st.rx.try_recv() {
                if let Notice::Ticket { ticket } = &*notice
                    && st
                        .committed
                        .get(&ticket.id)
                        .is_some_and(|v| ticket.version < *v)
                {
                    continue;
                }
                if let Err(()) = observe(&mut st.router, chat, &notice, now, &mut routed) {
                    self.inbox.stale.store(true, Ordering::Release);
                }
            }
            routed.extend(st.router.advance(now));
            let (n, agreed) = commit(chat, &routed, &mut st.committed).await?;
            assigned += n;
            if agreed && !self.inbox.stale.load(Ordering::Acquire) {
                break;
            }
            self.inbox.stale.store(true, Ordering::Release);
        }
        Ok(assigned)
    }

    /// Where the router has a conversation (for tests and diagnostics).
    pub async fn whereabouts(&self, conversation: TicketId) -> Option<Whereabouts> {
        self.state.lock().await.router.whereabouts(conversation)
    }
}

fn status(p: PresenceStatus) -> OperatorStatus {
    match p {
        PresenceStatus::Online => OperatorStatus::Online,
        PresenceStatus::Away => OperatorStatus::Away,
        PresenceStatus::Offline => OperatorStatus::Offline,
    }
}

/// A fresh router mirroring the store, and the assignments it proposes for
/// the conversations waiting.
async fn rebuild(chat: &Core, now: Timestamp) -> Result<(Router, Vec<Routed>), StoreError> {
    let mut router = Router::new(RouterConfig::default());
    let staff: Vec<_> = chat
        .store
        .operators()
        .await?
        .into_iter()
        .filter(|o| o.active)
        .collect();
    let spec = |o: &switchboard_store::Operator, capacity: u32| OperatorSpec {
        id: o.id,
        skills: o.skills.clone(),
        capacity,
        schedule: o
            .calendar
            .as_deref()
            .and_then(|c| chat.rules().calendars.get(c).cloned()),
    };
    for o in &staff {
        // Refused only for an operator already known, which cannot happen here.
        let _ = router.upsert_operator(spec(o, o.capacity), now);
    }
    let chats = chat.store.routable_conversations().await?;
    // Held chats the router cannot place (a skill taken away, over capacity
    // through a manual take) still use the operator's capacity.
    let mut untracked: std::collections::HashMap<OperatorId, u32> = Default::default();
    for t in chats.iter().filter(|t| t.assignee.is_some()) {
        let Some(op) = t.assignee else { continue };
        let skill = topic_skill(&chat.catalog(), t);
        let awaiting = t.status != Status::WaitingForCustomer;
        if router
            .restore(t.id, &skill, t.priority, op, awaiting, now)
            .is_err()
        {
            *untracked.entry(op).or_default() += 1;
        }
    }
    for o in &staff {
        if let Some(extra) = untracked.get(&o.id) {
            let _ = router.upsert_operator(spec(o, o.capacity.saturating_sub(*extra)), now);
        }
    }
    let mut routed = Vec::new();
    for l in chat.store.online_operators(now).await? {
        if let Ok(r) = router.set_status(l.operator.id, OperatorStatus::Online, now) {
            routed.extend(r);
        }
    }
    for t in chats.iter().filter(|t| t.assignee.is_none()) {
        let skill = topic_skill(&chat.catalog(), t);
        if let Ok(r) = router.enqueue(t.id, &skill, t.priority, now) {
            routed.extend(r);
        }
    }
    Ok((router, routed))
}

/// Applies one committed change to the router. `Err` when the router cannot
/// follow it (it must be rebuilt).
fn observe(
    router: &mut Router,
    chat: &Core,
    notice: &Notice,
    now: Timestamp,
    out: &mut Vec<Routed>,
) -> Result<(), ()> {
    match notice {
        Notice::Presence {
            operator,
            status: s,
        } => {
            out.extend(
                router
                    .set_status(*operator, status(*s), now)
                    .map_err(|_| ())?,
            );
        }
        Notice::Message {
            ticket,
            message: Some(m),
            ..
        } => {
            let known = router.whereabouts(*ticket).is_some();
            match m.author {
                Actor::Customer(_) if known => {
                    out.extend(router.customer_wrote(*ticket, now).map_err(|_| ())?)
                }
                Actor::Operator(_) if known => router.operator_replied(*ticket).map_err(|_| ())?,
                _ => {}
            }
        }
        Notice::Ticket { ticket } => follow_ticket(router, chat, ticket, now, out)?,
        _ => {}
    }
    Ok(())
}

fn follow_ticket(
    router: &mut Router,
    chat: &Core,
    t: &Ticket,
    now: Timestamp,
    out: &mut Vec<Routed>,
) -> Result<(), ()> {
    let here = router.whereabouts(t.id);
    let skill = topic_skill(&chat.catalog(), t);
    let routable = matches!(
        t.status,
        Status::Queued | Status::Assigned | Status::WaitingForCustomer
    );
    if !routable {
        if here.is_some() {
            out.extend(router.finish(t.id, now).map_err(|_| ())?);
        }
        return Ok(());
    }
    match (t.assignee, here) {
        (None, None) => out.extend(
            router
                .enqueue(t.id, &skill, t.priority, now)
                .map_err(|_| ())?,
        ),
        (
            None,
            Some(Whereabouts::Waiting {
                skill: s, class, ..
            }),
        ) if s == skill && class == t.priority => {}
        (None, Some(_)) => out.extend(
            router
                .transfer_to_queue(t.id, &skill, t.priority, now)
                .map_err(|_| ())?,
        ),
        (Some(op), Some(Whereabouts::With { operator, .. })) if operator == op => {}
        (Some(op), Some(_)) => out.extend(router.assign_to(t.id, op, now).map_err(|_| ())?),
        (Some(_), None) => return Err(()),
    }
    Ok(())
}

/// Commits the router's decisions in order. Returns how many conversations
/// were assigned and whether the store agreed with every decision.
async fn commit(
    chat: &Core,
    routed: &[Routed],
    committed: &mut HashMap<TicketId, i64>,
) -> Result<(usize, bool), StoreError> {
    let mut assigned = 0;
    let mut agreed = true;
    for r in routed {
        let stored = match *r {
            Routed::Assigned {
                conversation,
                operator,
            } => match chat.assign(conversation, operator).await {
                Ok(Some(t)) => {
                    assigned += 1;
                    Some(t)
                }
                Ok(None) | Err(StoreError::Conflict(_)) | Err(StoreError::NotFound) => None,
                Err(e) => return Err(e),
            },
            Routed::Returned { conversation, from } => give_back(chat, conversation, from).await?,
        };
        match stored {
            Some(t) => {
                committed.insert(t.id, t.version);
            }
            None => agreed = false,
        }
    }
    Ok((assigned, agreed))
}

/// Takes a conversation back from an operator who left (away, offline, end of
/// shift): it waits in the queue again. `None` when the store has it elsewhere.
async fn give_back(
    chat: &Core,
    id: TicketId,
    from: OperatorId,
) -> Result<Option<Ticket>, StoreError> {
    for _ in 0..3 {
        let t = chat.store.ticket(id).await?;
        if t.assignee != Some(from) {
            return Ok(None);
        }
        let Ok(outcome) = t.apply(
            &Action::Unassign,
            &Actor::System,
            &chat.rules().deadlines,
            chat.clock.now(),
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
        match chat.store.save_change(&change).await {
            Ok(t) => return Ok(Some(t)),
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}
