//! Who is asking: customers by the host site's signed identity token, staff by
//! a session token from password login (argon2). Both come as
//! `Authorization: Bearer …`; customer endpoints live under `/api/v1/customer/`.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use switchboard_domain::customer::Customer;
use switchboard_domain::identity::IdentityError;
use switchboard_domain::ticket::Actor;
use switchboard_store::{Operator, Role, StaffSession, StoreError};

use crate::error::ApiError;
use crate::state::AppState;

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A real argon2 hash of a random password: checking a login that does not
/// exist against it costs the same time as checking a real one.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash_password("no such account").unwrap_or_default());
    &HASH
}

/// A new random session token and the hash the store keeps instead of it.
pub fn new_session_token() -> anyhow::Result<(String, String)> {
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let token = URL_SAFE_NO_PAD.encode(raw);
    let hash = token_hash(&token);
    Ok((token, hash))
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// A signed-in customer, vouched for by the host site.
#[derive(Debug, Clone)]
pub struct CustomerAuth(pub Customer);

impl CustomerAuth {
    pub fn actor(&self) -> Actor {
        Actor::Customer(self.0.id.clone())
    }
}

impl FromRequestParts<AppState> for CustomerAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or_else(|| {
            ApiError::unauthorized(
                "identity_token_missing",
                "Нужен токен личности клиента",
                "A customer identity token is required",
            )
        })?;
        customer_by_token(state, token).await
    }
}

/// Checks a customer identity token and loads the customer.
pub async fn customer_by_token(state: &AppState, token: &str) -> Result<CustomerAuth, ApiError> {
    let id = state
        .identity
        .verify(token, state.clock.now())
        .map_err(|e| {
            let (code, ru) = match e {
                IdentityError::Expired => ("identity_token_expired", "Срок действия токена истёк"),
                IdentityError::BadSignature => ("identity_token_invalid", "Подпись токена неверна"),
                IdentityError::Malformed => ("identity_token_invalid", "Токен повреждён"),
                IdentityError::TooLong => (
                    "identity_token_invalid",
                    "Срок действия токена слишком долгий",
                ),
            };
            ApiError::unauthorized(code, ru, e.to_string())
        })?;
    match state.store.customer(&id).await {
        Ok(customer) => Ok(CustomerAuth(customer)),
        Err(StoreError::NotFound) => Err(ApiError::unauthorized(
            "unknown_customer",
            "Учётная запись не найдена",
            "The account is not known to support",
        )),
        Err(e) => Err(e.into()),
    }
}

/// The expiry written in a customer identity token (already verified).
pub fn token_expiry(token: &str) -> Option<jiff::Timestamp> {
    let (payload, _) = token.rsplit_once('.')?;
    let (_, expiry) = payload.rsplit_once('.')?;
    jiff::Timestamp::from_second(expiry.parse().ok()?).ok()
}

/// The bearer token of a request, if any.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    bearer(parts)
}

/// A signed-in member of staff.
#[derive(Debug, Clone)]
pub struct StaffAuth(pub Operator);

impl StaffAuth {
    pub fn actor(&self) -> Actor {
        Actor::Operator(self.0.id)
    }

    pub fn is_supervisor(&self) -> bool {
        matches!(self.0.role, Role::Supervisor | Role::Admin)
    }

    pub fn require_supervisor(&self) -> Result<(), ApiError> {
        if self.is_supervisor() {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "supervisor_only",
                "Это может сделать только руководитель смены",
                "Only a supervisor or admin may do this",
            ))
        }
    }

    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.0.role == Role::Admin {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "admin_only",
                "Это может сделать только администратор",
                "Only an admin may do this",
            ))
        }
    }
}

impl FromRequestParts<AppState> for StaffAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = staff_token(parts)?.ok_or_else(missing_session)?;
        staff_by_token(state, &token).await
    }
}

fn missing_session() -> ApiError {
    ApiError::unauthorized(
        "session_missing",
        "Войдите в систему",
        "Sign in first: a staff session token is required",
    )
}

/// The staff session cookie of the browser pages (HttpOnly, SameSite=Strict).
pub const STAFF_COOKIE: &str = "sb_staff";
/// The header the pages' scripts send with every request that changes
/// something: a cross-site form cannot set it, and a cross-site script
/// cannot send it without a CORS preflight, which nothing here answers.
pub const CSRF_HEADER: &str = "x-switchboard-csrf";

/// A staff session token: the bearer header, else the pages' cookie. A
/// cookie is honoured for a change only with [`CSRF_HEADER`], and only from
/// this site's own pages (an `Origin` naming another host is refused).
pub fn staff_token(parts: &Parts) -> Result<Option<String>, ApiError> {
    if let Some(token) = bearer(parts) {
        return Ok(Some(token.to_owned()));
    }
    let Some(token) = crate::web::cookie(&parts.headers, STAFF_COOKIE).filter(|t| !t.is_empty())
    else {
        return Ok(None);
    };
    let refused = || {
        ApiError::forbidden(
            "cross_site_request",
            "Запрос отклонён: он пришёл не со страниц Switchboard",
            "Refused: the request did not come from Switchboard's own pages",
        )
    };
    if !same_origin(&parts.headers) {
        return Err(refused());
    }
    let safe = matches!(
        parts.method,
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    if !safe && !parts.headers.contains_key(CSRF_HEADER) {
        return Err(refused());
    }
    Ok(Some(token.to_owned()))
}

/// A request from this site's own pages: its `Origin`, when sent, names
/// this host.
pub fn same_origin(headers: &axum::http::HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest);
    host.is_some() && origin_host == host
}

/// Checks a staff session token and loads the member of staff. A session
/// that may only enrol a second factor is refused here.
pub async fn staff_by_token(state: &AppState, token: &str) -> Result<StaffAuth, ApiError> {
    let session = any_session(state, token).await?;
    if session.enrolment_only {
        return Err(ApiError::forbidden(
            "second_factor_enrolment_required",
            "Подключите второй фактор входа (приложение-аутентификатор): POST /api/v1/auth/totp",
            "Enrol a second factor (an authenticator app) first: POST /api/v1/auth/totp",
        ));
    }
    Ok(StaffAuth(session.operator))
}

async fn any_session(state: &AppState, token: &str) -> Result<StaffSession, ApiError> {
    match state
        .store
        .staff_session(&token_hash(token), state.clock.now())
        .await
    {
        Ok(session) => Ok(session),
        Err(StoreError::NotFound) => Err(ApiError::unauthorized(
            "session_invalid",
            "Сессия истекла или недействительна, войдите снова",
            "The session has expired or is not valid; sign in again",
        )),
        Err(e) => Err(e.into()),
    }
}

/// Any live staff session, including one that may only enrol a second
/// factor; with the hash of its token (to keep it while ending the others).
#[derive(Debug, Clone)]
pub struct SessionAuth {
    pub session: StaffSession,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for SessionAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = staff_token(parts)?.ok_or_else(missing_session)?;
        Ok(SessionAuth {
            session: any_session(state, &token).await?,
            token_hash: token_hash(&token),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_password() {
        let h = hash_password("operator-demo").unwrap();
        assert!(verify_password("operator-demo", &h));
        assert!(!verify_password("operator-dem0", &h));
        assert!(!verify_password("operator-demo", "not a phc string"));
    }

    #[test]
    fn session_tokens_are_random_and_stored_hashed() {
        let (a, ha) = new_session_token().unwrap();
        let (b, _) = new_session_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), ha);
        assert_ne!(a, ha);
    }
}
