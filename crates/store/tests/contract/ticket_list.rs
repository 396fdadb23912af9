//! The ticket list: each filter, their combination, order, paging and limits.

use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::ticket::{Actor, Priority, Status, Ticket};
use switchboard_store::testing::fresh_store;
use switchboard_store::{AssigneeFilter, Store, TicketFilter, TicketScope};

use crate::support::*;

fn ids(tickets: &[Ticket]) -> Vec<TicketId> {
    tickets.iter().map(|t| t.id).collect()
}

async fn list(store: &dyn Store, filter: TicketFilter) -> Vec<TicketId> {
    ids(&store.list_tickets(&filter).await.expect("list"))
}

/// Saves `change` on `ticket` (used to vary the fields the list filters on).
async fn edit(store: &dyn Store, ticket: &Ticket, f: impl FnOnce(&mut Ticket)) -> Ticket {
    let mut next = ticket.clone();
    f(&mut next);
    store
        .save_change(&touch(&next, Actor::System, ticket.updated_at + secs(1)))
        .await
        .expect("edit")
}

#[tokio::test]
async fn each_filter_narrows_the_list_newest_first() {
    let store = fresh_store().await;
    let a = open(&*store, "buyer-1", at(0)).await;
    let b = open(&*store, "buyer-2", at(1)).await;
    let c = open(&*store, "buyer-1", at(2)).await;
    let d = open(&*store, "buyer-3", at(3)).await;
    let b = edit(&*store, &b, |t| {
        t.line = "marketplace".into();
        t.topic = "delivery".into();
    })
    .await;
    let c = edit(&*store, &c, |t| {
        t.topic = "flight".into();
        t.status = Status::Resolved;
        t.priority = Priority::Low;
    })
    .await;
    let d = assign(&*store, &d, OperatorId(7)).await;
    let a = assign(&*store, &a, OperatorId(8)).await;

    assert_eq!(
        list(&*store, TicketFilter::default()).await,
        [d.id, c.id, b.id, a.id]
    );
    let by = |f: TicketFilter| list(&*store, f);
    assert_eq!(
        by(TicketFilter {
            customer: Some(customer_id("buyer-1")),
            ..Default::default()
        })
        .await,
        [c.id, a.id]
    );
    assert_eq!(
        by(TicketFilter {
            line: Some("travel".into()),
            ..Default::default()
        })
        .await,
        [d.id, c.id, a.id]
    );
    assert_eq!(
        by(TicketFilter {
            line: Some("travel".into()),
            topic: Some("hotel".into()),
            ..Default::default()
        })
        .await,
        [d.id, a.id]
    );
    assert_eq!(
        by(TicketFilter {
            status: Some(Status::Resolved),
            ..Default::default()
        })
        .await,
        [c.id]
    );
    assert_eq!(
        by(TicketFilter {
            priority: Some(Priority::High),
            ..Default::default()
        })
        .await,
        [d.id, b.id, a.id]
    );
    assert_eq!(
        by(TicketFilter {
            assignee: Some(AssigneeFilter::Unassigned),
            ..Default::default()
        })
        .await,
        [c.id, b.id]
    );
    assert_eq!(
        by(TicketFilter {
            assignee: Some(AssigneeFilter::Operator(OperatorId(7))),
            ..Default::default()
        })
        .await,
        [d.id]
    );
    // Filters combine with AND.
    assert_eq!(
        by(TicketFilter {
            customer: Some(customer_id("buyer-1")),
            status: Some(Status::Assigned),
            ..Default::default()
        })
        .await,
        [a.id]
    );
    assert!(
        by(TicketFilter {
            customer: Some(customer_id("buyer-2")),
            line: Some("travel".into()),
            ..Default::default()
        })
        .await
        .is_empty()
    );
}

#[tokio::test]
async fn the_cursor_pages_through_without_gaps_or_repeats() {
    let store = fresh_store().await;
    let mut all = Vec::new();
    for i in 0..7 {
        all.push(open(&*store, "buyer-1", at(i)).await.id);
    }
    all.reverse();

    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = list(
            &*store,
            TicketFilter {
                before,
                limit: 3,
                ..Default::default()
            },
        )
        .await;
        assert!(page.len() <= 3);
        let Some(&last) = page.last() else { break };
        seen.extend(page);
        before = Some(last);
    }
    assert_eq!(seen, all);

    // The cursor combines with filters.
    let page = list(
        &*store,
        TicketFilter {
            customer: Some(customer_id("buyer-1")),
            before: Some(all[2]),
            limit: 2,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(page, all[3..5]);
}

#[tokio::test]
async fn limits_default_to_fifty_and_cap_at_two_hundred() {
    let store = fresh_store().await;
    for i in 0..201 {
        open(&*store, "buyer-1", at(i)).await;
    }
    let count = |limit| {
        let store = &store;
        async move {
            store
                .list_tickets(&TicketFilter {
                    limit,
                    ..Default::default()
                })
                .await
                .expect("list")
                .len()
        }
    };
    assert_eq!(count(0).await, 50);
    assert_eq!(count(1).await, 1);
    assert_eq!(count(200).await, 200);
    assert_eq!(count(u32::MAX).await, 200);
}

/// A member of staff's scope: whole lines, single topics, and their own
/// tickets off the secret lines; an empty scope sees nothing.
#[tokio::test]
async fn the_scope_filter_keeps_to_lines_topics_and_own_tickets() {
    let store = fresh_store().await;
    let place = |line: &'static str, topic: &'static str| {
        move |t: &mut Ticket| {
            t.line = line.into();
            t.topic = topic.into();
        }
    };
    let a = open(&*store, "buyer-1", at(0)).await;
    let a = edit(&*store, &a, place("marketplace", "delivery")).await;
    let b = open(&*store, "buyer-2", at(1)).await;
    let b = edit(&*store, &b, place("marketplace", "returns")).await;
    let c = open(&*store, "bank-1", at(2)).await;
    let c = edit(&*store, &c, place("bank_retail", "cards")).await;
    let c = assign(&*store, &c, OperatorId(7)).await;
    let d = open(&*store, "buyer-3", at(3)).await;
    let d = edit(&*store, &d, place("travel", "hotels")).await;
    let d = assign(&*store, &d, OperatorId(7)).await;

    let scoped = |scope: TicketScope| TicketFilter {
        scope: Some(scope),
        ..Default::default()
    };
    assert_eq!(
        list(
            &*store,
            scoped(TicketScope {
                lines: vec!["marketplace".into()],
                ..Default::default()
            })
        )
        .await,
        [b.id, a.id]
    );
    assert_eq!(
        list(
            &*store,
            scoped(TicketScope {
                topics: vec![("marketplace".into(), "delivery".into())],
                ..Default::default()
            })
        )
        .await,
        [a.id]
    );
    // Operator 7's own tickets, except on the secret bank line.
    assert_eq!(
        list(
            &*store,
            scoped(TicketScope {
                topics: vec![("marketplace".into(), "returns".into())],
                assignee: Some(OperatorId(7)),
                secret_lines: vec!["bank_retail".into()],
                ..Default::default()
            })
        )
        .await,
        [d.id, b.id]
    );
    assert_eq!(
        list(&*store, scoped(TicketScope::default())).await,
        Vec::<TicketId>::new()
    );
    // Combined with the other filters.
    assert_eq!(
        list(
            &*store,
            TicketFilter {
                line: Some("bank_retail".into()),
                scope: Some(TicketScope {
                    lines: vec!["bank_retail".into(), "travel".into()],
                    ..Default::default()
                }),
                ..Default::default()
            }
        )
        .await,
        [c.id]
    );
}
