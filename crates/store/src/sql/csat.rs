//! `impl CsatStore`; see the parent module for why this is a macro.

macro_rules! csat_store {
    ($store:ident) => {
        fn csat_record(r: &<Db as sqlx::Database>::Row) -> Result<CsatRecord> {
            let ticket = TicketId(r.int("ticket_id")?);
            let state = match r.text("state")?.as_str() {
                "asked" => CsatState::Asked,
                "skipped" => CsatState::Skipped,
                "rated" => CsatState::Rated,
                other => return Err(StoreError::Corrupt(format!("csat_requests #{}: state {other}", ticket.0))),
            };
            let score = match r.opt_int("score")? {
                None => None,
                Some(n) => Some(u8::try_from(n).map_err(|_| StoreError::Corrupt(format!("csat_requests #{}: score {n}", ticket.0)))?),
            };
            Ok(CsatRecord {
                ticket,
                state,
                medium: r.opt_text("medium")?,
                asked_at: Timestamp::from_millisecond(r.int("asked_at")?)
                    .map_err(|_| StoreError::Corrupt(format!("csat_requests #{}: asked_at", ticket.0)))?,
                score,
                comment: r.opt_text("comment")?,
            })
        }

        /// Staff alerts about `ticket`, with a feed notice each.
        async fn insert_alerts(
            conn: &mut Conn,
            ticket: TicketId,
            at: Timestamp,
            alerts: &[(OperatorId, TicketEvent)],
            notices: &mut Vec<Notice>,
        ) -> Result<()> {
            for (operator, event) in alerts {
                let row = sqlx::query(
                    "INSERT INTO staff_alerts (operator_id, ticket_id, kind, payload, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(operator.0)
                .bind(ticket.0)
                .bind(event.code())
                .bind(codec::to_json(event)?)
                .bind(codec::millis(at))
                .fetch_one(&mut *conn)
                .await?;
                notices.push(Notice::StaffAlert {
                    alert: StaffAlert {
                        id: row.int("id")?,
                        operator: *operator,
                        ticket: Some(ticket),
                        event: event.clone(),
                        created_at: at,
                    },
                });
            }
            Ok(())
        }

        const CSAT_COLUMNS: &str = "ticket_id, state, medium, asked_at, score, comment";

        #[async_trait]
        impl CsatStore for $store {
            async fn unasked_resolved(&self, since: Timestamp, limit: u32) -> Result<Vec<Ticket>> {
                sqlx::query(concat!(
                    "SELECT ", ticket_columns!(), " FROM tickets t WHERE resolved_at >= $1 \
                     AND status IN ('resolved', 'closed') \
                     AND NOT EXISTS (SELECT 1 FROM csat_requests c WHERE c.ticket_id = t.id) \
                     ORDER BY resolved_at, id LIMIT $2"
                ))
                .bind(codec::millis(since))
                .bind(i64::from(limit))
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(codec::ticket)
                .collect()
            }

            async fn last_csat_request(&self, requester: &str) -> Result<Option<Timestamp>> {
                let ms: Option<i64> = sqlx::query_scalar(
                    "SELECT MAX(asked_at) FROM csat_requests WHERE requester = $1 AND state <> 'skipped'",
                )
                .bind(requester)
                .fetch_one(self.reader())
                .await?;
                ms.map(|ms| {
                    Timestamp::from_millisecond(ms)
                        .map_err(|_| StoreError::Corrupt(format!("csat_requests asked_at {ms}")))
                })
                .transpose()
            }

            #[tracing::instrument(skip_all, fields(ticket_id = ask.ticket.0))]
            async fn ask_rating(&self, ask: &CsatAsk) -> Result<()> {
                let mut tx = self.writer().begin().await?;
                let state = if ask.change.is_some() { "asked" } else { "skipped" };
                let inserted = sqlx::query(
                    "INSERT INTO csat_requests (ticket_id, requester, state, token_hash, medium, asked_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (ticket_id) DO NOTHING",
                )
                .bind(ask.ticket.0)
                .bind(&ask.requester)
                .bind(state)
                .bind(ask.token_hash.as_deref())
                .bind(ask.medium.as_deref())
                .bind(codec::millis(ask.at))
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if inserted == 0 {
                    return Err(StoreError::Conflict("this ticket's rating was already requested".into()));
                }
                let mut notices = Vec::new();
                if let Some(change) = &ask.change {
                    let (_, n) = write_change(&mut tx, change).await?;
                    notices = n;
                }
                self.announce_in_tx(&mut tx, &notices).await?;
                tx.commit().await?;
                self.announce_committed(notices);
                Ok(())
            }

            async fn csat_by_token(&self, token_hash: &str) -> Result<Option<CsatRecord>> {
                let sql = format!("SELECT {CSAT_COLUMNS} FROM csat_requests WHERE token_hash = $1");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(token_hash)
                    .fetch_optional(self.reader())
                    .await?
                    .as_ref()
                    .map(csat_record)
                    .transpose()
            }

            async fn csat_of(&self, ticket: TicketId) -> Result<Option<CsatRecord>> {
                let sql = format!("SELECT {CSAT_COLUMNS} FROM csat_requests WHERE ticket_id = $1");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(ticket.0)
                    .fetch_optional(self.reader())
                    .await?
                    .as_ref()
                    .map(csat_record)
                    .transpose()
            }

            #[tracing::instrument(skip_all, fields(ticket_id = change.ticket.id.0, score))]
            async fn rate(
                &self,
                score: u8,
                comment: Option<&str>,
                change: &TicketChange,
                alerts: &[(OperatorId, TicketEvent)],
            ) -> Result<Ticket> {
                let mut tx = self.writer().begin().await?;
                let at = change.ticket.updated_at;
                let rated = sqlx::query(
                    "UPDATE csat_requests SET state = 'rated', score = $2, comment = $3, rated_at = $4 \
                     WHERE ticket_id = $1 AND state = 'asked'",
                )
                .bind(change.ticket.id.0)
                .bind(i64::from(score))
                .bind(comment)
                .bind(codec::millis(at))
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if rated == 0 {
                    return Err(StoreError::Conflict("no rating is awaited for this ticket".into()));
                }
                let (stored, mut notices) = write_change(&mut tx, change).await?;
                insert_alerts(&mut tx, stored.id, at, alerts, &mut notices).await?;
                self.announce_in_tx(&mut tx, &notices).await?;
                tx.commit().await?;
                self.announce_committed(notices);
                Ok(stored)
            }
        }
    };
}
pub(crate) use csat_store;
