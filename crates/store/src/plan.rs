//! What one batch of appended messages writes, decided in Rust from the
//! locked tickets the same way for both backends: each message is decided by
//! the domain ([`Ticket::append`]) on its ticket as it stands after the
//! batch's earlier messages; a refused or duplicate one leaves the others
//! alone. The backends then write the plan's rows, ticket changes and
//! counters, and announce its notices.

use std::collections::HashMap;

use jiff::Timestamp;
use switchboard_domain::ticket::{
    Append, AppendRefusal, DeadlineRules, Status, Ticket, TicketEvent,
};

use crate::feed::{Notice, message_notice};
use crate::{AppendItem, AppendOutcome, StoredMessage, Visibility};

/// A ticket as the batch locked it, with its message counter.
#[derive(Debug, Clone)]
pub(crate) struct Locked {
    pub ticket: Ticket,
    pub last_seq: i64,
}

/// A message the batch will insert, with the audit events that come with it
/// (the domain's, then the item's own).
#[derive(Debug, Clone)]
pub(crate) struct PlannedRow {
    pub item: usize,
    pub seq: i64,
    pub events: Vec<TicketEvent>,
    /// The ticket's status right after this message.
    pub status: Status,
}

enum Slot {
    Done(AppendOutcome),
    Row(usize),
    SameAsRow(usize),
}

/// Outside ids already stored: `(ticket, external id) → seq`. Outside ids
/// are unique per channel; a ticket has one channel, so the ticket stands
/// for it here.
pub(crate) type KnownIds = HashMap<(i64, String), i64>;

pub(crate) struct Plan {
    slots: Vec<Slot>,
    pub rows: Vec<PlannedRow>,
    /// Each touched ticket's new message counter.
    pub heads: Vec<(i64, i64)>,
    /// Tickets the messages changed, as they are after the batch (their
    /// `version` is still the locked one: the write checks and bumps it).
    pub changed: Vec<Ticket>,
}

struct Head {
    ticket: Ticket,
    seq: i64,
    changed: bool,
}

pub(crate) fn plan_batch(
    items: &[AppendItem],
    locked: &[Locked],
    client_ids: &KnownIds,
    external_ids: &KnownIds,
    rules: &DeadlineRules,
    at: Timestamp,
) -> Plan {
    let mut heads: HashMap<i64, Head> = locked
        .iter()
        .map(|l| {
            let head = Head {
                ticket: l.ticket.clone(),
                seq: l.last_seq,
                changed: false,
            };
            (l.ticket.id.0, head)
        })
        .collect();
    let mut in_batch: HashMap<(i64, bool, String), usize> = HashMap::new();
    let mut slots = Vec::with_capacity(items.len());
    let mut rows: Vec<PlannedRow> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let id = item.ticket.0;
        let Some(head) = heads.get_mut(&id) else {
            slots.push(Slot::Done(AppendOutcome::Refused(AppendRefusal::NotFound)));
            continue;
        };
        let keys = [
            (false, item.client_id.as_ref(), client_ids),
            (true, item.external_id.as_ref(), external_ids),
        ];
        let mut seen = None;
        for (external, key, known) in keys {
            let Some(key) = key else { continue };
            if let Some(seq) = known.get(&(id, key.clone())) {
                seen = Some(Slot::Done(AppendOutcome::Duplicate { seq: *seq }));
            } else if let Some(row) = in_batch.get(&(id, external, key.clone())) {
                seen = Some(Slot::SameAsRow(*row));
            }
        }
        if let Some(slot) = seen {
            slots.push(slot);
            continue;
        }
        let append = Append {
            author: item.author.clone(),
            internal: item.visibility == Visibility::Internal,
            supervisor: item.supervisor,
        };
        let outcome = match head.ticket.append(&append, rules, at) {
            Ok(o) => o,
            Err(r) => {
                slots.push(Slot::Done(AppendOutcome::Refused(r)));
                continue;
            }
        };
        if outcome.ticket != head.ticket {
            head.ticket = outcome.ticket;
            head.changed = true;
        }
        head.seq += 1;
        for (external, key) in [(false, &item.client_id), (true, &item.external_id)] {
            if let Some(key) = key {
                in_batch.insert((id, external, key.clone()), rows.len());
            }
        }
        let mut events = outcome.events;
        events.extend(item.events.iter().cloned());
        slots.push(Slot::Row(rows.len()));
        rows.push(PlannedRow {
            item: i,
            seq: head.seq,
            events,
            status: head.ticket.status,
        });
    }
    let mut touched: Vec<(i64, i64)> = Vec::new();
    let mut changed = Vec::new();
    for (id, head) in heads {
        let before = locked
            .iter()
            .find(|l| l.ticket.id.0 == id)
            .map(|l| l.last_seq);
        if before != Some(head.seq) {
            touched.push((id, head.seq));
        }
        if head.changed {
            changed.push(head.ticket);
        }
    }
    touched.sort_unstable();
    changed.sort_by_key(|t| t.id);
    Plan {
        slots,
        rows,
        heads: touched,
        changed,
    }
}

impl Plan {
    /// Outcomes in item order plus the notices, given the ids the rows got
    /// and the tickets as stored (with their new versions).
    pub(crate) fn finish(
        mut self,
        items: &[AppendItem],
        stored: &[Ticket],
        locked: &[Locked],
        row_ids: &[i64],
        at: Timestamp,
    ) -> (Vec<AppendOutcome>, Vec<Notice>) {
        let current = |id: i64| {
            stored
                .iter()
                .find(|t| t.id.0 == id)
                .or_else(|| locked.iter().map(|l| &l.ticket).find(|t| t.id.0 == id))
        };
        let messages: Vec<StoredMessage> = self
            .rows
            .iter()
            .zip(row_ids)
            .map(|(r, id)| {
                let item = &items[r.item];
                StoredMessage {
                    ticket_id: item.ticket,
                    seq: r.seq,
                    id: *id,
                    author: item.author.clone(),
                    visibility: item.visibility,
                    body: item.body.clone(),
                    attachments: item.attachments.clone(),
                    client_id: item.client_id.clone(),
                    meta: item.meta.clone(),
                    created_at: at,
                }
            })
            .collect();
        let mut notices: Vec<Notice> = stored
            .iter()
            .map(|t| Notice::Ticket {
                ticket: Box::new(t.clone()),
            })
            .collect();
        notices.extend(
            messages
                .iter()
                .filter_map(|m| Some(message_notice(current(m.ticket_id.0)?, m))),
        );
        let outcomes = std::mem::take(&mut self.slots)
            .into_iter()
            .map(|s| match s {
                Slot::Done(o) => o,
                Slot::Row(r) => AppendOutcome::Stored(messages[r].clone(), self.rows[r].status),
                Slot::SameAsRow(r) => AppendOutcome::Duplicate {
                    seq: messages[r].seq,
                },
            })
            .collect();
        (outcomes, notices)
    }
}
