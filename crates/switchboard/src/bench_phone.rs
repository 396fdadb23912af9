//! `switchboard bench-phone`: what deciding calls costs (issue 11).
//!
//! Starts the server as a child process on a fresh database with the CTI
//! API on, puts `--operators` bank operators online (console sockets), then:
//! 1. decision latency: new calls (a new caller each) asked about at
//!    `--rate` per second for `--secs` seconds, open loop, against a plain
//!    `GET /healthz` paced the same way in the same run;
//! 2. calls through Kamailio + SIPp (when both are installed): SIPp places
//!    `--sip-calls` calls, at most `--sip-concurrency` at once, answered by a
//!    SIPp phone — once through the repository's Kamailio config with
//!    Switchboard deciding and every event reported, once through the same
//!    config relaying every call to the phone with a fixed answer.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::bench::{BenchArgs, connect, send, start_server_with, wait_for};

const TOKEN: &str = "bench-cti-token-0123456789abcdef";
/// The demo's bank retail number: open around the clock.
const NUMBER: &str = "+78002000900";

#[derive(Debug, Clone, clap::Args)]
pub struct PhoneBenchArgs {
    /// `sqlite` (a temporary file) or a `postgres://` URL (a fresh schema).
    #[arg(long, default_value = "sqlite")]
    pub database: String,
    /// New calls per second in the latency phase.
    #[arg(long, default_value_t = 500)]
    pub rate: u64,
    #[arg(long, default_value_t = 10)]
    pub secs: u64,
    /// Operators online (each can take one call at a time).
    #[arg(long, default_value_t = 20)]
    pub operators: usize,
    /// Calls placed through Kamailio in each mode.
    #[arg(long, default_value_t = 1000)]
    pub sip_calls: u64,
    #[arg(long, default_value_t = 10)]
    pub sip_concurrency: u64,
    /// Skip the Kamailio + SIPp phase.
    #[arg(long)]
    pub no_sip: bool,
}

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let ix = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[ix.min(sorted.len() - 1)]
}

fn summary(mut ms: Vec<f64>) -> String {
    ms.sort_by(|a, b| a.total_cmp(b));
    format!(
        "p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} requests)",
        percentile(&ms, 0.5),
        percentile(&ms, 0.9),
        percentile(&ms, 0.99),
        percentile(&ms, 1.0),
        ms.len()
    )
}

fn repo_file(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn free_udp_port() -> anyhow::Result<u16> {
    Ok(std::net::UdpSocket::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

pub async fn run(args: PhoneBenchArgs) -> anyhow::Result<()> {
    let phone_port = free_udp_port()?;
    let chat_args = BenchArgs {
        database: args.database.clone(),
        url: None,
        secret: None,
        server_pid: None,
        customers: 0,
        operators: 0,
        messages: 0,
        window: 1,
        rate: vec![1],
        latency_secs: 1,
        idle: 0,
        baseline_clients: 1,
        baseline_secs: 1,
        sqlite_synchronous: "normal".into(),
    };
    let server = start_server_with(
        &chat_args,
        &[
            ("SWITCHBOARD__PHONE__CTI_TOKEN", TOKEN.to_owned()),
            (
                "SWITCHBOARD__PHONE__OPERATOR_URI",
                format!("sip:{{login}}@127.0.0.1:{phone_port}"),
            ),
        ],
    )
    .await?;
    let http = reqwest::Client::new();
    let consoles = online_operators(&http, &server.base, &server.ws, args.operators).await?;
    println!(
        "switchboard bench-phone: {} operators online, database {}",
        consoles, args.database
    );
    let total = args.rate * args.secs;
    let decide = paced(&http, &server.base, args.rate, total, true).await?;
    let plain = paced(&http, &server.base, args.rate, total, false).await?;
    println!("  CTI decision at {}/s:  {}", args.rate, summary(decide));
    println!("  GET /healthz at {}/s:  {}", args.rate, summary(plain));
    if args.no_sip {
        server.finish().await;
        return Ok(());
    }
    let cti = format!("{}/api/v1/cti", server.base);
    let phone = spawn_phone(phone_port)?;
    let fixed = through_kamailio(&args, &cti, phone_port, true).await?;
    let deciding = through_kamailio(&args, &cti, phone_port, false).await?;
    drop(phone);
    println!(
        "  Kamailio + SIPp, fixed answer:         {:.0} calls/s ({} of {} answered)",
        fixed.0, fixed.1, args.sip_calls
    );
    println!(
        "  Kamailio + SIPp, Switchboard deciding: {:.0} calls/s ({} of {} answered)",
        deciding.0, deciding.1, args.sip_calls
    );
    println!(
        "  Switchboard's cost: {:.1}% of the fixed-answer call rate",
        100.0 * (1.0 - deciding.0 / fixed.0)
    );
    server.finish().await;
    Ok(())
}

/// Creates bank operators and keeps their consoles online, reading and
/// discarding what they are sent (screen pops).
async fn online_operators(
    http: &reqwest::Client,
    base: &str,
    ws: &str,
    n: usize,
) -> anyhow::Result<usize> {
    let login = |login: String| {
        let http = http.clone();
        async move {
            let r: Value = http
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({"login": login, "password": format!("{login}-bench-pw")}))
                .send()
                .await?
                .json()
                .await?;
            r["token"]
                .as_str()
                .map(str::to_owned)
                .context("operator login")
        }
    };
    let admin: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"login": "admin", "password": "admin-demo"}))
        .send()
        .await?
        .json()
        .await?;
    let admin = admin["token"].as_str().context("admin login")?.to_owned();
    for i in 0..n {
        let r = http
            .post(format!("{base}/api/v1/staff"))
            .bearer_auth(&admin)
            .json(
                &json!({"login": format!("phone-{i}"), "name": format!("Оператор {i}"),
                "role": "operator", "password": format!("phone-{i}-bench-pw"),
                "skills": ["bank_retail"], "capacity": 5}),
            )
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("creating an operator: {}", r.text().await?);
        }
        let token = login(format!("phone-{i}")).await?;
        let socket = connect(&format!("{ws}/api/v1/chat/console?token={token}")).await?;
        let (mut sink, mut stream) = socket.split();
        wait_for(&mut stream, |v| v["type"] == "hello").await?;
        send(&mut sink, json!({"type": "presence", "status": "online"})).await?;
        wait_for(&mut stream, |v| v["type"] == "presence").await?;
        tokio::spawn(async move {
            let _sink = sink;
            while let Some(Ok(_)) = stream.next().await {}
        });
    }
    Ok(n)
}

/// Open-loop load: request i is sent at i/rate seconds, whatever the
/// answers; its latency counts from then.
async fn paced(
    http: &reqwest::Client,
    base: &str,
    rate: u64,
    total: u64,
    decide: bool,
) -> anyhow::Result<Vec<f64>> {
    let start = tokio::time::Instant::now();
    let run = uuid::Uuid::now_v7().simple().to_string();
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let at = start + Duration::from_micros(i * 1_000_000 / rate.max(1));
        tokio::time::sleep_until(at).await;
        let http = http.clone();
        let base = base.to_owned();
        let call_id = format!("bench-{run}-{i}");
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let r = if decide {
                http.post(format!("{base}/api/v1/cti/calls"))
                    .bearer_auth(TOKEN)
                    .json(&json!({"call_id": call_id, "to": NUMBER,
                        "from": format!("+7915{:07}", i % 10_000_000)}))
                    .send()
                    .await
            } else {
                http.get(format!("{base}/healthz")).send().await
            };
            let ok = match r {
                Ok(r) if r.status().is_success() => {
                    let body: Value = r.json().await.unwrap_or(Value::Null);
                    !decide || body["action"] == "connect"
                }
                _ => false,
            };
            (ok, sent.elapsed().as_secs_f64() * 1000.0)
        }));
    }
    let mut out = Vec::with_capacity(tasks.len());
    let mut failed = 0;
    for t in tasks {
        let (ok, ms) = t.await?;
        if !ok {
            failed += 1;
        }
        out.push(ms);
    }
    if failed > 0 {
        bail!("{failed} of {total} requests did not get the expected answer");
    }
    Ok(out)
}

fn spawn_phone(port: u16) -> anyhow::Result<tokio::process::Child> {
    tokio::process::Command::new("sipp")
        .args([
            "-sn",
            "uas",
            "-i",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-nostdin",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("starting sipp (apt-get install sip-tester)")
}

/// Runs the calls through a fresh Kamailio; (calls per second, answered).
async fn through_kamailio(
    args: &PhoneBenchArgs,
    cti: &str,
    phone_port: u16,
    fixed: bool,
) -> anyhow::Result<(f64, u64)> {
    let port = free_udp_port()?;
    let dir = std::env::temp_dir().join(format!("sb-bench-kam-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir)?;
    let source = std::fs::read_to_string(repo_file("deploy/kamailio/switchboard.cfg"))?;
    let set = |name: &str, value: &str| format!("#!substdef \"!{name}!{value}!g\"");
    let cfg: Vec<String> = source
        .lines()
        .map(|l| {
            if l.starts_with("#!substdef \"!SB_LISTEN!") {
                set("SB_LISTEN", &format!("udp:127.0.0.1:{port}"))
            } else if l.starts_with("#!substdef \"!SB_CTI!") {
                set("SB_CTI", cti)
            } else if l.starts_with("#!substdef \"!SB_TOKEN!") {
                set("SB_TOKEN", TOKEN)
            } else if l.starts_with("#!substdef \"!SB_FIXED_URI!") {
                set(
                    "SB_FIXED_URI",
                    &format!("sip:operator@127.0.0.1:{phone_port}"),
                )
            } else {
                l.to_owned()
            }
        })
        .collect();
    std::fs::write(dir.join("kamailio.cfg"), cfg.join("\n"))?;
    let mut kam = tokio::process::Command::new("kamailio");
    kam.arg("-f")
        .arg(dir.join("kamailio.cfg"))
        .args(["-D", "-E", "-Y"])
        .arg(&dir)
        .arg("-P")
        .arg(dir.join("kamailio.pid"));
    if fixed {
        kam.args(["-A", "SB_FIXED"]);
    }
    let _kamailio = kam
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("starting kamailio (apt-get install kamailio kamailio-utils-modules kamailio-extra-modules)")?;
    // A few warm-up calls also tell that Kamailio is up.
    let mut warm = false;
    for _ in 0..50 {
        if sipp_calls(port, 1, 1).await?.1 == 1 {
            warm = true;
            break;
        }
    }
    if !warm {
        bail!("no call got through Kamailio");
    }
    let started = Instant::now();
    let (_, answered) = sipp_calls(port, args.sip_calls, args.sip_concurrency).await?;
    let secs = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    Ok((answered as f64 / secs, answered))
}

/// Places `n` calls (at most `limit` at once) and counts the answered ones.
async fn sipp_calls(port: u16, n: u64, limit: u64) -> anyhow::Result<(bool, u64)> {
    let out = tokio::process::Command::new("sipp")
        .arg(format!("127.0.0.1:{port}"))
        .arg("-sf")
        .arg(repo_file("deploy/kamailio/sipp/uac.xml"))
        .args(["-s", NUMBER, "-key", "caller", "+79857776655"])
        .args(["-i", "127.0.0.1", "-p", &free_udp_port()?.to_string()])
        .args([
            "-r",
            "100000",
            "-l",
            &limit.to_string(),
            "-m",
            &n.to_string(),
        ])
        .args([
            "-nostdin",
            "-timeout",
            "120s",
            "-timeout_error",
            "-recv_timeout",
            "5s",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .await
        .context("running sipp")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let answered = text
        .lines()
        .find(|l| l.trim_start().starts_with("Successful call"))
        .and_then(|l| l.split('|').nth(2))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Ok((out.status.success(), answered))
}
