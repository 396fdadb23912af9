//! `impl ConfigStore`; see the parent module for why this is a macro.

macro_rules! config_store {
    ($store:ident) => {
        fn config_info(r: &impl codec::Columns) -> Result<ConfigVersionInfo> {
            Ok(ConfigVersionInfo {
                doc: r.text("doc")?,
                version: r.int("version")?,
                revision: r.int("revision")?,
                author: r.opt_int("author_id")?.map(OperatorId),
                author_login: r.text("author_login")?,
                comment: r.text("comment")?,
                created_at: codec::time(r, "config_versions", "created_at")?,
            })
        }

        fn config_version_row(r: &impl codec::Columns) -> Result<ConfigVersion> {
            Ok(ConfigVersion {
                info: config_info(r)?,
                body: r.text("body")?,
            })
        }

        #[async_trait]
        impl ConfigStore for $store {
            #[tracing::instrument(skip_all)]
            async fn config_revision(&self) -> Result<i64> {
                sqlx::query("SELECT revision FROM config_head WHERE id = 1")
                    .fetch_one(self.reader())
                    .await?
                    .int("revision")
            }

            #[tracing::instrument(skip_all)]
            async fn config_snapshot(&self) -> Result<ConfigSnapshot> {
                // One read transaction, so the revision and the versions agree.
                let mut tx = self.reader().begin().await?;
                let revision = sqlx::query("SELECT revision FROM config_head WHERE id = 1")
                    .fetch_one(&mut *tx)
                    .await?
                    .int("revision")?;
                let documents = sqlx::query(
                    "SELECT doc, version, revision, author_id, author_login, comment, created_at, body FROM config_versions v \
                     WHERE version = (SELECT MAX(version) FROM config_versions w WHERE w.doc = v.doc) \
                     ORDER BY doc",
                )
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(config_version_row)
                .collect::<Result<Vec<_>>>()?;
                tx.commit().await?;
                Ok(ConfigSnapshot {
                    revision,
                    documents,
                })
            }

            #[tracing::instrument(skip_all)]
            async fn seed_config(
                &self,
                docs: &[(&str, &str)],
                comment: &str,
                at: Timestamp,
            ) -> Result<usize> {
                let mut tx = self.writer().begin().await?;
                // Takes the head's row lock: seeding nodes take turns.
                let head = sqlx::query(
                    "UPDATE config_head SET revision = revision WHERE id = 1 RETURNING revision",
                )
                .fetch_one(&mut *tx)
                .await?
                .int("revision")?;
                let mut stored = 0;
                for (doc, body) in docs {
                    let done = sqlx::query(
                        "INSERT INTO config_versions \
                         (doc, version, revision, body, author_id, author_login, comment, created_at) \
                         SELECT $1, 1, $2, $3, NULL, 'profile', $4, $5 \
                         WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE doc = $1)",
                    )
                    .bind(*doc)
                    .bind(head + 1)
                    .bind(*body)
                    .bind(comment)
                    .bind(codec::millis(at))
                    .execute(&mut *tx)
                    .await?;
                    stored += done.rows_affected() as usize;
                }
                if stored > 0 {
                    sqlx::query("UPDATE config_head SET revision = $1 WHERE id = 1")
                        .bind(head + 1)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(stored)
            }

            #[tracing::instrument(skip_all, fields(doc = %change.doc))]
            async fn save_config(
                &self,
                change: &ConfigChange,
                audit: &NewStaffAudit,
                at: Timestamp,
            ) -> Result<ConfigVersion> {
                let mut tx = self.writer().begin().await?;
                let Some(head) = sqlx::query(
                    "UPDATE config_head SET revision = revision + 1 \
                     WHERE id = 1 AND revision = $1 RETURNING revision",
                )
                .bind(change.revision)
                .fetch_optional(&mut *tx)
                .await?
                else {
                    return Err(StoreError::Conflict(
                        "the configuration changed meanwhile".into(),
                    ));
                };
                let head = head.int("revision")?;
                let newest = sqlx::query(
                    "SELECT COALESCE(MAX(version), 0) AS v FROM config_versions WHERE doc = $1",
                )
                .bind(&change.doc)
                .fetch_one(&mut *tx)
                .await?
                .int("v")?;
                if newest != change.base_version {
                    return Err(StoreError::Conflict(format!(
                        "{} is at version {newest}, not {}",
                        change.doc, change.base_version
                    )));
                }
                let row = sqlx::query(
                    "INSERT INTO config_versions \
                     (doc, version, revision, body, author_id, author_login, comment, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING doc, version, revision, author_id, author_login, comment, created_at, body",
                )
                .bind(&change.doc)
                .bind(newest + 1)
                .bind(head)
                .bind(&change.body)
                .bind(change.author.0)
                .bind(&change.author_login)
                .bind(&change.comment)
                .bind(codec::millis(at))
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| conflict_if_unique(e, "a version was saved meanwhile"))?;
                let saved = config_version_row(&row)?;
                sqlx::query(
                    "INSERT INTO staff_audit (at, kind, operator_id, login, actor_id, address, detail) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(codec::millis(at))
                .bind(audit.kind.as_str())
                .bind(audit.operator.map(|o| o.0))
                .bind(&audit.login)
                .bind(audit.actor.map(|o| o.0))
                .bind(audit.address.as_deref())
                .bind(&audit.detail)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(saved)
            }

            #[tracing::instrument(skip_all, fields(doc))]
            async fn config_versions(&self, doc: &str) -> Result<Vec<ConfigVersionInfo>> {
                sqlx::query(
                    "SELECT doc, version, revision, author_id, author_login, comment, created_at FROM config_versions WHERE doc = $1 ORDER BY version DESC",
                )
                .bind(doc)
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(config_info)
                .collect()
            }

            #[tracing::instrument(skip_all, fields(doc, version))]
            async fn config_version(&self, doc: &str, version: i64) -> Result<ConfigVersion> {
                let row = sqlx::query(
                    "SELECT doc, version, revision, author_id, author_login, comment, created_at, body FROM config_versions WHERE doc = $1 AND version = $2",
                )
                .bind(doc)
                .bind(version)
                .fetch_optional(self.reader())
                .await?
                .ok_or(StoreError::NotFound)?;
                config_version_row(&row)
            }
        }
    };
}
pub(crate) use config_store;
