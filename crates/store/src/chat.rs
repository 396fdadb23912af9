//! The chat's storage types: batched message appends with per-conversation
//! sequence numbers, the live feed of what was committed, presence, step-up.
//!
//! The feed is the store's commit log made live. Every stored message and
//! every ticket change produces a [`Notice`]; PostgreSQL sends notices with
//! `NOTIFY` inside the writing transaction (so a notice is seen only after its
//! commit, on every node that `LISTEN`s), SQLite hands them to in-process
//! subscribers after the commit. A subscriber that may have missed notices
//! (its buffer was full, or the listening connection was re-established) gets
//! [`FeedEvent::Resync`] and must re-read by sequence number: the feed never
//! loses anything silently.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use switchboard_domain::ids::{CustomerId, OperatorId, TicketId};
use switchboard_domain::ticket::{Actor, Channel, Status, Ticket, TicketEvent};
use tokio::sync::mpsc;

use crate::{AttachmentMeta, Operator, Visibility};

/// One message to append to a conversation, as the batching writer collects them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatAppend {
    pub ticket: TicketId,
    pub author: Actor,
    pub visibility: Visibility,
    pub body: String,
    pub attachments: Vec<AttachmentMeta>,
    /// The client's id for the message: the same id is stored once.
    pub client_id: Option<String>,
    /// Structured extras (JSON), e.g. the bot's suggested answers.
    pub meta: Option<String>,
    /// An operator who may write to any conversation (a supervisor), not only their own.
    pub supervisor: bool,
    /// Audit events by the author that come with the message (what the
    /// judgement of its text found), written in the same transaction; none
    /// for a refused or duplicate item.
    pub events: Vec<TicketEvent>,
}

/// A stored message of a conversation, with its sequence number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub ticket_id: TicketId,
    pub seq: i64,
    pub id: i64,
    pub author: Actor,
    pub visibility: Visibility,
    pub body: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentMeta>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<String>,
    pub created_at: Timestamp,
}

/// Why one message of a batch was not stored; the rest of the batch is unaffected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendRefusal {
    /// No such chat, or not the author's (a customer's other conversations look absent).
    NotFound,
    /// An operator writing to a conversation assigned to someone else.
    NotAssignee,
    /// The conversation is resolved or closed.
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendOutcome {
    Stored(ChatMessage),
    /// This client id was stored before (or earlier in the same batch) under `seq`.
    Duplicate {
        seq: i64,
    },
    Refused(AppendRefusal),
}

/// A chat ticket with its last sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub ticket: Ticket,
    pub last_seq: i64,
}

/// Which conversations to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatScope {
    /// A customer's chats that are not closed, newest first.
    Customer(CustomerId),
    /// Open chats assigned to an operator, oldest first.
    Assignee(OperatorId),
    /// Chats waiting for a person: highest priority first, then oldest first.
    Queued,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresenceStatus {
    Online,
    Away,
    Offline,
}

impl PresenceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PresenceStatus::Online => "online",
            PresenceStatus::Away => "away",
            PresenceStatus::Offline => "offline",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "online" => Some(PresenceStatus::Online),
            "away" => Some(PresenceStatus::Away),
            "offline" => Some(PresenceStatus::Offline),
            _ => None,
        }
    }
}

/// An online operator and how many chats they hold now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorLoad {
    pub operator: Operator,
    pub load: u32,
}

/// Something committed (or, for typing, said) that connected clients may need to see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// A message was stored. `message` is absent when it was too large for
    /// one notification: read it by `seq`.
    Message {
        ticket: TicketId,
        seq: i64,
        customer: CustomerId,
        assignee: Option<OperatorId>,
        channel: Channel,
        internal: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<ChatMessage>,
    },
    /// A ticket was created or changed (status, assignee, topic…). Boxed:
    /// a ticket with its SLA clock is several times larger than the other notices.
    Ticket { ticket: Box<Ticket> },
    /// An operator set their status.
    Presence {
        operator: OperatorId,
        status: PresenceStatus,
    },
    /// A staff notification was stored (a deadline at risk or breached).
    StaffAlert { alert: crate::StaffAlert },
    /// Someone is typing. Ephemeral: never stored.
    Typing {
        ticket: TicketId,
        customer: CustomerId,
        assignee: Option<OperatorId>,
        from: Actor,
    },
}

/// What a feed subscriber receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedEvent {
    /// Notices in commit order.
    Notices(Vec<Notice>),
    /// Notices may have been missed: re-read what you show by sequence number.
    Resync,
}

/// Buffered events per subscriber before it is considered lagging.
pub(crate) const FEED_BUFFER: usize = 4096;

/// Largest `NOTIFY` payload we send; PostgreSQL's limit is 8000 bytes.
pub(crate) const MAX_PAYLOAD: usize = 7_600;

/// Encodes notices as JSON arrays of at most [`MAX_PAYLOAD`] bytes. A message
/// too large on its own travels without its body (receivers read it by seq).
pub(crate) fn payloads(notices: &[Notice]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::from("[");
    for n in notices {
        let mut one = serde_json::to_string(n).unwrap_or_default();
        if one.len() + 2 > MAX_PAYLOAD {
            let mut hollow = n.clone();
            if let Notice::Message { message, .. } = &mut hollow {
                *message = None;
            }
            one = serde_json::to_string(&hollow).unwrap_or_default();
        }
        if current.len() > 1 && current.len() + one.len() + 2 > MAX_PAYLOAD {
            current.push(']');
            out.push(std::mem::replace(&mut current, String::from("[")));
        }
        if current.len() > 1 {
            current.push(',');
        }
        current.push_str(&one);
    }
    if current.len() > 1 {
        current.push(']');
        out.push(current);
    }
    out
}

pub(crate) fn decode_payload(payload: &str) -> Result<Vec<Notice>, serde_json::Error> {
    serde_json::from_str(payload)
}

/// In-process fan-out of committed notices (SQLite, one node).
#[derive(Default)]
pub(crate) struct LocalFeed {
    subscribers: Mutex<Vec<Arc<Subscriber>>>,
}

struct Subscriber {
    tx: mpsc::Sender<FeedEvent>,
    lagged: AtomicBool,
}

impl LocalFeed {
    pub(crate) fn subscribe(&self) -> mpsc::Receiver<FeedEvent> {
        let (tx, rx) = mpsc::channel(FEED_BUFFER);
        let mut subs = self.subscribers.lock().unwrap_or_else(|p| p.into_inner());
        subs.push(Arc::new(Subscriber {
            tx,
            lagged: AtomicBool::new(false),
        }));
        rx
    }

    /// Never blocks the writer: a full subscriber is marked lagging and gets
    /// `Resync` as soon as it has room again.
    pub(crate) fn publish(&self, notices: Vec<Notice>) {
        if notices.is_empty() {
            return;
        }
        let mut subs = self.subscribers.lock().unwrap_or_else(|p| p.into_inner());
        subs.retain(|s| !s.tx.is_closed());
        for s in subs.iter() {
            if s.lagged.load(Ordering::Acquire) {
                if s.tx.try_send(FeedEvent::Resync).is_ok() {
                    s.lagged.store(false, Ordering::Release);
                }
                continue;
            }
            if s.tx.try_send(FeedEvent::Notices(notices.clone())).is_err() {
                s.lagged.store(true, Ordering::Release);
            }
        }
    }
}

/// A ticket row as the batch sees it once locked.
#[derive(Debug, Clone)]
pub(crate) struct LockedTicket {
    pub id: TicketId,
    pub customer: CustomerId,
    pub assignee: Option<OperatorId>,
    pub status: Status,
    pub channel: Channel,
    pub last_seq: i64,
}

/// A message the batch will insert.
#[derive(Debug, Clone)]
pub(crate) struct PlannedRow {
    pub item: usize,
    pub seq: i64,
}

enum Slot {
    Done(AppendOutcome),
    Row(usize),
    SameAsRow(usize),
}

/// What one batch writes: the rows with their sequence numbers and each
/// ticket's new counter. Decided in Rust from the locked tickets, the same way
/// for both backends.
pub(crate) struct Plan {
    slots: Vec<Slot>,
    pub rows: Vec<PlannedRow>,
    /// (ticket, new last_seq, an operator wrote in this batch)
    pub heads: Vec<(TicketId, i64, bool)>,
}

fn open(status: Status) -> bool {
    !matches!(status, Status::Resolved | Status::Closed)
}

pub(crate) fn plan_batch(
    items: &[ChatAppend],
    tickets: &[LockedTicket],
    existing: &HashMap<(i64, String), i64>,
) -> Plan {
    let by_id: HashMap<i64, &LockedTicket> = tickets.iter().map(|t| (t.id.0, t)).collect();
    let mut next: HashMap<i64, (i64, bool)> = HashMap::new();
    let mut in_batch: HashMap<(i64, String), usize> = HashMap::new();
    let mut slots = Vec::with_capacity(items.len());
    let mut rows = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(t) = by_id.get(&item.ticket.0) else {
            slots.push(Slot::Done(AppendOutcome::Refused(AppendRefusal::NotFound)));
            continue;
        };
        let refusal = match &item.author {
            _ if t.channel != Channel::Chat => Some(AppendRefusal::NotFound),
            Actor::Customer(c) if *c != t.customer => Some(AppendRefusal::NotFound),
            Actor::Operator(o) if !item.supervisor && t.assignee != Some(*o) => {
                Some(AppendRefusal::NotAssignee)
            }
            Actor::Customer(_) | Actor::Operator(_) if !open(t.status) => {
                Some(AppendRefusal::Closed)
            }
            _ => None,
        };
        if let Some(r) = refusal {
            slots.push(Slot::Done(AppendOutcome::Refused(r)));
            continue;
        }
        if let Some(cid) = &item.client_id {
            let key = (t.id.0, cid.clone());
            if let Some(seq) = existing.get(&key) {
                slots.push(Slot::Done(AppendOutcome::Duplicate { seq: *seq }));
                continue;
            }
            if let Some(row) = in_batch.get(&key) {
                slots.push(Slot::SameAsRow(*row));
                continue;
            }
            in_batch.insert(key, rows.len());
        }
        let head = next.entry(t.id.0).or_insert((t.last_seq, false));
        head.0 += 1;
        head.1 |= matches!(item.author, Actor::Operator(_));
        slots.push(Slot::Row(rows.len()));
        rows.push(PlannedRow {
            item: i,
            seq: head.0,
        });
    }
    let mut heads: Vec<(TicketId, i64, bool)> = next
        .into_iter()
        .map(|(id, (seq, op))| (TicketId(id), seq, op))
        .collect();
    heads.sort_by_key(|h| h.0);
    Plan { slots, rows, heads }
}

impl Plan {
    /// Outcomes in item order plus the notices, given the ids the rows got.
    pub(crate) fn finish(
        self,
        items: &[ChatAppend],
        tickets: &[LockedTicket],
        row_ids: &[i64],
        at: Timestamp,
    ) -> (Vec<AppendOutcome>, Vec<Notice>) {
        let by_id: HashMap<i64, &LockedTicket> = tickets.iter().map(|t| (t.id.0, t)).collect();
        let messages: Vec<ChatMessage> = self
            .rows
            .iter()
            .zip(row_ids)
            .map(|(r, id)| {
                let item = &items[r.item];
                ChatMessage {
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
        let notices = messages
            .iter()
            .filter_map(|m| {
                let t = by_id.get(&m.ticket_id.0)?;
                Some(message_notice(t.customer.clone(), t.assignee, t.channel, m))
            })
            .collect();
        let outcomes = self
            .slots
            .into_iter()
            .map(|s| match s {
                Slot::Done(o) => o,
                Slot::Row(r) => AppendOutcome::Stored(messages[r].clone()),
                Slot::SameAsRow(r) => AppendOutcome::Duplicate {
                    seq: messages[r].seq,
                },
            })
            .collect();
        (outcomes, notices)
    }
}

pub(crate) fn message_notice(
    customer: CustomerId,
    assignee: Option<OperatorId>,
    channel: Channel,
    m: &ChatMessage,
) -> Notice {
    Notice::Message {
        ticket: m.ticket_id,
        seq: m.seq,
        customer,
        assignee,
        channel,
        internal: m.visibility == Visibility::Internal,
        message: Some(m.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(seq: i64, body: &str) -> Notice {
        let c = CustomerId::parse("c1").unwrap();
        message_notice(
            c.clone(),
            None,
            Channel::Chat,
            &ChatMessage {
                ticket_id: TicketId(1),
                seq,
                id: seq,
                author: Actor::Customer(c),
                visibility: Visibility::Public,
                body: body.into(),
                attachments: Vec::new(),
                client_id: None,
                meta: None,
                created_at: Timestamp::UNIX_EPOCH,
            },
        )
    }

    #[test]
    fn payloads_stay_under_the_notify_limit_and_round_trip() {
        let notices: Vec<Notice> = (1..=40).map(|i| msg(i, &"я".repeat(200))).collect();
        let chunks = payloads(&notices);
        assert!(chunks.len() > 1);
        let mut back = Vec::new();
        for c in &chunks {
            assert!(c.len() <= MAX_PAYLOAD, "{}", c.len());
            back.extend(decode_payload(c).unwrap());
        }
        assert_eq!(back, notices);
        let big = payloads(&[msg(1, &"ы".repeat(10_000))]);
        assert_eq!(big.len(), 1);
        match &decode_payload(&big[0]).unwrap()[0] {
            Notice::Message { message, seq, .. } => {
                assert!(message.is_none());
                assert_eq!(*seq, 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_full_local_subscriber_gets_resync_instead_of_silent_loss() {
        let feed = LocalFeed::default();
        let mut rx = feed.subscribe();
        for i in 0..(FEED_BUFFER as i64 + 10) {
            feed.publish(vec![msg(i, "x")]);
        }
        for _ in 0..FEED_BUFFER {
            assert!(matches!(rx.recv().await, Some(FeedEvent::Notices(_))));
        }
        feed.publish(vec![msg(99_999, "x")]);
        assert_eq!(rx.recv().await, Some(FeedEvent::Resync));
        feed.publish(vec![msg(100_000, "x")]);
        assert!(matches!(rx.recv().await, Some(FeedEvent::Notices(_))));
    }
}
