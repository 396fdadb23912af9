//! Editing the knowledge base (admins): sections and articles, drafts and
//! publication, the edit log; the staff search (drafts included); the bot's
//! feedback report (supervisors). Every edit is written to the store with
//! its audit entry, then this node's copy catches up before the answer, so
//! the next search here sees it; other nodes follow within the refresh
//! interval (see `crate::kb`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_domain::i18n::Text;
use switchboard_domain::intake::FieldError;
use switchboard_search::{ArticleId, SearchQuery, TopicRef};
use switchboard_store::{KbAction, KbArticle, KbSection, StoreError};
use utoipa::{IntoParams, ToSchema};

use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::help::{ApiQuery, HitView, locale_of};
use crate::http::input::ApiJson;
use crate::http::views::Names;
use crate::state::AppState;

const MAX_TITLE_CHARS: usize = 200;
const MAX_BODY_CHARS: usize = 50_000;
const MAX_KEYWORDS: usize = 50;
const MAX_KEYWORD_CHARS: usize = 100;
const MAX_TOPICS: usize = 20;

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

fn section_view(state: &AppState, s: &KbSection) -> SectionView {
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

fn too_long(field: &'static str, max: usize) -> FieldError {
    FieldError {
        field,
        code: "too_long",
        message: Text::new(
            format!("Не длиннее {max} символов"),
            format!("At most {max} characters"),
        ),
    }
}

fn check_text(errors: &mut Vec<FieldError>, field: &'static str, t: &Text, max: usize) {
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

fn is_code(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn trimmed(t: &Text) -> Text {
    Text::new(t.ru.trim(), t.en.trim())
}

/// Checks a section request against the catalog; all problems at once.
fn section_from(
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
    if state.catalog.line(r.line.trim()).is_none() {
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
fn article_from(
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
            || !switchboard_core::kb::known_topic(&state.catalog, t.trim())
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
async fn caught_up(state: &AppState) {
    if let Err(e) = state.kb.sync().await {
        tracing::error!(error = ?e, "the knowledge base did not catch up after an edit");
    }
}

fn conflict(e: StoreError, code: &'static str, ru: &str, en: &str) -> ApiError {
    match e {
        StoreError::Conflict(_) => ApiError::new(StatusCode::CONFLICT, code, ru, en),
        other => other.into(),
    }
}

/// Sections, in help-centre order.
#[utoipa::path(get, path = "/api/v1/kb/sections", tag = "knowledge base", security(("staff" = [])),
    responses((status = 200, body = Vec<SectionView>), (status = 401, body = Problem)))]
pub async fn list_sections(
    State(state): State<AppState>,
    _staff: StaffAuth,
) -> Json<Vec<SectionView>> {
    Json(
        state
            .kb
            .sections()
            .iter()
            .map(|s| section_view(&state, s))
            .collect(),
    )
}

/// Create a section (admins).
#[utoipa::path(post, path = "/api/v1/kb/sections", tag = "knowledge base", security(("staff" = [])),
    request_body = SectionRequest,
    responses((status = 201, body = SectionView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_section(
    State(state): State<AppState>,
    staff: StaffAuth,
    ApiJson(r): ApiJson<SectionRequest>,
) -> Result<(StatusCode, Json<SectionView>), ApiError> {
    staff.require_admin()?;
    let code = r.code.clone().unwrap_or_default();
    let last = state
        .kb
        .sections()
        .iter()
        .map(|s| s.position)
        .max()
        .unwrap_or(0);
    let section = section_from(&state, code.trim(), &r, r.position.unwrap_or(last + 1))?;
    let saved = state
        .store
        .kb_save_section(
            &section,
            KbAction::CreateSection,
            &staff.actor(),
            state.clock.now(),
        )
        .await
        .map_err(|e| {
            conflict(
                e,
                "section_exists",
                "Раздел с таким кодом уже есть",
                "A section with this code exists",
            )
        })?;
    caught_up(&state).await;
    Ok((StatusCode::CREATED, Json(section_view(&state, &saved))))
}

/// Change a section's line, name or position (admins).
#[utoipa::path(put, path = "/api/v1/kb/sections/{code}", tag = "knowledge base", security(("staff" = [])),
    params(("code" = String, Path)), request_body = SectionRequest,
    responses((status = 200, body = SectionView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_section(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(code): Path<String>,
    ApiJson(r): ApiJson<SectionRequest>,
) -> Result<Json<SectionView>, ApiError> {
    staff.require_admin()?;
    let current = state.store.kb_section(&code).await?;
    if r.code.as_deref().is_some_and(|c| c.trim() != code) {
        return Err(ApiError::field(
            "code",
            "immutable",
            "Код раздела не меняется",
            "A section's code cannot change",
        ));
    }
    let section = section_from(&state, &code, &r, r.position.unwrap_or(current.position))?;
    let saved = state
        .store
        .kb_save_section(
            &section,
            KbAction::UpdateSection,
            &staff.actor(),
            state.clock.now(),
        )
        .await?;
    caught_up(&state).await;
    Ok(Json(section_view(&state, &saved)))
}

/// Delete an empty section (admins).
#[utoipa::path(delete, path = "/api/v1/kb/sections/{code}", tag = "knowledge base", security(("staff" = [])),
    params(("code" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete_section(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(code): Path<String>,
) -> Result<StatusCode, ApiError> {
    staff.require_admin()?;
    state
        .store
        .kb_delete_section(&code, &staff.actor(), state.clock.now())
        .await
        .map_err(|e| {
            conflict(
                e,
                "section_not_empty",
                "В разделе есть статьи: перенесите или удалите их",
                "The section still has articles: move or delete them first",
            )
        })?;
    caught_up(&state).await;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleListQuery {
    pub section: Option<String>,
}

/// Articles, drafts included.
#[utoipa::path(get, path = "/api/v1/kb/articles", tag = "knowledge base", security(("staff" = [])),
    params(ArticleListQuery), responses((status = 200, body = Vec<ArticleView>), (status = 401, body = Problem)))]
pub async fn list_articles(
    State(state): State<AppState>,
    _staff: StaffAuth,
    ApiQuery(q): ApiQuery<ArticleListQuery>,
) -> Json<Vec<ArticleView>> {
    let section = q.section.filter(|s| !s.is_empty());
    Json(
        state
            .kb
            .articles(section.as_deref(), false)
            .iter()
            .map(ArticleView::from)
            .collect(),
    )
}

/// One article, draft or published.
#[utoipa::path(get, path = "/api/v1/kb/articles/{id}", tag = "knowledge base", security(("staff" = [])),
    params(("id" = String, Path)), responses((status = 200, body = ArticleView), (status = 404, body = Problem)))]
pub async fn get_article(
    State(state): State<AppState>,
    _staff: StaffAuth,
    Path(id): Path<String>,
) -> Result<Json<ArticleView>, ApiError> {
    let a = state.store.kb_article(&id).await?;
    Ok(Json(ArticleView::from(&a)))
}

/// Create an article, a draft unless `published` (admins).
#[utoipa::path(post, path = "/api/v1/kb/articles", tag = "knowledge base", security(("staff" = [])),
    request_body = ArticleRequest,
    responses((status = 201, body = ArticleView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_article(
    State(state): State<AppState>,
    staff: StaffAuth,
    ApiJson(r): ApiJson<ArticleRequest>,
) -> Result<(StatusCode, Json<ArticleView>), ApiError> {
    staff.require_admin()?;
    let id = r.id.clone().unwrap_or_default();
    let article = article_from(&state, id.trim(), &r, r.published.unwrap_or(false))?;
    let saved = state
        .store
        .kb_save_article(
            &article,
            KbAction::CreateArticle,
            &staff.actor(),
            state.clock.now(),
        )
        .await
        .map_err(|e| {
            conflict(
                e,
                "article_exists",
                "Статья с таким идентификатором уже есть",
                "An article with this id exists",
            )
        })?;
    caught_up(&state).await;
    Ok((StatusCode::CREATED, Json(ArticleView::from(&saved))))
}

/// Replace an article's content (admins).
#[utoipa::path(put, path = "/api/v1/kb/articles/{id}", tag = "knowledge base", security(("staff" = [])),
    params(("id" = String, Path)), request_body = ArticleRequest,
    responses((status = 200, body = ArticleView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_article(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<ArticleRequest>,
) -> Result<Json<ArticleView>, ApiError> {
    staff.require_admin()?;
    let current = state.store.kb_article(&id).await?;
    if r.id.as_deref().is_some_and(|i| i.trim() != id) {
        return Err(ApiError::field(
            "id",
            "immutable",
            "Идентификатор статьи не меняется",
            "An article's id cannot change",
        ));
    }
    let article = article_from(&state, &id, &r, r.published.unwrap_or(current.published))?;
    let action = match (current.published, article.published) {
        (false, true) => KbAction::PublishArticle,
        (true, false) => KbAction::UnpublishArticle,
        _ => KbAction::UpdateArticle,
    };
    save_existing(&state, &staff, article, action).await
}

async fn save_existing(
    state: &AppState,
    staff: &StaffAuth,
    article: KbArticle,
    action: KbAction,
) -> Result<Json<ArticleView>, ApiError> {
    let saved = state
        .store
        .kb_save_article(&article, action, &staff.actor(), state.clock.now())
        .await
        .map_err(|e| {
            conflict(
                e,
                "unknown_section",
                "Раздела статьи больше нет",
                "The article's section no longer exists",
            )
        })?;
    caught_up(state).await;
    Ok(Json(ArticleView::from(&saved)))
}

async fn set_published(
    state: AppState,
    staff: StaffAuth,
    id: String,
    published: bool,
) -> Result<Json<ArticleView>, ApiError> {
    staff.require_admin()?;
    let mut article = state.store.kb_article(&id).await?;
    if article.published == published {
        return Ok(Json(ArticleView::from(&article)));
    }
    article.published = published;
    let action = if published {
        KbAction::PublishArticle
    } else {
        KbAction::UnpublishArticle
    };
    save_existing(&state, &staff, article, action).await
}

/// Publish an article to the help centre and the bot (admins).
#[utoipa::path(post, path = "/api/v1/kb/articles/{id}/publish", tag = "knowledge base", security(("staff" = [])),
    params(("id" = String, Path)), responses((status = 200, body = ArticleView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn publish(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(id): Path<String>,
) -> Result<Json<ArticleView>, ApiError> {
    set_published(state, staff, id, true).await
}

/// Take an article back to draft (admins): it disappears from the help centre and the bot.
#[utoipa::path(post, path = "/api/v1/kb/articles/{id}/unpublish", tag = "knowledge base", security(("staff" = [])),
    params(("id" = String, Path)), responses((status = 200, body = ArticleView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn unpublish(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(id): Path<String>,
) -> Result<Json<ArticleView>, ApiError> {
    set_published(state, staff, id, false).await
}

/// Delete an article (admins). Its feedback statistics stay.
#[utoipa::path(delete, path = "/api/v1/kb/articles/{id}", tag = "knowledge base", security(("staff" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_article(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    staff.require_admin()?;
    state
        .store
        .kb_delete_article(&id, &staff.actor(), state.clock.now())
        .await?;
    caught_up(&state).await;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffSearchQuery {
    pub q: Option<String>,
    /// `ru` (default) or `en`.
    pub lang: Option<String>,
    /// `line/topic`
    pub topic: Option<String>,
    pub section: Option<String>,
    /// Include drafts (default true here).
    pub drafts: Option<bool>,
    /// 1–100, default 10.
    pub limit: Option<usize>,
}

/// Search as staff see it: drafts included unless `drafts=false`.
#[utoipa::path(get, path = "/api/v1/kb/search", tag = "knowledge base", security(("staff" = [])),
    params(StaffSearchQuery), responses((status = 200, body = Vec<HitView>), (status = 422, body = Problem)))]
pub async fn staff_search(
    State(state): State<AppState>,
    _staff: StaffAuth,
    ApiQuery(q): ApiQuery<StaffSearchQuery>,
) -> Result<Json<Vec<HitView>>, ApiError> {
    let locale = locale_of(q.lang.as_deref(), None);
    let mut query = SearchQuery::new(q.q.unwrap_or_default(), locale)
        .with_limit(q.limit.unwrap_or(10).clamp(1, 100));
    if let Some(t) = q.topic.filter(|t| !t.is_empty()) {
        query = query.with_topic(TopicRef::try_from(t).map_err(|_| {
            ApiError::field(
                "topic",
                "invalid",
                "Тема: направление/тема",
                "topic is line/topic",
            )
        })?);
    }
    if let Some(s) = q.section.filter(|s| !s.is_empty()) {
        query = query.with_section(s);
    }
    if q.drafts.unwrap_or(true) {
        query = query.including_unpublished();
    }
    let hits = state
        .kb
        .search(&query)
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e)))?;
    Ok(Json(hits.iter().map(HitView::from).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KbEventView {
    pub id: i64,
    pub actor: crate::http::views::ActorView,
    /// `create_article`, `publish_article`, `delete_section`, `seed`, …
    pub action: String,
    /// `section`, `article` or `knowledge_base`.
    pub target_kind: String,
    pub target: String,
    pub revision: i64,
    #[schema(value_type = Object)]
    pub record: serde_json::Value,
    pub at: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LimitQuery {
    /// 1–200, default 50.
    pub limit: Option<u32>,
}

/// The knowledge base's edit log, newest first (admins).
#[utoipa::path(get, path = "/api/v1/kb/events", tag = "knowledge base", security(("staff" = [])),
    params(LimitQuery), responses((status = 200, body = Vec<KbEventView>), (status = 403, body = Problem)))]
pub async fn events(
    State(state): State<AppState>,
    staff: StaffAuth,
    ApiQuery(q): ApiQuery<LimitQuery>,
) -> Result<Json<Vec<KbEventView>>, ApiError> {
    staff.require_admin()?;
    let log = state.store.kb_events(q.limit.unwrap_or(50)).await?;
    Ok(Json(
        log.iter()
            .map(|e| KbEventView {
                id: e.id,
                actor: crate::http::views::ActorView::from(&e.actor),
                action: e.action.as_str().into(),
                target_kind: e.target_kind.clone(),
                target: e.target.clone(),
                revision: e.revision,
                record: e.payload.clone(),
                at: e.at.to_string(),
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackRow {
    pub article_id: String,
    /// The article's title now (absent if it was deleted).
    pub title: Option<Names>,
    /// Conversations the bot suggested it in.
    pub shown: u64,
    pub helped: u64,
    pub not_helped: u64,
}

/// The bot's suggestions and the customers' verdicts, per article (supervisors).
#[utoipa::path(get, path = "/api/v1/reports/kb", tag = "knowledge base", security(("staff" = [])),
    responses((status = 200, body = Vec<FeedbackRow>), (status = 403, body = Problem)))]
pub async fn feedback_report(
    State(state): State<AppState>,
    staff: StaffAuth,
) -> Result<Json<Vec<FeedbackRow>>, ApiError> {
    staff.require_supervisor()?;
    let rows = state.store.kb_feedback_report().await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| FeedbackRow {
                title: state
                    .kb
                    .article(&r.article_id)
                    .map(|a| Names::from(&a.title)),
                article_id: r.article_id,
                shown: r.shown,
                helped: r.helped,
                not_helped: r.not_helped,
            })
            .collect(),
    ))
}
