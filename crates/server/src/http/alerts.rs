//! Staff notifications: deadlines at risk or breached (supervisors get one
//! per crossing whose SLA policy says `notify_supervisors`). They are also
//! pushed live to the console socket as `alert` frames.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use switchboard_domain::ids::TicketNumber;
use switchboard_store::StaffAlert;
use utoipa::ToSchema;

use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertView {
    pub id: i64,
    /// The ticket number, e.g. `SB-000012`.
    pub ticket: Option<String>,
    /// `sla_at_risk` or `sla_breached`.
    pub kind: String,
    /// The audit event: target, due time, actions taken.
    #[schema(value_type = Object)]
    pub event: serde_json::Value,
    pub created_at: String,
}

/// My notifications, newest first (at most 100).
#[utoipa::path(get, path = "/api/v1/staff/alerts", tag = "staff", security(("staff" = [])), responses(
    (status = 200, body = Vec<AlertView>), (status = 401, body = Problem)))]
pub async fn mine(
    State(state): State<AppState>,
    staff: StaffAuth,
) -> Result<Json<Vec<AlertView>>, ApiError> {
    let alerts = state.store.staff_alerts(staff.0.id, 100).await?;
    Ok(Json(alerts.into_iter().map(AlertView::from).collect()))
}

impl From<StaffAlert> for AlertView {
    fn from(a: StaffAlert) -> Self {
        AlertView {
            id: a.id,
            ticket: a.ticket.map(|t| TicketNumber::from_id(t).to_string()),
            kind: a.event.code().into(),
            event: serde_json::to_value(&a.event).unwrap_or_default(),
            created_at: a.created_at.to_string(),
        }
    }
}
