//! The admin's pages (issue 12): the configuration documents with their
//! history, diff and rollback (`config`), staff accounts (`staff`) and the
//! knowledge base editor (`kb`). They
//! read through the store and the use cases and change things only through
//! the JSON API, from `assets/js/staff-admin.js`. Words in `text`.

pub mod config;
pub mod diff;
pub mod form_text;
pub mod kb;
pub mod kb_text;
pub mod staff;
pub mod text;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use switchboard_store::Role;

use crate::state::AppState;
use crate::web::staff::session::StaffSignedIn;
use crate::web::staff::text::{Words, words};
use crate::web::{Page, PageCtx, render};
use text::{AdminWords, admin_words};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/admin", get(config::index))
        .route("/staff/admin/config/{doc}", get(config::document))
        .route(
            "/staff/admin/config/{doc}/versions/{version}",
            get(config::version),
        )
        .route("/staff/admin/staff", get(staff::page))
        .route("/staff/admin/kb", get(kb::index))
        .route("/staff/admin/kb/new", get(kb::new))
        .route("/staff/admin/kb/articles/{id}", get(kb::edit))
}

#[derive(Template)]
#[template(path = "staff/admin/message.html")]
struct MessagePage<'a> {
    page: &'a Page,
    w: &'static Words,
    text: &'a str,
}

/// A page that says one thing (not an admin, not found, unavailable).
fn message(ctx: &PageCtx, me: &StaffSignedIn, status: StatusCode, text: &str) -> Response {
    let a = admin_words(ctx.locale());
    let page = me.page(ctx, a.title);
    render(
        &page,
        status,
        &MessagePage {
            page: &page,
            w: words(ctx.locale()),
            text,
        },
    )
}

/// The words, or the refusal page for anyone but an admin.
fn admin_only(ctx: &PageCtx, me: &StaffSignedIn) -> Result<&'static AdminWords, Box<Response>> {
    let a = admin_words(ctx.locale());
    if me.operator.role == Role::Admin {
        Ok(a)
    } else {
        Err(Box::new(message(
            ctx,
            me,
            StatusCode::FORBIDDEN,
            a.forbidden,
        )))
    }
}

fn not_found(ctx: &PageCtx, me: &StaffSignedIn) -> Response {
    message(
        ctx,
        me,
        StatusCode::NOT_FOUND,
        crate::web::i18n::common(ctx.locale()).not_found_text,
    )
}

fn unavailable(ctx: &PageCtx, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "rendering an admin page");
    let t = crate::web::i18n::common(ctx.locale());
    (StatusCode::INTERNAL_SERVER_ERROR, t.error_text).into_response()
}

/// A stored time as the pages show it.
fn when(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}
