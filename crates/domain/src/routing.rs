//! Routing: who answers which waiting conversation (SPEC §4).
//!
//! An in-memory engine the server drives with events (a conversation waits, an
//! operator's status changes, a conversation ends, a transfer), each taking
//! `now`. It answers with what it routed. Rules:
//! - queues are per skill (the catalog topic's skill) and per priority class;
//! - a waiting conversation goes to an online, on-shift operator who has the
//!   skill and free capacity: least loaded first, then longest idle (longest
//!   since their load last changed). Capacity and skills are never exceeded:
//!   every assignment, including a transfer to a named operator, checks both;
//! - within a class, first come first served;
//! - **no starvation**: each class has a wait target (default urgent 1 min,
//!   high 3 min, normal 10 min, low 30 min). An operator with free capacity
//!   takes the class-queue head whose *effective deadline* — enqueue time plus
//!   its class's target — is earliest. A fresh urgent item beats a fresh normal
//!   one, but a normal item that has waited longer than (10 − 1) minutes beats
//!   every urgent item that arrives after that; so under any stream of
//!   higher-priority work a waiting item is served after at most the items
//!   whose effective deadline is earlier than its own, a finite number;
//! - an operator who goes away or offline, or whose shift ends, gives back the
//!   conversations in which the customer is waiting for them: they go to the
//!   head of their class queue, keeping their original enqueue time (so their
//!   SLA and their aging are unchanged);
//! - transfers to another queue keep the enqueue time; a transfer to a named
//!   operator (or a supervisor's reassignment) needs that operator to have the
//!   skill and free capacity.
//!
//! Every decision costs O(log n) — see `routing/state.rs` and `benches/routing.rs`.

mod check;
mod moves;
mod state;
mod transfer;

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::ids::{OperatorId, TicketId};
use crate::vocab::Priority;
use state::{ARRIVED, Conv, Op, OpIx, Place, State};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorStatus {
    Online,
    Away,
    Offline,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterConfig {
    /// Wait targets by class, for aging: low, normal, high, urgent.
    pub wait_target: [SignedDuration; 4],
}

impl Default for RouterConfig {
    fn default() -> Self {
        RouterConfig {
            wait_target: [30, 10, 3, 1].map(SignedDuration::from_mins),
        }
    }
}

/// An operator as staff management describes them.
#[derive(Debug, Clone)]
pub struct OperatorSpec {
    pub id: OperatorId,
    pub skills: Vec<String>,
    /// Concurrent conversations.
    pub capacity: u32,
    /// Shifts; `None` means always on shift (status alone decides).
    pub schedule: Option<Arc<Calendar>>,
}

/// What a call routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routed {
    Assigned {
        conversation: TicketId,
        operator: OperatorId,
    },
    /// Taken back from an operator; waiting at the head of its queue.
    Returned {
        conversation: TicketId,
        from: OperatorId,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    #[error("conversation {0:?} is not known to the router")]
    UnknownConversation(TicketId),
    #[error("conversation {0:?} is already routed")]
    AlreadyRouted(TicketId),
    #[error("operator {0} is not known to the router")]
    UnknownOperator(OperatorId),
    #[error("operator {0} does not have the skill {1:?}")]
    MissingSkill(OperatorId, String),
    #[error("operator {0} is at capacity or not available")]
    NotAvailable(OperatorId),
    #[error("operator {0} still holds conversations that the change would strand")]
    WouldStrand(OperatorId),
}

/// Where a conversation is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whereabouts {
    Waiting {
        skill: String,
        class: Priority,
        enqueued_at: Timestamp,
    },
    With {
        operator: OperatorId,
        awaiting_reply: bool,
    },
}

#[derive(Debug, Default)]
pub struct Router {
    s: State,
}

impl Router {
    pub fn new(config: RouterConfig) -> Self {
        Router {
            s: State {
                wait_target: config.wait_target,
                ..State::default()
            },
        }
    }

    /// Adds an operator (offline until [`Router::set_status`]) or changes one.
    /// A change that would leave them over capacity or holding a conversation
    /// of a skill they lose is refused: reassign those first.
    pub fn upsert_operator(
        &mut self,
        spec: OperatorSpec,
        now: Timestamp,
    ) -> Result<Vec<Routed>, RoutingError> {
        let skills: Vec<_> = spec.skills.iter().map(|n| self.s.skill(n)).collect();
        let ix = match self.s.op_ix.get(&spec.id) {
            Some(&ix) => {
                let op = &self.s.ops[ix as usize];
                let strands = op.assigned.iter().any(|c| {
                    self.s
                        .convs
                        .get(c)
                        .is_some_and(|c| !skills.contains(&c.skill))
                });
                if op.load > spec.capacity || strands {
                    return Err(RoutingError::WouldStrand(spec.id));
                }
                ix
            }
            None => {
                let ix = self.s.ops.len() as OpIx;
                self.s.ops.push(Op {
                    id: spec.id,
                    skills: Vec::new(),
                    capacity: 0,
                    load: 0,
                    status: OperatorStatus::Offline,
                    on_shift: true,
                    schedule: None,
                    idle_since: now,
                    assigned: Vec::new(),
                    shift_generation: 0,
                });
                self.s.op_ix.insert(spec.id, ix);
                ix
            }
        };
        self.s.set_skills(ix, skills);
        let on_shift = spec.schedule.as_ref().is_none_or(|c| c.is_working(now));
        let next_change = spec.schedule.as_ref().and_then(|c| c.next_change(now));
        self.s.update_op(ix, |o| {
            o.capacity = spec.capacity;
            o.schedule = spec.schedule;
            o.on_shift = on_shift;
            o.shift_generation = o.shift_generation.wrapping_add(1);
        });
        if let Some(at) = next_change {
            let generation = self.s.ops[ix as usize].shift_generation;
            self.s.shifts.push(std::cmp::Reverse((at, ix, generation)));
        }
        let mut out = Vec::new();
        if !on_shift {
            self.give_back(ix, now, &mut out);
        }
        self.fill(ix, now, &mut out);
        Ok(out)
    }

    pub fn set_status(
        &mut self,
        operator: OperatorId,
        status: OperatorStatus,
        now: Timestamp,
    ) -> Result<Vec<Routed>, RoutingError> {
        let ix = self.op(operator)?;
        let was = self.s.ops[ix as usize].status;
        self.s.update_op(ix, |o| {
            o.status = status;
            if was != status {
                o.idle_since = now;
            }
        });
        let mut out = Vec::new();
        if status != OperatorStatus::Online {
            self.give_back(ix, now, &mut out);
        }
        self.fill(ix, now, &mut out);
        Ok(out)
    }

    /// A conversation starts waiting for a person (handed over by the bot, a new
    /// ticket). Unknown skills get a queue of their own, served once someone has them.
    pub fn enqueue(
        &mut self,
        conversation: TicketId,
        skill: &str,
        class: Priority,
        now: Timestamp,
    ) -> Result<Vec<Routed>, RoutingError> {
        if self.s.convs.contains_key(&conversation) {
            return Err(RoutingError::AlreadyRouted(conversation));
        }
        let skill = self.s.skill(skill);
        let placeholder = Place::Assigned {
            op: OpIx::MAX,
            awaiting: false,
        };
        self.s.convs.insert(
            conversation,
            Conv {
                skill,
                class,
                enqueued_at: now,
                place: placeholder,
            },
        );
        let mut out = Vec::new();
        self.place(conversation, ARRIVED, now, &mut out);
        Ok(out)
    }

    /// The conversation ended (resolved, closed, or the customer left): its
    /// operator's capacity is freed and refilled.
    pub fn finish(
        &mut self,
        conversation: TicketId,
        now: Timestamp,
    ) -> Result<Vec<Routed>, RoutingError> {
        let c = self.conv(conversation)?;
        let mut out = Vec::new();
        match c.place {
            Place::Waiting(_) => self.s.dequeue(conversation),
            Place::Assigned { op, .. } => {
                self.s.detach(conversation, op);
                self.s.release(op, now);
                self.fill(op, now, &mut out);
            }
        }
        self.s.convs.remove(&conversation);
        Ok(out)
    }

    /// The customer wrote: they now wait for their operator. If that operator is
    /// not available any more, the conversation goes back to the queue head.
    pub fn customer_wrote(
        &mut self,
        conversation: TicketId,
        now: Timestamp,
    ) -> Result<Vec<Routed>, RoutingError> {
        let c = self.conv(conversation)?;
        let mut out = Vec::new();
        if let Place::Assigned { op, .. } = c.place {
            let o = &self.s.ops[op as usize];
            let present = o.status == OperatorStatus::Online && o.on_shift;
            if present {
                self.set_awaiting(conversation, op, true);
            } else {
                self.take_back(conversation, op, now, &mut out);
                self.fill(op, now, &mut out);
            }
        }
        Ok(out)
    }

    /// The operator answered: the customer is not waiting for them any more.
    pub fn operator_replied(&mut self, conversation: TicketId) -> Result<(), RoutingError> {
        if let Place::Assigned { op, .. } = self.conv(conversation)?.place {
            self.set_awaiting(conversation, op, false);
        }
        Ok(())
    }

    /// Applies shift starts and ends due by `now` (call it every few seconds).
    pub fn advance(&mut self, now: Timestamp) -> Vec<Routed> {
        let mut out = Vec::new();
        while let Some(&std::cmp::Reverse((at, ix, generation))) = self.s.shifts.peek() {
            if at > now {
                break;
            }
            self.s.shifts.pop();
            let op = &self.s.ops[ix as usize];
            let Some(cal) = op.schedule.clone() else {
                continue;
            };
            if op.shift_generation != generation {
                continue;
            }
            let on_shift = cal.is_working(at);
            self.s.update_op(ix, |o| o.on_shift = on_shift);
            if let Some(next) = cal.next_change(at) {
                self.s
                    .shifts
                    .push(std::cmp::Reverse((next, ix, generation)));
            }
            if !on_shift {
                self.give_back(ix, now, &mut out);
            }
            self.fill(ix, now, &mut out);
        }
        out
    }

    pub fn whereabouts(&self, conversation: TicketId) -> Option<Whereabouts> {
        let c = self.s.convs.get(&conversation)?;
        Some(match c.place {
            Place::Waiting(_) => Whereabouts::Waiting {
                skill: self.s.queues[c.skill as usize].name.clone(),
                class: c.class,
                enqueued_at: c.enqueued_at,
            },
            Place::Assigned { op, awaiting } => Whereabouts::With {
                operator: self.s.ops[op as usize].id,
                awaiting_reply: awaiting,
            },
        })
    }

    /// Conversations waiting in all queues.
    pub fn waiting(&self) -> usize {
        self.s.waiting
    }

    pub fn queue_len(&self, skill: &str, class: Priority) -> usize {
        self.s
            .skill_ix
            .get(skill)
            .map_or(0, |&s| self.s.queue_len(s, class))
    }

    /// (load, capacity) of an operator.
    pub fn load(&self, operator: OperatorId) -> Option<(u32, u32)> {
        let o = &self.s.ops[*self.s.op_ix.get(&operator)? as usize];
        Some((o.load, o.capacity))
    }

    /// Checks every invariant (O(n); for tests and debugging).
    pub fn check_invariants(&self) -> Result<(), String> {
        check::invariants(&self.s)
    }
}
