//! Editing the knowledge base (admins): sections and articles, drafts and
//! publication, the edit log; the staff search (drafts included); the bot's
//! feedback report (supervisors). Every edit is written to the store with
//! its audit entry, then this node's copy catches up before the answer, so
//! the next search here sees it; other nodes follow within the refresh
//! interval (see `crate::kb`).

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_domain::i18n::Text;
use switchboard_domain::intake::FieldError;
use switchboard_search::{ArticleId, TopicRef};
use switchboard_store::{KbArticle, KbSection, StoreError};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::http::views::Names;
use crate::state::AppState;

mod articles;
mod reports;
mod sections;
pub use articles::*;
pub use reports::*;
pub use sections::*;

pub(super) const MAX_TITLE_CHARS: usize = 200;
pub(super) const MAX_BODY_CHARS: usize = 50_000;
pub(super) const MAX_KEYWORDS: usize = 50;
pub(super) const MAX_KEYWORD_CHARS: usize = 100;
pub(super) const MAX_TOPICS: usize = 20;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionRequest {
    /// Lowercase a-z, 0-9, `_`, `-`. Required to create; on update it may only repeat the path's.
    #[serde(default)]
    pub code: Option<String>,
    /// The catalog line the section serves.
    pub line: String,
    /// `{ "ru": …, "en": … }`; Russian is required.
    #[schema(value_type = Object)]
    pub name: Text,
    /// Order in the help centre (smallest first); new sections go last by default.
    #[serde(default)]
    pub position: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleRequest {
    /// 1–64 of a-z, 0-9, `-`, `_`, `.`: it appears in help-centre links. Required to create.
    #[serde(default)]
    pub id: Option<String>,
    /// The section's code.
    pub section: String,
    /// `line/topic` codes of the catalog: the chat bot suggests the article for them.
    #[serde(default)]
    pub topics: Vec<String>,
    #[schema(value_type = Object)]
    pub title: Text,
    /// Plain text; paragraphs separated by blank lines.
    #[schema(value_type = Object)]
    pub body: Text,
    /// Extra search words, either language.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// New articles are drafts unless `true`; on update, omitted keeps the current state.
    #[serde(default)]
    pub published: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionView {
    pub code: String,
    pub line: String,
    pub name: Names,
    pub position: i64,
    /// Articles filed here, drafts included.
    pub articles: usize,
    pub revision: i64,
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleView {
    pub id: String,
    pub section: String,
    pub topics: Vec<String>,
    pub title: Names,
    pub body: Names,
    pub keywords: Vec<String>,
    pub published: bool,
    pub revision: i64,
    pub updated_at: String,
    /// The public help-centre page (only while published).
    pub url: Option<String>,
}

impl From<&KbArticle> for ArticleView {
    fn from(a: &KbArticle) -> Self {
        ArticleView {
            id: a.id.clone(),
            section: a.section.clone(),
            topics: a.topics.clone(),
            title: Names::from(&a.title),
            body: Names::from(&a.body),
            keywords: a.keywords.clone(),
            published: a.published,
            revision: a.revision,
            updated_at: a.updated_at.to_string(),
            url: a.published.then(|| format!("/help/articles/{}", a.id)),
        }
    }
}

pub(super) fn section_view(state: &AppState, s: &KbSection) -> SectionView {
    SectionView {
        code: s.code.clone(),
        line: s.line.clone(),
        name: Names::from(&s.name),
        position: s.position,
        articles: state.kb.articles(Some(&s.code), false).len(),
        revision: s.revision,
        updated_at: s.updated_at.to_string(),
    }
}

pub(super) fn too_long(field: &'static str, max: usize) -> FieldError {
    FieldError {
        field,
        code: "too_long",
        message: Text::new(
            format!("Не длиннее {max} символов"),
            format!("At most {max} characters"),
        ),
    }
}

pub(super) fn check_text(errors: &mut Vec<FieldError>, field: &'static str, t: &Text, max: usize) {
    if t.ru.trim().is_empty() {
        errors.push(FieldError::new(
            field,
            "required",
            "Нужен текст на русском",
            "The Russian text is required",
        ));
    }
    if t.ru.chars().count() > max || t.en.chars().count() > max {
        errors.push(too_long(field, max));
    }
}

pub(super) fn is_code(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

pub(super) fn trimmed(t: &Text) -> Text {
    Text::new(t.ru.trim(), t.en.trim())
}

/// Checks a section request against the catalog; all problems at once.
pub(super) fn section_from(
    state: &AppState,
    code: &str,
    r: &SectionRequest,
    position: i64,
) -> Result<KbSection, ApiError> {
    let mut errors = Vec::new();
    if !is_code(code) {
        errors.push(FieldError::new(
            "code",
            "invalid",
            "Код — от 1 до 64 символов: a-z, 0-9, '_', '-'",
            "The code is 1–64 of a-z, 0-9, '_', '-'",
        ));
    }
    if state.catalog().line(r.line.trim()).is_none() {
        errors.push(FieldError::new(
            "line",
            "unknown_line",
            "Такого направления нет в каталоге",
            "There is no such line in the catalog",
        ));
    }
    check_text(&mut errors, "name", &r.name, MAX_TITLE_CHARS);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(KbSection {
        code: code.to_owned(),
        line: r.line.trim().to_owned(),
        name: trimmed(&r.name),
        position,
        deleted: false,
        revision: 0,
        updated_at: state.clock.now(),
    })
}

/// Checks an article request against the catalog and the sections.
pub(super) fn article_from(
    state: &AppState,
    id: &str,
    r: &ArticleRequest,
    published: bool,
) -> Result<KbArticle, ApiError> {
    let mut errors = Vec::new();
    if ArticleId::parse(id).is_err() {
        errors.push(FieldError::new(
            "id",
            "invalid",
            "Идентификатор — от 1 до 64 символов: a-z, 0-9, '-', '_', '.'",
            "The id is 1–64 of a-z, 0-9, '-', '_', '.'",
        ));
    }
    if state.kb.section(r.section.trim()).is_none() {
        errors.push(FieldError::new(
            "section",
            "unknown_section",
            "Такого раздела нет",
            "There is no such section",
        ));
    }
    if r.topics.len() > MAX_TOPICS {
        errors.push(FieldError::new(
            "topics",
            "too_many",
            "Не больше 20 тем",
            "At most 20 topics",
        ));
    }
    if let Some(bad) = r.topics.iter().find(|t| {
        TopicRef::try_from(t.trim().to_owned()).is_err()
            || !switchboard_core::kb::known_topic(&state.catalog(), t.trim())
    }) {
        errors.push(FieldError {
            field: "topics",
            code: "unknown_topic",
            message: Text::new(
                format!("Нет темы «{bad}» в каталоге (формат: направление/тема)"),
                format!("There is no topic \"{bad}\" in the catalog (use line/topic)"),
            ),
        });
    }
    check_text(&mut errors, "title", &r.title, MAX_TITLE_CHARS);
    check_text(&mut errors, "body", &r.body, MAX_BODY_CHARS);
    if r.keywords.len() > MAX_KEYWORDS
        || r.keywords
            .iter()
            .any(|k| k.trim().is_empty() || k.chars().count() > MAX_KEYWORD_CHARS)
    {
        errors.push(FieldError::new(
            "keywords",
            "invalid",
            "Не больше 50 ключевых слов, каждое — от 1 до 100 символов",
            "At most 50 keywords, each 1–100 characters",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut topics: Vec<String> = r.topics.iter().map(|t| t.trim().to_owned()).collect();
    topics.dedup();
    Ok(KbArticle {
        id: id.to_owned(),
        section: r.section.trim().to_owned(),
        topics,
        title: trimmed(&r.title),
        body: trimmed(&r.body),
        keywords: r.keywords.iter().map(|k| k.trim().to_owned()).collect(),
        published,
        deleted: false,
        revision: 0,
        updated_at: state.clock.now(),
    })
}

/// Makes this node's copy reflect the edit just stored.
pub(super) async fn caught_up(state: &AppState) {
    if let Err(e) = state.kb.sync().await {
        tracing::error!(error = ?e, "the knowledge base did not catch up after an edit");
    }
}

pub(super) fn conflict(e: StoreError, code: &'static str, ru: &str, en: &str) -> ApiError {
    match e {
        StoreError::Conflict(_) => ApiError::new(StatusCode::CONFLICT, code, ru, en),
        other => other.into(),
    }
}
