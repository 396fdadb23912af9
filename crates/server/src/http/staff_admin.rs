//! Admins over staff accounts: the sign-in and account audit, password
//! resets, deactivation, ending someone's sessions. Every change is audited
//! with the admin as its actor.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_domain::ids::OperatorId;
use switchboard_store::{Operator, StaffAuditEntry, StaffAuditKind};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{self, StaffAuth};
use crate::error::{ApiError, Problem};
use crate::http::help::ApiQuery;
use crate::http::input::ApiJson;
use crate::security::Audit;
use crate::security::client::ClientAddress;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only this account's entries.
    pub operator: Option<i64>,
    /// Entries older than this id (the next page).
    pub before: Option<i64>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffAuditView {
    pub id: i64,
    pub at: String,
    /// signed_in, sign_in_failed, sign_in_locked, locked_out, signed_out,
    /// signed_out_everywhere, account_created, password_changed,
    /// password_reset, account_deactivated, account_activated,
    /// sessions_revoked, second_factor_enrolled, second_factor_reset,
    /// recovery_code_used, config_changed (detail: the document and version),
    /// account_changed (detail: what changed)
    pub kind: String,
    /// The account concerned; absent for a login that names no account.
    pub operator: Option<i64>,
    pub login: String,
    /// The admin who made the change, when not the account holder.
    pub actor: Option<i64>,
    pub address: Option<String>,
    pub detail: String,
}

impl From<&StaffAuditEntry> for StaffAuditView {
    fn from(e: &StaffAuditEntry) -> Self {
        StaffAuditView {
            id: e.id,
            at: e.at.to_string(),
            kind: e.kind.as_str().to_owned(),
            operator: e.operator.map(|o| o.0),
            login: e.login.clone(),
            actor: e.actor.map(|o| o.0),
            address: e.address.clone(),
            detail: e.detail.clone(),
        }
    }
}

/// Sign-ins, failures, locks and staff-account changes, newest first (admins).
#[utoipa::path(get, path = "/api/v1/staff/audit", tag = "staff", security(("staff" = [])), params(AuditQuery),
    responses((status = 200, body = Vec<StaffAuditView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn audit(
    State(state): State<AppState>,
    staff: StaffAuth,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<StaffAuditView>>, ApiError> {
    staff.require_admin()?;
    let entries = state
        .store
        .staff_audit(
            q.operator.map(OperatorId),
            q.before,
            crate::http::input::page_limit(q.limit, 50, 200)?,
        )
        .await?;
    Ok(Json(entries.iter().map(StaffAuditView::from).collect()))
}

/// The account an admin acts on (admins only; an id that is not a number is not found).
pub(crate) async fn target(
    state: &AppState,
    staff: &StaffAuth,
    id: &str,
) -> Result<Operator, ApiError> {
    staff.require_admin()?;
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    Ok(state.store.operator(OperatorId(id)).await?)
}

/// Audits a change an admin made to `subject`'s account.
pub(crate) async fn record(
    state: &AppState,
    kind: StaffAuditKind,
    subject: &Operator,
    admin: &StaffAuth,
    address: Option<std::net::IpAddr>,
    detail: &str,
) -> Result<(), ApiError> {
    Audit {
        kind,
        subject: Some(subject),
        login: subject.login.as_str(),
        actor: Some(&admin.0),
        address,
        detail,
    }
    .record(state)
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub password: String,
}

/// Set a member of staff's password (admins); their sessions end.
#[utoipa::path(put, path = "/api/v1/staff/{id}/password", tag = "staff", security(("staff" = [])),
    params(("id" = i64, Path)), request_body = PasswordReset,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn reset_password(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    staff: StaffAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PasswordReset>,
) -> Result<StatusCode, ApiError> {
    let subject = target(&state, &staff, &id).await?;
    state
        .guard
        .check_password("password", &req.password, subject.login.as_str())?;
    let password = req.password;
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    state.store.set_password_hash(subject.id, &hash).await?;
    let ended = state.store.revoke_sessions(subject.id, None).await?;
    let detail = format!("sessions={ended}");
    record(
        &state,
        StaffAuditKind::PasswordReset,
        &subject,
        &staff,
        address,
        &detail,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActiveChange {
    pub active: bool,
}

/// Deactivate (sessions end, sign-in refused) or reactivate an account (admins).
#[utoipa::path(put, path = "/api/v1/staff/{id}/active", tag = "staff", security(("staff" = [])),
    params(("id" = i64, Path)), request_body = ActiveChange,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_active(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    staff: StaffAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ActiveChange>,
) -> Result<StatusCode, ApiError> {
    let subject = target(&state, &staff, &id).await?;
    if subject.id == staff.0.id && !req.active {
        return Err(ApiError::field(
            "active",
            "cannot_deactivate_self",
            "Нельзя отключить собственную учётную запись",
            "You cannot deactivate your own account",
        ));
    }
    state
        .store
        .set_operator_active(subject.id, req.active)
        .await?;
    let (kind, detail) = if req.active {
        (StaffAuditKind::AccountActivated, String::new())
    } else {
        let ended = state.store.revoke_sessions(subject.id, None).await?;
        (
            StaffAuditKind::AccountDeactivated,
            format!("sessions={ended}"),
        )
    };
    record(&state, kind, &subject, &staff, address, &detail).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End every session of a member of staff (admins).
#[utoipa::path(post, path = "/api/v1/staff/{id}/sessions/revoke", tag = "staff", security(("staff" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn revoke_sessions(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    staff: StaffAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let subject = target(&state, &staff, &id).await?;
    let ended = state.store.revoke_sessions(subject.id, None).await?;
    let detail = format!("sessions={ended}");
    record(
        &state,
        StaffAuditKind::SessionsRevoked,
        &subject,
        &staff,
        address,
        &detail,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
