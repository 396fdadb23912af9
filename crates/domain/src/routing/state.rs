//! The router's internal state and the two O(log n) choices it makes.
//!
//! Per skill: one FIFO per priority class (a `BTreeMap` ordered by
//! (band, enqueue time, arrival number), so an item can leave from the middle
//! in O(log n) when it is transferred or cancelled) and the ordered set of
//! operators who could take one more conversation of that skill now, keyed by
//! (load, idle since, index). Neither choice scans operators or conversations:
//! - a conversation for skill S goes to the first operator of S's set;
//! - an operator with free capacity takes, among the heads of the class queues
//!   of its skills (skills × 4 heads), the one whose effective deadline
//!   (enqueue time + its class's wait target) is earliest.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use super::OperatorStatus;
use crate::calendar::Calendar;
use crate::ids::{OperatorId, TicketId};
use crate::vocab::Priority;

pub(super) type SkillIx = u32;
pub(super) type OpIx = u32;

/// Band 0 holds conversations that were taken back from an operator (they go
/// to the head of their class queue); band 1 everything else.
pub(super) const RETURNED: u8 = 0;
pub(super) const ARRIVED: u8 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct QueueKey {
    pub band: u8,
    pub enqueued_at: Timestamp,
    pub seq: u64,
}

/// Operators ordered for "least loaded first, then longest idle".
pub(super) type AvailKey = (u32, Timestamp, OpIx);

#[derive(Debug, Default)]
pub(super) struct SkillQueues {
    pub name: String,
    pub classes: [BTreeMap<QueueKey, TicketId>; 4],
    pub available: BTreeSet<AvailKey>,
}

#[derive(Debug)]
pub(super) struct Op {
    pub id: OperatorId,
    pub skills: Vec<SkillIx>,
    pub capacity: u32,
    pub load: u32,
    pub status: OperatorStatus,
    pub on_shift: bool,
    pub schedule: Option<Arc<Calendar>>,
    /// When the load last changed or the operator last became available.
    pub idle_since: Timestamp,
    pub assigned: Vec<TicketId>,
    /// Bumped when the schedule changes, to ignore stale shift-change items.
    pub shift_generation: u32,
}

impl Op {
    pub fn avail_key(&self, ix: OpIx) -> Option<AvailKey> {
        let free =
            self.status == OperatorStatus::Online && self.on_shift && self.load < self.capacity;
        free.then_some((self.load, self.idle_since, ix))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Waiting(QueueKey),
    /// With an operator; `awaiting` is true while the customer waits for them.
    Assigned {
        op: OpIx,
        awaiting: bool,
    },
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Conv {
    pub skill: SkillIx,
    pub class: Priority,
    pub enqueued_at: Timestamp,
    pub place: Place,
}

pub(super) fn class_ix(p: Priority) -> usize {
    match p {
        Priority::Low => 0,
        Priority::Normal => 1,
        Priority::High => 2,
        Priority::Urgent => 3,
    }
}

#[derive(Debug, Default)]
pub(super) struct State {
    pub wait_target: [SignedDuration; 4],
    pub skill_ix: std::collections::HashMap<String, SkillIx>,
    pub queues: Vec<SkillQueues>,
    pub ops: Vec<Op>,
    pub op_ix: std::collections::HashMap<OperatorId, OpIx>,
    pub convs: std::collections::HashMap<TicketId, Conv>,
    pub seq: u64,
    pub waiting: usize,
    pub shifts: BinaryHeap<Reverse<(Timestamp, OpIx, u32)>>,
}

impl State {
    pub fn skill(&mut self, name: &str) -> SkillIx {
        if let Some(&ix) = self.skill_ix.get(name) {
            return ix;
        }
        let ix = self.queues.len() as SkillIx;
        self.queues.push(SkillQueues {
            name: name.to_owned(),
            ..SkillQueues::default()
        });
        self.skill_ix.insert(name.to_owned(), ix);
        ix
    }

    /// Changes an operator (not its skills) and keeps the per-skill
    /// availability sets in step with its (load, idle since, status).
    pub fn update_op(&mut self, ix: OpIx, f: impl FnOnce(&mut Op)) {
        let op = &mut self.ops[ix as usize];
        let before = op.avail_key(ix);
        f(op);
        let after = op.avail_key(ix);
        if before == after {
            return;
        }
        let op = &self.ops[ix as usize];
        for &s in &op.skills {
            let set = &mut self.queues[s as usize].available;
            if let Some(k) = before {
                set.remove(&k);
            }
            if let Some(k) = after {
                set.insert(k);
            }
        }
    }

    /// Replaces an operator's skills, moving it between availability sets.
    pub fn set_skills(&mut self, ix: OpIx, skills: Vec<SkillIx>) {
        let key = self.ops[ix as usize].avail_key(ix);
        if let Some(k) = key {
            for &s in &self.ops[ix as usize].skills {
                self.queues[s as usize].available.remove(&k);
            }
            for &s in &skills {
                self.queues[s as usize].available.insert(k);
            }
        }
        self.ops[ix as usize].skills = skills;
    }

    /// Puts a conversation in its class queue (it must not be in one).
    pub fn enqueue(&mut self, id: TicketId, band: u8) {
        let Some(c) = self.convs.get_mut(&id) else {
            return;
        };
        self.seq += 1;
        let key = QueueKey {
            band,
            enqueued_at: c.enqueued_at,
            seq: self.seq,
        };
        c.place = Place::Waiting(key);
        self.queues[c.skill as usize].classes[class_ix(c.class)].insert(key, id);
        self.waiting += 1;
    }

    /// Takes a waiting conversation out of its queue.
    pub fn dequeue(&mut self, id: TicketId) {
        if let Some(c) = self.convs.get(&id)
            && let Place::Waiting(key) = c.place
            && self.queues[c.skill as usize].classes[class_ix(c.class)]
                .remove(&key)
                .is_some()
        {
            self.waiting -= 1;
        }
    }

    pub fn assign(&mut self, id: TicketId, op: OpIx, now: Timestamp) {
        self.dequeue(id);
        if let Some(c) = self.convs.get_mut(&id) {
            c.place = Place::Assigned { op, awaiting: true };
        }
        self.update_op(op, |o| {
            o.load += 1;
            o.idle_since = now;
            o.assigned.push(id);
        });
    }

    /// Removes `id` from its operator's list; the load is released separately
    /// (`release`) so a transfer does not hand the conversation straight back.
    pub fn detach(&mut self, id: TicketId, op: OpIx) {
        let o = &mut self.ops[op as usize];
        if let Some(pos) = o.assigned.iter().position(|&x| x == id) {
            o.assigned.swap_remove(pos);
        }
    }

    pub fn release(&mut self, op: OpIx, now: Timestamp) {
        self.update_op(op, |o| {
            o.load = o.load.saturating_sub(1);
            o.idle_since = now;
        });
    }

    /// The best waiting conversation for an operator: earliest effective
    /// deadline among the class-queue heads of its skills.
    pub fn best_for(&self, op: OpIx) -> Option<TicketId> {
        let mut best: Option<((Timestamp, u8, u64), TicketId)> = None;
        for &s in &self.ops[op as usize].skills {
            let q = &self.queues[s as usize];
            for (c, class) in q.classes.iter().enumerate() {
                let Some((key, &id)) = class.first_key_value() else {
                    continue;
                };
                let deadline = key
                    .enqueued_at
                    .checked_add(self.wait_target[c])
                    .unwrap_or(Timestamp::MAX);
                // Ties go to the returned band, then to the earlier arrival.
                let rank = (deadline, key.band, key.seq);
                if best.is_none_or(|(b, _)| rank < b) {
                    best = Some((rank, id));
                }
            }
        }
        best.map(|(_, id)| id)
    }

    pub fn first_available(&self, skill: SkillIx) -> Option<OpIx> {
        self.queues[skill as usize]
            .available
            .first()
            .map(|&(_, _, ix)| ix)
    }

    pub fn queue_len(&self, skill: SkillIx, class: Priority) -> usize {
        self.queues[skill as usize].classes[class_ix(class)].len()
    }
}
