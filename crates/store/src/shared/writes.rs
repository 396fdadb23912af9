//! Steps of the write transactions: a message with its attachments, audit
//! events, outbox rows. Expanded inside the module [`impl_store!`] generates,
//! which defines `Conn` (the backend's connection type) and the imports.
//!
//! [`impl_store!`]: super::impl_store

macro_rules! write_steps {
    () => {
        /// Appends a message and its attachments to a ticket, in the caller's transaction.
        async fn insert_message(
            conn: &mut Conn,
            ticket: TicketId,
            message: &NewMessage,
            at: Timestamp,
        ) -> Result<i64> {
            let row = sqlx::query(
                "INSERT INTO messages (ticket_id, author_kind, author_id, visibility, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(ticket.0)
            .bind(message.author.kind())
            .bind(message.author.id_text())
            .bind(codec::visibility_code(message.visibility))
            .bind(&message.body)
            .bind(codec::millis(at))
            .fetch_one(&mut *conn)
            .await?;
            let id = row.int("id")?;
            for (position, a) in message.attachments.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO message_attachments \
                     (message_id, position, hash, file_name, content_type, size) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(codec::to_bigint(position, "attachment position")?)
                .bind(a.hash.as_str())
                .bind(&a.file_name)
                .bind(&a.content_type)
                .bind(codec::to_bigint(a.size, "attachment size")?)
                .execute(&mut *conn)
                .await?;
            }
            Ok(id)
        }

        async fn insert_events(
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

        /// Queues notifications for delivery, due at once.
        async fn insert_notifications(
            conn: &mut Conn,
            ticket: Option<TicketId>,
            notifications: &[Notification],
            at: Timestamp,
        ) -> Result<()> {
            for n in notifications {
                sqlx::query(
                    "INSERT INTO outbox \
                     (ticket_id, channel, recipient, subject, body, status, attempts, \
                      next_attempt_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)",
                )
                .bind(ticket.map(|t| t.0))
                .bind(n.channel.as_str())
                .bind(&n.recipient)
                .bind(&n.subject)
                .bind(&n.body)
                .bind(codec::millis(at))
                .execute(&mut *conn)
                .await?;
            }
            Ok(())
        }

        async fn ticket_exists(conn: &mut Conn, ticket: TicketId) -> Result<bool> {
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
