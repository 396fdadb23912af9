//! "My requests": `/account/requests` (the list with statuses and reply
//! deadlines) and `/account/requests/{number}` (the dialogue with files, and
//! the reply, reopen and claim forms that `js/requests.js` sends to the JSON
//! API). Another customer's request is the same "not found" as none.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::tz::TimeZone;
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::TicketNumber;
use switchboard_domain::ticket::{Status, Ticket, TicketKind};
use switchboard_store::TicketFilter;

use crate::http::views::{AttachmentView, CustomerTicketView, Names};
use crate::state::AppState;
use crate::web::customer::session::SignedIn;
use crate::web::customer::text::{RequestsText, requests_text};
use crate::web::{Area, Page, PageCtx, json_for_script, not_found, render};

fn pick(n: &Names, locale: Locale) -> String {
    match locale {
        Locale::En if !n.en.is_empty() => n.en.clone(),
        _ => n.ru.clone(),
    }
}

fn local_time(at: Option<jiff::Timestamp>, tz: &TimeZone) -> String {
    at.map(|t| t.to_zoned(tz.clone()).strftime("%d.%m.%Y %H:%M").to_string())
        .unwrap_or_default()
}

fn parse_time(s: &str) -> Option<jiff::Timestamp> {
    s.parse().ok()
}

/// When support's next reply is due, in the line's time zone; empty while
/// support waits for the customer.
fn due(view: &CustomerTicketView, tz: &TimeZone) -> String {
    view.reply_due_at
        .as_deref()
        .map(|d| local_time(parse_time(d), tz))
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
    let filter = TicketFilter {
        customer: Some(me.customer.id.clone()),
        limit: 200,
        ..TicketFilter::default()
    };
    let tickets = match state.store.list_tickets(&filter).await {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "listing a customer's requests");
            return crate::web::error_page(&ctx, Area::Customer);
        }
    };
    let rows = tickets
        .iter()
        .map(|t| {
            let view =
                CustomerTicketView::new(&state.catalog, t, None).with_reply_due(&state.rules, t);
            let tz = state.rules.calendars.for_line(&t.line).time_zone();
            let (status, badge) = status(w, t);
            let due = due(&view, tz);
            Row {
                number: view.number,
                subject: view.subject,
                topic: pick(&view.classification.topic.name, ctx.locale()),
                status,
                badge,
                claim: t.kind == TicketKind::Claim,
                due,
                updated: local_time(Some(t.updated_at), tz),
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
    number: &'a str,
    subject: &'a str,
    topic: String,
    problem: String,
    order: Option<String>,
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
    let Ok(number) = TicketNumber::parse(&number) else {
        return not_found(&ctx, Area::Customer);
    };
    let ticket = match state.store.ticket(number.id()).await {
        Ok(t) if t.requester.customer() == Some(&me.customer.id) => t,
        _ => return not_found(&ctx, Area::Customer),
    };
    let messages = match state.core.dialogue(&ticket, false).await {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "reading a dialogue");
            return crate::web::error_page(&ctx, Area::Customer);
        }
    };
    let w = requests_text(ctx.locale());
    let view = CustomerTicketView::new(&state.catalog, &ticket, Some(&messages))
        .with_reply_due(&state.rules, &ticket);
    let tz = state.rules.calendars.for_line(&ticket.line).time_zone();
    let (status, badge) = status(w, &ticket);
    let due = due(&view, tz);
    let messages = view
        .messages
        .unwrap_or_default()
        .into_iter()
        .map(|m| Message {
            mine: m.author == "customer",
            author: match m.author.as_str() {
                "customer" => w.author_me,
                "bot" => w.author_bot,
                _ => w.author_support,
            },
            at: local_time(parse_time(&m.created_at), tz),
            body: m.body,
            files: m.attachments,
        })
        .collect();
    let title = format!("{} {}", w.request, view.number);
    let page = me.page(&ctx, title);
    render(
        &page,
        StatusCode::OK,
        &RequestPage {
            page: &page,
            w,
            number: &view.number,
            subject: &view.subject,
            topic: pick(&view.classification.topic.name, ctx.locale()),
            problem: pick(&view.classification.problem.name, ctx.locale()),
            order: view.order_number.clone(),
            status,
            badge,
            claim: ticket.kind == TicketKind::Claim,
            due,
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
        },
    )
}
