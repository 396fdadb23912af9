//! `impl SeedStore`; see the parent module for why this is a macro.

/// Rows per multi-row statement: the widest (tickets, 29 columns) stays far
/// under both backends' bind limits (SQLite 32,766; PostgreSQL 65,535).
pub(crate) const SEED_ROWS_PER_STATEMENT: usize = 400;

macro_rules! seed_store {
    ($store:ident) => {
        #[async_trait]
        impl $crate::SeedStore for $store {
            #[tracing::instrument(skip_all, fields(tickets = batch.len()))]
            async fn seed_tickets(&self, batch: &[$crate::SeedTicket]) -> Result<()> {
                use $crate::sql::seed::SEED_ROWS_PER_STATEMENT as ROWS;
                let mut tx = self.writer().begin().await?;
                for chunk in batch.chunks(ROWS) {
                    let mut q = QueryBuilder::<Db>::new(
                        "INSERT INTO tickets (id, customer_id, kind, channel, line, topic, \
                         problem_kind, problem_text, order_number, subject, status, priority, \
                         reply_channel, assignee_id, due_at, first_response_at, resolved_at, \
                         created_at, updated_at, version, at_risk_at, priority_rule, sla, \
                         contact_id, origin_endpoint, origin_address, origin_thread, live, \
                         last_seq) ",
                    );
                    q.push(Self::SEED_GIVEN_IDS);
                    let mut failed = None;
                    q.push_values(chunk, |mut b, s| {
                        let t = &s.ticket;
                        let (problem_kind, problem_text) = codec::problem_columns(&t.problem);
                        let (customer, contact) = codec::requester_columns(&t.requester);
                        let sla = codec::sla_json(&t.sla).unwrap_or_else(|e| {
                            failed = Some(e);
                            None
                        });
                        let origin = t.origin.as_ref();
                        b.push_bind(t.id.0)
                            .push_bind(customer)
                            .push_bind(t.kind.as_str())
                            .push_bind(t.channel.as_str())
                            .push_bind(t.line.clone())
                            .push_bind(t.topic.clone())
                            .push_bind(problem_kind)
                            .push_bind(problem_text.to_owned())
                            .push_bind(t.order_number.as_ref().map(|n| n.as_str().to_owned()))
                            .push_bind(t.subject.clone())
                            .push_bind(t.status.as_str())
                            .push_bind(t.priority.as_str())
                            .push_bind(t.reply_channel.as_str())
                            .push_bind(t.assignee.map(|o| o.0))
                            .push_bind(codec::opt_millis(t.due_at))
                            .push_bind(codec::opt_millis(t.first_response_at))
                            .push_bind(codec::opt_millis(t.resolved_at))
                            .push_bind(codec::millis(t.created_at))
                            .push_bind(codec::millis(t.updated_at))
                            .push_bind(t.version)
                            .push_bind(codec::opt_millis(t.at_risk_at))
                            .push_bind(t.priority_rule.clone())
                            .push_bind(sla)
                            .push_bind(contact)
                            .push_bind(origin.map(|o| o.endpoint.clone()))
                            .push_bind(origin.map(|o| o.address.clone()))
                            .push_bind(origin.and_then(|o| o.thread.clone()))
                            .push_bind(t.channel.is_live())
                            .push_bind(s.messages.len() as i64);
                    });
                    if let Some(e) = failed {
                        return Err(e);
                    }
                    q.build().execute(&mut *tx).await?;
                }
                let events: Vec<_> = batch
                    .iter()
                    .flat_map(|s| s.events.iter().map(move |e| (s.ticket.id, e)))
                    .collect();
                for chunk in events.chunks(ROWS * 4) {
                    let payloads = chunk
                        .iter()
                        .map(|(_, e)| codec::to_json(&e.event))
                        .collect::<Result<Vec<_>>>()?;
                    let mut q = QueryBuilder::<Db>::new(
                        "INSERT INTO ticket_events (ticket_id, actor_kind, actor_id, kind, payload, at) ",
                    );
                    q.push_values(chunk.iter().zip(payloads), |mut b, ((ticket, e), payload)| {
                        b.push_bind(ticket.0)
                            .push_bind(e.actor.kind())
                            .push_bind(e.actor.id_text())
                            .push_bind(e.event.code())
                            .push_bind(payload)
                            .push_bind(codec::millis(e.at));
                    });
                    q.build().execute(&mut *tx).await?;
                }
                let messages: Vec<_> = batch
                    .iter()
                    .flat_map(|s| {
                        s.messages
                            .iter()
                            .enumerate()
                            .map(move |(i, m)| (s.ticket.id, i as i64 + 1, m))
                    })
                    .collect();
                for chunk in messages.chunks(ROWS * 3) {
                    let mut q = QueryBuilder::<Db>::new(
                        "INSERT INTO messages (ticket_id, seq, author_kind, author_id, visibility, \
                         body, created_at) ",
                    );
                    q.push_values(chunk, |mut b, (ticket, seq, m)| {
                        b.push_bind(ticket.0)
                            .push_bind(*seq)
                            .push_bind(m.author.kind())
                            .push_bind(m.author.id_text())
                            .push_bind(codec::visibility_code(m.visibility))
                            .push_bind(m.body.clone())
                            .push_bind(codec::millis(m.at));
                    });
                    q.build().execute(&mut *tx).await?;
                }
                let calls: Vec<_> = batch.iter().flat_map(|s| s.calls.iter()).collect();
                for chunk in calls.chunks(ROWS) {
                    let data = chunk.iter().map(|c| codec::to_json(c)).collect::<Result<Vec<_>>>()?;
                    let mut q = QueryBuilder::<Db>::new(
                        "INSERT INTO phone_calls (call_id, number, caller, customer_id, contact_id, \
                         line, action, state, outcome, operator_id, ticket_id, offered_at, \
                         answered_at, ended_at, timed_out, data, version) ",
                    );
                    q.push_values(chunk.iter().zip(data), |mut b, (c, data)| {
                        // The phone store's own helper: the same columns as a live call.
                        let (customer, contact) = requester_cols(c.requester.as_ref());
                        b.push_bind(c.call_id.clone())
                            .push_bind(c.number.as_str().to_owned())
                            .push_bind(c.caller.number().map(|n| n.as_str().to_owned()))
                            .push_bind(customer)
                            .push_bind(contact)
                            .push_bind(c.line.clone())
                            .push_bind(c.decision.action())
                            .push_bind(c.state.as_str())
                            .push_bind(c.outcome.map(|o| o.as_str()))
                            .push_bind(c.operator.map(|o| o.0))
                            .push_bind(c.ticket.map(|t| t.0))
                            .push_bind(codec::millis(c.offered_at))
                            .push_bind(codec::opt_millis(c.answered_at))
                            .push_bind(codec::opt_millis(c.ended_at))
                            .push_bind(c.timed_out)
                            .push_bind(data)
                            .push_bind(c.version);
                    });
                    q.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn seed_finish(&self) -> Result<()> {
                sqlx::query(Self::SEED_FINISH).execute(self.writer()).await?;
                Ok(())
            }
        }
    };
}
pub(crate) use seed_store;
