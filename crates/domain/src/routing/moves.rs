//! The moves every public operation is made of: placing a conversation,
//! filling an operator's free capacity, taking conversations back.

use jiff::Timestamp;

use super::state::{OpIx, Place, RETURNED};
use super::{Conv, Routed, Router, RoutingError};
use crate::ids::{OperatorId, TicketId};

impl Router {
    pub(super) fn op(&self, id: OperatorId) -> Result<OpIx, RoutingError> {
        self.s
            .op_ix
            .get(&id)
            .copied()
            .ok_or(RoutingError::UnknownOperator(id))
    }

    pub(super) fn conv(&self, id: TicketId) -> Result<Conv, RoutingError> {
        self.s
            .convs
            .get(&id)
            .copied()
            .ok_or(RoutingError::UnknownConversation(id))
    }

    pub(super) fn set_awaiting(&mut self, id: TicketId, op: OpIx, awaiting: bool) {
        if let Some(c) = self.s.convs.get_mut(&id) {
            c.place = Place::Assigned { op, awaiting };
        }
    }

    /// To the first available operator with the skill, or into the queue.
    pub(super) fn place(&mut self, id: TicketId, band: u8, now: Timestamp, out: &mut Vec<Routed>) {
        let Some(c) = self.s.convs.get(&id) else {
            return;
        };
        match self.s.first_available(c.skill) {
            Some(ix) => {
                self.s.assign(id, ix, now);
                out.push(Routed::Assigned {
                    conversation: id,
                    operator: self.s.ops[ix as usize].id,
                });
            }
            None => self.s.enqueue(id, band),
        }
    }

    /// Fills an operator's free capacity from the queues of its skills.
    pub(super) fn fill(&mut self, ix: OpIx, now: Timestamp, out: &mut Vec<Routed>) {
        while self.s.ops[ix as usize].avail_key(ix).is_some() {
            let Some(id) = self.s.best_for(ix) else {
                break;
            };
            self.s.assign(id, ix, now);
            out.push(Routed::Assigned {
                conversation: id,
                operator: self.s.ops[ix as usize].id,
            });
        }
    }

    pub(super) fn take_back(
        &mut self,
        id: TicketId,
        op: OpIx,
        now: Timestamp,
        out: &mut Vec<Routed>,
    ) {
        self.s.detach(id, op);
        self.s.release(op, now);
        out.push(Routed::Returned {
            conversation: id,
            from: self.s.ops[op as usize].id,
        });
        self.place(id, RETURNED, now, out);
    }

    /// Returns every conversation in which the customer waits for this operator.
    pub(super) fn give_back(&mut self, ix: OpIx, now: Timestamp, out: &mut Vec<Routed>) {
        let waiting: Vec<TicketId> = self.s.ops[ix as usize]
            .assigned
            .iter()
            .copied()
            .filter(|c| {
                self.s
                    .convs
                    .get(c)
                    .is_some_and(|c| matches!(c.place, Place::Assigned { awaiting: true, .. }))
            })
            .collect();
        for id in waiting {
            self.take_back(id, ix, now, out);
        }
    }
}
