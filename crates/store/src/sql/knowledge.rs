//! Steps of the knowledge-base transactions (see [`crate::knowledge`] for the
//! revision scheme). Expanded inside the module [`impl_store!`] generates,
//! which defines `Conn`, `Pool` and the imports.
//!
//! Booleans are always bound, never written as literals: SQLite keeps them
//! as 0/1 integers and PostgreSQL as BOOLEAN, and a bound `bool` is encoded
//! right for each; `NOT deleted` reads right in both.
//!
//! [`impl_store!`]: super::impl_store

macro_rules! kb_section_columns {
    () => {
        "code, line, name_ru, name_en, position, deleted, revision, updated_at"
    };
}
pub(crate) use kb_section_columns;

macro_rules! kb_article_columns {
    () => {
        "id, section, topics, title_ru, title_en, body_ru, body_en, keywords, published, \
         deleted, revision, updated_at"
    };
}
pub(crate) use kb_article_columns;

macro_rules! kb_steps {
    () => {
        /// Takes the next knowledge-base revision; row-locks the counter until commit.
        async fn kb_next_revision(conn: &mut Conn) -> Result<i64> {
            sqlx::query("UPDATE kb_state SET revision = revision + 1 WHERE id = 1 RETURNING revision")
                .fetch_one(&mut *conn)
                .await?
                .int("revision")
        }

        async fn kb_read_revision(pool: &Pool) -> Result<i64> {
            sqlx::query("SELECT revision FROM kb_state WHERE id = 1")
                .fetch_one(pool)
                .await?
                .int("revision")
        }

        #[allow(clippy::too_many_arguments)]
        async fn kb_log(
            conn: &mut Conn,
            actor: &Actor,
            action: KbAction,
            target_kind: &str,
            target: &str,
            revision: i64,
            payload: String,
            at: Timestamp,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO kb_events \
                 (actor_kind, actor_id, action, target_kind, target, revision, payload, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(actor.kind())
            .bind(actor.id_text())
            .bind(action.as_str())
            .bind(target_kind)
            .bind(target)
            .bind(revision)
            .bind(payload)
            .bind(codec::millis(at))
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        /// Inserts a section, or (when `create`) revives a deleted one; else
        /// updates a live one. `None` when the row is not in the expected state.
        async fn kb_write_section(
            conn: &mut Conn,
            s: &KbSection,
            create: bool,
            revision: i64,
            at: Timestamp,
        ) -> Result<Option<KbSection>> {
            let sql = if create {
                concat!(
                    "INSERT INTO kb_sections (code, line, name_ru, name_en, position, deleted, \
                     revision, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (code) DO UPDATE SET line = excluded.line, \
                     name_ru = excluded.name_ru, name_en = excluded.name_en, \
                     position = excluded.position, deleted = excluded.deleted, \
                     revision = excluded.revision, updated_at = excluded.updated_at \
                     WHERE kb_sections.deleted RETURNING ",
                    kb_section_columns!()
                )
            } else {
                concat!(
                    "UPDATE kb_sections SET line = $2, name_ru = $3, name_en = $4, position = $5, \
                     deleted = $6, revision = $7, updated_at = $8 \
                     WHERE code = $1 AND NOT deleted RETURNING ",
                    kb_section_columns!()
                )
            };
            sqlx::query(sql)
                .bind(&s.code)
                .bind(&s.line)
                .bind(&s.name.ru)
                .bind(&s.name.en)
                .bind(s.position)
                .bind(false)
                .bind(revision)
                .bind(codec::millis(at))
                .fetch_optional(&mut *conn)
                .await?
                .as_ref()
                .map(codec::kb_section)
                .transpose()
        }

        /// Like [`kb_write_section`], for articles.
        async fn kb_write_article(
            conn: &mut Conn,
            a: &KbArticle,
            create: bool,
            revision: i64,
            at: Timestamp,
        ) -> Result<Option<KbArticle>> {
            let sql = if create {
                concat!(
                    "INSERT INTO kb_articles (id, section, topics, title_ru, title_en, body_ru, \
                     body_en, keywords, published, deleted, revision, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                     ON CONFLICT (id) DO UPDATE SET section = excluded.section, \
                     topics = excluded.topics, title_ru = excluded.title_ru, \
                     title_en = excluded.title_en, body_ru = excluded.body_ru, \
                     body_en = excluded.body_en, keywords = excluded.keywords, \
                     published = excluded.published, deleted = excluded.deleted, \
                     revision = excluded.revision, updated_at = excluded.updated_at \
                     WHERE kb_articles.deleted RETURNING ",
                    kb_article_columns!()
                )
            } else {
                concat!(
                    "UPDATE kb_articles SET section = $2, topics = $3, title_ru = $4, \
                     title_en = $5, body_ru = $6, body_en = $7, keywords = $8, published = $9, \
                     deleted = $10, revision = $11, updated_at = $12 \
                     WHERE id = $1 AND NOT deleted RETURNING ",
                    kb_article_columns!()
                )
            };
            sqlx::query(sql)
                .bind(&a.id)
                .bind(&a.section)
                .bind(codec::to_json(&a.topics)?)
                .bind(&a.title.ru)
                .bind(&a.title.en)
                .bind(&a.body.ru)
                .bind(&a.body.en)
                .bind(codec::to_json(&a.keywords)?)
                .bind(a.published)
                .bind(false)
                .bind(revision)
                .bind(codec::millis(at))
                .fetch_optional(&mut *conn)
                .await?
                .as_ref()
                .map(codec::kb_article)
                .transpose()
        }

        async fn kb_live_section(conn: &mut Conn, code: &str) -> Result<bool> {
            Ok(sqlx::query("SELECT code FROM kb_sections WHERE code = $1 AND NOT deleted")
                .bind(code)
                .fetch_optional(&mut *conn)
                .await?
                .is_some())
        }

        /// The audit event a new ticket starts its log with.
        fn created_event(stored: &Ticket) -> TicketEvent {
            TicketEvent::Created {
                status: stored.status,
                priority: stored.priority,
                due_at: stored.due_at,
                priority_rule: stored.priority_rule.clone(),
                sla_policy: stored.sla.as_ref().map(|s| s.policy.clone()),
            }
        }

        /// Writes two ticket changes (a merge's source and target) in id
        /// order, so two merges of the same pair never deadlock.
        async fn write_pair(
            conn: &mut Conn,
            source: &TicketChange,
            target: &TicketChange,
        ) -> Result<(Ticket, Ticket, Vec<Notice>)> {
            let source_first = source.ticket.id.0 < target.ticket.id.0;
            let (first, second) = if source_first {
                (source, target)
            } else {
                (target, source)
            };
            let (a, mut notices) = write_change(conn, first).await?;
            let (b, more) = write_change(conn, second).await?;
            notices.extend(more);
            Ok(if source_first {
                (a, b, notices)
            } else {
                (b, a, notices)
            })
        }

        /// Sections and articles stamped after `after` (every live one for a
        /// snapshot), as of the revision read first: a row written meanwhile
        /// may come too and is simply applied again at the next catch-up.
        async fn kb_read(pool: &Pool, after: Option<i64>) -> Result<KbSnapshot> {
            let revision = kb_read_revision(pool).await?;
            let (sections, articles) = match after {
                None => (
                    sqlx::query(concat!(
                        "SELECT ", kb_section_columns!(),
                        " FROM kb_sections WHERE NOT deleted ORDER BY position, code"
                    ))
                    .fetch_all(pool)
                    .await?,
                    sqlx::query(concat!(
                        "SELECT ", kb_article_columns!(),
                        " FROM kb_articles WHERE NOT deleted ORDER BY id"
                    ))
                    .fetch_all(pool)
                    .await?,
                ),
                Some(after) => (
                    sqlx::query(concat!(
                        "SELECT ", kb_section_columns!(),
                        " FROM kb_sections WHERE revision > $1 ORDER BY revision, code"
                    ))
                    .bind(after)
                    .fetch_all(pool)
                    .await?,
                    sqlx::query(concat!(
                        "SELECT ", kb_article_columns!(),
                        " FROM kb_articles WHERE revision > $1 ORDER BY revision, id"
                    ))
                    .bind(after)
                    .fetch_all(pool)
                    .await?,
                ),
            };
            Ok(KbSnapshot {
                revision,
                sections: sections.iter().map(codec::kb_section).collect::<Result<_>>()?,
                articles: articles.iter().map(codec::kb_article).collect::<Result<_>>()?,
            })
        }
    };
}
pub(crate) use kb_steps;
