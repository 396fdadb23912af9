//! `switchboard bench-reports`: the supervisors' reports on a million
//! tickets (issue 14).
//!
//! 1. A fresh database (SQLite in a temporary folder, or a new schema of the
//!    PostgreSQL database given); the server starts once on it (migrations,
//!    demo staff) and stops.
//! 2. Seeding: `--tickets` lifelike tickets (`generate.rs`) with their audit
//!    and message logs, spread over `--days` up to now, written in batches
//!    of `--batch` tickets per transaction (`SeedStore`); generation runs on
//!    its own thread, one batch ahead of the writer.
//! 3. The server starts again; its report worker derives every ticket's
//!    facts from the logs (the seeding's rows marked them all dirty, as
//!    production writes do). Timed until no mark is left.
//! 4. Every report for the last 30 days, and the month's CSV, `--runs` times
//!    each through the HTTP API as a supervisor; against the plainest
//!    query over the same rows in the same run:
//!    `SELECT count(*) FROM tickets WHERE created_at >= $1 AND created_at < $2`.

mod generate;
mod rng;
mod texts;

use std::time::{Duration, Instant};

use anyhow::Context;
use jiff::{Timestamp, ToSpan};
use serde_json::{Value, json};
use switchboard_domain::catalog::Catalog;
use switchboard_store::{ConnectOptions, Role, SeedTicket};

use crate::bench::{Scratch, spawn};
use crate::bench_phone::percentile;
use generate::Generator;

#[derive(Debug, Clone, clap::Args)]
pub struct ReportBenchArgs {
    /// `sqlite` (a temporary file) or a `postgres://` URL (a fresh schema in
    /// it, dropped afterwards).
    #[arg(long, default_value = "sqlite")]
    pub database: String,
    #[arg(long, default_value_t = 1_000_000)]
    pub tickets: u64,
    /// The tickets' creation times spread evenly over this many days up to now.
    #[arg(long, default_value_t = 365)]
    pub days: i64,
    /// Tickets written per transaction.
    #[arg(long, default_value_t = 2_000)]
    pub batch: usize,
    /// Timed requests per report (after one untimed).
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// The generator's seed: the same seed gives the same tickets.
    #[arg(long, default_value_t = 14)]
    pub seed: u64,
    /// Keep the database afterwards (its URL is printed).
    #[arg(long)]
    pub keep: bool,
}

/// What each timed request asks for (after `/api/v1/reports/`).
const REPORTS: &[&str] = &[
    "responses",
    "responses?time=business",
    "sla",
    "sla?group=line",
    "sla?group=topic",
    "sla?group=channel",
    "sla?group=operator&time=business",
    "backlog",
    "volume",
    "bot",
    "transfers",
    "claims",
    "csat",
    "calls",
    "responses?format=csv",
    "tickets?format=csv",
];

pub async fn run(args: ReportBenchArgs) -> anyhow::Result<()> {
    let scratch = Scratch::create(&args.database).await?;
    let outcome = bench(&args, &scratch).await;
    if args.keep {
        println!("database kept: {}", scratch.url);
    } else {
        scratch.remove().await;
    }
    outcome
}

async fn bench(args: &ReportBenchArgs, scratch: &Scratch) -> anyhow::Result<()> {
    let backend = if args.database == "sqlite" {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    println!(
        "switchboard bench-reports: {} tickets over {} days, {backend}",
        args.tickets, args.days
    );
    // First start: the schema and the demo staff.
    let (mut server, _) = spawn(scratch, "normal", &[]).await?;
    server.kill().await?;

    let store = switchboard_store::connect(&scratch.url, &ConnectOptions::default()).await?;
    let operators: Vec<_> = store
        .operators()
        .await?
        .into_iter()
        .filter(|o| o.active && o.role == Role::Operator)
        .map(|o| o.id)
        .collect();
    let catalog = Catalog::from_toml(switchboard_server::demo::DEMO_CATALOG)?;
    let now = Timestamp::now();
    let mut generator =
        Generator::new(&catalog, operators, args.tickets, args.days, now, args.seed)?;

    // Seeding: a generator thread one batch ahead of the writer.
    let started = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<SeedTicket>>(2);
    let (count, batch) = (args.tickets, args.batch.max(1) as u64);
    let producer = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut i = 0;
        while i < count {
            let end = (i + batch).min(count);
            let tickets = (i..end)
                .map(|n| generator.ticket(n))
                .collect::<anyhow::Result<Vec<_>>>()?;
            if tx.blocking_send(tickets).is_err() {
                return Ok(());
            }
            i = end;
        }
        Ok(())
    });
    let (mut written, mut events, mut messages, mut next_report) = (0u64, 0u64, 0u64, 0u64);
    while let Some(tickets) = rx.recv().await {
        store.seed_tickets(&tickets).await?;
        written += tickets.len() as u64;
        events += tickets.iter().map(|t| t.events.len() as u64).sum::<u64>();
        messages += tickets.iter().map(|t| t.messages.len() as u64).sum::<u64>();
        if written >= next_report {
            eprintln!(
                "  seeded {written} tickets ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
            next_report += (count / 10).max(1);
        }
    }
    producer.await??;
    store.seed_finish().await?;
    let seeding = started.elapsed().as_secs_f64();
    let rows = written + events + messages;
    println!(
        "seeded: {written} tickets, {events} audit events, {messages} messages in {seeding:.1} s \
         ({:.0} rows/s)",
        rows as f64 / seeding
    );

    // The server derives every ticket's facts from its logs.
    let started = Instant::now();
    let (_server, base) = spawn(scratch, "normal", &[]).await?;
    while !store.dirty_tickets(1).await?.is_empty() {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let facts = started.elapsed().as_secs_f64();
    println!(
        "facts derived by the server's report worker: {written} tickets in {facts:.1} s ({:.0} tickets/s)",
        written as f64 / facts
    );

    switchboard_channels::install_crypto_provider();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()?;
    let login: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"login": "supervisor", "password": "supervisor-demo"}))
        .send()
        .await?
        .json()
        .await?;
    let token = login["token"]
        .as_str()
        .context("supervisor login")?
        .to_owned();

    // The last 30 days, in UTC, as the reports' default period.
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let from = today.checked_sub(29.days())?;
    let period = (
        from.to_zoned(jiff::tz::TimeZone::UTC)?
            .timestamp()
            .as_millisecond(),
        today
            .tomorrow()?
            .to_zoned(jiff::tz::TimeZone::UTC)?
            .timestamp()
            .as_millisecond(),
    );
    let (in_period, baseline) = baseline(&scratch.url, period, args.runs).await?;
    let base_p95 = percentile(&baseline, 0.95);
    println!(
        "period {from} – {today}: {in_period} tickets; baseline SELECT count(*) over them: \
         p50 {:.1} ms, p95 {base_p95:.1} ms",
        percentile(&baseline, 0.5)
    );
    println!(
        "{:<36} {:>9} {:>9} {:>9} {:>10} {:>9}",
        "report", "p50 ms", "p95 ms", "max ms", "bytes", "p95/base"
    );
    let mut worst: f64 = 0.0;
    for report in REPORTS {
        let sep = if report.contains('?') { '&' } else { '?' };
        let url = format!("{base}/api/v1/reports/{report}{sep}from={from}&to={today}");
        let mut times = Vec::with_capacity(args.runs);
        let mut bytes = 0;
        for run in 0..=args.runs {
            let t = Instant::now();
            let r = http.get(&url).bearer_auth(&token).send().await?;
            let status = r.status();
            let body = r.bytes().await?;
            anyhow::ensure!(
                status.is_success(),
                "{report}: {status} {}",
                String::from_utf8_lossy(&body)
            );
            if run > 0 {
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            bytes = body.len();
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let p95 = percentile(&times, 0.95);
        worst = worst.max(p95);
        println!(
            "{report:<36} {:>9.1} {p95:>9.1} {:>9.1} {bytes:>10} {:>9.1}",
            percentile(&times, 0.5),
            percentile(&times, 1.0),
            p95 / base_p95
        );
    }
    println!(
        "slowest p95: {worst:.1} ms — {}",
        if worst < 1000.0 {
            "every report under 1 s"
        } else {
            "OVER 1 s"
        }
    );
    Ok(())
}

/// The plainest query over the period's tickets, `runs` times, on its own
/// connection: how many there are and how long each count took (ms).
async fn baseline(
    url: &str,
    (from, to): (i64, i64),
    runs: usize,
) -> anyhow::Result<(i64, Vec<f64>)> {
    use sqlx::Connection;
    const COUNT: &str = "SELECT count(*) FROM tickets WHERE created_at >= $1 AND created_at < $2";
    let mut times = Vec::with_capacity(runs);
    let mut n = 0;
    macro_rules! measure {
        ($conn:expr) => {{
            let mut conn = $conn;
            for run in 0..=runs {
                let t = Instant::now();
                n = sqlx::query_scalar::<_, i64>(COUNT)
                    .bind(from)
                    .bind(to)
                    .fetch_one(&mut conn)
                    .await?;
                if run > 0 {
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
            }
        }};
    }
    if url.starts_with("sqlite:") {
        measure!(sqlx::SqliteConnection::connect(url).await?);
    } else {
        measure!(sqlx::PgConnection::connect(url).await?);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    Ok((n, times))
}
