//! Rating requests: one per ticket however often asked, the limit's clock
//! counts only real requests, a rating is stored once with its alerts.

use switchboard_domain::ticket::{Actor, Status, TicketEvent};
use switchboard_store::testing::fresh_store;
use switchboard_store::{CsatAsk, CsatState, Store, StoreError};

use crate::support::*;

async fn resolved(
    store: &dyn Store,
    customer: &str,
    when: i64,
) -> switchboard_domain::ticket::Ticket {
    let t = open(store, customer, at(when)).await;
    let mut change = touch(&t, Actor::System, at(when + 1_000));
    change.ticket.status = Status::Resolved;
    change.ticket.resolved_at = Some(at(when + 1_000));
    change.events = vec![TicketEvent::StatusChanged {
        from: t.status,
        to: Status::Resolved,
    }];
    store.save_change(&change).await.expect("resolve")
}

fn ask(t: &switchboard_domain::ticket::Ticket, token: Option<&str>, when: i64) -> CsatAsk {
    let mut change = touch(t, Actor::System, at(when));
    change.events = vec![TicketEvent::CsatRequested {
        medium: "email".into(),
    }];
    CsatAsk {
        ticket: t.id,
        requester: "customer:buyer-1".into(),
        token_hash: token.map(str::to_owned),
        medium: token.map(|_| "email".to_owned()),
        at: at(when),
        change: token.map(|_| change),
    }
}

#[tokio::test]
async fn a_ticket_is_asked_once_and_only_real_requests_start_the_limit() {
    let store = fresh_store().await;
    let a = resolved(&*store, "buyer-1", 0).await;
    let b = resolved(&*store, "buyer-1", 10_000).await;
    let unasked = store.unasked_resolved(at(0), 10).await.expect("unasked");
    assert_eq!(
        unasked.iter().map(|t| t.id).collect::<Vec<_>>(),
        [a.id, b.id]
    );
    assert_eq!(
        store
            .last_csat_request("customer:buyer-1")
            .await
            .expect("last"),
        None
    );

    store
        .ask_rating(&ask(&a, Some("hash-a"), 20_000))
        .await
        .expect("ask");
    let again = store.ask_rating(&ask(&a, Some("hash-a2"), 21_000)).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert!(
        store
            .csat_by_token("hash-a2")
            .await
            .expect("token")
            .is_none(),
        "nothing written"
    );
    // A skipped ticket (asked too recently) is settled but does not move the clock.
    store
        .ask_rating(&ask(&b, None, 30_000))
        .await
        .expect("skip");
    assert_eq!(
        store
            .last_csat_request("customer:buyer-1")
            .await
            .expect("last"),
        Some(at(20_000))
    );
    assert!(
        store
            .unasked_resolved(at(0), 10)
            .await
            .expect("unasked")
            .is_empty()
    );
    assert_eq!(
        store.csat_of(b.id).await.expect("of").unwrap().state,
        CsatState::Skipped
    );
    let rec = store.csat_by_token("hash-a").await.expect("token").unwrap();
    assert_eq!(
        (rec.ticket, rec.state, rec.score),
        (a.id, CsatState::Asked, None)
    );
}

#[tokio::test]
async fn a_rating_is_stored_once_with_its_alerts() {
    let store = fresh_store().await;
    let boss = operator(&*store, "boss").await;
    let t = resolved(&*store, "buyer-1", 0).await;
    store
        .ask_rating(&ask(&t, Some("hash-t"), 5_000))
        .await
        .expect("ask");
    let current = store.ticket(t.id).await.expect("ticket");
    let rated = TicketEvent::Rated {
        score: 1,
        comment: Some("Плохо".into()),
    };
    let mut change = touch(&current, Actor::System, at(6_000));
    change.events = vec![rated.clone()];
    store
        .rate(1, Some("Плохо"), &change, &[(boss.id, rated.clone())])
        .await
        .expect("rate");
    let rec = store.csat_of(t.id).await.expect("of").unwrap();
    assert_eq!(
        (rec.state, rec.score, rec.comment.as_deref()),
        (CsatState::Rated, Some(1), Some("Плохо"))
    );
    let alerts = store.staff_alerts(boss.id, 10).await.expect("alerts");
    assert_eq!(alerts.len(), 1);
    assert_eq!((alerts[0].ticket, &alerts[0].event), (Some(t.id), &rated));

    let mut twice = touch(&current, Actor::System, at(7_000));
    twice.events = vec![TicketEvent::Rated {
        score: 5,
        comment: None,
    }];
    let second = store.rate(5, None, &twice, &[(boss.id, rated)]).await;
    assert!(matches!(second, Err(StoreError::Conflict(_))), "{second:?}");
    assert_eq!(
        store.csat_of(t.id).await.expect("of").unwrap().score,
        Some(1)
    );
    assert_eq!(
        store.staff_alerts(boss.id, 10).await.expect("alerts").len(),
        1,
        "no partial write"
    );

    // A ticket never asked about cannot be rated.
    let other = resolved(&*store, "buyer-2", 8_000).await;
    let change = touch(&other, Actor::System, at(9_000));
    assert!(matches!(
        store.rate(4, None, &change, &[]).await,
        Err(StoreError::Conflict(_))
    ));
}
