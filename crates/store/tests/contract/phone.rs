//! Calls and callbacks (issue 11): one decision per call id, changes under
//! the call's version, one open callback per caller and line, calls by
//! requester, ticket and time, and an operator on the phone out of chat.

use switchboard_domain::ids::{OperatorId, PhoneNumber};
use switchboard_domain::phone::{
    Call, CallState, Callback, CallbackOutcome, CallbackStatus, Caller, Decision, Outcome, Target,
};
use switchboard_domain::ticket::{Actor, Requester, TicketEvent};
use switchboard_store::testing::fresh_store;
use switchboard_store::{CallFilter, CallbackFilter, PresenceStatus, StoreError};

use crate::support::*;

fn phone(raw: &str) -> PhoneNumber {
    PhoneNumber::parse(raw).expect("fixture phone")
}

fn call(id: &str, caller: &str, operator: OperatorId, offered_ms: i64) -> Call {
    Call {
        call_id: id.into(),
        number: phone("+78002500505"),
        caller: Caller::Number(phone(caller)),
        requester: Some(Requester::Customer(customer_id("traveller-7"))),
        line: "marketplace".into(),
        decision: Decision::Connect {
            targets: vec![Target {
                operator,
                login: "op".into(),
            }],
            ring_timeout_secs: 20,
        },
        state: CallState::Offered,
        outcome: None,
        operator: None,
        ticket: None,
        offered_at: at(offered_ms),
        answered_at: None,
        ended_at: None,
        timed_out: false,
        version: 1,
    }
}

fn callback(c: &Call, due_ms: i64) -> Callback {
    Callback {
        id: 0,
        call_id: c.call_id.clone(),
        phone: c.caller.number().expect("a number").clone(),
        number: c.number.clone(),
        line: c.line.clone(),
        requester: c.requester.clone(),
        status: CallbackStatus::Open,
        operator: None,
        due_at: at(due_ms),
        created_at: at(0),
        taken_at: None,
        done_at: None,
        outcome: None,
        note: None,
        calls: 1,
        version: 0,
    }
}

fn ended(c: &Call, outcome: Outcome, ms: i64) -> Call {
    let mut e = c.clone();
    e.state = CallState::Ended;
    e.outcome = Some(outcome);
    e.ended_at = Some(at(ms));
    e
}

#[tokio::test]
async fn a_call_is_stored_once_and_changes_under_its_version() {
    let store = fresh_store().await;
    let op = operator(store.as_ref(), "phone-op").await;
    let c = call("c-1", "+79161234567", op.id, 0);
    let (stored, fresh) = store.offer_call(&c, None, None).await.expect("offer");
    assert!(fresh);
    assert_eq!(stored, c);
    let mut other = call("c-1", "+79031112233", op.id, 5);
    other.line = "travel".into();
    let (again, fresh) = store
        .offer_call(&other, None, None)
        .await
        .expect("offer again");
    assert!(!fresh);
    assert_eq!(again, c, "the first decision stays");

    let mut answered = stored.clone();
    answered.state = CallState::Answered;
    answered.operator = Some(op.id);
    answered.answered_at = Some(at(1_000));
    let (saved, cb) = store.save_call(&answered, None).await.expect("answer");
    assert_eq!(saved.version, 2);
    assert!(cb.is_none());
    // A change made from the old version is refused and changes nothing.
    let stale = ended(&stored, Outcome::Abandoned, 2_000);
    assert!(matches!(
        store
            .save_call(&stale, Some(&callback(&stale, 9_000)))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.call("c-1").await.expect("read"), saved);
    assert!(
        store
            .callbacks(&CallbackFilter::default())
            .await
            .expect("list")
            .is_empty()
    );
    assert!(matches!(
        store.call("nope").await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn one_open_callback_per_caller_and_line() {
    let store = fresh_store().await;
    let op = operator(store.as_ref(), "phone-op").await;
    let first = call("c-1", "+79161234567", op.id, 0);
    store.offer_call(&first, None, None).await.expect("offer");
    let missed = ended(&first, Outcome::Missed, 1_000);
    let (_, cb) = store
        .save_call(&missed, Some(&callback(&missed, 7_200_000)))
        .await
        .expect("missed");
    let cb = cb.expect("a callback");
    assert_eq!((cb.calls, cb.status), (1, CallbackStatus::Open));
    // The same caller again, off hours: the same callback, one more call.
    let second = ended(
        &call("c-2", "+79161234567", op.id, 5_000),
        Outcome::OffHours,
        5_000,
    );
    store
        .offer_call(&second, Some(&callback(&second, 9_999_999)), None)
        .await
        .expect("off hours");
    let list = store
        .callbacks(&CallbackFilter::default())
        .await
        .expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].id, list[0].calls, list[0].due_at),
        (cb.id, 2, at(7_200_000))
    );

    let taken = list[0].take(op.id, at(6_000)).unwrap().unwrap();
    let taken = store.save_callback(&taken).await.expect("take");
    assert!(matches!(
        store.save_callback(&list[0]).await,
        Err(StoreError::Conflict(_))
    ));
    let done = taken
        .complete(
            op.id,
            false,
            CallbackOutcome::Reached,
            Some("ok".into()),
            at(7_000),
        )
        .unwrap();
    store.save_callback(&done).await.expect("done");
    // Once done, the next missed call opens a new one.
    let third = ended(
        &call("c-3", "+79161234567", op.id, 8_000),
        Outcome::Abandoned,
        8_000,
    );
    store
        .offer_call(&third, Some(&callback(&third, 9_000_000)), None)
        .await
        .expect("again");
    let open = store
        .callbacks(&CallbackFilter {
            status: Some(CallbackStatus::Open),
            line: Some("marketplace".into()),
            ..CallbackFilter::default()
        })
        .await
        .expect("open");
    assert_eq!(open.len(), 1);
    assert_ne!(open[0].id, cb.id);
    // A viewer's scope: only the lines given; none given, nothing.
    let scoped = |lines: &[&str]| CallbackFilter {
        lines: Some(lines.iter().map(|l| l.to_string()).collect()),
        limit: 50,
        ..CallbackFilter::default()
    };
    let mine = store
        .callbacks(&scoped(&["bank_retail", "marketplace"]))
        .await
        .expect("scoped");
    assert_eq!(mine.len(), 2, "both marketplace callbacks");
    for lines in [&["bank_retail"][..], &[]] {
        let none = store.callbacks(&scoped(lines)).await.expect("scoped");
        assert!(none.is_empty(), "{lines:?} sees no marketplace callback");
    }
    let done = store.callback(cb.id).await.expect("read");
    assert_eq!(
        (done.status, done.outcome),
        (CallbackStatus::Done, Some(CallbackOutcome::Reached))
    );
    assert!(done.in_time());
}

#[tokio::test]
async fn calls_are_listed_by_caller_ticket_and_time_and_attach_with_an_audit_entry() {
    let store = fresh_store().await;
    let op = operator(store.as_ref(), "phone-op").await;
    let ticket = open(store.as_ref(), "traveller-7", at(0)).await;
    for (i, ms) in [(1, 10_000), (2, 20_000), (3, 30_000)] {
        store
            .offer_call(
                &call(&format!("c-{i}"), "+79161234567", op.id, ms),
                None,
                None,
            )
            .await
            .expect("offer");
    }
    let mine = store
        .calls(
            &CallFilter::Requester(Requester::Customer(customer_id("traveller-7"))),
            0,
        )
        .await
        .expect("mine");
    let ids: Vec<&str> = mine.iter().map(|c| c.call_id.as_str()).collect();
    assert_eq!(ids, ["c-3", "c-2", "c-1"]);
    let window = store
        .calls(&CallFilter::Between(at(10_000), at(30_000)), 0)
        .await
        .expect("window");
    assert_eq!(window.len(), 2);
    assert_eq!(window[0].call_id, "c-1");
    assert_eq!(store.open_calls(0).await.expect("open").len(), 3);

    let mut linked = store.call("c-2").await.expect("read");
    linked.ticket = Some(ticket.id);
    let event = TicketEvent::Call {
        call_id: "c-2".into(),
        number: "+78002500505".into(),
        caller: Some("+79161234567".into()),
        outcome: None,
        operator: None,
        offered_at: at(20_000),
        answered_at: None,
        ended_at: None,
    };
    store
        .attach_call(&linked, &Actor::Operator(op.id), &event)
        .await
        .expect("attach");
    let on_ticket = store
        .calls(&CallFilter::Ticket(ticket.id), 0)
        .await
        .expect("ticket");
    assert_eq!(on_ticket.len(), 1);
    assert_eq!(on_ticket[0].ticket, Some(ticket.id));
    let events = store.events(ticket.id).await.expect("events");
    assert!(events.iter().any(|e| e.event == event), "{events:?}");
}

#[tokio::test]
async fn an_operator_on_the_phone_is_out_of_chat_routing() {
    let store = fresh_store().await;
    let op = operator(store.as_ref(), "phone-op").await;
    store
        .set_presence(op.id, PresenceStatus::Online, at(600_000), at(0))
        .await
        .expect("online");
    assert_eq!(
        store.online_operators(at(1)).await.expect("online").len(),
        1
    );
    let c = call("c-1", "+79161234567", op.id, 0);
    let (c, _) = store.offer_call(&c, None, None).await.expect("offer");
    let mut answered = c.clone();
    answered.state = CallState::Answered;
    answered.operator = Some(op.id);
    let (answered, _) = store.save_call(&answered, None).await.expect("answered");
    assert_eq!(store.operators_on_calls().await.expect("on calls"), [op.id]);
    assert!(
        store
            .online_operators(at(1))
            .await
            .expect("online")
            .is_empty()
    );
    let chat = open(store.as_ref(), "traveller-7", at(0)).await;
    let change = touch(&chat, Actor::System, at(2));
    assert!(matches!(
        store.assign_conversation(&change, op.id, at(2)).await,
        Err(StoreError::Conflict(_))
    ));
    store
        .save_call(&ended(&answered, Outcome::Answered, 3_000), None)
        .await
        .expect("hang up");
    assert!(
        store
            .operators_on_calls()
            .await
            .expect("on calls")
            .is_empty()
    );
    assert_eq!(
        store.online_operators(at(4)).await.expect("online").len(),
        1
    );
}
