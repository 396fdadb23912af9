//! `impl TicketStore`; see the parent module for why this is a macro.

macro_rules! ticket_store {
    ($store:ident) => {
        #[async_trait]
        impl TicketStore for $store {
            #[tracing::instrument(
                skip_all,
                fields(ticket_id = tracing::field::Empty, requester = %ticket.requester)
            )]
            async fn create_ticket(&self, ticket: &NewTicket, opening: Opening) -> Result<Opened> {
                let mut tx = self.writer().begin().await?;
                if let Some(id) = &opening.external_id
                    && let Some(found) = external_ref(&mut tx, ticket.channel, std::slice::from_ref(id)).await?
                {
                    // A redelivery of the message that opened a ticket.
                    drop(tx);
                    return self.opened_before(found.ticket, found.seq).await;
                }
                let Some(stored) = insert_ticket(&mut tx, ticket, opening.client_id.as_deref()).await? else {
                    drop(tx);
                    let client = opening.client_id.as_deref().unwrap_or_default();
                    let row = sqlx::query("SELECT id FROM tickets WHERE customer_id = $1 AND client_ref = $2")
                        .bind(codec::requester_columns(&ticket.requester).0)
                        .bind(codec::client_ref(&ticket.requester, client))
                        .fetch_one(self.writer())
                        .await?;
                    return self.opened_before(TicketId(row.int("id")?), 1).await;
                };
                tracing::Span::current().record("ticket_id", stored.id.0);
                let at = stored.created_at;
                let first = insert_message(&mut tx, stored.id, &opening.message, opening.client_id.as_deref(), at)
                    .await?;
                if let Some(id) = &opening.external_id
                    && !insert_external(&mut tx, stored.channel, id, stored.id, first.seq, at).await?
                {
                    return Err(StoreError::Conflict("this message was stored meanwhile".into()));
                }
                let mut events = vec![created_event(&stored)];
                events.extend(opening.events);
                insert_events(&mut tx, stored.id, &opening.message.author, &events, at).await?;
                insert_outbound(&mut tx, Some(stored.id), None, &(opening.notify)(&stored), at).await?;
                let notices = vec![
                    Notice::Ticket { ticket: Box::new(stored.clone()) },
                    message_notice(&stored, &first),
                ];
                self.announce_in_tx(&mut tx, &notices).await?;
                tx.commit().await?;
                self.announce_committed(notices);
                Ok(Opened { ticket: stored, first, created: true })
            }

            #[tracing::instrument(skip_all, fields(ticket_id = id.0))]
            async fn ticket(&self, id: TicketId) -> Result<Ticket> {
                let row = sqlx::query(concat!(
                    "SELECT ", ticket_columns!(), " FROM tickets WHERE id = $1"
                ))
                .bind(id.0)
                .fetch_optional(self.reader())
                .await?
                .ok_or(StoreError::NotFound)?;
                codec::ticket(&row)
            }

            #[tracing::instrument(skip_all)]
            async fn list_tickets(&self, filter: &TicketFilter) -> Result<Vec<Ticket>> {
                select_tickets(self.reader(), filter).await
            }

            #[tracing::instrument(skip_all, fields(ticket_id = ticket.0, after_seq))]
            async fn messages(
                &self,
                ticket: TicketId,
                after_seq: i64,
                limit: u32,
                include_internal: bool,
            ) -> Result<Vec<StoredMessage>> {
                select_messages(self.reader(), ticket, after_seq, limit, include_internal).await
            }

            #[tracing::instrument(skip_all, fields(ticket_id = ticket.0))]
            async fn events(&self, ticket: TicketId) -> Result<Vec<StoredEvent>> {
                sqlx::query(
                    "SELECT id, ticket_id, actor_kind, actor_id, payload, at \
                     FROM ticket_events WHERE ticket_id = $1 ORDER BY id",
                )
                .bind(ticket.0)
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(codec::event)
                .collect()
            }

            #[tracing::instrument(
                skip_all,
                fields(ticket_id = change.ticket.id.0, version = change.ticket.version)
            )]
            async fn save_change(&self, change: &TicketChange) -> Result<Ticket> {
                let mut tx = self.writer().begin().await?;
                let (stored, notices) = write_change(&mut tx, change).await?;
                self.announce_in_tx(&mut tx, &notices).await?;
                tx.commit().await?;
                self.announce_committed(notices);
                Ok(stored)
            }

            #[tracing::instrument(skip_all, fields(ticket_id = ticket.0, events = events.len()))]
            async fn record_events(
                &self,
                ticket: TicketId,
                actor: &Actor,
                events: &[TicketEvent],
                at: Timestamp,
            ) -> Result<()> {
                if events.is_empty() {
                    return Ok(());
                }
                let at = Timestamp::from_millisecond(at.as_millisecond()).unwrap_or(at);
                let mut tx = self.writer().begin().await?;
                insert_events(&mut tx, ticket, actor, events, at)
                    .await
                    .map_err(|e| match e {
                        StoreError::Database(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                            StoreError::NotFound
                        }
                        other => other,
                    })?;
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(ticket_id = ticket.0, hash = %hash))]
            async fn ticket_attachment(
                &self,
                ticket: TicketId,
                hash: &ContentHash,
                include_internal: bool,
            ) -> Result<AttachmentMeta> {
                let row = sqlx::query(
                    "SELECT a.message_id, a.hash, a.file_name, a.content_type, a.size \
                     FROM message_attachments a JOIN messages m ON m.id = a.message_id \
                     WHERE m.ticket_id = $1 AND a.hash = $2 AND (m.visibility = 'public' OR $3) \
                     ORDER BY a.message_id, a.position LIMIT 1",
                )
                .bind(ticket.0)
                .bind(hash.as_str())
                .bind(include_internal)
                .fetch_optional(self.reader())
                .await?
                .ok_or(StoreError::NotFound)?;
                codec::attachment(&row)
            }

            #[tracing::instrument(skip_all, fields(requester = %requester, limit))]
            async fn open_tickets_of(&self, requester: &Requester, limit: u32) -> Result<Vec<Ticket>> {
                let (customer, contact) = codec::requester_columns(requester);
                let query = match contact {
                    Some(contact) => sqlx::query(concat!(
                        "SELECT ", ticket_columns!(), " FROM tickets WHERE contact_id = $1 \
                         AND status NOT IN ('resolved', 'closed') ORDER BY id DESC LIMIT $2"
                    ))
                    .bind(contact),
                    None => sqlx::query(concat!(
                        "SELECT ", ticket_columns!(), " FROM tickets WHERE customer_id = $1 \
                         AND status NOT IN ('resolved', 'closed') ORDER BY id DESC LIMIT $2"
                    ))
                    .bind(customer),
                };
                query
                    .bind(page_size(limit))
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::ticket)
                    .collect()
            }

            #[tracing::instrument(
                skip_all,
                fields(source = source.ticket.id.0, target = target.ticket.id.0)
            )]
            async fn merge_tickets(
                &self,
                source: &TicketChange,
                target: &TicketChange,
                previous_status: Status,
            ) -> Result<(Ticket, Ticket)> {
                let mut tx = self.writer().begin().await?;
                let (s, t, notices) = write_pair(&mut tx, source, target).await?;
                sqlx::query(
                    "INSERT INTO ticket_merges (source_id, target_id, previous_status, merged_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(s.id.0)
                .bind(t.id.0)
                .bind(previous_status.as_str())
                .bind(codec::millis(s.updated_at))
                .execute(&mut *tx)
                .await
                .map_err(|e| conflict_if_unique(e, "the ticket is merged already"))?;
                self.announce_in_tx(&mut tx, &notices).await?;
                tx.commit().await?;
                self.announce_committed(notices);
                Ok((s, t))
            }

            #[tracing::instrument(
                skip_all,
                fields(source = source.ticket.id.0, target = target.ticket.id.0)
            )]
            async fn unmerge_tickets(
                &self,
                source: &TicketChange,
                target: &TicketChange,
            ) -> Result<(Ticket, Ticket)> {
                let mut tx = self.writer().begin().await?;
                let (s, t, notices) = write_pair(&mut tx, source, target).await?;
                let done = sqlx::query("DELETE FROM ticket_merges WHERE source_id = $1 AND target_id = $2")
                    .bind(s.id.0)
                    .bind(t.id.0)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                self.announce_in_tx(&mut tx, &notices).await?;
                tx.commit().await?;
                self.announce_committed(notices);
                Ok((s, t))
            }

            #[tracing::instrument(skip_all, fields(ticket_id = source.0))]
            async fn ticket_merge(&self, source: TicketId) -> Result<Option<TicketMerge>> {
                sqlx::query(
                    "SELECT source_id, target_id, previous_status, merged_at FROM ticket_merges \
                     WHERE source_id = $1",
                )
                .bind(source.0)
                .fetch_optional(self.reader())
                .await?
                .as_ref()
                .map(codec::ticket_merge)
                .transpose()
            }

            #[tracing::instrument(skip_all, fields(ticket_id = target.0))]
            async fn merged_into(&self, target: TicketId) -> Result<Vec<TicketMerge>> {
                sqlx::query(
                    "SELECT source_id, target_id, previous_status, merged_at FROM ticket_merges \
                     WHERE target_id = $1 ORDER BY merged_at, source_id",
                )
                .bind(target.0)
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(codec::ticket_merge)
                .collect()
            }

            #[tracing::instrument(skip_all, fields(after = after.0, limit))]
            async fn open_sla_tickets(&self, after: TicketId, limit: u32) -> Result<Vec<Ticket>> {
                sqlx::query(concat!(
                    "SELECT ", ticket_columns!(), " FROM tickets WHERE id > $1 AND sla IS NOT NULL \
                     AND status NOT IN ('resolved', 'closed') ORDER BY id LIMIT $2"
                ))
                .bind(after.0)
                .bind(i64::from(limit.clamp(1, 10_000)))
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(codec::ticket)
                .collect()
            }

            #[tracing::instrument(
                skip_all,
                fields(ticket_id = change.ticket.id.0, alerts = alerts.len())
            )]
            async fn save_escalation(
                &self,
                change: &TicketChange,
                alerts: &[(OperatorId, TicketEvent)],
                emails: &[Outbound],
            ) -> Result<Ticket> {
                let mut tx = self.writer().begin().await?;
                let (stored, mut notices) = write_change(&mut tx, change).await?;
                let at = stored.updated_at;
                insert_alerts(&mut tx, stored.id, at, alerts, &mut notices).await?;
                insert_outbound(&mut tx, None, None, emails, at).await?;
                self.announce_in_tx(&mut tx, &notices).await?;
                tx.commit().await?;
                self.announce_committed(notices);
                Ok(stored)
            }
        }

        impl $store {
            /// A ticket opened before by the same opening, with its message `seq`.
            async fn opened_before(&self, ticket: TicketId, seq: i64) -> Result<Opened> {
                let t = ticket_row(self.writer(), ticket).await?;
                let first = select_messages(self.writer(), ticket, seq - 1, 1, true)
                    .await?
                    .into_iter()
                    .next()
                    .ok_or_else(|| StoreError::Corrupt(format!("ticket #{} has no message {seq}", ticket.0)))?;
                Ok(Opened { ticket: t, first, created: false })
            }
        }
    };
}
pub(crate) use ticket_store;
