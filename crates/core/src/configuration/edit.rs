//! Loading the stored configuration at start-up, the poll that picks up
//! other nodes' changes, and editing: a new version, or a rollback (a new
//! version with an old one's text).

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use switchboard_store::{
    ConfigChange, ConfigVersion, ConfigVersionInfo, NewStaffAudit, Operator, Role, StaffAuditKind,
    Store, StoreError,
};

use super::{ConfigDoc, Configured, Sources};
use crate::rules::{ProfileTexts, Rules};
use crate::{Core, CoreError, CoreResult, RefusalKind};

/// Largest document text accepted, in bytes (the demo catalog is ~150 KB).
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;
/// How often a save is retried when another document changed meanwhile.
const SAVE_TRIES: usize = 5;

/// An edit of one document, as an admin sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEdit {
    pub doc: ConfigDoc,
    /// The version the edit was made from; refused if it is no longer the newest.
    pub base_version: i64,
    pub body: String,
    pub comment: String,
}

/// Stores the profile's texts as version 1 of each document that has none
/// (the first start), then builds the store's configuration. A stored
/// version that no longer loads stops the start, naming it.
pub async fn load_stored(
    store: &dyn Store,
    profile: &ProfileTexts,
    now: Timestamp,
) -> anyhow::Result<Configured> {
    let docs: Vec<(&str, &str)> = ConfigDoc::ALL
        .iter()
        .map(|d| (d.as_str(), d.text(profile)))
        .collect();
    let seeded = store.seed_config(&docs, "profile", now).await?;
    if seeded > 0 {
        tracing::info!(documents = seeded, "configuration seeded from the profile");
    }
    let snapshot = store.config_snapshot().await?;
    Configured::build(
        snapshot.revision,
        Sources::from_snapshot(&snapshot, profile),
    )
    .map_err(|e| {
        anyhow::anyhow!(
            "the stored configuration (revision {}) does not load: {e}",
            snapshot.revision
        )
    })
}

impl Core {
    /// Swaps in the store's configuration if it changed since this node's.
    /// Returns whether it did.
    pub async fn refresh_config(&self) -> anyhow::Result<bool> {
        let live = self.live.current();
        let Some(base) = live.sources.clone() else {
            return Ok(false);
        };
        if self.store.config_revision().await? <= live.revision {
            return Ok(false);
        }
        let snapshot = self.store.config_snapshot().await?;
        let next = Configured::build(
            snapshot.revision,
            Sources::from_snapshot(&snapshot, &base.texts),
        )
        .map_err(|e| anyhow::anyhow!("configuration revision {}: {e}", snapshot.revision))?;
        Ok(self.install_config(next))
    }

    /// Polls the store's revision until the process ends.
    pub async fn run_config_refresh(self: Arc<Self>, every: Duration) {
        loop {
            tokio::time::sleep(every).await;
            if let Err(e) = self.refresh_config().await {
                tracing::warn!(error = %e, "refreshing the configuration failed");
            }
        }
    }

    /// Makes `next` live on this node unless what is live is as new.
    pub fn install_config(&self, next: Configured) -> bool {
        let revision = next.revision;
        let swapped = self.live.install(next);
        if swapped {
            tracing::info!(revision, "configuration now live");
            // Queued conversations keep the skill their topic had: re-derive them.
            self.router.inbox().mark_stale();
        }
        swapped
    }

    /// The versions of one document, newest first.
    pub async fn config_history(&self, doc: ConfigDoc) -> CoreResult<Vec<ConfigVersionInfo>> {
        Ok(self.store.config_versions(doc.as_str()).await?)
    }

    /// One version with its text.
    pub async fn config_version(&self, doc: ConfigDoc, version: i64) -> CoreResult<ConfigVersion> {
        Ok(self.store.config_version(doc.as_str(), version).await?)
    }

    /// Saves a new version of a document if it loads with the others, and
    /// makes it live on this node at once (other nodes at their next poll).
    pub async fn edit_config(
        &self,
        by: &Operator,
        address: Option<String>,
        edit: ConfigEdit,
    ) -> CoreResult<ConfigVersion> {
        self.save_config(by, address, edit, None).await
    }

    /// Saves version `to`'s text as a new version.
    pub async fn rollback_config(
        &self,
        by: &Operator,
        address: Option<String>,
        doc: ConfigDoc,
        to: i64,
        base_version: i64,
        comment: String,
    ) -> CoreResult<ConfigVersion> {
        admin_only(by)?;
        let old = self.store.config_version(doc.as_str(), to).await?;
        let edit = ConfigEdit {
            doc,
            base_version,
            body: old.body,
            comment,
        };
        self.save_config(by, address, edit, Some(to)).await
    }

    async fn save_config(
        &self,
        by: &Operator,
        address: Option<String>,
        edit: ConfigEdit,
        rollback_to: Option<i64>,
    ) -> CoreResult<ConfigVersion> {
        admin_only(by)?;
        check_input(&edit)?;
        for _ in 0..SAVE_TRIES {
            let live = self.live.current();
            let base = live
                .sources
                .clone()
                .ok_or_else(|| CoreError::internal("configuration", "not loaded from the store"))?;
            let snapshot = self.store.config_snapshot().await?;
            let sources = Sources::from_snapshot(&snapshot, &base.texts);
            let newest = sources.version(edit.doc);
            if newest != edit.base_version {
                return Err(stale(newest));
            }
            if sources.text(edit.doc) == edit.body {
                return Err(CoreError::field(
                    "body",
                    "unchanged",
                    "Текст не изменился: сохранять нечего",
                    "The text is unchanged: nothing to save",
                ));
            }
            let texts = sources.with(edit.doc, &edit.body);
            let (_, rules) = Rules::from_texts(&texts).map_err(|e| {
                CoreError::field(
                    "body",
                    "invalid_config",
                    &format!("Документ не принят ({}): {}", e.file, e.message),
                    &format!("The document does not load ({}): {}", e.file, e.message),
                )
            })?;
            let version = newest + 1;
            let detail = match rollback_to {
                Some(v) => format!("{} v{version} (rollback to v{v})", edit.doc.as_str()),
                None => format!("{} v{version}", edit.doc.as_str()),
            };
            let change = ConfigChange {
                doc: edit.doc.as_str().to_owned(),
                base_version: newest,
                revision: snapshot.revision,
                body: edit.body.clone(),
                author: by.id,
                author_login: by.login.as_str().to_owned(),
                comment: edit.comment.clone(),
            };
            let audit = NewStaffAudit {
                kind: StaffAuditKind::ConfigChanged,
                operator: None,
                login: by.login.as_str().to_owned(),
                actor: Some(by.id),
                address: address.clone(),
                detail,
            };
            match self.store.save_config(&change, &audit, self.now()).await {
                Ok(saved) => {
                    let mut versions = sources.versions;
                    versions[edit.doc as usize] = saved.info.version;
                    self.install_config(Configured {
                        revision: saved.info.revision,
                        rules,
                        sources: Some(Arc::new(Sources { texts, versions })),
                    });
                    return Ok(saved);
                }
                // Another document changed meanwhile: check again with it.
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CoreError::Conflict(
            "the configuration keeps changing; try again".into(),
        ))
    }
}

fn admin_only(by: &Operator) -> CoreResult<()> {
    if by.role == Role::Admin {
        Ok(())
    } else {
        Err(CoreError::refused(
            RefusalKind::Forbidden,
            "admin_only",
            "Настройки меняет только администратор",
            "Only an admin may change the configuration",
        ))
    }
}

fn check_input(edit: &ConfigEdit) -> CoreResult<()> {
    if edit.body.len() > MAX_BODY_BYTES {
        return Err(CoreError::field(
            "body",
            "too_long",
            "Документ больше 1 МБ",
            "The document is over 1 MB",
        ));
    }
    if edit.comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(CoreError::field(
            "comment",
            "too_long",
            "Комментарий длиннее 500 знаков",
            "The comment is over 500 characters",
        ));
    }
    Ok(())
}

fn stale(newest: i64) -> CoreError {
    CoreError::Refused(crate::Refusal::new(
        RefusalKind::Conflict,
        "config_changed",
        format!("Документ уже изменён (сейчас версия {newest}): обновите страницу и повторите"),
        format!("The document changed meanwhile (now version {newest}): reload and try again"),
    ))
}
