//! `impl ReportStore`; see the parent module for why this is a macro.

/// The SQL of a report grouping's key.
pub(crate) fn group_key(by: crate::Grouping) -> &'static str {
    use crate::Grouping::*;
    match by {
        All => "CAST('all' AS TEXT)",
        Line => "line",
        Topic => "line || '/' || topic",
        Channel => "channel",
        Priority => "priority",
        Operator => "COALESCE(CAST(operator_id AS TEXT), '')",
    }
}

/// The column a measure reads.
pub(crate) fn measure_column(m: crate::Measure) -> &'static str {
    use crate::Measure::*;
    match m {
        FirstResponse { business: false } => "first_ms",
        FirstResponse { business: true } => "first_biz_ms",
        Resolution { business: false } => "resolution_ms",
        Resolution { business: true } => "resolution_biz_ms",
    }
}

/// Statuses of open tickets, as SQL.
pub(crate) const OPEN_STATUSES: &str =
    "('new', 'with_bot', 'queued', 'assigned', 'waiting_for_customer')";

/// Facts saved per statement (25 columns each, well under both backends' bind limits).
pub(crate) const FACTS_PER_STATEMENT: usize = 200;

macro_rules! report_store {
    ($store:ident) => {
        #[async_trait]
        impl ReportStore for $store {
            async fn dirty_tickets(&self, limit: u32) -> Result<Vec<DirtyMark>> {
                sqlx::query("SELECT ticket_id, stamp FROM report_dirty ORDER BY ticket_id LIMIT $1")
                    .bind(i64::from(limit))
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(DirtyMark {
                            ticket: TicketId(r.int("ticket_id")?),
                            stamp: r.int("stamp")?,
                        })
                    })
                    .collect()
            }

            #[tracing::instrument(skip_all, fields(tickets = tickets.len()))]
            async fn fact_inputs(&self, tickets: &[TicketId]) -> Result<Vec<FactInput>> {
                if tickets.is_empty() {
                    return Ok(Vec::new());
                }
                let ids: Vec<i64> = tickets.iter().map(|t| t.0).collect();
                let mut inputs = std::collections::BTreeMap::new();
                let rows = in_ids(concat!("SELECT ", ticket_columns!(), " FROM tickets WHERE id IN "), &ids, "")
                    .build()
                    .fetch_all(self.reader())
                    .await?;
                for row in &rows {
                    let t = codec::ticket(row)?;
                    inputs.insert(t.id, FactInput {
                        head: TicketHead {
                            id: t.id,
                            channel: t.channel,
                            line: t.line.clone(),
                            topic: t.topic.clone(),
                            priority: t.priority,
                            kind: t.kind,
                            status: t.status,
                            assignee: t.assignee,
                            created_at: t.created_at,
                        },
                        events: Vec::new(),
                        messages: Vec::new(),
                    });
                }
                let rows = in_ids(
                    "SELECT id, ticket_id, actor_kind, actor_id, payload, at FROM ticket_events WHERE ticket_id IN ",
                    &ids,
                    " ORDER BY ticket_id, id",
                )
                .build()
                .fetch_all(self.reader())
                .await?;
                for row in &rows {
                    let e = codec::event(row)?;
                    if let Some(input) = inputs.get_mut(&e.ticket_id) {
                        input.events.push(LogEvent { at: e.at, actor: e.actor, event: e.event });
                    }
                }
                let rows = in_ids(
                    "SELECT ticket_id, author_kind, author_id, visibility, created_at FROM messages WHERE ticket_id IN ",
                    &ids,
                    " ORDER BY ticket_id, seq",
                )
                .build()
                .fetch_all(self.reader())
                .await?;
                for row in &rows {
                    let (ticket, m) = codec::log_message(row)?;
                    if let Some(input) = inputs.get_mut(&ticket) {
                        input.messages.push(m);
                    }
                }
                Ok(inputs.into_values().collect())
            }

            #[tracing::instrument(skip_all, fields(facts = facts.len()))]
            async fn save_facts(&self, facts: &[TicketFacts], marks: &[DirtyMark]) -> Result<()> {
                let mut tx = self.writer().begin().await?;
                for chunk in facts.chunks($crate::sql::reports::FACTS_PER_STATEMENT) {
                    let mut q = QueryBuilder::<Db>::new("INSERT INTO report_facts (");
                    q.push(codec::FACT_COLUMNS).push(") ");
                    q.push_values(chunk, |mut b, f| {
                        let opt_u8 = f.csat.map(i64::from);
                        b.push_bind(f.ticket.0)
                            .push_bind(codec::millis(f.created_at))
                            .push_bind(f.channel.as_str())
                            .push_bind(f.line.clone())
                            .push_bind(f.topic.clone())
                            .push_bind(f.priority.as_str())
                            .push_bind(f.status.as_str())
                            .push_bind(f.operator.map(|o| o.0))
                            .push_bind(f.first_response.map(|s| s.calendar_ms))
                            .push_bind(f.first_response.map(|s| s.business_ms))
                            .push_bind(i64::from(f.next_responses))
                            .push_bind(f.next_response_total.calendar_ms)
                            .push_bind(f.next_response_total.business_ms)
                            .push_bind(f.resolution.map(|s| s.calendar_ms))
                            .push_bind(f.resolution.map(|s| s.business_ms))
                            .push_bind(f.sla_first.code())
                            .push_bind(f.sla_next.code())
                            .push_bind(f.sla_resolution.code())
                            .push_bind(i64::from(f.reopens))
                            .push_bind(i64::from(f.transfers))
                            .push_bind(i64::from(f.bot_resolved))
                            .push_bind(i64::from(f.handed_over))
                            .push_bind(i64::from(f.claim))
                            .push_bind(i64::from(f.claim_breached))
                            .push_bind(opt_u8);
                    });
                    q.push(
                        " ON CONFLICT (ticket_id) DO UPDATE SET created_at = excluded.created_at, \
                         channel = excluded.channel, line = excluded.line, topic = excluded.topic, \
                         priority = excluded.priority, status = excluded.status, \
                         operator_id = excluded.operator_id, first_ms = excluded.first_ms, \
                         first_biz_ms = excluded.first_biz_ms, next_count = excluded.next_count, \
                         next_total_ms = excluded.next_total_ms, \
                         next_total_biz_ms = excluded.next_total_biz_ms, \
                         resolution_ms = excluded.resolution_ms, \
                         resolution_biz_ms = excluded.resolution_biz_ms, \
                         sla_first = excluded.sla_first, sla_next = excluded.sla_next, \
                         sla_resolution = excluded.sla_resolution, reopens = excluded.reopens, \
                         transfers = excluded.transfers, bot_resolved = excluded.bot_resolved, \
                         handed_over = excluded.handed_over, claim = excluded.claim, \
                         claim_breached = excluded.claim_breached, csat = excluded.csat",
                    );
                    q.build().execute(&mut *tx).await?;
                }
                // One statement per chunk of marks, not one per mark: a bulk
                // load's derivation was dominated by these round trips on
                // PostgreSQL. A mark whose stamp moved on (the ticket changed
                // since it was read) stays, so the ticket is derived again.
                for chunk in marks.chunks($crate::sql::reports::FACTS_PER_STATEMENT) {
                    let mut q = QueryBuilder::<Db>::new(
                        "DELETE FROM report_dirty WHERE (ticket_id, stamp) IN (",
                    );
                    let mut list = q.separated(", ");
                    for m in chunk {
                        list.push("(")
                            .push_bind_unseparated(m.ticket.0)
                            .push_unseparated(", ")
                            .push_bind_unseparated(m.stamp)
                            .push_unseparated(")");
                    }
                    q.push(")");
                    q.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn report_groups(&self, period: ReportPeriod, by: Grouping) -> Result<Vec<FactGroup>> {
                let sql = format!(
                    "SELECT {key} AS key, COUNT(*) AS tickets, COUNT(first_ms) AS first_responses, \
                     {s1} AS sla_first_met, {s2} AS sla_first_breached, \
                     {s3} AS sla_next_met, {s4} AS sla_next_breached, \
                     {s5} AS sla_resolution_met, {s6} AS sla_resolution_breached, \
                     CAST(SUM(next_count) AS BIGINT) AS next_responses, \
                     CAST(SUM(next_total_ms) AS BIGINT) AS next_total_ms, \
                     CAST(SUM(next_total_biz_ms) AS BIGINT) AS next_total_business_ms, \
                     COUNT(resolution_ms) AS resolved, \
                     CAST(SUM(CASE WHEN reopens > 0 THEN 1 ELSE 0 END) AS BIGINT) AS reopened, \
                     CAST(SUM(transfers) AS BIGINT) AS transfers, \
                     CAST(SUM(CASE WHEN transfers > 0 THEN 1 ELSE 0 END) AS BIGINT) AS transferred, \
                     CAST(SUM(CASE WHEN channel IN ('chat', 'telegram', 'vk') THEN 1 ELSE 0 END) AS BIGINT) AS live, \
                     CAST(SUM(bot_resolved) AS BIGINT) AS bot_resolved, \
                     CAST(SUM(handed_over) AS BIGINT) AS handed_over, \
                     CAST(SUM(claim) AS BIGINT) AS claims, \
                     CAST(SUM(CASE WHEN claim = 1 AND resolution_ms IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS claims_resolved, \
                     CAST(SUM(claim_breached) AS BIGINT) AS claims_breached, \
                     COUNT(csat) AS rated, CAST(COALESCE(SUM(csat), 0) AS BIGINT) AS rating_sum, \
                     CAST(SUM(CASE WHEN csat <= 2 THEN 1 ELSE 0 END) AS BIGINT) AS rated_low \
                     FROM report_facts WHERE created_at >= $1 AND created_at < $2 \
                     GROUP BY {key} ORDER BY 1",
                    key = $crate::sql::reports::group_key(by),
                    s1 = "CAST(SUM(CASE WHEN sla_first = 1 THEN 1 ELSE 0 END) AS BIGINT)",
                    s2 = "CAST(SUM(CASE WHEN sla_first = 2 THEN 1 ELSE 0 END) AS BIGINT)",
                    s3 = "CAST(SUM(CASE WHEN sla_next = 1 THEN 1 ELSE 0 END) AS BIGINT)",
                    s4 = "CAST(SUM(CASE WHEN sla_next = 2 THEN 1 ELSE 0 END) AS BIGINT)",
                    s5 = "CAST(SUM(CASE WHEN sla_resolution = 1 THEN 1 ELSE 0 END) AS BIGINT)",
                    s6 = "CAST(SUM(CASE WHEN sla_resolution = 2 THEN 1 ELSE 0 END) AS BIGINT)",
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(codec::millis(period.from))
                    .bind(codec::millis(period.to))
                    .fetch_all(self.reader())
                    .await?;
                let n = |r: &<Db as sqlx::Database>::Row, col: &str| -> Result<u64> {
                    let v = r.opt_int(col)?.unwrap_or(0);
                    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("report {col}: {v}")))
                };
                rows.iter()
                    .map(|r| {
                        Ok(FactGroup {
                            key: r.text("key")?,
                            tickets: n(r, "tickets")?,
                            first_responses: n(r, "first_responses")?,
                            sla_first_met: n(r, "sla_first_met")?,
                            sla_first_breached: n(r, "sla_first_breached")?,
                            sla_next_met: n(r, "sla_next_met")?,
                            sla_next_breached: n(r, "sla_next_breached")?,
                            sla_resolution_met: n(r, "sla_resolution_met")?,
                            sla_resolution_breached: n(r, "sla_resolution_breached")?,
                            next_responses: n(r, "next_responses")?,
                            next_total_ms: r.opt_int("next_total_ms")?.unwrap_or(0),
                            next_total_business_ms: r.opt_int("next_total_business_ms")?.unwrap_or(0),
                            resolved: n(r, "resolved")?,
                            reopened: n(r, "reopened")?,
                            transfers: n(r, "transfers")?,
                            transferred: n(r, "transferred")?,
                            live: n(r, "live")?,
                            bot_resolved: n(r, "bot_resolved")?,
                            handed_over: n(r, "handed_over")?,
                            claims: n(r, "claims")?,
                            claims_resolved: n(r, "claims_resolved")?,
                            claims_breached: n(r, "claims_breached")?,
                            rated: n(r, "rated")?,
                            rating_sum: n(r, "rating_sum")?,
                            rated_low: n(r, "rated_low")?,
                        })
                    })
                    .collect()
            }

            #[tracing::instrument(skip_all)]
            async fn report_values(&self, period: ReportPeriod, measure: Measure) -> Result<Vec<i64>> {
                let col = $crate::sql::reports::measure_column(measure);
                let sql = format!(
                    "SELECT {col} AS v FROM report_facts WHERE created_at >= $1 AND created_at < $2 \
                     AND {col} IS NOT NULL"
                );
                let mut values = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
                    .bind(codec::millis(period.from))
                    .bind(codec::millis(period.to))
                    .fetch_all(self.reader())
                    .await?;
                values.sort_unstable();
                Ok(values)
            }

            #[tracing::instrument(skip_all)]
            async fn report_volume(&self, period: ReportPeriod, bucket_ms: i64) -> Result<Vec<VolumeBucket>> {
                let bucket_ms = bucket_ms.max(1);
                let rows = sqlx::query(
                    "SELECT (created_at - $1) / $3 AS bucket, channel, COUNT(*) AS tickets \
                     FROM report_facts WHERE created_at >= $1 AND created_at < $2 \
                     GROUP BY (created_at - $1) / $3, channel ORDER BY 1, 2",
                )
                .bind(codec::millis(period.from))
                .bind(codec::millis(period.to))
                .bind(bucket_ms)
                .fetch_all(self.reader())
                .await?;
                rows.iter()
                    .map(|r| {
                        let start = codec::millis(period.from) + r.int("bucket")? * bucket_ms;
                        Ok(VolumeBucket {
                            start: Timestamp::from_millisecond(start)
                                .map_err(|_| StoreError::Corrupt(format!("volume bucket {start}")))?,
                            channel: r.text("channel")?,
                            tickets: u64::try_from(r.int("tickets")?).unwrap_or(0),
                        })
                    })
                    .collect()
            }

            #[tracing::instrument(skip_all)]
            async fn report_backlog(&self, older_than: &[Timestamp]) -> Result<Vec<BacklogRow>> {
                let mut q = QueryBuilder::<Db>::new("SELECT status, channel, COUNT(*) AS tickets, MIN(created_at) AS oldest");
                for (i, at) in older_than.iter().enumerate() {
                    q.push(", CAST(SUM(CASE WHEN created_at < ")
                        .push_bind(codec::millis(*at))
                        .push(format!(" THEN 1 ELSE 0 END) AS BIGINT) AS older_{i}"));
                }
                q.push(" FROM tickets WHERE status IN ")
                    .push($crate::sql::reports::OPEN_STATUSES)
                    .push(" GROUP BY status, channel ORDER BY 1, 2");
                let rows = q.build().fetch_all(self.reader()).await?;
                rows.iter()
                    .map(|r| {
                        let older = (0..older_than.len())
                            .map(|i| Ok(u64::try_from(r.int(&format!("older_{i}"))?).unwrap_or(0)))
                            .collect::<Result<Vec<u64>>>()?;
                        Ok(BacklogRow {
                            status: r.text("status")?,
                            channel: r.text("channel")?,
                            tickets: u64::try_from(r.int("tickets")?).unwrap_or(0),
                            older_than: older,
                            oldest: codec::oldest(r)?,
                        })
                    })
                    .collect()
            }

            async fn helped_suggestions(&self, period: ReportPeriod) -> Result<u64> {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM kb_suggestions WHERE feedback = 'helped' \
                     AND feedback_at >= $1 AND feedback_at < $2",
                )
                .bind(codec::millis(period.from))
                .bind(codec::millis(period.to))
                .fetch_one(self.reader())
                .await?;
                Ok(u64::try_from(n).unwrap_or(0))
            }

            async fn facts_page(
                &self,
                period: ReportPeriod,
                after: Option<(Timestamp, TicketId)>,
                limit: u32,
            ) -> Result<Vec<TicketFacts>> {
                let (after_at, after_id) = match after {
                    Some((at, id)) => (codec::millis(at), id.0),
                    None => (codec::millis(period.from), 0),
                };
                let sql = format!(
                    "SELECT {} FROM report_facts WHERE created_at >= $1 AND created_at < $2 \
                     AND (created_at > $3 OR (created_at = $3 AND ticket_id > $4)) \
                     ORDER BY created_at, ticket_id LIMIT $5",
                    codec::FACT_COLUMNS
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(codec::millis(period.from))
                    .bind(codec::millis(period.to))
                    .bind(after_at)
                    .bind(after_id)
                    .bind(i64::from(limit.clamp(1, 10_000)))
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::facts)
                    .collect()
            }
        }

        /// `prefix (id, id, …) suffix`.
        fn in_ids(prefix: &str, ids: &[i64], suffix: &str) -> QueryBuilder<Db> {
            let mut q = QueryBuilder::<Db>::new(prefix);
            q.push("(");
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(")").push(suffix);
            q
        }
    };
}
pub(crate) use report_store;
