//! Staff sign-in: password login (argon2) gives a bearer session token.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_domain::ids::Login;
use switchboard_store::StoreError;
use utoipa::ToSchema;

use crate::auth::{self, StaffAuth};
use crate::error::{ApiError, Problem};
use crate::http::input::ApiJson;
use crate::http::views::OperatorView;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: String,
    pub operator: OperatorView,
}

fn bad_credentials() -> ApiError {
    ApiError::unauthorized(
        "invalid_credentials",
        "Неверный логин или пароль",
        "Wrong login or password",
    )
}

/// Sign in with login and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "staff", request_body = LoginRequest, responses(
    (status = 200, body = SessionView), (status = 401, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn login(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<SessionView>, ApiError> {
    let login = Login::parse(&req.login).map_err(|_| bad_credentials())?;
    let (operator, hash) = match state.store.operator_credentials(&login).await {
        Ok(found) => found,
        Err(StoreError::NotFound) => {
            // Spend the same time as a real check so logins cannot be probed by timing.
            let _ = auth::verify_password(&req.password, auth::dummy_hash());
            return Err(bad_credentials());
        }
        Err(e) => return Err(e.into()),
    };
    let password = req.password;
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    if !ok || !operator.active {
        tracing::info!(login = %login, "failed staff login");
        return Err(bad_credentials());
    }
    let (token, token_hash) = auth::new_session_token()?;
    let expires_at = state.clock.now() + state.session_ttl;
    state
        .store
        .create_session(&token_hash, operator.id, expires_at)
        .await?;
    tracing::info!(operator = %operator.id, "staff signed in");
    Ok(Json(SessionView {
        token,
        expires_at: expires_at.to_string(),
        operator: OperatorView::from(&operator),
    }))
}

/// End the current session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "staff", security(("staff" = [])), responses(
    (status = 204), (status = 401, body = Problem)))]
pub async fn logout(
    State(state): State<AppState>,
    _staff: StaffAuth,
    headers: axum::http::HeaderMap,
) -> Result<StatusCode, ApiError> {
    if let Some(token) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' ').map(|(_, t)| t.trim()))
    {
        state.store.delete_session(&auth::token_hash(token)).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "staff", security(("staff" = [])), responses(
    (status = 200, body = OperatorView), (status = 401, body = Problem)))]
pub async fn me(staff: StaffAuth) -> Json<OperatorView> {
    Json(OperatorView::from(&staff.0))
}
