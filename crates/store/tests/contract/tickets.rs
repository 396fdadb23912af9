//! Tickets: creation, changes, the version check, messages, attachments, audit log.

use std::sync::Arc;

use switchboard_domain::ids::{OperatorId, OrderNumber, TicketId, TicketNumber};
use switchboard_domain::ticket::{
    Actor, Priority, ProblemChoice, ReplyChannel, Requester, Status, Ticket, TicketEvent,
    TicketKind,
};
use switchboard_store::testing::{backend_under_test, fresh_db, fresh_store};
use switchboard_store::{StoreError, TicketChange, Visibility};

use crate::support::*;

#[tokio::test]
async fn the_store_answers_and_names_its_backend() {
    let store = fresh_store().await;
    store.ping().await.expect("ping");
    assert_eq!(store.backend(), backend_under_test());
}

#[tokio::test]
async fn a_new_ticket_keeps_every_field() {
    let store = fresh_store().await;
    let input = new_ticket("buyer-1", at(0));
    let created = store
        .create_ticket(
            &input,
            opening(customer_says("buyer-1", "hello"), no_notifications()),
        )
        .await
        .expect("create")
        .ticket;

    assert_eq!(created.number, TicketNumber::from_id(created.id));
    assert_eq!(created.requester, input.requester);
    assert_eq!(created.origin, input.origin);
    assert_eq!(created.kind, input.kind);
    assert_eq!(created.channel, input.channel);
    assert_eq!(created.line, input.line);
    assert_eq!(created.topic, input.topic);
    assert_eq!(created.problem, input.problem);
    assert_eq!(created.order_number, input.order_number);
    assert_eq!(created.subject, input.subject);
    assert_eq!(created.status, input.status);
    assert_eq!(created.priority, input.priority);
    assert_eq!(created.reply_channel, input.reply_channel);
    assert_eq!(created.assignee, None);
    assert_eq!(created.due_at, input.due_at);
    assert_eq!(created.at_risk_at, input.at_risk_at);
    assert_eq!(created.priority_rule, input.priority_rule);
    assert_eq!(created.sla, input.sla);
    assert_eq!(created.first_response_at, None);
    assert_eq!(created.resolved_at, None);
    assert_eq!(created.created_at, input.created_at);
    assert_eq!(created.updated_at, input.created_at);
    assert_eq!(created.version, 1);
    assert_eq!(store.ticket(created.id).await.expect("read"), created);
}

#[tokio::test]
async fn a_saved_change_keeps_every_field_and_bumps_the_version() {
    let store = fresh_store().await;
    let created = open(&*store, "buyer-1", at(0)).await;
    let mut next = created.clone();
    next.kind = TicketKind::Request;
    next.line = "marketplace".into();
    next.topic = "delivery".into();
    next.problem = ProblemChoice::Listed("late".into());
    next.order_number = Some(OrderNumber::parse("MP-1001").expect("order"));
    next.subject = "Доставка: опаздывает".into();
    next.status = Status::Resolved;
    next.priority = Priority::Urgent;
    next.reply_channel = ReplyChannel::Push;
    next.assignee = Some(OperatorId(42));
    next.due_at = Some(at(7_000));
    next.first_response_at = Some(at(5_000));
    next.resolved_at = Some(at(6_000));
    next.updated_at = at(6_000);
    next.at_risk_at = Some(at(6_500));
    next.priority_rule = Some("urgent_topic".into());
    next.sla = Some(sla_clock(at(4_000)));
    let saved = store
        .save_change(&touch_with(&next, Actor::Operator(OperatorId(42))))
        .await
        .expect("save");

    let expected = Ticket {
        version: 2,
        ..next.clone()
    };
    assert_eq!(saved, expected);
    assert_eq!(store.ticket(created.id).await.expect("read"), expected);

    // Clearing optional fields is a change too.
    let mut cleared = saved.clone();
    cleared.order_number = None;
    cleared.assignee = None;
    cleared.due_at = None;
    cleared.first_response_at = None;
    cleared.resolved_at = None;
    cleared.at_risk_at = None;
    cleared.priority_rule = None;
    cleared.sla = None;
    let saved = store
        .save_change(&touch_with(&cleared, Actor::System))
        .await
        .expect("save");
    assert_eq!(saved.version, 3);
    assert_eq!(store.ticket(created.id).await.expect("read"), saved);
    assert_eq!(saved.order_number, None);
    assert_eq!(saved.due_at, None);
}

fn touch_with(ticket: &Ticket, actor: Actor) -> TicketChange {
    TicketChange {
        ticket: ticket.clone(),
        actor,
        events: Vec::new(),
        message: None,
        outbound: Vec::new(),
    }
}

#[tokio::test]
async fn the_identity_of_a_ticket_cannot_be_changed() {
    let store = fresh_store().await;
    let created = open(&*store, "buyer-1", at(0)).await;
    let mut next = created.clone();
    next.requester = Requester::Customer(customer_id("someone-else"));
    next.created_at = at(-1_000);
    let saved = store
        .save_change(&touch_with(&next, Actor::System))
        .await
        .expect("save");
    assert_eq!(saved.requester, created.requester);
    assert_eq!(saved.created_at, created.created_at);
}

#[tokio::test]
async fn timestamps_are_kept_to_the_millisecond() {
    let store = fresh_store().await;
    let precise = at(0) + jiff::SignedDuration::from_nanos(123_456);
    let created = open(&*store, "buyer-1", precise).await;
    assert_eq!(created.created_at, at(0));
    assert_eq!(store.ticket(created.id).await.expect("read"), created);
}

#[tokio::test]
async fn ticket_numbers_follow_the_ids_and_never_repeat() {
    let store = fresh_store().await;
    let mut previous = None;
    for i in 0..3 {
        let t = open(&*store, "buyer-1", at(i)).await;
        assert_eq!(t.number, TicketNumber::from_id(t.id));
        if let Some(p) = previous {
            assert!(t.id > p, "ids must grow: {t:?} after {p:?}");
        } else {
            assert_eq!(t.number.to_string(), "SB-000001");
        }
        previous = Some(t.id);
    }
    assert!(matches!(
        store.ticket(TicketId(999)).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn creating_a_ticket_logs_it_and_queues_its_notifications() {
    let store = fresh_store().await;
    let input = new_ticket("buyer-1", at(0));
    let actor = Actor::Customer(customer_id("buyer-1"));
    let created = store
        .create_ticket(&input, opening(customer_says("buyer-1", "hi"), notify(2)))
        .await
        .expect("create")
        .ticket;

    let events = store.events(created.id).await.expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].ticket_id, created.id);
    assert_eq!(events[0].actor, actor);
    assert_eq!(events[0].at, at(0));
    assert_eq!(
        events[0].event,
        TicketEvent::Created {
            status: input.status,
            priority: input.priority,
            due_at: input.due_at,
            priority_rule: input.priority_rule.clone(),
            sla_policy: Some("claim".into()),
        }
    );

    let queued = store.ticket_outbound(created.id).await.expect("outbox");
    let subjects: Vec<_> = queued.iter().map(|r| r.outbound.subject.clone()).collect();
    // `notify` saw the stored ticket, number included.
    assert_eq!(
        subjects,
        [
            format!("{} #0", created.number),
            format!("{} #1", created.number)
        ]
    );
    assert!(
        queued
            .iter()
            .all(|r| r.ticket_id == Some(created.id) && r.created_at == at(0) && r.attempts == 0)
    );
}

#[tokio::test]
async fn a_stale_change_is_refused_and_leaves_no_trace() {
    let store = fresh_store().await;
    let created = open(&*store, "buyer-1", at(0)).await;
    let first = assign(&*store, &created, OperatorId(1)).await;
    let events_before = store.events(created.id).await.expect("events");

    // Computed from version 1, which is gone.
    let mut stale = created.clone();
    stale.assignee = Some(OperatorId(2));
    stale.updated_at = at(9_000);
    let change = TicketChange {
        ticket: stale,
        actor: Actor::Operator(OperatorId(2)),
        events: vec![TicketEvent::PublicReply],
        message: Some(message(
            Actor::Operator(OperatorId(2)),
            Visibility::Public,
            "too late",
        )),
        outbound: vec![notification("anna@example.ru", "stale")],
    };
    let refused = store.save_change(&change).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );

    assert_eq!(store.ticket(created.id).await.expect("read"), first);
    assert_eq!(
        store.events(created.id).await.expect("events"),
        events_before
    );
    assert_eq!(
        store
            .messages(created.id, 0, 1000, true)
            .await
            .expect("messages")
            .len(),
        1
    );
    assert!(
        store
            .ticket_outbound(created.id)
            .await
            .expect("outbox")
            .is_empty()
    );
    assert_eq!(store.pending_outbound().await.expect("count"), 0);
}

#[tokio::test]
async fn saving_a_change_to_a_missing_ticket_is_not_found() {
    let store = fresh_store().await;
    let mut ghost = open(&*store, "buyer-1", at(0)).await;
    ghost.id = TicketId(ghost.id.0 + 100);
    let result = store
        .save_change(&touch(&ghost, Actor::System, at(1)))
        .await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_concurrent_changes_from_one_version_exactly_one_wins() {
    let store = fresh_store().await;
    let created = open(&*store, "buyer-1", at(0)).await;
    let tasks: Vec<_> = (1..=2)
        .map(|op| {
            let store = Arc::clone(&store);
            let created = created.clone();
            tokio::spawn(async move {
                let mut next = created.clone();
                next.assignee = Some(OperatorId(op));
                let mut change = touch(&next, Actor::Operator(OperatorId(op)), at(op));
                change.message = Some(message(
                    Actor::Operator(OperatorId(op)),
                    Visibility::Public,
                    "mine",
                ));
                store.save_change(&change).await
            })
        })
        .collect();
    let mut won = Vec::new();
    for task in tasks {
        match task.await.expect("task") {
            Ok(t) => won.push(t),
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!(won.len(), 1, "exactly one change must win");
    assert_eq!(store.ticket(created.id).await.expect("read"), won[0]);
    assert_eq!(
        store
            .messages(created.id, 0, 1000, true)
            .await
            .expect("messages")
            .len(),
        2
    );
}

#[tokio::test]
async fn a_change_appends_its_message_events_and_notifications() {
    let store = fresh_store().await;
    let created = open(&*store, "buyer-1", at(0)).await;
    let op = Actor::Operator(OperatorId(5));
    let mut next = created.clone();
    next.status = Status::WaitingForCustomer;
    next.updated_at = at(2_000);
    let mut reply = message(op.clone(), Visibility::Public, "Мы разберёмся");
    reply.attachments = vec![attachment("scan"), attachment("photo")];
    let change = TicketChange {
        ticket: next,
        actor: op.clone(),
        events: vec![
            TicketEvent::PublicReply,
            TicketEvent::StatusChanged {
                from: Status::Queued,
                to: Status::WaitingForCustomer,
            },
        ],
        message: Some(reply.clone()),
        outbound: vec![notification("+79161234567", "reply")],
    };
    let saved = store.save_change(&change).await.expect("save");

    let messages = store
        .messages(created.id, 0, 1000, false)
        .await
        .expect("messages");
    assert_eq!(messages.len(), 2);
    let last = &messages[1];
    assert!(messages[0].id < last.id);
    assert_eq!(last.ticket_id, created.id);
    assert_eq!(last.author, op);
    assert_eq!(last.body, reply.body);
    assert_eq!(last.attachments, reply.attachments, "order kept");
    assert_eq!(last.created_at, at(2_000));

    let events = store.events(created.id).await.expect("events");
    let logged: Vec<_> = events[1..].iter().map(|e| e.event.clone()).collect();
    assert_eq!(logged, change.events);
    assert!(
        events[1..]
            .iter()
            .all(|e| e.actor == op && e.at == at(2_000))
    );

    let outbox = store.ticket_outbound(saved.id).await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].outbound, change.outbound[0]);
    assert_eq!(outbox[0].created_at, at(2_000));
}

#[tokio::test]
async fn internal_notes_stay_internal() {
    let store = fresh_store().await;
    let t = open(&*store, "buyer-1", at(0)).await;
    let op = Actor::Operator(OperatorId(3));
    let mut note = message(op.clone(), Visibility::Internal, "клиент уже звонил");
    note.attachments = vec![attachment("internal-only"), attachment("shared")];
    let mut change = touch(&t, op.clone(), at(1_000));
    change.events = vec![TicketEvent::InternalNote];
    change.message = Some(note);
    let t = store.save_change(&change).await.expect("note");
    let mut reply = message(op.clone(), Visibility::Public, "ответ");
    reply.attachments = vec![attachment("shared")];
    let mut change = touch(&t, op, at(2_000));
    change.message = Some(reply);
    store.save_change(&change).await.expect("reply");

    let public = store.messages(t.id, 0, 1000, false).await.expect("public");
    assert!(public.iter().all(|m| m.visibility == Visibility::Public));
    assert_eq!(
        public.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(),
        ["В номере жарко", "ответ"]
    );
    let all = store.messages(t.id, 0, 1000, true).await.expect("all");
    assert_eq!(
        all.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(),
        ["В номере жарко", "клиент уже звонил", "ответ"]
    );
    assert_eq!(all[1].visibility, Visibility::Internal);
    assert_eq!(all[1].attachments.len(), 2);

    // Attachments follow the visibility of their message.
    let hidden = hash("internal-only");
    assert!(matches!(
        store.ticket_attachment(t.id, &hidden, false).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .ticket_attachment(t.id, &hidden, true)
            .await
            .expect("staff see it"),
        attachment("internal-only")
    );
    // A file also attached to a public message is public.
    assert_eq!(
        store
            .ticket_attachment(t.id, &hash("shared"), false)
            .await
            .expect("public copy"),
        attachment("shared")
    );
}

#[tokio::test]
async fn attachments_are_found_only_through_their_own_ticket() {
    let store = fresh_store().await;
    let mine = store
        .create_ticket(
            &new_ticket("buyer-1", at(0)),
            opening(
                {
                    let mut m = customer_says("buyer-1", "see photo");
                    m.attachments = vec![attachment("photo")];
                    m
                },
                no_notifications(),
            ),
        )
        .await
        .expect("create")
        .ticket;
    let other = open(&*store, "buyer-2", at(1)).await;

    assert_eq!(
        store
            .ticket_attachment(mine.id, &hash("photo"), false)
            .await
            .expect("found"),
        attachment("photo")
    );
    for (ticket, seed) in [(other.id, "photo"), (mine.id, "unknown")] {
        assert!(matches!(
            store.ticket_attachment(ticket, &hash(seed), true).await,
            Err(StoreError::NotFound)
        ));
    }
    let first = &store
        .messages(mine.id, 0, 1000, false)
        .await
        .expect("messages")[0];
    assert_eq!(first.attachments, vec![attachment("photo")]);
}

#[tokio::test]
async fn the_audit_log_cannot_be_rewritten() {
    let db = fresh_db().await;
    let t = open(&*db.store, "buyer-1", at(0)).await;
    let before = db.store.events(t.id).await.expect("events");
    assert!(
        db.execute("UPDATE ticket_events SET kind = 'forged'")
            .await
            .is_err()
    );
    assert!(db.execute("DELETE FROM ticket_events").await.is_err());
    assert_eq!(db.store.events(t.id).await.expect("events"), before);
}

#[tokio::test]
async fn unreadable_rows_are_reported_as_corrupt() {
    let db = fresh_db().await;
    let t = open(&*db.store, "buyer-1", at(0)).await;
    db.execute("UPDATE tickets SET status = 'lost_in_space'")
        .await
        .expect("tamper");
    assert!(matches!(
        db.store.ticket(t.id).await,
        Err(StoreError::Corrupt(_))
    ));
    let listed = db.store.list_tickets(&Default::default()).await;
    assert!(matches!(listed, Err(StoreError::Corrupt(_))), "{listed:?}");

    db.execute("UPDATE messages SET author_kind = 'ghost'")
        .await
        .expect("tamper");
    assert!(matches!(
        db.store.messages(t.id, 0, 1000, true).await,
        Err(StoreError::Corrupt(_))
    ));
}
