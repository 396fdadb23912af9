//! Queries that take more than one statement or a built WHERE clause: the
//! ticket list, a ticket's messages with their attachments, leasing due
//! outbound messages. Expanded inside the module [`impl_store!`] generates, which
//! defines `Db`, `Pool` and the imports.
//!
//! [`impl_store!`]: super::impl_store

macro_rules! read_steps {
    () => {
        async fn select_tickets(pool: &Pool, filter: &TicketFilter) -> Result<Vec<Ticket>> {
            let mut q = QueryBuilder::<Db>::new(concat!(
                "SELECT ",
                ticket_columns!(),
                " FROM tickets WHERE 1 = 1"
            ));
            if let Some(customer) = &filter.customer {
                q.push(" AND customer_id = ")
                    .push_bind(customer.as_str().to_owned());
            }
            if let Some(line) = &filter.line {
                q.push(" AND line = ").push_bind(line.clone());
            }
            if let Some(topic) = &filter.topic {
                q.push(" AND topic = ").push_bind(topic.clone());
            }
            if let Some(status) = filter.status {
                q.push(" AND status = ").push_bind(status.as_str());
            }
            if let Some(priority) = filter.priority {
                q.push(" AND priority = ").push_bind(priority.as_str());
            }
            match filter.assignee {
                None => {}
                Some(AssigneeFilter::Unassigned) => {
                    q.push(" AND assignee_id IS NULL");
                }
                Some(AssigneeFilter::Operator(op)) => {
                    q.push(" AND assignee_id = ").push_bind(op.0);
                }
            }
            match filter.sla {
                None => {}
                Some(SlaFilter::AtRisk { now }) => {
                    q.push(" AND at_risk_at <= ")
                        .push_bind(codec::millis(now))
                        .push(" AND due_at > ")
                        .push_bind(codec::millis(now));
                }
                Some(SlaFilter::Breached { now }) => {
                    q.push(" AND due_at <= ").push_bind(codec::millis(now));
                }
                Some(SlaFilter::Attention { now }) => {
                    q.push(" AND at_risk_at <= ").push_bind(codec::millis(now));
                }
            }
            if filter.sla.is_some() {
                q.push(" AND status NOT IN ('resolved', 'closed')");
            }
            if let Some(order) = &filter.order_number {
                q.push(" AND order_number = ").push_bind(order.clone());
            }
            if let Some(scope) = &filter.scope {
                // Every branch is ANDed with a constant false start, so an empty
                // scope sees nothing.
                q.push(" AND (1 = 0");
                for line in &scope.lines {
                    q.push(" OR line = ").push_bind(line.clone());
                }
                for (line, topic) in &scope.topics {
                    q.push(" OR (line = ")
                        .push_bind(line.clone())
                        .push(" AND topic = ")
                        .push_bind(topic.clone())
                        .push(")");
                }
                if let Some(op) = scope.assignee {
                    q.push(" OR (assignee_id = ").push_bind(op.0);
                    for line in &scope.secret_lines {
                        q.push(" AND line <> ").push_bind(line.clone());
                    }
                    q.push(")");
                }
                q.push(")");
            }
            if let Some(channel) = filter.channel {
                q.push(" AND channel = ").push_bind(channel.as_str());
            }
            if filter.waiting {
                q.push(" AND status IN ('new', 'queued')");
            }
            if filter.oldest_first {
                q.push(" ORDER BY id ASC LIMIT ");
            } else {
                if let Some(before) = filter.before {
                    q.push(" AND id < ").push_bind(before.0);
                }
                q.push(" ORDER BY id DESC LIMIT ");
            }
            q.push_bind(page_size(filter.limit));
            q.build()
                .fetch_all(pool)
                .await?
                .iter()
                .map(codec::ticket)
                .collect()
        }

        async fn select_messages(
            pool: &Pool,
            ticket: TicketId,
            after_seq: i64,
            limit: u32,
            include_internal: bool,
        ) -> Result<Vec<StoredMessage>> {
            let mut messages = sqlx::query(
                "SELECT id, ticket_id, seq, author_kind, author_id, visibility, body, client_id, \
                 meta, created_at FROM messages \
                 WHERE ticket_id = $1 AND seq > $2 AND (visibility = 'public' OR $3) \
                 ORDER BY seq LIMIT $4",
            )
            .bind(ticket.0)
            .bind(after_seq)
            .bind(include_internal)
            .bind(i64::from(limit.clamp(1, 1000)))
            .fetch_all(pool)
            .await?
            .iter()
            .map(codec::message)
            .collect::<Result<Vec<_>>>()?;
            let (Some(first), Some(last)) = (messages.first(), messages.last()) else {
                return Ok(messages);
            };
            let (lo, hi) = (first.seq, last.seq);
            let attachments = sqlx::query(
                "SELECT a.message_id, a.hash, a.file_name, a.content_type, a.size \
                 FROM message_attachments a JOIN messages m ON m.id = a.message_id \
                 WHERE m.ticket_id = $1 AND m.seq BETWEEN $2 AND $3 \
                 ORDER BY a.message_id, a.position",
            )
            .bind(ticket.0)
            .bind(lo)
            .bind(hi)
            .fetch_all(pool)
            .await?;
            if !attachments.is_empty() {
                let index: std::collections::HashMap<i64, usize> =
                    messages.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
                for row in &attachments {
                    if let Some(i) = index.get(&row.int("message_id")?) {
                        messages[*i].attachments.push(codec::attachment(row)?);
                    }
                }
            }
            Ok(messages)
        }

        /// Runs the backend's claim statement and returns the leased items, oldest first.
        async fn lease_due(
            pool: &Pool,
            claim_sql: &'static str,
            now: Timestamp,
            lease_until: Timestamp,
            limit: u32,
        ) -> Result<Vec<OutboxItem>> {
            let rows = sqlx::query(claim_sql)
                .bind(codec::millis(now))
                .bind(codec::millis(lease_until))
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?;
            let mut items = Vec::with_capacity(rows.len());
            for row in &rows {
                match codec::outbox_item(row) {
                    Ok(item) => items.push(item),
                    // One unreadable row must not stall the outbox: give it up so
                    // workers move on, and leave the reason for support to see.
                    Err(e) => {
                        let id = row.int("id")?;
                        tracing::error!(outbox_id = id, error = %e, "unreadable outbox row");
                        sqlx::query(
                            "UPDATE outbox SET status = 'failed', last_error = $2, \
                             lease_until = NULL WHERE id = $1",
                        )
                        .bind(id)
                        .bind(e.to_string())
                        .execute(pool)
                        .await?;
                    }
                }
            }
            // RETURNING promises no order.
            items.sort_by_key(|i| i.id);
            Ok(items)
        }

        /// A ticket read through `pool` (the writer, to read one's own writes).
        async fn ticket_row(pool: &Pool, id: TicketId) -> Result<Ticket> {
            let row = sqlx::query(concat!("SELECT ", ticket_columns!(), " FROM tickets WHERE id = $1"))
                .bind(id.0)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound)?;
            codec::ticket(&row)
        }

        /// Where one of these outside ids was stored on `channel`, the newest first.
        async fn external_ref(
            conn: &mut Conn,
            channel: Channel,
            ids: &[String],
        ) -> Result<Option<ExternalRef>> {
            let mut best: Option<(i64, ExternalRef)> = None;
            // A mail's References list is short; one indexed lookup per id.
            for id in ids.iter().take(MAX_REFERENCES) {
                let row = sqlx::query(
                    "SELECT ticket_id, seq, at FROM external_messages \
                     WHERE channel = $1 AND external_id = $2",
                )
                .bind(channel.as_str())
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
                if let Some(row) = row {
                    let at = row.int("at")?;
                    if best.as_ref().is_none_or(|(b, _)| at > *b) {
                        best = Some((
                            at,
                            ExternalRef {
                                ticket: TicketId(row.int("ticket_id")?),
                                seq: row.int("seq")?,
                            },
                        ));
                    }
                }
            }
            Ok(best.map(|(_, r)| r))
        }
    };
}
pub(crate) use read_steps;
