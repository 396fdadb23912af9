//! Steps of the write transactions: a ticket row, a message with its
//! attachments, a versioned ticket update, audit events, outbox rows, outside
//! ids. Expanded inside the module [`impl_store!`] generates, which defines
//! `Conn` (the backend's connection type) and the imports.
//!
//! [`impl_store!`]: super::impl_store

macro_rules! write_steps {
    () => {
        /// Appends a message and its attachments to a ticket, in the caller's
        /// transaction, with the ticket's next sequence number (which row-locks
        /// the ticket until commit).
        pub(crate) async fn insert_message(
            conn: &mut Conn,
            ticket: TicketId,
            message: &NewMessage,
            client_id: Option<&str>,
            at: Timestamp,
        ) -> Result<StoredMessage> {
            let seq = sqlx::query(
                "UPDATE tickets SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq",
            )
            .bind(ticket.0)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound)?
            .int("last_seq")?;
            let m = StoredMessage {
                ticket_id: ticket,
                seq,
                id: 0,
                author: message.author.clone(),
                visibility: message.visibility,
                body: message.body.clone(),
                attachments: message.attachments.clone(),
                client_id: client_id.map(str::to_owned),
                meta: None,
                created_at: at,
            };
            let id = insert_message_row(conn, &m).await?;
            Ok(StoredMessage { id, ..m })
        }

        /// Inserts a message row with the sequence number it carries, and its
        /// attachments; returns its id.
        pub(crate) async fn insert_message_row(conn: &mut Conn, m: &StoredMessage) -> Result<i64> {
            let id = sqlx::query(
                "INSERT INTO messages (ticket_id, seq, author_kind, author_id, visibility, body, \
                 client_id, meta, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(m.ticket_id.0)
            .bind(m.seq)
            .bind(m.author.kind())
            .bind(m.author.id_text())
            .bind(codec::visibility_code(m.visibility))
            .bind(&m.body)
            .bind(m.client_id.as_deref())
            .bind(m.meta.as_deref())
            .bind(codec::millis(m.created_at))
            .fetch_one(&mut *conn)
            .await?
            .int("id")?;
            insert_attachments(conn, id, &m.attachments).await?;
            Ok(id)
        }

        pub(crate) async fn insert_attachments(
            conn: &mut Conn,
            message_id: i64,
            attachments: &[AttachmentMeta],
        ) -> Result<()> {
            for (position, a) in attachments.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO message_attachments \
                     (message_id, position, hash, file_name, content_type, size) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(message_id)
                .bind(codec::to_bigint(position, "attachment position")?)
                .bind(a.hash.as_str())
                .bind(&a.file_name)
                .bind(&a.content_type)
                .bind(codec::to_bigint(a.size, "attachment size")?)
                .execute(&mut *conn)
                .await?;
            }
            Ok(())
        }

        /// Stores `t` computed from version `t.version`, bumping it; `Conflict`
        /// when the row moved on meanwhile, `NotFound` when there is none.
        pub(crate) async fn update_ticket(conn: &mut Conn, t: &Ticket) -> Result<Ticket> {
            let (problem_kind, problem_text) = codec::problem_columns(&t.problem);
            // Id, requester, channel and creation time never change here (a
            // contact's tickets move to an account only by `link_contact`). A
            // first response is never taken back.
            let row = sqlx::query(concat!(
                "UPDATE tickets SET kind = $3, line = $4, topic = $5, problem_kind = $6, \
                 problem_text = $7, order_number = $8, subject = $9, status = $10, \
                 priority = $11, reply_channel = $12, assignee_id = $13, due_at = $14, \
                 first_response_at = COALESCE(first_response_at, $15), resolved_at = $16, \
                 updated_at = $17, at_risk_at = $18, priority_rule = $19, sla = $20, \
                 version = version + 1 \
                 WHERE id = $1 AND version = $2 RETURNING ",
                ticket_columns!()
            ))
            .bind(t.id.0)
            .bind(t.version)
            .bind(t.kind.as_str())
            .bind(&t.line)
            .bind(&t.topic)
            .bind(problem_kind)
            .bind(problem_text)
            .bind(t.order_number.as_ref().map(|n| n.as_str()))
            .bind(&t.subject)
            .bind(t.status.as_str())
            .bind(t.priority.as_str())
            .bind(t.reply_channel.as_str())
            .bind(t.assignee.map(|a| a.0))
            .bind(codec::opt_millis(t.due_at))
            .bind(codec::opt_millis(t.first_response_at))
            .bind(codec::opt_millis(t.resolved_at))
            .bind(codec::millis(t.updated_at))
            .bind(codec::opt_millis(t.at_risk_at))
            .bind(t.priority_rule.as_deref())
            .bind(codec::sla_json(&t.sla)?)
            .fetch_optional(&mut *conn)
            .await?;
            match row {
                Some(row) => codec::ticket(&row),
                None if ticket_exists(conn, t.id).await? => Err(StoreError::Conflict(
                    "the ticket was changed by someone else; reload it".into(),
                )),
                None => Err(StoreError::NotFound),
            }
        }

        /// The body of `save_change`: the versioned update, its message, events
        /// and outbound, in the caller's transaction. Returns the stored
        /// ticket and the notices to announce.
        pub(crate) async fn write_change(
            conn: &mut Conn,
            change: &TicketChange,
        ) -> Result<(Ticket, Vec<Notice>)> {
            let stored = update_ticket(conn, &change.ticket).await?;
            let at = stored.updated_at;
            let mut notices = vec![Notice::Ticket { ticket: Box::new(stored.clone()) }];
            let mut seq = None;
            if let Some(message) = &change.message {
                let m = insert_message(conn, stored.id, message, None, at).await?;
                seq = Some(m.seq);
                notices.push(message_notice(&stored, &m));
            }
            insert_events(conn, stored.id, &change.actor, &change.events, at).await?;
            insert_outbound(conn, Some(stored.id), seq, &change.outbound, at).await?;
            Ok((stored, notices))
        }

        /// Inserts a ticket row; `None` when `client_ref` was used before by
        /// the same requester (the ticket it opened is returned by the caller).
        pub(crate) async fn insert_ticket(
            conn: &mut Conn,
            ticket: &NewTicket,
            client_ref: Option<&str>,
        ) -> Result<Option<Ticket>> {
            let (problem_kind, problem_text) = codec::problem_columns(&ticket.problem);
            let (customer, contact) = codec::requester_columns(&ticket.requester);
            let origin = ticket.origin.as_ref();
            let row = sqlx::query(concat!(
                "INSERT INTO tickets (customer_id, kind, channel, line, topic, problem_kind, \
                 problem_text, order_number, subject, status, priority, reply_channel, due_at, \
                 created_at, updated_at, version, client_ref, at_risk_at, priority_rule, sla, \
                 contact_id, origin_endpoint, origin_address, origin_thread, live) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1, $15, \
                 $16, $17, $18, $19, $20, $21, $22, $23) \
                 ON CONFLICT (customer_id, client_ref) WHERE client_ref IS NOT NULL DO NOTHING \
                 RETURNING ",
                ticket_columns!()
            ))
            .bind(customer)
            .bind(ticket.kind.as_str())
            .bind(ticket.channel.as_str())
            .bind(&ticket.line)
            .bind(&ticket.topic)
            .bind(problem_kind)
            .bind(problem_text)
            .bind(ticket.order_number.as_ref().map(|n| n.as_str()))
            .bind(&ticket.subject)
            .bind(ticket.status.as_str())
            .bind(ticket.priority.as_str())
            .bind(ticket.reply_channel.as_str())
            .bind(codec::opt_millis(ticket.due_at))
            .bind(codec::millis(ticket.created_at))
            .bind(client_ref.map(|c| codec::client_ref(&ticket.requester, c)))
            .bind(codec::opt_millis(ticket.at_risk_at))
            .bind(ticket.priority_rule.as_deref())
            .bind(codec::sla_json(&ticket.sla)?)
            .bind(contact)
            .bind(origin.map(|o| o.endpoint.as_str()))
            .bind(origin.map(|o| o.address.as_str()))
            .bind(origin.and_then(|o| o.thread.as_deref()))
            .bind(ticket.channel.is_live())
            .fetch_optional(&mut *conn)
            .await?;
            // Built from the stored row, so timestamps carry the stored precision.
            row.as_ref().map(codec::ticket).transpose()
        }

        pub(crate) async fn insert_events(
            conn: &mut Conn,
            ticket: TicketId,
            actor: &Actor,
            events: &[TicketEvent],
            at: Timestamp,
        ) -> Result<()> {
            for event in events {
                sqlx::query(
                    "INSERT INTO ticket_events (ticket_id, actor_kind, actor_id, kind, payload, at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(ticket.0)
                .bind(actor.kind())
                .bind(actor.id_text())
                .bind(event.code())
                .bind(codec::to_json(event)?)
                .bind(codec::millis(at))
                .execute(&mut *conn)
                .await?;
            }
            Ok(())
        }

        /// Queues outbound messages for delivery, due at once; `seq` ties them
        /// to the conversation message they deliver.
        pub(crate) async fn insert_outbound(
            conn: &mut Conn,
            ticket: Option<TicketId>,
            seq: Option<i64>,
            outbound: &[Outbound],
            at: Timestamp,
        ) -> Result<()> {
            for o in outbound {
                sqlx::query(
                    "INSERT INTO outbox \
                     (ticket_id, channel, recipient, subject, body, status, attempts, \
                      next_attempt_at, created_at, sensitive, kind, endpoint, thread, \
                      attachments, message_seq, buttons) \
                     VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6, $7, $8, $9, $10, $11, $12, $13)",
                )
                .bind(ticket.map(|t| t.0))
                .bind(o.route.medium.as_str())
                .bind(&o.route.recipient)
                .bind(&o.subject)
                .bind(&o.text)
                .bind(codec::millis(at))
                .bind(o.sensitive)
                .bind(o.kind.as_str())
                .bind(o.route.endpoint.as_deref())
                .bind(o.route.thread.as_deref())
                .bind(codec::to_json(&o.attachments)?)
                .bind(seq)
                .bind(codec::to_json(&o.buttons)?)
                .execute(&mut *conn)
                .await?;
            }
            Ok(())
        }

        /// Records an outside message id; `false` when it was recorded before.
        pub(crate) async fn insert_external(
            conn: &mut Conn,
            channel: Channel,
            external_id: &str,
            ticket: TicketId,
            seq: i64,
            at: Timestamp,
        ) -> Result<bool> {
            let done = sqlx::query(
                "INSERT INTO external_messages (channel, external_id, ticket_id, seq, at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, external_id) DO NOTHING",
            )
            .bind(channel.as_str())
            .bind(external_id)
            .bind(ticket.0)
            .bind(seq)
            .bind(codec::millis(at))
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected() == 1)
        }

        pub(crate) async fn ticket_exists(conn: &mut Conn, ticket: TicketId) -> Result<bool> {
            Ok(sqlx::query("SELECT id FROM tickets WHERE id = $1")
                .bind(ticket.0)
                .fetch_optional(&mut *conn)
                .await?
                .is_some())
        }

        async fn outbox_row_exists(pool: &Pool, id: i64) -> Result<bool> {
            Ok(sqlx::query("SELECT id FROM outbox WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
                .is_some())
        }
    };
}
pub(crate) use write_steps;
