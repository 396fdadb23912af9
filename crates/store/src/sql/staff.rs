//! `impl StaffStore`; see the parent module for why this is a macro.

macro_rules! staff_store {
    ($store:ident) => {
        #[async_trait]
        impl StaffStore for $store {
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

            #[tracing::instrument(skip_all, fields(operator_id = id.0))]
            async fn update_operator(&self, id: OperatorId, change: &OperatorChange) -> Result<Operator> {
                let mut tx = self.writer().begin().await?;
                let row = sqlx::query(concat!(
                    "UPDATE operators SET name = $2, role = $3, skills = $4, capacity = $5 \
                     WHERE id = $1 RETURNING ",
                    operator_columns!()
                ))
                .bind(id.0)
                .bind(&change.name)
                .bind(change.role.as_str())
                .bind(codec::to_json(&change.skills)?)
                .bind(i64::from(change.capacity))
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
                let operator = codec::operator(&row)?;
                let notices = vec![Notice::Staff { operator: id }];
                self.announce_in_tx(&mut tx, &notices).await?;
                tx.commit().await?;
                self.announce_committed(notices);
                Ok(operator)
            }

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

            #[tracing::instrument(skip_all, fields(operator_id = operator.0))]
            async fn set_operator_language(&self, operator: OperatorId, language: Locale) -> Result<()> {
                let done = sqlx::query("UPDATE operators SET language = $2 WHERE id = $1")
                    .bind(operator.0)
                    .bind(language.as_str())
                    .execute(self.writer())
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn delete_session(&self, token_hash: &str) -> Result<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(self.writer())
                    .await?;
                Ok(())
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
                     o.email, o.calendar, o.language, (SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = o.id \
                      AND t.live AND t.status IN ('assigned', 'waiting_for_customer')) \
                      AS load \
                     FROM operators o JOIN operator_presence p ON p.operator_id = o.id \
                     WHERE o.active AND p.status = 'online' AND p.seen_until > $1 \
                     AND NOT EXISTS (SELECT 1 FROM phone_calls c WHERE c.operator_id = o.id \
                      AND c.state = 'answered') ORDER BY o.id",
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
            async fn assign_conversation(
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
                    "SELECT COUNT(*) AS n FROM tickets WHERE assignee_id = $1 AND live \
                     AND status IN ('assigned', 'waiting_for_customer')",
                )
                .bind(operator.0)
                .fetch_one(&mut *tx)
                .await?
                .int("n")?;
                // An operator talking on the phone takes no chat (issue 11).
                let on_call = sqlx::query(
                    "SELECT COUNT(*) AS n FROM phone_calls WHERE operator_id = $1 \
                     AND state = 'answered'",
                )
                .bind(operator.0)
                .fetch_one(&mut *tx)
                .await?
                .int("n")?;
                if !online || load >= capacity || on_call > 0 {
                    return Err(full());
                }
                let (stored, notices) = write_change(&mut tx, change).await?;
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
        }
    };
}
pub(crate) use staff_store;
