//! Crash test: chat load against the real binary, killed with SIGKILL in
//! the middle, restarted on the same database; every message the server
//! acknowledged must be there exactly once, with the sequence number its
//! acknowledgement gave. On SQLite always, on PostgreSQL when
//! `TEST_DATABASE_URL` is set.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use switchboard_domain::identity::IdentitySigner;
use switchboard_domain::ids::CustomerId;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{Mutex, Notify};
use tokio_tungstenite::tungstenite::Message;

const SECRET: &str = "crash-test-identity-secret-0123456789";
const CUSTOMERS: usize = 16;
const MESSAGES: usize = 400;
const WINDOW: usize = 8;
/// Acknowledgements to see before the kill: well into the load.
const KILL_AFTER: usize = 1500;
const TIMEOUT: Duration = Duration::from_secs(120);

struct Server {
    child: tokio::process::Child,
    base: String,
}

async fn start(dir: &Path, database_url: &str, synchronous: &str) -> Server {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("serve")
        .env("SWITCHBOARD__SERVER__LISTEN", "127.0.0.1:0")
        .env("SWITCHBOARD__STORAGE__DATA_DIR", dir.display().to_string())
        .env("SWITCHBOARD__DATABASE__URL", database_url)
        .env("SWITCHBOARD__DATABASE__SQLITE_SYNCHRONOUS", synchronous)
        .env("SWITCHBOARD__IDENTITY__SECRET", SECRET)
        .env("SWITCHBOARD__CHAT__RATE_PER_SEC", "1000000.0")
        .env("SWITCHBOARD__CHAT__RATE_BURST", "1000000")
        .env("SWITCHBOARD__OUTBOX__RUN_WORKER", "false")
        .env(
            "SWITCHBOARD__STAFF__SECOND_FACTOR__REQUIRED_FOR_ADMINS",
            "false",
        )
        .env("SWITCHBOARD__LIMITS__ADDRESS_PER_MINUTE", "0")
        .env("SWITCHBOARD__LIMITS__CHATS_PER_ADDRESS", "0")
        .env("SWITCHBOARD__LOG__FILTER", "warn")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(TIMEOUT, lines.next_line())
        .await
        .expect("the server reports its address in time")
        .expect("stdout")
        .expect("the server did not exit");
    let base = line.rsplit_once(' ').expect("an address").1.to_owned();
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Server { child, base }
}

fn token(customer: &str) -> String {
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    IdentitySigner::new(SECRET.as_bytes(), 86_400)
        .sign(&CustomerId::parse(customer).expect("id"), expires)
}

/// An acknowledged message: (customer, body) → (conversation, seq).
type Acked = Arc<Mutex<HashMap<(String, String), (String, i64)>>>;

/// Chats as one customer until the socket dies or all messages are sent.
async fn chat(ws_base: String, customer: String, acked: Acked, count: Arc<Notify>) {
    let url = format!("{ws_base}/api/v1/customer/chat?token={}", token(&customer));
    let Ok((ws, _)) = tokio_tungstenite::connect_async(url.as_str()).await else {
        return;
    };
    let (mut sink, mut stream) = ws.split();
    let frames = [json!({"type": "topic", "line": "marketplace", "topic": "payment"})];
    for f in frames {
        if sink
            .send(Message::Text(f.to_string().into()))
            .await
            .is_err()
        {
            return;
        }
    }
    let mut conversation: Option<String> = None;
    let mut sent = 0usize;
    let mut in_flight: HashMap<String, String> = HashMap::new();
    let mut ready = false;
    while let Some(Ok(frame)) = stream.next().await {
        let Message::Text(text) = frame else { continue };
        let Ok(v) = serde_json::from_str::<Value>(text.as_str()) else {
            continue;
        };
        match v["type"].as_str() {
            Some("ready") => ready = true,
            Some("ack") => {
                let client_id = v["client_id"].as_str().unwrap_or_default().to_owned();
                let Some(body) = in_flight.remove(&client_id) else {
                    continue;
                };
                let number = v["conversation"].as_str().expect("conversation").to_owned();
                let seq = v["seq"].as_i64().expect("seq");
                conversation.get_or_insert(number.clone());
                acked
                    .lock()
                    .await
                    .insert((customer.clone(), body), (number, seq));
                count.notify_one();
            }
            _ => {}
        }
        // Keep a window of messages in flight; the first opens the conversation.
        while ready
            && sent < MESSAGES
            && in_flight.len() < WINDOW
            && (conversation.is_some() || sent == 0)
        {
            let client_id = format!("m-{sent}");
            let body = format!("crash {customer} {sent}");
            let mut frame = json!({"type": "message", "client_id": client_id, "body": body});
            if let Some(c) = &conversation {
                frame["conversation"] = json!(c);
            }
            if sink
                .send(Message::Text(frame.to_string().into()))
                .await
                .is_err()
            {
                return;
            }
            in_flight.insert(client_id, body);
            sent += 1;
        }
    }
}

async fn run(database_url: String, dir: PathBuf) {
    switchboard_channels::install_crypto_provider();
    let mut server = start(&dir, &database_url, "normal").await;
    let http = reqwest::Client::new();
    let admin: Value = http
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({"login": "admin", "password": "admin-demo"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let admin = admin["token"].as_str().expect("admin token").to_owned();
    let customers: Vec<String> = (0..CUSTOMERS).map(|i| format!("crash-c{i}")).collect();
    for c in &customers {
        let r = http
            .put(format!("{}/api/v1/customers/{c}", server.base))
            .bearer_auth(&admin)
            .json(&json!({"kind": "buyer", "name": "Crash"}))
            .send()
            .await
            .expect("customer");
        assert!(
            r.status().is_success(),
            "{}",
            r.text().await.unwrap_or_default()
        );
    }

    let acked: Acked = Arc::default();
    let count = Arc::new(Notify::new());
    let ws_base = server.base.replacen("http", "ws", 1);
    let load: Vec<_> = customers
        .iter()
        .map(|c| {
            tokio::spawn(chat(
                ws_base.clone(),
                c.clone(),
                acked.clone(),
                count.clone(),
            ))
        })
        .collect();
    tokio::time::timeout(TIMEOUT, async {
        while acked.lock().await.len() < KILL_AFTER {
            count.notified().await;
        }
    })
    .await
    .expect("the load gets going");
    server.child.start_kill().expect("SIGKILL");
    let status = server.child.wait().await.expect("the server ends");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9),
        "killed, not exited"
    );
    for l in load {
        let _ = l.await;
    }
    let acked = acked.lock().await.clone();
    assert!(acked.len() >= KILL_AFTER);
    assert!(
        acked.len() < CUSTOMERS * MESSAGES,
        "the kill came in the middle of the load"
    );

    let server = start(&dir, &database_url, "normal").await;
    let mut by_customer: HashMap<&str, Vec<(&str, &String, i64)>> = HashMap::new();
    for ((customer, body), (conversation, seq)) in &acked {
        by_customer
            .entry(customer.as_str())
            .or_default()
            .push((conversation.as_str(), body, *seq));
    }
    for (customer, messages) in by_customer {
        let conversation = messages[0].0;
        assert!(messages.iter().all(|m| m.0 == conversation));
        let mut stored: Vec<Value> = Vec::new();
        let mut after = 0;
        loop {
            let page: Value = http
                .get(format!(
                    "{}/api/v1/customer/chats/{conversation}/messages?after={after}&limit=500",
                    server.base
                ))
                .bearer_auth(token(customer))
                .send()
                .await
                .expect("history")
                .json()
                .await
                .expect("json");
            let items = page["messages"].as_array().expect("messages").clone();
            let Some(last) = items.last() else { break };
            after = last["seq"].as_i64().expect("seq");
            stored.extend(items);
        }
        let mut seqs: Vec<i64> = stored.iter().map(|m| m["seq"].as_i64().unwrap()).collect();
        let n = seqs.len();
        seqs.dedup();
        assert_eq!(seqs.len(), n, "sequence numbers are unique");
        for (_, body, seq) in &messages {
            let found: Vec<i64> = stored
                .iter()
                .filter(|m| m["body"].as_str() == Some(body.as_str()))
                .map(|m| m["seq"].as_i64().unwrap())
                .collect();
            assert_eq!(found, vec![*seq], "{body}: once, with its acknowledged seq");
        }
    }
    drop(server);
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sb-crash-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_chat_messages_survive_sigkill_on_sqlite() {
    let dir = temp_dir();
    let url = format!("sqlite:{}", dir.join("switchboard.db").display());
    run(url, dir.clone()).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_chat_messages_survive_sigkill_on_postgres() {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("TEST_DATABASE_URL is not set: the PostgreSQL crash test did not run");
        return;
    };
    let schema = format!("sb_test_crash_{}", uuid::Uuid::now_v7().simple());
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
        .await
        .expect("PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut admin)
        .await
        .expect("schema");
    let sep = if admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{admin_url}{sep}options=-c%20search_path%3D{schema}");
    let dir = temp_dir();
    run(url, dir.clone()).await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&mut admin)
        .await
        .expect("drop schema");
    let _ = std::fs::remove_dir_all(dir);
}
