//! Liveness, readiness, metrics and the OpenAPI document.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    pub status: &'static str,
    pub database: &'static str,
    pub backend: &'static str,
    pub storage: &'static str,
    /// The Telegram Bot API, when bots are configured: `ok`, or `degraded`
    /// when its last calls failed (replies wait in the outbox meanwhile).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telegram: Option<&'static str>,
    /// The VK API, when communities are configured: `ok` or `degraded`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vk: Option<&'static str>,
}

/// The database answers and attachments can be stored.
#[utoipa::path(get, path = "/readyz", tag = "meta", responses(
    (status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let db = state.store.ping().await.is_ok();
    let files = state.core.files.writable().await;
    let body = Readiness {
        status: if db && files { "ready" } else { "not_ready" },
        database: if db { "ok" } else { "unreachable" },
        backend: match state.store.backend() {
            switchboard_store::Backend::Sqlite => "sqlite",
            switchboard_store::Backend::Postgres => "postgres",
        },
        storage: if files { "ok" } else { "not_writable" },
        telegram: state.telegram.as_ref().map(|t| health_word(&t.health())),
        vk: state.vk.as_ref().map(|v| health_word(&v.health())),
    };
    let code = if db && files {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body))
}

fn health_word(h: &switchboard_channels::Health) -> &'static str {
    if h.report().degraded() {
        "degraded"
    } else {
        "ok"
    }
}

/// Prometheus text exposition.
#[utoipa::path(get, path = "/metrics", tag = "meta", responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let apis = [
        ("telegram", state.telegram.as_ref().map(|t| t.health())),
        ("vk", state.vk.as_ref().map(|v| v.health())),
    ];
    for (channel, health) in apis {
        let Some(health) = health else { continue };
        let report = health.report();
        let labels = switchboard_core::metrics::TicketLabels {
            channel: channel.into(),
        };
        let gauge = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        state
            .metrics
            .messenger_api_failing
            .get_or_create(&labels)
            .set(gauge(report.failures_in_a_row));
        state
            .metrics
            .messenger_api_failures
            .get_or_create(&labels)
            .set(gauge(report.failures_total));
    }
    if let Ok(n) = state.store.pending_outbound().await {
        state
            .metrics
            .outbox_pending
            .set(i64::try_from(n).unwrap_or(i64::MAX));
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
