//! A member of staff's own account: change the password, sign out everywhere.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_store::StaffAuditKind;
use utoipa::ToSchema;

use crate::auth::{self, SessionAuth};
use crate::error::{ApiError, Problem};
use crate::http::input::ApiJson;
use crate::security::Audit;
use crate::security::client::ClientAddress;
use crate::state::AppState;

/// End every session of the signed-in account, this one included.
#[utoipa::path(post, path = "/api/v1/auth/logout-all", tag = "staff", security(("staff" = [])), responses(
    (status = 204), (status = 401, body = Problem)))]
pub async fn logout_all(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    auth: SessionAuth,
) -> Result<StatusCode, ApiError> {
    let me = &auth.session.operator;
    let ended = state.store.revoke_sessions(me.id, None).await?;
    Audit {
        detail: &format!("sessions={ended}"),
        ..Audit::own(StaffAuditKind::SignedOutEverywhere, me, address)
    }
    .record(&state)
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    /// At least `staff.password_min_chars` (12) characters, not the login,
    /// not a common or trivially patterned password.
    pub new_password: String,
}

/// Change one's own password; every other session of the account ends.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "staff", security(("staff" = [])),
    request_body = PasswordChange, responses((status = 204), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    auth: SessionAuth,
    ApiJson(req): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let me = &auth.session.operator;
    let hash = state.store.password_hash(me.id).await?;
    let current = req.current_password;
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&current, &hash))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    if !ok {
        Audit {
            detail: "wrong_current_password",
            ..Audit::own(StaffAuditKind::SignInFailed, me, address)
        }
        .record(&state)
        .await?;
        return Err(ApiError::field(
            "current_password",
            "wrong_password",
            "Текущий пароль неверен",
            "The current password is wrong",
        ));
    }
    state
        .guard
        .check_password("new_password", &req.new_password, me.login.as_str())?;
    let new = req.new_password;
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&new))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    state.store.set_password_hash(me.id, &hash).await?;
    let ended = state
        .store
        .revoke_sessions(me.id, Some(&auth.token_hash))
        .await?;
    Audit {
        detail: &format!("other_sessions_ended={ended}"),
        ..Audit::own(StaffAuditKind::PasswordChanged, me, address)
    }
    .record(&state)
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
