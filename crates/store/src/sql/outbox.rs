//! `impl OutboxStore`; see the parent module for why this is a macro.

macro_rules! outbox_store {
    ($store:ident) => {
        #[async_trait]
        impl OutboxStore for $store {
            #[tracing::instrument(skip_all, fields(limit, claimed = tracing::field::Empty))]
            async fn claim_outbound(
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
            async fn outbound_delivered(
                &self,
                id: i64,
                provider_id: Option<&str>,
                now: Timestamp,
            ) -> Result<()> {
                let mut tx = self.writer().begin().await?;
                // Unconditional: a send that succeeded after its lease ran out
                // still reached the customer, whatever happened to the row since.
                let row = sqlx::query(
                    "UPDATE outbox SET status = 'delivered', delivered_at = $2, lease_until = NULL, \
                     provider_id = $3, body = CASE WHEN sensitive THEN '' ELSE body END \
                     WHERE id = $1 RETURNING ticket_id, message_seq, channel",
                )
                .bind(id)
                .bind(codec::millis(now))
                .bind(provider_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
                // What the provider called the message threads replies to it.
                let medium = Medium::parse(&row.text("channel")?);
                if let (Some(pid), Some(ticket), Some(seq), Some(channel)) = (
                    provider_id,
                    row.opt_int("ticket_id")?,
                    row.opt_int("message_seq")?,
                    medium.and_then(Medium::channel),
                ) {
                    insert_external(&mut tx, channel, pid, TicketId(ticket), seq, now).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(outbox_id = id, give_up = retry_at.is_none()))]
            async fn outbound_failed(
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
            async fn ticket_outbound(&self, ticket: TicketId) -> Result<Vec<OutboxRecord>> {
                sqlx::query(
                    "SELECT id, ticket_id, channel, recipient, subject, \
                     CASE WHEN sensitive THEN '' ELSE body END AS body, status, attempts, \
                     last_error, created_at, delivered_at, sensitive, kind, endpoint, thread, \
                     attachments, message_seq, provider_id, buttons \
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
            async fn pending_outbound(&self) -> Result<u64> {
                let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'")
                    .fetch_one(self.reader())
                    .await?;
                let n = row.int("n")?;
                u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("outbox count {n}")))
            }
        }
    };
}
pub(crate) use outbox_store;
