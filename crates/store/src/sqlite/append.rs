//! SQLite's batched append, run on the writer thread (see `writer`): one
//! transaction per batch, every statement prepared once and cached, row by
//! row — in-process SQLite makes a statement a function call, so batching
//! statements would buy nothing here. The store holds its single sqlx write
//! connection meanwhile, so the rows read are as good as locked.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use switchboard_domain::ticket::{DeadlineRules, Ticket};

use super::SqliteStore;
use crate::codec::{self, Columns};
use crate::feed::Notice;
use crate::plan::{KnownIds, Locked, plan_batch};
use crate::sql::ticket_columns;
use crate::{AppendItem, AppendOutcome, Result, StoreError};

impl SqliteStore {
    pub(super) async fn append_batch(
        &self,
        items: &[AppendItem],
        rules: &DeadlineRules,
        at: Timestamp,
    ) -> Result<Vec<AppendOutcome>> {
        // Holding the sqlx write connection keeps every other writer out.
        let _turn = self.writer.acquire().await?;
        let (items, rules) = (items.to_vec(), rules.clone());
        let (outcomes, notices) = self
            .thread
            .run(move |conn| append_on(conn, &items, &rules, at))
            .await?;
        self.announce_committed(notices);
        Ok(outcomes)
    }
}

/// Reads a rusqlite row through the same decoders as sqlx rows.
struct Cells<'a, 'r>(&'a Row<'r>);

impl Columns for Cells<'_, '_> {
    fn int(&self, col: &str) -> Result<i64> {
        self.0.get(col).map_err(|e| cell_error(col, e))
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>> {
        self.0.get(col).map_err(|e| cell_error(col, e))
    }
    fn text(&self, col: &str) -> Result<String> {
        self.0.get(col).map_err(|e| cell_error(col, e))
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>> {
        self.0.get(col).map_err(|e| cell_error(col, e))
    }
    fn flag(&self, col: &str) -> Result<bool> {
        self.0.get(col).map_err(|e| cell_error(col, e))
    }
}

fn cell_error(col: &str, e: rusqlite::Error) -> StoreError {
    StoreError::Corrupt(format!("column {col}: {e}"))
}

const SELECT_TICKET: &str = concat!(
    "SELECT ",
    ticket_columns!(),
    ", last_seq FROM tickets WHERE id = ?1"
);

const UPDATE_TICKET: &str = concat!(
    "UPDATE tickets SET kind = ?3, line = ?4, topic = ?5, problem_kind = ?6, \
     problem_text = ?7, order_number = ?8, subject = ?9, status = ?10, \
     priority = ?11, reply_channel = ?12, assignee_id = ?13, due_at = ?14, \
     first_response_at = COALESCE(first_response_at, ?15), resolved_at = ?16, \
     updated_at = ?17, at_risk_at = ?18, priority_rule = ?19, sla = ?20, \
     version = version + 1 WHERE id = ?1 AND version = ?2 RETURNING ",
    ticket_columns!()
);

/// The whole batch in one transaction; what to announce once it committed.
fn append_on(
    conn: &mut Connection,
    items: &[AppendItem],
    rules: &DeadlineRules,
    at: Timestamp,
) -> Result<(Vec<AppendOutcome>, Vec<Notice>)> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut ids: Vec<i64> = items.iter().map(|i| i.ticket.0).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut locked = Vec::with_capacity(ids.len());
    {
        let mut select = tx.prepare_cached(SELECT_TICKET)?;
        for id in ids {
            let found = select
                .query_row([id], |row| {
                    Ok(codec::ticket(&Cells(row)).and_then(|ticket| {
                        Ok(Locked {
                            ticket,
                            last_seq: Cells(row).int("last_seq")?,
                        })
                    }))
                })
                .optional()?;
            if let Some(l) = found {
                locked.push(l?);
            }
        }
    }
    let channel_of = |ticket: i64| {
        locked
            .iter()
            .find(|l| l.ticket.id.0 == ticket)
            .map(|l| l.ticket.channel)
    };
    let mut client_ids = KnownIds::new();
    let mut external_ids = KnownIds::new();
    {
        let mut by_client =
            tx.prepare_cached("SELECT seq FROM messages WHERE ticket_id = ?1 AND client_id = ?2")?;
        let mut by_external = tx.prepare_cached(
            "SELECT seq FROM external_messages WHERE channel = ?1 AND external_id = ?2",
        )?;
        for item in items {
            let ticket = item.ticket.0;
            if let Some(cid) = &item.client_id {
                let seq: Option<i64> = by_client
                    .query_row(params![ticket, cid], |r| r.get(0))
                    .optional()?;
                if let Some(seq) = seq {
                    client_ids.insert((ticket, cid.clone()), seq);
                }
            }
            if let (Some(xid), Some(channel)) = (&item.external_id, channel_of(ticket)) {
                let seq: Option<i64> = by_external
                    .query_row(params![channel.as_str(), xid], |r| r.get(0))
                    .optional()?;
                if let Some(seq) = seq {
                    external_ids.insert((ticket, xid.clone()), seq);
                }
            }
        }
    }
    let plan = plan_batch(items, &locked, &client_ids, &external_ids, rules, at);
    let mut stored = Vec::with_capacity(plan.changed.len());
    for t in &plan.changed {
        stored.push(update_ticket(&tx, t)?);
    }
    {
        let mut head = tx.prepare_cached("UPDATE tickets SET last_seq = ?2 WHERE id = ?1")?;
        for (ticket, seq) in &plan.heads {
            head.execute([ticket, seq])?;
        }
    }
    let mut row_ids = Vec::with_capacity(plan.rows.len());
    let millis = codec::millis(at);
    for r in &plan.rows {
        let item = &items[r.item];
        let id: i64 = tx
            .prepare_cached(
                "INSERT INTO messages (ticket_id, seq, author_kind, author_id, visibility, body, \
                 client_id, meta, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                 RETURNING id",
            )?
            .query_row(
                params![
                    item.ticket.0,
                    r.seq,
                    item.author.kind(),
                    item.author.id_text(),
                    codec::visibility_code(item.visibility),
                    item.body,
                    item.client_id,
                    item.meta,
                    millis,
                ],
                |row| row.get(0),
            )?;
        for (position, a) in item.attachments.iter().enumerate() {
            tx.prepare_cached(
                "INSERT INTO message_attachments \
                 (message_id, position, hash, file_name, content_type, size) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                codec::to_bigint(position, "attachment position")?,
                a.hash.as_str(),
                a.file_name,
                a.content_type,
                codec::to_bigint(a.size, "attachment size")?,
            ])?;
        }
        for event in &r.events {
            tx.prepare_cached(
                "INSERT INTO ticket_events (ticket_id, actor_kind, actor_id, kind, payload, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                item.ticket.0,
                item.author.kind(),
                item.author.id_text(),
                event.code(),
                codec::to_json(event)?,
                millis,
            ])?;
        }
        for o in &item.outbound {
            tx.prepare_cached(
                "INSERT INTO outbox \
                 (ticket_id, channel, recipient, subject, body, status, attempts, \
                  next_attempt_at, created_at, sensitive, kind, endpoint, thread, \
                  attachments, message_seq, buttons) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 0, ?6, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                item.ticket.0,
                o.route.medium.as_str(),
                o.route.recipient,
                o.subject,
                o.text,
                millis,
                o.sensitive,
                o.kind.as_str(),
                o.route.endpoint,
                o.route.thread,
                codec::to_json(&o.attachments)?,
                r.seq,
                codec::to_json(&o.buttons)?,
            ])?;
        }
        if let (Some(xid), Some(channel)) = (&item.external_id, channel_of(item.ticket.0)) {
            tx.prepare_cached(
                "INSERT INTO external_messages (channel, external_id, ticket_id, seq, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (channel, external_id) DO NOTHING",
            )?
            .execute(params![channel.as_str(), xid, item.ticket.0, r.seq, millis])?;
        }
        row_ids.push(id);
    }
    let (outcomes, notices) = plan.finish(items, &stored, &locked, &row_ids, at);
    tx.commit()?;
    Ok((outcomes, notices))
}

/// Stores `t` computed from version `t.version`, bumping it (the same
/// statement as `save_change`'s, numbered for SQLite).
fn update_ticket(tx: &rusqlite::Transaction<'_>, t: &Ticket) -> Result<Ticket> {
    let (problem_kind, problem_text) = codec::problem_columns(&t.problem);
    let mut update = tx.prepare_cached(UPDATE_TICKET)?;
    let row = update
        .query_row(
            params![
                t.id.0,
                t.version,
                t.kind.as_str(),
                t.line,
                t.topic,
                problem_kind,
                problem_text,
                t.order_number.as_ref().map(|n| n.as_str()),
                t.subject,
                t.status.as_str(),
                t.priority.as_str(),
                t.reply_channel.as_str(),
                t.assignee.map(|a| a.0),
                codec::opt_millis(t.due_at),
                codec::opt_millis(t.first_response_at),
                codec::opt_millis(t.resolved_at),
                codec::millis(t.updated_at),
                codec::opt_millis(t.at_risk_at),
                t.priority_rule,
                codec::sla_json(&t.sla)?,
            ],
            |row| Ok(codec::ticket(&Cells(row))),
        )
        .optional()?;
    match row {
        Some(ticket) => ticket,
        // The batch read the ticket in this transaction under the single writer.
        None => Err(StoreError::Conflict(
            "the ticket was changed by someone else; reload it".into(),
        )),
    }
}
