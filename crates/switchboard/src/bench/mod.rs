//! `switchboard bench`: the chat load generator.
//!
//! Starts the server as a child process on a fresh database (SQLite in a
//! temporary folder, or a fresh schema of the PostgreSQL database given), or
//! uses a running one (`--url`). Then, all on loopback and bounded in count
//! and time:
//! 1. N customers open conversations and hand them to M operators;
//! 2. throughput: every customer sends K messages, at most W unacknowledged;
//!    the figure is messages stored *and* delivered to the operator per second;
//! 3. latency: a paced load at each `--rate` for a few seconds, the
//!    percentiles of intended send → operator receive (each message is
//!    stamped with the time the schedule meant it to leave, so a sender held
//!    back by its window or a slow generator counts as latency: coordinated
//!    omission corrected), with the achieved rates next to the requested one;
//! 4. memory (measured between 1 and 2): the server's RSS before and after
//!    opening `--idle` idle sockets;
//! 5. baselines: the same rows written by the plainest client into the same
//!    database (`baseline.rs`), and the chat's rate divided by each.
//!
//! With `--sqlite-synchronous full` the whole run is preceded by a short one
//! at `normal` on another fresh database, and the ratio of the two
//! throughputs is printed: the cost of syncing every commit.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use switchboard_domain::ids::TicketNumber;
use tokio::net::TcpStream;
use tokio::sync::{Mutex, Semaphore};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

mod baseline;
mod paced;
mod server;

pub(crate) use server::{Scratch, Server, spawn, start_server_with};
use server::{rss_kib, start_server};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Database for a server the bench starts: `sqlite` (a temporary file) or a
    /// `postgres://` URL (a fresh schema is made in it and dropped afterwards).
    #[arg(long, default_value = "sqlite")]
    pub database: String,
    /// Use a running server instead (its identity secret is then required).
    #[arg(long)]
    pub url: Option<String>,
    #[arg(long, requires = "url")]
    pub secret: Option<String>,
    /// The running server's process id, for its memory figures.
    #[arg(long, requires = "url")]
    pub server_pid: Option<u32>,
    #[arg(long, default_value_t = 200)]
    pub customers: usize,
    #[arg(long, default_value_t = 10)]
    pub operators: usize,
    /// Messages each customer sends in the throughput phase.
    #[arg(long, default_value_t = 100)]
    pub messages: usize,
    /// Unacknowledged messages a customer may have in flight.
    #[arg(long, default_value_t = 8)]
    pub window: usize,
    /// Messages per second in the latency phase; a list (`1000,5000`) runs one
    /// paced phase per rate.
    #[arg(long, value_delimiter = ',', default_value = "1000")]
    pub rate: Vec<u64>,
    #[arg(long, default_value_t = 5)]
    pub latency_secs: u64,
    /// Idle sockets opened to measure memory per connection.
    #[arg(long, default_value_t = 10_000)]
    pub idle: usize,
    /// Concurrent clients of the PostgreSQL baseline (SQLite has one writer).
    #[arg(long, default_value_t = 32)]
    pub baseline_clients: usize,
    #[arg(long, default_value_t = 3)]
    pub baseline_secs: u64,
    /// SQLite's durability for a server the bench starts: `normal` or `full`
    /// (every commit synced). With `full`, a short run at `normal` on a fresh
    /// database comes first, and the cost of `full` is printed as a ratio.
    #[arg(long, default_value = "normal", value_parser = ["normal", "full"])]
    pub sqlite_synchronous: String,
}

const SECRET: &str = "bench-identity-secret-0123456789abcdef";
const TIMEOUT: Duration = Duration::from_secs(120);

pub(crate) async fn connect(url: &str) -> anyhow::Result<Socket> {
    let (ws, _) = tokio::time::timeout(TIMEOUT, tokio_tungstenite::connect_async(url))
        .await
        .context("connecting timed out")??;
    Ok(ws)
}

async fn next_json(ws: &mut SplitStream<Socket>) -> anyhow::Result<Value> {
    loop {
        match tokio::time::timeout(TIMEOUT, ws.next()).await? {
            Some(Ok(Message::Text(t))) => return Ok(serde_json::from_str(t.as_str())?),
            Some(Ok(Message::Close(_))) | None => bail!("the socket closed"),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(e.into()),
        }
    }
}

pub(crate) async fn wait_for(
    ws: &mut SplitStream<Socket>,
    pred: impl Fn(&Value) -> bool,
) -> anyhow::Result<Value> {
    loop {
        let v = next_json(ws).await?;
        if v["type"] == "error" {
            bail!("server error: {v}");
        }
        if pred(&v) {
            return Ok(v);
        }
    }
}

pub(crate) async fn send(sink: &mut SplitSink<Socket, Message>, v: Value) -> anyhow::Result<()> {
    sink.send(Message::Text(v.to_string().into())).await?;
    Ok(())
}

/// A customer's socket with a conversation opened on a marketplace
/// `topic` (its first message acknowledged): its number and both halves.
pub(crate) async fn open_chat(
    url: &str,
    topic: &str,
) -> anyhow::Result<(String, SplitSink<Socket, Message>, SplitStream<Socket>)> {
    let ws = connect(url).await?;
    let (mut sink, mut stream) = ws.split();
    wait_for(&mut stream, |v| v["type"] == "hello").await?;
    send(
        &mut sink,
        json!({"type": "topic", "line": "marketplace", "topic": topic}),
    )
    .await?;
    wait_for(&mut stream, |v| v["type"] == "ready").await?;
    send(
        &mut sink,
        json!({"type": "message", "client_id": "open", "body": "Бенчмарк"}),
    )
    .await?;
    let ack = wait_for(&mut stream, |v| v["type"] == "ack").await?;
    let number = ack["conversation"].as_str().context("ack")?.to_owned();
    Ok((number, sink, stream))
}

/// What the operators observe: bench messages received and their latencies.
#[derive(Default)]
pub(super) struct Observed {
    received: AtomicU64,
    latencies_us: Mutex<Vec<u64>>,
    record: std::sync::atomic::AtomicBool,
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    switchboard_channels::install_crypto_provider();
    let epoch = Instant::now();
    if args.rate.is_empty() || args.rate.contains(&0) {
        bail!("--rate: every rate must be at least 1 message per second");
    }
    let compare =
        args.url.is_none() && args.database == "sqlite" && args.sqlite_synchronous == "full";
    let normal = if compare {
        // The same load at synchronous=NORMAL first, for the ratio; the
        // latency, memory and baseline phases are kept short.
        let quick = BenchArgs {
            sqlite_synchronous: "normal".into(),
            idle: 0,
            latency_secs: 1,
            rate: args.rate[..1].to_vec(),
            ..args.clone()
        };
        let server = start_server(&quick).await?;
        let result = Box::pin(measure(&quick, &server, epoch)).await;
        server.finish().await;
        Some(result?)
    } else {
        None
    };
    let server = start_server(&args).await?;
    let result = Box::pin(measure(&args, &server, epoch)).await;
    server.finish().await;
    let throughput = result?;
    if let Some(normal) = normal {
        println!();
        println!(
            "  synchronous=FULL ÷ NORMAL, same run: {:.2}× ({throughput:.0} vs {normal:.0} messages/s stored and delivered)",
            throughput / normal.max(1.0)
        );
    }
    Ok(())
}

/// Runs every phase against `server`, prints the report, returns the throughput.
async fn measure(args: &BenchArgs, server: &Server, epoch: Instant) -> anyhow::Result<f64> {
    let http = reqwest::Client::new();
    let admin: Value = http
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({"login": "admin", "password": "admin-demo"}))
        .send()
        .await?
        .json()
        .await?;
    let admin = admin["token"]
        .as_str()
        .context("admin login (the demo profile)")?
        .to_owned();
    let run_id = uuid::Uuid::now_v7().simple().to_string()[20..].to_owned();
    let capacity = args.customers.div_ceil(args.operators.max(1)) + 5;
    println!(
        "preparing {} operators and {} customers…",
        args.operators, args.customers
    );
    let mut op_tokens = Vec::new();
    for i in 0..args.operators {
        let login = format!("bench-{run_id}-op{i}");
        let r = http
            .post(format!("{}/api/v1/staff", server.base))
            .bearer_auth(&admin)
            .json(&json!({"login": login, "name": format!("Bench {i}"), "role": "operator",
                "password": "bench-operator-password", "skills": ["marketplace"], "capacity": capacity}))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("creating an operator: {}", r.text().await?);
        }
        let t: Value = http
            .post(format!("{}/api/v1/auth/login", server.base))
            .json(&json!({"login": login, "password": "bench-operator-password"}))
            .send()
            .await?
            .json()
            .await?;
        op_tokens.push(t["token"].as_str().context("operator login")?.to_owned());
    }
    let customers: Vec<String> = (0..args.customers)
        .map(|i| format!("bench-{run_id}-c{i}"))
        .collect();
    for c in &customers {
        let r = http
            .put(format!("{}/api/v1/customers/{c}", server.base))
            .bearer_auth(&admin)
            .json(&json!({"kind": "buyer", "name": "Bench"}))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("creating a customer: {}", r.text().await?);
        }
    }

    // Operators: online, counting bench messages and their latencies.
    let observed = Arc::new(Observed::default());
    let assigned = Arc::new(AtomicU64::new(0));
    for token in &op_tokens {
        let ws = connect(&format!("{}/api/v1/chat/console?token={token}", server.ws)).await?;
        let (mut sink, mut stream) = ws.split();
        wait_for(&mut stream, |v| v["type"] == "hello").await?;
        send(&mut sink, json!({"type": "presence", "status": "online"})).await?;
        wait_for(&mut stream, |v| v["type"] == "presence").await?;
        let (observed, assigned) = (observed.clone(), assigned.clone());
        tokio::spawn(async move {
            let _sink = sink;
            while let Some(Ok(Message::Text(t))) = stream.next().await {
                let Ok(v) = serde_json::from_str::<Value>(t.as_str()) else {
                    continue;
                };
                match v["type"].as_str() {
                    Some("assigned") => {
                        assigned.fetch_add(1, Ordering::Relaxed);
                    }
                    Some("message") => {
                        if let Some(sent) =
                            v["body"].as_str().and_then(|b| b.strip_prefix("bench:"))
                            && let Ok(sent) = sent.parse::<u64>()
                        {
                            let now = epoch.elapsed().as_micros() as u64;
                            if observed.record.load(Ordering::Relaxed) {
                                observed
                                    .latencies_us
                                    .lock()
                                    .await
                                    .push(now.saturating_sub(sent));
                            }
                            observed.received.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    _ => {}
                }
            }
        });
    }

    // Customers: open a conversation each and call an operator.
    let mut conversations = Vec::new();
    let mut opened = Vec::new();
    for chunk in customers.chunks(50) {
        let mut batch = Vec::new();
        for c in chunk {
            let url = format!(
                "{}/api/v1/customer/chat?token={}",
                server.ws,
                server.token(c)
            );
            batch.push(tokio::spawn(async move {
                let (number, mut sink, mut stream) = open_chat(&url, "payment").await?;
                send(
                    &mut sink,
                    json!({"type": "call_operator", "conversation": number}),
                )
                .await?;
                wait_for(&mut stream, |v| {
                    v["type"] == "conversation" && v["status"] == "assigned"
                })
                .await?;
                anyhow::Ok((number, sink, stream))
            }));
        }
        for b in batch {
            opened.push(b.await??);
        }
    }
    let deadline = Instant::now() + TIMEOUT;
    while (assigned.load(Ordering::Relaxed) as usize) < args.customers {
        if Instant::now() > deadline {
            bail!("not every conversation was assigned");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Memory per idle connection.
    let mut memory = None;
    if let Some(pid) = server.pid
        && args.idle > 0
    {
        // Freed memory of the set-up (argon2 alone takes 19 MiB per login)
        // would absorb the first sockets and flatter the figure, so the cost
        // per socket is measured over the second half.
        let rss_before = rss_kib(pid).context("reading the server's RSS")?;
        let mut rss_half = rss_before;
        let mut idle = Vec::with_capacity(args.idle);
        for chunk in (0..args.idle).collect::<Vec<_>>().chunks(250) {
            if idle.len() >= args.idle / 2 && rss_half == rss_before {
                tokio::time::sleep(Duration::from_millis(300)).await;
                rss_half = rss_kib(pid).context("reading the server's RSS")?;
            }
            let mut batch = Vec::new();
            for i in chunk {
                let url = format!(
                    "{}/api/v1/customer/chat?token={}",
                    server.ws,
                    server.token(&customers[i % customers.len()])
                );
                // Each socket says hello and pings once, so its buffers are
                // in use as a real client's would be, then stays idle.
                batch.push(tokio::spawn(async move {
                    let mut ws = connect(&url).await?;
                    let mut frames = 0;
                    ws.send(Message::Text(r#"{"type":"ping"}"#.into())).await?;
                    while frames < 2 {
                        match ws.next().await {
                            Some(Ok(Message::Text(_))) => frames += 1,
                            Some(Ok(_)) => continue,
                            _ => bail!("an idle socket closed"),
                        }
                    }
                    anyhow::Ok(ws)
                }));
            }
            for b in batch {
                idle.push(b.await??);
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rss_after = rss_kib(pid).context("reading the server's RSS")?;
        memory = Some((rss_before, rss_half, rss_after, idle.len()));
        drop(idle);
    }

    // Each customer: a sender fed by a channel, a reader releasing window permits on acks.
    let mut senders = Vec::new();
    for (number, mut sink, mut stream) in opened {
        conversations.push(number.clone());
        let window = Arc::new(Semaphore::new(args.window.max(1)));
        let w = window.clone();
        tokio::spawn(async move {
            while let Some(Ok(m)) = stream.next().await {
                if let Message::Text(t) = m
                    && t.as_str().contains("\"type\":\"ack\"")
                {
                    w.add_permits(1);
                }
            }
        });
        // `Some(t)`: the schedule meant the message to leave at `t` (µs since
        // `epoch`); `None`: stamp it when it leaves.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Option<u64>>(1 << 16);
        tokio::spawn(async move {
            let mut n = 0u64;
            while let Some(intended) = rx.recv().await {
                let Ok(permit) = window.acquire().await else {
                    break;
                };
                permit.forget();
                n += 1;
                let sent = intended.unwrap_or_else(|| epoch.elapsed().as_micros() as u64);
                let frame = json!({"type": "message", "conversation": number,
                    "client_id": format!("m{n}"), "body": format!("bench:{sent}")});
                if sink
                    .send(Message::Text(frame.to_string().into()))
                    .await
                    .is_err()
                {
                    break;
                }
            }
        });
        senders.push(tx);
    }

    // Throughput.
    let total = (args.customers * args.messages) as u64;
    let before = observed.received.load(Ordering::Relaxed);
    let start = Instant::now();
    for _ in 0..args.messages {
        for s in &senders {
            s.send(None).await?;
        }
    }
    while observed.received.load(Ordering::Relaxed) - before < total {
        if start.elapsed() > TIMEOUT {
            bail!("throughput phase: messages did not all arrive");
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let throughput = total as f64 / start.elapsed().as_secs_f64();

    // Latency at fixed rates.
    let mut paced_runs = Vec::new();
    for rate in &args.rate {
        paced_runs.push(paced::run(&senders, &observed, *rate, args.latency_secs, epoch).await?);
    }

    // Baselines: the same rows, the plainest way, into the same database.
    let sync = match args.sqlite_synchronous.as_str() {
        "full" => switchboard_store::SqliteSynchronous::Full,
        _ => switchboard_store::SqliteSynchronous::Normal,
    };
    let baseline = match &server.database_url {
        Some(url) => {
            let tickets: Vec<i64> = conversations
                .iter()
                .filter_map(|n| TicketNumber::parse(n).ok().map(|n| n.id().0))
                .collect();
            Some(
                baseline::measure(
                    url,
                    tickets,
                    args.baseline_clients,
                    sync,
                    args.baseline_secs,
                )
                .await?,
            )
        }
        None => None,
    };

    let backend = match &server.database_url {
        Some(u) if u.starts_with("sqlite:") => format!(
            "SQLite (synchronous={})",
            args.sqlite_synchronous.to_uppercase()
        ),
        Some(_) => "PostgreSQL".to_owned(),
        None => server.base.clone(),
    };
    println!();
    println!(
        "Switchboard chat benchmark — {backend}, {} customers, {} operators",
        args.customers, args.operators
    );
    println!(
        "  stored and delivered:  {throughput:>9.0} messages/s  ({total} messages, window {})",
        args.window
    );
    if let Some(b) = &baseline {
        baseline::report(b, throughput, &args.sqlite_synchronous.to_uppercase());
    }
    for p in &paced_runs {
        p.report();
    }
    if let Some((before, half, after, n)) = memory {
        let second = n - n / 2;
        let per = after.saturating_sub(half) as f64 / second.max(1) as f64;
        println!(
            "  memory:                server RSS {:.1} MiB → {:.1} MiB → {:.1} MiB at 0 / {} / {n} more idle sockets",
            before as f64 / 1024.0,
            half as f64 / 1024.0,
            after as f64 / 1024.0,
            n / 2
        );
        println!(
            "                         {per:.1} KiB per socket (second half): {:.1} MiB for 10,000 idle sockets",
            per * 10_000.0 / 1024.0
        );
    }
    Ok(throughput)
}
