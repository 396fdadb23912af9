//! `impl WebhookStore`; see the parent module for why this is a macro.

macro_rules! webhook_store {
    ($store:ident) => {
        const WEBHOOK_COLUMNS: &str =
            "id, url, events, description, status, failures, created_at, paused_at";
        const DELIVERY_COLUMNS: &str = "id, endpoint_id, event, payload, status, attempts, \
             last_status, last_response, last_error, replay_of, created_at, delivered_at";

        #[async_trait]
        impl WebhookStore for $store {
            #[tracing::instrument(skip_all)]
            async fn create_webhook(&self, w: &NewWebhook) -> Result<Webhook> {
                let sql = format!(
                    "INSERT INTO webhook_endpoints \
                     (url, events, secret, description, status, failures, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, 'active', 0, $5, $6) RETURNING {WEBHOOK_COLUMNS}"
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(&w.url)
                    .bind(codec::to_json(&w.events)?)
                    .bind(&w.secret)
                    .bind(&w.description)
                    .bind(w.created_by.0)
                    .bind(codec::millis(w.at))
                    .fetch_one(self.writer())
                    .await?;
                codec::webhook(&row)
            }

            async fn webhooks(&self) -> Result<Vec<Webhook>> {
                let sql = format!(
                    "SELECT {WEBHOOK_COLUMNS} FROM webhook_endpoints \
                     WHERE deleted_at IS NULL ORDER BY id"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::webhook)
                    .collect()
            }

            async fn webhook(&self, id: i64) -> Result<Webhook> {
                let sql = format!(
                    "SELECT {WEBHOOK_COLUMNS} FROM webhook_endpoints \
                     WHERE id = $1 AND deleted_at IS NULL"
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .fetch_optional(self.reader())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                codec::webhook(&row)
            }

            #[tracing::instrument(skip_all, fields(webhook = id))]
            async fn delete_webhook(&self, id: i64, at: Timestamp) -> Result<()> {
                let done = sqlx::query(
                    "UPDATE webhook_endpoints SET deleted_at = $2 \
                     WHERE id = $1 AND deleted_at IS NULL",
                )
                .bind(id)
                .bind(codec::millis(at))
                .execute(self.writer())
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(webhook = id))]
            async fn resume_webhook(&self, id: i64) -> Result<Webhook> {
                let sql = format!(
                    "UPDATE webhook_endpoints SET status = 'active', failures = 0, paused_at = NULL \
                     WHERE id = $1 AND deleted_at IS NULL RETURNING {WEBHOOK_COLUMNS}"
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .fetch_optional(self.writer())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                codec::webhook(&row)
            }

            async fn queued_webhook_events(&self, limit: u32) -> Result<Vec<StoredEvent>> {
                sqlx::query(
                    "SELECT e.id, e.ticket_id, e.actor_kind, e.actor_id, e.payload, e.at \
                     FROM webhook_queue q JOIN ticket_events e ON e.id = q.event_id \
                     ORDER BY q.event_id LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(codec::event)
                .collect()
            }

            #[tracing::instrument(skip_all, fields(events = events.len(), deliveries = deliveries.len()))]
            async fn fan_out_webhooks(
                &self,
                events: &[i64],
                deliveries: &[NewDelivery],
                at: Timestamp,
            ) -> Result<()> {
                let mut tx = self.writer().begin().await?;
                // Taken off the queue first: an entry another node fanned out
                // meanwhile is gone, and its deliveries are not written twice.
                let mut taken = Vec::with_capacity(events.len());
                for id in events {
                    let done = sqlx::query("DELETE FROM webhook_queue WHERE event_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() > 0 {
                        taken.push(*id);
                    }
                }
                for d in deliveries.iter().filter(|d| taken.contains(&d.event_id)) {
                    sqlx::query(
                        "INSERT INTO webhook_deliveries \
                         (endpoint_id, event, payload, status, attempts, next_attempt_at, created_at) \
                         VALUES ($1, $2, $3, 'pending', 0, $4, $4)",
                    )
                    .bind(d.endpoint)
                    .bind(&d.event)
                    .bind(&d.payload)
                    .bind(codec::millis(at))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(limit))]
            async fn claim_webhook_deliveries(
                &self,
                now: Timestamp,
                lease: SignedDuration,
                limit: u32,
            ) -> Result<Vec<DueDelivery>> {
                if limit == 0 {
                    return Ok(Vec::new());
                }
                let lease_until = now
                    .checked_add(lease)
                    .map_err(|e| StoreError::Config(format!("lease out of range: {e}")))?;
                let rows = sqlx::query(<$store>::CLAIM_WEBHOOKS)
                    .bind(codec::millis(now))
                    .bind(codec::millis(lease_until))
                    .bind(i64::from(limit))
                    .fetch_all(self.writer())
                    .await?;
                let mut due = Vec::with_capacity(rows.len());
                for r in &rows {
                    let endpoint = r.int("endpoint_id")?;
                    let target = sqlx::query("SELECT url, secret FROM webhook_endpoints WHERE id = $1")
                        .bind(endpoint)
                        .fetch_one(self.writer())
                        .await?;
                    let id = r.int("id")?;
                    let attempts = r.int("attempts")?;
                    due.push(DueDelivery {
                        id,
                        endpoint,
                        url: target.text("url")?,
                        secret: target.text("secret")?,
                        event: r.text("event")?,
                        payload: r.text("payload")?,
                        attempts: u32::try_from(attempts).map_err(|_| {
                            StoreError::Corrupt(format!("webhook_deliveries #{id}: attempts {attempts}"))
                        })?,
                    });
                }
                due.sort_by_key(|d| d.id);
                Ok(due)
            }

            #[tracing::instrument(skip_all, fields(delivery = d.id, webhook = d.endpoint))]
            async fn webhook_attempted(
                &self,
                d: &DueDelivery,
                attempt: &Attempt,
                pause_after: u32,
                now: Timestamp,
            ) -> Result<bool> {
                let mut tx = self.writer().begin().await?;
                let mut notices = Vec::new();
                let mut paused = false;
                match attempt {
                    Attempt::Delivered { status, response } => {
                        // Unconditional: a send that succeeded after its lease ran out still arrived.
                        sqlx::query(
                            "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, \
                             last_status = $2, last_response = $3, last_error = NULL, \
                             lease_until = NULL, delivered_at = $4 WHERE id = $1",
                        )
                        .bind(d.id)
                        .bind(i64::from(*status))
                        .bind(response)
                        .bind(codec::millis(now))
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query("UPDATE webhook_endpoints SET failures = 0 WHERE id = $1")
                            .bind(d.endpoint)
                            .execute(&mut *tx)
                            .await?;
                    }
                    Attempt::Failed { status, response, error, retry_at } => {
                        sqlx::query(
                            "UPDATE webhook_deliveries SET \
                             status = CASE WHEN $5 IS NULL THEN 'failed' ELSE 'pending' END, \
                             attempts = attempts + 1, last_status = $2, last_response = $3, \
                             last_error = $4, next_attempt_at = COALESCE($5, next_attempt_at), \
                             lease_until = NULL WHERE id = $1 AND status = 'pending'",
                        )
                        .bind(d.id)
                        .bind(status.map(i64::from))
                        .bind(response.as_deref())
                        .bind(error)
                        .bind(codec::opt_millis(*retry_at))
                        .execute(&mut *tx)
                        .await?;
                        let row = sqlx::query(
                            "UPDATE webhook_endpoints SET failures = failures + 1 WHERE id = $1 \
                             RETURNING failures, status, url",
                        )
                        .bind(d.endpoint)
                        .fetch_one(&mut *tx)
                        .await?;
                        let failures = row.int("failures")?;
                        if row.text("status")? == "active" && failures >= i64::from(pause_after.max(1)) {
                            paused = true;
                            sqlx::query(
                                "UPDATE webhook_endpoints SET status = 'paused', paused_at = $2 WHERE id = $1",
                            )
                            .bind(d.endpoint)
                            .bind(codec::millis(now))
                            .execute(&mut *tx)
                            .await?;
                            let event = TicketEvent::WebhookPaused {
                                endpoint: d.endpoint,
                                url: row.text("url")?,
                                failures: u32::try_from(failures).unwrap_or(u32::MAX),
                            };
                            let alerts = sqlx::query(
                                "INSERT INTO staff_alerts (operator_id, ticket_id, kind, payload, created_at) \
                                 SELECT id, NULL, $1, $2, $3 FROM operators \
                                 WHERE role = 'admin' AND active = TRUE ORDER BY id \
                                 RETURNING id, operator_id",
                            )
                            .bind(event.code())
                            .bind(codec::to_json(&event)?)
                            .bind(codec::millis(now))
                            .fetch_all(&mut *tx)
                            .await?;
                            for a in &alerts {
                                notices.push(Notice::StaffAlert {
                                    alert: StaffAlert {
                                        id: a.int("id")?,
                                        operator: OperatorId(a.int("operator_id")?),
                                        ticket: None,
                                        event: event.clone(),
                                        created_at: now,
                                    },
                                });
                            }
                        }
                    }
                }
                self.announce_in_tx(&mut tx, &notices).await?;
                tx.commit().await?;
                self.announce_committed(notices);
                Ok(paused)
            }

            async fn webhook_deliveries(
                &self,
                endpoint: i64,
                limit: u32,
            ) -> Result<Vec<WebhookDelivery>> {
                let sql = format!(
                    "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries \
                     WHERE endpoint_id = $1 ORDER BY id DESC LIMIT $2"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(endpoint)
                    .bind(i64::from(limit))
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::webhook_delivery)
                    .collect()
            }

            #[tracing::instrument(skip_all, fields(delivery = id))]
            async fn replay_webhook_delivery(&self, id: i64, now: Timestamp) -> Result<WebhookDelivery> {
                let sql = format!(
                    "INSERT INTO webhook_deliveries \
                     (endpoint_id, event, payload, status, attempts, next_attempt_at, replay_of, created_at) \
                     SELECT d.endpoint_id, d.event, d.payload, 'pending', 0, $2, d.id, $2 \
                     FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
                     WHERE d.id = $1 AND e.deleted_at IS NULL RETURNING {DELIVERY_COLUMNS}"
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .bind(codec::millis(now))
                    .fetch_optional(self.writer())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                codec::webhook_delivery(&row)
            }
        }
    };
}
pub(crate) use webhook_store;
