//! "My requests": `/account/requests` (the list with statuses and reply
//! deadlines) and `/account/requests/{number}` (the dialogue with files, and
//! the reply, reopen and claim forms that `js/requests.js` sends to the JSON
//! API). Both read through the customer API's own functions
//! (`http::customer::{my_tickets, my_ticket}`), so the page shows what the
//! API answers; another customer's request is the same "not found" as none.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::tz::TimeZone;
use switchboard_domain::i18n::Locale;
use switchboard_domain::notification::local_time;
use switchboard_domain::ticket::Ticket;
use switchboard_domain::vocab::{Status, TicketKind};

use crate::auth::CustomerAuth;
use crate::error::ApiError;
use crate::http::customer::{my_ticket, my_tickets};
use crate::http::views::{AttachmentView, CustomerTicketView, Names};
use crate::state::AppState;
use crate::web::customer::session::SignedIn;
use crate::web::customer::text::{RequestsText, requests_text};
use crate::web::{Area, Page, PageCtx, error_page, json_for_script, not_found, render};

fn pick(n: &Names, locale: Locale) -> String {
    match locale {
        Locale::En if !n.en.is_empty() => n.en.clone(),
        _ => n.ru.clone(),
    }
}

/// An API time (RFC 3339) in the line's time zone, as the confirmation
/// e-mail writes it; empty when absent.
fn shown(at: Option<&str>, tz: &TimeZone) -> String {
    at.and_then(|s| s.parse::<jiff::Timestamp>().ok())
        .map(|t| local_time(t, tz))
        .unwrap_or_default()
}

/// A status as the customer reads it, and its badge.
fn status(w: &RequestsText, t: &Ticket) -> (&'static str, &'static str) {
    match t.status {
        Status::New | Status::WithBot | Status::Queued => (w.status_queued, "badge-open"),
        Status::Assigned => (w.status_assigned, "badge-open"),
        Status::WaitingForCustomer => (w.status_waiting, "badge-warn"),
        Status::Resolved => (w.status_resolved, "badge-done"),
        Status::Closed => (w.status_closed, "badge"),
    }
}

/// What a failed read shows: "not found" for a request that is not there
/// (or not this customer's), the error page (logged) for anything else.
fn failed(ctx: &PageCtx, e: &ApiError) -> Response {
    if e.status() == StatusCode::NOT_FOUND {
        return not_found(ctx, Area::Customer);
    }
    tracing::error!(error = %e, "reading a customer's requests");
    error_page(ctx, Area::Customer)
}

struct Row {
    number: String,
    subject: String,
    topic: String,
    status: &'static str,
    badge: &'static str,
    claim: bool,
    due: String,
    updated: String,
}

#[derive(askama::Template)]
#[template(path = "customer/requests.html")]
struct ListPage<'a> {
    page: &'a Page,
    w: &'static RequestsText,
    rows: Vec<Row>,
}

/// `GET /account/requests`.
pub async fn list(State(state): State<AppState>, ctx: PageCtx, me: SignedIn) -> Response {
    let w = requests_text(ctx.locale());
    let tickets = match my_tickets(&state, &CustomerAuth(me.customer.clone())).await {
        Ok(t) => t,
        Err(e) => return failed(&ctx, &e),
    };
    let rows = tickets
        .into_iter()
        .map(|(t, view)| {
            let rules = state.rules();
            let tz = rules.calendars.for_line(&t.line).time_zone();
            let (status, badge) = status(w, &t);
            Row {
                due: shown(view.reply_due_at.as_deref(), tz),
                updated: local_time(t.updated_at, tz),
                topic: pick(&view.classification.topic.name, ctx.locale()),
                number: view.number,
                subject: view.subject,
                status,
                badge,
                claim: t.kind == TicketKind::Claim,
            }
        })
        .collect();
    let page = me.page(&ctx, w.list_title);
    render(
        &page,
        StatusCode::OK,
        &ListPage {
            page: &page,
            w,
            rows,
        },
    )
}

struct Message {
    mine: bool,
    author: &'static str,
    body: String,
    at: String,
    files: Vec<AttachmentView>,
}

#[derive(askama::Template)]
#[template(path = "customer/request.html")]
struct RequestPage<'a> {
    page: &'a Page,
    w: &'static RequestsText,
    view: &'a CustomerTicketView,
    topic: String,
    problem: String,
    status: &'static str,
    badge: &'static str,
    claim: bool,
    due: String,
    messages: Vec<Message>,
    can_reply: bool,
    can_reopen: bool,
    can_claim: bool,
    /// For `requests.js`: the number and the words it shows.
    data: String,
}

/// `GET /account/requests/{number}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: SignedIn,
    Path(number): Path<String>,
) -> Response {
    let (ticket, mut view) =
        match my_ticket(&state, &CustomerAuth(me.customer.clone()), &number).await {
            Ok(found) => found,
            Err(e) => return failed(&ctx, &e),
        };
    let w = requests_text(ctx.locale());
    let rules = state.rules();
    let tz = rules.calendars.for_line(&ticket.line).time_zone();
    let (status, badge) = status(w, &ticket);
    let messages = view
        .messages
        .take()
        .unwrap_or_default()
        .into_iter()
        .map(|m| Message {
            mine: m.author == "customer",
            author: match m.author.as_str() {
                "customer" => w.author_me,
                "bot" => w.author_bot,
                _ => w.author_support,
            },
            at: shown(Some(&m.created_at), tz),
            body: m.body,
            files: m.attachments,
        })
        .collect();
    let page = me.page(&ctx, format!("{} {}", w.request, view.number));
    render(
        &page,
        StatusCode::OK,
        &RequestPage {
            page: &page,
            w,
            topic: pick(&view.classification.topic.name, ctx.locale()),
            problem: pick(&view.classification.problem.name, ctx.locale()),
            status,
            badge,
            claim: ticket.kind == TicketKind::Claim,
            due: shown(view.reply_due_at.as_deref(), tz),
            messages,
            can_reply: ticket.status.is_open(),
            can_reopen: ticket.status == Status::Resolved,
            can_claim: ticket.status != Status::Closed && ticket.kind != TicketKind::Claim,
            data: json_for_script(&serde_json::json!({
                "number": view.number,
                "required": w.required,
                "network": w.network,
                "sending": w.sending,
            })),
            view: &view,
        },
    )
}
