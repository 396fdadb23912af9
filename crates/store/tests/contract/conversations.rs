//! Conversations: one sequenced log per ticket on every channel, idempotent
//! client and outside ids, each message decided by the domain on the locked
//! ticket in the same transaction, the live feed, presence and capacity,
//! step-up, outbound tied to messages.

use switchboard_domain::bot::{StepUp, StepUpOutcome};
use switchboard_domain::conversation::Medium;
use switchboard_domain::ids::TicketId;
use switchboard_domain::intake::NewTicket;
use switchboard_domain::ticket::{
    Actor, AppendRefusal, Channel, Requester, Status, Ticket, TicketEvent,
};
use switchboard_store::testing::{fresh_db, fresh_store};
use switchboard_store::{
    AppendItem, AppendOutcome, ConversationScope, FeedEvent, Notice, PresenceStatus, StoreError,
    TicketChange,
};

use crate::support::*;

fn chat_ticket(customer: &str) -> NewTicket {
    let mut t = new_ticket(customer, at(0));
    t.channel = Channel::Chat;
    t.status = Status::WithBot;
    t.description = "Где мой заказ?".into();
    // No clock runs while the bot has the chat.
    t.sla = None;
    t.due_at = None;
    t.at_risk_at = None;
    t
}

fn says(ticket: TicketId, author: Actor, body: &str, client_id: Option<&str>) -> AppendItem {
    AppendItem {
        client_id: client_id.map(str::to_owned),
        ..AppendItem::text(ticket, author, body)
    }
}

fn seq_of(o: &AppendOutcome) -> i64 {
    match o {
        AppendOutcome::Stored(m, _) => m.seq,
        AppendOutcome::Duplicate { seq } => *seq,
        AppendOutcome::Refused(r) => panic!("refused: {r:?}"),
    }
}

fn customer(id: &str) -> Actor {
    Actor::Customer(customer_id(id))
}

async fn open_chat(store: &dyn Store, who: &str, client_id: &str) -> Ticket {
    let mut opening = opening(customer_says(who, "Где мой заказ?"), no_notifications());
    opening.client_id = Some(client_id.into());
    let opened = store
        .create_ticket(&chat_ticket(who), opening)
        .await
        .expect("open chat");
    assert!(opened.created);
    assert_eq!(opened.first.seq, 1);
    opened.ticket
}

async fn append(store: &dyn Store, items: &[AppendItem], ms: i64) -> Vec<AppendOutcome> {
    store
        .append_messages(items, &rules(), at(ms))
        .await
        .expect("append")
}

#[tokio::test]
async fn opening_is_idempotent_per_requester_and_client_id() {
    let store = fresh_store().await;
    let t = open_chat(&*store, "buyer-1", "c-1").await;
    let mut again = opening(
        customer_says("buyer-1", "Где мой заказ?"),
        no_notifications(),
    );
    again.client_id = Some("c-1".into());
    let reopened = store
        .create_ticket(&chat_ticket("buyer-1"), again)
        .await
        .expect("reopen");
    assert!(!reopened.created);
    assert_eq!(reopened.ticket.id, t.id);
    assert_eq!(reopened.first.client_id.as_deref(), Some("c-1"));
    assert_eq!(reopened.first.body, "Где мой заказ?");
    // Another customer may use the same client id.
    let other = open_chat(&*store, "buyer-2", "c-1").await;
    assert_ne!(other.id, t.id);
    assert_eq!(store.events(t.id).await.expect("events").len(), 1);
    assert_eq!(store.conversation(t.id).await.expect("head").last_seq, 1);
}

#[tokio::test]
async fn batches_number_messages_per_conversation_and_dedupe_client_ids() {
    let store = fresh_store().await;
    let a = open_chat(&*store, "buyer-1", "a").await;
    let b = open_chat(&*store, "buyer-2", "b").await;
    let (anna, bob) = (customer("buyer-1"), customer("buyer-2"));
    let out = append(
        &*store,
        &[
            says(a.id, anna.clone(), "a2", Some("m1")),
            says(b.id, bob.clone(), "b2", Some("m1")),
            says(a.id, anna.clone(), "a3", Some("m2")),
            says(a.id, anna.clone(), "a3 again", Some("m2")),
            says(a.id, Actor::Bot, "bot", None),
        ],
        5,
    )
    .await;
    assert_eq!(out.iter().map(seq_of).collect::<Vec<_>>(), [2, 2, 3, 3, 4]);
    assert!(matches!(out[3], AppendOutcome::Duplicate { seq: 3 }));
    // A resend in a later batch gets the same seq and stores nothing.
    let again = append(&*store, &[says(a.id, anna.clone(), "a2", Some("m1"))], 6).await;
    assert_eq!(again, [AppendOutcome::Duplicate { seq: 2 }]);

    let all = store.messages(a.id, 0, 100, false).await.expect("read");
    assert_eq!(
        all.iter()
            .map(|m| (m.seq, m.body.as_str()))
            .collect::<Vec<_>>(),
        [(1, "Где мой заказ?"), (2, "a2"), (3, "a3"), (4, "bot")]
    );
    assert_eq!(all[3].author, Actor::Bot);
    let tail = store.messages(a.id, 2, 1, false).await.expect("tail");
    assert_eq!(tail.iter().map(|m| m.seq).collect::<Vec<_>>(), [3]);
    assert_eq!(store.conversation(a.id).await.expect("head").last_seq, 4);
}

#[tokio::test]
async fn refusals_are_per_item_and_store_nothing() {
    let store = fresh_store().await;
    let t = open_chat(&*store, "buyer-1", "a").await;
    let op = operator(&*store, "op-1").await;
    let out = append(
        &*store,
        &[
            says(t.id, customer("buyer-2"), "hi", None),
            says(t.id, Actor::Operator(op.id), "hi", None),
            says(TicketId(9_999), customer("buyer-1"), "x", None),
            says(t.id, customer("buyer-1"), "ok", None),
        ],
        1,
    )
    .await;
    assert_eq!(out[0], AppendOutcome::Refused(AppendRefusal::NotFound));
    assert_eq!(out[1], AppendOutcome::Refused(AppendRefusal::NotAssignee));
    assert_eq!(out[2], AppendOutcome::Refused(AppendRefusal::NotFound));
    assert_eq!(seq_of(&out[3]), 2);

    // Once resolved, people cannot write; the bot can still say goodbye.
    let mut resolved = store.ticket(t.id).await.expect("ticket");
    resolved.status = Status::Resolved;
    store
        .save_change(&touch(&resolved, Actor::Bot, at(2)))
        .await
        .expect("resolve");
    let out = append(
        &*store,
        &[
            says(t.id, customer("buyer-1"), "x", None),
            says(t.id, Actor::Bot, "bye", None),
        ],
        3,
    )
    .await;
    assert_eq!(out[0], AppendOutcome::Refused(AppendRefusal::Closed));
    assert_eq!(seq_of(&out[1]), 3);
}

#[tokio::test]
async fn a_message_changes_its_ticket_in_the_same_transaction_on_any_channel() {
    let store = fresh_store().await;
    // A form ticket waiting for the customer: their message hands the ball back.
    let form = open(&*store, "buyer-1", at(0)).await;
    let mut waiting = form.clone();
    waiting.status = Status::WaitingForCustomer;
    let waiting = store
        .save_change(&touch(&waiting, Actor::System, at(1)))
        .await
        .expect("wait");
    let out = append(
        &*store,
        &[says(form.id, customer("buyer-1"), "ещё вопрос", None)],
        2,
    )
    .await;
    assert_eq!(seq_of(&out[0]), 2);
    let after = store.ticket(form.id).await.expect("ticket");
    assert_eq!(after.status, Status::Queued);
    assert_eq!(after.version, waiting.version + 1);
    let events = store.events(form.id).await.expect("events");
    let codes: Vec<&str> = events.iter().map(|e| e.event.code()).collect();
    assert!(
        codes.contains(&"customer_message") && codes.contains(&"status_changed"),
        "{codes:?}"
    );

    // A live chat: the operator's first message is the first response, at once.
    let op = operator(&*store, "op-1").await;
    let chat = open_chat(&*store, "buyer-2", "c").await;
    let held = assign(&*store, &chat, op.id).await;
    assert_eq!(held.first_response_at, None);
    let out = append(
        &*store,
        &[says(chat.id, Actor::Operator(op.id), "Здравствуйте", None)],
        10,
    )
    .await;
    assert_eq!(seq_of(&out[0]), 2);
    let answered = store.ticket(chat.id).await.expect("ticket");
    assert_eq!(answered.first_response_at, Some(at(10)));
    assert_eq!(
        answered.status,
        Status::Assigned,
        "a live chat stays with its operator"
    );
    // A second message from the same side changes nothing: no new version.
    append(
        &*store,
        &[says(chat.id, Actor::Operator(op.id), "Минуту", None)],
        11,
    )
    .await;
    assert_eq!(
        store.ticket(chat.id).await.expect("ticket").version,
        answered.version
    );
}

#[tokio::test]
async fn outside_ids_are_stored_once_and_find_their_conversation() {
    let store = fresh_store().await;
    let mut email = new_ticket("buyer-1", at(0));
    email.channel = Channel::Email;
    let mut first = opening(customer_says("buyer-1", "Письмо"), no_notifications());
    first.external_id = Some("<a@mail.example>".into());
    let opened = store.create_ticket(&email, first).await.expect("open");
    // The same mail delivered again opens nothing.
    let mut again = opening(customer_says("buyer-1", "Письмо"), no_notifications());
    again.external_id = Some("<a@mail.example>".into());
    let twice = store.create_ticket(&email, again).await.expect("again");
    assert!(!twice.created);
    assert_eq!(twice.ticket.id, opened.ticket.id);

    let reply = AppendItem {
        external_id: Some("<b@mail.example>".into()),
        ..AppendItem::text(opened.ticket.id, customer("buyer-1"), "Ответ")
    };
    let out = append(&*store, &[reply.clone(), reply.clone()], 1).await;
    assert_eq!(out.iter().map(seq_of).collect::<Vec<_>>(), [2, 2]);
    assert_eq!(
        append(&*store, &[reply], 2).await,
        [AppendOutcome::Duplicate { seq: 2 }]
    );

    let found = store
        .find_external(Channel::Email, &["<x@y>".into(), "<b@mail.example>".into()])
        .await
        .expect("find")
        .expect("found");
    assert_eq!((found.ticket, found.seq), (opened.ticket.id, 2));
    assert_eq!(
        store
            .find_external(Channel::Telegram, &["<b@mail.example>".into()])
            .await
            .expect("find"),
        None,
        "outside ids are per channel"
    );
}

#[tokio::test]
async fn an_outbound_reply_is_tied_to_its_message_and_threads_once_sent() {
    let store = fresh_store().await;
    let mut email = new_ticket("buyer-1", at(0));
    email.channel = Channel::Email;
    let t = store
        .create_ticket(
            &email,
            opening(customer_says("buyer-1", "Письмо"), no_notifications()),
        )
        .await
        .expect("open")
        .ticket;
    let op = operator(&*store, "op-1").await;
    let mut reply = notification("anna@example.ru", "Re: письмо");
    reply.route.thread = Some("<a@mail.example>".into());
    let item = AppendItem {
        outbound: vec![reply.clone()],
        supervisor: true,
        ..AppendItem::text(t.id, Actor::Operator(op.id), "Ответ поддержки")
    };
    let out = append(&*store, &[item], 1).await;
    assert_eq!(seq_of(&out[0]), 2);
    let claimed = store
        .claim_outbound(at(1), secs(60), 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].seq, Some(2));
    assert_eq!(claimed[0].outbound, reply);
    store
        .outbound_delivered(claimed[0].id, Some("<sent-1@switchboard>"), at(2))
        .await
        .expect("delivered");
    let listed = store.ticket_outbound(t.id).await.expect("list");
    assert_eq!(
        listed[0].provider_id.as_deref(),
        Some("<sent-1@switchboard>")
    );
    let found = store
        .find_external(
            Medium::Email.channel().expect("email"),
            &["<sent-1@switchboard>".into()],
        )
        .await
        .expect("find");
    assert_eq!(found.map(|f| (f.ticket, f.seq)), Some((t.id, 2)));
}

#[tokio::test]
async fn the_feed_carries_committed_messages_and_ticket_changes_in_order() {
    let store = fresh_store().await;
    let mut feed = store.subscribe_feed().await.expect("subscribe");
    let t = open_chat(&*store, "buyer-1", "a").await;
    let anna = customer("buyer-1");
    append(
        &*store,
        &[
            says(t.id, anna.clone(), "two", None),
            says(t.id, anna, "three", None),
        ],
        1,
    )
    .await;
    store
        .publish(&Notice::Typing {
            ticket: t.id,
            requester: Requester::Customer(customer_id("buyer-1")),
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
        .conversations(&ConversationScope::Queued, 10)
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
            outbound: Vec::new(),
        }
    };
    // Offline operators take nothing.
    assert!(matches!(
        store.assign_conversation(&assign(&t), op.id, at(2)).await,
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
        .assign_conversation(&assign(&t), op.id, at(3))
        .await
        .expect("assign");
    assert_eq!(assigned.assignee, Some(op.id));
    assert_eq!(
        store.online_operators(at(4)).await.expect("load")[0].load,
        1
    );
    let mine = store
        .conversations(&ConversationScope::Assignee(op.id), 10)
        .await
        .expect("mine");
    assert_eq!(mine[0].ticket.id, t.id);
    let theirs = store
        .conversations(
            &ConversationScope::Customer(customer_id("buyer-1"), Channel::Chat),
            10,
        )
        .await
        .expect("customer's");
    assert_eq!(theirs.len(), 1);

    // At capacity: the next one is refused.
    fill_capacity(&*store, op.id, 6).await;
    let other = open_chat(&*store, "buyer-3", "z").await;
    let mut q = other.clone();
    q.status = Status::Queued;
    let other = store
        .save_change(&touch(&q, Actor::Bot, at(5)))
        .await
        .expect("queue");
    assert!(matches!(
        store
            .assign_conversation(&assign(&other), op.id, at(6))
            .await,
        Err(StoreError::Conflict(_))
    ));
    // A form ticket is not a live conversation: it takes no capacity.
    let form = open(&*store, "buyer-9", at(7)).await;
    crate::support::assign(&*store, &form, op.id).await;
    assert_eq!(
        store.online_operators(at(8)).await.expect("load")[0].load,
        7
    );
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

async fn fill_capacity(store: &dyn Store, op: switchboard_domain::ids::OperatorId, n: usize) {
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
    sms.route.medium = Medium::Sms;
    sms.text = "Код: 123456".into();
    sms.sensitive = true;
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
    let listed = store.ticket_outbound(t.id).await.expect("outbox");
    assert_eq!(listed.len(), 1);
    assert!(!listed[0].outbound.text.contains("123456"));
    let claimed = store
        .claim_outbound(at(0), secs(60), 10)
        .await
        .expect("claim");
    assert_eq!(claimed[0].outbound.text, "Код: 123456");
    store
        .outbound_delivered(claimed[0].id, None, at(1))
        .await
        .expect("delivered");
    let left = db
        .execute("UPDATE outbox SET attempts = attempts WHERE body LIKE '%123456%'")
        .await
        .expect("query");
    assert_eq!(left, 0, "the code stays in the outbox after delivery");
}
