//! Knowledge-base articles: drafts, edits, publication, deletion.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_store::{KbAction, KbArticle};
use utoipa::IntoParams;

use super::*;
use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::help::ApiQuery;
use crate::http::input::ApiJson;
use crate::state::AppState;

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
