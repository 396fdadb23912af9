//! The chat window: `/chat` (a full page for the account and the app's web
//! view, signed in by the session cookie) and `/chat/embed` (the page the
//! widget frames on host sites of any origin; the host passes the identity
//! token to `widget.js`, which hands it to the frame in the URL fragment, so
//! no server and no log sees it; the page reads no cookie). Both run
//! `js/chat.js` over the customer chat socket, like any other client.

use axum::http::StatusCode;
use axum::response::Response;
use switchboard_domain::i18n::Locale;

use crate::web::customer::chat_text::{ChatText, chat_text};
use crate::web::customer::session::SignedIn;
use crate::web::{Area, Page, PageCtx, json_for_script, render};

#[derive(serde::Serialize)]
struct ChatData {
    /// In the widget's frame: links open in a new tab.
    embedded: bool,
    words: &'static ChatText,
}

#[derive(askama::Template)]
#[template(path = "customer/chat.html")]
struct ChatPage<'a> {
    page: &'a Page,
    w: &'static ChatText,
    data: String,
    embedded: bool,
    help_suffix: &'static str,
}

impl<'a> ChatPage<'a> {
    fn new(page: &'a Page, ctx: &PageCtx, embedded: bool) -> Self {
        let w = chat_text(ctx.locale());
        ChatPage {
            page,
            w,
            data: json_for_script(&ChatData { embedded, words: w }),
            embedded,
            help_suffix: ctx.lang_suffix(true),
        }
    }
}

fn title(locale: Locale) -> &'static str {
    chat_text(locale).title
}

/// `GET /chat`.
pub async fn page(ctx: PageCtx, me: SignedIn) -> Response {
    let page = me.page(&ctx, title(ctx.locale()));
    render(&page, StatusCode::OK, &ChatPage::new(&page, &ctx, false))
}

/// `GET /chat/embed`: no cookie read, framed by any host site (the token
/// comes from the host, so a site without one gets nothing from framing it).
pub async fn embed(ctx: PageCtx) -> Response {
    let page = Page::new(&ctx, Area::Embedded, title(ctx.locale()));
    render(&page, StatusCode::OK, &ChatPage::new(&page, &ctx, true))
}
