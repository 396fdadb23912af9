//! Routing rules by example: least loaded then longest idle, returning
//! conversations to the queue head, transfers, reassignment checks, shifts.

use std::sync::Arc;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use switchboard_domain::calendar::{Calendar, DaySchedule};
use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::routing::{
    OperatorSpec, OperatorStatus::*, Routed, Router, RouterConfig, RoutingError, Whereabouts,
};
use switchboard_domain::ticket::Priority::*;

fn t(mins: i64) -> Timestamp {
    "2026-11-23T08:00:00Z".parse::<Timestamp>().unwrap() + SignedDuration::from_mins(mins)
}

fn op(id: i64, skills: &[&str], capacity: u32) -> OperatorSpec {
    OperatorSpec {
        id: OperatorId(id),
        skills: skills.iter().map(|s| s.to_string()).collect(),
        capacity,
        schedule: None,
    }
}

fn assigned(r: &[Routed]) -> Vec<(i64, i64)> {
    r.iter()
        .filter_map(|x| match x {
            Routed::Assigned {
                conversation,
                operator,
            } => Some((conversation.0, operator.0)),
            _ => None,
        })
        .collect()
}

fn router(ops: &[OperatorSpec]) -> Router {
    let mut r = Router::new(RouterConfig::default());
    for o in ops {
        r.upsert_operator(o.clone(), t(0)).unwrap();
    }
    r
}

#[test]
fn least_loaded_first_then_longest_idle() {
    let mut r = router(&[op(1, &["bank"], 3), op(2, &["bank"], 3)]);
    r.set_status(OperatorId(2), Online, t(0)).unwrap();
    r.set_status(OperatorId(1), Online, t(1)).unwrap();
    // Both idle with no load: operator 2 has been idle longer.
    assert_eq!(
        assigned(&r.enqueue(TicketId(10), "bank", Normal, t(2)).unwrap()),
        [(10, 2)]
    );
    // Operator 1 now has the lower load.
    assert_eq!(
        assigned(&r.enqueue(TicketId(11), "bank", Normal, t(3)).unwrap()),
        [(11, 1)]
    );
    assert_eq!(
        assigned(&r.enqueue(TicketId(12), "bank", Normal, t(4)).unwrap()),
        [(12, 2)]
    );
    // Nobody has the travel skill: it waits.
    assert!(
        r.enqueue(TicketId(13), "travel", High, t(5))
            .unwrap()
            .is_empty()
    );
    assert_eq!(r.queue_len("travel", High), 1);
}

#[test]
fn going_away_returns_waiting_conversations_to_the_queue_head() {
    let mut r = router(&[op(1, &["m"], 1), op(2, &["m"], 1)]);
    r.set_status(OperatorId(1), Online, t(0)).unwrap();
    r.enqueue(TicketId(1), "m", Normal, t(1)).unwrap();
    r.enqueue(TicketId(2), "m", Normal, t(2)).unwrap();
    r.enqueue(TicketId(3), "m", Normal, t(3)).unwrap();
    let back = r.set_status(OperatorId(1), Away, t(4)).unwrap();
    assert_eq!(
        back,
        [Routed::Returned {
            conversation: TicketId(1),
            from: OperatorId(1)
        }]
    );
    assert_eq!(
        r.whereabouts(TicketId(1)),
        Some(Whereabouts::Waiting {
            skill: "m".into(),
            class: Normal,
            enqueued_at: t(1)
        })
    );
    // The returned conversation is served before those that arrived after it.
    assert_eq!(
        assigned(&r.set_status(OperatorId(2), Online, t(5)).unwrap()),
        [(1, 2)]
    );
}

#[test]
fn a_conversation_waiting_for_the_customer_stays_until_the_customer_writes() {
    let mut r = router(&[op(1, &["m"], 2), op(2, &["m"], 2)]);
    r.set_status(OperatorId(1), Online, t(0)).unwrap();
    r.enqueue(TicketId(1), "m", Normal, t(1)).unwrap();
    r.operator_replied(TicketId(1)).unwrap();
    assert!(
        r.set_status(OperatorId(1), Offline, t(2))
            .unwrap()
            .is_empty()
    );
    r.set_status(OperatorId(2), Online, t(3)).unwrap();
    let moved = r.customer_wrote(TicketId(1), t(4)).unwrap();
    assert_eq!(
        moved[0],
        Routed::Returned {
            conversation: TicketId(1),
            from: OperatorId(1)
        }
    );
    assert_eq!(assigned(&moved), [(1, 2)]);
    assert_eq!(r.load(OperatorId(1)), Some((0, 2)));
}

#[test]
fn transfers_and_reassignment_respect_skills_and_capacity() {
    let mut r = router(&[
        op(1, &["m"], 1),
        op(2, &["m", "bank"], 1),
        op(3, &["bank"], 1),
    ]);
    for o in 1..=3 {
        r.set_status(OperatorId(o), Online, t(0)).unwrap();
    }
    r.enqueue(TicketId(1), "m", Normal, t(1)).unwrap(); // → 1 (idle longest)
    assert_eq!(
        r.assign_to(TicketId(1), OperatorId(3), t(2)),
        Err(RoutingError::MissingSkill(OperatorId(3), "m".into()))
    );
    assert_eq!(
        assigned(&r.assign_to(TicketId(1), OperatorId(2), t(2)).unwrap()),
        [(1, 2)]
    );
    assert_eq!(r.load(OperatorId(1)), Some((0, 1)));
    r.enqueue(TicketId(2), "m", Normal, t(3)).unwrap(); // → 1
    assert_eq!(
        r.assign_to(TicketId(2), OperatorId(2), t(4)),
        Err(RoutingError::NotAvailable(OperatorId(2)))
    );
    // To the bank queue: operator 3 is free there; operator 1's capacity is freed.
    let moved = r
        .transfer_to_queue(TicketId(2), "bank", High, t(5))
        .unwrap();
    assert_eq!(assigned(&moved), [(2, 3)]);
    assert_eq!(r.load(OperatorId(1)), Some((0, 1)));
    r.check_invariants().unwrap();
}

#[test]
fn shifts_start_and_end_with_the_operator_calendar() {
    // 08:30–09:00 UTC every day.
    let day = DaySchedule::parse(&["08:30-09:00".into()]).unwrap();
    let cal = Arc::new(
        Calendar::new(
            "s",
            TimeZone::UTC,
            std::array::from_fn(|_| day.clone()),
            Default::default(),
        )
        .unwrap(),
    );
    let mut r = router(&[OperatorSpec {
        schedule: Some(cal),
        ..op(1, &["m"], 1)
    }]);
    r.set_status(OperatorId(1), Online, t(0)).unwrap();
    assert!(
        r.enqueue(TicketId(1), "m", Normal, t(10))
            .unwrap()
            .is_empty(),
        "before the shift"
    );
    assert_eq!(assigned(&r.advance(t(30))), [(1, 1)]);
    let off = r.advance(t(60));
    assert_eq!(
        off,
        [Routed::Returned {
            conversation: TicketId(1),
            from: OperatorId(1)
        }]
    );
}

#[test]
fn changes_that_would_strand_conversations_are_refused() {
    let mut r = router(&[op(1, &["m"], 2)]);
    r.set_status(OperatorId(1), Online, t(0)).unwrap();
    r.enqueue(TicketId(1), "m", Normal, t(1)).unwrap();
    r.enqueue(TicketId(2), "m", Normal, t(1)).unwrap();
    assert_eq!(
        r.upsert_operator(op(1, &["m"], 1), t(2)),
        Err(RoutingError::WouldStrand(OperatorId(1)))
    );
    assert_eq!(
        r.upsert_operator(op(1, &["bank"], 2), t(2)),
        Err(RoutingError::WouldStrand(OperatorId(1)))
    );
    assert_eq!(
        r.enqueue(TicketId(1), "m", Normal, t(3)),
        Err(RoutingError::AlreadyRouted(TicketId(1)))
    );
    assert_eq!(
        r.finish(TicketId(9), t(3)),
        Err(RoutingError::UnknownConversation(TicketId(9)))
    );
}

#[test]
fn restoring_from_the_store_checks_skill_and_capacity_but_not_status() {
    use switchboard_domain::routing::{
        OperatorSpec, Router, RouterConfig, RoutingError, Whereabouts,
    };
    let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
    let mut r = Router::new(RouterConfig::default());
    let op = switchboard_domain::ids::OperatorId(1);
    r.upsert_operator(
        OperatorSpec {
            id: op,
            skills: vec!["travel".into()],
            capacity: 1,
            schedule: None,
        },
        now,
    )
    .unwrap();
    let t = |n| switchboard_domain::ids::TicketId(n);
    let p = switchboard_domain::ticket::Priority::Normal;
    assert!(matches!(
        r.restore(t(1), "bank", p, op, true, now),
        Err(RoutingError::MissingSkill(..))
    ));
    r.restore(t(1), "travel", p, op, false, now).unwrap();
    assert_eq!(
        r.whereabouts(t(1)),
        Some(Whereabouts::With {
            operator: op,
            awaiting_reply: false
        })
    );
    assert_eq!(r.load(op), Some((1, 1)));
    assert!(matches!(
        r.restore(t(2), "travel", p, op, true, now),
        Err(RoutingError::NotAvailable(_))
    ));
    r.check_invariants().unwrap();
}
