//! Staff sign-in for the pages: a form that goes through the same sign-in
//! as `POST /api/v1/auth/login` (`http::session::open_session`: lockout,
//! password, second factor, audit; the same rate limit) and keeps the
//! session's token in the `sb_staff` cookie (HttpOnly, SameSite=Strict, as
//! long as the session). Pages hand the token to their scripts in
//! `<meta name="sb-token">` for the JSON API; the console socket is signed in
//! by the cookie. A change made with the cookie alone needs the pages' CSRF
//! header (see `auth::staff_token`); sign-out is a same-origin form POST.

use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use switchboard_domain::i18n::Locale;
use switchboard_store::{Operator, Role, StaffAuditKind};

use crate::auth::{STAFF_COOKIE, same_origin, staff_by_token, token_hash};
use crate::http::session::{LoginRequest, open_session};
use crate::security::Audit;
use crate::security::client::ClientAddress;
use crate::state::AppState;
use crate::web::customer::session::to_sign_in;
use crate::web::i18n::{lang_cookie, lang_param};
use crate::web::staff::text::{Words, words};
use crate::web::{Area, Page, PageCtx, cookie, local_path, render, see_other};

/// A member of staff signed in to the pages.
pub struct StaffSignedIn {
    pub operator: Operator,
    pub token: String,
}

impl StaffSignedIn {
    pub fn page(&self, ctx: &PageCtx, title: impl Into<String>) -> Page {
        let mut page =
            Page::new(ctx, Area::Staff, title).signed_in(&self.operator.name, &self.token);
        page.admin = self.operator.role == Role::Admin;
        page.supervisor = self.is_supervisor();
        page
    }

    pub fn is_supervisor(&self) -> bool {
        matches!(self.operator.role, Role::Supervisor | Role::Admin)
    }
}

impl FromRequestParts<AppState> for StaffSignedIn {
    /// A redirect to the sign-in form, which comes back here afterwards.
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let signin = |reason: &str| to_sign_in(parts, "/staff/sign-in", "/staff", reason);
        let Some(token) = cookie(&parts.headers, STAFF_COOKIE).filter(|t| !t.is_empty()) else {
            return Err(signin("none"));
        };
        match staff_by_token(state, token).await {
            Ok(auth) => {
                let mut operator = auth.0;
                remember_language(state, &mut operator, parts.uri.query()).await;
                Ok(StaffSignedIn {
                    operator,
                    token: token.to_owned(),
                })
            }
            Err(_) => Err(signin("expired")),
        }
    }
}

/// A language chosen with `?lang=` on a staff page is the account's from
/// then on: the next sign-in, on any browser, opens the pages in it.
async fn remember_language(state: &AppState, operator: &mut Operator, query: Option<&str>) {
    let Some(chosen) = lang_param(query) else {
        return;
    };
    if operator.language == Some(chosen) {
        return;
    }
    match state.store.set_operator_language(operator.id, chosen).await {
        Ok(()) => operator.language = Some(chosen),
        // The page still shows in the chosen language (the cookie keeps it).
        Err(e) => tracing::warn!(error = %e, "keeping a staff member's language"),
    }
}

/// The account's language for the browser that has just signed in.
fn language_cookie(language: Option<&str>) -> Option<HeaderValue> {
    lang_cookie(Locale::parse(language?)?)
}

fn session_cookie(token: &str, max_age: i64) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{STAFF_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict"
    ))
    .ok()
}

#[derive(askama::Template)]
#[template(path = "staff/signin.html")]
struct SignInPage<'a> {
    page: &'a Page,
    w: &'static Words,
    problem: Option<String>,
    login: &'a str,
    next: &'a str,
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    reason: Option<String>,
    next: Option<String>,
}

fn signin_form(
    ctx: &PageCtx,
    status: StatusCode,
    problem: Option<String>,
    login: &str,
    next: &str,
) -> Response {
    let w = words(ctx.locale());
    let page = Page::new(ctx, Area::Staff, w.signin_title);
    let mut response = render(
        &page,
        status,
        &SignInPage {
            page: &page,
            w,
            problem,
            login,
            next,
        },
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /staff/sign-in`.
pub async fn signin_page(
    ctx: PageCtx,
    query: Result<Query<SignInQuery>, QueryRejection>,
) -> Response {
    let w = words(ctx.locale());
    let q = query.ok().map(|q| q.0);
    let problem = match q.as_ref().and_then(|q| q.reason.as_deref()) {
        Some("expired") => Some(w.signin_expired.to_owned()),
        Some("signed_out") => Some(w.signed_out.to_owned()),
        _ => None,
    };
    let next = local_path(q.as_ref().and_then(|q| q.next.as_deref()), "/staff");
    signin_form(&ctx, StatusCode::OK, problem, "", next)
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    next: Option<String>,
}

/// `POST /staff/sign-in` (form: `login`, `password`, `code`, `next`). A
/// refusal shows the form again with the sign-in's own words (wrong login
/// or password, the second factor's code, a lock with its wait).
pub async fn signin(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientAddress(address): ClientAddress,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let w = words(ctx.locale());
    let Ok(Form(form)) = form else {
        let problem = Some(w.signin_failed.to_owned());
        return signin_form(&ctx, StatusCode::BAD_REQUEST, problem, "", "/staff");
    };
    let next = local_path(form.next.as_deref(), "/staff");
    let req = LoginRequest {
        login: form.login.clone(),
        password: form.password,
        code: Some(form.code).filter(|c| !c.trim().is_empty()),
    };
    match open_session(&state, address, &req).await {
        Ok(session) if session.second_factor_enrolment_required => {
            // The pages cannot use a session that may only enrol a second
            // factor: end it and say what to do.
            let _ = state
                .store
                .delete_session(&token_hash(&session.token))
                .await;
            let problem = Some(w.signin_enrol_first.to_owned());
            signin_form(&ctx, StatusCode::FORBIDDEN, problem, &form.login, next)
        }
        Ok(session) => {
            let max_age = state.session_ttl.as_secs();
            let mut response = see_other(next);
            if let Some(v) = session_cookie(&session.token, max_age) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            if let Some(v) = language_cookie(session.operator.language.as_deref()) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            response
        }
        Err(e) => {
            if e.status().is_server_error() {
                tracing::error!(error = %e, "staff sign-in");
            }
            let problem = Some(e.title(ctx.locale()));
            let mut response = signin_form(&ctx, e.status(), problem, &form.login, next);
            if let crate::error::ApiError::Limited {
                retry_after_secs, ..
            } = e
                && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            response
        }
    }
}

/// `POST /staff/sign-out`: ends the session (audited as the API's logout)
/// and forgets the cookie. Only the site's own form may do it.
pub async fn signout(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
) -> Response {
    if !same_origin(&headers) {
        return StatusCode::FORBIDDEN.into_response();
    }
    if let Some(token) = cookie(&headers, STAFF_COOKIE).filter(|t| !t.is_empty())
        && let Ok(auth) = staff_by_token(&state, token).await
    {
        let ended = state.store.delete_session(&token_hash(token)).await;
        let audited = Audit::own(StaffAuditKind::SignedOut, &auth.0, address)
            .record(&state)
            .await;
        if let Err(e) = ended.map_err(crate::error::ApiError::from).and(audited) {
            tracing::warn!(error = %e, "ending a staff session");
        }
    }
    let mut response = see_other("/staff/sign-in?reason=signed_out");
    if let Some(v) = session_cookie("", 0) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}
