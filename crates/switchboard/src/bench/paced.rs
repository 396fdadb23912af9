//! The paced latency phase: messages on a fixed schedule, each stamped with
//! the time the schedule meant it to leave. Whatever holds a message back —
//! the generator falling behind, a customer's window full of unacknowledged
//! messages, the server queueing — counts in its latency, so a server that
//! cannot keep up shows it (coordinated omission corrected). The rates the
//! generator achieved and the operators received are printed next to the
//! requested one: a latency figure means little if the load never arrived.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::bail;
use tokio::sync::mpsc::Sender;

use super::{Observed, TIMEOUT};

pub(super) struct Paced {
    requested: u64,
    /// Messages handed to the senders per second, over the phase.
    sent_rate: f64,
    /// Messages the operators received per second, from the first intended
    /// send to the last arrival.
    received_rate: f64,
    /// Intended send → operator receive, µs, sorted.
    latencies: Vec<u64>,
}

pub(super) async fn run(
    senders: &[Sender<Option<u64>>],
    observed: &Observed,
    rate: u64,
    secs: u64,
    epoch: Instant,
) -> anyhow::Result<Paced> {
    if senders.is_empty() {
        bail!("the latency phase needs customers");
    }
    let count = rate * secs.max(1);
    observed.latencies_us.lock().await.clear();
    observed.record.store(true, Ordering::Relaxed);
    let before = observed.received.load(Ordering::Relaxed);
    let start = Instant::now();
    let start_us = epoch.elapsed().as_micros() as u64;
    for i in 0..count {
        let offset_us = i * 1_000_000 / rate;
        let due = start + Duration::from_micros(offset_us);
        if due > Instant::now() {
            tokio::time::sleep_until(due.into()).await;
        }
        senders[i as usize % senders.len()]
            .send(Some(start_us + offset_us))
            .await?;
    }
    let sent_rate = count as f64 / start.elapsed().as_secs_f64();
    while observed.received.load(Ordering::Relaxed) - before < count {
        if start.elapsed() > TIMEOUT {
            bail!("latency phase at {rate}/s: messages did not all arrive");
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let received_rate = count as f64 / start.elapsed().as_secs_f64();
    observed.record.store(false, Ordering::Relaxed);
    let mut latencies = std::mem::take(&mut *observed.latencies_us.lock().await);
    latencies.sort_unstable();
    Ok(Paced {
        requested: rate,
        sent_rate,
        received_rate,
        latencies,
    })
}

impl Paced {
    /// The `p` quantile in milliseconds (nearest rank).
    fn pct(&self, p: f64) -> f64 {
        let lat = &self.latencies;
        if lat.is_empty() {
            return 0.0;
        }
        let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1;
        lat[i] as f64 / 1000.0
    }

    pub(super) fn report(&self) {
        println!(
            "  paced {}/s: sent {:.0}/s, received {:.0}/s; latency from the intended send: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} messages)",
            self.requested,
            self.sent_rate,
            self.received_rate,
            self.pct(0.50),
            self.pct(0.90),
            self.pct(0.99),
            self.pct(1.0),
            self.latencies.len()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::Paced;

    #[test]
    fn percentiles_are_nearest_rank() {
        let p = Paced {
            requested: 100,
            sent_rate: 100.0,
            received_rate: 100.0,
            latencies: (1..=100).map(|ms| ms * 1000).collect(),
        };
        assert_eq!(p.pct(0.5), 50.0);
        assert_eq!(p.pct(0.99), 99.0);
        assert_eq!(p.pct(1.0), 100.0);
    }
}
