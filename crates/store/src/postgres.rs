//! The PostgreSQL backend: one pool for reads and writes, since PostgreSQL
//! handles concurrent writers itself (row locks; a stale `save_change` is
//! caught by its version check, not by locking).
//!
//! Chat fan-out between nodes is `LISTEN`/`NOTIFY` on one channel per schema:
//! notices are sent inside the writing transaction, so every node sees them
//! only once they are committed, in commit order. Each feed subscriber holds
//! one dedicated listening connection; when it is re-established the
//! subscriber gets `Resync`, since notifications sent meanwhile are gone.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use jiff::Timestamp;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use switchboard_domain::ticket::DeadlineRules;
use tokio::sync::mpsc;

use crate::codec::{self, Columns as _};
use crate::feed::{FEED_BUFFER, FeedEvent, Notice, decode_payload, payloads};
use crate::plan::{KnownIds, Locked, plan_batch};
use crate::sql::{EmbeddedMigration, migrator, ticket_columns};
use crate::{AppendItem, AppendOutcome, ConnectOptions, Result, StoreError};

const MIGRATIONS: &[EmbeddedMigration] = &[
    (
        1,
        "initial",
        include_str!("../migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        "chat",
        include_str!("../migrations/postgres/0002_chat.sql"),
    ),
    (
        3,
        "sla",
        include_str!("../migrations/postgres/0003_sla.sql"),
    ),
    (4, "kb", include_str!("../migrations/postgres/0004_kb.sql")),
    (
        5,
        "conversations",
        include_str!("../migrations/postgres/0005_conversations.sql"),
    ),
    (
        6,
        "sign_in",
        include_str!("../migrations/postgres/0006_sign_in.sql"),
    ),
    (
        8,
        "messengers",
        include_str!("../migrations/postgres/0008_messengers.sql"),
    ),
    (
        9,
        "phone",
        include_str!("../migrations/postgres/0009_phone.sql"),
    ),
    (
        10,
        "reports",
        include_str!("../migrations/postgres/0010_reports.sql"),
    ),
    (
        12,
        "canned",
        include_str!("../migrations/postgres/0012_canned.sql"),
    ),
    (
        15,
        "csat",
        include_str!("../migrations/postgres/0015_csat.sql"),
    ),
    (
        16,
        "config",
        include_str!("../migrations/postgres/0016_config.sql"),
    ),
    (
        17,
        "webhooks",
        include_str!("../migrations/postgres/0017_webhooks.sql"),
    ),
    (
        19,
        "links",
        include_str!("../migrations/postgres/0019_links.sql"),
    ),
    (
        22,
        "operator_language",
        include_str!("../migrations/postgres/0022_operator_language.sql"),
    ),
];

pub struct PgStore {
    pool: PgPool,
    connect_options: PgConnectOptions,
    /// `NOTIFY` channels are database-wide; naming ours after the schema keeps
    /// two support centres (or two tests) in one database apart.
    feed_channel: String,
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
            .connect_with(connect_options.clone())
            .await?;
        let mut migrator = migrator(MIGRATIONS);
        migrator.set_locking(lock_migrations);
        migrator.run(&pool).await?;
        let schema: String = sqlx::query_scalar("SELECT current_schema()::text")
            .fetch_one(&pool)
            .await?;
        let feed_channel: String = format!("sb_feed_{schema}").chars().take(63).collect();
        Ok(PgStore {
            pool,
            connect_options,
            feed_channel,
        })
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

    /// Due webhook deliveries of active endpoints, leased like the outbox's rows.
    const CLAIM_WEBHOOKS: &'static str = "UPDATE webhook_deliveries SET lease_until = $2 \
         WHERE id IN (SELECT d.id FROM webhook_deliveries d \
                      JOIN webhook_endpoints e ON e.id = d.endpoint_id \
                      WHERE d.status = 'pending' AND d.next_attempt_at <= $1 \
                        AND (d.lease_until IS NULL OR d.lease_until < $1) \
                        AND e.status = 'active' AND e.deleted_at IS NULL \
                      ORDER BY d.next_attempt_at, d.id LIMIT $3 \
                      FOR UPDATE OF d SKIP LOCKED) \
         RETURNING id, endpoint_id, event, payload, attempts";

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
         RETURNING id, ticket_id, channel, recipient, subject, body, attempts, sensitive, kind, \
         endpoint, thread, attachments, message_seq, buttons";

    /// Seeded tickets carry their ids (the column is GENERATED ALWAYS).
    const SEED_GIVEN_IDS: &'static str = "OVERRIDING SYSTEM VALUE ";
    /// Seeded tickets carry their ids: the sequence must move past them.
    const SEED_FINISH: &'static str = "SELECT setval(pg_get_serial_sequence('tickets', 'id'), \
         (SELECT COALESCE(MAX(id), 0) + 1 FROM tickets), false)";

    /// Locks the operator's presence row, so concurrent assignments to one
    /// operator (from any node) count their load one after the other.
    const LOCK_PRESENCE: &'static str = "SELECT p.status, p.seen_until, o.capacity, o.active \
         FROM operator_presence p JOIN operators o ON o.id = p.operator_id \
         WHERE p.operator_id = $1 FOR UPDATE OF p";

    /// Locks a contact being linked, so two links of one contact take turns.
    const LOCK_CONTACT: &'static str = "SELECT customer_id FROM contacts WHERE id = $1 FOR UPDATE";

    /// `NOTIFY` inside the transaction: delivered to listeners only on commit.
    async fn announce_in_tx(
        &self,
        conn: &mut sqlx::PgConnection,
        notices: &[Notice],
    ) -> Result<()> {
        for payload in payloads(notices) {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(&self.feed_channel)
                .bind(payload)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    fn announce_committed(&self, _notices: Vec<Notice>) {}

    async fn publish_now(&self, notice: &Notice) -> Result<()> {
        self.announce_in_tx(
            &mut *self.pool.acquire().await?,
            std::slice::from_ref(notice),
        )
        .await
    }

    /// Listens before returning, so everything committed afterwards is seen.
    async fn feed_subscribe(&self) -> Result<mpsc::Receiver<FeedEvent>> {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(self.connect_options.clone())
            .await?;
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.ignore_pool_close_event(true);
        listener.listen(&self.feed_channel).await?;
        let (tx, rx) = mpsc::channel(FEED_BUFFER);
        tokio::spawn(async move {
            loop {
                let received = tokio::select! {
                    _ = tx.closed() => return,
                    r = listener.try_recv() => r,
                };
                let event = match received {
                    Ok(Some(n)) => match decode_payload(n.payload()) {
                        Ok(notices) => FeedEvent::Notices(notices),
                        Err(e) => {
                            tracing::error!(error = %e, "unreadable chat notice");
                            FeedEvent::Resync
                        }
                    },
                    // The connection was lost and has been re-established.
                    Ok(None) => FeedEvent::Resync,
                    Err(e) => {
                        tracing::warn!(error = %e, "chat feed listener failed; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        FeedEvent::Resync
                    }
                };
                // Waiting here is safe: the listener buffers notifications.
                if tx.send(event).await.is_err() {
                    return;
                }
            }
        });
        Ok(rx)
    }

    /// One transaction for the whole batch, a fixed number of round trips
    /// for the common case whatever its size: the tickets are locked in id
    /// order (so batches from several nodes cannot deadlock), then array
    /// statements update the counters and insert the rows. Ticket changes,
    /// audit events, outbound and outside ids (rarer) go one row at a time.
    async fn append_batch(
        &self,
        items: &[AppendItem],
        rules: &DeadlineRules,
        at: Timestamp,
    ) -> Result<Vec<AppendOutcome>> {
        let mut ids: Vec<i64> = items.iter().map(|i| i.ticket.0).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut tx = self.pool.begin().await?;
        let locked = sqlx::query(concat!(
            "SELECT ",
            ticket_columns!(),
            ", last_seq FROM tickets WHERE id = ANY($1) ORDER BY id FOR UPDATE"
        ))
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| {
            Ok(Locked {
                ticket: codec::ticket(row)?,
                last_seq: row.int("last_seq")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let channel_of = |ticket: i64| {
            locked
                .iter()
                .find(|l| l.ticket.id.0 == ticket)
                .map(|l| l.ticket.channel)
        };
        let (with_ids, client_ids): (Vec<i64>, Vec<String>) = items
            .iter()
            .filter_map(|i| i.client_id.clone().map(|c| (i.ticket.0, c)))
            .unzip();
        let mut known_clients = KnownIds::new();
        if !client_ids.is_empty() {
            let rows = sqlx::query(
                "SELECT m.ticket_id, m.client_id, m.seq FROM messages m \
                 JOIN UNNEST($1::bigint[], $2::text[]) AS c(ticket_id, client_id) \
                 ON m.ticket_id = c.ticket_id AND m.client_id = c.client_id",
            )
            .bind(&with_ids)
            .bind(&client_ids)
            .fetch_all(&mut *tx)
            .await?;
            for row in &rows {
                known_clients.insert(
                    (row.int("ticket_id")?, row.text("client_id")?),
                    row.int("seq")?,
                );
            }
        }
        let mut known_external = KnownIds::new();
        for item in items {
            if let (Some(xid), Some(channel)) = (&item.external_id, channel_of(item.ticket.0)) {
                let row = sqlx::query(
                    "SELECT seq FROM external_messages WHERE channel = $1 AND external_id = $2",
                )
                .bind(channel.as_str())
                .bind(xid)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(row) = row {
                    known_external.insert((item.ticket.0, xid.clone()), row.int("seq")?);
                }
            }
        }
        let plan = plan_batch(items, &locked, &known_clients, &known_external, rules, at);
        let mut stored = Vec::with_capacity(plan.changed.len());
        for t in &plan.changed {
            stored.push(store_impl::update_ticket(&mut tx, t).await?);
        }
        if !plan.heads.is_empty() {
            let (head_ids, seqs): (Vec<i64>, Vec<i64>) = plan.heads.iter().copied().unzip();
            sqlx::query(
                "UPDATE tickets SET last_seq = u.seq \
                 FROM UNNEST($1::bigint[], $2::bigint[]) AS u(id, seq) WHERE tickets.id = u.id",
            )
            .bind(&head_ids)
            .bind(&seqs)
            .execute(&mut *tx)
            .await?;
        }
        let mut row_ids = Vec::with_capacity(plan.rows.len());
        if !plan.rows.is_empty() {
            let n = plan.rows.len();
            let mut ticket_ids = Vec::with_capacity(n);
            let mut seqs = Vec::with_capacity(n);
            let mut kinds = Vec::with_capacity(n);
            let mut authors = Vec::with_capacity(n);
            let mut visibilities = Vec::with_capacity(n);
            let mut bodies = Vec::with_capacity(n);
            let mut client_ids: Vec<Option<String>> = Vec::with_capacity(n);
            let mut metas: Vec<Option<String>> = Vec::with_capacity(n);
            for r in &plan.rows {
                let item = &items[r.item];
                ticket_ids.push(item.ticket.0);
                seqs.push(r.seq);
                kinds.push(item.author.kind());
                authors.push(item.author.id_text());
                visibilities.push(codec::visibility_code(item.visibility));
                bodies.push(item.body.as_str());
                client_ids.push(item.client_id.clone());
                metas.push(item.meta.clone());
            }
            let created = vec![codec::millis(at); n];
            let rows = sqlx::query(
                "INSERT INTO messages (ticket_id, seq, author_kind, author_id, visibility, body, \
                 client_id, meta, created_at) \
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], \
                 $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[]) \
                 RETURNING id, ticket_id, seq",
            )
            .bind(&ticket_ids)
            .bind(&seqs)
            .bind(&kinds)
            .bind(&authors)
            .bind(&visibilities)
            .bind(&bodies)
            .bind(&client_ids)
            .bind(&metas)
            .bind(&created)
            .fetch_all(&mut *tx)
            .await?;
            let mut by_seq = HashMap::with_capacity(rows.len());
            for row in &rows {
                by_seq.insert((row.int("ticket_id")?, row.int("seq")?), row.int("id")?);
            }
            for r in &plan.rows {
                let item = &items[r.item];
                let id = *by_seq.get(&(item.ticket.0, r.seq)).ok_or_else(|| {
                    StoreError::Corrupt("a batch row came back without its id".into())
                })?;
                store_impl::insert_attachments(&mut tx, id, &item.attachments).await?;
                store_impl::insert_events(&mut tx, item.ticket, &item.author, &r.events, at)
                    .await?;
                store_impl::insert_outbound(
                    &mut tx,
                    Some(item.ticket),
                    Some(r.seq),
                    &item.outbound,
                    at,
                )
                .await?;
                if let (Some(xid), Some(channel)) = (&item.external_id, channel_of(item.ticket.0)) {
                    store_impl::insert_external(&mut tx, channel, xid, item.ticket, r.seq, at)
                        .await?;
                }
                row_ids.push(id);
            }
        }
        let (outcomes, notices) = plan.finish(items, &stored, &locked, &row_ids, at);
        self.announce_in_tx(&mut tx, &notices).await?;
        tx.commit().await?;
        Ok(outcomes)
    }
}

crate::sql::impl_store!(PgStore, sqlx::Postgres, crate::Backend::Postgres);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_migrations_match_the_directory() {
        crate::sql::assert_embeds_directory(MIGRATIONS, "migrations/postgres");
    }
}
