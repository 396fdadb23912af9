//! Queries that take more than one statement or a built WHERE clause: the
//! ticket list, a ticket's messages with their attachments, leasing due
//! notifications. Expanded inside the module [`impl_store!`] generates, which
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
            if let Some(before) = filter.before {
                q.push(" AND id < ").push_bind(before.0);
            }
            q.push(" ORDER BY id DESC LIMIT ")
                .push_bind(page_size(filter.limit));
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
            include_internal: bool,
        ) -> Result<Vec<StoredMessage>> {
            let mut messages = sqlx::query(
                "SELECT id, ticket_id, author_kind, author_id, visibility, body, created_at \
                 FROM messages WHERE ticket_id = $1 AND (visibility = 'public' OR $2) \
                 ORDER BY id",
            )
            .bind(ticket.0)
            .bind(include_internal)
            .fetch_all(pool)
            .await?
            .iter()
            .map(codec::message)
            .collect::<Result<Vec<_>>>()?;
            // A message and its attachments commit together, so an attachment
            // read here belongs to a message read above or to one committed
            // since, which is skipped.
            let attachments = sqlx::query(
                "SELECT a.message_id, a.hash, a.file_name, a.content_type, a.size \
                 FROM message_attachments a JOIN messages m ON m.id = a.message_id \
                 WHERE m.ticket_id = $1 AND (m.visibility = 'public' OR $2) \
                 ORDER BY a.message_id, a.position",
            )
            .bind(ticket.0)
            .bind(include_internal)
            .fetch_all(pool)
            .await?;
            for row in &attachments {
                let message_id = row.int("message_id")?;
                if let Ok(i) = messages.binary_search_by_key(&message_id, |m| m.id) {
                    messages[i].attachments.push(codec::attachment(row)?);
                }
            }
            Ok(messages)
        }

        async fn select_chat_messages(
            pool: &Pool,
            ticket: TicketId,
            after_seq: i64,
            limit: u32,
            include_internal: bool,
        ) -> Result<Vec<ChatMessage>> {
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
            .map(codec::chat_message)
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
    };
}
pub(crate) use read_steps;
