//! Webhooks (admins, issue 14): register HTTPS endpoints for ticket events,
//! see each endpoint's deliveries with the last answer, replay a delivery,
//! resume a paused endpoint, delete one. The secret that signs deliveries
//! is in the registration's answer only.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_store::{Webhook, WebhookDelivery};
use utoipa::{IntoParams, ToSchema};

use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::input::{ApiJson, page_limit};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// `https://…` (plain http only to a loopback address, and only where
    /// `webhooks.allow_loopback_http` is set: tests and development).
    pub url: String,
    /// Event types: `ticket.created`, `message.created`,
    /// `ticket.status_changed`, `sla.at_risk`, `sla.breached`, `csat.rated`.
    /// Empty or absent: all of them.
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
    /// `active`, or `paused` after repeated failures (resume to send again).
    pub status: &'static str,
    /// Failed attempts in a row.
    pub failures: u32,
    pub created_at: String,
    pub paused_at: Option<String>,
}

impl From<&Webhook> for WebhookView {
    fn from(w: &Webhook) -> Self {
        WebhookView {
            id: w.id,
            url: w.url.clone(),
            events: w.events.clone(),
            description: w.description.clone(),
            status: w.status.as_str(),
            failures: w.failures,
            created_at: w.created_at.to_string(),
            paused_at: w.paused_at.map(|t| t.to_string()),
        }
    }
}

/// A new endpoint and its signing secret, shown only here.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisteredWebhookView {
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// The HMAC-SHA256 key: `Switchboard-Signature: t=<unix>,v1=<hex HMAC(secret, "<t>.<body>")>`.
    pub secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryView {
    pub id: i64,
    pub webhook: i64,
    pub event: String,
    /// The JSON body sent (the same on every attempt).
    pub payload: String,
    /// `pending`, `delivered` or `failed` (given up).
    pub status: &'static str,
    pub attempts: u32,
    /// The endpoint's last HTTP status.
    pub last_status: Option<u16>,
    /// The start (1 KiB) of the endpoint's last answer.
    pub last_response: Option<String>,
    pub last_error: Option<String>,
    /// The delivery this one replays.
    pub replay_of: Option<i64>,
    pub created_at: String,
    pub delivered_at: Option<String>,
}

impl From<&WebhookDelivery> for WebhookDeliveryView {
    fn from(d: &WebhookDelivery) -> Self {
        WebhookDeliveryView {
            id: d.id,
            webhook: d.endpoint,
            event: d.event.clone(),
            payload: d.payload.clone(),
            status: match d.status {
                switchboard_store::DeliveryStatus::Pending => "pending",
                switchboard_store::DeliveryStatus::Delivered => "delivered",
                switchboard_store::DeliveryStatus::Failed => "failed",
            },
            attempts: d.attempts,
            last_status: d.last_status,
            last_response: d.last_response.clone(),
            last_error: d.last_error.clone(),
            replay_of: d.replay_of,
            created_at: d.created_at.to_string(),
            delivered_at: d.delivered_at.map(|t| t.to_string()),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DeliveriesQuery {
    /// How many, newest first (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

fn id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(ApiError::not_found)
}

/// Register an endpoint (admins). The answer carries the signing secret, once.
#[utoipa::path(post, path = "/api/v1/admin/webhooks", tag = "webhooks", security(("staff" = [])), request_body = WebhookRequest,
    responses((status = 201, body = RegisteredWebhookView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    staff: StaffAuth,
    ApiJson(req): ApiJson<WebhookRequest>,
) -> Result<(StatusCode, Json<RegisteredWebhookView>), ApiError> {
    staff.require_admin()?;
    let r = state
        .webhooks
        .register(staff.0.id, &req.url, &req.events, &req.description)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(RegisteredWebhookView {
            webhook: WebhookView::from(&r.webhook),
            secret: r.secret,
        }),
    ))
}

/// The registered endpoints (admins).
#[utoipa::path(get, path = "/api/v1/admin/webhooks", tag = "webhooks", security(("staff" = [])),
    responses((status = 200, body = Vec<WebhookView>), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    staff: StaffAuth,
) -> Result<Json<Vec<WebhookView>>, ApiError> {
    staff.require_admin()?;
    let all = state.webhooks.list().await?;
    Ok(Json(all.iter().map(WebhookView::from).collect()))
}

/// Delete an endpoint (admins); its pending deliveries are not sent.
#[utoipa::path(delete, path = "/api/v1/admin/webhooks/{id}", tag = "webhooks", security(("staff" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    staff.require_admin()?;
    state.webhooks.delete(id(&raw)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Resume a paused endpoint (admins): its waiting deliveries go out again.
#[utoipa::path(post, path = "/api/v1/admin/webhooks/{id}/resume", tag = "webhooks", security(("staff" = [])),
    params(("id" = String, Path)), responses((status = 200, body = WebhookView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn resume(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(raw): Path<String>,
) -> Result<Json<WebhookView>, ApiError> {
    staff.require_admin()?;
    let w = state.webhooks.resume(id(&raw)?).await?;
    Ok(Json(WebhookView::from(&w)))
}

/// An endpoint's deliveries, newest first, with the last answer of each (admins).
#[utoipa::path(get, path = "/api/v1/admin/webhooks/{id}/deliveries", tag = "webhooks", security(("staff" = [])),
    params(("id" = String, Path), DeliveriesQuery),
    responses((status = 200, body = Vec<WebhookDeliveryView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn deliveries(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(raw): Path<String>,
    Query(q): Query<DeliveriesQuery>,
) -> Result<Json<Vec<WebhookDeliveryView>>, ApiError> {
    staff.require_admin()?;
    let limit = page_limit(q.limit, 50, 200)?;
    let (_, list) = state.webhooks.deliveries(id(&raw)?, limit).await?;
    Ok(Json(list.iter().map(WebhookDeliveryView::from).collect()))
}

/// Send a delivery's event again, as a new delivery (admins).
#[utoipa::path(post, path = "/api/v1/admin/webhook-deliveries/{id}/replay", tag = "webhooks", security(("staff" = [])),
    params(("id" = String, Path)), responses((status = 201, body = WebhookDeliveryView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn replay(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(raw): Path<String>,
) -> Result<(StatusCode, Json<WebhookDeliveryView>), ApiError> {
    staff.require_admin()?;
    let d = state.webhooks.replay(id(&raw)?).await?;
    Ok((StatusCode::CREATED, Json(WebhookDeliveryView::from(&d))))
}
