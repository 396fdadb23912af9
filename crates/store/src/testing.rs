//! Fresh, isolated databases for tests, here and in other crates.
//!
//! With `TEST_DATABASE_URL` set (a `postgres://` URL) every call makes a new
//! schema `sb_test_<uuid>` on that server and a store confined to it through
//! `search_path`; otherwise a new SQLite file in its own temporary directory,
//! removed when the store is dropped. Test helpers panic on setup failure:
//! there is nothing sensible for a test to do but stop.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::{Backend, ConnectOptions, PgStore, Result, SqliteStore, Store};

const ENV: &str = "TEST_DATABASE_URL";
const SCHEMA_PREFIX: &str = "sb_test_";

/// PostgreSQL when `TEST_DATABASE_URL` is set, SQLite otherwise.
pub fn backend_under_test() -> Backend {
    match std::env::var(ENV) {
        Ok(url) if !url.trim().is_empty() => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// A store on a fresh, empty database of the backend under test.
pub async fn fresh_store() -> Arc<dyn Store> {
    fresh_db().await.store
}

/// A fresh store plus a back door for raw SQL, for tests that must reach
/// around the trait (tamper with rows, check what the schema forbids).
pub struct TestDb {
    pub store: Arc<dyn Store>,
    raw: Raw,
}

enum Raw {
    Sqlite(sqlx::SqlitePool, String),
    Postgres(sqlx::PgPool, Box<PgConnectOptions>),
}

impl TestDb {
    /// Runs one statement outside the store's API; returns the rows affected.
    pub async fn execute(&self, sql: &str) -> Result<u64> {
        let sql = AssertSqlSafe(sql.to_owned());
        let done = match &self.raw {
            Raw::Sqlite(pool, _) => sqlx::query(sql).execute(pool).await?.rows_affected(),
            Raw::Postgres(pool, _) => sqlx::query(sql).execute(pool).await?.rows_affected(),
        };
        Ok(done)
    }

    /// Every `table.column` holding text that contains `needle`, across the
    /// whole database: how tests prove a secret was never stored anywhere.
    pub async fn find_text(&self, needle: &str) -> Result<Vec<String>> {
        let mut found = Vec::new();
        match &self.raw {
            Raw::Sqlite(pool, _) => {
                let columns: Vec<(String, String)> = sqlx::query_as(
                    "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND p.type = 'TEXT'",
                )
                .fetch_all(pool)
                .await?;
                for (table, column) in columns {
                    // Names come from the schema itself; quoted all the same.
                    let sql = format!(
                        "SELECT COUNT(*) FROM \"{}\" WHERE instr(\"{}\", $1) > 0",
                        table.replace('"', "\"\""),
                        column.replace('"', "\"\"")
                    );
                    let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
                        .bind(needle)
                        .fetch_one(pool)
                        .await?;
                    if n > 0 {
                        found.push(format!("{table}.{column}"));
                    }
                }
            }
            Raw::Postgres(pool, _) => {
                let columns: Vec<(String, String)> = sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() \
                     AND data_type IN ('text', 'character varying', 'json', 'jsonb')",
                )
                .fetch_all(pool)
                .await?;
                for (table, column) in columns {
                    let sql = format!(
                        "SELECT COUNT(*) FROM \"{}\" WHERE strpos(\"{}\"::text, $1) > 0",
                        table.replace('"', "\"\""),
                        column.replace('"', "\"\"")
                    );
                    let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
                        .bind(needle)
                        .fetch_one(pool)
                        .await?;
                    if n > 0 {
                        found.push(format!("{table}.{column}"));
                    }
                }
            }
        }
        found.sort();
        Ok(found)
    }

    /// A second, independent store on the same database, as another server
    /// node would open it: its own pools and its own chat feed. Only
    /// PostgreSQL shares a feed between stores; two SQLite stores each see
    /// only their own writes live (SQLite runs as one node).
    pub async fn another_node(&self) -> Arc<dyn Store> {
        let options = ConnectOptions {
            max_connections: 4,
            ..ConnectOptions::default()
        };
        match &self.raw {
            Raw::Sqlite(_, url) => Arc::new(
                SqliteStore::connect(url, &options)
                    .await
                    .unwrap_or_else(|e| panic!("cannot reopen {url}: {e}")),
            ),
            Raw::Postgres(_, connect) => Arc::new(
                PgStore::connect_private_schema((**connect).clone(), &options)
                    .await
                    .unwrap_or_else(|e| panic!("cannot reopen the test schema: {e}")),
            ),
        }
    }
}

pub async fn fresh_db() -> TestDb {
    match std::env::var(ENV) {
        Ok(url) if !url.trim().is_empty() => fresh_postgres(&url).await,
        _ => fresh_sqlite().await,
    }
}

async fn fresh_sqlite() -> TestDb {
    let dir = TempDirGuard::new("store");
    let url = format!("sqlite:{}", dir.path().join("switchboard.db").display());
    let options = ConnectOptions {
        max_connections: 4,
        ..ConnectOptions::default()
    };
    let store = SqliteStore::connect(&url, &options)
        .await
        .unwrap_or_else(|e| panic!("cannot open test database {url}: {e}"))
        .with_cleanup(dir);
    let raw = Raw::Sqlite(store.write_pool().clone(), url);
    TestDb {
        store: Arc::new(store),
        raw,
    }
}

async fn fresh_postgres(url: &str) -> TestDb {
    let schema = format!("{SCHEMA_PREFIX}{}", uuid::Uuid::now_v7().simple());
    let mut admin = PgConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {ENV}: {e}"));
    // The name is ours (prefix + hex), so formatting it into SQL is safe.
    sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("cannot create schema {schema}: {e}"));
    // Closing is a courtesy to the server; the schema exists either way.
    let _ = admin.close().await;
    let connect = PgConnectOptions::from_str(url)
        .unwrap_or_else(|e| panic!("bad {ENV}: {e}"))
        .options([("search_path", schema.as_str())]);
    // Small pools: many tests run at once against one server.
    let options = ConnectOptions {
        max_connections: 4,
        ..ConnectOptions::default()
    };
    let store = PgStore::connect_private_schema(connect.clone(), &options)
        .await
        .unwrap_or_else(|e| panic!("cannot open test schema {schema}: {e}"));
    let raw = Raw::Postgres(store.pool().clone(), Box::new(connect));
    TestDb {
        store: Arc::new(store),
        raw,
    }
}

/// A uniquely named directory under the system temp dir, removed on drop.
#[derive(Debug)]
pub struct TempDirGuard(PathBuf);

impl TempDirGuard {
    pub fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "switchboard-{label}-{}",
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDirGuard(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDirGuard {
    fn drop(&mut self) {
        // Open SQLite handles do not stop the unlink on Unix; a leftover
        // directory elsewhere is harmless, so the error is ignored.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
