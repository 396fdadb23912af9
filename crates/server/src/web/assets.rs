//! Static assets (the stylesheet, the ES modules, icons), embedded in the
//! binary with `include_bytes!` and served from `/assets/{path}`.
//!
//! Every asset has a content hash computed once at start-up. Pages link to
//! `/assets/{path}?v={hash}` ([`url`]); a request carrying the current hash is
//! cacheable for a year (`immutable`), any other revalidates with the hash as
//! its `ETag` (`304 Not Modified` when it matches). Content types come from the
//! table, never from guessing. To add an asset: put the file under
//! `crates/server/assets/` and add one line to [`FILES`].

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

macro_rules! asset {
    ($path:literal, $kind:expr) => {
        (
            $path,
            $kind,
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/", $path)) as &[u8],
        )
    };
}

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const SVG: &str = "image/svg+xml";

/// Path under `/assets/`, content type, bytes.
const FILES: &[(&str, &str, &[u8])] = &[
    asset!("css/app.css", CSS),
    asset!("js/api.js", JS),
    asset!("js/dom.js", JS),
    asset!("js/contact.js", JS),
    asset!("js/requests.js", JS),
    asset!("js/chat.js", JS),
    asset!("js/widget.js", JS),
    asset!("js/staff-console.js", JS),
    asset!("js/staff-canned.js", JS),
    asset!("js/staff-admin.js", JS),
    asset!("js/staff-dashboard.js", JS),
    asset!("img/favicon.svg", SVG),
];

pub struct Asset {
    pub content_type: &'static str,
    pub bytes: &'static [u8],
    /// First 16 hex digits of the SHA-256 of the bytes.
    pub hash: String,
}

static ASSETS: LazyLock<HashMap<&'static str, Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(path, content_type, bytes)| {
            let hash = hex::encode(&Sha256::digest(bytes)[..8]);
            (
                path,
                Asset {
                    content_type,
                    bytes,
                    hash,
                },
            )
        })
        .collect()
});

/// The embedded asset at `path` (relative to `/assets/`).
pub fn get(path: &str) -> Option<&'static Asset> {
    ASSETS.get(path)
}

/// The versioned URL of an asset, for templates. An unknown path is a
/// programming error; it still yields a URL (that answers 404) rather than a
/// panic, and the browser tests catch it.
pub fn url(path: &str) -> String {
    match get(path) {
        Some(a) => format!("/assets/{path}?v={}", a.hash),
        None => format!("/assets/{path}"),
    }
}

#[derive(Debug, Deserialize)]
pub struct Version {
    v: Option<String>,
}

/// `GET /assets/{*path}`.
pub async fn serve(
    Path(path): Path<String>,
    version: Result<Query<Version>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let Some(asset) = get(&path) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let etag = format!("\"{}\"", asset.hash);
    let cache = if version.ok().and_then(|Query(v)| v.v).as_deref() == Some(asset.hash.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        asset.bytes.into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Scripts and styles may be loaded by host pages of other origins (the chat widget).
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_type_and_a_stable_hash() {
        for (path, kind, bytes) in FILES {
            let a = get(path).expect("listed asset is served");
            assert_eq!(a.content_type, *kind);
            assert_eq!(a.bytes.len(), bytes.len());
            assert_eq!(a.hash.len(), 16);
            assert!(url(path).ends_with(&a.hash));
        }
        assert!(get("css/../Cargo.toml").is_none());
    }
}
