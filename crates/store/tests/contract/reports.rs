//! Report facts: dirty marks kept by the logs, facts saved and aggregated.

use jiff::Timestamp;
use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::report::{SlaOutcome, Span, TicketFacts};
use switchboard_domain::ticket::{Actor, Channel, Priority, Status, TicketEvent};
use switchboard_store::testing::fresh_store;
use switchboard_store::{DirtyMark, Grouping, Measure, ReportPeriod};

use crate::support::*;

fn facts(
    ticket: TicketId,
    created_at: Timestamp,
    channel: Channel,
    first_ms: Option<i64>,
) -> TicketFacts {
    TicketFacts {
        ticket,
        created_at,
        channel,
        line: "travel".into(),
        topic: "hotel".into(),
        priority: Priority::High,
        status: Status::Resolved,
        operator: Some(OperatorId(4)),
        first_response: first_ms.map(|ms| Span {
            calendar_ms: ms,
            business_ms: ms / 2,
        }),
        next_responses: 2,
        next_response_total: Span {
            calendar_ms: 600,
            business_ms: 300,
        },
        resolution: Some(Span {
            calendar_ms: 9_000,
            business_ms: 4_000,
        }),
        sla_first: SlaOutcome::Breached,
        sla_next: SlaOutcome::Met,
        sla_resolution: SlaOutcome::NotApplicable,
        reopens: 1,
        transfers: 3,
        bot_resolved: false,
        handed_over: true,
        claim: true,
        claim_breached: false,
        csat: Some(2),
    }
}

fn period(from: i64, to: i64) -> ReportPeriod {
    ReportPeriod {
        from: at(from),
        to: at(to),
    }
}

#[tokio::test]
async fn the_logs_mark_tickets_dirty_until_their_facts_are_saved() {
    let store = fresh_store().await;
    let t = open(&*store, "buyer-1", at(0)).await;
    let marks = store.dirty_tickets(10).await.expect("dirty");
    assert_eq!(marks.iter().map(|m| m.ticket).collect::<Vec<_>>(), [t.id]);

    let inputs = store.fact_inputs(&[t.id]).await.expect("inputs");
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0].head.id, t.id);
    assert_eq!(inputs[0].head.channel, t.channel);
    assert_eq!(inputs[0].head.created_at, t.created_at);
    assert!(matches!(
        inputs[0].events[0].event,
        TicketEvent::Created { .. }
    ));
    assert_eq!(inputs[0].messages.len(), 1);
    assert!(inputs[0].messages[0].public);

    store
        .save_facts(&[facts(t.id, t.created_at, t.channel, Some(100))], &marks)
        .await
        .expect("save");
    assert!(store.dirty_tickets(10).await.expect("dirty").is_empty());

    // A late change marks it again, whatever the change is.
    store
        .record_events(t.id, &Actor::System, &[TicketEvent::Reopened], at(5_000))
        .await
        .expect("event");
    let again = store.dirty_tickets(10).await.expect("dirty");
    assert_eq!(again.len(), 1);
    // A mark bumped after it was read is not cleared by the older read.
    store
        .record_events(t.id, &Actor::System, &[TicketEvent::ClaimFiled], at(6_000))
        .await
        .expect("event");
    store
        .save_facts(&[facts(t.id, t.created_at, t.channel, Some(100))], &again)
        .await
        .expect("save");
    let still: Vec<DirtyMark> = store.dirty_tickets(10).await.expect("dirty");
    assert_eq!(still.len(), 1, "a bumped mark stays");
}

#[tokio::test]
async fn saved_facts_read_back_and_aggregate_by_period_and_group() {
    let store = fresh_store().await;
    let a = open(&*store, "buyer-1", at(0)).await;
    let b = open(&*store, "buyer-2", at(1_000)).await;
    let c = open(&*store, "buyer-3", at(2_000)).await;
    let fa = facts(a.id, at(0), Channel::Email, Some(300));
    let mut fb = facts(b.id, at(1_000), Channel::Chat, Some(100));
    fb.csat = Some(5);
    fb.line = "bank_retail".into();
    let fc = facts(c.id, at(2_000), Channel::Email, None);
    store
        .save_facts(&[fa.clone(), fb.clone(), fc.clone()], &[])
        .await
        .expect("save");
    // Saving again replaces, never duplicates.
    store
        .save_facts(std::slice::from_ref(&fa), &[])
        .await
        .expect("save again");

    let page = store
        .facts_page(period(0, 10_000), None, 2)
        .await
        .expect("page");
    assert_eq!(page, [fa.clone(), fb.clone()]);
    let rest = store
        .facts_page(period(0, 10_000), Some((fb.created_at, fb.ticket)), 2)
        .await
        .expect("page");
    assert_eq!(rest, std::slice::from_ref(&fc));

    let all = store
        .report_groups(period(0, 10_000), Grouping::All)
        .await
        .expect("all");
    assert_eq!(all.len(), 1);
    let g = &all[0];
    assert_eq!(
        (g.key.as_str(), g.tickets, g.first_responses),
        ("all", 3, 2)
    );
    assert_eq!(
        (g.sla_first_breached, g.sla_next_met, g.sla_resolution_met),
        (3, 3, 0)
    );
    assert_eq!(
        (g.next_responses, g.next_total_ms, g.next_total_business_ms),
        (6, 1_800, 900)
    );
    assert_eq!(
        (g.resolved, g.reopened, g.transfers, g.transferred),
        (3, 3, 9, 3)
    );
    assert_eq!(
        (g.live, g.handed_over, g.claims, g.claims_resolved),
        (1, 3, 3, 3)
    );
    assert_eq!((g.rated, g.rating_sum, g.rated_low), (3, 9, 2));

    let by_line = store
        .report_groups(period(0, 10_000), Grouping::Topic)
        .await
        .expect("topic");
    let keys: Vec<_> = by_line
        .iter()
        .map(|g| (g.key.as_str(), g.tickets))
        .collect();
    assert_eq!(keys, [("bank_retail/hotel", 1), ("travel/hotel", 2)]);
    let by_op = store
        .report_groups(period(0, 10_000), Grouping::Operator)
        .await
        .expect("op");
    assert_eq!(by_op[0].key, "4");

    // The period is half-open on creation time.
    let first = store
        .report_values(
            period(1_000, 2_000),
            Measure::FirstResponse { business: false },
        )
        .await
        .expect("values");
    assert_eq!(first, [100]);
    let business = store
        .report_values(period(0, 10_000), Measure::FirstResponse { business: true })
        .await
        .expect("values");
    assert_eq!(business, [50, 150]);
    let none = store
        .report_groups(period(5_000, 6_000), Grouping::All)
        .await
        .expect("empty");
    assert!(none.is_empty());

    let volume = store
        .report_volume(period(0, 10_000), 1_500)
        .await
        .expect("volume");
    let v: Vec<_> = volume
        .iter()
        .map(|b| (b.start, b.channel.as_str(), b.tickets))
        .collect();
    assert_eq!(
        v,
        [
            (at(0), "chat", 1),
            (at(0), "email", 1),
            (at(1_500), "email", 1)
        ]
    );
}

#[tokio::test]
async fn the_backlog_counts_open_tickets_by_age() {
    let store = fresh_store().await;
    open(&*store, "buyer-1", at(0)).await;
    open(&*store, "buyer-2", at(10_000)).await;
    let rows = store
        .report_backlog(&[at(5_000), at(20_000)])
        .await
        .expect("backlog");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "queued");
    assert_eq!(rows[0].tickets, 2);
    assert_eq!(rows[0].older_than, [1, 2]);
    assert_eq!(rows[0].oldest, Some(at(0)));
}
