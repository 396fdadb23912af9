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
            use switchboard_domain::chat::StepUp;
            use switchboard_domain::ticket::{Actor, Ticket, TicketEvent};
            use tokio::sync::mpsc;

            use super::$store;
            use $crate::codec::{self, Columns as _};
            use $crate::shared::{
                conflict_if_unique, operator_columns, page_size, ticket_columns,
            };
            use $crate::chat::message_notice;
            use $crate::{
                AppendOutcome, AssigneeFilter, AttachmentMeta, Backend, ChatAppend, ChatMessage,
                ChatScope, Conversation, FeedEvent, NewMessage, NewOperator, Notice, NotifyNew,
                Operator, OperatorLoad, OutboxItem, OutboxRecord, PresenceStatus, Result, SlaFilter,
                StaffAlert, Store, StoreError, StoredEvent, StoredMessage, TicketChange,
                TicketFilter, Visibility,
            };
            use switchboard_domain::ids::EmailAddress;

            type Db = $db;
            type Conn = <Db as sqlx::Database>::Connection;
            type Pool = sqlx::Pool<Db>;

            $crate::shared::read_steps!();
            $crate::shared::write_steps!();
            $crate::shared::kb_steps!();
            use $crate::shared::{kb_article_columns, kb_section_columns};
            use $crate::{
                Feedback, KbAction, KbArticle, KbArticleStats, KbEvent, KbSection, KbSnapshot,
                KbSuggestion, TicketMerge,
            };
            use switchboard_domain::ticket::Status;

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
                        "SELECT o.id, o.login, o.name, o.role, o.skills, o.capacity, o.active, \
                         o.email, o.calendar \
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
                    let mut tx = self.writer().begin().await?;
                    let stored = insert_ticket(&mut tx, ticket, None)
                        .await?
                        .ok_or_else(|| StoreError::Conflict("duplicate ticket".into()))?;
                    tracing::Span::current().record("ticket_id", stored.id.0);
                    let at = stored.created_at;
                    let m = insert_message(&mut tx, stored.id, first_message, None, at).await?;
                    let created = TicketEvent::Created {
                        status: stored.status,
                        priority: stored.priority,
                        due_at: stored.due_at,
                        priority_rule: stored.priority_rule.clone(),
                        sla_policy: stored.sla.as_ref().map(|s| s.policy.clone()),
                    };
                    insert_events(&mut tx, stored.id, actor, &[created], at).await?;
                    insert_notifications(&mut tx, Some(stored.id), &notify(&stored), at).await?;
                    let notices = vec![
                        Notice::Ticket { ticket: Box::new(stored.clone()) },
                        message_notice(stored.customer_id.clone(), stored.assignee, stored.channel, &m),
                    ];
                    self.announce_in_tx(&mut tx, &notices).await?;
                    tx.commit().await?;
                    self.announce_committed(notices);
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
                    let mut tx = self.writer().begin().await?;
                    let (stored, notices) = write_change(&mut tx, change).await?;
                    self.announce_in_tx(&mut tx, &notices).await?;
                    tx.commit().await?;
                    self.announce_committed(notices);
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
                        "UPDATE outbox SET status = 'delivered', delivered_at = $2, lease_until = NULL, \
                         body = CASE WHEN sensitive THEN '' ELSE body END \
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
                             last_error = $2, lease_until = NULL, \
                             body = CASE WHEN sensitive THEN '' ELSE body END \
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
                    sqlx::query(
                        "SELECT id, ticket_id, channel, recipient, subject, \
                         CASE WHEN sensitive THEN '' ELSE body END AS body, status, attempts, \
                         last_error, created_at, delivered_at \
                         FROM outbox WHERE ticket_id = $1 ORDER BY id",
                    )
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

                #[tracing::instrument(skip_all, fields(customer_id = %ticket.customer_id))]
                async fn open_chat(
                    &self,
                    ticket: &NewTicket,
                    client_id: &str,
                ) -> Result<(Ticket, ChatMessage, bool)> {
                    let mut tx = self.writer().begin().await?;
                    let Some(stored) = insert_ticket(&mut tx, ticket, Some(client_id)).await? else {
                        drop(tx);
                        let row = sqlx::query(concat!(
                            "SELECT ", ticket_columns!(),
                            " FROM tickets WHERE customer_id = $1 AND client_ref = $2"
                        ))
                        .bind(ticket.customer_id.as_str())
                        .bind(client_id)
                        .fetch_one(self.writer())
                        .await?;
                        let t = codec::ticket(&row)?;
                        let first = select_chat_messages(self.writer(), t.id, 0, 1, false)
                            .await?
                            .into_iter()
                            .next()
                            .ok_or_else(|| StoreError::Corrupt(format!("chat #{} has no first message", t.id.0)))?;
                        return Ok((t, first, false));
                    };
                    let at = stored.created_at;
                    let first = NewMessage {
                        author: Actor::Customer(stored.customer_id.clone()),
                        visibility: Visibility::Public,
                        body: ticket.description.clone(),
                        attachments: Vec::new(),
                    };
                    let m = insert_message(&mut tx, stored.id, &first, Some(client_id), at).await?;
                    let created = TicketEvent::Created {
                        status: stored.status,
                        priority: stored.priority,
                        due_at: stored.due_at,
                        priority_rule: stored.priority_rule.clone(),
                        sla_policy: stored.sla.as_ref().map(|s| s.policy.clone()),
                    };
                    insert_events(&mut tx, stored.id, &first.author, &[created], at).await?;
                    let notices = vec![
                        Notice::Ticket { ticket: Box::new(stored.clone()) },
                        message_notice(stored.customer_id.clone(), stored.assignee, stored.channel, &m),
                    ];
                    self.announce_in_tx(&mut tx, &notices).await?;
                    tx.commit().await?;
                    self.announce_committed(notices);
                    Ok((stored, m, true))
                }

                #[tracing::instrument(skip_all, fields(items = items.len()))]
                async fn append_chat_messages(
                    &self,
                    items: &[ChatAppend],
                    at: Timestamp,
                ) -> Result<Vec<AppendOutcome>> {
                    if items.is_empty() {
                        return Ok(Vec::new());
                    }
                    let at = Timestamp::from_millisecond(at.as_millisecond()).unwrap_or(at);
                    self.append_batch(items, at).await
                }

                #[tracing::instrument(skip_all, fields(ticket_id = ticket.0, after_seq))]
                async fn chat_messages(
                    &self,
                    ticket: TicketId,
                    after_seq: i64,
                    limit: u32,
                    include_internal: bool,
                ) -> Result<Vec<ChatMessage>> {
                    select_chat_messages(self.reader(), ticket, after_seq, limit, include_internal).await
                }

                #[tracing::instrument(skip_all, fields(ticket_id = ticket.0))]
                async fn conversation(&self, ticket: TicketId) -> Result<Conversation> {
                    let row = sqlx::query(concat!(
                        "SELECT ", ticket_columns!(), ", last_seq FROM tickets WHERE id = $1"
                    ))
                    .bind(ticket.0)
                    .fetch_optional(self.reader())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                    codec::conversation(&row)
                }

                #[tracing::instrument(skip_all)]
                async fn conversations(&self, scope: &ChatScope, limit: u32) -> Result<Vec<Conversation>> {
                    let limit = page_size(limit);
                    let rows = match scope {
                        ChatScope::Customer(c) => sqlx::query(concat!(
                            "SELECT ", ticket_columns!(), ", last_seq FROM tickets \
                             WHERE customer_id = $1 AND channel = 'chat' AND status <> 'closed' \
                             ORDER BY id DESC LIMIT $2"
                        ))
                        .bind(c.as_str().to_owned())
                        .bind(limit)
                        .fetch_all(self.reader())
                        .await?,
                        ChatScope::Assignee(op) => sqlx::query(concat!(
                            "SELECT ", ticket_columns!(), ", last_seq FROM tickets \
                             WHERE assignee_id = $1 AND channel = 'chat' \
                             AND status IN ('assigned', 'waiting_for_customer') \
                             ORDER BY id LIMIT $2"
                        ))
                        .bind(op.0)
                        .bind(limit)
                        .fetch_all(self.reader())
                        .await?,
                        ChatScope::Queued => sqlx::query(concat!(
                            "SELECT ", ticket_columns!(), ", last_seq FROM tickets \
                             WHERE channel = 'chat' AND status = 'queued' \
                             ORDER BY CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 \
                             WHEN 'normal' THEN 2 ELSE 3 END, id LIMIT $1"
                        ))
                        .bind(limit)
                        .fetch_all(self.reader())
                        .await?,
                    };
                    rows.iter().map(codec::conversation).collect()
                }

                #[tracing::instrument(skip_all, fields(operator_id = operator.0, status = status.as_str()))]
                async fn set_presence(
                    &self,
                    operator: OperatorId,
                    status: PresenceStatus,
                    seen_until: Timestamp,
                    now: Timestamp,
                ) -> Result<()> {
                    let mut tx = self.writer().begin().await?;
                    sqlx::query(
                        "INSERT INTO operator_presence (operator_id, status, seen_until, updated_at) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (operator_id) DO UPDATE SET \
                         status = excluded.status, seen_until = excluded.seen_until, \
                         updated_at = excluded.updated_at",
                    )
                    .bind(operator.0)
                    .bind(status.as_str())
                    .bind(codec::millis(seen_until))
                    .bind(codec::millis(now))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
                        _ => StoreError::Database(e),
                    })?;
                    let notices = vec![Notice::Presence { operator, status }];
                    self.announce_in_tx(&mut tx, &notices).await?;
                    tx.commit().await?;
                    self.announce_committed(notices);
                    Ok(())
                }

                #[tracing::instrument(skip_all)]
                async fn online_operators(&self, now: Timestamp) -> Result<Vec<OperatorLoad>> {
                    sqlx::query(
                        "SELECT o.id, o.login, o.name, o.role, o.skills, o.capacity, o.active, \
                         o.email, o.calendar, (SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = o.id \
                          AND t.channel = 'chat' AND t.status IN ('assigned', 'waiting_for_customer')) \
                          AS load \
                         FROM operators o JOIN operator_presence p ON p.operator_id = o.id \
                         WHERE o.active AND p.status = 'online' AND p.seen_until > $1 ORDER BY o.id",
                    )
                    .bind(codec::millis(now))
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(OperatorLoad {
                            operator: codec::operator(r)?,
                            load: u32::try_from(r.int("load")?).unwrap_or(u32::MAX),
                        })
                    })
                    .collect()
                }

                #[tracing::instrument(skip_all, fields(ticket_id = change.ticket.id.0, operator_id = operator.0))]
                async fn assign_chat(
                    &self,
                    change: &TicketChange,
                    operator: OperatorId,
                    now: Timestamp,
                ) -> Result<Ticket> {
                    let mut tx = self.writer().begin().await?;
                    let full = || StoreError::Conflict("the operator has no free place now".into());
                    let place = sqlx::query(<$store>::LOCK_PRESENCE)
                        .bind(operator.0)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or_else(full)?;
                    let online = place.text("status")? == "online"
                        && place.int("seen_until")? > codec::millis(now)
                        && place.flag("active")?;
                    let capacity = place.int("capacity")?;
                    let load = sqlx::query(
                        "SELECT COUNT(*) AS n FROM tickets WHERE assignee_id = $1 AND channel = 'chat' \
                         AND status IN ('assigned', 'waiting_for_customer')",
                    )
                    .bind(operator.0)
                    .fetch_one(&mut *tx)
                    .await?
                    .int("n")?;
                    if !online || load >= capacity {
                        return Err(full());
                    }
                    let (stored, notices) = write_change(&mut tx, change).await?;
                    self.announce_in_tx(&mut tx, &notices).await?;
                    tx.commit().await?;
                    self.announce_committed(notices);
                    Ok(stored)
                }

                #[tracing::instrument(skip_all, fields(ticket_id = ticket.0))]
                async fn step_up(&self, ticket: TicketId) -> Result<StepUp> {
                    let row = sqlx::query(
                        "SELECT ticket_id, code_hash, issued_at, expires_at, attempts, locked_until, \
                         verified_at FROM chat_step_up WHERE ticket_id = $1",
                    )
                    .bind(ticket.0)
                    .fetch_optional(self.writer())
                    .await?;
                    row.as_ref().map(codec::step_up).transpose().map(Option::unwrap_or_default)
                }

                #[tracing::instrument(skip_all, fields(ticket_id = ticket.0))]
                async fn save_step_up(
                    &self,
                    ticket: TicketId,
                    state: &StepUp,
                    actor: &Actor,
                    event: Option<&TicketEvent>,
                    sms: Option<&Notification>,
                    at: Timestamp,
                ) -> Result<()> {
                    let mut tx = self.writer().begin().await?;
                    sqlx::query(
                        "INSERT INTO chat_step_up (ticket_id, code_hash, issued_at, expires_at, \
                         attempts, locked_until, verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (ticket_id) DO UPDATE SET code_hash = excluded.code_hash, \
                         issued_at = excluded.issued_at, expires_at = excluded.expires_at, \
                         attempts = excluded.attempts, locked_until = excluded.locked_until, \
                         verified_at = excluded.verified_at",
                    )
                    .bind(ticket.0)
                    .bind(state.code_hash.as_deref())
                    .bind(codec::opt_millis(state.issued_at))
                    .bind(codec::opt_millis(state.expires_at))
                    .bind(i64::from(state.attempts))
                    .bind(codec::opt_millis(state.locked_until))
                    .bind(codec::opt_millis(state.verified_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
                        _ => StoreError::Database(e),
                    })?;
                    if let Some(event) = event {
                        insert_events(&mut tx, ticket, actor, std::slice::from_ref(event), at).await?;
                    }
                    if let Some(n) = sms {
                        sqlx::query(
                            "INSERT INTO outbox \
                             (ticket_id, channel, recipient, subject, body, status, attempts, \
                              next_attempt_at, created_at, sensitive) \
                             VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6, $7)",
                        )
                        .bind(ticket.0)
                        .bind(n.channel.as_str())
                        .bind(&n.recipient)
                        .bind(&n.subject)
                        .bind(&n.body)
                        .bind(codec::millis(at))
                        .bind(true)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn subscribe_feed(&self) -> Result<mpsc::Receiver<FeedEvent>> {
                    self.feed_subscribe().await
                }

                async fn publish(&self, notice: &Notice) -> Result<()> {
                    self.publish_now(notice).await
                }

                // --- routing, priorities and deadlines (issue 4)

                #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
                async fn set_operator_profile(
                    &self,
                    operator: OperatorId,
                    email: Option<&EmailAddress>,
                    calendar: Option<&str>,
                ) -> Result<()> {
                    let done = sqlx::query("UPDATE operators SET email = $2, calendar = $3 WHERE id = $1")
                        .bind(operator.0)
                        .bind(email.map(|e| e.as_str()))
                        .bind(calendar)
                        .execute(self.writer())
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(after = after.0, limit))]
                async fn open_sla_tickets(&self, after: TicketId, limit: u32) -> Result<Vec<Ticket>> {
                    sqlx::query(concat!(
                        "SELECT ", ticket_columns!(), " FROM tickets WHERE id > $1 AND sla IS NOT NULL \
                         AND status NOT IN ('resolved', 'closed') ORDER BY id LIMIT $2"
                    ))
                    .bind(after.0)
                    .bind(i64::from(limit.clamp(1, 10_000)))
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::ticket)
                    .collect()
                }

                #[tracing::instrument(skip_all)]
                async fn routable_chats(&self) -> Result<Vec<Ticket>> {
                    sqlx::query(concat!(
                        "SELECT ", ticket_columns!(), " FROM tickets WHERE channel = 'chat' \
                         AND status IN ('queued', 'assigned', 'waiting_for_customer') ORDER BY id"
                    ))
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::ticket)
                    .collect()
                }

                #[tracing::instrument(
                    skip_all,
                    fields(ticket_id = change.ticket.id.0, alerts = alerts.len())
                )]
                async fn save_escalation(
                    &self,
                    change: &TicketChange,
                    alerts: &[(OperatorId, TicketEvent)],
                    emails: &[Notification],
                ) -> Result<Ticket> {
                    let mut tx = self.writer().begin().await?;
                    let (stored, mut notices) = write_change(&mut tx, change).await?;
                    let at = stored.updated_at;
                    for (operator, event) in alerts {
                        let row = sqlx::query(
                            "INSERT INTO staff_alerts (operator_id, ticket_id, kind, payload, created_at) \
                             VALUES ($1, $2, $3, $4, $5) RETURNING id",
                        )
                        .bind(operator.0)
                        .bind(stored.id.0)
                        .bind(event.code())
                        .bind(codec::to_json(event)?)
                        .bind(codec::millis(at))
                        .fetch_one(&mut *tx)
                        .await?;
                        notices.push(Notice::StaffAlert {
                            alert: StaffAlert {
                                id: row.int("id")?,
                                operator: *operator,
                                ticket: Some(stored.id),
                                event: event.clone(),
                                created_at: at,
                            },
                        });
                    }
                    insert_notifications(&mut tx, None, emails, at).await?;
                    self.announce_in_tx(&mut tx, &notices).await?;
                    tx.commit().await?;
                    self.announce_committed(notices);
                    Ok(stored)
                }

                #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
                async fn staff_alerts(&self, operator: OperatorId, limit: u32) -> Result<Vec<StaffAlert>> {
                    sqlx::query(
                        "SELECT id, operator_id, ticket_id, payload, created_at FROM staff_alerts \
                         WHERE operator_id = $1 ORDER BY id DESC LIMIT $2",
                    )
                    .bind(operator.0)
                    .bind(page_size(limit))
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::staff_alert)
                    .collect()
                }

                // --- knowledge base, bot feedback, message judgement, merges (issue 5)

                #[tracing::instrument(skip_all)]
                async fn kb_revision(&self) -> Result<i64> {
                    kb_read_revision(self.reader()).await
                }

                #[tracing::instrument(skip_all)]
                async fn kb_snapshot(&self) -> Result<KbSnapshot> {
                    kb_read(self.reader(), None).await
                }

                #[tracing::instrument(skip_all, fields(revision))]
                async fn kb_changes_since(&self, revision: i64) -> Result<KbSnapshot> {
                    kb_read(self.reader(), Some(revision)).await
                }

                #[tracing::instrument(skip_all, fields(sections = sections.len(), articles = articles.len()))]
                async fn kb_seed(
                    &self,
                    sections: &[KbSection],
                    articles: &[KbArticle],
                    actor: &Actor,
                    at: Timestamp,
                ) -> Result<bool> {
                    let mut tx = self.writer().begin().await?;
                    let revision = kb_next_revision(&mut tx).await?;
                    let used = sqlx::query("SELECT code FROM kb_sections LIMIT 1")
                        .fetch_optional(&mut *tx)
                        .await?
                        .is_some();
                    if revision != 1 || used {
                        // Dropping the transaction gives the revision back.
                        return Ok(false);
                    }
                    for s in sections {
                        kb_write_section(&mut tx, s, true, revision, at)
                            .await?
                            .ok_or_else(|| StoreError::Conflict(format!("section {} twice", s.code)))?;
                    }
                    for a in articles {
                        kb_write_article(&mut tx, a, true, revision, at)
                            .await?
                            .ok_or_else(|| StoreError::Conflict(format!("article {} twice", a.id)))?;
                    }
                    let payload = serde_json::json!({
                        "sections": sections.len(),
                        "articles": articles.len(),
                    });
                    kb_log(&mut tx, actor, KbAction::Seed, "knowledge_base", "", revision, payload.to_string(), at)
                        .await?;
                    tx.commit().await?;
                    Ok(true)
                }

                #[tracing::instrument(skip_all, fields(code = %section.code, action = action.as_str()))]
                async fn kb_save_section(
                    &self,
                    section: &KbSection,
                    action: KbAction,
                    actor: &Actor,
                    at: Timestamp,
                ) -> Result<KbSection> {
                    let create = match action {
                        KbAction::CreateSection => true,
                        KbAction::UpdateSection => false,
                        other => {
                            return Err(StoreError::Config(format!("{} is not a section edit", other.as_str())));
                        }
                    };
                    let mut tx = self.writer().begin().await?;
                    let revision = kb_next_revision(&mut tx).await?;
                    let saved = kb_write_section(&mut tx, section, create, revision, at)
                        .await?
                        .ok_or_else(|| {
                            if create {
                                StoreError::Conflict(format!("section {} exists", section.code))
                            } else {
                                StoreError::NotFound
                            }
                        })?;
                    kb_log(&mut tx, actor, action, "section", &saved.code, revision, codec::to_json(&saved)?, at)
                        .await?;
                    tx.commit().await?;
                    Ok(saved)
                }

                #[tracing::instrument(skip_all, fields(code))]
                async fn kb_delete_section(&self, code: &str, actor: &Actor, at: Timestamp) -> Result<i64> {
                    let mut tx = self.writer().begin().await?;
                    let revision = kb_next_revision(&mut tx).await?;
                    let articles = sqlx::query(
                        "SELECT COUNT(*) AS n FROM kb_articles WHERE section = $1 AND NOT deleted",
                    )
                    .bind(code)
                    .fetch_one(&mut *tx)
                    .await?
                    .int("n")?;
                    if articles > 0 {
                        return Err(StoreError::Conflict(format!(
                            "section {code} still has {articles} articles"
                        )));
                    }
                    let row = sqlx::query(concat!(
                        "UPDATE kb_sections SET deleted = $2, revision = $3, updated_at = $4 \
                         WHERE code = $1 AND NOT deleted RETURNING ",
                        kb_section_columns!()
                    ))
                    .bind(code)
                    .bind(true)
                    .bind(revision)
                    .bind(codec::millis(at))
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                    let gone = codec::kb_section(&row)?;
                    kb_log(&mut tx, actor, KbAction::DeleteSection, "section", code, revision, codec::to_json(&gone)?, at)
                        .await?;
                    tx.commit().await?;
                    Ok(revision)
                }

                #[tracing::instrument(skip_all, fields(article = %article.id, action = action.as_str()))]
                async fn kb_save_article(
                    &self,
                    article: &KbArticle,
                    action: KbAction,
                    actor: &Actor,
                    at: Timestamp,
                ) -> Result<KbArticle> {
                    let create = match action {
                        KbAction::CreateArticle => true,
                        KbAction::UpdateArticle | KbAction::PublishArticle | KbAction::UnpublishArticle => false,
                        other => {
                            return Err(StoreError::Config(format!("{} is not an article edit", other.as_str())));
                        }
                    };
                    let mut tx = self.writer().begin().await?;
                    let revision = kb_next_revision(&mut tx).await?;
                    if !kb_live_section(&mut tx, &article.section).await? {
                        return Err(StoreError::Conflict(format!("no section {}", article.section)));
                    }
                    let saved = kb_write_article(&mut tx, article, create, revision, at)
                        .await?
                        .ok_or_else(|| {
                            if create {
                                StoreError::Conflict(format!("article {} exists", article.id))
                            } else {
                                StoreError::NotFound
                            }
                        })?;
                    kb_log(&mut tx, actor, action, "article", &saved.id, revision, codec::to_json(&saved)?, at)
                        .await?;
                    tx.commit().await?;
                    Ok(saved)
                }

                #[tracing::instrument(skip_all, fields(article = id))]
                async fn kb_delete_article(&self, id: &str, actor: &Actor, at: Timestamp) -> Result<i64> {
                    let mut tx = self.writer().begin().await?;
                    let revision = kb_next_revision(&mut tx).await?;
                    let row = sqlx::query(concat!(
                        "UPDATE kb_articles SET deleted = $2, revision = $3, updated_at = $4 \
                         WHERE id = $1 AND NOT deleted RETURNING ",
                        kb_article_columns!()
                    ))
                    .bind(id)
                    .bind(true)
                    .bind(revision)
                    .bind(codec::millis(at))
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                    let gone = codec::kb_article(&row)?;
                    kb_log(&mut tx, actor, KbAction::DeleteArticle, "article", id, revision, codec::to_json(&gone)?, at)
                        .await?;
                    tx.commit().await?;
                    Ok(revision)
                }

                #[tracing::instrument(skip_all, fields(code))]
                async fn kb_section(&self, code: &str) -> Result<KbSection> {
                    let row = sqlx::query(concat!(
                        "SELECT ", kb_section_columns!(), " FROM kb_sections WHERE code = $1 AND NOT deleted"
                    ))
                    .bind(code)
                    .fetch_optional(self.reader())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                    codec::kb_section(&row)
                }

                #[tracing::instrument(skip_all, fields(article = id))]
                async fn kb_article(&self, id: &str) -> Result<KbArticle> {
                    let row = sqlx::query(concat!(
                        "SELECT ", kb_article_columns!(), " FROM kb_articles WHERE id = $1 AND NOT deleted"
                    ))
                    .bind(id)
                    .fetch_optional(self.reader())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                    codec::kb_article(&row)
                }

                #[tracing::instrument(skip_all, fields(limit))]
                async fn kb_events(&self, limit: u32) -> Result<Vec<KbEvent>> {
                    sqlx::query(
                        "SELECT id, actor_kind, actor_id, action, target_kind, target, revision, payload, at \
                         FROM kb_events ORDER BY id DESC LIMIT $1",
                    )
                    .bind(page_size(limit))
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::kb_event)
                    .collect()
                }

                #[tracing::instrument(skip_all, fields(ticket_id = ticket.0, articles = articles.len()))]
                async fn kb_record_shown(
                    &self,
                    ticket: TicketId,
                    articles: &[String],
                    at: Timestamp,
                ) -> Result<()> {
                    if articles.is_empty() {
                        return Ok(());
                    }
                    let mut tx = self.writer().begin().await?;
                    for article in articles {
                        sqlx::query(
                            "INSERT INTO kb_suggestions (ticket_id, article_id, shown_at) VALUES ($1, $2, $3) \
                             ON CONFLICT (ticket_id, article_id) DO NOTHING",
                        )
                        .bind(ticket.0)
                        .bind(article)
                        .bind(codec::millis(at))
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| match &e {
                            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
                            _ => StoreError::Database(e),
                        })?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(ticket_id = ticket.0, article, feedback = feedback.as_str()))]
                async fn kb_record_feedback(
                    &self,
                    ticket: TicketId,
                    article: &str,
                    feedback: Feedback,
                    at: Timestamp,
                ) -> Result<()> {
                    let done = sqlx::query(
                        "UPDATE kb_suggestions SET feedback = $3, feedback_at = $4 \
                         WHERE ticket_id = $1 AND article_id = $2",
                    )
                    .bind(ticket.0)
                    .bind(article)
                    .bind(feedback.as_str())
                    .bind(codec::millis(at))
                    .execute(self.writer())
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(ticket_id = ticket.0))]
                async fn kb_conversation_suggestions(&self, ticket: TicketId) -> Result<Vec<KbSuggestion>> {
                    sqlx::query(
                        "SELECT ticket_id, article_id, shown_at, feedback, feedback_at FROM kb_suggestions \
                         WHERE ticket_id = $1 ORDER BY shown_at, article_id",
                    )
                    .bind(ticket.0)
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::kb_suggestion)
                    .collect()
                }

                #[tracing::instrument(skip_all)]
                async fn kb_feedback_report(&self) -> Result<Vec<KbArticleStats>> {
                    sqlx::query(
                        "SELECT article_id, COUNT(*) AS shown, \
                         SUM(CASE WHEN feedback = 'helped' THEN 1 ELSE 0 END) AS helped, \
                         SUM(CASE WHEN feedback = 'not_helped' THEN 1 ELSE 0 END) AS not_helped \
                         FROM kb_suggestions GROUP BY article_id ORDER BY article_id",
                    )
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(|r| {
                        let n = |col: &str| -> Result<u64> {
                            let v = r.int(col)?;
                            u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("kb report {col} {v}")))
                        };
                        Ok(KbArticleStats {
                            article_id: r.text("article_id")?,
                            shown: n("shown")?,
                            helped: n("helped")?,
                            not_helped: n("not_helped")?,
                        })
                    })
                    .collect()
                }

                #[tracing::instrument(
                    skip_all,
                    fields(ticket_id = tracing::field::Empty, customer_id = %ticket.customer_id, extra = events.len())
                )]
                async fn create_ticket_with_events(
                    &self,
                    ticket: &NewTicket,
                    actor: &Actor,
                    first_message: &NewMessage,
                    events: &[TicketEvent],
                    notify: NotifyNew,
                ) -> Result<Ticket> {
                    let mut tx = self.writer().begin().await?;
                    let stored = insert_ticket(&mut tx, ticket, None)
                        .await?
                        .ok_or_else(|| StoreError::Conflict("duplicate ticket".into()))?;
                    tracing::Span::current().record("ticket_id", stored.id.0);
                    let at = stored.created_at;
                    let m = insert_message(&mut tx, stored.id, first_message, None, at).await?;
                    let mut all = vec![created_event(&stored)];
                    all.extend_from_slice(events);
                    insert_events(&mut tx, stored.id, actor, &all, at).await?;
                    insert_notifications(&mut tx, Some(stored.id), &notify(&stored), at).await?;
                    let notices = vec![
                        Notice::Ticket { ticket: Box::new(stored.clone()) },
                        message_notice(stored.customer_id.clone(), stored.assignee, stored.channel, &m),
                    ];
                    self.announce_in_tx(&mut tx, &notices).await?;
                    tx.commit().await?;
                    self.announce_committed(notices);
                    Ok(stored)
                }

                #[tracing::instrument(skip_all, fields(customer_id = %ticket.customer_id, extra = events.len()))]
                async fn open_chat_with_events(
                    &self,
                    ticket: &NewTicket,
                    client_id: &str,
                    events: &[TicketEvent],
                ) -> Result<(Ticket, ChatMessage, bool)> {
                    if events.is_empty() {
                        return self.open_chat(ticket, client_id).await;
                    }
                    let mut tx = self.writer().begin().await?;
                    let Some(stored) = insert_ticket(&mut tx, ticket, Some(client_id)).await? else {
                        // Opened before: that call wrote its events.
                        drop(tx);
                        return self.open_chat(ticket, client_id).await;
                    };
                    let at = stored.created_at;
                    let first = NewMessage {
                        author: Actor::Customer(stored.customer_id.clone()),
                        visibility: Visibility::Public,
                        body: ticket.description.clone(),
                        attachments: Vec::new(),
                    };
                    let m = insert_message(&mut tx, stored.id, &first, Some(client_id), at).await?;
                    let mut all = vec![created_event(&stored)];
                    all.extend_from_slice(events);
                    insert_events(&mut tx, stored.id, &first.author, &all, at).await?;
                    let notices = vec![
                        Notice::Ticket { ticket: Box::new(stored.clone()) },
                        message_notice(stored.customer_id.clone(), stored.assignee, stored.channel, &m),
                    ];
                    self.announce_in_tx(&mut tx, &notices).await?;
                    tx.commit().await?;
                    self.announce_committed(notices);
                    Ok((stored, m, true))
                }

                #[tracing::instrument(skip_all, fields(ticket_id = ticket.0, events = events.len()))]
                async fn record_events(
                    &self,
                    ticket: TicketId,
                    actor: &Actor,
                    events: &[TicketEvent],
                    at: Timestamp,
                ) -> Result<()> {
                    if events.is_empty() {
                        return Ok(());
                    }
                    let at = Timestamp::from_millisecond(at.as_millisecond()).unwrap_or(at);
                    let mut tx = self.writer().begin().await?;
                    insert_events(&mut tx, ticket, actor, events, at)
                        .await
                        .map_err(|e| match e {
                            StoreError::Database(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                                StoreError::NotFound
                            }
                            other => other,
                        })?;
                    tx.commit().await?;
                    Ok(())
                }

                #[tracing::instrument(
                    skip_all,
                    fields(source = source.ticket.id.0, target = target.ticket.id.0)
                )]
                async fn merge_tickets(
                    &self,
                    source: &TicketChange,
                    target: &TicketChange,
                    previous_status: Status,
                ) -> Result<(Ticket, Ticket)> {
                    let mut tx = self.writer().begin().await?;
                    let (s, t, notices) = write_pair(&mut tx, source, target).await?;
                    sqlx::query(
                        "INSERT INTO ticket_merges (source_id, target_id, previous_status, merged_at) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(s.id.0)
                    .bind(t.id.0)
                    .bind(previous_status.as_str())
                    .bind(codec::millis(s.updated_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| conflict_if_unique(e, "the ticket is merged already"))?;
                    self.announce_in_tx(&mut tx, &notices).await?;
                    tx.commit().await?;
                    self.announce_committed(notices);
                    Ok((s, t))
                }

                #[tracing::instrument(
                    skip_all,
                    fields(source = source.ticket.id.0, target = target.ticket.id.0)
                )]
                async fn unmerge_tickets(
                    &self,
                    source: &TicketChange,
                    target: &TicketChange,
                ) -> Result<(Ticket, Ticket)> {
                    let mut tx = self.writer().begin().await?;
                    let (s, t, notices) = write_pair(&mut tx, source, target).await?;
                    let done = sqlx::query("DELETE FROM ticket_merges WHERE source_id = $1 AND target_id = $2")
                        .bind(s.id.0)
                        .bind(t.id.0)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    self.announce_in_tx(&mut tx, &notices).await?;
                    tx.commit().await?;
                    self.announce_committed(notices);
                    Ok((s, t))
                }

                #[tracing::instrument(skip_all, fields(ticket_id = source.0))]
                async fn ticket_merge(&self, source: TicketId) -> Result<Option<TicketMerge>> {
                    sqlx::query(
                        "SELECT source_id, target_id, previous_status, merged_at FROM ticket_merges \
                         WHERE source_id = $1",
                    )
                    .bind(source.0)
                    .fetch_optional(self.reader())
                    .await?
                    .as_ref()
                    .map(codec::ticket_merge)
                    .transpose()
                }

                #[tracing::instrument(skip_all, fields(ticket_id = target.0))]
                async fn merged_into(&self, target: TicketId) -> Result<Vec<TicketMerge>> {
                    sqlx::query(
                        "SELECT source_id, target_id, previous_status, merged_at FROM ticket_merges \
                         WHERE target_id = $1 ORDER BY merged_at, source_id",
                    )
                    .bind(target.0)
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::ticket_merge)
                    .collect()
                }
            }
        }
    };
}
pub(crate) use impl_store;
