//! The chat window: `/chat` (a full page for the account and the app's web
//! view, signed in by the session cookie) and `/chat/embed` (the page the
//! widget frames on host sites of any origin; the host passes the identity
//! token in the URL fragment, which `chat.js` reads and the server never
//! sees). Both run `js/chat.js` over the customer chat socket.

use axum::http::StatusCode;
use axum::response::Response;
use switchboard_domain::i18n::Locale;

use crate::web::customer::session::SignedIn;
use crate::web::customer::text::{ChatText, chat_text};
use crate::web::{Area, Page, PageCtx, json_for_script, render};

#[derive(serde::Serialize)]
struct ChatData {
    /// Keys what the page keeps in sessionStorage (one chat per customer).
    customer: Option<String>,
    words: &'static ChatText,
}

fn data(locale: Locale, customer: Option<String>) -> String {
    json_for_script(&ChatData {
        customer,
        words: chat_text(locale),
    })
}

#[derive(askama::Template)]
#[template(path = "customer/chat.html")]
struct ChatPage<'a> {
    page: &'a Page,
    w: &'static ChatText,
    data: String,
    embedded: bool,
}

/// `GET /chat`.
pub async fn page(ctx: PageCtx, me: SignedIn) -> Response {
    let w = chat_text(ctx.locale());
    let page = me.page(&ctx, w.title);
    render(
        &page,
        StatusCode::OK,
        &ChatPage {
            page: &page,
            w,
            data: data(ctx.locale(), Some(me.customer.id.as_str().to_owned())),
            embedded: false,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "customer/chat_embed.html")]
struct EmbedPage<'a> {
    page: &'a Page,
    w: &'static ChatText,
    data: String,
    embedded: bool,
}

/// `GET /chat/embed`: no cookie needed, framed by any host site.
pub async fn embed(ctx: PageCtx) -> Response {
    let w = chat_text(ctx.locale());
    let page = Page::new(&ctx, Area::Embedded, w.title);
    render(
        &page,
        StatusCode::OK,
        &EmbedPage {
            page: &page,
            w,
            data: data(ctx.locale(), None),
            embedded: true,
        },
    )
}
