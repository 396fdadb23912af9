//! How a customer comes to the pages signed in.
//!
//! **Production.** The host site (or the app's web view) already signs an
//! identity token for the customer (`<account>.<expiry>.<HMAC-SHA256>`, the
//! same token the JSON API and the chat take). It sends the browser to
//! support with an HTML form POST to `/account/signin` carrying `token` and,
//! optionally, `next` (a local path such as `/account/requests`). The page
//! checks the token, keeps it in the `sb_customer` cookie (HttpOnly,
//! SameSite=Lax, until the token's own expiry) and redirects to `next`. The
//! token never travels in a URL, so it stays out of logs and `Referer`.
//! Pages hand it to their scripts in `<meta name="sb-token">` for the JSON
//! API and the socket; when it expires the customer is sent back to sign in.
//!
//! **Demo.** With the demo profile, `/demo` lists the demo customers and signs
//! one in by minting a short-lived token with the service's own secret.

use axum::Form;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use switchboard_domain::customer::Customer;
use switchboard_domain::ids::CustomerId;

use crate::auth::{customer_by_token, token_expiry};
use crate::state::AppState;
use crate::web::customer::text::{Text, text};
use crate::web::{Area, Page, PageCtx, cookie, local_path, render, see_other};

pub const SESSION_COOKIE: &str = "sb_customer";
/// How long a demo sign-in lasts.
const DEMO_TOKEN_SECS: i64 = 8 * 3600;

/// A customer signed in to the pages, with the token their scripts use.
pub struct SignedIn {
    pub customer: Customer,
    pub token: String,
}

impl SignedIn {
    pub fn page(&self, ctx: &PageCtx, title: impl Into<String>) -> Page {
        Page::new(ctx, Area::Customer, title).signed_in(&self.customer.name, &self.token)
    }
}

impl FromRequestParts<AppState> for SignedIn {
    /// A redirect to the sign-in page, which comes back here afterwards.
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let signin = |reason: &str| to_sign_in(parts, "/account/signin", "/account", reason);
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(signin("none"));
        };
        match customer_by_token(state, token).await {
            Ok(auth) => Ok(SignedIn {
                customer: auth.0,
                token: token.to_owned(),
            }),
            Err(_) => Err(signin("expired")),
        }
    }
}

/// Percent-encodes a query-string value.
/// A redirect to a sign-in form (`form`) that comes back to the page asked
/// for (or `home`) afterwards; `reason` says why (`none`, `expired`, …).
pub fn to_sign_in(parts: &Parts, form: &str, home: &str, reason: &str) -> Response {
    let back = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or(home);
    see_other(&format!("{form}?reason={reason}&next={}", url_value(back)))
}

pub fn url_value(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn session_cookie(token: &str, max_age: i64) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax"
    ))
    .ok()
}

/// Signs the token's customer in and goes to `next`.
async fn start_session(state: &AppState, token: &str, next: &str) -> Option<Response> {
    customer_by_token(state, token).await.ok()?;
    let now = state.clock.now();
    let max_age = token_expiry(token)
        .map(|e| (e.as_second() - now.as_second()).max(0))
        .unwrap_or(0);
    let mut response = see_other(next);
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(token, max_age)?);
    Some(response)
}

#[derive(askama::Template)]
#[template(path = "customer/signin.html")]
struct SignInPage<'a> {
    page: &'a Page,
    w: &'static Text,
    problem: Option<&'static str>,
    demo: bool,
    next: &'a str,
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    reason: Option<String>,
    next: Option<String>,
}

/// `GET /account/signin`: where an unsigned visitor lands.
pub async fn signin_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    query: Result<Query<SignInQuery>, QueryRejection>,
) -> Response {
    let w = text(ctx.locale());
    let q = query.ok().map(|q| q.0);
    let problem = match q.as_ref().and_then(|q| q.reason.as_deref()) {
        Some("expired") => Some(w.signin_expired),
        Some("invalid") => Some(w.signin_invalid),
        _ => None,
    };
    let next = local_path(q.as_ref().and_then(|q| q.next.as_deref()), "/account");
    let page = Page::new(&ctx, Area::Customer, w.signin_title);
    render(
        &page,
        StatusCode::OK,
        &SignInPage {
            page: &page,
            w,
            problem,
            demo: state.demo_sign_in,
            next,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    token: String,
    next: Option<String>,
}

/// `POST /account/signin` (form: `token`, `next`): the host site's hand-over.
pub async fn signin(State(state): State<AppState>, Form(form): Form<SignInForm>) -> Response {
    let next = local_path(form.next.as_deref(), "/account");
    match start_session(&state, form.token.trim(), next).await {
        Some(response) => response,
        None => see_other(&format!(
            "/account/signin?reason=invalid&next={}",
            url_value(next)
        )),
    }
}

/// `POST /account/signout`.
pub async fn signout() -> Response {
    let mut response = see_other("/account/signin");
    if let Some(v) = session_cookie("", 0) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// Refuses a form posted from another origin (the demo's sign-in must not be
/// triggered by other sites).
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    host.is_some_and(|h| origin.split_once("://").is_some_and(|(_, rest)| rest == h))
}

struct DemoCustomer {
    id: String,
    name: String,
    kind: &'static str,
}

#[derive(askama::Template)]
#[template(path = "customer/demo.html")]
struct DemoPage<'a> {
    page: &'a Page,
    w: &'static Text,
    customers: Vec<DemoCustomer>,
    next: &'a str,
}

fn kind_name(c: &Customer, en: bool) -> &'static str {
    use switchboard_domain::customer::CustomerKind as K;
    match (c.kind, en) {
        (K::Buyer, false) => "покупатель",
        (K::Buyer, true) => "buyer",
        (K::Seller, false) if c.flags.premium_seller => "премиум-продавец",
        (K::Seller, true) if c.flags.premium_seller => "premium seller",
        (K::Seller, false) => "продавец",
        (K::Seller, true) => "seller",
        (K::BankRetail, false) => "клиент банка",
        (K::BankRetail, true) => "bank client",
        (K::BankBusiness, false) => "бизнес-клиент банка",
        (K::BankBusiness, true) => "business bank client",
        (K::Traveller, false) => "путешественник",
        (K::Traveller, true) => "traveller",
    }
}

/// `GET /demo`: pick a demo customer.
pub async fn demo_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    query: Result<Query<SignInQuery>, QueryRejection>,
) -> Response {
    let w = text(ctx.locale());
    let page = Page::new(&ctx, Area::Customer, w.demo_title);
    if !state.demo_sign_in {
        return crate::web::not_found(&ctx, Area::Customer);
    }
    let en = ctx.locale() == switchboard_domain::i18n::Locale::En;
    let customers = match crate::demo::demo_profile() {
        Ok(p) => p
            .customers
            .iter()
            .map(|c| DemoCustomer {
                id: c.customer.id.as_str().to_owned(),
                name: c.customer.name.clone(),
                kind: kind_name(&c.customer, en),
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "the demo profile does not load");
            Vec::new()
        }
    };
    let q = query.ok().map(|q| q.0);
    let next = local_path(q.as_ref().and_then(|q| q.next.as_deref()), "/account");
    render(
        &page,
        StatusCode::OK,
        &DemoPage {
            page: &page,
            w,
            customers,
            next,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct DemoForm {
    customer: String,
    next: Option<String>,
}

/// `POST /demo/signin` (form: `customer`, `next`).
pub async fn demo_signin(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<DemoForm>,
) -> Response {
    if !state.demo_sign_in || !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "demo sign-in is not available").into_response();
    }
    let next = local_path(form.next.as_deref(), "/account");
    let Ok(id) = CustomerId::parse(&form.customer) else {
        return see_other("/demo");
    };
    let expires = state
        .clock
        .now()
        .saturating_add(jiff::SignedDuration::from_secs(DEMO_TOKEN_SECS))
        .unwrap_or(state.clock.now());
    let token = state.identity.sign(&id, expires);
    start_session(&state, &token, next)
        .await
        .unwrap_or_else(|| see_other("/demo"))
}
