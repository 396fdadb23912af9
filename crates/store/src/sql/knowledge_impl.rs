//! `impl KnowledgeStore`; see the parent module for why this is a macro.

macro_rules! knowledge_store {
    ($store:ident) => {
        #[async_trait]
        impl KnowledgeStore for $store {
            #[tracing::instrument(skip_all)]
            async fn kb_revision(&self) -> Result<i64> {
                kb_read_revision(self.reader()).await
            }

            #[tracing::instrument(skip_all)]
            async fn kb_snapshot(&self) -> Result<KbSnapshot> {
                kb_read(self.reader(), None).await
            }

            #[tracing::instrument(skip_all, fields(revision))]
            async fn kb_changes_since(&self, revision: i64) -> Result<KbSnapshot> {
                kb_read(self.reader(), Some(revision)).await
            }

            #[tracing::instrument(skip_all, fields(sections = sections.len(), articles = articles.len()))]
            async fn kb_seed(
                &self,
                sections: &[KbSection],
                articles: &[KbArticle],
                actor: &Actor,
                at: Timestamp,
            ) -> Result<bool> {
                let mut tx = self.writer().begin().await?;
                let revision = kb_next_revision(&mut tx).await?;
                let used = sqlx::query("SELECT code FROM kb_sections LIMIT 1")
                    .fetch_optional(&mut *tx)
                    .await?
                    .is_some();
                if revision != 1 || used {
                    // Dropping the transaction gives the revision back.
                    return Ok(false);
                }
                for s in sections {
                    kb_write_section(&mut tx, s, true, revision, at)
                        .await?
                        .ok_or_else(|| StoreError::Conflict(format!("section {} twice", s.code)))?;
                }
                for a in articles {
                    kb_write_article(&mut tx, a, true, revision, at)
                        .await?
                        .ok_or_else(|| StoreError::Conflict(format!("article {} twice", a.id)))?;
                }
                let payload = serde_json::json!({
                    "sections": sections.len(),
                    "articles": articles.len(),
                });
                kb_log(&mut tx, actor, KbAction::Seed, "knowledge_base", "", revision, payload.to_string(), at)
                    .await?;
                tx.commit().await?;
                Ok(true)
            }

            #[tracing::instrument(skip_all, fields(code = %section.code, action = action.as_str()))]
            async fn kb_save_section(
                &self,
                section: &KbSection,
                action: KbAction,
                actor: &Actor,
                at: Timestamp,
            ) -> Result<KbSection> {
                let create = match action {
                    KbAction::CreateSection => true,
                    KbAction::UpdateSection => false,
                    other => {
                        return Err(StoreError::Config(format!("{} is not a section edit", other.as_str())));
                    }
                };
                let mut tx = self.writer().begin().await?;
                let revision = kb_next_revision(&mut tx).await?;
                let saved = kb_write_section(&mut tx, section, create, revision, at)
                    .await?
                    .ok_or_else(|| {
                        if create {
                            StoreError::Conflict(format!("section {} exists", section.code))
                        } else {
                            StoreError::NotFound
                        }
                    })?;
                kb_log(&mut tx, actor, action, "section", &saved.code, revision, codec::to_json(&saved)?, at)
                    .await?;
                tx.commit().await?;
                Ok(saved)
            }

            #[tracing::instrument(skip_all, fields(code))]
            async fn kb_delete_section(&self, code: &str, actor: &Actor, at: Timestamp) -> Result<i64> {
                let mut tx = self.writer().begin().await?;
                let revision = kb_next_revision(&mut tx).await?;
                let articles = sqlx::query(
                    "SELECT COUNT(*) AS n FROM kb_articles WHERE section = $1 AND NOT deleted",
                )
                .bind(code)
                .fetch_one(&mut *tx)
                .await?
                .int("n")?;
                if articles > 0 {
                    return Err(StoreError::Conflict(format!(
                        "section {code} still has {articles} articles"
                    )));
                }
                let row = sqlx::query(concat!(
                    "UPDATE kb_sections SET deleted = $2, revision = $3, updated_at = $4 \
                     WHERE code = $1 AND NOT deleted RETURNING ",
                    kb_section_columns!()
                ))
                .bind(code)
                .bind(true)
                .bind(revision)
                .bind(codec::millis(at))
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
                let gone = codec::kb_section(&row)?;
                kb_log(&mut tx, actor, KbAction::DeleteSection, "section", code, revision, codec::to_json(&gone)?, at)
                    .await?;
                tx.commit().await?;
                Ok(revision)
            }

            #[tracing::instrument(skip_all, fields(article = %article.id, action = action.as_str()))]
            async fn kb_save_article(
                &self,
                article: &KbArticle,
                action: KbAction,
                actor: &Actor,
                at: Timestamp,
            ) -> Result<KbArticle> {
                let create = match action {
                    KbAction::CreateArticle => true,
                    KbAction::UpdateArticle | KbAction::PublishArticle | KbAction::UnpublishArticle => false,
                    other => {
                        return Err(StoreError::Config(format!("{} is not an article edit", other.as_str())));
                    }
                };
                let mut tx = self.writer().begin().await?;
                let revision = kb_next_revision(&mut tx).await?;
                if !kb_live_section(&mut tx, &article.section).await? {
                    return Err(StoreError::Conflict(format!("no section {}", article.section)));
                }
                let saved = kb_write_article(&mut tx, article, create, revision, at)
                    .await?
                    .ok_or_else(|| {
                        if create {
                            StoreError::Conflict(format!("article {} exists", article.id))
                        } else {
                            StoreError::NotFound
                        }
                    })?;
                kb_log(&mut tx, actor, action, "article", &saved.id, revision, codec::to_json(&saved)?, at)
                    .await?;
                tx.commit().await?;
                Ok(saved)
            }

            #[tracing::instrument(skip_all, fields(article = id))]
            async fn kb_delete_article(&self, id: &str, actor: &Actor, at: Timestamp) -> Result<i64> {
                let mut tx = self.writer().begin().await?;
                let revision = kb_next_revision(&mut tx).await?;
                let row = sqlx::query(concat!(
                    "UPDATE kb_articles SET deleted = $2, revision = $3, updated_at = $4 \
                     WHERE id = $1 AND NOT deleted RETURNING ",
                    kb_article_columns!()
                ))
                .bind(id)
                .bind(true)
                .bind(revision)
                .bind(codec::millis(at))
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
                let gone = codec::kb_article(&row)?;
                kb_log(&mut tx, actor, KbAction::DeleteArticle, "article", id, revision, codec::to_json(&gone)?, at)
                    .await?;
                tx.commit().await?;
                Ok(revision)
            }

            #[tracing::instrument(skip_all, fields(code))]
            async fn kb_section(&self, code: &str) -> Result<KbSection> {
                let row = sqlx::query(concat!(
                    "SELECT ", kb_section_columns!(), " FROM kb_sections WHERE code = $1 AND NOT deleted"
                ))
                .bind(code)
                .fetch_optional(self.reader())
                .await?
                .ok_or(StoreError::NotFound)?;
                codec::kb_section(&row)
            }

            #[tracing::instrument(skip_all, fields(article = id))]
            async fn kb_article(&self, id: &str) -> Result<KbArticle> {
                let row = sqlx::query(concat!(
                    "SELECT ", kb_article_columns!(), " FROM kb_articles WHERE id = $1 AND NOT deleted"
                ))
                .bind(id)
                .fetch_optional(self.reader())
                .await?
                .ok_or(StoreError::NotFound)?;
                codec::kb_article(&row)
            }

            #[tracing::instrument(skip_all, fields(limit))]
            async fn kb_events(&self, limit: u32) -> Result<Vec<KbEvent>> {
                sqlx::query(
                    "SELECT id, actor_kind, actor_id, action, target_kind, target, revision, payload, at \
                     FROM kb_events ORDER BY id DESC LIMIT $1",
                )
                .bind(page_size(limit))
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(codec::kb_event)
                .collect()
            }

            #[tracing::instrument(skip_all, fields(ticket_id = ticket.0, articles = articles.len()))]
            async fn kb_record_shown(
                &self,
                ticket: TicketId,
                articles: &[String],
                at: Timestamp,
            ) -> Result<()> {
                if articles.is_empty() {
                    return Ok(());
                }
                let mut tx = self.writer().begin().await?;
                for article in articles {
                    sqlx::query(
                        "INSERT INTO kb_suggestions (ticket_id, article_id, shown_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (ticket_id, article_id) DO NOTHING",
                    )
                    .bind(ticket.0)
                    .bind(article)
                    .bind(codec::millis(at))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
                        _ => StoreError::Database(e),
                    })?;
                }
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(ticket_id = ticket.0, article, feedback = feedback.as_str()))]
            async fn kb_record_feedback(
                &self,
                ticket: TicketId,
                article: &str,
                feedback: Feedback,
                at: Timestamp,
            ) -> Result<()> {
                let done = sqlx::query(
                    "UPDATE kb_suggestions SET feedback = $3, feedback_at = $4 \
                     WHERE ticket_id = $1 AND article_id = $2",
                )
                .bind(ticket.0)
                .bind(article)
                .bind(feedback.as_str())
                .bind(codec::millis(at))
                .execute(self.writer())
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(ticket_id = ticket.0))]
            async fn kb_conversation_suggestions(&self, ticket: TicketId) -> Result<Vec<KbSuggestion>> {
                sqlx::query(
                    "SELECT ticket_id, article_id, shown_at, feedback, feedback_at FROM kb_suggestions \
                     WHERE ticket_id = $1 ORDER BY shown_at, article_id",
                )
                .bind(ticket.0)
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(codec::kb_suggestion)
                .collect()
            }

            #[tracing::instrument(skip_all)]
            async fn kb_feedback_report(&self) -> Result<Vec<KbArticleStats>> {
                sqlx::query(
                    "SELECT article_id, COUNT(*) AS shown, \
                     SUM(CASE WHEN feedback = 'helped' THEN 1 ELSE 0 END) AS helped, \
                     SUM(CASE WHEN feedback = 'not_helped' THEN 1 ELSE 0 END) AS not_helped \
                     FROM kb_suggestions GROUP BY article_id ORDER BY article_id",
                )
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(|r| {
                    let n = |col: &str| -> Result<u64> {
                        let v = r.int(col)?;
                        u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("kb report {col} {v}")))
                    };
                    Ok(KbArticleStats {
                        article_id: r.text("article_id")?,
                        shown: n("shown")?,
                        helped: n("helped")?,
                        not_helped: n("not_helped")?,
                    })
                })
                .collect()
            }
        }
    };
}
pub(crate) use knowledge_store;
