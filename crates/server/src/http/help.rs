//! The public help centre as JSON (no sign-in): sections, published
//! articles, and search with highlighted snippets. Drafts do not exist here:
//! an unpublished article is a 404 and never a search hit. Russian by
//! default; `?lang=en` (or `Accept-Language: en`) for English, falling back
//! to Russian where an article has no translation.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use switchboard_domain::i18n::Locale;
use switchboard_search::{Hit, SearchQuery, TopicRef};
use switchboard_store::{KbArticle, KbSection};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// A query string with problem-details rejections (axum's own are plain text).
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| ApiQuery(q))
            .map_err(|e| {
                ApiError::bad_request(
                    "invalid_query",
                    "Параметры запроса заданы неверно",
                    e.body_text(),
                )
            })
    }
}

/// Longest question searched; the rest is ignored (the search reads at most
/// a few dozen words anyway).
pub const MAX_QUESTION_CHARS: usize = 500;

/// `lang` if it names a language we speak, else `Accept-Language`, else Russian.
pub fn locale_of(lang: Option<&str>, headers: Option<&HeaderMap>) -> Locale {
    if let Some(l) = lang.and_then(Locale::parse) {
        return l;
    }
    let header = headers
        .and_then(|h| h.get(axum::http::header::ACCEPT_LANGUAGE))
        .and_then(|v| v.to_str().ok());
    crate::http::preferred_locale(header)
}

/// A question as the search may see it: bounded, and with any card number,
/// code or password a customer pasted masked (it is never searched, and the
/// hits never echo it).
pub fn question(raw: &str) -> String {
    let cut: String = raw.chars().take(MAX_QUESTION_CHARS).collect();
    switchboard_hygiene::mask_sensitive(&cut)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// `ru` (default) or `en`.
    pub lang: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HelpSectionView {
    pub code: String,
    pub line: String,
    pub name: String,
    /// Published articles.
    pub articles: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HelpArticleRef {
    pub id: String,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HelpSectionPage {
    pub code: String,
    pub line: String,
    pub name: String,
    pub articles: Vec<HelpArticleRef>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HelpArticleView {
    pub id: String,
    pub section: String,
    pub section_name: String,
    pub title: String,
    /// Plain text; paragraphs separated by blank lines.
    pub body: String,
    /// The language shown (`ru` when there is no translation).
    pub lang: String,
    pub updated_at: String,
}

/// One search hit.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitView {
    pub article_id: String,
    pub section: String,
    pub title: String,
    /// HTML-escaped body fragment with the matches in `<mark>`.
    pub snippet_html: String,
    pub score: f32,
    pub url: String,
}

impl From<&Hit> for HitView {
    fn from(h: &Hit) -> Self {
        HitView {
            article_id: h.article_id.to_string(),
            section: h.section.clone(),
            title: h.title.clone(),
            snippet_html: h.snippet_html.clone(),
            score: h.score,
            url: format!("/help/articles/{}", h.article_id),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchView {
    /// The question as searched (secrets masked).
    pub query: String,
    pub lang: String,
    pub hits: Vec<HitView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HelpSearchQuery {
    pub q: Option<String>,
    pub lang: Option<String>,
    /// Only this section's articles.
    pub section: Option<String>,
    /// Only this line's articles.
    pub line: Option<String>,
    /// Only articles for this `line/topic`.
    pub topic: Option<String>,
    /// 1–50, default 10.
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<u32>,
}

/// The published articles of a section, by title.
pub fn published_in(state: &AppState, section: &str, locale: Locale) -> Vec<KbArticle> {
    let mut list = state.kb.articles(Some(section), true);
    list.sort_by(|a, b| a.title.get(locale).cmp(b.title.get(locale)));
    list
}

/// A published article, or nothing (drafts and deleted ones alike).
pub fn published(state: &AppState, id: &str) -> Option<KbArticle> {
    state.kb.article(id).filter(|a| a.published)
}

/// Sections with at least one published article, in help-centre order.
pub fn visible_sections(state: &AppState) -> Vec<(KbSection, usize)> {
    state
        .kb
        .sections()
        .into_iter()
        .map(|s| {
            let n = state.kb.articles(Some(&s.code), true).len();
            (s, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// Runs a public search: published articles only.
pub fn search(
    state: &AppState,
    q: &HelpSearchQuery,
    locale: Locale,
) -> Result<(String, Vec<Hit>), ApiError> {
    let limit = crate::http::input::page_limit(q.limit, 10, 50)?;
    let text = question(q.q.as_deref().unwrap_or(""));
    if text.trim().is_empty() {
        return Ok((text, Vec::new()));
    }
    let mut query = SearchQuery::new(text.clone(), locale).with_limit(limit as usize);
    if let Some(t) = q.topic.as_deref().filter(|t| !t.is_empty()) {
        query = query.with_topic(TopicRef::try_from(t.to_owned()).map_err(|_| {
            ApiError::field(
                "topic",
                "invalid",
                "Тема: направление/тема",
                "topic is line/topic",
            )
        })?);
    }
    if let Some(s) = q.section.as_deref().filter(|s| !s.is_empty()) {
        query = query.with_section(s);
    }
    if let Some(l) = q.line.as_deref().filter(|l| !l.is_empty()) {
        query = query.with_line(l);
    }
    let hits = state
        .kb
        .search(&query)
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e)))?;
    Ok((text, hits))
}

/// The help centre's sections.
#[utoipa::path(get, path = "/api/v1/help/sections", tag = "help centre", params(LangQuery),
    responses((status = 200, body = Vec<HelpSectionView>)))]
pub async fn sections(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> Json<Vec<HelpSectionView>> {
    let locale = locale_of(q.lang.as_deref(), Some(&headers));
    Json(
        visible_sections(&state)
            .into_iter()
            .map(|(s, n)| HelpSectionView {
                name: s.name.get(locale).to_owned(),
                code: s.code,
                line: s.line,
                articles: n,
            })
            .collect(),
    )
}

/// A section and its published articles.
#[utoipa::path(get, path = "/api/v1/help/sections/{code}", tag = "help centre", params(("code" = String, Path), LangQuery),
    responses((status = 200, body = HelpSectionPage), (status = 404, body = Problem)))]
pub async fn section(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> Result<Json<HelpSectionPage>, ApiError> {
    let locale = locale_of(q.lang.as_deref(), Some(&headers));
    let s = state.kb.section(&code).ok_or_else(ApiError::not_found)?;
    Ok(Json(HelpSectionPage {
        articles: published_in(&state, &s.code, locale)
            .iter()
            .map(|a| HelpArticleRef {
                id: a.id.clone(),
                title: a.title.get(locale).to_owned(),
                url: format!("/help/articles/{}", a.id),
            })
            .collect(),
        name: s.name.get(locale).to_owned(),
        code: s.code,
        line: s.line,
    }))
}

/// A published article.
#[utoipa::path(get, path = "/api/v1/help/articles/{id}", tag = "help centre", params(("id" = String, Path), LangQuery),
    responses((status = 200, body = HelpArticleView), (status = 404, body = Problem)))]
pub async fn article(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> Result<Json<HelpArticleView>, ApiError> {
    let locale = locale_of(q.lang.as_deref(), Some(&headers));
    let a = published(&state, &id).ok_or_else(ApiError::not_found)?;
    let shown = if locale == Locale::En && !a.body.en.is_empty() {
        Locale::En
    } else {
        Locale::Ru
    };
    Ok(Json(HelpArticleView {
        section_name: state
            .kb
            .section(&a.section)
            .map(|s| s.name.get(locale).to_owned())
            .unwrap_or_default(),
        id: a.id.clone(),
        section: a.section.clone(),
        title: a.title.get(locale).to_owned(),
        body: a.body.get(locale).to_owned(),
        lang: shown.as_str().into(),
        updated_at: a.updated_at.to_string(),
    }))
}

/// Search the help centre: Russian word forms, typos and synonyms are understood.
#[utoipa::path(get, path = "/api/v1/help/search", tag = "help centre", params(HelpSearchQuery),
    responses((status = 200, body = SearchView), (status = 422, body = Problem)))]
pub async fn search_json(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<HelpSearchQuery>,
) -> Result<Json<SearchView>, ApiError> {
    let locale = locale_of(q.lang.as_deref(), Some(&headers));
    let (text, hits) = search(&state, &q, locale)?;
    Ok(Json(SearchView {
        query: text,
        lang: locale.as_str().into(),
        hits: hits.iter().map(HitView::from).collect(),
    }))
}
