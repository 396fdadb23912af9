//! The rate limit on public endpoints: per client address on everything a
//! client reaches without a staff session (the customer API and its
//! sockets, the customer's pages, the help centre, the catalog, the API
//! description, staff sign-in by API and page), and per customer on the customer API. Refusals are 429 problem details
//! with `Retry-After`; nothing behind the limit runs.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::security::client::ClientAddress;
use crate::state::AppState;

/// Paths anyone may call without a staff session.
pub fn is_public(path: &str) -> bool {
    path.starts_with("/api/v1/customer/")
        || path.starts_with("/api/v1/help/")
        || path == "/help"
        || path.starts_with("/help/")
        || path == "/account"
        || path.starts_with("/account/")
        || path == "/demo"
        || path.starts_with("/demo/")
        || path == "/api/v1/catalog"
        || path == "/api/v1/auth/login"
        || path == "/staff/sign-in"
        || path == "/api/openapi.json"
}

/// The customer a request is made by, when its identity token verifies.
fn customer(state: &AppState, req: &Request) -> Option<String> {
    if !req.uri().path().starts_with("/api/v1/customer/") {
        return None;
    }
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    // Browsers' sockets carry the token in the query string.
    let token = bearer.or_else(|| {
        req.uri()
            .query()?
            .split('&')
            .find_map(|kv| kv.strip_prefix("token="))
    })?;
    let id = state.identity.verify(token, state.clock.now()).ok()?;
    Some(id.as_str().to_owned())
}

pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !is_public(req.uri().path()) {
        return next.run(req).await;
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ClientAddress(address) =
        ClientAddress::from_parts(peer, req.headers(), state.guard.trust_forwarded_for);
    let customer = customer(&state, &req);
    match state.guard.limits.request(address, customer.as_deref()) {
        Ok(()) => next.run(req).await,
        Err(refused) => crate::security::too_many_requests(refused).into_response(),
    }
}
