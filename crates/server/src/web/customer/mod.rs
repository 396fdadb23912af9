//! The customer's pages: sign-in (the host site's hand-over, the demo's
//! picker), the account, "Contact us", "My requests", the chat window (a
//! page, and the frame the host sites' widget opens) and the help centre.

pub mod chat;
pub mod chat_text;
pub mod contact;
pub mod help;
pub mod messengers;
pub mod requests;
pub mod session;
pub mod text;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use crate::state::AppState;
use crate::web::{Page, PageCtx, render, see_other};
use session::SignedIn;
use text::{Text, text};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { see_other("/account") }))
        .route("/account", get(account))
        .route(
            "/account/signin",
            get(session::signin_page).post(session::signin),
        )
        .route("/account/signout", post(session::signout))
        .route("/account/contact", get(contact::page))
        .route("/account/messengers", get(messengers::page))
        .route("/account/messengers/code", post(messengers::code))
        .route("/account/messengers/unlink", post(messengers::unlink))
        .route("/account/requests", get(requests::list))
        .route("/account/requests/{number}", get(requests::show))
        .route("/chat", get(chat::page))
        .route("/chat/embed", get(chat::embed))
        .route("/demo", get(session::demo_page))
        .route("/demo/signin", post(session::demo_signin))
        .route("/help", get(help::home))
        .route("/help/sections/{code}", get(help::section))
        .route("/help/articles/{id}", get(help::article))
        .route("/help/search", get(help::search_page))
}

#[derive(askama::Template)]
#[template(path = "customer/account.html")]
struct AccountPage<'a> {
    page: &'a Page,
    w: &'static Text,
    m: &'static messengers::MessengersText,
    name: &'a str,
}

/// `GET /account`: the customer's start page.
async fn account(ctx: PageCtx, me: SignedIn) -> Response {
    let w = text(ctx.locale());
    let page = me.page(&ctx, w.account_title);
    render(
        &page,
        StatusCode::OK,
        &AccountPage {
            page: &page,
            w,
            m: messengers::messengers_text(ctx.locale()),
            name: &me.customer.name,
        },
    )
}
