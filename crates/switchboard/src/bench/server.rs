//! The bench's server: a child process on a fresh database (SQLite in a
//! temporary folder, or a fresh schema of the PostgreSQL database given),
//! or a running one named by `--url`.

use std::process::Stdio;

use anyhow::Context;
use switchboard_domain::identity::IdentitySigner;
use switchboard_domain::ids::CustomerId;
use tokio::io::{AsyncBufReadExt, BufReader};

use super::{BenchArgs, SECRET, TIMEOUT};

pub(crate) struct Server {
    pub(crate) base: String,
    pub(crate) ws: String,
    pub(super) pid: Option<u32>,
    secret: String,
    pub(super) database_url: Option<String>,
    _child: Option<tokio::process::Child>,
    cleanup: Option<Scratch>,
}

enum Cleanup {
    Dir,
    Schema { admin_url: String, schema: String },
}

pub(super) fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

pub(super) async fn start_server(args: &BenchArgs) -> anyhow::Result<Server> {
    start_server_with(args, &[]).await
}

/// Starts the server (or names the running one) with extra environment.
pub(crate) async fn start_server_with(
    args: &BenchArgs,
    extra_env: &[(&str, String)],
) -> anyhow::Result<Server> {
    if let Some(url) = &args.url {
        let base = url.trim_end_matches('/').to_owned();
        return Ok(Server {
            ws: base.replacen("http", "ws", 1),
            base,
            pid: args.server_pid,
            secret: args.secret.clone().unwrap_or_default(),
            database_url: None,
            _child: None,
            cleanup: None,
        });
    }
    let scratch = Scratch::create(&args.database).await?;
    let (child, base) = spawn(&scratch, &args.sqlite_synchronous, extra_env).await?;
    Ok(Server {
        ws: base.replacen("http", "ws", 1),
        base,
        pid: child.id(),
        secret: SECRET.to_owned(),
        database_url: Some(scratch.url.clone()),
        _child: Some(child),
        cleanup: Some(scratch),
    })
}

/// A fresh database for a bench: SQLite in a temporary folder, or a new
/// schema of the PostgreSQL database given; removed by [`Scratch::remove`].
pub(crate) struct Scratch {
    pub(crate) dir: std::path::PathBuf,
    pub(crate) url: String,
    cleanup: Cleanup,
}

impl Scratch {
    pub(crate) async fn create(database: &str) -> anyhow::Result<Scratch> {
        let dir = std::env::temp_dir().join(format!(
            "switchboard-bench-{}",
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::create_dir_all(&dir)?;
        let (url, cleanup) = if database == "sqlite" {
            (
                format!("sqlite:{}", dir.join("switchboard.db").display()),
                Cleanup::Dir,
            )
        } else {
            let schema = format!("sb_bench_{}", uuid::Uuid::now_v7().simple());
            let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(database)
                .await
                .context("connecting to the benchmark database")?;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&mut admin)
                .await?;
            let sep = if database.contains('?') { '&' } else { '?' };
            (
                format!("{database}{sep}options=-c%20search_path%3D{schema}"),
                Cleanup::Schema {
                    admin_url: database.to_owned(),
                    schema,
                },
            )
        };
        Ok(Scratch { dir, url, cleanup })
    }

    pub(crate) async fn remove(self) {
        if let Cleanup::Schema { admin_url, schema } = &self.cleanup
            && let Ok(mut c) = <sqlx::PgConnection as sqlx::Connection>::connect(admin_url).await
        {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&mut c)
                .await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts `switchboard serve` on the scratch database; returns the child
/// (killed when dropped) and the address it listens on.
pub(crate) async fn spawn(
    scratch: &Scratch,
    sqlite_synchronous: &str,
    extra_env: &[(&str, String)],
) -> anyhow::Result<(tokio::process::Child, String)> {
    let (dir, database_url) = (&scratch.dir, &scratch.url);
    let exe = std::env::current_exe()?;
    let mut child = tokio::process::Command::new(exe)
        .arg("serve")
        .env("SWITCHBOARD__SERVER__LISTEN", "127.0.0.1:0")
        .env("SWITCHBOARD__STORAGE__DATA_DIR", dir.display().to_string())
        .env("SWITCHBOARD__DATABASE__URL", database_url)
        .env("SWITCHBOARD__DATABASE__MAX_CONNECTIONS", "16")
        .env(
            "SWITCHBOARD__DATABASE__SQLITE_SYNCHRONOUS",
            sqlite_synchronous,
        )
        .env("SWITCHBOARD__IDENTITY__SECRET", SECRET)
        .env("SWITCHBOARD__CHAT__RATE_PER_SEC", "1000000.0")
        .env("SWITCHBOARD__CHAT__RATE_BURST", "1000000")
        .env("SWITCHBOARD__OUTBOX__RUN_WORKER", "false")
        // The load generator signs in as the demo admin with a password only.
        .env(
            "SWITCHBOARD__STAFF__SECOND_FACTOR__REQUIRED_FOR_ADMINS",
            "false",
        )
        // Thousands of sockets and conversations from one address.
        .env("SWITCHBOARD__LIMITS__ADDRESS_PER_MINUTE", "0")
        .env("SWITCHBOARD__LIMITS__CUSTOMER_PER_MINUTE", "0")
        .env("SWITCHBOARD__LIMITS__CHATS_PER_ADDRESS", "0")
        .env("SWITCHBOARD__LIMITS__CHATS_PER_CUSTOMER", "0")
        .env("SWITCHBOARD__LOG__FILTER", "warn")
        // glibc gives every thread its own heap arena; with thousands of
        // long-lived sockets that fragments badly. Two arenas suit two cores.
        .env("MALLOC_ARENA_MAX", "2")
        .env_remove("RUST_LOG")
        .envs(extra_env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .context("starting the server")?;
    let stdout = child.stdout.take().context("server stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(TIMEOUT, lines.next_line())
        .await
        .context("the server did not start in time")??
        .context("the server exited")?;
    let base = line
        .rsplit_once(' ')
        .map(|(_, url)| url.to_owned())
        .context("unexpected server output")?;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((child, base))
}

impl Server {
    pub(crate) async fn finish(mut self) {
        drop(self._child.take());
        if let Some(scratch) = self.cleanup.take() {
            scratch.remove().await;
        }
    }

    pub(super) fn token(&self, customer: &str) -> String {
        let signer = IdentitySigner::new(self.secret.as_bytes(), 86_400);
        let id =
            CustomerId::parse(customer).unwrap_or_else(|_| unreachable!("bench ids are valid"));
        signer.sign(
            &id,
            jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2),
        )
    }
}
