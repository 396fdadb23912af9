//! Merging tickets by hand (SPEC §6): the source is closed as merged and its
//! messages show on the target; `unmerge` undoes it. Both are in the audit
//! log of both tickets. Operators may merge tickets they may work on (their
//! own or unassigned ones); supervisors any.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use switchboard_domain::ids::TicketNumber;
use utoipa::ToSchema;

use crate::error::{ApiError, Problem};
use crate::http::input::ApiJson;
use crate::http::scope::ScopedTicket;
use crate::http::tickets::{full_view, may_act};
use crate::http::views::StaffTicketView;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The ticket to merge into, e.g. `SB-000123`.
    pub into: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MergeView {
    /// The ticket that was merged (closed while merged).
    pub source: StaffTicketView,
    /// The ticket whose dialogue now shows the source's messages.
    pub target: StaffTicketView,
}

/// Merge this ticket into another of the same customer.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/merge", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), request_body = MergeRequest,
    responses((status = 200, body = MergeView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn merge(
    State(state): State<AppState>,
    ScopedTicket { staff, ticket }: ScopedTicket,
    ApiJson(req): ApiJson<MergeRequest>,
) -> Result<Json<MergeView>, ApiError> {
    let source = TicketNumber::from_id(ticket.id);
    let target = TicketNumber::parse(req.into.trim()).map_err(|_| {
        ApiError::field(
            "into",
            "invalid",
            "Укажите номер обращения, например SB-000123",
            "Give a ticket number, e.g. SB-000123",
        )
    })?;
    let (s, t) = state
        .core
        .merge(&staff.actor(), source, target, &may_act(&state, &staff))
        .await?;
    Ok(Json(MergeView {
        source: full_view(&state, &s).await?,
        target: full_view(&state, &t).await?,
    }))
}

/// Undo the merge of this ticket: it gets back the status it had.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/unmerge", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)),
    responses((status = 200, body = MergeView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn unmerge(
    State(state): State<AppState>,
    ScopedTicket { staff, ticket }: ScopedTicket,
) -> Result<Json<MergeView>, ApiError> {
    let source = TicketNumber::from_id(ticket.id);
    let (s, t) = state
        .core
        .unmerge(&staff.actor(), source, &may_act(&state, &staff))
        .await?;
    Ok(Json(MergeView {
        source: full_view(&state, &s).await?,
        target: full_view(&state, &t).await?,
    }))
}
