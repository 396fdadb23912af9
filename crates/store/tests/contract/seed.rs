//! Bulk seeding (benchmarks): tickets with the ids given and their logs, read
//! back like any other; the logs' triggers fire; new tickets come after them.

use switchboard_domain::ids::TicketId;
use switchboard_domain::ticket::{Actor, Status, TicketEvent};
use switchboard_store::testing::fresh_store;
use switchboard_store::{SeedEvent, SeedMessage, SeedTicket, Visibility};

use crate::support::*;

#[tokio::test]
async fn seeded_tickets_read_back_mark_their_facts_and_new_ids_follow() {
    let store = fresh_store().await;
    let template = open(&*store, "buyer-1", at(0)).await;
    let mut ticket = template.clone();
    ticket.id = TicketId(1_000);
    ticket.status = Status::Resolved;
    ticket.resolved_at = Some(at(9_000));
    let me = Actor::Customer(customer_id("buyer-1"));
    let seed = SeedTicket {
        ticket: ticket.clone(),
        events: vec![
            SeedEvent {
                at: at(1_000),
                actor: me.clone(),
                event: TicketEvent::ClaimFiled,
            },
            SeedEvent {
                at: at(9_000),
                actor: Actor::System,
                event: TicketEvent::StatusChanged {
                    from: Status::Queued,
                    to: Status::Resolved,
                },
            },
        ],
        messages: vec![
            SeedMessage {
                at: at(1_000),
                author: me.clone(),
                visibility: Visibility::Public,
                body: "Где мой заказ?".into(),
            },
            SeedMessage {
                at: at(2_000),
                author: Actor::System,
                visibility: Visibility::Internal,
                body: "note".into(),
            },
        ],
        calls: vec![],
    };
    store.seed_tickets(&[seed]).await.expect("seed");
    store.seed_finish().await.expect("finish");

    let back = store.ticket(TicketId(1_000)).await.expect("seeded ticket");
    assert_eq!(
        (back.status, back.resolved_at),
        (Status::Resolved, Some(at(9_000)))
    );
    assert_eq!(back.requester, template.requester);
    let dirty = store.dirty_tickets(10).await.expect("dirty");
    assert!(
        dirty.iter().any(|m| m.ticket == TicketId(1_000)),
        "{dirty:?}"
    );
    let inputs = store.fact_inputs(&[TicketId(1_000)]).await.expect("inputs");
    assert_eq!(inputs[0].events.len(), 2);
    assert_eq!(
        inputs[0]
            .messages
            .iter()
            .map(|m| m.public)
            .collect::<Vec<_>>(),
        [true, false]
    );

    let next = open(&*store, "buyer-2", at(10_000)).await;
    assert_eq!(
        next.id,
        TicketId(1_001),
        "new tickets follow the seeded ids"
    );
}
