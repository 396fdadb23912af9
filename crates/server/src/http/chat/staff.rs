//! Staff reading and writing a chat over plain HTTP.

use axum::Json;
use axum::extract::{Path, Query, State};
use switchboard_core::conversation::{StaffMessage, check_client_id};

use super::*;
use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::input::Submission;
use crate::state::AppState;

fn may_write(staff: &StaffAuth, t: &switchboard_domain::ticket::Ticket) -> Result<(), ApiError> {
    if t.assignee == Some(staff.0.id) || staff.is_supervisor() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "assigned_to_someone_else",
            "Разговор назначен другому сотруднику",
            "The conversation is assigned to someone else",
        ))
    }
}

/// A chat's messages after a sequence number, for staff (notes included).
#[utoipa::path(get, path = "/api/v1/chats/{number}/messages", tag = "chat", security(("staff" = [])),
    params(("number" = String, Path), HistoryQuery),
    responses((status = 200, body = HistoryView), (status = 404, body = Problem)))]
pub async fn staff_history(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(number): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<HistoryView>, ApiError> {
    let t = state.core.staff_conversation(&staff.0, &number).await?;
    history(&state, &t, query, &staff.actor(), true).await
}

/// Answer in a chat assigned to you (JSON, or multipart with files).
#[utoipa::path(post, path = "/api/v1/chats/{number}/messages", tag = "chat", security(("staff" = [])),
    params(("number" = String, Path)), request_body = ChatMessageRequest,
    responses((status = 200, body = AckView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn staff_send(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(number): Path<String>,
    submission: Submission<ChatMessageRequest>,
) -> Result<Json<AckView>, ApiError> {
    let t = state.core.staff_conversation(&staff.0, &number).await?;
    may_write(&staff, &t)?;
    let r = submission.data;
    check_client_id(&r.client_id)?;
    let message = StaffMessage {
        operator: staff.0.id,
        supervisor: staff.is_supervisor(),
        text: r.body,
        files: submission.files,
        internal: false,
        client_id: Some(r.client_id),
    };
    let core = state.core.clone();
    let ack = core.post_staff(&t, message).await?.wait(&core).await?;
    Ok(Json(ack_view(ack.ticket, ack.seq, ack.duplicate)))
}
