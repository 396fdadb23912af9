//! The chat benchmark's baseline: the same rows written the naive way, into
//! the same database — one transaction per message of three statements (take
//! the conversation's next seq, insert the message, insert an outbox row), and
//! single-row message inserts. What the batching writer must beat.
//! `plain` runs them through the plainest SQLite client, for its physical
//! limit; PostgreSQL's is pgbench, which the bench runs with the same
//! statements (`PGBENCH_SCRIPT`).

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use switchboard_domain::ids::TicketId;

use crate::{Result, StoreError};

mod plain;
pub use plain::{BATCH_ROWS, PlainRates, sqlite_plain_rates};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BaselineRates {
    /// Committed 3-statement transactions per second.
    pub three_statement_tx_per_sec: f64,
    /// Committed single-row inserts per second.
    pub single_row_inserts_per_sec: f64,
}

pub(crate) const TX: [&str; 3] = [
    "UPDATE tickets SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq",
    "INSERT INTO messages (ticket_id, seq, author_kind, author_id, visibility, body, client_id, \
     created_at) VALUES ($1, $2, 'customer', 'baseline', 'public', $3, NULL, $4)",
    "INSERT INTO outbox (ticket_id, channel, recipient, subject, body, status, attempts, \
     next_attempt_at, created_at) VALUES ($1, 'push', 'baseline', 'baseline', $2, 'delivered', \
     0, $3, $3)",
];
pub(crate) const SINGLE: &str = "INSERT INTO messages (ticket_id, seq, author_kind, author_id, visibility, \
     body, client_id, created_at) VALUES ($1, NULL, 'customer', 'baseline', 'public', $2, NULL, $3)";

/// The three statements for pgbench (`-f`), one ticket in `:tmin..=:tmax`
/// at random; `-M prepared` prepares them as the server does.
pub const PGBENCH_SCRIPT: &str = "\\set t random(:tmin, :tmax)
BEGIN;
UPDATE tickets SET last_seq = last_seq + 1 WHERE id = :t RETURNING last_seq AS seq \\gset
INSERT INTO messages (ticket_id, seq, author_kind, author_id, visibility, body, client_id, created_at) VALUES (:t, :seq, 'customer', 'baseline', 'public', 'pgbench', NULL, 0);
INSERT INTO outbox (ticket_id, channel, recipient, subject, body, status, attempts, next_attempt_at, created_at) VALUES (:t, 'push', 'baseline', 'baseline', 'pgbench', 'delivered', 0, 0, 0);
END;
";

macro_rules! run_baseline {
    ($pool:expr, $tickets:expr, $clients:expr, $duration:expr) => {{
        let pool = $pool;
        let tickets: Arc<Vec<i64>> = Arc::new($tickets.iter().map(|t| t.0).collect());
        let mut rates = [0.0f64; 2];
        for (phase, rate) in rates.iter_mut().enumerate() {
            let done = Arc::new(AtomicU64::new(0));
            let start = Instant::now();
            let deadline = start + $duration;
            let mut tasks = Vec::new();
            for client in 0..$clients {
                let (pool, tickets, done) = (pool.clone(), tickets.clone(), done.clone());
                tasks.push(tokio::spawn(async move {
                    let mut i = client;
                    while Instant::now() < deadline {
                        let ticket = tickets[i % tickets.len()];
                        i += $clients;
                        let now = jiff::Timestamp::now().as_millisecond();
                        let body = format!("baseline {i}");
                        if phase == 0 {
                            let mut tx = pool.begin().await?;
                            let seq: i64 = sqlx::query_scalar(TX[0])
                                .bind(ticket)
                                .fetch_one(&mut *tx)
                                .await?;
                            sqlx::query(TX[1])
                                .bind(ticket)
                                .bind(seq)
                                .bind(&body)
                                .bind(now)
                                .execute(&mut *tx)
                                .await?;
                            sqlx::query(TX[2])
                                .bind(ticket)
                                .bind(&body)
                                .bind(now)
                                .execute(&mut *tx)
                                .await?;
                            tx.commit().await?;
                        } else {
                            sqlx::query(SINGLE)
                                .bind(ticket)
                                .bind(&body)
                                .bind(now)
                                .execute(&pool)
                                .await?;
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok::<(), sqlx::Error>(())
                }));
            }
            for t in tasks {
                t.await
                    .map_err(|e| StoreError::Config(format!("baseline task: {e}")))??;
            }
            *rate = done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64();
        }
        BaselineRates {
            three_statement_tx_per_sec: rates[0],
            single_row_inserts_per_sec: rates[1],
        }
    }};
}

/// Measures both rates for `duration` each, spreading the writes over
/// `tickets`. SQLite gets one connection (it has one writer; more would only
/// meet `SQLITE_BUSY`), PostgreSQL `clients` concurrent connections.
pub async fn naive_rates(
    url: &str,
    tickets: &[TicketId],
    clients: usize,
    duration: Duration,
) -> Result<BaselineRates> {
    if tickets.is_empty() {
        return Err(StoreError::Config("the baseline needs some tickets".into()));
    }
    if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("bad SQLite URL: {e}")))?
            .busy_timeout(Duration::from_secs(10))
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        Ok(run_baseline!(pool, tickets, 1usize, duration))
    } else {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("bad PostgreSQL URL: {e}")))?;
        let clients = clients.max(1);
        let pool = PgPoolOptions::new()
            .max_connections(clients as u32)
            .connect_with(options)
            .await?;
        Ok(run_baseline!(pool, tickets, clients, duration))
    }
}
