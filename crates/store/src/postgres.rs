//! The PostgreSQL backend: one pool for reads and writes, since PostgreSQL
//! handles concurrent writers itself (row locks; a stale `save_change` is
//! caught by its version check, not by locking).

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::shared::{EmbeddedMigration, migrator};
use crate::{ConnectOptions, Result, StoreError};

const MIGRATIONS: &[EmbeddedMigration] = &[(
    1,
    "initial",
    include_str!("../migrations/postgres/0001_initial.sql"),
)];

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://…`) and brings the schema up to date.
    pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Self> {
        let connect_options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("bad PostgreSQL URL: {e}")))?;
        Self::connect_with(connect_options, options).await
    }

    /// Like [`PgStore::connect`], for callers that set connection options
    /// themselves (the tests set a `search_path` per test schema).
    pub async fn connect_with(
        connect_options: PgConnectOptions,
        options: &ConnectOptions,
    ) -> Result<Self> {
        Self::open(connect_options, options, true).await
    }

    /// For a schema no one else uses (a test's): skips the migration lock,
    /// which is database-wide and would make parallel tests migrate one by one.
    pub(crate) async fn connect_private_schema(
        connect_options: PgConnectOptions,
        options: &ConnectOptions,
    ) -> Result<Self> {
        Self::open(connect_options, options, false).await
    }

    async fn open(
        connect_options: PgConnectOptions,
        options: &ConnectOptions,
        lock_migrations: bool,
    ) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .connect_with(connect_options)
            .await?;
        let mut migrator = migrator(MIGRATIONS);
        migrator.set_locking(lock_migrations);
        migrator.run(&pool).await?;
        Ok(PgStore { pool })
    }

    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    /// Leases due notifications. `FOR UPDATE SKIP LOCKED` lets concurrent
    /// workers pass over rows another claim is taking; a row whose lease was
    /// set meanwhile is re-checked against the WHERE clause after its lock is
    /// released (READ COMMITTED), so no row is handed out twice.
    const CLAIM_DUE: &'static str = "UPDATE outbox SET lease_until = $2 \
         WHERE id IN (SELECT id FROM outbox \
                      WHERE status = 'pending' AND next_attempt_at <= $1 \
                        AND (lease_until IS NULL OR lease_until < $1) \
                      ORDER BY next_attempt_at, id LIMIT $3 \
                      FOR UPDATE SKIP LOCKED) \
         RETURNING id, ticket_id, channel, recipient, subject, body, attempts";
}

crate::shared::impl_store!(PgStore, sqlx::Postgres, crate::Backend::Postgres);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_migrations_match_the_directory() {
        crate::shared::assert_embeds_directory(MIGRATIONS, "migrations/postgres");
    }
}
