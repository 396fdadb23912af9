//! `impl Store` for one backend; see the parent module for why this is a macro.

/// Expands to a private module holding `impl Store for $store`.
/// `$store` must provide `reader()`, `writer()` and `CLAIM_DUE` (see `shared`).
/// Paths in `$db` and `$backend` resolve inside the generated module: pass them absolute.
macro_rules! impl_store {
    ($store:ident, $db:ty, $backend:expr) => {
        mod store_impl {
            use async_trait::async_trait;
            use jiff::{SignedDuration, Timestamp};
            use sqlx::QueryBuilder;
            use switchboard_domain::customer::{Customer, Order};
            use switchboard_domain::ids::{ContentHash, CustomerId, Login, OperatorId, TicketId};
            use switchboard_domain::intake::NewTicket;
            use switchboard_domain::notification::Notification;
            use switchboard_domain::ticket::{Actor, Ticket, TicketEvent};

            use super::$store;
            use $crate::codec::{self, Columns as _};
            use $crate::shared::{
                conflict_if_unique, operator_columns, outbox_columns, page_size, ticket_columns,
            };
            use $crate::{
                AssigneeFilter, AttachmentMeta, Backend, NewMessage, NewOperator, NotifyNew,
                Operator, OutboxItem, OutboxRecord, Result, Store, StoreError, StoredEvent,
                StoredMessage, TicketChange, TicketFilter,
            };

            type Db = $db;
            type Conn = <Db as sqlx::Database>::Connection;
            type Pool = sqlx::Pool<Db>;

            $crate::shared::read_steps!();
            $crate::shared::write_steps!();

            #[async_trait]
            impl Store for $store {
                fn backend(&self) -> Backend {
                    $backend
                }

                #[tracing::instrument(skip_all)]
                async fn ping(&self) -> Result<()> {
                    sqlx::query("SELECT 1").execute(self.reader()).await?;
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(customer_id = %customer.id))]
                async fn upsert_customer(&self, customer: &Customer) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO customers (id, kind, name, email, phone, locale, flags, bookings) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, \
                         email = excluded.email, phone = excluded.phone, locale = excluded.locale, \
                         flags = excluded.flags, bookings = excluded.bookings",
                    )
                    .bind(customer.id.as_str())
                    .bind(customer.kind.as_str())
                    .bind(&customer.name)
                    .bind(customer.email.as_ref().map(|e| e.as_str()))
                    .bind(customer.phone.as_ref().map(|p| p.as_str()))
                    .bind(customer.locale.as_str())
                    .bind(codec::to_json(&customer.flags)?)
                    .bind(codec::to_json(&customer.bookings)?)
                    .execute(self.writer())
                    .await?;
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(customer_id = %id))]
                async fn customer(&self, id: &CustomerId) -> Result<Customer> {
                    let row = sqlx::query(
                        "SELECT id, kind, name, email, phone, locale, flags, bookings \
                         FROM customers WHERE id = $1",
                    )
                    .bind(id.as_str())
                    .fetch_optional(self.reader())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                    codec::customer(&row)
                }

                #[tracing::instrument(skip_all, fields(order = %order.number))]
                async fn upsert_order(&self, order: &Order) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO orders \
                         (number, customer_id, title, status, amount_minor, currency, placed_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (number) DO UPDATE SET customer_id = excluded.customer_id, \
                         title = excluded.title, status = excluded.status, \
                         amount_minor = excluded.amount_minor, currency = excluded.currency, \
                         placed_at = excluded.placed_at",
                    )
                    .bind(order.number.as_str())
                    .bind(order.customer_id.as_str())
                    .bind(&order.title)
                    .bind(&order.status)
                    .bind(order.amount_minor)
                    .bind(&order.currency)
                    .bind(codec::millis(order.placed_at))
                    .execute(self.writer())
                    .await?;
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(customer_id = %id))]
                async fn customer_orders(&self, id: &CustomerId) -> Result<Vec<Order>> {
                    sqlx::query(
                        "SELECT number, customer_id, title, status, amount_minor, currency, placed_at \
                         FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC, number DESC",
                    )
                    .bind(id.as_str())
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::order)
                    .collect()
                }

                #[tracing::instrument(skip_all, fields(login = %operator.login))]
                async fn create_operator(&self, operator: &NewOperator) -> Result<Operator> {
                    let row = sqlx::query(concat!(
                        "INSERT INTO operators (login, name, role, skills, capacity, password_hash) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ",
                        operator_columns!()
                    ))
                    .bind(operator.login.as_str())
                    .bind(&operator.name)
                    .bind(operator.role.as_str())
                    .bind(codec::to_json(&operator.skills)?)
                    .bind(i64::from(operator.capacity))
                    .bind(&operator.password_hash)
                    .fetch_one(self.writer())
                    .await
                    .map_err(|e| conflict_if_unique(e, "this login is already taken"))?;
                    codec::operator(&row)
                }

                #[tracing::instrument(skip_all, fields(operator_id = id.0))]
                async fn operator(&self, id: OperatorId) -> Result<Operator> {
                    let row = sqlx::query(concat!(
                        "SELECT ", operator_columns!(), " FROM operators WHERE id = $1"
                    ))
                    .bind(id.0)
                    .fetch_optional(self.reader())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                    codec::operator(&row)
                }

                #[tracing::instrument(skip_all)]
                async fn operators(&self) -> Result<Vec<Operator>> {
                    sqlx::query(concat!("SELECT ", operator_columns!(), " FROM operators ORDER BY id"))
                        .fetch_all(self.reader())
                        .await?
                        .iter()
                        .map(codec::operator)
                        .collect()
                }

                #[tracing::instrument(skip_all, fields(login = %login))]
                async fn operator_credentials(&self, login: &Login) -> Result<(Operator, String)> {
                    let row = sqlx::query(concat!(
                        "SELECT ", operator_columns!(), ", password_hash FROM operators WHERE login = $1"
                    ))
                    .bind(login.as_str())
                    .fetch_optional(self.reader())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                    Ok((codec::operator(&row)?, row.text("password_hash")?))
                }

                #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
                async fn create_session(
                    &self,
                    token_hash: &str,
                    operator: OperatorId,
                    expires_at: Timestamp,
                ) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO sessions (token_hash, operator_id, expires_at) VALUES ($1, $2, $3)",
                    )
                    .bind(token_hash)
                    .bind(operator.0)
                    .bind(codec::millis(expires_at))
                    .execute(self.writer())
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                            StoreError::NotFound
                        }
                        _ => conflict_if_unique(e, "this session token is already in use"),
                    })?;
                    Ok(())
                }

                #[tracing::instrument(skip_all)]
                async fn session_operator(&self, token_hash: &str, now: Timestamp) -> Result<Operator> {
                    let row = sqlx::query(
                        "SELECT o.id, o.login, o.name, o.role, o.skills, o.capacity, o.active \
                         FROM sessions s JOIN operators o ON o.id = s.operator_id \
                         WHERE s.token_hash = $1 AND s.expires_at > $2 AND o.active",
                    )
                    .bind(token_hash)
                    .bind(codec::millis(now))
                    .fetch_optional(self.reader())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                    codec::operator(&row)
                }

                #[tracing::instrument(skip_all)]
                async fn delete_session(&self, token_hash: &str) -> Result<()> {
                    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .execute(self.writer())
                        .await?;
                    Ok(())
                }

                #[tracing::instrument(
                    skip_all,
                    fields(ticket_id = tracing::field::Empty, customer_id = %ticket.customer_id)
                )]
                async fn create_ticket(
                    &self,
                    ticket: &NewTicket,
                    actor: &Actor,
                    first_message: &NewMessage,
                    notify: NotifyNew,
                ) -> Result<Ticket> {
                    let (problem_kind, problem_text) = codec::problem_columns(&ticket.problem);
                    let mut tx = self.writer().begin().await?;
                    let row = sqlx::query(concat!(
                        "INSERT INTO tickets (customer_id, kind, channel, line, topic, problem_kind, \
                         problem_text, order_number, subject, status, priority, reply_channel, due_at, \
                         created_at, updated_at, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1) \
                         RETURNING ",
                        ticket_columns!()
                    ))
                    .bind(ticket.customer_id.as_str())
                    .bind(ticket.kind.as_str())
                    .bind(ticket.channel.as_str())
                    .bind(&ticket.line)
                    .bind(&ticket.topic)
                    .bind(problem_kind)
                    .bind(problem_text)
                    .bind(ticket.order_number.as_ref().map(|n| n.as_str()))
                    .bind(&ticket.subject)
                    .bind(ticket.status.as_str())
                    .bind(ticket.priority.as_str())
                    .bind(ticket.reply_channel.as_str())
                    .bind(codec::opt_millis(ticket.due_at))
                    .bind(codec::millis(ticket.created_at))
                    .fetch_one(&mut *tx)
                    .await?;
                    // Built from the stored row, so timestamps carry the stored precision.
                    let stored = codec::ticket(&row)?;
                    tracing::Span::current().record("ticket_id", stored.id.0);
                    let at = stored.created_at;
                    insert_message(&mut tx, stored.id, first_message, at).await?;
                    let created = TicketEvent::Created {
                        status: stored.status,
                        priority: stored.priority,
                        due_at: stored.due_at,
                    };
                    insert_events(&mut tx, stored.id, actor, &[created], at).await?;
                    insert_notifications(&mut tx, Some(stored.id), &notify(&stored), at).await?;
                    tx.commit().await?;
                    Ok(stored)
                }

                #[tracing::instrument(skip_all, fields(ticket_id = id.0))]
                async fn ticket(&self, id: TicketId) -> Result<Ticket> {
                    let row = sqlx::query(concat!(
                        "SELECT ", ticket_columns!(), " FROM tickets WHERE id = $1"
                    ))
                    .bind(id.0)
                    .fetch_optional(self.reader())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                    codec::ticket(&row)
                }

                #[tracing::instrument(skip_all)]
                async fn list_tickets(&self, filter: &TicketFilter) -> Result<Vec<Ticket>> {
                    select_tickets(self.reader(), filter).await
                }

                #[tracing::instrument(skip_all, fields(ticket_id = ticket.0, include_internal))]
                async fn messages(
                    &self,
                    ticket: TicketId,
                    include_internal: bool,
                ) -> Result<Vec<StoredMessage>> {
                    select_messages(self.reader(), ticket, include_internal).await
                }

                #[tracing::instrument(skip_all, fields(ticket_id = ticket.0))]
                async fn events(&self, ticket: TicketId) -> Result<Vec<StoredEvent>> {
                    sqlx::query(
                        "SELECT id, ticket_id, actor_kind, actor_id, payload, at \
                         FROM ticket_events WHERE ticket_id = $1 ORDER BY id",
                    )
                    .bind(ticket.0)
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::event)
                    .collect()
                }

                #[tracing::instrument(
                    skip_all,
                    fields(ticket_id = change.ticket.id.0, version = change.ticket.version)
                )]
                async fn save_change(&self, change: &TicketChange) -> Result<Ticket> {
                    let t = &change.ticket;
                    let (problem_kind, problem_text) = codec::problem_columns(&t.problem);
                    let mut tx = self.writer().begin().await?;
                    // Id, customer, channel and creation time never change.
                    let row = sqlx::query(concat!(
                        "UPDATE tickets SET kind = $3, line = $4, topic = $5, problem_kind = $6, \
                         problem_text = $7, order_number = $8, subject = $9, status = $10, \
                         priority = $11, reply_channel = $12, assignee_id = $13, due_at = $14, \
                         first_response_at = $15, resolved_at = $16, updated_at = $17, \
                         version = version + 1 \
                         WHERE id = $1 AND version = $2 RETURNING ",
                        ticket_columns!()
                    ))
                    .bind(t.id.0)
                    .bind(t.version)
                    .bind(t.kind.as_str())
                    .bind(&t.line)
                    .bind(&t.topic)
                    .bind(problem_kind)
                    .bind(problem_text)
                    .bind(t.order_number.as_ref().map(|n| n.as_str()))
                    .bind(&t.subject)
                    .bind(t.status.as_str())
                    .bind(t.priority.as_str())
                    .bind(t.reply_channel.as_str())
                    .bind(t.assignee.map(|a| a.0))
                    .bind(codec::opt_millis(t.due_at))
                    .bind(codec::opt_millis(t.first_response_at))
                    .bind(codec::opt_millis(t.resolved_at))
                    .bind(codec::millis(t.updated_at))
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(row) = row else {
                        let exists = ticket_exists(&mut tx, t.id).await?;
                        tx.rollback().await?;
                        return Err(if exists {
                            StoreError::Conflict("the ticket was changed by someone else; reload it".into())
                        } else {
                            StoreError::NotFound
                        });
                    };
                    let stored = codec::ticket(&row)?;
                    let at = stored.updated_at;
                    if let Some(message) = &change.message {
                        insert_message(&mut tx, stored.id, message, at).await?;
                    }
                    insert_events(&mut tx, stored.id, &change.actor, &change.events, at).await?;
                    insert_notifications(&mut tx, Some(stored.id), &change.notifications, at).await?;
                    tx.commit().await?;
                    Ok(stored)
                }

                #[tracing::instrument(skip_all, fields(ticket_id = ticket.0, hash = %hash))]
                async fn ticket_attachment(
                    &self,
                    ticket: TicketId,
                    hash: &ContentHash,
                    include_internal: bool,
                ) -> Result<AttachmentMeta> {
                    let row = sqlx::query(
                        "SELECT a.message_id, a.hash, a.file_name, a.content_type, a.size \
                         FROM message_attachments a JOIN messages m ON m.id = a.message_id \
                         WHERE m.ticket_id = $1 AND a.hash = $2 AND (m.visibility = 'public' OR $3) \
                         ORDER BY a.message_id, a.position LIMIT 1",
                    )
                    .bind(ticket.0)
                    .bind(hash.as_str())
                    .bind(include_internal)
                    .fetch_optional(self.reader())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                    codec::attachment(&row)
                }

                #[tracing::instrument(skip_all, fields(limit, claimed = tracing::field::Empty))]
                async fn claim_notifications(
                    &self,
                    now: Timestamp,
                    lease: SignedDuration,
                    limit: u32,
                ) -> Result<Vec<OutboxItem>> {
                    if limit == 0 {
                        return Ok(Vec::new());
                    }
                    let lease_until = now
                        .checked_add(lease)
                        .map_err(|e| StoreError::Config(format!("lease out of range: {e}")))?;
                    let items =
                        lease_due(self.writer(), <$store>::CLAIM_DUE, now, lease_until, limit).await?;
                    tracing::Span::current().record("claimed", items.len());
                    Ok(items)
                }

                #[tracing::instrument(skip_all, fields(outbox_id = id))]
                async fn notification_delivered(&self, id: i64, now: Timestamp) -> Result<()> {
                    // Unconditional: a send that succeeded after its lease ran out
                    // still reached the customer, whatever happened to the row since.
                    let done = sqlx::query(
                        "UPDATE outbox SET status = 'delivered', delivered_at = $2, lease_until = NULL \
                         WHERE id = $1",
                    )
                    .bind(id)
                    .bind(codec::millis(now))
                    .execute(self.writer())
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(outbox_id = id, give_up = retry_at.is_none()))]
                async fn notification_failed(
                    &self,
                    id: i64,
                    error: &str,
                    retry_at: Option<Timestamp>,
                ) -> Result<()> {
                    // Only pending rows: a late failure report must not undo a delivery.
                    let done = match retry_at {
                        Some(at) => sqlx::query(
                            "UPDATE outbox SET attempts = attempts + 1, last_error = $2, \
                             next_attempt_at = $3, lease_until = NULL \
                             WHERE id = $1 AND status = 'pending'",
                        )
                        .bind(id)
                        .bind(error)
                        .bind(codec::millis(at)),
                        None => sqlx::query(
                            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, \
                             last_error = $2, lease_until = NULL \
                             WHERE id = $1 AND status = 'pending'",
                        )
                        .bind(id)
                        .bind(error),
                    }
                    .execute(self.writer())
                    .await?;
                    if done.rows_affected() == 0 && !outbox_row_exists(self.reader(), id).await? {
                        return Err(StoreError::NotFound);
                    }
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(ticket_id = ticket.0))]
                async fn ticket_notifications(&self, ticket: TicketId) -> Result<Vec<OutboxRecord>> {
                    sqlx::query(concat!(
                        "SELECT ", outbox_columns!(), " FROM outbox WHERE ticket_id = $1 ORDER BY id"
                    ))
                    .bind(ticket.0)
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::outbox_record)
                    .collect()
                }

                #[tracing::instrument(skip_all)]
                async fn pending_notifications(&self) -> Result<u64> {
                    let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'")
                        .fetch_one(self.reader())
                        .await?;
                    let n = row.int("n")?;
                    u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("outbox count {n}")))
                }
            }
        }
    };
}
pub(crate) use impl_store;
