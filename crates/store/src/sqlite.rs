//! The SQLite backend: one database file in WAL mode.
//!
//! SQLite allows one writer at a time. Rather than let concurrent write
//! transactions collide (`SQLITE_BUSY` surfaces when a deferred transaction
//! tries to upgrade to a write lock, where the busy timeout cannot help), every
//! write goes through a pool of exactly one connection, which queues writers
//! in-process. The chat's batched append, the hot path, runs on a dedicated
//! writer thread with a plain connection of its own (`writer`) while it holds
//! that pool's connection, so writers still take turns. Reads use a separate
//! read-only pool and, thanks to WAL, never wait for either.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tokio::sync::mpsc;

use crate::feed::{FeedEvent, LocalFeed, Notice};
use crate::sql::{EmbeddedMigration, migrator};
use crate::{ConnectOptions, Result, StoreError};

mod append;
mod writer;

const MIGRATIONS: &[EmbeddedMigration] = &[
    (
        1,
        "initial",
        include_str!("../migrations/sqlite/0001_initial.sql"),
    ),
    (
        2,
        "chat",
        include_str!("../migrations/sqlite/0002_chat.sql"),
    ),
    (3, "sla", include_str!("../migrations/sqlite/0003_sla.sql")),
    (4, "kb", include_str!("../migrations/sqlite/0004_kb.sql")),
    (
        5,
        "conversations",
        include_str!("../migrations/sqlite/0005_conversations.sql"),
    ),
    (
        6,
        "sign_in",
        include_str!("../migrations/sqlite/0006_sign_in.sql"),
    ),
    (
        8,
        "messengers",
        include_str!("../migrations/sqlite/0008_messengers.sql"),
    ),
    (
        9,
        "phone",
        include_str!("../migrations/sqlite/0009_phone.sql"),
    ),
    (
        10,
        "reports",
        include_str!("../migrations/sqlite/0010_reports.sql"),
    ),
    (
        12,
        "canned",
        include_str!("../migrations/sqlite/0012_canned.sql"),
    ),
    (
        15,
        "csat",
        include_str!("../migrations/sqlite/0015_csat.sql"),
    ),
    (
        16,
        "config",
        include_str!("../migrations/sqlite/0016_config.sql"),
    ),
    (
        17,
        "webhooks",
        include_str!("../migrations/sqlite/0017_webhooks.sql"),
    ),
    (
        19,
        "links",
        include_str!("../migrations/sqlite/0019_links.sql"),
    ),
    (
        22,
        "operator_language",
        include_str!("../migrations/sqlite/0022_operator_language.sql"),
    ),
];

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
    /// The chat append's own connection and thread.
    thread: writer::WriterThread,
    /// This node's chat feed: SQLite runs as one node, so fan-out is in-process.
    feed: LocalFeed,
    /// Removes a test database when the store goes away (see `testing`).
    _cleanup: Option<crate::testing::TempDirGuard>,
}

impl SqliteStore {
    /// Opens (creating if missing, with its directory) the database at `url`
    /// (`sqlite:path/to/file.db`) and brings its schema up to date.
    pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Self> {
        let parsed = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("bad SQLite URL: {e}")))?;
        // An in-memory database lives in its connection: a second pool would
        // see another, empty database, so one connection does everything.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory {
            create_parent_dir(parsed.get_filename())?;
        }
        let write_options = parsed
            .clone()
            .create_if_missing(true)
            .journal_mode(if in_memory {
                SqliteJournalMode::Memory
            } else {
                SqliteJournalMode::Wal
            })
            .synchronous(match options.sqlite_synchronous {
                crate::SqliteSynchronous::Normal => SqliteSynchronous::Normal,
                crate::SqliteSynchronous::Full => SqliteSynchronous::Full,
            })
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        // A local file's connection cannot go stale: no ping (a round trip
        // through sqlx's worker thread) before every write.
        let writer_pool = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false);
        let writer = if in_memory {
            // Never let the only connection (and with it the data) be closed for idleness.
            writer_pool
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(write_options)
                .await?
        } else {
            writer_pool.connect_with(write_options).await?
        };
        migrator(MIGRATIONS).run(&writer).await?;
        let name = parsed.get_filename().to_owned();
        let thread = writer::WriterThread::start(
            if in_memory {
                writer::Target::SharedMemory(&name)
            } else {
                writer::Target::File(&name)
            },
            options.sqlite_synchronous == crate::SqliteSynchronous::Full,
            BUSY_TIMEOUT,
        )?;
        let reader = if in_memory {
            writer.clone()
        } else {
            // WAL mode is recorded in the file itself; read-only connections
            // need not (and cannot) set it.
            let read_options = parsed
                .read_only(true)
                .foreign_keys(true)
                .busy_timeout(BUSY_TIMEOUT);
            SqlitePoolOptions::new()
                .max_connections(options.max_connections.max(1))
                .connect_with(read_options)
                .await?
        };
        Ok(SqliteStore {
            reader,
            writer,
            thread,
            feed: LocalFeed::default(),
            _cleanup: None,
        })
    }

    pub(crate) fn with_cleanup(mut self, guard: crate::testing::TempDirGuard) -> Self {
        self._cleanup = Some(guard);
        self
    }

    /// The write connection, for tests that need raw SQL.
    pub(crate) fn write_pool(&self) -> &SqlitePool {
        &self.writer
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// Due webhook deliveries of active endpoints, leased like the outbox's rows.
    const CLAIM_WEBHOOKS: &'static str = "UPDATE webhook_deliveries SET lease_until = $2 \
         WHERE id IN (SELECT d.id FROM webhook_deliveries d \
                      JOIN webhook_endpoints e ON e.id = d.endpoint_id \
                      WHERE d.status = 'pending' AND d.next_attempt_at <= $1 \
                        AND (d.lease_until IS NULL OR d.lease_until < $1) \
                        AND e.status = 'active' AND e.deleted_at IS NULL \
                      ORDER BY d.next_attempt_at, d.id LIMIT $3) \
         RETURNING id, endpoint_id, event, payload, attempts";

    /// Leases due notifications. No row locking is needed: the single write
    /// connection already runs one claim at a time.
    const CLAIM_DUE: &'static str = "UPDATE outbox SET lease_until = $2 \
         WHERE id IN (SELECT id FROM outbox \
                      WHERE status = 'pending' AND next_attempt_at <= $1 \
                        AND (lease_until IS NULL OR lease_until < $1) \
                      ORDER BY next_attempt_at, id LIMIT $3) \
         RETURNING id, ticket_id, channel, recipient, subject, body, attempts, sensitive, kind, \
         endpoint, thread, attachments, message_seq, buttons";

    /// Seeded tickets carry their ids; AUTOINCREMENT then moves past them.
    const SEED_GIVEN_IDS: &'static str = "";
    /// AUTOINCREMENT already moved past the seeded ids.
    const SEED_FINISH: &'static str = "SELECT 1";

    /// The operator's presence and capacity; the single writer makes it exclusive.
    const LOCK_PRESENCE: &'static str = "SELECT p.status, p.seen_until, o.capacity, o.active \
         FROM operator_presence p JOIN operators o ON o.id = p.operator_id \
         WHERE p.operator_id = $1";

    /// A contact being linked; the single writer makes it exclusive.
    const LOCK_CONTACT: &'static str = "SELECT customer_id FROM contacts WHERE id = $1";
}

fn create_parent_dir(file: &Path) -> Result<()> {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Config(format!("cannot create directory {}: {e}", dir.display()))
        }),
        _ => Ok(()),
    }
}

impl SqliteStore {
    /// Chat notices leave only after the commit, straight to this node's subscribers.
    async fn announce_in_tx(
        &self,
        _conn: &mut sqlx::SqliteConnection,
        _notices: &[Notice],
    ) -> Result<()> {
        Ok(())
    }

    fn announce_committed(&self, notices: Vec<Notice>) {
        self.feed.publish(notices);
    }

    async fn feed_subscribe(&self) -> Result<mpsc::Receiver<FeedEvent>> {
        Ok(self.feed.subscribe())
    }

    async fn publish_now(&self, notice: &Notice) -> Result<()> {
        self.feed.publish(vec![notice.clone()]);
        Ok(())
    }
}

crate::sql::impl_store!(SqliteStore, sqlx::Sqlite, crate::Backend::Sqlite);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[test]
    fn embedded_migrations_match_the_directory() {
        crate::sql::assert_embeds_directory(MIGRATIONS, "migrations/sqlite");
    }

    #[tokio::test]
    async fn creates_the_file_and_its_directory_in_wal_mode() {
        let dir = crate::testing::TempDirGuard::new("sqlite-connect");
        let file = dir.path().join("nested/deeper/switchboard.db");
        let url = format!("sqlite:{}", file.display());
        let store = SqliteStore::connect(&url, &ConnectOptions::default())
            .await
            .expect("connect");
        assert!(file.exists());
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(store.reader())
            .await
            .expect("journal mode");
        assert_eq!(mode, "wal");
        store.ping().await.expect("ping");
        // Reopening runs no migration twice.
        drop(store);
        let again = SqliteStore::connect(&url, &ConnectOptions::default())
            .await
            .expect("reconnect");
        again.ping().await.expect("ping");
    }

    #[tokio::test]
    async fn the_writer_syncs_as_configured() {
        let dir = crate::testing::TempDirGuard::new("sqlite-synchronous");
        let url = format!("sqlite:{}", dir.path().join("s.db").display());
        // PRAGMA synchronous: 1 is NORMAL, 2 is FULL.
        for (mode, expected) in [
            (crate::SqliteSynchronous::Normal, 1),
            (crate::SqliteSynchronous::Full, 2),
        ] {
            let options = ConnectOptions {
                sqlite_synchronous: mode,
                ..ConnectOptions::default()
            };
            let store = SqliteStore::connect(&url, &options).await.expect("connect");
            let got: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(store.write_pool())
                .await
                .expect("pragma");
            assert_eq!(got, expected, "{mode:?}");
        }
    }

    #[tokio::test]
    async fn in_memory_databases_work() {
        let store = SqliteStore::connect("sqlite::memory:", &ConnectOptions::default())
            .await
            .expect("connect");
        assert_eq!(store.pending_outbound().await.expect("count"), 0);
        // The writer thread's connection shares the migrated database: an
        // append to a missing conversation is refused, not a missing table.
        let item = crate::AppendItem::text(
            switchboard_domain::ids::TicketId(1),
            switchboard_domain::ticket::Actor::System,
            "hello",
        );
        let outcomes = store
            .append_messages(&[item], &demo_rules(), jiff::Timestamp::now())
            .await
            .expect("append");
        assert!(
            matches!(
                outcomes.as_slice(),
                [crate::AppendOutcome::Refused(
                    switchboard_domain::ticket::AppendRefusal::NotFound
                )]
            ),
            "{outcomes:?}"
        );
    }

    fn demo_rules() -> switchboard_domain::ticket::DeadlineRules {
        use std::sync::Arc;
        use switchboard_domain::calendar::Calendars;
        use switchboard_domain::catalog::Catalog;
        use switchboard_domain::deadline::SlaPolicies;
        let catalog = Catalog::from_toml(include_str!("../../../profiles/demo/catalog.toml"))
            .expect("demo catalog");
        let calendars = Calendars::from_toml(include_str!("../../../profiles/demo/calendars.toml"))
            .expect("demo calendars");
        let policies = SlaPolicies::from_toml(
            include_str!("../../../profiles/demo/sla.toml"),
            &calendars,
            &catalog,
        )
        .expect("demo SLA");
        switchboard_domain::ticket::DeadlineRules::new(Arc::new(catalog), Arc::new(policies))
    }

    #[tokio::test]
    async fn readers_cannot_write() {
        let dir = crate::testing::TempDirGuard::new("sqlite-readonly");
        let url = format!("sqlite:{}", dir.path().join("db.sqlite").display());
        let store = SqliteStore::connect(&url, &ConnectOptions::default())
            .await
            .expect("connect");
        let write = sqlx::query("DELETE FROM sessions")
            .execute(store.reader())
            .await;
        assert!(write.is_err());
    }
}
