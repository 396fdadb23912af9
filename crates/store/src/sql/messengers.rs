//! `impl MessengerStore`; see the parent module for why this is a macro.

macro_rules! messenger_store {
    ($store:ident) => {
        #[async_trait]
        impl MessengerStore for $store {
            #[tracing::instrument(skip_all, fields(channel = channel.as_str()))]
            async fn channel_state(
                &self,
                channel: Channel,
                endpoint: &str,
                key: &str,
            ) -> Result<Option<String>> {
                let row = sqlx::query(
                    "SELECT value FROM channel_state \
                     WHERE channel = $1 AND endpoint = $2 AND key = $3",
                )
                .bind(channel.as_str())
                .bind(endpoint)
                .bind(key)
                .fetch_optional(self.reader())
                .await?;
                row.map(|r| r.text("value")).transpose()
            }

            #[tracing::instrument(skip_all, fields(channel = channel.as_str()))]
            async fn set_channel_state(
                &self,
                channel: Channel,
                endpoint: &str,
                key: &str,
                value: Option<&str>,
                at: Timestamp,
            ) -> Result<()> {
                match value {
                    Some(v) => {
                        sqlx::query(
                            "INSERT INTO channel_state (channel, endpoint, key, value, updated_at) \
                             VALUES ($1, $2, $3, $4, $5) \
                             ON CONFLICT (channel, endpoint, key) \
                             DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                        )
                        .bind(channel.as_str())
                        .bind(endpoint)
                        .bind(key)
                        .bind(v)
                        .bind(codec::millis(at))
                        .execute(self.writer())
                        .await?;
                    }
                    None => {
                        sqlx::query(
                            "DELETE FROM channel_state \
                             WHERE channel = $1 AND endpoint = $2 AND key = $3",
                        )
                        .bind(channel.as_str())
                        .bind(endpoint)
                        .bind(key)
                        .execute(self.writer())
                        .await?;
                    }
                }
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(channel = channel.as_str()))]
            async fn event_seen(
                &self,
                channel: Channel,
                endpoint: &str,
                event_id: &str,
            ) -> Result<bool> {
                Ok(sqlx::query(
                    "SELECT at FROM channel_events \
                     WHERE channel = $1 AND endpoint = $2 AND event_id = $3",
                )
                .bind(channel.as_str())
                .bind(endpoint)
                .bind(event_id)
                .fetch_optional(self.reader())
                .await?
                .is_some())
            }

            #[tracing::instrument(skip_all, fields(channel = channel.as_str()))]
            async fn record_event(
                &self,
                channel: Channel,
                endpoint: &str,
                event_id: &str,
                at: Timestamp,
            ) -> Result<bool> {
                let done = sqlx::query(
                    "INSERT INTO channel_events (channel, endpoint, event_id, at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(channel.as_str())
                .bind(endpoint)
                .bind(event_id)
                .bind(codec::millis(at))
                .execute(self.writer())
                .await?;
                Ok(done.rows_affected() == 1)
            }

            #[tracing::instrument(skip_all, fields(count = outbound.len()))]
            async fn queue_outbound(&self, outbound: &[Outbound], at: Timestamp) -> Result<()> {
                if outbound.is_empty() {
                    return Ok(());
                }
                let mut tx = self.writer().begin().await?;
                insert_outbound(&mut tx, None, None, outbound, at).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
pub(crate) use messenger_store;
