//! `/staff/admin/kb`: the knowledge base editor. The list shows every
//! article, drafts included, by section; an article's page edits it (both
//! languages, section, the topics the bot suggests it for, search words),
//! saves it as a draft, publishes or withdraws it, deletes it, and shows it
//! as the help centre will. Changes go through the knowledge-base API from
//! `assets/js/staff-admin.js`, so they are validated and audited there.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use switchboard_domain::i18n::{Locale, Text};
use switchboard_store::{KbArticle, StoreError};

use super::kb_text::{KbWords, kb_words};
use super::{admin_only, not_found, unavailable, when};
use crate::state::AppState;
use crate::web::staff::session::StaffSignedIn;
use crate::web::staff::text::{Words, words};
use crate::web::{Page, PageCtx, render};

pub struct ArticleRow {
    pub id: String,
    pub title: String,
    pub published: bool,
    pub updated: String,
}

pub struct SectionRows {
    pub code: String,
    pub name: String,
    pub articles: Vec<ArticleRow>,
}

#[derive(Template)]
#[template(path = "staff/admin/kb.html")]
struct ListPage<'a> {
    page: &'a Page,
    w: &'static Words,
    k: &'static KbWords,
    sections: Vec<SectionRows>,
}

/// `GET /staff/admin/kb`.
pub async fn index(State(state): State<AppState>, ctx: PageCtx, me: StaffSignedIn) -> Response {
    if let Err(r) = admin_only(&ctx, &me) {
        return *r;
    }
    let k = kb_words(ctx.locale());
    let locale = ctx.locale();
    let sections = state
        .kb
        .sections()
        .into_iter()
        .map(|s| SectionRows {
            articles: state
                .kb
                .articles(Some(&s.code), false)
                .iter()
                .map(|a| ArticleRow {
                    id: a.id.clone(),
                    title: a.title.get(locale).to_owned(),
                    published: a.published,
                    updated: when(a.updated_at),
                })
                .collect(),
            name: s.name.get(locale).to_owned(),
            code: s.code,
        })
        .collect();
    let page = me.page(&ctx, k.title);
    render(
        &page,
        StatusCode::OK,
        &ListPage {
            page: &page,
            w: words(locale),
            k,
            sections,
        },
    )
}

/// A choice in a menu.
pub struct Choice {
    pub code: String,
    pub name: String,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "staff/admin/kb_article.html")]
struct ArticlePage<'a> {
    page: &'a Page,
    w: &'static Words,
    k: &'static KbWords,
    /// None for a new article.
    article: Option<&'a KbArticle>,
    sections: Vec<Choice>,
    /// Every `line/topic` code, for the topics field's suggestions.
    topic_codes: Vec<String>,
    title: Text,
    body: Text,
    topics: String,
    keywords: String,
    /// The saved article as the help centre shows it, in the page's
    /// language: its title and paragraphs, each as its lines.
    preview_title: String,
    preview: Vec<Vec<String>>,
}

/// `GET /staff/admin/kb/new`.
pub async fn new(state: State<AppState>, ctx: PageCtx, me: StaffSignedIn) -> Response {
    article_page(state, ctx, me, None).await
}

/// `GET /staff/admin/kb/articles/{id}`.
pub async fn edit(
    state: State<AppState>,
    ctx: PageCtx,
    me: StaffSignedIn,
    Path(id): Path<String>,
) -> Response {
    article_page(state, ctx, me, Some(id)).await
}

async fn article_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StaffSignedIn,
    id: Option<String>,
) -> Response {
    if let Err(r) = admin_only(&ctx, &me) {
        return *r;
    }
    let article = match id {
        None => None,
        Some(id) => match state.store.kb_article(&id).await {
            Ok(a) if !a.deleted => Some(a),
            Ok(_) | Err(StoreError::NotFound) => return not_found(&ctx, &me),
            Err(e) => return unavailable(&ctx, e),
        },
    };
    let locale = ctx.locale();
    let k = kb_words(locale);
    let current_section = article.as_ref().map(|a| a.section.as_str());
    let sections = state
        .kb
        .sections()
        .into_iter()
        .map(|s| Choice {
            chosen: Some(s.code.as_str()) == current_section,
            name: s.name.get(locale).to_owned(),
            code: s.code,
        })
        .collect();
    let topic_codes = state
        .catalog()
        .lines
        .iter()
        .flat_map(|l| {
            l.topics
                .iter()
                .map(move |t| format!("{}/{}", l.code, t.code))
        })
        .collect();
    let (preview_title, preview) = article
        .as_ref()
        .map(|a| (a.title.get(locale).to_owned(), paragraphs(&a.body, locale)))
        .unwrap_or_default();
    let heading = article.as_ref().map_or(k.new_article, |_| k.edit_article);
    let page = me.page(&ctx, heading);
    render(
        &page,
        StatusCode::OK,
        &ArticlePage {
            page: &page,
            w: words(locale),
            k,
            title: article
                .as_ref()
                .map(|a| a.title.clone())
                .unwrap_or_default(),
            body: article.as_ref().map(|a| a.body.clone()).unwrap_or_default(),
            topics: article
                .as_ref()
                .map(|a| a.topics.join(", "))
                .unwrap_or_default(),
            keywords: article
                .as_ref()
                .map(|a| a.keywords.join(", "))
                .unwrap_or_default(),
            article: article.as_ref(),
            sections,
            topic_codes,
            preview_title,
            preview,
        },
    )
}

/// An article's text as the help centre splits it: paragraphs on blank
/// lines, each kept as its lines.
fn paragraphs(body: &Text, locale: Locale) -> Vec<Vec<String>> {
    body.get(locale)
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.lines().map(str::to_owned).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_splits_paragraphs_like_the_help_centre() {
        let body = Text {
            ru: "Первый абзац\nвторая строка\n\n\n  Второй абзац  \n\n".into(),
            en: String::new(),
        };
        assert_eq!(
            paragraphs(&body, Locale::Ru),
            vec![
                vec!["Первый абзац".to_owned(), "вторая строка".to_owned()],
                vec!["Второй абзац".to_owned()],
            ]
        );
        // No English text: the Russian one stands in, as on the help centre.
        assert_eq!(paragraphs(&body, Locale::En).len(), 2);
    }
}
