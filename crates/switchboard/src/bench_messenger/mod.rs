//! `switchboard bench-messenger`: the Telegram channel's throughput against
//! the web chat's, in one run on one service (issue 10).
//!
//! Builds the service in-process on a fresh SQLite database in a temporary
//! folder, serving on loopback, with one bot that long-polls the bench's own
//! Bot API (`fake.rs`). `--users` Telegram users and as many chat customers
//! each open a conversation (profile topic) and call an operator (none is
//! online: the conversations wait in the queue, so what follows is stored
//! without the bot answering). Then, timed:
//! 1. inbound, chat: every customer sends `--messages` messages over its
//!    socket, pipelined; the figure is acknowledged (stored) messages/s;
//! 2. inbound, Telegram: as many text updates are queued for `getUpdates`;
//!    the figure is updates/s until the last is confirmed — the bot confirms
//!    an update (the next offset) only once it is stored;
//! 3. outbound: `--replies` operator replies posted to the chat API for each
//!    side, 16 at a time; the figure is replies/s until the last reached the
//!    customer's socket, or Telegram's `sendMessage` (through the outbox).
//!
//! The ratios messenger ÷ chat are printed; the target is at least 0.5.

mod fake;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::StreamExt;
use serde_json::{Value, json};
use switchboard_domain::identity::IdentitySigner;
use switchboard_domain::ids::CustomerId;
use switchboard_server::{Application, Config};
use tokio_tungstenite::tungstenite::Message;

use crate::bench::{open_chat, send};
use fake::{FakeBotApi, TOKEN};

const BOT: &str = "bench_help_bot";
const SECRET: &str = "bench-identity-secret-0123456789abcdef";
const LIMIT: Duration = Duration::from_secs(300);
/// Replies posted at once.
const POSTERS: usize = 16;

#[derive(Debug, Clone, clap::Args)]
pub struct MessengerBenchArgs {
    /// Telegram users, and as many chat customers.
    #[arg(long, default_value_t = 100)]
    pub users: usize,
    /// Messages each sends in the inbound phase.
    #[arg(long, default_value_t = 20)]
    pub messages: usize,
    /// Operator replies per side in the outbound phase.
    #[arg(long, default_value_t = 2000)]
    pub replies: usize,
}

fn text(user: i64, message_id: i64, text: &str) -> Value {
    json!({"message": {"message_id": message_id, "date": 0, "text": text,
        "from": {"id": user, "is_bot": false, "first_name": "Bench", "language_code": "ru"},
        "chat": {"id": user, "type": "private"}}})
}

fn press(user: i64, data: &str) -> Value {
    json!({"callback_query": {"id": format!("cb-{user}-{data}"), "data": data,
        "from": {"id": user, "is_bot": false, "first_name": "Bench", "language_code": "ru"},
        "message": {"message_id": 1, "date": 0, "chat": {"id": user, "type": "private"}}}})
}

async fn login(http: &reqwest::Client, base: &str, who: &str) -> anyhow::Result<String> {
    let v: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"login": who, "password": format!("{who}-demo")}))
        .send()
        .await?
        .json()
        .await?;
    Ok(v["token"].as_str().context("staff login")?.to_owned())
}

/// Conversations of `channel`, as the supervisor's list shows them.
async fn numbers(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    channel: &str,
) -> anyhow::Result<Vec<String>> {
    let list: Vec<Value> = http
        .get(format!("{base}/api/v1/tickets?limit=200&channel={channel}"))
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    Ok(list
        .iter()
        .filter(|t| t["channel"] == channel)
        .filter_map(|t| t["number"].as_str().map(str::to_owned))
        .collect())
}

/// The bench messages stored in `conversations`.
async fn stored_messages(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    conversations: &[String],
) -> anyhow::Result<usize> {
    let mut n = 0;
    for number in conversations {
        let v: Value = http
            .get(format!("{base}/api/v1/chats/{number}/messages?limit=500"))
            .bearer_auth(token)
            .send()
            .await?
            .json()
            .await?;
        n += v["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| {
                m["body"]
                    .as_str()
                    .is_some_and(|b| b.starts_with("Бенчмарк: сообщение"))
            })
            .count();
    }
    Ok(n)
}

/// Posts `n` replies spread over `conversations`, `POSTERS` at a time.
async fn post_replies(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    conversations: &[String],
    n: usize,
    tag: &str,
) -> anyhow::Result<()> {
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..POSTERS {
        let (http, next, token) = (http.clone(), next.clone(), token.to_owned());
        let (base, tag, conversations) = (base.to_owned(), tag.to_owned(), conversations.to_vec());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                if i >= n {
                    return anyhow::Ok(());
                }
                let number = &conversations[i % conversations.len()];
                let r = http
                    .post(format!("{base}/api/v1/chats/{number}/messages"))
                    .bearer_auth(&token)
                    .json(&json!({"client_id": format!("{tag}-{i}"), "body": format!("reply:{i}")}))
                    .send()
                    .await?;
                if !r.status().is_success() {
                    bail!("a reply was refused: {}", r.text().await?);
                }
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(())
}

pub async fn run(args: MessengerBenchArgs) -> anyhow::Result<()> {
    switchboard_channels::install_crypto_provider();
    let (users, per) = (args.users.clamp(1, 200), args.messages.max(1));
    let api = FakeBotApi::default();
    let api_url = api.start().await?;
    let run = uuid::Uuid::now_v7().simple().to_string();
    let dir = std::env::temp_dir().join(format!("switchboard-bench-messenger-{run}"));
    let mut config = Config::default();
    config.server.listen = "127.0.0.1:0".parse()?;
    config.storage.data_dir = dir.clone();
    config.identity.secret = Some(serde_json::from_value(json!(SECRET))?);
    config.email.mailboxes.clear();
    // The bench signs staff in with passwords only.
    config.staff.second_factor.required_for_admins = false;
    config.staff.second_factor.required_lines.clear();
    config.limits.chats_per_customer = 0;
    config.limits.chats_per_address = 0;
    config.telegram = serde_json::from_value(json!({
        "api_url": api_url, "mode": "polling", "poll_timeout_secs": 1,
        "bots": [{"name": BOT, "token": TOKEN}]
    }))?;
    let app = Application::build(config)
        .await
        .context("building the service")?;
    let base = format!("http://{}", app.address());
    let ws = format!("ws://{}", app.address());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_with_shutdown(async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();
    let admin = login(&http, &base, "admin").await?;
    let sup = login(&http, &base, "supervisor").await?;

    println!("preparing {users} Telegram users and {users} chat customers…");
    let mut setup = Vec::new();
    for u in 0..users as i64 {
        let user = 7_000_000 + u;
        setup.push(press(user, "t:marketplace:profile"));
        setup.push(text(user, 1, "Бенчмарк: вопрос"));
        setup.push(press(user, "c"));
    }
    let last = api.push(setup);
    api.confirmed(last, LIMIT).await?;
    let telegram = numbers(&http, &base, &sup, "telegram").await?;
    if telegram.len() != users {
        bail!(
            "{} of {users} Telegram conversations opened",
            telegram.len()
        );
    }

    let signer = IdentitySigner::new(SECRET.as_bytes(), 86_400);
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2);
    let received = Arc::new(AtomicU64::new(0));
    let mut sockets = Vec::new();
    for c in 0..users {
        let id = format!("bench-{}-c{c}", &run[20..]);
        let r = http
            .put(format!("{base}/api/v1/customers/{id}"))
            .bearer_auth(&admin)
            .json(&json!({"kind": "buyer", "name": "Bench"}))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("creating a customer: {}", r.text().await?);
        }
        let token = signer.sign(
            &CustomerId::parse(&id).map_err(|e| anyhow::anyhow!("{e}"))?,
            expires,
        );
        let url = format!("{ws}/api/v1/customer/chat?token={token}");
        let (number, mut sink, stream) = open_chat(&url, "profile").await?;
        send(
            &mut sink,
            json!({"type": "call_operator", "conversation": number}),
        )
        .await?;
        sockets.push((number, sink, stream));
    }

    // 1. Inbound, chat.
    let acks = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let mut chats = Vec::new();
    let mut senders = Vec::new();
    let started = Instant::now();
    for (number, mut sink, mut stream) in sockets {
        chats.push(number.clone());
        let (acks, received, refused) = (acks.clone(), received.clone(), refused.clone());
        tokio::spawn(async move {
            while let Some(Ok(Message::Text(t))) = stream.next().await {
                let t = t.as_str();
                if t.contains("\"type\":\"ack\"") {
                    acks.fetch_add(1, Ordering::Relaxed);
                } else if t.contains("\"type\":\"error\"") {
                    refused.fetch_add(1, Ordering::Relaxed);
                } else if t.contains("reply:") && t.contains("\"type\":\"message\"") {
                    received.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        senders.push(tokio::spawn(async move {
            for m in 0..per {
                let frame = json!({"type": "message", "conversation": number,
                    "client_id": format!("b{m}"), "body": format!("Бенчмарк: сообщение {m}")});
                send(&mut sink, frame).await?;
            }
            anyhow::Ok(sink)
        }));
    }
    let mut sinks = Vec::new();
    for s in senders {
        sinks.push(s.await??);
    }
    let inbound_total = (users * per) as u64;
    while acks.load(Ordering::Relaxed) < inbound_total {
        let r = refused.load(Ordering::Relaxed);
        if r > 0 {
            bail!("the chat refused {r} messages (keep --messages within [chat] rate_burst)");
        }
        if started.elapsed() > LIMIT {
            bail!(
                "chat: {} of {inbound_total} acknowledged",
                acks.load(Ordering::Relaxed)
            );
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let chat_in = inbound_total as f64 / started.elapsed().as_secs_f64();

    // 2. Inbound, Telegram.
    let mut updates = Vec::with_capacity(users * per);
    for m in 0..per as i64 {
        for u in 0..users as i64 {
            updates.push(text(
                7_000_000 + u,
                10 + m,
                &format!("Бенчмарк: сообщение {m}"),
            ));
        }
    }
    let started = Instant::now();
    let last = api.push(updates);
    api.confirmed(last, LIMIT).await?;
    let telegram_in = inbound_total as f64 / started.elapsed().as_secs_f64();
    let stored = stored_messages(&http, &base, &sup, &telegram).await?;
    if stored < inbound_total as usize {
        bail!("Telegram: {stored} of {inbound_total} messages stored");
    }

    // 3. Outbound.
    let n = args.replies.max(1);
    let started = Instant::now();
    post_replies(&http, &base, &sup, &chats, n, "c").await?;
    while received.load(Ordering::Relaxed) < n as u64 {
        if started.elapsed() > LIMIT {
            bail!(
                "chat: {} of {n} replies arrived",
                received.load(Ordering::Relaxed)
            );
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let chat_out = n as f64 / started.elapsed().as_secs_f64();
    let sent_before = api.sent();
    let started = Instant::now();
    post_replies(&http, &base, &sup, &telegram, n, "t").await?;
    api.sent_at_least(sent_before + n as u64, LIMIT).await?;
    let telegram_out = n as f64 / started.elapsed().as_secs_f64();

    println!();
    println!(
        "Switchboard messenger benchmark — SQLite, {users} users × {per} messages, {n} replies per side"
    );
    println!("  inbound   chat (socket, stored):             {chat_in:>8.0} messages/s");
    println!(
        "  inbound   Telegram (getUpdates → stored):    {telegram_in:>8.0} updates/s   ({:.2}× chat)",
        telegram_in / chat_in
    );
    println!("  outbound  chat (API → customer's socket):    {chat_out:>8.0} replies/s");
    println!(
        "  outbound  Telegram (API → outbox → sendMessage): {telegram_out:>5.0} replies/s   ({:.2}× chat)",
        telegram_out / chat_out
    );
    drop(sinks);
    let _ = stop.send(());
    let _ = server.await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
