//! Staff sign-in: password login (argon2) gives a bearer session token;
//! every sign-in, failure, lock and sign-out is audited.

use std::net::IpAddr;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use switchboard_domain::ids::Login;
use switchboard_store::{Operator, StaffAuditKind, StoreError};
use utoipa::ToSchema;

use crate::auth::{self, SessionAuth};
use crate::error::{ApiError, Problem};
use crate::http::input::ApiJson;
use crate::http::views::OperatorView;
use crate::security::client::ClientAddress;
use crate::security::{Audit, lockout, totp};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
    /// With a second factor enrolled: the authenticator app's 6-digit code,
    /// or one of the recovery codes.
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: String,
    /// The account must use a second factor and has none yet: this session
    /// may only enrol one (`POST /api/v1/auth/totp`).
    pub second_factor_enrolment_required: bool,
    pub operator: OperatorView,
}

fn bad_credentials() -> ApiError {
    ApiError::unauthorized(
        "invalid_credentials",
        "Неверный логин или пароль",
        "Wrong login or password",
    )
}

/// Sign in with login and password. Failures count against the login and
/// the client's address; past the configured threshold both are locked for
/// a while that doubles with each further failure (429 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "staff", request_body = LoginRequest, responses(
    (status = 200, body = SessionView), (status = 401, body = Problem), (status = 429, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<SessionView>, ApiError> {
    open_session(&state, address, &req).await.map(Json)
}

/// Checks a sign-in (lockout, password, second factor), audits it and opens
/// a session: the API's login and the staff pages' sign-in form share it.
pub async fn open_session(
    state: &AppState,
    address: Option<IpAddr>,
    req: &LoginRequest,
) -> Result<SessionView, ApiError> {
    let now = state.clock.now();
    let store = state.store.as_ref();
    if let Some(until) = lockout::locked_until(store, &req.login, address, now).await? {
        Audit {
            kind: StaffAuditKind::SignInLocked,
            subject: None,
            login: &req.login,
            actor: None,
            address,
            detail: "",
        }
        .record(state)
        .await?;
        return Err(locked(until, now));
    }
    let found = match Login::parse(&req.login) {
        Ok(login) => match store.operator_credentials(&login).await {
            Ok(found) => Some(found),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        Err(_) => None,
    };
    // An unknown login is checked against a dummy hash: the same time as a
    // real check, so logins cannot be probed by timing.
    let hash = found
        .as_ref()
        .map_or_else(|| auth::dummy_hash().to_owned(), |(_, h)| h.clone());
    let password = req.password.clone();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let operator = match found {
        Some((operator, _)) if ok && operator.active => operator,
        found => {
            let detail = match &found {
                None => "unknown_login",
                Some(_) if !ok => "wrong_password",
                Some(_) => "inactive",
            };
            return Err(refuse(state, &req.login, found.map(|f| f.0), address, detail).await);
        }
    };
    let (enrolment_only, how) =
        match second_factor(state, &operator, req.code.as_deref(), address).await? {
            Factor::Passed(how) => (false, how),
            Factor::None => {
                let required = state
                    .guard
                    .second_factor_required(&operator, &state.catalog());
                (
                    required,
                    if required {
                        "enrolment_only"
                    } else {
                        "password"
                    },
                )
            }
            Factor::Missing => {
                Audit {
                    detail: "second_factor_missing",
                    ..Audit::own(StaffAuditKind::SignInFailed, &operator, address)
                }
                .record(state)
                .await?;
                return Err(ApiError::unauthorized(
                    "second_factor_required",
                    "Введите код из приложения-аутентификатора (или код восстановления)",
                    "Enter the code from your authenticator app (or a recovery code)",
                ));
            }
            Factor::Wrong => {
                return Err(refuse(state, &req.login, Some(operator), address, "wrong_code").await);
            }
        };
    lockout::succeeded(store, &req.login).await?;
    let (token, token_hash) = auth::new_session_token()?;
    let expires_at = now + state.session_ttl;
    store
        .create_staff_session(&token_hash, operator.id, expires_at, enrolment_only)
        .await?;
    Audit {
        detail: how,
        ..Audit::own(StaffAuditKind::SignedIn, &operator, address)
    }
    .record(state)
    .await?;
    Ok(SessionView {
        token,
        expires_at: expires_at.to_string(),
        second_factor_enrolment_required: enrolment_only,
        operator: OperatorView::from(&operator),
    })
}

/// What the second factor said.
enum Factor {
    /// None enrolled.
    None,
    /// Enrolled, and no code was given.
    Missing,
    /// A wrong, reused or expired code.
    Wrong,
    /// Passed, and how.
    Passed(&'static str),
}

async fn second_factor(
    state: &AppState,
    operator: &Operator,
    code: Option<&str>,
    address: Option<IpAddr>,
) -> Result<Factor, ApiError> {
    let Some(factor) = state.store.second_factor(operator.id).await? else {
        return Ok(Factor::None);
    };
    if factor.enabled_at.is_none() {
        return Ok(Factor::None);
    }
    let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
        return Ok(Factor::Missing);
    };
    if totp::is_totp_code(code) {
        let step = totp::matching_step(&factor.secret, code, state.clock.now())?;
        return Ok(match step {
            Some(step) if state.store.use_totp_step(operator.id, step).await? => {
                Factor::Passed("password+totp")
            }
            _ => Factor::Wrong,
        });
    }
    let hash = totp::recovery_hash(code);
    if state
        .store
        .use_recovery_code(operator.id, &hash, state.clock.now())
        .await?
    {
        Audit::own(StaffAuditKind::RecoveryCodeUsed, operator, address)
            .record(state)
            .await?;
        return Ok(Factor::Passed("password+recovery_code"));
    }
    Ok(Factor::Wrong)
}

/// Records a failed sign-in, counts it, records any lock it causes, and
/// gives the answer: always the same "wrong login or password".
async fn refuse(
    state: &AppState,
    login: &str,
    operator: Option<Operator>,
    address: Option<IpAddr>,
    detail: &str,
) -> ApiError {
    let now = state.clock.now();
    let recorded = async {
        let audit = |kind| Audit {
            kind,
            subject: operator.as_ref(),
            login,
            actor: None,
            address,
            detail,
        };
        audit(StaffAuditKind::SignInFailed).record(state).await?;
        let locks = lockout::failed(
            state.store.as_ref(),
            &state.guard.lockout,
            login,
            address,
            now,
        )
        .await?;
        for (what, _) in locks {
            Audit {
                detail: what.as_str(),
                ..audit(StaffAuditKind::LockedOut)
            }
            .record(state)
            .await?;
        }
        Ok::<_, ApiError>(())
    };
    match recorded.await {
        Ok(()) => bad_credentials(),
        Err(e) => e,
    }
}

fn locked(until: Timestamp, now: Timestamp) -> ApiError {
    let secs = until.duration_since(now).as_secs().max(1).unsigned_abs();
    let minutes = secs.div_ceil(60);
    ApiError::limited(
        "sign_in_locked",
        format!("Слишком много неудачных попыток входа. Попробуйте через {minutes} мин."),
        format!("Too many failed sign-ins. Try again in {minutes} min."),
        secs,
    )
}

/// End the current session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "staff", security(("staff" = [])), responses(
    (status = 204), (status = 401, body = Problem)))]
pub async fn logout(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    auth: SessionAuth,
) -> Result<StatusCode, ApiError> {
    state.store.delete_session(&auth.token_hash).await?;
    Audit::own(StaffAuditKind::SignedOut, &auth.session.operator, address)
        .record(&state)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "staff", security(("staff" = [])), responses(
    (status = 200, body = OperatorView), (status = 401, body = Problem)))]
pub async fn me(auth: SessionAuth) -> Json<OperatorView> {
    Json(OperatorView::from(&auth.session.operator))
}
