//! The phone channel for staff (issue 11): the configured numbers, a
//! customer's or ticket's calls, linking a call to a ticket (its audit log
//! then shows the call), and the callback tasks — listed by line and
//! status, taken, completed with the outcome.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use switchboard_core::access;
use switchboard_domain::ids::{ContactId, CustomerId, TicketNumber};
use switchboard_domain::phone::{Callback, CallbackOutcome, CallbackStatus};
use switchboard_domain::ticket::Requester;
use switchboard_store::{CallFilter, CallbackFilter};
use utoipa::{IntoParams, ToSchema};

use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::cti::{PhoneCallView, call_view};
use crate::http::input::ApiJson;
use crate::http::scope::ScopedTicket;
use crate::state::AppState;

type QueryResult<T> = Result<Query<T>, axum::extract::rejection::QueryRejection>;

fn bad_query(e: axum::extract::rejection::QueryRejection) -> ApiError {
    ApiError::bad_request(
        "invalid_query",
        format!("Параметры запроса заданы неверно: {e}"),
        format!("The query is not valid: {e}"),
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NumberView {
    pub number: String,
    pub name_ru: String,
    pub name_en: String,
    pub line: String,
    pub skill: String,
    pub calendar: String,
    /// `anyone` or `travel`.
    pub eligibility: String,
    pub ring_timeout_secs: i64,
    pub callback_within_secs: i64,
}

/// The phone numbers and how each answers.
#[utoipa::path(get, path = "/api/v1/phone/numbers", tag = "phone", security(("staff" = [])),
    responses((status = 200, body = Vec<NumberView>), (status = 401, body = Problem)))]
pub async fn numbers(State(state): State<AppState>, _staff: StaffAuth) -> Json<Vec<NumberView>> {
    Json(
        state
            .rules()
            .phone
            .numbers()
            .into_iter()
            .map(|n| NumberView {
                number: n.number.as_str().into(),
                name_ru: n.name.ru.clone(),
                name_en: n.name.get(switchboard_domain::i18n::Locale::En).into(),
                line: n.line.clone(),
                skill: n.skill.clone(),
                calendar: n.calendar.clone(),
                eligibility: match n.eligibility {
                    switchboard_domain::phone::Eligibility::Anyone => "anyone",
                    switchboard_domain::phone::Eligibility::Travel => "travel",
                }
                .into(),
                ring_timeout_secs: n.ring_timeout.as_secs(),
                callback_within_secs: n.callback_within.as_secs(),
            })
            .collect(),
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallsQuery {
    /// A customer's calls.
    pub customer: Option<String>,
    /// A contact's calls (someone calling from a number no account has).
    pub contact: Option<i64>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// A customer's (or contact's) calls, newest first: their history, on the
/// lines the caller may see (`core::access::phone_lines`); a customer the
/// caller may not see at all is refused (403), as their profile is.
#[utoipa::path(get, path = "/api/v1/phone/calls", tag = "phone", security(("staff" = [])), params(CallsQuery),
    responses((status = 200, body = Vec<PhoneCallView>), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 422, body = Problem)))]
pub async fn calls(
    State(state): State<AppState>,
    staff: StaffAuth,
    query: QueryResult<CallsQuery>,
) -> Result<Json<Vec<PhoneCallView>>, ApiError> {
    let Query(q) = query.map_err(bad_query)?;
    let requester = match (q.customer, q.contact) {
        (Some(c), None) => Requester::Customer(CustomerId::parse(&c).map_err(|_| {
            ApiError::field(
                "customer",
                "invalid",
                "Неверный номер клиента",
                "Not a customer id",
            )
        })?),
        (None, Some(c)) => Requester::Contact(ContactId(c)),
        _ => {
            return Err(ApiError::field(
                "customer",
                "required",
                "Укажите ровно одно: customer или contact",
                "Give exactly one of customer or contact",
            ));
        }
    };
    let limit = crate::http::input::page_limit(q.limit, 50, 200)?;
    if let Requester::Customer(id) = &requester {
        let customer = state.store.customer(id).await?;
        if !access::sees_customer(&state.catalog(), &staff.0, customer.kind) {
            return Err(access::out_of_scope().into());
        }
    }
    let lines = access::phone_lines(&state.catalog(), &staff.0);
    // One person's calls: few enough to read them all and keep the visible ones.
    let calls = state
        .store
        .calls(&CallFilter::Requester(requester), 200)
        .await?;
    Ok(Json(
        calls
            .iter()
            .filter(|c| lines.as_ref().is_none_or(|l| l.contains(&c.line)))
            .take(limit as usize)
            .map(|c| call_view(&state, c))
            .collect(),
    ))
}

/// The calls attached to a ticket, newest first.
#[utoipa::path(get, path = "/api/v1/tickets/{number}/calls", tag = "phone", security(("staff" = [])),
    params(("number" = String, Path)),
    responses((status = 200, body = Vec<PhoneCallView>), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn ticket_calls(
    State(state): State<AppState>,
    scoped: ScopedTicket,
) -> Result<Json<Vec<PhoneCallView>>, ApiError> {
    let id = scoped.ticket.id;
    let calls = state.store.calls(&CallFilter::Ticket(id), 200).await?;
    Ok(Json(calls.iter().map(|c| call_view(&state, c)).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachRequest {
    /// The ticket, e.g. `SB-000123`.
    pub ticket: String,
}

/// Attach a call to a ticket: the ticket's audit log gets a `call` entry.
#[utoipa::path(post, path = "/api/v1/phone/calls/{call_id}/ticket", tag = "phone", security(("staff" = [])),
    params(("call_id" = String, Path)), request_body = AttachRequest,
    responses((status = 200, body = PhoneCallView), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn attach(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(call_id): Path<String>,
    ApiJson(req): ApiJson<AttachRequest>,
) -> Result<Json<PhoneCallView>, ApiError> {
    let ticket = TicketNumber::parse(req.ticket.trim()).map_err(|_| {
        ApiError::field(
            "ticket",
            "invalid",
            "Укажите номер обращения, например SB-000123",
            "Give a ticket number, e.g. SB-000123",
        )
    })?;
    // Only a ticket the member of staff may see (the access rule of `core::access`).
    state.core.staff_ticket(&staff.0, ticket.id()).await?;
    let call = state
        .core
        .attach_call(&call_id, ticket.id(), &staff.0)
        .await?;
    Ok(Json(call_view(&state, &call)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallbackView {
    pub id: i64,
    pub call_id: String,
    /// The number to call back.
    pub phone: String,
    /// The number they called.
    pub number: String,
    pub line: String,
    pub customer: Option<String>,
    /// `open`, `taken` or `done`.
    pub status: String,
    pub operator_id: Option<i64>,
    pub due_at: String,
    pub created_at: String,
    pub taken_at: Option<String>,
    pub done_at: Option<String>,
    /// `reached`, `no_answer` or `wrong_number`.
    pub outcome: Option<String>,
    pub note: Option<String>,
    /// Calls that asked for it.
    pub calls: i64,
    /// Done by its deadline.
    pub in_time: bool,
}

fn callback_view(c: &Callback) -> CallbackView {
    CallbackView {
        id: c.id,
        call_id: c.call_id.clone(),
        phone: c.phone.as_str().into(),
        number: c.number.as_str().into(),
        line: c.line.clone(),
        customer: c
            .requester
            .as_ref()
            .and_then(|r| r.customer())
            .map(|id| id.as_str().into()),
        status: c.status.as_str().into(),
        operator_id: c.operator.map(|o| o.0),
        due_at: c.due_at.to_string(),
        created_at: c.created_at.to_string(),
        taken_at: c.taken_at.map(|t| t.to_string()),
        done_at: c.done_at.map(|t| t.to_string()),
        outcome: c.outcome.map(|o| o.as_str().into()),
        note: c.note.clone(),
        calls: c.calls,
        in_time: c.in_time(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbacksQuery {
    pub line: Option<String>,
    /// `open`, `taken` or `done`.
    pub status: Option<String>,
    pub customer: Option<String>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// Callback tasks, earliest due first, on the lines the caller may see.
#[utoipa::path(get, path = "/api/v1/phone/callbacks", tag = "phone", security(("staff" = [])), params(CallbacksQuery),
    responses((status = 200, body = Vec<CallbackView>), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 422, body = Problem)))]
pub async fn callbacks(
    State(state): State<AppState>,
    staff: StaffAuth,
    query: QueryResult<CallbacksQuery>,
) -> Result<Json<Vec<CallbackView>>, ApiError> {
    let Query(q) = query.map_err(bad_query)?;
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(CallbackStatus::parse(s).ok_or_else(|| {
            ApiError::field(
                "status",
                "invalid",
                "Статус: open, taken или done",
                "The status is open, taken or done",
            )
        })?),
    };
    let requester = match q.customer.as_deref() {
        None => None,
        Some(c) => Some(Requester::Customer(CustomerId::parse(c).map_err(|_| {
            ApiError::field(
                "customer",
                "invalid",
                "Неверный номер клиента",
                "Not a customer id",
            )
        })?)),
    };
    let list = state
        .store
        .callbacks(&CallbackFilter {
            line: q.line,
            lines: access::phone_lines(&state.catalog(), &staff.0),
            status,
            requester,
            limit: crate::http::input::page_limit(q.limit, 50, 200)?,
        })
        .await?;
    Ok(Json(list.iter().map(callback_view).collect()))
}

/// Take a callback: it is yours to call back.
#[utoipa::path(post, path = "/api/v1/phone/callbacks/{id}/take", tag = "phone", security(("staff" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = CallbackView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn take(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(id): Path<String>,
) -> Result<Json<CallbackView>, ApiError> {
    let id = id.parse().map_err(|_| ApiError::not_found())?;
    let cb = state.core.take_callback(id, &staff.0).await?;
    Ok(Json(callback_view(&cb)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    /// `reached`, `no_answer` or `wrong_number`.
    pub outcome: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// Complete a callback you hold, with how it went.
#[utoipa::path(post, path = "/api/v1/phone/callbacks/{id}/complete", tag = "phone", security(("staff" = [])),
    params(("id" = i64, Path)), request_body = CompleteRequest,
    responses((status = 200, body = CallbackView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn complete(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CompleteRequest>,
) -> Result<Json<CallbackView>, ApiError> {
    let id = id.parse().map_err(|_| ApiError::not_found())?;
    let outcome = CallbackOutcome::parse(&req.outcome).ok_or_else(|| {
        ApiError::field(
            "outcome",
            "invalid",
            "Итог: reached, no_answer или wrong_number",
            "The outcome is reached, no_answer or wrong_number",
        )
    })?;
    let note = req
        .note
        .map(|n| n.trim().chars().take(2000).collect::<String>())
        .filter(|n| !n.is_empty());
    let cb = state
        .core
        .complete_callback(id, &staff.0, outcome, note)
        .await?;
    Ok(Json(callback_view(&cb)))
}
