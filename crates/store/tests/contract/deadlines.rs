//! Routing, priorities and deadlines (issue 4): the supervisors' at-risk and
//! breached lists, escalations stored with their staff alerts and e-mails in
//! one transaction, the worker's and the router's start-up reads, and the
//! staff profile (notification e-mail, shift calendar).

use switchboard_domain::deadline::TargetKind;
use switchboard_domain::ids::{EmailAddress, TicketId};
use switchboard_domain::ticket::{Actor, Channel, Status, TicketEvent};
use switchboard_store::testing::fresh_store;
use switchboard_store::{FeedEvent, Notice, SlaFilter, TicketFilter};

use crate::support::*;

fn breached(due: i64) -> TicketEvent {
    TicketEvent::SlaBreached {
        target: TargetKind::FirstResponse,
        due_at: at(due),
        actions: Vec::new(),
    }
}

#[tokio::test]
async fn at_risk_and_breached_lists_follow_the_stored_deadline() {
    let store = fresh_store().await;
    // Opened at 0: at risk from 2,880 s, due at 3,600 s (see `new_ticket`).
    let t = open(&*store, "buyer-1", at(0)).await;
    let list = |filter: SlaFilter| {
        let store = store.clone();
        async move {
            store
                .list_tickets(&TicketFilter {
                    sla: Some(filter),
                    ..Default::default()
                })
                .await
                .expect("list")
                .iter()
                .map(|t| t.id)
                .collect::<Vec<_>>()
        }
    };
    let early = at(1_000_000);
    assert!(list(SlaFilter::Attention { now: early }).await.is_empty());
    let risky = at(3_000_000);
    assert_eq!(list(SlaFilter::AtRisk { now: risky }).await, vec![t.id]);
    assert!(list(SlaFilter::Breached { now: risky }).await.is_empty());
    let late = at(4_000_000);
    assert_eq!(list(SlaFilter::Breached { now: late }).await, vec![t.id]);
    assert!(list(SlaFilter::AtRisk { now: late }).await.is_empty());
    assert_eq!(list(SlaFilter::Attention { now: late }).await, vec![t.id]);
    // A resolved ticket is nobody's worry.
    let mut done = t.clone();
    done.status = Status::Resolved;
    store
        .save_change(&touch(&done, Actor::System, at(5)))
        .await
        .expect("resolve");
    assert!(list(SlaFilter::Attention { now: late }).await.is_empty());
}

#[tokio::test]
async fn an_escalation_stores_alerts_and_staff_mail_with_the_change() {
    let store = fresh_store().await;
    let mut feed = store.subscribe_feed().await.expect("feed");
    let boss = operator(&*store, "boss").await;
    let t = open(&*store, "buyer-1", at(0)).await;
    let mut change = touch(&t, Actor::System, at(10));
    change.events = vec![breached(3_600_000)];
    let mail = notification("boss@example.org", "SLA breached");
    let saved = store
        .save_escalation(
            &change,
            &[(boss.id, breached(3_600_000))],
            std::slice::from_ref(&mail),
        )
        .await
        .expect("escalate");
    assert_eq!(saved.version, t.version + 1);

    let alerts = store.staff_alerts(boss.id, 10).await.expect("alerts");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].ticket, Some(t.id));
    assert_eq!(alerts[0].event, breached(3_600_000));
    assert_eq!(alerts[0].created_at, at(10));
    // The staff e-mail is queued but never shown among the customer's notifications.
    assert_eq!(store.pending_outbound().await.expect("pending"), 1);
    assert!(
        store
            .ticket_outbound(t.id)
            .await
            .expect("outbox")
            .is_empty()
    );
    // Live consoles hear of it.
    let mut seen = false;
    while let Ok(Some(FeedEvent::Notices(ns))) =
        tokio::time::timeout(std::time::Duration::from_secs(5), feed.recv()).await
    {
        if ns
            .iter()
            .any(|n| matches!(n, Notice::StaffAlert { alert } if alert.operator == boss.id))
        {
            seen = true;
            break;
        }
    }
    assert!(seen, "no staff alert notice on the feed");

    // A stale escalation (another node raised it first) writes nothing.
    let again = store
        .save_escalation(&change, &[(boss.id, breached(3_600_000))], &[mail])
        .await;
    assert!(matches!(
        again,
        Err(switchboard_store::StoreError::Conflict(_))
    ));
    assert_eq!(
        store.staff_alerts(boss.id, 10).await.expect("alerts").len(),
        1
    );
}

#[tokio::test]
async fn start_up_reads_find_open_clocks_and_routable_chats() {
    let store = fresh_store().await;
    let a = open(&*store, "buyer-1", at(0)).await;
    let b = open(&*store, "buyer-2", at(1)).await;
    let mut done = b.clone();
    done.status = Status::Closed;
    store
        .save_change(&touch(&done, Actor::System, at(2)))
        .await
        .expect("close");
    let open_ids: Vec<_> = store
        .open_sla_tickets(TicketId(0), 100)
        .await
        .expect("open")
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(open_ids, vec![a.id]);
    assert!(
        store
            .open_sla_tickets(a.id, 100)
            .await
            .expect("page")
            .is_empty()
    );

    let mut chat = new_ticket("buyer-3", at(3));
    chat.channel = Channel::Chat;
    let mut first = opening(customer_says("buyer-3", "чат"), no_notifications());
    first.client_id = Some("c-1".into());
    let c = store
        .create_ticket(&chat, first)
        .await
        .expect("chat")
        .ticket;
    let routable: Vec<_> = store
        .routable_conversations()
        .await
        .expect("chats")
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(routable, vec![c.id]);
}

#[tokio::test]
async fn staff_have_an_optional_email_and_shift_calendar() {
    let store = fresh_store().await;
    let op = operator(&*store, "night-op").await;
    assert_eq!((op.email.clone(), op.calendar.clone()), (None, None));
    let email = EmailAddress::parse("night@example.org").expect("email");
    store
        .set_operator_profile(op.id, Some(&email), Some("moscow_office"))
        .await
        .expect("profile");
    let back = store.operator(op.id).await.expect("read");
    assert_eq!(back.email, Some(email));
    assert_eq!(back.calendar.as_deref(), Some("moscow_office"));
    assert_eq!(store.operators().await.expect("all")[0], back);
    assert!(matches!(
        store
            .set_operator_profile(switchboard_domain::ids::OperatorId(999), None, None)
            .await,
        Err(switchboard_store::StoreError::NotFound)
    ));
}

#[tokio::test]
async fn staff_keep_their_language() {
    use switchboard_domain::i18n::Locale;
    let store = fresh_store().await;
    let op = operator(&*store, "en-op").await;
    assert_eq!(op.language, None, "nobody has chosen yet");
    store
        .set_operator_language(op.id, Locale::En)
        .await
        .expect("language");
    assert_eq!(
        store.operator(op.id).await.expect("read").language,
        Some(Locale::En)
    );
    store
        .set_operator_language(op.id, Locale::Ru)
        .await
        .expect("back to Russian");
    assert_eq!(
        store.operator(op.id).await.expect("read").language,
        Some(Locale::Ru)
    );
    assert!(matches!(
        store
            .set_operator_language(switchboard_domain::ids::OperatorId(999), Locale::En)
            .await,
        Err(switchboard_store::StoreError::NotFound)
    ));
}
