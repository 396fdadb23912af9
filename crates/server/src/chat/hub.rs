//! This node's fan-out to its sockets: the core's feed hands it every
//! committed notice (messages and ticket changes from every node, typing,
//! alerts) and it hands each to the local connections it concerns.
//!
//! Every connection has a bounded queue. The hub never waits for a
//! connection: when a queue is full the notice is dropped *for that
//! connection only* and the connection is flagged to resync, i.e. re-read
//! its conversations from the store by sequence number. A slow reader thus
//! costs only itself, and loses nothing. A feed `Resync` (the database
//! listener reconnected) flags every connection.
//!
//! Customers' sockets get their own conversations' messages and changes
//! (web chat); consoles get the messages of conversations assigned to them
//! on any channel, and every ticket change (queues, and a previous assignee
//! learns it lost one).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use switchboard_core::feed::FeedListener;
use switchboard_core::metrics::Metrics;
use switchboard_domain::ids::{CustomerId, OperatorId};
use switchboard_domain::ticket::Actor;
use switchboard_store::Notice;
use tokio::sync::{Notify, mpsc};

/// A connection's handle, held by the hub.
#[derive(Clone)]
pub struct ConnHandle {
    pub id: u64,
    tx: mpsc::Sender<Arc<Notice>>,
    pub resync: Arc<AtomicBool>,
    pub wake: Arc<Notify>,
}

/// What a connection keeps: its end of the queue and its flags.
pub struct ConnInbox {
    pub rx: mpsc::Receiver<Arc<Notice>>,
    pub resync: Arc<AtomicBool>,
    pub wake: Arc<Notify>,
    pub id: u64,
}

#[derive(Default)]
struct Registry {
    customers: HashMap<CustomerId, Vec<ConnHandle>>,
    operators: HashMap<OperatorId, Vec<ConnHandle>>,
    /// How many consoles each operator has opened here, ever: a console that
    /// closed and one that opened since are told apart by it.
    operator_joins: HashMap<OperatorId, u64>,
}

pub struct Hub {
    registry: Mutex<Registry>,
    next_id: AtomicU64,
    queue_size: usize,
    metrics: Arc<Metrics>,
}

impl Hub {
    pub fn new(queue_size: usize, metrics: Arc<Metrics>) -> Arc<Hub> {
        Arc::new(Hub {
            registry: Mutex::new(Registry::default()),
            next_id: AtomicU64::new(1),
            queue_size: queue_size.max(1),
            metrics,
        })
    }

    fn registry(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn new_conn(&self) -> (ConnHandle, ConnInbox) {
        let (tx, rx) = mpsc::channel(self.queue_size);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let resync = Arc::new(AtomicBool::new(false));
        let wake = Arc::new(Notify::new());
        (
            ConnHandle {
                id,
                tx,
                resync: resync.clone(),
                wake: wake.clone(),
            },
            ConnInbox {
                rx,
                resync,
                wake,
                id,
            },
        )
    }

    pub fn join_customer(&self, customer: &CustomerId) -> ConnInbox {
        let (h, inbox) = self.new_conn();
        self.registry()
            .customers
            .entry(customer.clone())
            .or_default()
            .push(h);
        self.metrics.chat_connections.inc();
        inbox
    }

    pub fn join_operator(&self, operator: OperatorId) -> ConnInbox {
        let (h, inbox) = self.new_conn();
        let mut r = self.registry();
        r.operators.entry(operator).or_default().push(h);
        *r.operator_joins.entry(operator).or_default() += 1;
        drop(r);
        self.metrics.chat_connections.inc();
        inbox
    }

    pub fn leave_customer(&self, customer: &CustomerId, id: u64) {
        let mut r = self.registry();
        if let Some(list) = r.customers.get_mut(customer) {
            list.retain(|h| h.id != id);
            if list.is_empty() {
                r.customers.remove(customer);
            }
        }
        self.metrics.chat_connections.dec();
    }

    /// Returns how many consoles of this operator are still connected here.
    pub fn leave_operator(&self, operator: OperatorId, id: u64) -> usize {
        let mut r = self.registry();
        let left = match r.operators.get_mut(&operator) {
            Some(list) => {
                list.retain(|h| h.id != id);
                list.len()
            }
            None => 0,
        };
        if left == 0 {
            r.operators.remove(&operator);
        }
        self.metrics.chat_connections.dec();
        left
    }

    /// How many consoles the operator has opened here so far.
    pub fn operator_joins(&self, operator: OperatorId) -> u64 {
        self.registry()
            .operator_joins
            .get(&operator)
            .copied()
            .unwrap_or(0)
    }

    /// After an operator's last console here closed (having seen `joins`
    /// consoles opened): waits `grace`, then says whether they are still
    /// gone, i.e. no console of theirs opened here meanwhile. A page
    /// navigation reconnects within the grace, so it does not bounce chats.
    pub async fn still_gone_after(
        &self,
        operator: OperatorId,
        joins: u64,
        grace: std::time::Duration,
    ) -> bool {
        if !grace.is_zero() {
            tokio::time::sleep(grace).await;
        }
        let r = self.registry();
        !r.operators.contains_key(&operator)
            && r.operator_joins.get(&operator).copied().unwrap_or(0) == joins
    }

    fn deliver(&self, h: &ConnHandle, notice: &Arc<Notice>) {
        match h.tx.try_send(notice.clone()) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                if !h.resync.swap(true, Ordering::AcqRel) {
                    self.metrics.chat_resyncs.inc();
                }
                h.wake.notify_one();
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    fn route(&self, notice: &Arc<Notice>) {
        let r = self.registry();
        let customer_sockets = |requester: &switchboard_domain::ticket::Requester| {
            requester
                .customer()
                .and_then(|c| r.customers.get(c))
                .into_iter()
                .flatten()
        };
        match &**notice {
            Notice::Message {
                requester,
                assignee,
                ..
            } => {
                for h in customer_sockets(requester) {
                    self.deliver(h, notice);
                }
                if let Some(op) = assignee {
                    for h in r.operators.get(op).into_iter().flatten() {
                        self.deliver(h, notice);
                    }
                }
            }
            Notice::Ticket { ticket } => {
                for h in customer_sockets(&ticket.requester) {
                    self.deliver(h, notice);
                }
                // Every console: for the queue, and so a previous assignee learns it lost it.
                for h in r.operators.values().flatten() {
                    self.deliver(h, notice);
                }
            }
            Notice::StaffAlert { alert } => {
                for h in r.operators.get(&alert.operator).into_iter().flatten() {
                    self.deliver(h, notice);
                }
            }
            Notice::ScreenPop { pop } => {
                for op in &pop.operators {
                    for h in r.operators.get(op).into_iter().flatten() {
                        self.deliver(h, notice);
                    }
                }
            }
            Notice::Presence { .. } | Notice::Staff { .. } => {}
            Notice::Typing {
                requester,
                assignee,
                from,
                ..
            } => match from {
                Actor::Customer(_) | Actor::Contact(_) => {
                    if let Some(op) = assignee {
                        for h in r.operators.get(op).into_iter().flatten() {
                            self.deliver(h, notice);
                        }
                    }
                }
                _ => {
                    for h in customer_sockets(requester) {
                        self.deliver(h, notice);
                    }
                }
            },
        }
    }
}

impl FeedListener for Hub {
    fn notice(&self, notice: &Arc<Notice>) {
        self.route(notice);
    }

    fn resync(&self) {
        let r = self.registry();
        for h in r.customers.values().chain(r.operators.values()).flatten() {
            h.resync.store(true, Ordering::Release);
            h.wake.notify_one();
        }
        self.metrics.chat_resyncs.inc();
    }
}
