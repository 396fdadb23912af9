//! `impl CannedStore`; see the parent module for why this is a macro.

macro_rules! canned_store {
    ($store:ident) => {
        fn canned_row(r: &<Db as sqlx::Database>::Row) -> Result<CannedReply> {
            Ok(CannedReply {
                id: r.int("id")?,
                owner: r.opt_int("owner_id")?.map(OperatorId),
                title: r.text("title")?,
                body: r.text("body")?,
                updated_at: Timestamp::from_millisecond(r.int("updated_at")?)
                    .map_err(|_| StoreError::Corrupt("canned_replies: updated_at".into()))?,
            })
        }

        #[async_trait]
        impl CannedStore for $store {
            #[tracing::instrument(skip_all, fields(operator_id = viewer.0))]
            async fn canned_replies(&self, viewer: OperatorId) -> Result<Vec<CannedReply>> {
                sqlx::query(
                    "SELECT id, owner_id, title, body, updated_at FROM canned_replies \
                     WHERE owner_id IS NULL OR owner_id = $1 ORDER BY title, id",
                )
                .bind(viewer.0)
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(canned_row)
                .collect()
            }

            #[tracing::instrument(skip_all, fields(id))]
            async fn canned_reply(&self, id: i64) -> Result<CannedReply> {
                let row = sqlx::query(
                    "SELECT id, owner_id, title, body, updated_at FROM canned_replies WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(self.reader())
                .await?
                .ok_or(StoreError::NotFound)?;
                canned_row(&row)
            }

            #[tracing::instrument(skip_all)]
            async fn create_canned(
                &self,
                owner: Option<OperatorId>,
                title: &str,
                body: &str,
                now: Timestamp,
            ) -> Result<CannedReply> {
                let row = sqlx::query(
                    "INSERT INTO canned_replies (owner_id, title, body, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $4) RETURNING id, owner_id, title, body, updated_at",
                )
                .bind(owner.map(|o| o.0))
                .bind(title)
                .bind(body)
                .bind(codec::millis(now))
                .fetch_one(self.writer())
                .await?;
                canned_row(&row)
            }

            #[tracing::instrument(skip_all, fields(id))]
            async fn update_canned(
                &self,
                id: i64,
                title: &str,
                body: &str,
                now: Timestamp,
            ) -> Result<CannedReply> {
                let row = sqlx::query(
                    "UPDATE canned_replies SET title = $2, body = $3, updated_at = $4 \
                     WHERE id = $1 RETURNING id, owner_id, title, body, updated_at",
                )
                .bind(id)
                .bind(title)
                .bind(body)
                .bind(codec::millis(now))
                .fetch_optional(self.writer())
                .await?
                .ok_or(StoreError::NotFound)?;
                canned_row(&row)
            }

            #[tracing::instrument(skip_all, fields(id))]
            async fn delete_canned(&self, id: i64) -> Result<()> {
                let done = sqlx::query("DELETE FROM canned_replies WHERE id = $1")
                    .bind(id)
                    .execute(self.writer())
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }
        }
    };
}
pub(crate) use canned_store;
