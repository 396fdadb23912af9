//! What staff read about the knowledge base: the search (drafts included),
//! the edit log, the bot's feedback report.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use switchboard_search::{SearchQuery, TopicRef};
use utoipa::{IntoParams, ToSchema};

use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::help::{ApiQuery, HitView, locale_of};
use crate::http::views::Names;
use crate::state::AppState;

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
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
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
        .with_limit(crate::http::input::page_limit(q.limit, 10, 100)? as usize);
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
    #[param(minimum = 1, maximum = 200)]
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
    let limit = crate::http::input::page_limit(q.limit, 50, 200)?;
    let log = state.store.kb_events(limit).await?;
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
