//! The next SLA instant of every open ticket, and what is due at a tick.
//!
//! [`DeadlineTracker`] holds, per ticket, its at-risk and breach instants
//! (from [`crate::deadline::TicketSla::deadlines`]) and yields each once when a
//! tick reaches it. It is a min-heap of (instant, ticket, generation) with lazy
//! deletion: rescheduling or cancelling a ticket only bumps its generation in
//! the map, and stale heap items are skipped when they surface. When stale items
//! outnumber live ones the heap is rebuilt, so memory stays proportional to the
//! number of open tickets. Costs: schedule O(log n), cancel O(1), a tick
//! O(k log n) for k due items; sized for 1,000,000 open tickets
//! (`benches/deadlines.rs` measures it).
//!
//! Instants are kept in whole milliseconds rounded up, so nothing fires early;
//! the delay between an instant and the tick that raises it is at most the
//! tick interval plus the time a tick takes.

use std::cmp::Reverse;
use std::collections::hash_map::Entry as MapEntry;
use std::collections::{BinaryHeap, HashMap};
use std::hash::Hash;

use jiff::Timestamp;

use crate::deadline::Level;

/// One threshold reached by a tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fired<K> {
    pub key: K,
    pub level: Level,
    /// The scheduled instant (milliseconds, rounded up).
    pub at: Timestamp,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    at_risk_ms: i64,
    due_ms: i64,
    generation: u32,
    /// The level still to fire; `None` once the breach fired.
    pending: Option<Level>,
}

impl Slot {
    fn pending_ms(&self) -> Option<i64> {
        match self.pending? {
            Level::AtRisk => Some(self.at_risk_ms),
            Level::Breach => Some(self.due_ms),
        }
    }
}

/// See the module documentation. `K` is the ticket key (e.g. `TicketId`).
#[derive(Debug, Clone)]
pub struct DeadlineTracker<K: Hash + Eq + Copy + Ord> {
    slots: HashMap<K, Slot>,
    heap: BinaryHeap<Reverse<(i64, K, u32)>>,
}

impl<K: Hash + Eq + Copy + Ord> Default for DeadlineTracker<K> {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

fn millis_up(t: Timestamp) -> i64 {
    let ms = t.as_millisecond();
    if t.subsec_nanosecond() % 1_000_000 > 0 {
        ms.saturating_add(1)
    } else {
        ms
    }
}

fn from_millis(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::MAX)
}

impl<K: Hash + Eq + Copy + Ord> DeadlineTracker<K> {
    pub fn with_capacity(n: usize) -> Self {
        DeadlineTracker {
            slots: HashMap::with_capacity(n),
            heap: BinaryHeap::with_capacity(n),
        }
    }

    /// Sets (or replaces) a ticket's at-risk and breach instants. An at-risk
    /// instant not before the breach is skipped: only the breach fires.
    pub fn schedule(&mut self, key: K, at_risk: Timestamp, due: Timestamp) {
        let (at_risk_ms, due_ms) = (millis_up(at_risk), millis_up(due));
        let pending = if at_risk_ms < due_ms {
            Level::AtRisk
        } else {
            Level::Breach
        };
        let slot = match self.slots.entry(key) {
            MapEntry::Occupied(mut o) => {
                let s = o.get_mut();
                s.generation = s.generation.wrapping_add(1);
                s.at_risk_ms = at_risk_ms;
                s.due_ms = due_ms;
                s.pending = Some(pending);
                *s
            }
            MapEntry::Vacant(v) => *v.insert(Slot {
                at_risk_ms,
                due_ms,
                generation: 0,
                pending: Some(pending),
            }),
        };
        if let Some(ms) = slot.pending_ms() {
            self.heap.push(Reverse((ms, key, slot.generation)));
        }
        self.compact_if_stale();
    }

    /// Forgets a ticket (resolved, closed, or its SLA met). True if it was known.
    pub fn cancel(&mut self, key: K) -> bool {
        let known = self.slots.remove(&key).is_some();
        self.compact_if_stale();
        known
    }

    /// Everything due at or before `now`, in time order, appended to `out`.
    /// Each threshold of a schedule fires once.
    pub fn poll(&mut self, now: Timestamp, out: &mut Vec<Fired<K>>) {
        let now_ms = now.as_millisecond();
        while let Some(&Reverse((ms, key, generation))) = self.heap.peek() {
            if ms > now_ms {
                break;
            }
            self.heap.pop();
            let Some(slot) = self.slots.get_mut(&key) else {
                continue;
            };
            if slot.generation != generation || slot.pending_ms() != Some(ms) {
                continue;
            }
            let Some(level) = slot.pending else { continue };
            out.push(Fired {
                key,
                level,
                at: from_millis(ms),
            });
            if level == Level::AtRisk {
                slot.pending = Some(Level::Breach);
                let due = slot.due_ms;
                self.heap.push(Reverse((due, key, generation)));
            } else {
                slot.pending = None;
            }
        }
    }

    /// The earliest instant still to fire (skips stale items as it looks).
    pub fn next_instant(&mut self) -> Option<Timestamp> {
        while let Some(&Reverse((ms, key, generation))) = self.heap.peek() {
            let live = self
                .slots
                .get(&key)
                .is_some_and(|s| s.generation == generation && s.pending_ms() == Some(ms));
            if live {
                return Some(from_millis(ms));
            }
            self.heap.pop();
        }
        None
    }

    /// Tickets tracked (including those whose breach already fired).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Heap items, live and stale: at most about twice `len()`.
    pub fn heap_len(&self) -> usize {
        self.heap.len()
    }

    fn compact_if_stale(&mut self) {
        if self.heap.len() <= 2 * self.slots.len() + 1024 {
            return;
        }
        let live: Vec<_> = self
            .slots
            .iter()
            .filter_map(|(k, s)| Some(Reverse((s.pending_ms()?, *k, s.generation))))
            .collect();
        self.heap = BinaryHeap::from(live);
    }
}
