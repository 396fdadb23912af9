//! The web pages: server-rendered HTML from askama templates (checked at
//! compile time, escaped by default), one stylesheet and small ES modules
//! embedded in the binary (`assets`), Russian by default and English by
//! choice (`i18n`). The customer's pages live in `customer/`, the staff's in
//! `staff/`; both extend `templates/base.html` and share [`Page`] and
//! [`render`], which adds the headers every page needs (content type and
//! language, a strict Content-Security-Policy: no inline script or style, no
//! third-party origin).
//!
//! The live parts are ES modules under `assets/js/` that talk to the JSON API
//! and the chat socket, never a second API: `api.js` (fetch with the bearer
//! token, problem details as errors) and `dom.js` (building nodes with
//! `textContent`, never `innerHTML` with data).

pub mod assets;
pub mod customer;
pub mod i18n;
pub mod staff;

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use switchboard_domain::i18n::Locale;

use crate::state::AppState;
use i18n::{Common, PageLocale};

/// Every page route; merged into `http::router`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/{*path}", get(assets::serve))
        .merge(customer::routes())
        .merge(staff::routes())
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// What a page handler knows about the request before it renders.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: PageLocale,
    pub path: String,
    pub query: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = PageLocale::from_request_parts(parts, state).await?;
        Ok(PageCtx {
            lang,
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
        })
    }
}

impl PageCtx {
    pub fn locale(&self) -> Locale {
        self.lang.locale
    }

    /// `?lang=en` (or `&lang=en` after another parameter) while the page is
    /// English, for links that should keep the language without the cookie.
    pub fn lang_suffix(&self, first: bool) -> &'static str {
        match (self.locale(), first) {
            (Locale::Ru, _) => "",
            (Locale::En, true) => "?lang=en",
            (Locale::En, false) => "&lang=en",
        }
    }
}

/// Which part of the product a page belongs to: decides the navigation and
/// who may frame it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Customer,
    Staff,
    /// The chat window framed by host sites of any origin.
    Embedded,
}

/// What `base.html` needs: the language and its words, the title, the
/// language switch, who is signed in, and the token the page's scripts use.
pub struct Page {
    pub locale: Locale,
    pub t: &'static Common,
    pub title: String,
    pub other_lang_href: String,
    pub area: Area,
    /// The signed-in person's display name.
    pub user: Option<String>,
    /// The bearer token the page's modules send to the JSON API (the
    /// customer's identity token or the staff session), in a `<meta>`.
    pub token: Option<String>,
    /// The signed-in member of staff is an admin (the admin pages' link).
    pub admin: bool,
    /// The signed-in member of staff oversees others (the dashboard's link).
    pub supervisor: bool,
    set_lang_cookie: bool,
}

impl Page {
    pub fn new(ctx: &PageCtx, area: Area, title: impl Into<String>) -> Self {
        let t = i18n::common(ctx.locale());
        Page {
            locale: ctx.locale(),
            t,
            title: title.into(),
            other_lang_href: i18n::other_lang_href(&ctx.path, ctx.query.as_deref(), t.other_lang),
            area,
            user: None,
            token: None,
            admin: false,
            supervisor: false,
            set_lang_cookie: ctx.lang.chosen,
        }
    }

    pub fn signed_in(mut self, name: impl Into<String>, token: impl Into<String>) -> Self {
        self.user = Some(name.into());
        self.token = Some(token.into());
        self
    }

    pub fn lang(&self) -> &'static str {
        self.locale.as_str()
    }

    /// The versioned URL of an embedded asset.
    pub fn asset(&self, path: &str) -> String {
        assets::url(path)
    }

    pub fn is_customer(&self) -> bool {
        self.area == Area::Customer
    }

    pub fn is_staff(&self) -> bool {
        self.area == Area::Staff
    }

    pub fn is_embedded(&self) -> bool {
        self.area == Area::Embedded
    }
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'";

/// Renders a page with the headers every page carries. A template that fails
/// to render is logged and answered with a plain 500, never half a page.
pub fn render<T: Template>(page: &Page, status: StatusCode, template: &T) -> Response {
    let html = match template.render() {
        Ok(html) => html,
        Err(e) => {
            tracing::error!(error = %e, "rendering a page");
            return (StatusCode::INTERNAL_SERVER_ERROR, page.t.error_text).into_response();
        }
    };
    let mut response = (status, html).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(page.lang()),
    );
    let frame = match page.area {
        Area::Embedded => "frame-ancestors *",
        Area::Customer | Area::Staff => "frame-ancestors 'none'",
    };
    if let Ok(v) = HeaderValue::from_str(&format!("{CSP}; {frame}")) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if page.user.is_some() {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if page.set_lang_cookie
        && let Some(v) = i18n::lang_cookie(page.locale)
    {
        h.append(header::SET_COOKIE, v);
    }
    response
}

/// A value as JSON to embed in `<script type="application/json">`: `<`, `>`
/// and `&` are written as `\u003c`… so no data can close the element.
pub fn json_for_script<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A 303 to a local path.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

/// A path this site may redirect to after sign-in: local, absolute, not
/// protocol-relative; anything else becomes `fallback`.
pub fn local_path<'a>(next: Option<&'a str>, fallback: &'a str) -> &'a str {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(char::is_control) =>
        {
            p
        }
        _ => fallback,
    }
}

#[derive(Template)]
#[template(path = "partials/message.html")]
pub struct MessagePage<'a> {
    pub page: &'a Page,
    pub heading: &'a str,
    pub text: &'a str,
}

/// A page of an area that only says something: a heading and a sentence.
fn message(ctx: &PageCtx, area: Area, status: StatusCode, heading: &str, text: &str) -> Response {
    let page = Page::new(ctx, area, heading);
    render(
        &page,
        status,
        &MessagePage {
            page: &page,
            heading,
            text,
        },
    )
}

/// The "something went wrong" page of an area (the caller logs the cause).
pub fn error_page(ctx: &PageCtx, area: Area) -> Response {
    let t = i18n::common(ctx.locale());
    let status = StatusCode::INTERNAL_SERVER_ERROR;
    message(ctx, area, status, t.error_title, t.error_text)
}

/// The "no such page" page of an area.
pub fn not_found(ctx: &PageCtx, area: Area) -> Response {
    let t = i18n::common(ctx.locale());
    message(
        ctx,
        area,
        StatusCode::NOT_FOUND,
        t.not_found_title,
        t.not_found_text,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            local_path(Some("/account/requests"), "/account"),
            "/account/requests"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "/a\nb",
        ] {
            assert_eq!(local_path(Some(bad), "/account"), "/account", "{bad}");
        }
        assert_eq!(local_path(None, "/account"), "/account");
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("xsb_lang=ru; sb_lang=en"),
        );
        assert_eq!(cookie(&h, "sb_lang"), Some("en"));
        assert_eq!(cookie(&h, "lang"), None);
    }
}
