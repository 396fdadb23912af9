//! SQLite's physical limit for the chat's rows: the same statements through
//! the plainest client there is — one rusqlite connection, one thread, a
//! plain loop, no pool, no async, statements prepared once.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, TransactionBehavior, params};

use super::{SINGLE, TX};
use crate::{Result, SqliteSynchronous};

/// Rows per transaction in the batched phase.
pub const BATCH_ROWS: usize = 100;

/// What the plain loop reached, per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlainRates {
    /// Committed 3-statement transactions (seq, message, outbox row).
    pub three_statement_tx_per_sec: f64,
    /// Committed single-row inserts, one transaction each.
    pub single_row_inserts_per_sec: f64,
    /// Message rows inserted in transactions of [`BATCH_ROWS`].
    pub batched_rows_per_sec: f64,
}

/// Runs the three phases for `duration` each on the database file at
/// `path`, spreading the writes over `tickets`. Blocking: call it from a
/// thread of its own (`spawn_blocking`).
pub fn sqlite_plain_rates(
    path: &Path,
    tickets: &[i64],
    sync: SqliteSynchronous,
    duration: Duration,
) -> Result<PlainRates> {
    if tickets.is_empty() {
        return Err(crate::StoreError::Config(
            "the baseline needs some tickets".into(),
        ));
    }
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(
        None,
        "synchronous",
        match sync {
            SqliteSynchronous::Normal => "NORMAL",
            SqliteSynchronous::Full => "FULL",
        },
    )?;
    let ticket = |i: usize| tickets[i % tickets.len()];
    let now = || jiff::Timestamp::now().as_millisecond();
    let rate = |n: usize, start: Instant| n as f64 / start.elapsed().as_secs_f64();

    let (mut n, start) = (0usize, Instant::now());
    while start.elapsed() < duration {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let t = ticket(n);
        let body = format!("baseline {n}");
        let seq: i64 = tx.prepare_cached(TX[0])?.query_row([t], |r| r.get(0))?;
        tx.prepare_cached(TX[1])?
            .execute(params![t, seq, body, now()])?;
        tx.prepare_cached(TX[2])?.execute(params![t, body, now()])?;
        tx.commit()?;
        n += 1;
    }
    let three_statement_tx_per_sec = rate(n, start);

    let (mut n, start) = (0usize, Instant::now());
    while start.elapsed() < duration {
        let body = format!("baseline {n}");
        conn.prepare_cached(SINGLE)?
            .execute(params![ticket(n), body, now()])?;
        n += 1;
    }
    let single_row_inserts_per_sec = rate(n, start);

    let (mut n, start) = (0usize, Instant::now());
    while start.elapsed() < duration {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut insert = tx.prepare_cached(SINGLE)?;
            for _ in 0..BATCH_ROWS {
                let body = format!("baseline {n}");
                insert.execute(params![ticket(n), body, now()])?;
                n += 1;
            }
        }
        tx.commit()?;
    }
    Ok(PlainRates {
        three_statement_tx_per_sec,
        single_row_inserts_per_sec,
        batched_rows_per_sec: rate(n, start),
    })
}
