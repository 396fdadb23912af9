//! What a connection is shown: the hello, the conversations it is attached
//! to with everything after the last `seq` it sent (replayed from the store
//! on a gap or a resync), and the feed's notices for them; for operators,
//! the queue and the conversations that become theirs or leave them.

use switchboard_domain::ids::{TicketId, TicketNumber};
use switchboard_domain::ticket::{Channel, Status, Ticket};
use switchboard_store::{ConversationScope, Notice, Role};

use super::{Attached, REPLAY_PAGE, Session, Who};
use crate::chat::protocol::{ConversationView, MessageView, ServerFrame};

impl Session {
    pub(super) async fn hello(&mut self) {
        let frame = match &self.who {
            Who::Customer(c, _) => {
                let conversations = self
                    .core
                    .store
                    .conversations(
                        &ConversationScope::Customer(c.id.clone(), Channel::Chat),
                        20,
                    )
                    .await
                    .unwrap_or_default()
                    .iter()
                    .map(|cv| ConversationView::new(&cv.ticket, cv.last_seq, false))
                    .collect();
                ServerFrame::Hello {
                    role: "customer",
                    name: c.name.clone(),
                    conversations,
                    queue: Vec::new(),
                }
            }
            Who::Operator(o) => {
                let conversations = self
                    .core
                    .store
                    .conversations(&ConversationScope::Assignee(o.id), 200)
                    .await
                    .unwrap_or_default()
                    .iter()
                    .map(|cv| ConversationView::new(&cv.ticket, cv.last_seq, true))
                    .collect();
                let queue = self
                    .core
                    .store
                    .conversations(&ConversationScope::Queued, 200)
                    .await
                    .unwrap_or_default()
                    .iter()
                    .filter(|cv| self.has_skill(&cv.ticket))
                    .map(|cv| ConversationView::new(&cv.ticket, cv.last_seq, true))
                    .collect();
                ServerFrame::Hello {
                    role: "operator",
                    name: o.name.clone(),
                    conversations,
                    queue,
                }
            }
        };
        self.send(&frame).await;
    }

    /// Whether this member of staff may see the conversation (`core::access`).
    pub(super) fn has_skill(&self, t: &Ticket) -> bool {
        match &self.who {
            Who::Operator(o) => switchboard_core::access::sees(&self.core.catalog(), o, t),
            Who::Customer(..) => false,
        }
    }

    /// Attaches a conversation and sends its state and everything after `last`.
    /// A `last` beyond the end is taken as the end, which the `conversation`
    /// frame states: later messages are then delivered from there, none skipped.
    pub(super) async fn attach(&mut self, t: &Ticket, last: i64) {
        let head = self
            .core
            .store
            .conversation(t.id)
            .await
            .map(|c| c.last_seq)
            .unwrap_or(last);
        let last = last.min(head);
        self.attached.insert(
            t.id,
            Attached {
                last,
                ticket: t.clone(),
            },
        );
        let frame = ServerFrame::Conversation(ConversationView::new(t, head, self.staff()));
        self.send(&frame).await;
        self.replay(t.id).await;
    }

    pub(super) async fn replay(&mut self, ticket: TicketId) {
        let staff = self.staff();
        loop {
            let Some(last) = self.attached.get(&ticket).map(|a| a.last) else {
                return;
            };
            let page = match self
                .core
                .store
                .messages(ticket, last, REPLAY_PAGE, staff)
                .await
            {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(error = %e, "chat replay failed");
                    return;
                }
            };
            for m in &page {
                let frame = ServerFrame::Message(MessageView::new(m, staff, &self.actor));
                self.send(&frame).await;
                if let Some(a) = self.attached.get_mut(&ticket) {
                    a.last = m.seq;
                }
            }
            if page.len() < REPLAY_PAGE as usize || !self.open {
                return;
            }
        }
    }

    pub(super) async fn resync(&mut self) {
        let ids: Vec<TicketId> = self.attached.keys().copied().collect();
        for id in ids {
            self.replay(id).await;
        }
    }

    pub(super) async fn on_notice(&mut self, notice: &Notice) {
        match notice {
            Notice::Message {
                ticket,
                seq,
                internal,
                message,
                ..
            } => {
                let staff = self.staff();
                let Some(a) = self.attached.get_mut(ticket) else {
                    return;
                };
                if *seq <= a.last {
                    return;
                }
                match message {
                    Some(m) if *seq == a.last + 1 => {
                        a.last = *seq;
                        if *internal && !staff {
                            return;
                        }
                        let frame = ServerFrame::Message(MessageView::new(m, staff, &self.actor));
                        self.send(&frame).await;
                    }
                    _ => self.replay(*ticket).await,
                }
            }
            Notice::Ticket { ticket } => self.on_ticket(ticket).await,
            Notice::Typing { ticket, from, .. } => {
                if self.attached.contains_key(ticket) && *from != self.actor {
                    let frame = ServerFrame::Typing {
                        conversation: TicketNumber::from_id(*ticket).to_string(),
                        from: from.kind(),
                    };
                    self.send(&frame).await;
                }
            }
            Notice::Presence { .. } | Notice::Staff { .. } => {}
            Notice::StaffAlert { alert } => {
                if self.staff() {
                    self.send(&ServerFrame::Alert(alert.clone())).await;
                }
            }
            Notice::ScreenPop { pop } => {
                if self.staff() {
                    self.send(&ServerFrame::ScreenPop(pop.as_ref().clone()))
                        .await;
                }
            }
        }
    }

    pub(super) async fn on_ticket(&mut self, t: &Ticket) {
        let staff = self.staff();
        let me = match &self.who {
            Who::Operator(o) => Some(o.id),
            Who::Customer(..) => None,
        };
        if let Some(a) = self.attached.get_mut(&t.id) {
            let changed = a.ticket.status != t.status || a.ticket.assignee != t.assignee;
            if t.version >= a.ticket.version {
                a.ticket = t.clone();
            }
            let last = a.last;
            let gone = t.assignee != me && !self.has_skill_override();
            if staff && me.is_some() && (gone || !self.has_skill(t)) {
                self.attached.remove(&t.id);
                let frame = ServerFrame::Unassigned {
                    conversation: t.number.to_string(),
                };
                self.send(&frame).await;
                return;
            }
            if changed {
                let frame = ServerFrame::Conversation(ConversationView::new(t, last, staff));
                self.send(&frame).await;
            }
            return;
        }
        if !staff {
            return;
        }
        if me.is_some()
            && t.assignee == me
            && !matches!(t.status, Status::Resolved | Status::Closed)
        {
            let frame = ServerFrame::Assigned(ConversationView::new(t, 0, true));
            self.send(&frame).await;
            self.attach(t, 0).await;
        } else if t.status == Status::Queued && t.assignee.is_none() && self.has_skill(t) {
            let frame = ServerFrame::Queued(ConversationView::new(t, 0, true));
            self.send(&frame).await;
        }
    }

    /// Supervisors keep conversations they resumed whoever holds them.
    pub(super) fn has_skill_override(&self) -> bool {
        matches!(&self.who, Who::Operator(o) if o.role != Role::Operator)
    }
}
