//! `impl SignInStore`; see the parent module for why this is a macro.

macro_rules! sign_in_store {
    ($store:ident) => {
        fn audit_entry(r: &impl codec::Columns) -> Result<StaffAuditEntry> {
            let place = "staff_audit";
            let kind = r.text("kind")?;
            Ok(StaffAuditEntry {
                id: r.int("id")?,
                at: codec::time(r, place, "at")?,
                kind: StaffAuditKind::parse(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("{place}: kind {kind:?}")))?,
                operator: r.opt_int("operator_id")?.map(OperatorId),
                login: r.text("login")?,
                actor: r.opt_int("actor_id")?.map(OperatorId),
                address: r.opt_text("address")?,
                detail: r.text("detail")?,
            })
        }

        #[async_trait]
        impl SignInStore for $store {
            #[tracing::instrument(skip_all, fields(kind = entry.kind.as_str()))]
            async fn record_staff_audit(&self, entry: &NewStaffAudit, at: Timestamp) -> Result<i64> {
                let row = sqlx::query(
                    "INSERT INTO staff_audit (at, kind, operator_id, login, actor_id, address, detail) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(codec::millis(at))
                .bind(entry.kind.as_str())
                .bind(entry.operator.map(|o| o.0))
                .bind(&entry.login)
                .bind(entry.actor.map(|o| o.0))
                .bind(entry.address.as_deref())
                .bind(&entry.detail)
                .fetch_one(self.writer())
                .await?;
                row.int("id")
            }

            #[tracing::instrument(skip_all)]
            async fn staff_audit(
                &self,
                operator: Option<OperatorId>,
                before: Option<i64>,
                limit: u32,
            ) -> Result<Vec<StaffAuditEntry>> {
                sqlx::query(
                    "SELECT id, at, kind, operator_id, login, actor_id, address, detail \
                     FROM staff_audit WHERE ($1 IS NULL OR operator_id = $1) \
                     AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3",
                )
                .bind(operator.map(|o| o.0))
                .bind(before)
                .bind(page_size(limit))
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(audit_entry)
                .collect()
            }

            #[tracing::instrument(skip_all)]
            async fn note_sign_in_failure(
                &self,
                key: &str,
                now: Timestamp,
                window_start: Timestamp,
            ) -> Result<u32> {
                let row = sqlx::query(
                    "INSERT INTO sign_in_failures (key, failures, last_failed_at) VALUES ($1, 1, $2) \
                     ON CONFLICT (key) DO UPDATE SET \
                     failures = CASE WHEN sign_in_failures.last_failed_at < $3 THEN 1 \
                                     ELSE sign_in_failures.failures + 1 END, \
                     last_failed_at = excluded.last_failed_at \
                     RETURNING failures",
                )
                .bind(key)
                .bind(codec::millis(now))
                .bind(codec::millis(window_start))
                .fetch_one(self.writer())
                .await?;
                Ok(u32::try_from(row.int("failures")?).unwrap_or(u32::MAX))
            }

            #[tracing::instrument(skip_all)]
            async fn lock_sign_in(&self, key: &str, until: Timestamp) -> Result<()> {
                sqlx::query("UPDATE sign_in_failures SET locked_until = $2 WHERE key = $1")
                    .bind(key)
                    .bind(codec::millis(until))
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn sign_in_locked_until(
                &self,
                keys: &[String],
                now: Timestamp,
            ) -> Result<Option<Timestamp>> {
                let mut latest: Option<Timestamp> = None;
                for key in keys {
                    let row = sqlx::query(
                        "SELECT locked_until FROM sign_in_failures \
                         WHERE key = $1 AND locked_until > $2",
                    )
                    .bind(key)
                    .bind(codec::millis(now))
                    .fetch_optional(self.reader())
                    .await?;
                    if let Some(row) = row {
                        let until = codec::time(&row, "sign_in_failures", "locked_until")?;
                        latest = Some(latest.map_or(until, |l| l.max(until)));
                    }
                }
                Ok(latest)
            }

            #[tracing::instrument(skip_all)]
            async fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
                sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
                    .bind(key)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
            async fn create_staff_session(
                &self,
                token_hash: &str,
                operator: OperatorId,
                expires_at: Timestamp,
                enrolment_only: bool,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, operator_id, expires_at, enrolment_only) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(token_hash)
                .bind(operator.0)
                .bind(codec::millis(expires_at))
                .bind(enrolment_only)
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
            async fn staff_session(&self, token_hash: &str, now: Timestamp) -> Result<StaffSession> {
                let row = sqlx::query(
                    "SELECT o.id, o.login, o.name, o.role, o.skills, o.capacity, o.active, \
                     o.email, o.calendar, o.language, s.enrolment_only \
                     FROM sessions s JOIN operators o ON o.id = s.operator_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND o.active",
                )
                .bind(token_hash)
                .bind(codec::millis(now))
                .fetch_optional(self.reader())
                .await?
                .ok_or(StoreError::NotFound)?;
                Ok(StaffSession {
                    operator: codec::operator(&row)?,
                    enrolment_only: row.flag("enrolment_only")?,
                })
            }

            #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
            async fn revoke_sessions(&self, operator: OperatorId, keep: Option<&str>) -> Result<u64> {
                let done = sqlx::query(
                    "DELETE FROM sessions WHERE operator_id = $1 AND ($2 IS NULL OR token_hash <> $2)",
                )
                .bind(operator.0)
                .bind(keep)
                .execute(self.writer())
                .await?;
                Ok(done.rows_affected())
            }

            #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
            async fn password_hash(&self, operator: OperatorId) -> Result<String> {
                sqlx::query("SELECT password_hash FROM operators WHERE id = $1")
                    .bind(operator.0)
                    .fetch_optional(self.reader())
                    .await?
                    .ok_or(StoreError::NotFound)?
                    .text("password_hash")
            }

            #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
            async fn set_password_hash(&self, operator: OperatorId, hash: &str) -> Result<()> {
                let done = sqlx::query("UPDATE operators SET password_hash = $2 WHERE id = $1")
                    .bind(operator.0)
                    .bind(hash)
                    .execute(self.writer())
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
            async fn set_operator_active(&self, operator: OperatorId, active: bool) -> Result<()> {
                let done = sqlx::query("UPDATE operators SET active = $2 WHERE id = $1")
                    .bind(operator.0)
                    .bind(active)
                    .execute(self.writer())
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
            async fn second_factor(&self, operator: OperatorId) -> Result<Option<SecondFactor>> {
                let row = sqlx::query(
                    "SELECT totp_secret, totp_enabled_at, totp_last_step FROM operators WHERE id = $1",
                )
                .bind(operator.0)
                .fetch_optional(self.reader())
                .await?
                .ok_or(StoreError::NotFound)?;
                let Some(secret) = row.opt_text("totp_secret")? else {
                    return Ok(None);
                };
                Ok(Some(SecondFactor {
                    secret: hex::decode(&secret)
                        .map_err(|_| StoreError::Corrupt("operators: totp_secret".into()))?,
                    enabled_at: row
                        .opt_int("totp_enabled_at")?
                        .map(|ms| codec::timestamp("operators", "totp_enabled_at", ms))
                        .transpose()?,
                    last_step: row.opt_int("totp_last_step")?,
                }))
            }

            #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
            async fn begin_second_factor(&self, operator: OperatorId, secret: &[u8]) -> Result<()> {
                let done = sqlx::query(
                    "UPDATE operators SET totp_secret = $2, totp_enabled_at = NULL, \
                     totp_last_step = NULL WHERE id = $1 AND totp_enabled_at IS NULL",
                )
                .bind(operator.0)
                .bind(hex::encode(secret))
                .execute(self.writer())
                .await?;
                if done.rows_affected() == 0 {
                    self.operator(operator).await?;
                    return Err(StoreError::Conflict(
                        "a second factor is already enrolled".into(),
                    ));
                }
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
            async fn confirm_second_factor(
                &self,
                operator: OperatorId,
                recovery_code_hashes: &[String],
                now: Timestamp,
            ) -> Result<()> {
                let mut tx = self.writer().begin().await?;
                let done = sqlx::query(
                    "UPDATE operators SET totp_enabled_at = $2 \
                     WHERE id = $1 AND totp_secret IS NOT NULL AND totp_enabled_at IS NULL",
                )
                .bind(operator.0)
                .bind(codec::millis(now))
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(
                        "no second factor is waiting for confirmation".into(),
                    ));
                }
                sqlx::query("DELETE FROM recovery_codes WHERE operator_id = $1")
                    .bind(operator.0)
                    .execute(&mut *tx)
                    .await?;
                for hash in recovery_code_hashes {
                    sqlx::query("INSERT INTO recovery_codes (operator_id, code_hash) VALUES ($1, $2)")
                        .bind(operator.0)
                        .bind(hash)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| conflict_if_unique(e, "two recovery codes are the same"))?;
                }
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
            async fn reset_second_factor(&self, operator: OperatorId) -> Result<()> {
                let mut tx = self.writer().begin().await?;
                let done = sqlx::query(
                    "UPDATE operators SET totp_secret = NULL, totp_enabled_at = NULL, \
                     totp_last_step = NULL WHERE id = $1",
                )
                .bind(operator.0)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                sqlx::query("DELETE FROM recovery_codes WHERE operator_id = $1")
                    .bind(operator.0)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
            async fn use_totp_step(&self, operator: OperatorId, step: i64) -> Result<bool> {
                let done = sqlx::query(
                    "UPDATE operators SET totp_last_step = $2 WHERE id = $1 \
                     AND totp_enabled_at IS NOT NULL \
                     AND (totp_last_step IS NULL OR totp_last_step < $2)",
                )
                .bind(operator.0)
                .bind(step)
                .execute(self.writer())
                .await?;
                Ok(done.rows_affected() == 1)
            }

            #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
            async fn use_recovery_code(
                &self,
                operator: OperatorId,
                code_hash: &str,
                now: Timestamp,
            ) -> Result<bool> {
                let done = sqlx::query(
                    "UPDATE recovery_codes SET used_at = $3 \
                     WHERE operator_id = $1 AND code_hash = $2 AND used_at IS NULL",
                )
                .bind(operator.0)
                .bind(code_hash)
                .bind(codec::millis(now))
                .execute(self.writer())
                .await?;
                Ok(done.rows_affected() == 1)
            }

            #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
            async fn recovery_codes_left(&self, operator: OperatorId) -> Result<u32> {
                let row = sqlx::query(
                    "SELECT COUNT(*) AS n FROM recovery_codes WHERE operator_id = $1 AND used_at IS NULL",
                )
                .bind(operator.0)
                .fetch_one(self.reader())
                .await?;
                Ok(u32::try_from(row.int("n")?).unwrap_or(0))
            }
        }
    };
}
pub(crate) use sign_in_store;
