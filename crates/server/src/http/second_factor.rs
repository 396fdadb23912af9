//! Enrolling the TOTP second factor: start (a new secret for the
//! authenticator app), confirm with a first code (recovery codes are shown
//! once), see its state; admins reset it for someone who lost their device.
//! A session signed in while a factor was required but missing may use
//! these endpoints and nothing else.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_store::{StaffAuditKind, StoreError};
use utoipa::ToSchema;

use crate::auth::{SessionAuth, StaffAuth};
use crate::error::{ApiError, Problem};
use crate::http::input::ApiJson;
use crate::http::staff_admin::{record, target};
use crate::security::client::ClientAddress;
use crate::security::{Audit, totp};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct TotpStatus {
    pub enabled: bool,
    /// This account must sign in with a second factor.
    pub required: bool,
    pub recovery_codes_left: u32,
}

/// The second factor of the signed-in account.
#[utoipa::path(get, path = "/api/v1/auth/totp", tag = "staff", security(("staff" = [])),
    responses((status = 200, body = TotpStatus), (status = 401, body = Problem)))]
pub async fn status(
    State(state): State<AppState>,
    auth: SessionAuth,
) -> Result<Json<TotpStatus>, ApiError> {
    let me = &auth.session.operator;
    let enabled = state
        .store
        .second_factor(me.id)
        .await?
        .is_some_and(|f| f.enabled_at.is_some());
    Ok(Json(TotpStatus {
        enabled,
        required: state.guard.second_factor_required(me, &state.catalog()),
        recovery_codes_left: state.store.recovery_codes_left(me.id).await?,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// The shared secret, base32, for typing into an authenticator app.
    pub secret: String,
    /// The same as an `otpauth://` URI, for a QR code.
    pub otpauth_uri: String,
    pub algorithm: &'static str,
    pub digits: u8,
    pub period_secs: u64,
}

/// Start enrolling: a new secret (replacing one not yet confirmed).
#[utoipa::path(post, path = "/api/v1/auth/totp", tag = "staff", security(("staff" = [])),
    responses((status = 201, body = TotpEnrolment), (status = 401, body = Problem), (status = 409, body = Problem)))]
pub async fn begin(
    State(state): State<AppState>,
    auth: SessionAuth,
) -> Result<(StatusCode, Json<TotpEnrolment>), ApiError> {
    let me = &auth.session.operator;
    let secret = totp::new_secret()?;
    state.store.begin_second_factor(me.id, &secret).await?;
    Ok((
        StatusCode::CREATED,
        Json(TotpEnrolment {
            secret: totp::base32(&secret),
            otpauth_uri: totp::otpauth_uri(
                &state.guard.second_factor.issuer,
                me.login.as_str(),
                &secret,
            ),
            algorithm: "SHA1",
            digits: totp::DIGITS,
            period_secs: totp::PERIOD_SECS,
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpConfirm {
    /// The app's current 6-digit code.
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotpConfirmed {
    /// One-time codes for signing in without the app. Shown only now.
    pub recovery_codes: Vec<String>,
    /// The session used to enrol was a restricted one and has ended: sign in
    /// again with a code.
    pub sign_in_again: bool,
}

/// Confirm the enrolment with the app's first code. Every other session of
/// the account ends (and this one too when it could only enrol).
#[utoipa::path(post, path = "/api/v1/auth/totp/confirm", tag = "staff", security(("staff" = [])),
    request_body = TotpConfirm, responses((status = 200, body = TotpConfirmed), (status = 401, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn confirm(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    auth: SessionAuth,
    ApiJson(req): ApiJson<TotpConfirm>,
) -> Result<Json<TotpConfirmed>, ApiError> {
    let me = &auth.session.operator;
    let pending = match state.store.second_factor(me.id).await? {
        Some(f) if f.enabled_at.is_none() => f,
        _ => {
            return Err(StoreError::Conflict(
                "no second factor is waiting for confirmation: start with POST /api/v1/auth/totp"
                    .into(),
            )
            .into());
        }
    };
    let now = state.clock.now();
    let Some(step) = totp::matching_step(&pending.secret, &req.code, now)? else {
        return Err(ApiError::field(
            "code",
            "wrong_code",
            "Код не подходит: проверьте время на устройстве и введите текущий код",
            "The code does not match: check the device's clock and enter the current code",
        ));
    };
    let codes = totp::new_recovery_codes()?;
    let hashes: Vec<String> = codes.iter().map(|c| totp::recovery_hash(c)).collect();
    state
        .store
        .confirm_second_factor(me.id, &hashes, now)
        .await?;
    state.store.use_totp_step(me.id, step).await?;
    let keep = (!auth.session.enrolment_only).then_some(auth.token_hash.as_str());
    let ended = state.store.revoke_sessions(me.id, keep).await?;
    Audit {
        detail: &format!("sessions={ended}"),
        ..Audit::own(StaffAuditKind::SecondFactorEnrolled, me, address)
    }
    .record(&state)
    .await?;
    Ok(Json(TotpConfirmed {
        recovery_codes: codes,
        sign_in_again: keep.is_none(),
    }))
}

/// Remove someone's second factor, e.g. a lost phone (admins). Their
/// sessions end; if a factor is required they enrol a new one at sign-in.
#[utoipa::path(post, path = "/api/v1/staff/{id}/totp/reset", tag = "staff", security(("staff" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn reset(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    staff: StaffAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let subject = target(&state, &staff, &id).await?;
    state.store.reset_second_factor(subject.id).await?;
    let ended = state.store.revoke_sessions(subject.id, None).await?;
    let detail = format!("sessions={ended}");
    record(
        &state,
        StaffAuditKind::SecondFactorReset,
        &subject,
        &staff,
        address,
        &detail,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
