//! Chat: per-conversation sequence numbers, idempotent client ids, refusals
//! checked on locked rows, the live feed, presence and capacity, step-up.

use switchboard_domain::chat::{StepUp, StepUpOutcome};
use switchboard_domain::ids::TicketId;
use switchboard_domain::ticket::{Actor, Channel, Status, Ticket, TicketEvent};
use switchboard_store::testing::{fresh_db, fresh_store};
use switchboard_store::{
    AppendOutcome, AppendRefusal, ChatAppend, ChatScope, FeedEvent, Notice, PresenceStatus, Store,
    StoreError, TicketChange, Visibility,
};

use crate::support::*;

fn chat_ticket(customer: &str) -> switchboard_domain::intake::NewTicket {
    let mut t = new_ticket(customer, at(0));
    t.channel = Channel::Chat;
    t.status = Status::WithBot;
    t.description = "Где мой заказ?".into();
    t
}

fn says(ticket: TicketId, author: Actor, body: &str, client_id: Option<&str>) -> ChatAppend {
    ChatAppend {
        ticket,
        author,
        visibility: Visibility::Public,
        body: body.into(),
        attachments: Vec::new(),
        client_id: client_id.map(str::to_owned),
        meta: None,
        supervisor: false,
        events: Vec::new(),
    }
}

fn seq_of(o: &AppendOutcome) -> i64 {
    match o {
        AppendOutcome::Stored(m) => m.seq,
        AppendOutcome::Duplicate { seq } => *seq,
        AppendOutcome::Refused(r) => panic!("refused: {r:?}"),
    }
}

async fn open_chat(store: &dyn Store, customer: &str, client_id: &str) -> Ticket {
    let (t, first, created) = store
        .open_chat(&chat_ticket(customer), client_id)
        .await
        .expect("open chat");
    assert!(created);
    assert_eq!(first.seq, 1);
    t
}

#[tokio::test]
async fn opening_a_chat_is_idempotent_per_client_id() {
    let store = fresh_store().await;
    let t = open_chat(&*store, "buyer-1", "c-1").await;
    let (again, first, created) = store
        .open_chat(&chat_ticket("buyer-1"), "c-1")
        .await
        .expect("reopen");
    assert!(!created);
    assert_eq!(again.id, t.id);
    assert_eq!(first.client_id.as_deref(), Some("c-1"));
    assert_eq!(first.body, "Где мой заказ?");
    // Another customer may use the same client id.
    let other = open_chat(&*store, "buyer-2", "c-1").await;
    assert_ne!(other.id, t.id);
    let events = store.events(t.id).await.expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(store.conversation(t.id).await.expect("head").last_seq, 1);
}

#[tokio::test]
async fn batches_number_messages_per_conversation_and_dedupe_client_ids() {
    let store = fresh_store().await;
    let a = open_chat(&*store, "buyer-1", "a").await;
    let b = open_chat(&*store, "buyer-2", "b").await;
    let anna = Actor::Customer(customer_id("buyer-1"));
    let bob = Actor::Customer(customer_id("buyer-2"));
    let out = store
        .append_chat_messages(
            &[
                says(a.id, anna.clone(), "a2", Some("m1")),
                says(b.id, bob.clone(), "b2", Some("m1")),
                says(a.id, anna.clone(), "a3", Some("m2")),
                says(a.id, anna.clone(), "a3 again", Some("m2")),
                says(a.id, Actor::Bot, "bot", None),
            ],
            at(5),
        )
        .await
        .expect("append");
    assert_eq!(out.iter().map(seq_of).collect::<Vec<_>>(), [2, 2, 3, 3, 4]);
    assert!(matches!(out[3], AppendOutcome::Duplicate { seq: 3 }));
    // A resend in a later batch gets the same seq and stores nothing.
    let again = store
        .append_chat_messages(&[says(a.id, anna.clone(), "a2", Some("m1"))], at(6))
        .await
        .expect("resend");
    assert_eq!(again, [AppendOutcome::Duplicate { seq: 2 }]);

    let all = store
        .chat_messages(a.id, 0, 100, false)
        .await
        .expect("read");
    assert_eq!(
        all.iter()
            .map(|m| (m.seq, m.body.as_str()))
            .collect::<Vec<_>>(),
        [(1, "Где мой заказ?"), (2, "a2"), (3, "a3"), (4, "bot")]
    );
    assert_eq!(all[3].author, Actor::Bot);
    let tail = store.chat_messages(a.id, 2, 1, false).await.expect("tail");
    assert_eq!(tail.iter().map(|m| m.seq).collect::<Vec<_>>(), [3]);
    assert_eq!(store.conversation(a.id).await.expect("head").last_seq, 4);
    // The ticket's other messages API sees the same dialogue.
    assert_eq!(
        store.messages(a.id, false).await.expect("messages").len(),
        4
    );
}

#[tokio::test]
async fn refusals_are_per_item_and_store_nothing() {
    let store = fresh_store().await;
    let t = open_chat(&*store, "buyer-1", "a").await;
    let op = operator(&*store, "op-1").await;
    let out = store
        .append_chat_messages(
            &[
                says(t.id, Actor::Customer(customer_id("buyer-2")), "hi", None),
                says(t.id, Actor::Operator(op.id), "hi", None),
                says(
                    TicketId(9_999),
                    Actor::Customer(customer_id("buyer-1")),
                    "x",
                    None,
                ),
                says(t.id, Actor::Customer(customer_id("buyer-1")), "ok", None),
            ],
            at(1),
        )
        .await
        .expect("append");
    assert_eq!(out[0], AppendOutcome::Refused(AppendRefusal::NotFound));
    assert_eq!(out[1], AppendOutcome::Refused(AppendRefusal::NotAssignee));
    assert_eq!(out[2], AppendOutcome::Refused(AppendRefusal::NotFound));
    assert_eq!(seq_of(&out[3]), 2);

    // A form ticket is not a chat.
    let form = open(&*store, "buyer-1", at(0)).await;
    let out = store
        .append_chat_messages(
            &[says(
                form.id,
                Actor::Customer(customer_id("buyer-1")),
                "x",
                None,
            )],
            at(1),
        )
        .await
        .expect("append");
    assert_eq!(out[0], AppendOutcome::Refused(AppendRefusal::NotFound));

    // Once resolved, people cannot write; the bot can still say goodbye.
    let mut resolved = store.ticket(t.id).await.expect("ticket");
    resolved.status = Status::Resolved;
    store
        .save_change(&touch(&resolved, Actor::Bot, at(2)))
        .await
        .expect("resolve");
    let out = store
        .append_chat_messages(
            &[
                says(t.id, Actor::Customer(customer_id("buyer-1")), "x", None),
                says(t.id, Actor::Bot, "bye", None),
            ],
            at(3),
        )
        .await
        .expect("append");
    assert_eq!(out[0], AppendOutcome::Refused(AppendRefusal::Closed));
    assert_eq!(seq_of(&out[1]), 3);
}

#[tokio::test]
async fn the_feed_carries_committed_messages_and_ticket_changes_in_order() {
    let store = fresh_store().await;
    let mut feed = store.subscribe_feed().await.expect("subscribe");
    let t = open_chat(&*store, "buyer-1", "a").await;
    let anna = Actor::Customer(customer_id("buyer-1"));
    store
        .append_chat_messages(
            &[
                says(t.id, anna.clone(), "two", None),
                says(t.id, anna, "three", None),
            ],
            at(1),
        )
        .await
        .expect("append");
    store
        .publish(&Notice::Typing {
            ticket: t.id,
            customer: customer_id("buyer-1"),
            assignee: None,
            from: Actor::Bot,
        })
        .await
        .expect("typing");
    let mut seen = Vec::new();
    while seen.len() < 5 {
        match feed.recv().await.expect("feed open") {
            FeedEvent::Notices(n) => seen.extend(n),
            FeedEvent::Resync => panic!("unexpected resync"),
        }
    }
    assert!(matches!(&seen[0], Notice::Ticket { ticket } if ticket.id == t.id));
    let seqs: Vec<i64> = seen
        .iter()
        .filter_map(|n| match n {
            Notice::Message { seq, message, .. } => {
                assert!(message.is_some());
                Some(*seq)
            }
            _ => None,
        })
        .collect();
    assert_eq!(seqs, [1, 2, 3]);
    assert!(matches!(seen[4], Notice::Typing { .. }));
}

#[tokio::test]
async fn assignment_respects_presence_and_capacity() {
    let store = fresh_store().await;
    let op = operator(&*store, "op-1").await; // capacity 7
    let t = open_chat(&*store, "buyer-1", "a").await;
    let mut queued = t.clone();
    queued.status = Status::Queued;
    let t = store
        .save_change(&touch(&queued, Actor::Bot, at(1)))
        .await
        .expect("queue");
    let listed = store
        .conversations(&ChatScope::Queued, 10)
        .await
        .expect("queue");
    assert_eq!(listed.len(), 1);
    let assign = |t: &Ticket| {
        let mut next = t.clone();
        next.assignee = Some(op.id);
        next.status = Status::Assigned;
        TicketChange {
            ticket: next,
            actor: Actor::System,
            events: vec![TicketEvent::Assigned {
                from: None,
                to: Some(op.id),
            }],
            message: None,
            notifications: Vec::new(),
        }
    };
    // Offline operators take nothing.
    assert!(matches!(
        store.assign_chat(&assign(&t), op.id, at(2)).await,
        Err(StoreError::Conflict(_))
    ));
    store
        .set_presence(op.id, PresenceStatus::Online, at(60_000), at(2))
        .await
        .expect("online");
    let online = store.online_operators(at(3)).await.expect("online");
    assert_eq!(online.len(), 1);
    assert_eq!(online[0].load, 0);
    // A lapsed lease is as good as offline.
    assert!(
        store
            .online_operators(at(60_001))
            .await
            .expect("none")
            .is_empty()
    );
    let assigned = store
        .assign_chat(&assign(&t), op.id, at(3))
        .await
        .expect("assign");
    assert_eq!(assigned.assignee, Some(op.id));
    assert_eq!(
        store.online_operators(at(4)).await.expect("load")[0].load,
        1
    );
    let mine = store
        .conversations(&ChatScope::Assignee(op.id), 10)
        .await
        .expect("mine");
    assert_eq!(mine[0].ticket.id, t.id);

    // At capacity: the next one is refused.
    db_fill_capacity(&*store, op.id, 6).await;
    let other = open_chat(&*store, "buyer-3", "z").await;
    let mut q = other.clone();
    q.status = Status::Queued;
    let other = store
        .save_change(&touch(&q, Actor::Bot, at(5)))
        .await
        .expect("queue");
    assert!(matches!(
        store.assign_chat(&assign(&other), op.id, at(6)).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .set_presence(
                switchboard_domain::ids::OperatorId(999),
                PresenceStatus::Online,
                at(1),
                at(1)
            )
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn db_fill_capacity(store: &dyn Store, op: switchboard_domain::ids::OperatorId, n: usize) {
    for i in 0..n {
        let t = open_chat(store, &format!("filler-{i}"), "f").await;
        let mut next = t.clone();
        next.status = Status::Assigned;
        next.assignee = Some(op);
        store
            .save_change(&touch(&next, Actor::System, at(4)))
            .await
            .expect("fill");
    }
}

#[tokio::test]
async fn step_up_state_round_trips_and_the_code_sms_is_blanked_after_delivery() {
    let db = fresh_db().await;
    let store = &db.store;
    let t = open_chat(&**store, "bank-1", "a").await;
    assert_eq!(store.step_up(t.id).await.expect("none"), StepUp::default());
    let state = StepUp {
        code_hash: Some("f".repeat(64)),
        issued_at: Some(at(0)),
        expires_at: Some(at(300_000)),
        attempts: 2,
        locked_until: None,
        verified_at: None,
    };
    let mut sms = notification("+79160000000", "Код");
    sms.channel = switchboard_domain::ticket::ReplyChannel::Sms;
    sms.body = "Код: 123456".into();
    store
        .save_step_up(
            t.id,
            &state,
            &Actor::Bot,
            Some(&TicketEvent::StepUp {
                outcome: StepUpOutcome::CodeSent,
            }),
            Some(&sms),
            at(0),
        )
        .await
        .expect("save");
    assert_eq!(store.step_up(t.id).await.expect("state"), state);
    let events = store.events(t.id).await.expect("events");
    assert_eq!(
        events.last().map(|e| &e.event),
        Some(&TicketEvent::StepUp {
            outcome: StepUpOutcome::CodeSent
        })
    );
    // Staff never see the code; the worker does, once.
    let listed = store.ticket_notifications(t.id).await.expect("outbox");
    assert_eq!(listed.len(), 1);
    assert!(!listed[0].notification.body.contains("123456"));
    let claimed = store
        .claim_notifications(at(0), secs(60), 10)
        .await
        .expect("claim");
    assert_eq!(claimed[0].notification.body, "Код: 123456");
    store
        .notification_delivered(claimed[0].id, at(1))
        .await
        .expect("delivered");
    let left = db
        .execute("UPDATE outbox SET attempts = attempts WHERE body LIKE '%123456%'")
        .await
        .expect("query");
    assert_eq!(left, 0, "the code stays in the outbox after delivery");
}
