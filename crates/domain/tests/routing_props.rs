//! Routing invariants under random operation sequences (issue 4): capacity and
//! skills are never exceeded and the engine's own bookkeeping stays consistent
//! (`check_invariants`, including "no free operator while work waits for their
//! skill"); first come first served within a class; no starvation of a low
//! class under a continuous stream of higher-priority work.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use switchboard_domain::calendar::{Calendar, DaySchedule};
use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::routing::{
    OperatorSpec, OperatorStatus, Routed, Router, RouterConfig, Whereabouts,
};
use switchboard_domain::ticket::Priority;

const SKILLS: [&str; 3] = ["a", "b", "c"];
const CLASSES: [Priority; 4] = [
    Priority::Low,
    Priority::Normal,
    Priority::High,
    Priority::Urgent,
];

fn t0() -> Timestamp {
    "2026-11-23T06:00:00Z".parse().unwrap()
}

/// A shift calendar with two short periods a day, to exercise `advance`.
fn shifts() -> Arc<Calendar> {
    let day = DaySchedule::parse(&["09:00-09:20".into(), "09:40-10:00".into()]).unwrap();
    let week = std::array::from_fn(|_| day.clone());
    Arc::new(Calendar::new("shift", TimeZone::UTC, week, Default::default()).unwrap())
}

#[derive(Debug, Clone)]
enum Op {
    Enqueue {
        skill: usize,
        class: usize,
    },
    Finish(usize),
    Status(usize, OperatorStatus),
    CustomerWrote(usize),
    Replied(usize),
    Transfer(usize, usize, usize),
    AssignTo(usize, usize),
    Reconfigure {
        op: usize,
        skills: Vec<usize>,
        capacity: u32,
    },
    Wait(i64),
}

fn any_op() -> impl Strategy<Value = Op> {
    let status = prop_oneof![
        3 => Just(OperatorStatus::Online),
        1 => Just(OperatorStatus::Away),
        1 => Just(OperatorStatus::Offline)
    ];
    prop_oneof![
        6 => (0..3usize, 0..4usize).prop_map(|(skill, class)| Op::Enqueue { skill, class }),
        4 => (0..64usize).prop_map(Op::Finish),
        3 => (0..5usize, status).prop_map(|(o, s)| Op::Status(o, s)),
        2 => (0..64usize).prop_map(Op::CustomerWrote),
        2 => (0..64usize).prop_map(Op::Replied),
        1 => (0..64usize, 0..3usize, 0..4usize).prop_map(|(c, s, k)| Op::Transfer(c, s, k)),
        1 => (0..64usize, 0..5usize).prop_map(|(c, o)| Op::AssignTo(c, o)),
        1 => (0..5usize, proptest::collection::vec(0..3usize, 1..3), 1..4u32)
            .prop_map(|(op, skills, capacity)| Op::Reconfigure { op, skills, capacity }),
        2 => (1..600i64).prop_map(Op::Wait),
    ]
}

fn spec(i: usize, skills: &[usize], capacity: u32) -> OperatorSpec {
    OperatorSpec {
        id: OperatorId(i as i64),
        skills: skills.iter().map(|&s| SKILLS[s].to_string()).collect(),
        capacity,
        schedule: (i == 4).then(shifts),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn capacity_skills_and_bookkeeping_hold_after_every_operation(ops in proptest::collection::vec(any_op(), 1..120)) {
        let mut r = Router::new(RouterConfig::default());
        let mut now = t0();
        let initial: [&[usize]; 5] = [&[0], &[1], &[0, 1], &[2], &[0, 1, 2]];
        for (i, skills) in initial.iter().enumerate() {
            r.upsert_operator(spec(i, skills, 2), now).unwrap();
        }
        let mut next_id = 0i64;
        for op in ops {
            let conv = |n: usize| TicketId((n as i64) % next_id.max(1));
            // Errors are allowed (unknown conversation, operator at capacity…);
            // a broken invariant is not.
            let _ = match op {
                Op::Enqueue { skill, class } => {
                    next_id += 1;
                    r.enqueue(TicketId(next_id - 1), SKILLS[skill], CLASSES[class], now).map(drop)
                }
                Op::Finish(c) => r.finish(conv(c), now).map(drop),
                Op::Status(o, s) => r.set_status(OperatorId(o as i64), s, now).map(drop),
                Op::CustomerWrote(c) => r.customer_wrote(conv(c), now).map(drop),
                Op::Replied(c) => r.operator_replied(conv(c)),
                Op::Transfer(c, s, k) => r.transfer_to_queue(conv(c), SKILLS[s], CLASSES[k], now).map(drop),
                Op::AssignTo(c, o) => r.assign_to(conv(c), OperatorId(o as i64), now).map(drop),
                Op::Reconfigure { op, skills, capacity } => r.upsert_operator(spec(op, &skills, capacity), now).map(drop),
                Op::Wait(secs) => {
                    now += SignedDuration::from_secs(secs);
                    r.advance(now);
                    Ok(())
                }
            };
            if let Err(e) = r.check_invariants() {
                return Err(TestCaseError::fail(e));
            }
        }
    }

    #[test]
    fn first_come_first_served_within_a_class(
        ops in proptest::collection::vec(prop_oneof![
            3 => (0..2usize, 0..4usize).prop_map(|(s, c)| (0u8, s, c)),
            2 => (0..64usize, 0..1usize).prop_map(|(c, _)| (1u8, c, 0)),
            1 => (0..3usize, 0..1usize).prop_map(|(o, _)| (2u8, o, 0)),
        ], 1..150)
    ) {
        let mut r = Router::new(RouterConfig::default());
        let mut now = t0();
        let skills: [&[usize]; 3] = [&[0], &[1], &[0, 1]];
        for (i, s) in skills.iter().enumerate() {
            r.upsert_operator(spec(i, s, 1), now).unwrap();
        }
        let mut meta: HashMap<TicketId, (usize, usize, i64)> = HashMap::new();
        let mut order = Vec::new();
        let mut next_id = 0i64;
        for (kind, a, b) in ops {
            now += SignedDuration::from_secs(7);
            let routed = match kind {
                0 => {
                    let id = TicketId(next_id);
                    next_id += 1;
                    meta.insert(id, (a, b, next_id));
                    r.enqueue(id, SKILLS[a], CLASSES[b], now).unwrap()
                }
                1 => r.finish(TicketId(a as i64 % next_id.max(1)), now).unwrap_or_default(),
                _ => r.set_status(OperatorId(a as i64), OperatorStatus::Online, now).unwrap(),
            };
            for x in routed {
                if let Routed::Assigned { conversation, .. } = x {
                    order.push(conversation);
                }
            }
        }
        // For each (skill, class), conversations were assigned in arrival order,
        // and none still waiting arrived before one that was assigned.
        for (i, x) in order.iter().enumerate() {
            let (s, c, n) = meta[x];
            for y in &order[..i] {
                let (s2, c2, n2) = meta[y];
                prop_assert!(!(s2 == s && c2 == c && n2 > n), "{y:?} overtook {x:?}");
            }
            for (y, &(s2, c2, n2)) in &meta {
                let waiting = matches!(r.whereabouts(*y), Some(Whereabouts::Waiting { .. }));
                prop_assert!(!(waiting && s2 == s && c2 == c && n2 < n), "{x:?} overtook waiting {y:?}");
            }
        }
    }

    #[test]
    fn a_low_priority_item_is_served_under_a_stream_of_urgent_work(
        operators in 1usize..6, backlog in 0usize..20, step_secs in 5i64..120, high in any::<bool>(),
    ) {
        let config = RouterConfig::default();
        let mut r = Router::new(config.clone());
        let mut now = t0();
        for i in 0..operators {
            r.upsert_operator(spec(i, &[0], 1), now).unwrap();
            r.set_status(OperatorId(i as i64), OperatorStatus::Online, now).unwrap();
        }
        let stream = if high { Priority::High } else { Priority::Urgent };
        let mut busy: Vec<TicketId> = Vec::new();
        let mut next = 0i64;
        let mut arrive = |r: &mut Router, class, now, busy: &mut Vec<TicketId>| {
            next += 1;
            for x in r.enqueue(TicketId(next), "a", class, now).unwrap() {
                if let Routed::Assigned { conversation, .. } = x { busy.push(conversation) }
            }
            TicketId(next)
        };
        for _ in 0..operators + backlog {
            arrive(&mut r, stream, now, &mut busy);
        }
        let low = arrive(&mut r, Priority::Low, now, &mut busy);
        let gap = config.wait_target[0] - config.wait_target[if high { 2 } else { 3 }];
        let bound = (gap.as_secs() / step_secs) as usize + backlog + 2;
        let mut served_after = None;
        for step in 0..bound + 50 {
            now += SignedDuration::from_secs(step_secs);
            arrive(&mut r, stream, now, &mut busy);
            let done = busy.remove(0);
            for x in r.finish(done, now).unwrap() {
                if let Routed::Assigned { conversation, .. } = x { busy.push(conversation) }
            }
            if busy.contains(&low) {
                served_after = Some(step + 1);
                break;
            }
        }
        let served = served_after.unwrap_or(usize::MAX);
        prop_assert!(served <= bound, "served after {served} decisions, bound {bound}");
    }
}
