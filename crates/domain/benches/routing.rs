//! Assignment decisions with 5,000 operators and 100,000 waiting conversations.
//!
//! `cargo bench -p switchboard-domain --bench routing`
//!
//! Every operator is busy (capacity 3) and 100,000 conversations wait in 24
//! skill queues across 4 priority classes. One decision = a conversation ends
//! and its operator takes the best waiting conversation of their skills
//! (`Router::finish`); a new conversation then arrives (`Router::enqueue`,
//! timed separately) so the queues stay at 100,000. A third scenario times
//! arrivals that find a free operator at once. The baseline, measured in the
//! same run, is one insert plus one pop-first on a `BTreeMap` of 100,000 items.

use std::hint::black_box;
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};
use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::routing::{OperatorSpec, OperatorStatus, Routed, Router, RouterConfig};
use switchboard_domain::ticket::Priority;

const OPERATORS: usize = 5_000;
const CAPACITY: u32 = 3;
const WAITING: usize = 100_000;
const SKILLS: usize = 24;
const DECISIONS: usize = 50_000;
const CLASSES: [Priority; 4] = [
    Priority::Low,
    Priority::Normal,
    Priority::High,
    Priority::Urgent,
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn skill(i: usize) -> String {
    format!("skill{i}")
}

fn percentiles(mut ns: Vec<u64>) -> (u64, u64, u64) {
    ns.sort_unstable();
    let at = |q: f64| ns[((ns.len() as f64 * q) as usize).min(ns.len() - 1)];
    (at(0.5), at(0.99), ns[ns.len() - 1])
}

fn main() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut now: Timestamp = "2026-11-23T09:00:00Z".parse().expect("a valid instant");
    let tick = SignedDuration::from_millis(50);
    let mut r = Router::new(RouterConfig::default());
    let started = Instant::now();
    for i in 0..OPERATORS {
        let skills = (0..2 + i % 2)
            .map(|k| skill((i + k * 7) % SKILLS))
            .collect();
        let spec = OperatorSpec {
            id: OperatorId(i as i64),
            skills,
            capacity: CAPACITY,
            schedule: None,
        };
        r.upsert_operator(spec, now).expect("new operator");
    }
    let mut next_id = 0i64;
    let mut arrive = |r: &mut Router, rng: &mut Rng, now: Timestamp| {
        next_id += 1;
        let class = CLASSES[rng.below(4)];
        r.enqueue(TicketId(next_id), &skill(rng.below(SKILLS)), class, now)
            .expect("new conversation")
    };
    let total = WAITING + OPERATORS * CAPACITY as usize;
    for _ in 0..total {
        now += SignedDuration::from_millis(1);
        arrive(&mut r, &mut rng, now);
    }
    let mut busy: Vec<TicketId> = Vec::with_capacity(OPERATORS * CAPACITY as usize);
    for i in 0..OPERATORS {
        for x in r
            .set_status(OperatorId(i as i64), OperatorStatus::Online, now)
            .expect("known")
        {
            if let Routed::Assigned { conversation, .. } = x {
                busy.push(conversation);
            }
        }
    }
    println!(
        "setup: {OPERATORS} operators (capacity {CAPACITY}, {} busy conversations), {} waiting in {SKILLS} skills x 4 classes, built in {:.2?}",
        busy.len(),
        r.waiting(),
        started.elapsed()
    );

    // Decision: a conversation ends, its operator picks the next one.
    let mut decide = Vec::with_capacity(DECISIONS);
    let mut enqueue = Vec::with_capacity(DECISIONS);
    for _ in 0..DECISIONS {
        now += tick;
        let done = busy.swap_remove(rng.below(busy.len()));
        let t = Instant::now();
        let routed = r.finish(done, now).expect("busy conversation");
        decide.push(t.elapsed().as_nanos() as u64);
        for x in routed {
            if let Routed::Assigned { conversation, .. } = x {
                busy.push(conversation);
            }
        }
        let t = Instant::now();
        let routed = arrive(&mut r, &mut rng, now);
        enqueue.push(t.elapsed().as_nanos() as u64);
        black_box(routed);
    }
    assert_eq!(r.waiting(), WAITING, "queues stay full");

    // Arrivals that find a free operator: free one slot, then time the arrival.
    let mut immediate = Vec::with_capacity(DECISIONS);
    let mut r2 = Router::new(RouterConfig::default());
    for i in 0..OPERATORS {
        let skills = (0..2 + i % 2)
            .map(|k| skill((i + k * 7) % SKILLS))
            .collect();
        let spec = OperatorSpec {
            id: OperatorId(i as i64),
            skills,
            capacity: CAPACITY,
            schedule: None,
        };
        r2.upsert_operator(spec, now).expect("new operator");
        r2.set_status(OperatorId(i as i64), OperatorStatus::Online, now)
            .expect("known");
    }
    let mut id = 10_000_000i64;
    for _ in 0..DECISIONS {
        now += tick;
        id += 1;
        let s = skill(rng.below(SKILLS));
        let t = Instant::now();
        let routed = r2
            .enqueue(TicketId(id), &s, Priority::Normal, now)
            .expect("new");
        immediate.push(t.elapsed().as_nanos() as u64);
        r2.finish(TicketId(id), now).expect("known");
        black_box(routed);
    }

    // Baseline: insert + pop-first on a BTreeMap holding 100,000 items.
    let mut map = std::collections::BTreeMap::new();
    for i in 0..WAITING as u64 {
        map.insert((rng.next(), i), i);
    }
    let mut base = Vec::with_capacity(DECISIONS);
    for i in 0..DECISIONS as u64 {
        let k = (rng.next(), i);
        let t = Instant::now();
        map.insert(k, i);
        black_box(map.pop_first());
        base.push(t.elapsed().as_nanos() as u64);
    }

    let (b50, b99, bmax) = percentiles(base);
    let row = |name: &str, v: Vec<u64>| {
        let (p50, p99, max) = percentiles(v);
        println!(
            "{name:<44} p50 {:>6} ns  p99 {:>6} ns  max {:>8} ns  | p50 {:.1}x  p99 {:.1}x baseline",
            p50,
            p99,
            max,
            p50 as f64 / b50 as f64,
            p99 as f64 / b99 as f64
        );
        p99
    };
    println!("{DECISIONS} decisions each; target: p99 under 100 us per decision");
    let p99 = row("decision (operator frees a slot, picks next)", decide);
    row("arrival while all operators are busy", enqueue);
    row("arrival that finds a free operator", immediate);
    println!(
        "{:<44} p50 {:>6} ns  p99 {:>6} ns  max {:>8} ns",
        "baseline: BTreeMap insert + pop_first", b50, b99, bmax
    );
    println!(
        "decision p99 {} the 100 us target",
        if p99 < 100_000 { "meets" } else { "MISSES" }
    );
}
