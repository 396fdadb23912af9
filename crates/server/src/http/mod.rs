//! The HTTP API: routes, the OpenAPI document, and the layers every request
//! passes through (body limit, error localisation, metrics, tracing, panics).

pub mod account;
pub mod admin;
pub mod alerts;
pub mod attachments;
pub mod canned;
pub mod case_file;
pub mod catalog;
pub mod charts;
pub mod chat;
pub mod config_admin;
pub mod config_forms;
pub mod csat;
pub mod cti;
pub mod customer;
pub mod dashboard;
pub mod help;
pub mod input;
pub mod kb_admin;
pub mod merges;
pub mod meta;
pub mod openapi;
pub mod phone;
pub mod reports;
pub mod scope;
pub mod second_factor;
pub mod session;
pub mod staff_admin;
pub mod staff_edit;
pub mod telegram;
pub mod throttle;
pub mod tickets;
pub mod views;
pub mod vk;
pub mod webhooks;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use switchboard_domain::i18n::Locale;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, EnglishProblem};
use crate::state::AppState;
use switchboard_core::metrics::{HttpLabels, Metrics};

#[derive(OpenApi)]
#[openapi(
    info(title = "Switchboard API", description = "Omnichannel customer support: customers' \"Contact us\" and \"My requests\", the operator console, administration. Errors are RFC 9457 problem details with a stable `code`."),
    modifiers(&SecuritySchemes),
    tags(
        (name = "customer", description = "The signed-in customer (identity token from the host site)"),
        (name = "chat", description = "Chat over HTTP (the WebSocket endpoints are GET /api/v1/customer/chat and GET /api/v1/chat/console)"),
        (name = "tickets", description = "Operator console"),
        (name = "staff", description = "Staff sign-in and accounts"),
        (name = "customers", description = "Customer profiles and orders"),
        (name = "catalog", description = "Lines, topics and problems"),
        (name = "help centre", description = "The public help centre: sections, published articles, search (no sign-in)"),
        (name = "knowledge base", description = "Editing the knowledge base (admins), the staff search and the bot's feedback report"),
        (name = "reports", description = "Reports for supervisors: response times, SLA compliance, backlog, volume, the bot, transfers and reopens, claims, satisfaction; JSON or CSV"),
        (name = "meta", description = "Health, readiness, metrics"),
        (name = "cti", description = "The PBX asks what to do with each call and reports what happened (CTI token)"),
        (name = "phone", description = "Calls in the history, the numbers, callback tasks"),
        (name = "configuration", description = "The catalog, SLA policies, calendars and priority rules: versioned, validated, audited, live on every node (admins)"),
        (name = "webhooks", description = "Admins' HTTPS endpoints for ticket events: signed deliveries, retries, replays, pausing"),
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut customer = Http::new(HttpAuthScheme::Bearer);
        customer.description = Some(
            "Customer identity token signed by the host site: `<account>.<expiry>.<HMAC-SHA256>`"
                .into(),
        );
        components.add_security_scheme("customer", SecurityScheme::Http(customer));
        let mut staff = Http::new(HttpAuthScheme::Bearer);
        staff.description = Some("Staff session token from POST /api/v1/auth/login".into());
        components.add_security_scheme("staff", SecurityScheme::Http(staff));
        let mut cti = Http::new(HttpAuthScheme::Bearer);
        cti.description = Some("The PBX's token, `[phone] cti_token` in the configuration".into());
        components.add_security_scheme("cti", SecurityScheme::Http(cti));
    }
}

fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(meta::healthz))
        .routes(routes!(meta::readyz))
        .routes(routes!(meta::metrics))
        .routes(routes!(catalog::catalog))
        .merge(config_admin::router())
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(session::me))
        .routes(routes!(account::logout_all))
        .routes(routes!(account::change_password))
        .routes(routes!(second_factor::status, second_factor::begin))
        .routes(routes!(second_factor::confirm))
        .routes(routes!(second_factor::reset))
        .routes(routes!(staff_admin::audit))
        .routes(routes!(staff_admin::reset_password))
        .routes(routes!(staff_admin::set_active))
        .routes(routes!(staff_edit::update_staff))
        .routes(routes!(staff_admin::revoke_sessions))
        .routes(routes!(alerts::mine))
        .routes(routes!(dashboard::dashboard))
        .routes(routes!(dashboard::chart))
        .routes(routes!(customer::me))
        .routes(routes!(customer::create, customer::list))
        .routes(routes!(customer::get))
        .routes(routes!(customer::reply))
        .routes(routes!(customer::reopen))
        .routes(routes!(customer::claim))
        .routes(routes!(customer::attachment))
        .routes(routes!(case_file::customer_case_file))
        .routes(routes!(csat::rate_ticket))
        .routes(routes!(tickets::list))
        .routes(routes!(tickets::get))
        .routes(routes!(tickets::events))
        .routes(routes!(tickets::notifications))
        .routes(routes!(tickets::attachment))
        .routes(routes!(case_file::staff_case_file))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::delete))
        .routes(routes!(webhooks::resume))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(webhooks::replay))
        .routes(routes!(tickets::take))
        .routes(routes!(tickets::assign))
        .routes(routes!(tickets::reply))
        .routes(routes!(tickets::note))
        .routes(routes!(tickets::priority))
        .routes(routes!(tickets::topic))
        .routes(routes!(tickets::transfer))
        .routes(routes!(tickets::resolve))
        .routes(routes!(tickets::close))
        .routes(routes!(admin::get_customer, admin::put_customer))
        .routes(routes!(admin::put_order))
        .routes(routes!(admin::list_staff, admin::create_staff))
        .routes(routes!(chat::open))
        .routes(routes!(chat::customer_history, chat::customer_send))
        .routes(routes!(chat::helped))
        .routes(routes!(chat::call_operator))
        .routes(routes!(chat::code))
        .routes(routes!(chat::feedback))
        .routes(routes!(chat::block))
        .routes(routes!(chat::staff_history, chat::staff_send))
        .routes(routes!(canned::list, canned::create))
        .routes(routes!(canned::update, canned::delete))
        .routes(routes!(merges::merge))
        .routes(routes!(merges::unmerge))
        .routes(routes!(help::sections))
        .routes(routes!(help::section))
        .routes(routes!(help::article))
        .routes(routes!(help::search_json))
        .routes(routes!(kb_admin::list_sections, kb_admin::create_section))
        .routes(routes!(kb_admin::update_section, kb_admin::delete_section))
        .routes(routes!(kb_admin::list_articles, kb_admin::create_article))
        .routes(routes!(
            kb_admin::get_article,
            kb_admin::update_article,
            kb_admin::delete_article
        ))
        .routes(routes!(kb_admin::publish))
        .routes(routes!(kb_admin::unpublish))
        .routes(routes!(kb_admin::staff_search))
        .routes(routes!(kb_admin::events))
        .routes(routes!(kb_admin::feedback_report))
        .routes(routes!(reports::responses))
        .routes(routes!(reports::sla))
        .routes(routes!(reports::backlog))
        .routes(routes!(reports::volume))
        .routes(routes!(reports::bot))
        .routes(routes!(reports::transfers))
        .routes(routes!(reports::claims))
        .routes(routes!(reports::csat))
        .routes(routes!(reports::tickets))
        .routes(routes!(reports::calls::calls))
        .routes(routes!(cti::decide))
        .routes(routes!(cti::event))
        .routes(routes!(phone::numbers))
        .routes(routes!(phone::calls))
        .routes(routes!(phone::ticket_calls))
        .routes(routes!(phone::attach))
        .routes(routes!(phone::callbacks))
        .routes(routes!(phone::take))
        .routes(routes!(phone::complete))
}

/// The OpenAPI document, as served at `/api/openapi.json`: generated from
/// the handlers, then completed with the errors every operation can give.
pub fn openapi() -> serde_json::Value {
    document(api().split_for_parts().1)
}

fn document(generated: utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut doc = serde_json::to_value(generated).unwrap_or_default();
    openapi::truthful(&mut doc);
    doc
}

pub fn router(state: AppState, body_limit: usize) -> Router {
    let (routes, doc) = api().split_for_parts();
    let doc = Arc::new(document(doc));
    let metrics = state.metrics.clone();
    let routes = routes
        .route(
            "/api/openapi.json",
            get(move || async move { Json(doc.as_ref().clone()) }),
        )
        .route("/api/v1/customer/chat", get(chat::customer_socket))
        .route("/api/v1/chat/console", get(chat::console_socket))
        .route(
            "/rate/{token}",
            get(csat::rating_page).post(csat::rating_submit),
        )
        .merge(crate::web::routes())
        .route("/channels/telegram/{bot}", post(telegram::webhook))
        .route("/channels/vk/{community}", post(vk::callback))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            throttle::limit,
        ));
    // The count wraps the limit, so refusals are counted too.
    counted(routes, metrics)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn(refuse_control_characters))
        .layer(middleware::from_fn(problems_only))
        .layer(middleware::from_fn(localize))
        // The span names the path only: a query string (a help-centre search)
        // is the customer's text and stays out of the logs.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
        }))
        // Outside the routes (the fallbacks, the layers themselves): still no
        // dropped connection; inside them the route layer above answers and counts.
        .layer(CatchPanicLayer::custom(panicked))
}

/// Every answer of these routes counted by route and status, a panic
/// included (as the 500 it becomes). A route layer runs after routing, so the
/// matched route template is known.
fn counted<S: Clone + Send + Sync + 'static>(
    routes: Router<S>,
    metrics: Arc<Metrics>,
) -> Router<S> {
    routes
        .route_layer(CatchPanicLayer::custom(panicked))
        .route_layer(middleware::from_fn_with_state(metrics, count))
}

/// A panic becomes a 500 problem and one log line (its message, no backtrace);
/// the route layer that catches it sits inside `count`, so `/metrics` counts it.
fn panicked(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a handler panicked".into());
    ApiError::Internal(anyhow::anyhow!("a handler panicked: {message}")).into_response()
}

/// Every error answer is problem details: what an extractor of axum's
/// rejects (a path or query it cannot decode, a missing upgrade header…)
/// comes as plain text and is rewritten here. HTML pages keep their own.
async fn problems_only(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return response;
    }
    let (code, ru, en) = match status {
        StatusCode::BAD_REQUEST => ("bad_request", "Неверный запрос", "Bad request"),
        StatusCode::NOT_FOUND => ("not_found", "Не найдено", "Not found"),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "body_too_large",
            "Запрос слишком большой",
            "The request body is too large",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "Неподдерживаемый тип содержимого",
            "Unsupported content type",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "invalid_body",
            "Поля запроса заданы неверно",
            "The request is not valid",
        ),
        s if s.is_server_error() => (
            "internal",
            "Внутренняя ошибка, попробуйте позже",
            "Internal error, please try again later",
        ),
        _ => ("bad_request", "Неверный запрос", "Bad request"),
    };
    ApiError::new(status, code, ru, en).into_response()
}

/// The control-character rule (ARCHITECTURE.md) for the path and query: a
/// percent-encoded control character anywhere in them is refused before routing.
async fn refuse_control_characters(req: Request, next: Next) -> Response {
    let uri = req.uri();
    let bad = [Some(uri.path()), uri.query()]
        .into_iter()
        .flatten()
        .any(crate::controls::in_uri);
    if bad {
        return ApiError::bad_request(
            "control_characters",
            "Адрес запроса содержит управляющие символы",
            "The request address contains control characters",
        )
        .into_response();
    }
    next.run(req).await
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_endpoint",
        "Нет такого адреса API",
        "No such API endpoint",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Этот метод здесь не поддерживается",
        "Method not allowed here",
    )
}

/// The language the client prefers, from `Accept-Language`; Russian by default.
pub fn preferred_locale(accept_language: Option<&str>) -> Locale {
    let Some(header) = accept_language else {
        return Locale::Ru;
    };
    let mut best: Option<(f32, Locale)> = None;
    for part in header.split(',') {
        let mut pieces = part.trim().split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|v| v.parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(locale) = Locale::parse(primary)
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, locale));
        }
    }
    best.map(|(_, l)| l).unwrap_or(Locale::Ru)
}

async fn localize(req: Request, next: Next) -> Response {
    let locale = preferred_locale(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let mut response = next.run(req).await;
    if locale == Locale::En
        && let Some(EnglishProblem(body)) = response.extensions_mut().remove::<EnglishProblem>()
    {
        let (mut parts, _) = response.into_parts();
        parts
            .headers
            .insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("en"));
        parts.headers.remove(header::CONTENT_LENGTH);
        response = Response::from_parts(parts, axum::body::Body::from(body));
    }
    response
}

async fn count(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(req).await;
    metrics
        .http_requests
        .get_or_create(&HttpLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_problem_and_is_counted() {
        let metrics = Arc::new(Metrics::new());
        let routes: Router = Router::new().route(
            "/boom/{n}",
            get(|| async {
                let s = "Ж";
                // Byte slicing across a character: the kind of bug this guards.
                let _ = &s[..1];
                "unreachable"
            }),
        );
        let app = counted(routes, metrics.clone());
        let response = app
            .oneshot(
                Request::get("/boom/1")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let text = metrics.render();
        assert!(
            text.contains(r#"route="/boom/{n}",status="500"} 1"#),
            "the panic is not counted: {text}"
        );
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(preferred_locale(None), Locale::Ru);
        assert_eq!(preferred_locale(Some("en-US,en;q=0.9")), Locale::En);
        assert_eq!(
            preferred_locale(Some("de-DE, ru;q=0.8, en;q=0.5")),
            Locale::Ru
        );
        assert_eq!(preferred_locale(Some("ru;q=0.3, en;q=0.7")), Locale::En);
        assert_eq!(preferred_locale(Some("fr")), Locale::Ru);
    }
}
