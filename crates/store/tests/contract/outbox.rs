//! The notification outbox: claiming, leases, delivery, retries, giving up.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::Timestamp;
use switchboard_domain::ticket::Ticket;
use switchboard_store::testing::{fresh_db, fresh_store};
use switchboard_store::{DeliveryStatus, OutboxRecord, Store, StoreError};

use crate::support::*;

/// A ticket created at `at(0)` whose `notify` queued `n` notifications.
async fn ticket_with_notifications(store: &dyn Store, n: usize) -> Ticket {
    store
        .create_ticket(
            &new_ticket("buyer-1", at(0)),
            opening(customer_says("buyer-1", "hi"), notify(n)),
        )
        .await
        .expect("create")
        .ticket
}

async fn record(store: &dyn Store, ticket: &Ticket, id: i64) -> OutboxRecord {
    store
        .ticket_outbound(ticket.id)
        .await
        .expect("outbox")
        .into_iter()
        .find(|r| r.id == id)
        .expect("record exists")
}

async fn claim_ids(store: &dyn Store, now: Timestamp, limit: u32) -> Vec<i64> {
    store
        .claim_outbound(now, secs(60), limit)
        .await
        .expect("claim")
        .into_iter()
        .map(|i| i.id)
        .collect()
}

#[tokio::test]
async fn claiming_leases_due_items_oldest_first() {
    let store = fresh_store().await;
    let t = ticket_with_notifications(&*store, 3).await;
    let queued = store.ticket_outbound(t.id).await.expect("outbox");
    assert_eq!(store.pending_outbound().await.expect("count"), 3);

    // Nothing is due before it was queued.
    assert!(claim_ids(&*store, at(-1), 10).await.is_empty());
    assert!(claim_ids(&*store, at(0), 0).await.is_empty());

    let items = store
        .claim_outbound(at(0), secs(60), 2)
        .await
        .expect("claim");
    assert_eq!(
        items.iter().map(|i| i.id).collect::<Vec<_>>(),
        [queued[0].id, queued[1].id]
    );
    assert_eq!(items[0].ticket_id, Some(t.id));
    assert_eq!(items[0].outbound, queued[0].outbound);
    assert_eq!(items[0].attempts, 0);

    // Leased items are not handed out again while the lease lasts…
    assert_eq!(claim_ids(&*store, at(1_000), 10).await, [queued[2].id]);
    assert!(claim_ids(&*store, at(59_999), 10).await.is_empty());
    // …and come back once it has run out (the worker died).
    assert_eq!(
        claim_ids(&*store, at(60_001), 10).await,
        [queued[0].id, queued[1].id]
    );
    // Leasing is not delivery.
    assert_eq!(store.pending_outbound().await.expect("count"), 3);
}

#[tokio::test]
async fn delivered_items_are_done() {
    let store = fresh_store().await;
    let t = ticket_with_notifications(&*store, 1).await;
    let id = claim_ids(&*store, at(0), 10).await[0];
    store
        .outbound_delivered(id, None, at(500))
        .await
        .expect("delivered");

    let r = record(&*store, &t, id).await;
    assert_eq!(r.status, DeliveryStatus::Delivered);
    assert_eq!(r.delivered_at, Some(at(500)));
    assert_eq!(r.attempts, 0);
    assert_eq!(store.pending_outbound().await.expect("count"), 0);
    assert!(claim_ids(&*store, at(3_600_000), 10).await.is_empty());

    // A late failure report from a worker whose lease ran out changes nothing.
    store
        .outbound_failed(id, "timeout", None)
        .await
        .expect("late report");
    assert_eq!(record(&*store, &t, id).await, r);
}

#[tokio::test]
async fn a_failed_attempt_is_retried_at_the_given_time() {
    let store = fresh_store().await;
    let t = ticket_with_notifications(&*store, 1).await;
    let id = claim_ids(&*store, at(0), 10).await[0];
    store
        .outbound_failed(id, "421 try later", Some(at(30_000)))
        .await
        .expect("failed");

    let r = record(&*store, &t, id).await;
    assert_eq!(r.status, DeliveryStatus::Pending);
    assert_eq!(r.attempts, 1);
    assert_eq!(r.last_error.as_deref(), Some("421 try later"));
    assert_eq!(store.pending_outbound().await.expect("count"), 1);

    assert!(claim_ids(&*store, at(29_999), 10).await.is_empty());
    // The retry time counts, not the old lease (which would last until 60 s).
    let again = store
        .claim_outbound(at(30_000), secs(60), 10)
        .await
        .expect("claim");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 1);
}

#[tokio::test]
async fn giving_up_fails_the_item_for_good() {
    let store = fresh_store().await;
    let t = ticket_with_notifications(&*store, 1).await;
    let id = claim_ids(&*store, at(0), 10).await[0];
    store
        .outbound_failed(id, "first", Some(at(1_000)))
        .await
        .expect("retry");
    claim_ids(&*store, at(1_000), 10).await;
    store
        .outbound_failed(id, "550 no such user", None)
        .await
        .expect("give up");

    let r = record(&*store, &t, id).await;
    assert_eq!(r.status, DeliveryStatus::Failed);
    assert_eq!(r.attempts, 2);
    assert_eq!(r.last_error.as_deref(), Some("550 no such user"));
    assert_eq!(r.delivered_at, None);
    assert_eq!(store.pending_outbound().await.expect("count"), 0);
    assert!(claim_ids(&*store, at(86_400_000), 10).await.is_empty());
}

#[tokio::test]
async fn reports_about_unknown_items_are_not_found() {
    let store = fresh_store().await;
    assert!(matches!(
        store.outbound_delivered(404, None, at(0)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.outbound_failed(404, "x", None).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.outbound_failed(404, "x", Some(at(1))).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claimers_never_share_an_item() {
    let store = fresh_store().await;
    let total = 60;
    ticket_with_notifications(&*store, total).await;

    let workers: Vec<_> = (0..4)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = claim_ids(&*store, at(0), 3).await;
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch);
                }
            })
        })
        .collect();
    let mut seen = HashSet::new();
    let mut claimed = 0;
    for worker in workers {
        for id in worker.await.expect("worker") {
            claimed += 1;
            assert!(seen.insert(id), "item {id} was claimed twice");
        }
    }
    assert_eq!(claimed, total);
}

#[tokio::test]
async fn an_unreadable_item_is_given_up_without_blocking_the_rest() {
    let db = fresh_db().await;
    let t = ticket_with_notifications(&*db.store, 2).await;
    let queued = db.store.ticket_outbound(t.id).await.expect("outbox");
    let bad = queued[0].id;
    db.execute(&format!(
        "UPDATE outbox SET channel = 'pigeon' WHERE id = {bad}"
    ))
    .await
    .expect("tamper");

    assert_eq!(claim_ids(&*db.store, at(0), 10).await, [queued[1].id]);
    assert_eq!(db.store.pending_outbound().await.expect("count"), 1);
    // Once its lease runs out only the good item comes back.
    assert_eq!(
        claim_ids(&*db.store, at(3_600_000), 10).await,
        [queued[1].id]
    );
}

#[tokio::test]
async fn each_ticket_lists_only_its_own_notifications() {
    let store = fresh_store().await;
    let t = ticket_with_notifications(&*store, 1).await;
    let other = ticket_with_notifications(&*store, 2).await;
    assert_eq!(store.ticket_outbound(t.id).await.expect("t").len(), 1);
    assert_eq!(
        store.ticket_outbound(other.id).await.expect("other").len(),
        2
    );
}
