//! `impl PhoneStore`; see the parent module for why this is a macro.

macro_rules! phone_store {
    ($store:ident) => {
        /// The customer and contact columns of an optional requester.
        fn requester_cols(r: Option<&Requester>) -> (Option<String>, Option<i64>) {
            match r {
                Some(r) => {
                    let (customer, contact) = codec::requester_columns(r);
                    ((!customer.is_empty()).then_some(customer), contact)
                }
                None => (None, None),
            }
        }

        /// A count column (never negative).
        fn count_col(r: &<Db as sqlx::Database>::Row, col: &str) -> Result<u64> {
            Ok(u64::try_from(r.int(col)?).unwrap_or(0))
        }

        fn call_columns(c: &switchboard_domain::phone::Call) -> (Option<String>, Option<i64>) {
            requester_cols(c.requester.as_ref())
        }

        #[async_trait]
        impl PhoneStore for $store {
            #[tracing::instrument(skip_all, fields(call_id = %call.call_id))]
            async fn offer_call(
                &self,
                call: &switchboard_domain::phone::Call,
                callback: Option<&switchboard_domain::phone::Callback>,
                pop: Option<&ScreenPop>,
            ) -> Result<(switchboard_domain::phone::Call, bool)> {
                let (customer, contact) = call_columns(call);
                let mut tx = self.writer().begin().await?;
                let inserted = sqlx::query(
                    "INSERT INTO phone_calls (call_id, number, caller, customer_id, contact_id, \
                     line, action, state, outcome, offered_at, ended_at, data, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1) \
                     ON CONFLICT (call_id) DO NOTHING RETURNING data, version",
                )
                .bind(&call.call_id)
                .bind(call.number.as_str())
                .bind(call.caller.number().map(|n| n.as_str().to_owned()))
                .bind(customer)
                .bind(contact)
                .bind(&call.line)
                .bind(call.decision.action())
                .bind(call.state.as_str())
                .bind(call.outcome.map(|o| o.as_str()))
                .bind(codec::millis(call.offered_at))
                .bind(codec::opt_millis(call.ended_at))
                .bind(codec::to_json(call)?)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = inserted else {
                    drop(tx);
                    return Ok((self.call(&call.call_id).await?, false));
                };
                let stored = codec::call(&row)?;
                if let Some(cb) = callback {
                    upsert_callback(&mut tx, cb).await?;
                }
                let notices: Vec<Notice> = pop
                    .map(|p| Notice::ScreenPop { pop: Box::new(p.clone()) })
                    .into_iter()
                    .collect();
                self.announce_in_tx(&mut tx, &notices).await?;
                tx.commit().await?;
                self.announce_committed(notices);
                Ok((stored, true))
            }

            #[tracing::instrument(skip_all)]
            async fn call(&self, call_id: &str) -> Result<switchboard_domain::phone::Call> {
                let row = sqlx::query("SELECT data, version FROM phone_calls WHERE call_id = $1")
                    .bind(call_id)
                    .fetch_optional(self.reader())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                codec::call(&row)
            }

            #[tracing::instrument(skip_all, fields(call_id = %call.call_id))]
            async fn save_call(
                &self,
                call: &switchboard_domain::phone::Call,
                callback: Option<&switchboard_domain::phone::Callback>,
            ) -> Result<(
                switchboard_domain::phone::Call,
                Option<switchboard_domain::phone::Callback>,
            )> {
                let mut tx = self.writer().begin().await?;
                let stored = update_call(&mut tx, call).await?;
                let cb = match callback {
                    Some(cb) => Some(upsert_callback(&mut tx, cb).await?),
                    None => None,
                };
                tx.commit().await?;
                Ok((stored, cb))
            }

            #[tracing::instrument(skip_all, fields(call_id = %call.call_id))]
            async fn attach_call(
                &self,
                call: &switchboard_domain::phone::Call,
                actor: &Actor,
                event: &TicketEvent,
            ) -> Result<switchboard_domain::phone::Call> {
                let ticket = call.ticket.ok_or(StoreError::NotFound)?;
                let mut tx = self.writer().begin().await?;
                let stored = update_call(&mut tx, call).await?;
                let at = stored.ended_at.unwrap_or(stored.offered_at);
                insert_events(&mut tx, ticket, actor, std::slice::from_ref(event), at).await?;
                tx.commit().await?;
                Ok(stored)
            }

            #[tracing::instrument(skip_all)]
            async fn calls(
                &self,
                filter: &CallFilter,
                limit: u32,
            ) -> Result<Vec<switchboard_domain::phone::Call>> {
                let limit = page_size(limit);
                let rows = match filter {
                    CallFilter::Requester(r) => {
                        let (customer, contact) = codec::requester_columns(r);
                        match contact {
                            Some(contact) => sqlx::query(
                                "SELECT data, version FROM phone_calls WHERE contact_id = $1 \
                                 ORDER BY offered_at DESC, id DESC LIMIT $2",
                            )
                            .bind(contact),
                            None => sqlx::query(
                                "SELECT data, version FROM phone_calls WHERE customer_id = $1 \
                                 ORDER BY offered_at DESC, id DESC LIMIT $2",
                            )
                            .bind(customer),
                        }
                        .bind(limit)
                        .fetch_all(self.reader())
                        .await?
                    }
                    CallFilter::Ticket(t) => sqlx::query(
                        "SELECT data, version FROM phone_calls WHERE ticket_id = $1 \
                         ORDER BY offered_at DESC, id DESC LIMIT $2",
                    )
                    .bind(t.0)
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await?,
                    CallFilter::Between(from, to) => sqlx::query(
                        "SELECT data, version FROM phone_calls WHERE offered_at >= $1 \
                         AND offered_at < $2 ORDER BY offered_at, id LIMIT $3",
                    )
                    .bind(codec::millis(*from))
                    .bind(codec::millis(*to))
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await?,
                };
                rows.iter().map(codec::call).collect()
            }

            #[tracing::instrument(skip_all)]
            async fn open_calls(&self, limit: u32) -> Result<Vec<switchboard_domain::phone::Call>> {
                sqlx::query(
                    "SELECT data, version FROM phone_calls WHERE state <> 'ended' \
                     ORDER BY offered_at, id LIMIT $1",
                )
                .bind(page_size(limit))
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(codec::call)
                .collect()
            }

            #[tracing::instrument(skip_all)]
            async fn operators_on_calls(&self) -> Result<Vec<OperatorId>> {
                sqlx::query(
                    "SELECT DISTINCT operator_id FROM phone_calls \
                     WHERE state = 'answered' AND operator_id IS NOT NULL",
                )
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(|r| Ok(OperatorId(r.int("operator_id")?)))
                .collect()
            }

            #[tracing::instrument(skip_all)]
            async fn callbacks(
                &self,
                filter: &CallbackFilter,
            ) -> Result<Vec<switchboard_domain::phone::Callback>> {
                let (customer, contact) = requester_cols(filter.requester.as_ref());
                let mut q = QueryBuilder::<Db>::new(
                    "SELECT id, calls, version, data FROM phone_callbacks WHERE 1 = 1",
                );
                if let Some(line) = &filter.line {
                    q.push(" AND line = ").push_bind(line.clone());
                }
                if let Some(lines) = &filter.lines {
                    // An empty scope sees nothing.
                    q.push(" AND (1 = 0");
                    for line in lines {
                        q.push(" OR line = ").push_bind(line.clone());
                    }
                    q.push(")");
                }
                if let Some(status) = filter.status {
                    q.push(" AND status = ").push_bind(status.as_str());
                }
                if let Some(customer) = customer {
                    q.push(" AND customer_id = ").push_bind(customer);
                }
                if let Some(contact) = contact {
                    q.push(" AND contact_id = ").push_bind(contact);
                }
                q.push(" ORDER BY due_at, id LIMIT ")
                    .push_bind(page_size(filter.limit));
                q.build()
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(codec::callback)
                .collect()
            }

            #[tracing::instrument(skip_all)]
            async fn callback(&self, id: i64) -> Result<switchboard_domain::phone::Callback> {
                let row = sqlx::query(
                    "SELECT id, calls, version, data FROM phone_callbacks WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(self.reader())
                .await?
                .ok_or(StoreError::NotFound)?;
                codec::callback(&row)
            }

            #[tracing::instrument(skip_all, fields(callback_id = callback.id))]
            async fn save_callback(
                &self,
                callback: &switchboard_domain::phone::Callback,
            ) -> Result<switchboard_domain::phone::Callback> {
                let row = sqlx::query(
                    "UPDATE phone_callbacks SET status = $3, operator_id = $4, taken_at = $5, \
                     done_at = $6, outcome = $7, data = $8, version = version + 1 \
                     WHERE id = $1 AND version = $2 RETURNING id, calls, version, data",
                )
                .bind(callback.id)
                .bind(callback.version)
                .bind(callback.status.as_str())
                .bind(callback.operator.map(|o| o.0))
                .bind(codec::opt_millis(callback.taken_at))
                .bind(codec::opt_millis(callback.done_at))
                .bind(callback.outcome.map(|o| o.as_str()))
                .bind(codec::to_json(callback)?)
                .fetch_optional(self.writer())
                .await?
                .ok_or_else(|| StoreError::Conflict("the callback changed meanwhile".into()))?;
                codec::callback(&row)
            }

            #[tracing::instrument(skip_all)]
            async fn call_stats(
                &self,
                from: Timestamp,
                to: Timestamp,
                answer_within: SignedDuration,
            ) -> Result<Vec<CallStats>> {
                let count = |cond: &str| format!("CAST(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS BIGINT)");
                let sql = format!(
                    "SELECT line, COUNT(*) AS calls, {connected} AS connected, {answered} AS answered, \
                     {in_target} AS in_target, {missed} AS missed, {abandoned} AS abandoned, \
                     {rejected} AS rejected, {off_hours} AS off_hours, {open} AS still_open \
                     FROM phone_calls WHERE offered_at >= $1 AND offered_at < $2 \
                     GROUP BY line ORDER BY line",
                    connected = count("action = 'connect'"),
                    answered = count("answered_at IS NOT NULL"),
                    in_target = count("answered_at IS NOT NULL AND answered_at - offered_at <= $3"),
                    missed = count("outcome = 'missed'"),
                    abandoned = count("outcome = 'abandoned'"),
                    rejected = count("outcome = 'rejected'"),
                    off_hours = count("outcome = 'off_hours'"),
                    open = count("state <> 'ended'"),
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(codec::millis(from))
                    .bind(codec::millis(to))
                    .bind(answer_within.as_millis() as i64)
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(CallStats {
                            line: r.text("line")?,
                            calls: count_col(r, "calls")?,
                            connected: count_col(r, "connected")?,
                            answered: count_col(r, "answered")?,
                            answered_in_target: count_col(r, "in_target")?,
                            missed: count_col(r, "missed")?,
                            abandoned: count_col(r, "abandoned")?,
                            rejected: count_col(r, "rejected")?,
                            off_hours: count_col(r, "off_hours")?,
                            open: count_col(r, "still_open")?,
                        })
                    })
                    .collect()
            }

            #[tracing::instrument(skip_all)]
            async fn callback_stats(
                &self,
                from: Timestamp,
                to: Timestamp,
                now: Timestamp,
            ) -> Result<Vec<CallbackStats>> {
                sqlx::query(
                    "SELECT line, COUNT(*) AS created, \
                     CAST(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS BIGINT) AS done, \
                     CAST(SUM(CASE WHEN status = 'done' AND done_at <= due_at THEN 1 ELSE 0 END) AS BIGINT) AS in_time, \
                     CAST(SUM(CASE WHEN status <> 'done' AND due_at < $3 THEN 1 ELSE 0 END) AS BIGINT) AS overdue \
                     FROM phone_callbacks WHERE created_at >= $1 AND created_at < $2 \
                     GROUP BY line ORDER BY line",
                )
                .bind(codec::millis(from))
                .bind(codec::millis(to))
                .bind(codec::millis(now))
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(|r| {
                    Ok(CallbackStats {
                        line: r.text("line")?,
                        created: count_col(r, "created")?,
                        done: count_col(r, "done")?,
                        done_in_time: count_col(r, "in_time")?,
                        overdue: count_col(r, "overdue")?,
                    })
                })
                .collect()
            }
        }

        async fn update_call(
            conn: &mut Conn,
            call: &switchboard_domain::phone::Call,
        ) -> Result<switchboard_domain::phone::Call> {
            let (customer, contact) = call_columns(call);
            let row = sqlx::query(
                "UPDATE phone_calls SET state = $3, outcome = $4, operator_id = $5, \
                 ticket_id = $6, answered_at = $7, ended_at = $8, timed_out = $9, \
                 customer_id = $10, contact_id = $11, data = $12, version = version + 1 \
                 WHERE call_id = $1 AND version = $2 RETURNING data, version",
            )
            .bind(&call.call_id)
            .bind(call.version)
            .bind(call.state.as_str())
            .bind(call.outcome.map(|o| o.as_str()))
            .bind(call.operator.map(|o| o.0))
            .bind(call.ticket.map(|t| t.0))
            .bind(codec::opt_millis(call.answered_at))
            .bind(codec::opt_millis(call.ended_at))
            .bind(call.timed_out)
            .bind(customer)
            .bind(contact)
            .bind(codec::to_json(call)?)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| StoreError::Conflict("the call changed meanwhile".into()))?;
            codec::call(&row)
        }

        /// A new callback, or one more call on the caller's open one.
        async fn upsert_callback(
            conn: &mut Conn,
            cb: &switchboard_domain::phone::Callback,
        ) -> Result<switchboard_domain::phone::Callback> {
            let (customer, contact) = requester_cols(cb.requester.as_ref());
            let row = sqlx::query(
                "INSERT INTO phone_callbacks (call_id, phone, number, line, customer_id, \
                 contact_id, status, due_at, created_at, calls, data, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, 1) \
                 ON CONFLICT (phone, line) WHERE status <> 'done' \
                 DO UPDATE SET calls = phone_callbacks.calls + 1, \
                 version = phone_callbacks.version + 1 \
                 RETURNING id, calls, version, data",
            )
            .bind(&cb.call_id)
            .bind(cb.phone.as_str())
            .bind(cb.number.as_str())
            .bind(&cb.line)
            .bind(customer)
            .bind(contact)
            .bind(cb.status.as_str())
            .bind(codec::millis(cb.due_at))
            .bind(codec::millis(cb.created_at))
            .bind(codec::to_json(cb)?)
            .fetch_one(&mut *conn)
            .await?;
            codec::callback(&row)
        }
    };
}
pub(crate) use phone_store;
