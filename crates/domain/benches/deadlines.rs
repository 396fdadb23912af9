//! Deadline tracking for 1,000,000 open tickets.
//!
//! `cargo bench -p switchboard-domain --bench deadlines`
//!
//! Loads one million tickets whose breach instants are spread over the next
//! two hours (at-risk at 80% of the way), then runs a worker's loop in
//! simulated time: a tick every 500 ms; between ticks 100 tickets are
//! rescheduled (a reply, a status change), 25 closed and 25 opened. Reports
//! the real time a tick takes to find what is due, the worst delay between an
//! instant and the tick that raised it, and the memory the structure holds,
//! measured with a counting global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};
use switchboard_domain::timers::DeadlineTracker;

/// Counts the bytes currently allocated, to measure the tracker's footprint.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only a
// counter is updated besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        ALLOCATED.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        ALLOCATED.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const TICKETS: u64 = 1_000_000;
const HORIZON_SECS: i64 = 2 * 3600;
const TICK_MS: i64 = 500;
const TICKS: i64 = (HORIZON_SECS + 60) * 1000 / TICK_MS;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn percentiles(mut v: Vec<u64>) -> (u64, u64, u64) {
    v.sort_unstable();
    let at = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
    (at(0.5), at(0.99), v[v.len() - 1])
}

fn main() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let start: Timestamp = "2026-11-23T09:00:00Z".parse().expect("a valid instant");
    // Breach somewhere in the next two hours (ms precision); at risk at 80% of the way.
    let instants = |rng: &mut Rng, now: Timestamp| {
        let ms = (rng.next() % (HORIZON_SECS as u64 * 1000)) as i64;
        let due = now + SignedDuration::from_millis(ms);
        (now + SignedDuration::from_millis(ms * 8 / 10), due)
    };

    let before = ALLOCATED.load(Ordering::Relaxed);
    let t = Instant::now();
    let mut tracker = DeadlineTracker::with_capacity(TICKETS as usize);
    for key in 0..TICKETS {
        let (at_risk, due) = instants(&mut rng, start);
        tracker.schedule(key, at_risk, due);
    }
    let load_time = t.elapsed();
    let loaded_bytes = ALLOCATED.load(Ordering::Relaxed) - before;

    let mut tick_ns = Vec::with_capacity(TICKS as usize);
    let mut fired_total = 0usize;
    let mut worst_delay = SignedDuration::ZERO;
    let mut peak_bytes = loaded_bytes;
    let mut out = Vec::with_capacity(4096);
    let mut next_key = TICKETS;
    for s in 1..=TICKS {
        let now = start + SignedDuration::from_millis(s * TICK_MS);
        for _ in 0..100 {
            let key = rng.next() % next_key;
            let (at_risk, due) = instants(&mut rng, now);
            tracker.schedule(key, at_risk, due);
        }
        for _ in 0..25 {
            tracker.cancel(rng.next() % next_key);
            let (at_risk, due) = instants(&mut rng, now);
            tracker.schedule(next_key, at_risk, due);
            next_key += 1;
        }
        out.clear();
        let t = Instant::now();
        tracker.poll(now, &mut out);
        let took = t.elapsed();
        tick_ns.push(took.as_nanos() as u64);
        fired_total += out.len();
        // An event is raised when the tick that finds it completes.
        let took = SignedDuration::try_from(took).unwrap_or(SignedDuration::MAX);
        for f in &out {
            worst_delay = worst_delay.max(now.duration_since(f.at) + took);
        }
        black_box(&out);
        peak_bytes = peak_bytes.max(ALLOCATED.load(Ordering::Relaxed) - before);
    }
    let (p50, p99, max) = percentiles(tick_ns);
    println!("loaded {TICKETS} tickets in {load_time:.2?}");
    println!(
        "memory: {:.1} MB after loading ({:.0} bytes per ticket), peak {:.1} MB during the run ({:.0} bytes per ticket); heap items {} for {} tickets",
        loaded_bytes as f64 / 1e6,
        loaded_bytes as f64 / TICKETS as f64,
        peak_bytes as f64 / 1e6,
        peak_bytes as f64 / tracker.len() as f64,
        tracker.heap_len(),
        tracker.len()
    );
    println!(
        "{TICKS} ticks of {TICK_MS} ms: {fired_total} at-risk/breach events; time to find what is due per tick p50 {:.1} us, p99 {:.1} us, max {:.1} us",
        p50 as f64 / 1e3,
        p99 as f64 / 1e3,
        max as f64 / 1e3
    );
    println!(
        "worst delay between an instant and the tick that raised it: {:.3} s (target: within 1 s)",
        worst_delay.as_secs_f64()
    );
}
