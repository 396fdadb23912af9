//! The public help centre as pages: `/help`, `/help/sections/{code}`,
//! `/help/articles/{id}`, `/help/search?q=`. No sign-in and no script. The
//! only markup that does not come from a template is the search's snippet,
//! which the search escapes itself before adding `<mark>`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::http::help::{HelpSearchQuery, published, published_in, search, visible_sections};
use crate::state::AppState;
use crate::web::customer::text::{Text, text};
use crate::web::{Area, Page, PageCtx, not_found, render};

struct ArticleLink {
    id: String,
    title: String,
}

struct SectionLinks {
    code: String,
    name: String,
    articles: Vec<ArticleLink>,
}

#[derive(askama::Template)]
#[template(path = "customer/help_home.html")]
struct HomePage<'a> {
    page: &'a Page,
    w: &'static Text,
    lang: &'static str,
    query: &'a str,
    sections: Vec<SectionLinks>,
}

fn links(state: &AppState, section: &str, ctx: &PageCtx) -> Vec<ArticleLink> {
    published_in(state, section, ctx.locale())
        .into_iter()
        .map(|a| ArticleLink {
            title: a.title.get(ctx.locale()).to_owned(),
            id: a.id,
        })
        .collect()
}

/// `GET /help`: the sections and their articles.
pub async fn home(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let w = text(ctx.locale());
    let sections = visible_sections(&state)
        .into_iter()
        .map(|(s, _)| SectionLinks {
            articles: links(&state, &s.code, &ctx),
            name: s.name.get(ctx.locale()).to_owned(),
            code: s.code,
        })
        .collect();
    let page = Page::new(&ctx, Area::Customer, w.help_title);
    render(
        &page,
        StatusCode::OK,
        &HomePage {
            page: &page,
            w,
            lang: ctx.lang_suffix(true),
            query: "",
            sections,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "customer/help_section.html")]
struct SectionPage<'a> {
    page: &'a Page,
    w: &'static Text,
    lang: &'static str,
    query: &'a str,
    name: &'a str,
    articles: Vec<ArticleLink>,
}

/// `GET /help/sections/{code}`.
pub async fn section(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> Response {
    let Some(s) = state.kb.section(&code) else {
        return not_found(&ctx, Area::Customer);
    };
    let w = text(ctx.locale());
    let name = s.name.get(ctx.locale());
    let page = Page::new(&ctx, Area::Customer, name);
    render(
        &page,
        StatusCode::OK,
        &SectionPage {
            page: &page,
            w,
            lang: ctx.lang_suffix(true),
            query: "",
            name,
            articles: links(&state, &s.code, &ctx),
        },
    )
}

struct SectionLink {
    code: String,
    name: String,
}

#[derive(askama::Template)]
#[template(path = "customer/help_article.html")]
struct ArticlePage<'a> {
    page: &'a Page,
    w: &'static Text,
    lang: &'static str,
    section: Option<SectionLink>,
    title: &'a str,
    /// Paragraphs (split on blank lines), each as its lines.
    paragraphs: Vec<Vec<&'a str>>,
    updated: String,
}

/// `GET /help/articles/{id}`: published articles only.
pub async fn article(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> Response {
    let Some(a) = published(&state, &id) else {
        return not_found(&ctx, Area::Customer);
    };
    let w = text(ctx.locale());
    let title = a.title.get(ctx.locale());
    let paragraphs = a
        .body
        .get(ctx.locale())
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.lines().collect())
        .collect();
    let section = state.kb.section(&a.section).map(|s| SectionLink {
        name: s.name.get(ctx.locale()).to_owned(),
        code: s.code,
    });
    let page = Page::new(&ctx, Area::Customer, title);
    render(
        &page,
        StatusCode::OK,
        &ArticlePage {
            page: &page,
            w,
            lang: ctx.lang_suffix(true),
            section,
            title,
            paragraphs,
            updated: a.updated_at.strftime("%Y-%m-%d").to_string(),
        },
    )
}

struct HitLink {
    id: String,
    title: String,
    /// Escaped by the search, with `<mark>` around the matches.
    snippet_html: String,
}

#[derive(askama::Template)]
#[template(path = "customer/help_search.html")]
struct SearchPage<'a> {
    page: &'a Page,
    w: &'static Text,
    lang: &'static str,
    query: &'a str,
    hits: Vec<HitLink>,
}

/// `GET /help/search?q=…`. A bad filter shows no results rather than an error page.
pub async fn search_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    q: Result<Query<HelpSearchQuery>, QueryRejection>,
) -> Response {
    let w = text(ctx.locale());
    let (query, hits) = match q {
        Ok(Query(q)) => search(&state, &q, ctx.locale()).unwrap_or_default(),
        Err(_) => Default::default(),
    };
    let hits = hits
        .into_iter()
        .map(|h| HitLink {
            id: h.article_id.as_str().to_owned(),
            title: h.title,
            snippet_html: h.snippet_html,
        })
        .collect();
    let page = Page::new(&ctx, Area::Customer, w.results_for);
    render(
        &page,
        StatusCode::OK,
        &SearchPage {
            page: &page,
            w,
            lang: ctx.lang_suffix(true),
            query: &query,
            hits,
        },
    )
}
