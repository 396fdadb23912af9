//! SQLite's batched append: a fixed handful of statements per batch whatever
//! its size. sqlx hands every statement to the connection's worker thread
//! and back, so the cost of a batch is mostly its statement count: the
//! tickets are read with one `IN` query, known client ids with one join on
//! a `VALUES` list, the counters moved with one `CASE` update, the messages
//! inserted with one multi-row `INSERT … RETURNING`. Only what is rare goes
//! row by row (ticket changes, audit events, outbound, outside ids,
//! attachments). The single writer connection serialises batches, so the
//! rows read are as good as locked.

use std::collections::HashMap;

use jiff::Timestamp;
use sqlx::{QueryBuilder, Sqlite};
use switchboard_domain::ticket::DeadlineRules;

use super::{SqliteStore, store_impl};
use crate::codec::{self, Columns as _};
use crate::plan::{KnownIds, Locked, plan_batch};
use crate::sql::ticket_columns;
use crate::{AppendItem, AppendOutcome, Result, StoreError};

/// Most rows one statement carries (SQLite allows 32,766 bound values).
const ROWS_PER_STATEMENT: usize = 1_000;

impl SqliteStore {
    pub(super) async fn append_batch(
        &self,
        items: &[AppendItem],
        rules: &DeadlineRules,
        at: Timestamp,
    ) -> Result<Vec<AppendOutcome>> {
        let mut ids: Vec<i64> = items.iter().map(|i| i.ticket.0).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut tx = self.writer.begin().await?;
        let mut locked = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let mut q = QueryBuilder::<Sqlite>::new(concat!(
                "SELECT ",
                ticket_columns!(),
                ", last_seq FROM tickets WHERE id IN ("
            ));
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            q.push(")");
            for row in q.build().fetch_all(&mut *tx).await? {
                locked.push(Locked {
                    ticket: codec::ticket(&row)?,
                    last_seq: row.int("last_seq")?,
                });
            }
        }
        let client_ids = known_client_ids(&mut tx, items).await?;
        let mut external_ids = KnownIds::new();
        for item in items {
            let channel = locked
                .iter()
                .find(|l| l.ticket.id == item.ticket)
                .map(|l| l.ticket.channel);
            if let (Some(xid), Some(channel)) = (&item.external_id, channel) {
                let row = sqlx::query(
                    "SELECT seq FROM external_messages WHERE channel = $1 AND external_id = $2",
                )
                .bind(channel.as_str())
                .bind(xid)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(row) = row {
                    external_ids.insert((item.ticket.0, xid.clone()), row.int("seq")?);
                }
            }
        }
        let plan = plan_batch(items, &locked, &client_ids, &external_ids, rules, at);
        let mut stored = Vec::with_capacity(plan.changed.len());
        for t in &plan.changed {
            stored.push(store_impl::update_ticket(&mut tx, t).await?);
        }
        for chunk in plan.heads.chunks(ROWS_PER_STATEMENT) {
            let mut q = QueryBuilder::<Sqlite>::new("UPDATE tickets SET last_seq = CASE id");
            for (ticket, seq) in chunk {
                q.push(" WHEN ").push_bind(*ticket);
                q.push(" THEN ").push_bind(*seq);
            }
            q.push(" END WHERE id IN (");
            let mut list = q.separated(", ");
            for (ticket, _) in chunk {
                list.push_bind(*ticket);
            }
            q.push(")");
            q.build().execute(&mut *tx).await?;
        }
        let mut by_seq: HashMap<(i64, i64), i64> = HashMap::with_capacity(plan.rows.len());
        for chunk in plan.rows.chunks(ROWS_PER_STATEMENT) {
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT INTO messages (ticket_id, seq, author_kind, author_id, visibility, body, \
                 client_id, meta, created_at) ",
            );
            q.push_values(chunk, |mut b, r| {
                let item = &items[r.item];
                b.push_bind(item.ticket.0)
                    .push_bind(r.seq)
                    .push_bind(item.author.kind())
                    .push_bind(item.author.id_text())
                    .push_bind(codec::visibility_code(item.visibility))
                    .push_bind(item.body.as_str())
                    .push_bind(item.client_id.as_deref())
                    .push_bind(item.meta.as_deref())
                    .push_bind(codec::millis(at));
            });
            q.push(" RETURNING id, ticket_id, seq");
            for row in q.build().fetch_all(&mut *tx).await? {
                by_seq.insert((row.int("ticket_id")?, row.int("seq")?), row.int("id")?);
            }
        }
        let mut row_ids = Vec::with_capacity(plan.rows.len());
        for r in &plan.rows {
            let item = &items[r.item];
            let id = *by_seq.get(&(item.ticket.0, r.seq)).ok_or_else(|| {
                StoreError::Corrupt("a batch row came back without its id".into())
            })?;
            store_impl::insert_attachments(&mut tx, id, &item.attachments).await?;
            store_impl::insert_events(&mut tx, item.ticket, &item.author, &r.events, at).await?;
            store_impl::insert_outbound(
                &mut tx,
                Some(item.ticket),
                Some(r.seq),
                &item.outbound,
                at,
            )
            .await?;
            if let (Some(xid), Some(l)) = (
                &item.external_id,
                locked.iter().find(|l| l.ticket.id == item.ticket),
            ) {
                store_impl::insert_external(&mut tx, l.ticket.channel, xid, item.ticket, r.seq, at)
                    .await?;
            }
            row_ids.push(id);
        }
        let (outcomes, notices) = plan.finish(items, &stored, &locked, &row_ids, at);
        tx.commit().await?;
        self.announce_committed(notices);
        Ok(outcomes)
    }
}

/// The client ids of the batch already stored, with their `seq`: one join
/// of the messages' `(ticket_id, client_id)` index with a `VALUES` list.
async fn known_client_ids(
    conn: &mut sqlx::SqliteConnection,
    items: &[AppendItem],
) -> Result<KnownIds> {
    let wanted: Vec<(i64, &str)> = items
        .iter()
        .filter_map(|i| i.client_id.as_deref().map(|c| (i.ticket.0, c)))
        .collect();
    let mut known = KnownIds::new();
    for chunk in wanted.chunks(ROWS_PER_STATEMENT) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT m.ticket_id, m.client_id, m.seq FROM messages m JOIN (",
        );
        q.push_values(chunk, |mut b, (ticket, client)| {
            b.push_bind(*ticket).push_bind(*client);
        });
        q.push(") AS c ON m.ticket_id = c.column1 AND m.client_id = c.column2");
        for row in q.build().fetch_all(&mut *conn).await? {
            known.insert(
                (row.int("ticket_id")?, row.text("client_id")?),
                row.int("seq")?,
            );
        }
    }
    Ok(known)
}
