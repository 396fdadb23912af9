//! `impl DashboardStore`; see the parent module for why this is a macro.

macro_rules! dashboard_store {
    ($store:ident) => {
        #[async_trait]
        impl DashboardStore for $store {
            #[tracing::instrument(skip_all)]
            async fn queue_figures(&self) -> Result<Vec<QueueFigure>> {
                sqlx::query(
                    "SELECT line, topic, COUNT(*) AS waiting, \
                     SUM(CASE WHEN live THEN 1 ELSE 0 END) AS live, MIN(created_at) AS oldest \
                     FROM tickets WHERE status IN ('new', 'queued') AND assignee_id IS NULL \
                     GROUP BY line, topic ORDER BY line, topic",
                )
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(|r| {
                    Ok(QueueFigure {
                        line: r.text("line")?,
                        topic: r.text("topic")?,
                        live: codec::count(r, "dashboard", "live")?,
                        waiting: codec::count(r, "dashboard", "waiting")?,
                        oldest: codec::timestamp("queue", "oldest", r.int("oldest")?)?,
                    })
                })
                .collect()
            }

            #[tracing::instrument(skip_all)]
            async fn operator_states(&self, now: Timestamp) -> Result<Vec<OperatorState>> {
                sqlx::query(
                    "SELECT o.id, o.name, o.role, o.capacity, \
                     CASE WHEN p.seen_until > $1 THEN p.status ELSE 'offline' END AS status, \
                     (SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = o.id AND t.live \
                      AND t.status IN ('assigned', 'waiting_for_customer')) AS live_load, \
                     (SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = o.id \
                      AND t.status NOT IN ('resolved', 'closed')) AS assigned \
                     FROM operators o LEFT JOIN operator_presence p ON p.operator_id = o.id \
                     WHERE o.active ORDER BY o.id",
                )
                .bind(codec::millis(now))
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(|r| {
                    let role = r.text("role")?;
                    let status = r.text("status")?;
                    Ok(OperatorState {
                        id: OperatorId(r.int("id")?),
                        name: r.text("name")?,
                        role: Role::parse(&role)
                            .ok_or_else(|| codec::corrupt("operators", "role", &role))?,
                        capacity: codec::count(r, "dashboard", "capacity")?,
                        status: PresenceStatus::parse(&status)
                            .ok_or_else(|| codec::corrupt("presence", "status", &status))?,
                        live_load: codec::count(r, "dashboard", "live_load")?,
                        assigned: codec::count(r, "dashboard", "assigned")?,
                    })
                })
                .collect()
            }

            #[tracing::instrument(skip_all)]
            async fn volume_by_channel(&self, since: Timestamp) -> Result<Vec<HourCount>> {
                sqlx::query(
                    "SELECT channel AS key, created_at / 3600000 AS hour, COUNT(*) AS n \
                     FROM tickets WHERE created_at >= $1 GROUP BY channel, hour \
                     ORDER BY hour, channel",
                )
                .bind(codec::millis(since))
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(|r| {
                    Ok(HourCount {
                        key: r.text("key")?,
                        hour: r.int("hour")?,
                        count: codec::count(r, "dashboard", "n")?,
                        breached: 0,
                    })
                })
                .collect()
            }

            #[tracing::instrument(skip_all)]
            async fn sla_by_line(&self, since: Timestamp) -> Result<Vec<HourCount>> {
                sqlx::query(
                    "SELECT t.line AS key, t.created_at / 3600000 AS hour, COUNT(*) AS n, \
                     SUM(CASE WHEN EXISTS (SELECT 1 FROM ticket_events e \
                       WHERE e.ticket_id = t.id AND e.kind = 'sla_breached') THEN 1 ELSE 0 END) \
                       AS breached \
                     FROM tickets t WHERE t.created_at >= $1 AND t.sla IS NOT NULL \
                     GROUP BY t.line, hour ORDER BY hour, t.line",
                )
                .bind(codec::millis(since))
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(|r| {
                    Ok(HourCount {
                        key: r.text("key")?,
                        hour: r.int("hour")?,
                        count: codec::count(r, "dashboard", "n")?,
                        breached: codec::count(r, "dashboard", "breached")?,
                    })
                })
                .collect()
            }

            #[tracing::instrument(skip_all)]
            async fn first_responses(&self, since: Timestamp) -> Result<Vec<MinuteCount>> {
                sqlx::query(
                    "SELECT CASE WHEN (first_response_at - created_at) / 60000 > $2 THEN $2 \
                     ELSE (first_response_at - created_at) / 60000 END AS minutes, COUNT(*) AS n \
                     FROM tickets WHERE created_at >= $1 AND first_response_at IS NOT NULL \
                     GROUP BY minutes ORDER BY minutes",
                )
                .bind(codec::millis(since))
                .bind(FIRST_RESPONSE_CAP_MINUTES)
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(|r| {
                    Ok(MinuteCount {
                        minutes: r.int("minutes")?.max(0),
                        count: codec::count(r, "dashboard", "n")?,
                    })
                })
                .collect()
            }
        }
    };
}
pub(crate) use dashboard_store;
