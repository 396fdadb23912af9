//! `impl ConversationStore`; see the parent module for why this is a macro.
//! The batch append itself differs per backend (`append_batch` in
//! `sqlite.rs` and `postgres.rs`); its plan is shared (`crate::plan`).

macro_rules! conversation_store {
    ($store:ident) => {
        #[async_trait]
        impl ConversationStore for $store {
            #[tracing::instrument(skip_all, fields(items = items.len()))]
            async fn append_messages(
                &self,
                items: &[AppendItem],
                rules: &DeadlineRules,
                at: Timestamp,
            ) -> Result<Vec<AppendOutcome>> {
                if items.is_empty() {
                    return Ok(Vec::new());
                }
                let at = Timestamp::from_millisecond(at.as_millisecond()).unwrap_or(at);
                self.append_batch(items, rules, at).await
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
            async fn conversations(&self, scope: &ConversationScope, limit: u32) -> Result<Vec<Conversation>> {
                let limit = page_size(limit);
                let rows = match scope {
                    ConversationScope::Customer(c, channel) => sqlx::query(concat!(
                        "SELECT ", ticket_columns!(), ", last_seq FROM tickets \
                         WHERE customer_id = $1 AND channel = $2 AND status <> 'closed' \
                         ORDER BY id DESC LIMIT $3"
                    ))
                    .bind(c.as_str().to_owned())
                    .bind(channel.as_str())
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await?,
                    ConversationScope::Assignee(op) => sqlx::query(concat!(
                        "SELECT ", ticket_columns!(), ", last_seq FROM tickets \
                         WHERE assignee_id = $1 AND live \
                         AND status IN ('assigned', 'waiting_for_customer') \
                         ORDER BY id LIMIT $2"
                    ))
                    .bind(op.0)
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await?,
                    ConversationScope::Queued => sqlx::query(concat!(
                        "SELECT ", ticket_columns!(), ", last_seq FROM tickets \
                         WHERE live AND status = 'queued' \
                         ORDER BY CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 \
                         WHEN 'normal' THEN 2 ELSE 3 END, id LIMIT $1"
                    ))
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await?,
                };
                rows.iter().map(codec::conversation).collect()
            }

            #[tracing::instrument(skip_all)]
            async fn routable_conversations(&self) -> Result<Vec<Ticket>> {
                sqlx::query(concat!(
                    "SELECT ", ticket_columns!(), " FROM tickets WHERE live \
                     AND status IN ('queued', 'assigned', 'waiting_for_customer') ORDER BY id"
                ))
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(codec::ticket)
                .collect()
            }

            #[tracing::instrument(skip_all, fields(channel = channel.as_str(), ids = ids.len()))]
            async fn find_external(&self, channel: Channel, ids: &[String]) -> Result<Option<ExternalRef>> {
                let mut conn = self.reader().acquire().await?;
                external_ref(&mut conn, channel, ids).await
            }

            #[tracing::instrument(skip_all, fields(channel = channel.as_str(), endpoint))]
            async fn open_thread(
                &self,
                channel: Channel,
                endpoint: &str,
                thread: &str,
            ) -> Result<Option<Ticket>> {
                sqlx::query(concat!(
                    "SELECT ", ticket_columns!(), " FROM tickets WHERE channel = $1 \
                     AND origin_endpoint = $2 AND origin_thread = $3 \
                     AND status NOT IN ('resolved', 'closed') ORDER BY id DESC LIMIT 1"
                ))
                .bind(channel.as_str())
                .bind(endpoint)
                .bind(thread)
                .fetch_optional(self.reader())
                .await?
                .as_ref()
                .map(codec::ticket)
                .transpose()
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
                sms: Option<&Outbound>,
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
                if let Some(sms) = sms {
                    insert_outbound(&mut tx, Some(ticket), None, std::slice::from_ref(sms), at).await?;
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
        }
    };
}
pub(crate) use conversation_store;
