//! The deadline tracker against a plain model: every at-risk and breach instant
//! fires exactly once, in time order, never early and never after a cancel or
//! a reschedule replaced it.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use switchboard_domain::deadline::Level;
use switchboard_domain::timers::{DeadlineTracker, Fired};

fn at(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(1_800_000_000_000 + ms).unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    Schedule(u64, i64, i64),
    Cancel(u64),
    Tick(i64),
}

proptest! {
    #[test]
    fn fires_what_the_model_says(ops in proptest::collection::vec(prop_oneof![
        3 => (0..20u64, 0..10_000i64, 0..10_000i64).prop_map(|(k, a, d)| Op::Schedule(k, a, d)),
        1 => (0..20u64).prop_map(Op::Cancel),
        2 => (0..3_000i64).prop_map(Op::Tick),
    ], 1..200)) {
        let mut tracker = DeadlineTracker::default();
        // key → pending (instant, level) list
        let mut model: BTreeMap<u64, Vec<(i64, Level)>> = BTreeMap::new();
        let mut now = 0i64;
        for op in ops {
            match op {
                Op::Schedule(k, a, d) => {
                    let (a, d) = (now + a, now + d);
                    tracker.schedule(k, at(a), at(d));
                    let mut pending = vec![(d, Level::Breach)];
                    if a < d { pending.insert(0, (a, Level::AtRisk)); }
                    model.insert(k, pending);
                }
                Op::Cancel(k) => { tracker.cancel(k); model.remove(&k); }
                Op::Tick(dt) => {
                    now += dt;
                    let mut got = Vec::new();
                    tracker.poll(at(now), &mut got);
                    let mut want: Vec<Fired<u64>> = Vec::new();
                    for (k, pending) in model.iter_mut() {
                        while pending.first().is_some_and(|(ms, _)| *ms <= now) {
                            let (ms, level) = pending.remove(0);
                            want.push(Fired { key: *k, level, at: at(ms) });
                        }
                    }
                    prop_assert!(got.windows(2).all(|w| w[0].at <= w[1].at), "time order");
                    got.sort_by_key(|f| (f.key, f.at));
                    want.sort_by_key(|f| (f.key, f.at));
                    prop_assert_eq!(got, want);
                }
            }
            prop_assert!(tracker.heap_len() <= 2 * tracker.len() + 1024);
        }
    }
}

#[test]
fn sub_millisecond_deadlines_round_up() {
    let mut t = DeadlineTracker::default();
    let due = at(10) + SignedDuration::from_micros(300);
    t.schedule(1u64, due, due);
    let mut out = Vec::new();
    t.poll(at(10), &mut out);
    assert!(out.is_empty(), "never early");
    assert_eq!(t.next_instant(), Some(at(11)));
    t.poll(at(11), &mut out);
    assert_eq!(
        out,
        [Fired {
            key: 1,
            level: Level::Breach,
            at: at(11)
        }]
    );
}
