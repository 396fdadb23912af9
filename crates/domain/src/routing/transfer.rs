//! Transfers between queues and to a named operator (also a supervisor's reassignment).

use jiff::Timestamp;

use super::state::{ARRIVED, Place};
use super::{Routed, Router, RoutingError};
use crate::ids::{OperatorId, TicketId};
use crate::vocab::Priority;

impl Router {
    /// Moves a conversation to another queue (and class), keeping its enqueue time.
    pub fn transfer_to_queue(
        &mut self,
        conversation: TicketId,
        skill: &str,
        class: Priority,
        now: Timestamp,
    ) -> Result<Vec<Routed>, RoutingError> {
        let c = self.conv(conversation)?;
        let skill = self.s.skill(skill);
        let mut out = Vec::new();
        let previous = match c.place {
            Place::Waiting(_) => {
                self.s.dequeue(conversation);
                None
            }
            Place::Assigned { op, .. } => {
                self.s.detach(conversation, op);
                Some(op)
            }
        };
        if let Some(conv) = self.s.convs.get_mut(&conversation) {
            conv.skill = skill;
            conv.class = class;
        }
        self.place(conversation, ARRIVED, now, &mut out);
        if let Some(op) = previous {
            self.s.release(op, now);
            self.fill(op, now, &mut out);
        }
        Ok(out)
    }

    /// Gives a conversation to a named operator (a transfer, or a supervisor's
    /// reassignment). The operator must be online, have the skill and free capacity.
    pub fn assign_to(
        &mut self,
        conversation: TicketId,
        operator: OperatorId,
        now: Timestamp,
    ) -> Result<Vec<Routed>, RoutingError> {
        let c = self.conv(conversation)?;
        let ix = self.op(operator)?;
        let o = &self.s.ops[ix as usize];
        if !o.skills.contains(&c.skill) {
            let name = self.s.queues[c.skill as usize].name.clone();
            return Err(RoutingError::MissingSkill(operator, name));
        }
        if matches!(c.place, Place::Assigned { op, .. } if op == ix) {
            return Ok(Vec::new());
        }
        if o.avail_key(ix).is_none() {
            return Err(RoutingError::NotAvailable(operator));
        }
        let mut out = Vec::new();
        let previous = match c.place {
            Place::Assigned { op, .. } => {
                self.s.detach(conversation, op);
                Some(op)
            }
            Place::Waiting(_) => None,
        };
        self.s.assign(conversation, ix, now);
        out.push(Routed::Assigned {
            conversation,
            operator,
        });
        if let Some(op) = previous {
            self.s.release(op, now);
            self.fill(op, now, &mut out);
        }
        Ok(out)
    }
}

impl Router {
    /// Puts back a conversation an operator already holds, when the router is
    /// rebuilt from the store: the skill and capacity are checked, the
    /// operator's status is not (an operator who is away may still hold
    /// conversations in which the customer is not waiting).
    pub fn restore(
        &mut self,
        conversation: TicketId,
        skill: &str,
        class: Priority,
        operator: OperatorId,
        awaiting_reply: bool,
        now: Timestamp,
    ) -> Result<(), RoutingError> {
        if self.s.convs.contains_key(&conversation) {
            return Err(RoutingError::AlreadyRouted(conversation));
        }
        let ix = self.op(operator)?;
        let skill_ix = self.s.skill(skill);
        let o = &self.s.ops[ix as usize];
        if !o.skills.contains(&skill_ix) {
            return Err(RoutingError::MissingSkill(operator, skill.to_owned()));
        }
        if o.load >= o.capacity {
            return Err(RoutingError::NotAvailable(operator));
        }
        self.s.convs.insert(
            conversation,
            super::Conv {
                skill: skill_ix,
                class,
                enqueued_at: now,
                place: Place::Assigned {
                    op: ix,
                    awaiting: awaiting_reply,
                },
            },
        );
        self.s.assign(conversation, ix, now);
        self.set_awaiting(conversation, ix, awaiting_reply);
        Ok(())
    }
}
