//! The operator console's ticket API: list with filters, read (with internal
//! notes and the audit log), take, assign, reply, note, reclassify, transfer,
//! change priority, resolve, close.
//!
//! Operators act on unassigned tickets and their own; a ticket assigned to
//! someone else is a supervisor's to move. Internal notes are always allowed.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use switchboard_domain::ids::{OperatorId, OrderNumber, TicketNumber};
use switchboard_domain::ticket::{Channel, Priority, Status, Ticket};
use switchboard_store::{AssigneeFilter, SlaFilter, TicketFilter};
use utoipa::IntoParams;

use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::attachments::{FileResponse, download};
use crate::http::scope::ScopedTicket;
use crate::http::views::{EventView, NotificationView, StaffTicketView};
use crate::state::AppState;

mod actions;
pub use actions::*;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub line: Option<String>,
    pub topic: Option<String>,
    /// new, with_bot, queued, assigned, waiting_for_customer, resolved, closed
    pub status: Option<String>,
    /// low, normal, high, urgent
    pub priority: Option<String>,
    /// `me`, `none`, or an operator id
    pub assignee: Option<String>,
    /// Page: tickets older than this number.
    pub before: Option<String>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// Supervisors' deadline lists: `at_risk`, `breached` or `attention` (both).
    pub sla: Option<String>,
    /// Only tickets about this order or booking number.
    pub order: Option<String>,
    /// form, email, chat, telegram, vk, phone…
    pub channel: Option<String>,
    /// `true`: only tickets waiting for a person (new or queued), oldest
    /// first, as a queue is worked (`before` is then ignored).
    pub waiting: Option<bool>,
}

fn query_error(field: &'static str, ru: &str, en: &str) -> ApiError {
    ApiError::field(field, "invalid", ru, en)
}

/// Tickets, newest first, filtered.
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", security(("staff" = [])), params(ListQuery),
    responses((status = 200, body = Vec<StaffTicketView>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    staff: StaffAuth,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<StaffTicketView>>, ApiError> {
    let Query(q) = query.map_err(|e| {
        ApiError::bad_request(
            "invalid_query",
            "Параметры запроса заданы неверно",
            e.body_text(),
        )
    })?;
    let mut filter = TicketFilter {
        line: q.line.filter(|s| !s.is_empty()),
        topic: q.topic.filter(|s| !s.is_empty()),
        limit: crate::http::input::page_limit(q.limit, 50, 200)?,
        ..TicketFilter::default()
    };
    if let Some(s) = q.status.as_deref().filter(|s| !s.is_empty()) {
        filter.status = Some(
            Status::parse(s)
                .ok_or_else(|| query_error("status", "Неизвестный статус", "Unknown status"))?,
        );
    }
    if let Some(p) = q.priority.as_deref().filter(|s| !s.is_empty()) {
        filter.priority =
            Some(Priority::parse(p).ok_or_else(|| {
                query_error("priority", "Неизвестный приоритет", "Unknown priority")
            })?);
    }
    filter.assignee = match q.assignee.as_deref() {
        None | Some("") => None,
        Some("me") => Some(AssigneeFilter::Operator(staff.0.id)),
        Some("none") => Some(AssigneeFilter::Unassigned),
        Some(id) => Some(AssigneeFilter::Operator(OperatorId(id.parse().map_err(
            |_| {
                query_error(
                    "assignee",
                    "assignee — me, none или id сотрудника",
                    "assignee is me, none or an operator id",
                )
            },
        )?))),
    };
    if let Some(b) = q.before.as_deref().filter(|s| !s.is_empty()) {
        let n = TicketNumber::parse(b).map_err(|_| {
            query_error("before", "Неверный номер обращения", "Not a ticket number")
        })?;
        filter.before = Some(n.id());
    }
    let now = state.clock.now();
    filter.sla = match q.sla.as_deref() {
        None | Some("") => None,
        Some("at_risk") => Some(SlaFilter::AtRisk { now }),
        Some("breached") => Some(SlaFilter::Breached { now }),
        Some("attention") => Some(SlaFilter::Attention { now }),
        Some(_) => {
            return Err(query_error(
                "sla",
                "sla — at_risk, breached или attention",
                "sla is at_risk, breached or attention",
            ));
        }
    };
    filter.scope = switchboard_core::access::ticket_scope(&state.catalog(), &staff.0);
    if let Some(o) = q.order.as_deref().filter(|s| !s.is_empty()) {
        let order = OrderNumber::parse(o).map_err(|_| {
            query_error(
                "order",
                "Неверный номер заказа",
                "Not an order or booking number",
            )
        })?;
        filter.order_number = Some(order.as_str().to_owned());
    }
    if let Some(c) = q.channel.as_deref().filter(|s| !s.is_empty()) {
        filter.channel = Some(
            Channel::parse(c)
                .ok_or_else(|| query_error("channel", "Неизвестный канал", "Unknown channel"))?,
        );
    }
    if q.waiting == Some(true) {
        filter.waiting = true;
        filter.oldest_first = true;
    }
    let tickets = state.store.list_tickets(&filter).await?;
    Ok(Json(
        tickets
            .iter()
            .map(|t| {
                StaffTicketView::new(&state.catalog(), t, None).with_sla(&state.rules(), t, now)
            })
            .collect(),
    ))
}

pub(crate) async fn full_view(state: &AppState, t: &Ticket) -> Result<StaffTicketView, ApiError> {
    let messages = state.core.dialogue(t, true).await?;
    let mut view = StaffTicketView::new(&state.catalog(), t, Some(&messages)).with_sla(
        &state.rules(),
        t,
        state.clock.now(),
    );
    if let Some(m) = state.store.ticket_merge(t.id).await? {
        view.merged_into =
            Some(switchboard_domain::ids::TicketNumber::from_id(m.target).to_string());
    }
    Ok(view)
}

/// One ticket with the whole dialogue, internal notes included.
#[utoipa::path(get, path = "/api/v1/tickets/{number}", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), responses((status = 200, body = StaffTicketView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    ScopedTicket { ticket: t, .. }: ScopedTicket,
) -> Result<Json<StaffTicketView>, ApiError> {
    Ok(Json(full_view(&state, &t).await?))
}

/// The ticket's audit log, oldest first.
#[utoipa::path(get, path = "/api/v1/tickets/{number}/events", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), responses((status = 200, body = Vec<EventView>), (status = 404, body = Problem)))]
pub async fn events(
    State(state): State<AppState>,
    ScopedTicket { ticket: t, .. }: ScopedTicket,
) -> Result<Json<Vec<EventView>>, ApiError> {
    let events = state.store.events(t.id).await?;
    Ok(Json(events.iter().map(EventView::from).collect()))
}

/// What the customer was sent about this ticket, and whether it arrived.
#[utoipa::path(get, path = "/api/v1/tickets/{number}/notifications", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), responses((status = 200, body = Vec<NotificationView>), (status = 404, body = Problem)))]
pub async fn notifications(
    State(state): State<AppState>,
    ScopedTicket { ticket: t, .. }: ScopedTicket,
) -> Result<Json<Vec<NotificationView>>, ApiError> {
    let list = state.store.ticket_outbound(t.id).await?;
    Ok(Json(list.iter().map(NotificationView::from).collect()))
}

/// Download a file of this ticket (internal notes' files included).
#[utoipa::path(get, path = "/api/v1/tickets/{number}/attachments/{id}", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path), ("id" = String, Path)), responses((status = 200, description = "the file"), (status = 404, body = Problem)))]
pub async fn attachment(
    State(state): State<AppState>,
    ScopedTicket { ticket: t, .. }: ScopedTicket,
    Path((_number, id)): Path<(String, String)>,
) -> Result<FileResponse, ApiError> {
    download(&state, t.id, &id, true).await
}
