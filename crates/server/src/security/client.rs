//! The client's IP address: the TCP peer, or — behind a trusted reverse
//! proxy (`server.trust_forwarded_for`) — the last `X-Forwarded-For` entry,
//! the one the proxy itself added (earlier entries are the client's word).

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::state::AppState;

/// Where a request came from; none when the transport does not say (a
/// request handed to the router directly, as some tests do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub Option<IpAddr>);

impl ClientAddress {
    pub fn from_parts(peer: Option<IpAddr>, headers: &HeaderMap, trust_forwarded: bool) -> Self {
        if trust_forwarded && let Some(forwarded) = last_forwarded(headers) {
            return ClientAddress(Some(forwarded));
        }
        ClientAddress(peer)
    }
}

fn last_forwarded(headers: &HeaderMap) -> Option<IpAddr> {
    let value = headers.get_all("x-forwarded-for").iter().next_back()?;
    let last = value.to_str().ok()?.rsplit(',').next()?.trim();
    last.parse().ok()
}

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddress::from_parts(
            peer,
            &parts.headers,
            state.guard.trust_forwarded_for,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    #[test]
    fn forwarded_addresses_count_only_when_trusted_and_only_the_proxys_own() {
        let peer = Some("10.0.0.1".parse().unwrap());
        let h = headers(&["1.1.1.1, 203.0.113.7"]);
        assert_eq!(ClientAddress::from_parts(peer, &h, false).0, peer);
        assert_eq!(
            ClientAddress::from_parts(peer, &h, true).0,
            Some("203.0.113.7".parse().unwrap())
        );
        let h = headers(&["1.1.1.1", "2001:db8::1"]);
        assert_eq!(
            ClientAddress::from_parts(peer, &h, true).0,
            Some("2001:db8::1".parse().unwrap())
        );
        for junk in ["", "not an address", "1.1.1.1, ", "🙂"] {
            assert_eq!(
                ClientAddress::from_parts(peer, &headers(&[junk]), true).0,
                peer
            );
        }
    }
}
