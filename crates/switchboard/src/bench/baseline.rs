//! The bench's baselines, measured in the same run on the same database
//! after the chat phases: what the database reaches with the chat's rows
//! written by the plainest client there is. SQLite: one rusqlite connection
//! in a plain loop (three-statement transactions, single-row inserts, and
//! batched inserts). PostgreSQL: sqlx with `--baseline-clients` connections,
//! and pgbench running the same three statements with as many clients.

use std::time::Duration;

use switchboard_store::SqliteSynchronous;
use switchboard_store::baseline::{self, BATCH_ROWS, BaselineRates, PGBENCH_SCRIPT, PlainRates};

/// What the baselines reached; each is what the chat's rate is divided by.
pub(super) enum Baseline {
    Sqlite(PlainRates),
    Postgres {
        sqlx: BaselineRates,
        /// pgbench's transactions per second, or why there is none.
        pgbench: Result<f64, String>,
    },
}

pub(super) async fn measure(
    url: &str,
    tickets: Vec<i64>,
    clients: usize,
    sync: SqliteSynchronous,
    secs: u64,
) -> anyhow::Result<Baseline> {
    let duration = Duration::from_secs(secs.max(1));
    if let Some(path) = url.strip_prefix("sqlite:") {
        let path = std::path::PathBuf::from(path);
        let rates = tokio::task::spawn_blocking(move || {
            baseline::sqlite_plain_rates(&path, &tickets, sync, duration)
        })
        .await??;
        return Ok(Baseline::Sqlite(rates));
    }
    let ids: Vec<_> = tickets
        .iter()
        .map(|t| switchboard_domain::ids::TicketId(*t))
        .collect();
    let sqlx = baseline::naive_rates(url, &ids, clients, duration).await?;
    let pgbench = pgbench(url, &tickets, clients, secs.max(1)).await;
    Ok(Baseline::Postgres { sqlx, pgbench })
}

/// Runs pgbench with the three statements on `tickets` (which must be one
/// run of ids, as a fresh schema's are) and returns its tps.
async fn pgbench(url: &str, tickets: &[i64], clients: usize, secs: u64) -> Result<f64, String> {
    let (Some(min), Some(max)) = (tickets.iter().min(), tickets.iter().max()) else {
        return Err("no tickets".into());
    };
    if (max - min + 1) as usize != tickets.len() {
        return Err("the conversations' ids are not one run".into());
    }
    let script = std::env::temp_dir().join(format!(
        "switchboard-pgbench-{}.sql",
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::write(&script, PGBENCH_SCRIPT).map_err(|e| e.to_string())?;
    let out = tokio::process::Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-j", "2"])
        .args(["-c", &clients.to_string(), "-T", &secs.to_string()])
        .args(["-D", &format!("tmin={min}"), "-D", &format!("tmax={max}")])
        .arg("-f")
        .arg(&script)
        .arg(url)
        .output()
        .await;
    let _ = std::fs::remove_file(&script);
    let out = out.map_err(|e| format!("pgbench: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "pgbench failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    tps(&text).ok_or_else(|| format!("no tps in pgbench's output: {text}"))
}

/// pgbench's `tps = 1234.567890 (without initial connection time)`.
fn tps(output: &str) -> Option<f64> {
    output
        .lines()
        .find_map(|l| l.trim().strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// Prints the baselines and the chat's rate divided by each.
pub(super) fn report(b: &Baseline, chat: f64, sync: &str) {
    let ratio = |rate: f64| chat / rate.max(1.0);
    match b {
        Baseline::Sqlite(p) => {
            println!(
                "  plain loop, same DB:   {:>9.0} 3-statement transactions/s (conversation seq + message + outbox row; rusqlite, one thread, no pool, no async, synchronous={sync})",
                p.three_statement_tx_per_sec
            );
            println!(
                "                         {:>9.0} single-row inserts/s (one transaction each)",
                p.single_row_inserts_per_sec
            );
            println!(
                "                         {:>9.0} rows/s inserted {BATCH_ROWS} per transaction",
                p.batched_rows_per_sec
            );
            println!(
                "  chat ÷ plain txn:      {:>9.2}×   chat ÷ batched rows: {:.2}×",
                ratio(p.three_statement_tx_per_sec),
                ratio(p.batched_rows_per_sec)
            );
        }
        Baseline::Postgres { sqlx, pgbench } => {
            println!(
                "  naive (sqlx), same DB: {:>9.0} 3-statement transactions/s, {:.0} single-row inserts/s",
                sqlx.three_statement_tx_per_sec, sqlx.single_row_inserts_per_sec
            );
            match pgbench {
                Ok(tps) => {
                    println!(
                        "  pgbench, same DB:      {tps:>9.0} 3-statement transactions/s (same statements, -M prepared)"
                    );
                    println!(
                        "  chat ÷ pgbench txn:    {:>9.2}×   chat ÷ naive txn: {:.2}×",
                        ratio(*tps),
                        ratio(sqlx.three_statement_tx_per_sec)
                    );
                }
                Err(why) => println!("  pgbench: {why}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_pgbench_tps() {
        let out = "number of failed transactions: 0 (0.000%)\nlatency average = 4.1 ms\n\
                   initial connection time = 20.5 ms\ntps = 7301.250000 (without initial connection time)\n";
        assert_eq!(super::tps(out), Some(7301.25));
        assert_eq!(super::tps("tps = nonsense"), None);
    }
}
