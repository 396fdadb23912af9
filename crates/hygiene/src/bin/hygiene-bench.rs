//! Throughput of the customer-message pipeline on one thread.
//!
//! `cargo run --release -p switchboard-hygiene --bin hygiene-bench [-- MEGABYTES]`
//!
//! Builds a corpus (default 64 MB) of messages made from the labelled sets —
//! one to four labelled texts per message, most of them ordinary questions —
//! and pushes every message through `inspect_customer_message`. For scale, it
//! times two baselines over the same messages in the same run: a plain
//! `str::to_lowercase` and a byte scan counting digits.

use std::hint::black_box;
use std::time::Instant;

use switchboard_hygiene::eval::data;
use switchboard_hygiene::inspect_customer_message;

/// A small deterministic generator, so every run measures the same corpus.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Every message text of the labelled sets (the last column, or both
/// questions of a duplicate pair).
fn labelled_texts() -> Vec<&'static str> {
    let mut texts = Vec::new();
    for set in [
        data::CARDS,
        data::SECRETS,
        data::OBSCENITY,
        data::OPERATOR_REQUESTS,
        data::SCOPE,
    ] {
        texts.extend(
            set.lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .filter_map(|l| l.rsplit('\t').next()),
        );
    }
    for line in data::DUPLICATES.lines().filter(|l| !l.starts_with('#')) {
        texts.extend(line.split('\t').skip(1));
    }
    texts
}

fn corpus(bytes: usize) -> Vec<String> {
    let texts = labelled_texts();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut messages = Vec::new();
    let mut total = 0;
    while total < bytes {
        let parts = 1 + rng.below(4);
        let message = (0..parts)
            .map(|_| texts[rng.below(texts.len())])
            .collect::<Vec<_>>()
            .join(if rng.below(2) == 0 { " " } else { "\n" });
        total += message.len();
        messages.push(message);
    }
    messages
}

/// Seconds this thread has spent on a CPU (Linux), to tell the work from the
/// waiting when other builds share the machine.
fn on_cpu() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}

/// Wall-clock and on-CPU seconds for one pass of `f` over the messages.
fn time<F: FnMut(&str) -> usize>(messages: &[String], mut f: F) -> (f64, Option<f64>) {
    let cpu = on_cpu();
    let start = Instant::now();
    let mut sink = 0;
    for m in messages {
        sink += f(black_box(m));
    }
    black_box(sink);
    let wall = start.elapsed().as_secs_f64();
    (wall, cpu.zip(on_cpu()).map(|(a, b)| b - a))
}

fn rate(mb: f64, (wall, cpu): (f64, Option<f64>)) -> String {
    match cpu {
        Some(cpu) => format!(
            "{:>7.1} MB/s wall, {:>7.1} MB/s on-CPU",
            mb / wall,
            mb / cpu
        ),
        None => format!("{:>7.1} MB/s wall", mb / wall),
    }
}

fn main() {
    let megabytes: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(64);
    let messages = corpus(megabytes * 1_000_000);
    let bytes: usize = messages.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "corpus: {} messages, {mb:.1} MB, mean {} bytes",
        messages.len(),
        bytes / messages.len()
    );

    // Warm up: compile the patterns and fault the pages in.
    for m in messages.iter().take(1000) {
        black_box(inspect_customer_message(m));
    }
    let lower = time(&messages, |m| m.to_lowercase().len());
    let scan = time(&messages, |m| m.bytes().filter(u8::is_ascii_digit).count());
    let mut flagged = [0usize; 3];
    let pipeline = time(&messages, |m| {
        let report = inspect_customer_message(m);
        flagged[0] += usize::from(!report.findings.is_empty());
        flagged[1] += usize::from(!report.obscene.is_empty());
        flagged[2] += usize::from(report.out_of_scope.is_some());
        report.masked_text.len() + report.display_text.len()
    });
    println!(
        "messages with secrets {}, with obscenity {}, out of scope {}",
        flagged[0], flagged[1], flagged[2]
    );
    println!("baseline str::to_lowercase   {}", rate(mb, lower));
    println!("baseline digit byte scan     {}", rate(mb, scan));
    println!("inspect_customer_message     {}", rate(mb, pipeline));
    // The ratio and the verdict use on-CPU time when the system reports it:
    // on a machine shared with other builds, wall time measures the queue.
    let seconds = |t: (f64, Option<f64>)| t.1.unwrap_or(t.0);
    println!(
        "pipeline / to_lowercase time: {:.2}x; {:.1} µs per message",
        seconds(pipeline) / seconds(lower),
        seconds(pipeline) * 1e6 / messages.len() as f64
    );
    let target = 50.0;
    let achieved = mb / seconds(pipeline);
    println!(
        "target >= {target} MB/s on one core: {} ({achieved:.1} MB/s)",
        if achieved >= target { "met" } else { "MISSED" }
    );
}
