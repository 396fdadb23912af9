//! The live feed: the store's commit log made live. Every stored message
//! and every ticket change produces a [`Notice`]; PostgreSQL sends notices
//! with `NOTIFY` inside the writing transaction (so a notice is seen only
//! after its commit, on every node that `LISTEN`s), SQLite hands them to
//! in-process subscribers after the commit. A subscriber that may have missed
//! notices (its buffer was full, or the listening connection was
//! re-established) gets [`FeedEvent::Resync`] and must re-read by sequence
//! number: the feed never loses anything silently.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::ticket::{Actor, Channel, Requester, Ticket};
use tokio::sync::mpsc;

use crate::staff::{PresenceStatus, StaffAlert};
use crate::tickets::{StoredMessage, Visibility};

/// Something committed (or, for typing, said) that connected clients may need to see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// A message was stored. `message` is absent when it was too large for
    /// one notification: read it by `seq`.
    Message {
        ticket: TicketId,
        seq: i64,
        requester: Requester,
        assignee: Option<OperatorId>,
        channel: Channel,
        internal: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<StoredMessage>,
    },
    /// A ticket was created or changed (status, assignee, topic…). Boxed:
    /// a ticket with its SLA clock is several times larger than the other notices.
    Ticket { ticket: Box<Ticket> },
    /// An operator set their status.
    Presence {
        operator: OperatorId,
        status: PresenceStatus,
    },
    /// A staff account's skills, capacity or role changed (issue 12).
    Staff { operator: OperatorId },
    /// A staff notification was stored (a deadline at risk or breached).
    StaffAlert { alert: StaffAlert },
    /// A call rings these operators: what their console shows (issue 11).
    ScreenPop { pop: Box<crate::phone::ScreenPop> },
    /// Someone is typing. Ephemeral: never stored.
    Typing {
        ticket: TicketId,
        requester: Requester,
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

/// The notice of a stored message of `t`'s conversation.
pub(crate) fn message_notice(t: &Ticket, m: &StoredMessage) -> Notice {
    Notice::Message {
        ticket: m.ticket_id,
        seq: m.seq,
        requester: t.requester.clone(),
        assignee: t.assignee,
        channel: t.channel,
        internal: m.visibility == Visibility::Internal,
        message: Some(m.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use switchboard_domain::ids::CustomerId;

    fn msg(seq: i64, body: &str) -> Notice {
        let c = CustomerId::parse("c1").unwrap();
        Notice::Message {
            ticket: TicketId(1),
            seq,
            requester: Requester::Customer(c.clone()),
            assignee: None,
            channel: Channel::Chat,
            internal: false,
            message: Some(StoredMessage {
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
            }),
        }
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
