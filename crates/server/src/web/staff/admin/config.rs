//! `/staff/admin` (the documents and their versions) and each document's
//! page: its text to edit, its history with diff and rollback, and for the
//! catalog a table of what is live (lines, topics, skills).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use switchboard_core::configuration::priority_form::{self, RuleRow};
use switchboard_core::configuration::sla_form::{self, PolicyTargets};
use switchboard_core::configuration::{ConfigDoc, forms};
use switchboard_domain::i18n::Locale;
use switchboard_store::ConfigVersionInfo;

use super::diff::{DiffLine, diff_lines};
use super::form_text::{FormWords, form_words};
use super::kb_text::{KbWords, kb_words};
use super::text::AdminWords;
use super::{admin_only, not_found, unavailable, when};
use crate::state::AppState;
use crate::web::staff::session::StaffSignedIn;
use crate::web::staff::text::{Words, words};
use crate::web::{Page, PageCtx, render};

fn doc_name(a: &AdminWords, doc: ConfigDoc) -> (&'static str, &'static str) {
    match doc {
        ConfigDoc::Catalog => (a.doc_catalog, a.doc_catalog_hint),
        ConfigDoc::Sla => (a.doc_sla, a.doc_sla_hint),
        ConfigDoc::Calendars => (a.doc_calendars, a.doc_calendars_hint),
        ConfigDoc::Priority => (a.doc_priority, a.doc_priority_hint),
    }
}

/// A version as a row of a table.
pub struct VersionRow {
    pub version: i64,
    pub author: String,
    pub when: String,
    pub comment: String,
}

impl From<&ConfigVersionInfo> for VersionRow {
    fn from(v: &ConfigVersionInfo) -> Self {
        VersionRow {
            version: v.version,
            author: v.author_login.clone(),
            when: when(v.created_at),
            comment: v.comment.clone(),
        }
    }
}

pub struct DocRow {
    pub code: &'static str,
    pub name: &'static str,
    pub hint: &'static str,
    pub newest: Option<VersionRow>,
}

#[derive(Template)]
#[template(path = "staff/admin/index.html")]
struct IndexPage<'a> {
    page: &'a Page,
    w: &'static Words,
    a: &'static AdminWords,
    k: &'static KbWords,
    docs: Vec<DocRow>,
    live_revision: i64,
}

pub async fn index(State(state): State<AppState>, ctx: PageCtx, me: StaffSignedIn) -> Response {
    let a = match admin_only(&ctx, &me) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let snapshot = match state.store.config_snapshot().await {
        Ok(s) => s,
        Err(e) => return unavailable(&ctx, e),
    };
    let docs = ConfigDoc::ALL
        .into_iter()
        .map(|doc| {
            let (name, hint) = doc_name(a, doc);
            DocRow {
                code: doc.as_str(),
                name,
                hint,
                newest: snapshot
                    .documents
                    .iter()
                    .find(|d| d.info.doc == doc.as_str())
                    .map(|d| VersionRow::from(&d.info)),
            }
        })
        .collect();
    let page = me.page(&ctx, a.title);
    render(
        &page,
        StatusCode::OK,
        &IndexPage {
            page: &page,
            w: words(ctx.locale()),
            a,
            k: kb_words(ctx.locale()),
            docs,
            live_revision: state.core.live.revision(),
        },
    )
}

/// A line of the catalog as the document page lists it.
pub struct LineRow {
    pub code: String,
    pub name: String,
    pub topics: Vec<TopicRow>,
}

pub struct TopicRow {
    pub code: String,
    pub name: String,
    pub skill: String,
}

fn catalog_rows(state: &AppState, locale: Locale) -> Vec<LineRow> {
    state
        .catalog()
        .lines
        .iter()
        .map(|l| LineRow {
            code: l.code.clone(),
            name: l.name.get(locale).to_owned(),
            topics: l
                .topics
                .iter()
                .map(|t| TopicRow {
                    code: t.code.clone(),
                    name: t.name.get(locale).to_owned(),
                    skill: t.skill.clone(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "staff/admin/document.html")]
struct DocumentPage<'a> {
    page: &'a Page,
    w: &'static Words,
    a: &'static AdminWords,
    code: &'static str,
    name: &'static str,
    hint: &'static str,
    body: String,
    newest: i64,
    history: Vec<VersionRow>,
    lines: Vec<LineRow>,
    f: &'static FormWords,
    /// The calendars' holiday sets, for the holiday form.
    holiday_sets: Vec<String>,
    /// The SLA policies' targets, for their forms.
    policies: Vec<PolicyTargets>,
    /// The default priority and the rules, for their forms (priority only).
    default_priority: Option<String>,
    rules: Vec<RuleRow>,
}

pub async fn document(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StaffSignedIn,
    Path(raw): Path<String>,
) -> Response {
    let a = match admin_only(&ctx, &me) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let Some(doc) = ConfigDoc::parse(&raw) else {
        return not_found(&ctx, &me);
    };
    let history = match state.core.config_history(doc).await {
        Ok(h) => h,
        Err(e) => return unavailable(&ctx, e),
    };
    let Some(newest) = history.first().map(|v| v.version) else {
        return not_found(&ctx, &me);
    };
    let body = match state.core.config_version(doc, newest).await {
        Ok(v) => v.body,
        Err(e) => return unavailable(&ctx, e),
    };
    let (name, hint) = doc_name(a, doc);
    let holiday_sets = if doc == ConfigDoc::Calendars {
        forms::holiday_sets(&body)
    } else {
        Vec::new()
    };
    let policies = if doc == ConfigDoc::Sla {
        sla_form::policy_targets(&body)
    } else {
        Vec::new()
    };
    let (default_priority, rules) = if doc == ConfigDoc::Priority {
        priority_form::priority_rules(&body)
    } else {
        (None, Vec::new())
    };
    let lines = if doc == ConfigDoc::Catalog {
        catalog_rows(&state, ctx.locale())
    } else {
        Vec::new()
    };
    let page = me.page(&ctx, name);
    render(
        &page,
        StatusCode::OK,
        &DocumentPage {
            page: &page,
            w: words(ctx.locale()),
            a,
            code: doc.as_str(),
            name,
            hint,
            body,
            newest,
            history: history.iter().map(VersionRow::from).collect(),
            lines,
            f: form_words(ctx.locale()),
            holiday_sets,
            policies,
            default_priority,
            rules,
        },
    )
}

#[derive(Template)]
#[template(path = "staff/admin/version.html")]
struct VersionPage<'a> {
    page: &'a Page,
    w: &'static Words,
    a: &'static AdminWords,
    code: &'static str,
    name: &'static str,
    row: VersionRow,
    newest: i64,
    body: String,
    diff: Option<Vec<DiffLine>>,
}

pub async fn version(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StaffSignedIn,
    Path((raw, n)): Path<(String, String)>,
) -> Response {
    let a = match admin_only(&ctx, &me) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let (Some(doc), Ok(n)) = (ConfigDoc::parse(&raw), n.parse::<i64>()) else {
        return not_found(&ctx, &me);
    };
    let v = match state.core.config_version(doc, n).await {
        Ok(v) => v,
        Err(switchboard_core::CoreError::NotFound) => return not_found(&ctx, &me),
        Err(e) => return unavailable(&ctx, e),
    };
    let newest = match state.core.config_history(doc).await {
        Ok(h) => h.first().map_or(n, |v| v.version),
        Err(e) => return unavailable(&ctx, e),
    };
    let diff = if n > 1 {
        match state.core.config_version(doc, n - 1).await {
            Ok(prev) => Some(diff_lines(&prev.body, &v.body)),
            Err(e) => return unavailable(&ctx, e),
        }
    } else {
        None
    };
    let (name, _) = doc_name(a, doc);
    let page = me.page(&ctx, format!("{name}: {} {n}", a.version_of));
    render(
        &page,
        StatusCode::OK,
        &VersionPage {
            page: &page,
            w: words(ctx.locale()),
            a,
            code: doc.as_str(),
            name,
            row: VersionRow::from(&v.info),
            newest,
            body: v.body,
            diff,
        },
    )
}
