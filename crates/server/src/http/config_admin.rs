//! The configuration an admin edits while the service runs (issue 12): the
//! catalog, SLA policies, calendars and priority rules as versioned TOML
//! documents. An edit is checked by the same domain loaders as the profile's
//! files (a bad one is a 422 naming the document and the entry at fault, and
//! changes nothing), saved with its audit entry, and live on every node
//! without a restart. A rollback is a new version with an old one's text.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use switchboard_core::configuration::ConfigDoc;
use switchboard_core::configuration::edit::ConfigEdit;
use switchboard_store::{ConfigVersion, ConfigVersionInfo};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::input::ApiJson;
use crate::security::client::ClientAddress;
use crate::state::AppState;

/// The configuration API's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(overview))
        .routes(routes!(current, edit))
        .routes(routes!(history))
        .routes(routes!(version))
        .routes(routes!(rollback))
        .routes(routes!(super::config_forms::add_topic))
        .routes(routes!(super::config_forms::add_holiday))
        .routes(routes!(super::config_forms::set_policy_targets))
        .routes(routes!(super::config_forms::set_rule_priority))
}

/// A document named in the path; anything else is not found.
fn doc(raw: &str) -> Result<ConfigDoc, ApiError> {
    ConfigDoc::parse(raw).ok_or_else(ApiError::not_found)
}

fn version_number(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(ApiError::not_found)
}

/// One version of a document, without its text.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigVersionSummary {
    /// catalog, sla, calendars or priority
    pub doc: String,
    pub version: i64,
    /// The revision of the whole configuration this version made.
    pub revision: i64,
    /// The admin's login; `profile` for version 1, the profile's file.
    pub author: String,
    pub comment: String,
    pub created_at: String,
}

impl From<&ConfigVersionInfo> for ConfigVersionSummary {
    fn from(v: &ConfigVersionInfo) -> Self {
        ConfigVersionSummary {
            doc: v.doc.clone(),
            version: v.version,
            revision: v.revision,
            author: v.author_login.clone(),
            comment: v.comment.clone(),
            created_at: v.created_at.to_string(),
        }
    }
}

/// One version of a document with its TOML text.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigVersionView {
    #[serde(flatten)]
    pub summary: ConfigVersionSummary,
    pub body: String,
}

impl From<&ConfigVersion> for ConfigVersionView {
    fn from(v: &ConfigVersion) -> Self {
        ConfigVersionView {
            summary: ConfigVersionSummary::from(&v.info),
            body: v.body.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigOverview {
    /// The revision this node decides with now.
    pub live_revision: i64,
    /// The newest version of each document.
    pub documents: Vec<ConfigVersionSummary>,
}

/// The documents and their newest versions (admins).
#[utoipa::path(get, path = "/api/v1/admin/config", tag = "configuration", security(("staff" = [])),
    responses((status = 200, body = ConfigOverview), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn overview(
    State(state): State<AppState>,
    staff: StaffAuth,
) -> Result<Json<ConfigOverview>, ApiError> {
    staff.require_admin()?;
    let snapshot = state.store.config_snapshot().await?;
    Ok(Json(ConfigOverview {
        live_revision: state.core.live.revision(),
        documents: snapshot
            .documents
            .iter()
            .map(|d| ConfigVersionSummary::from(&d.info))
            .collect(),
    }))
}

/// A document's newest version with its text (admins).
#[utoipa::path(get, path = "/api/v1/admin/config/{doc}", tag = "configuration", security(("staff" = [])),
    params(("doc" = String, Path, description = "catalog, sla, calendars or priority")),
    responses((status = 200, body = ConfigVersionView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn current(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(raw): Path<String>,
) -> Result<Json<ConfigVersionView>, ApiError> {
    staff.require_admin()?;
    let doc = doc(&raw)?;
    let newest = state
        .core
        .config_history(doc)
        .await?
        .first()
        .map(|v| v.version)
        .ok_or_else(ApiError::not_found)?;
    let v = state.core.config_version(doc, newest).await?;
    Ok(Json(ConfigVersionView::from(&v)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigEditRequest {
    /// The version the edit was made from: refused (409) if it is no longer
    /// the newest, so nobody overwrites an edit they have not seen.
    pub base_version: i64,
    /// The whole document, TOML, as in the profile's file.
    pub body: String,
    #[serde(default)]
    pub comment: String,
}

/// Save a new version of a document (admins). It must load with the other
/// documents; it is live on this node when answered, on the others within
/// `profile.refresh_interval_ms`.
#[utoipa::path(put, path = "/api/v1/admin/config/{doc}", tag = "configuration", security(("staff" = [])),
    params(("doc" = String, Path, description = "catalog, sla, calendars or priority")),
    request_body = ConfigEditRequest,
    responses((status = 200, body = ConfigVersionView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn edit(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    staff: StaffAuth,
    Path(raw): Path<String>,
    ApiJson(req): ApiJson<ConfigEditRequest>,
) -> Result<Json<ConfigVersionView>, ApiError> {
    staff.require_admin()?;
    let edit = ConfigEdit {
        doc: doc(&raw)?,
        base_version: req.base_version,
        body: req.body,
        comment: req.comment,
    };
    let saved = state
        .core
        .edit_config(&staff.0, address.map(|a| a.to_string()), edit)
        .await?;
    Ok(Json(ConfigVersionView::from(&saved)))
}

/// A document's versions, newest first (admins).
#[utoipa::path(get, path = "/api/v1/admin/config/{doc}/versions", tag = "configuration", security(("staff" = [])),
    params(("doc" = String, Path, description = "catalog, sla, calendars or priority")),
    responses((status = 200, body = Vec<ConfigVersionSummary>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn history(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(raw): Path<String>,
) -> Result<Json<Vec<ConfigVersionSummary>>, ApiError> {
    staff.require_admin()?;
    let versions = state.core.config_history(doc(&raw)?).await?;
    Ok(Json(
        versions.iter().map(ConfigVersionSummary::from).collect(),
    ))
}

/// One version of a document with its text (admins).
#[utoipa::path(get, path = "/api/v1/admin/config/{doc}/versions/{version}", tag = "configuration", security(("staff" = [])),
    params(("doc" = String, Path, description = "catalog, sla, calendars or priority"), ("version" = i64, Path)),
    responses((status = 200, body = ConfigVersionView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn version(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path((raw, n)): Path<(String, String)>,
) -> Result<Json<ConfigVersionView>, ApiError> {
    staff.require_admin()?;
    let v = state
        .core
        .config_version(doc(&raw)?, version_number(&n)?)
        .await?;
    Ok(Json(ConfigVersionView::from(&v)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackRequest {
    /// The document's newest version as the admin saw it (409 if it moved on).
    pub base_version: i64,
    #[serde(default)]
    pub comment: String,
}

/// Roll a document back to an earlier version (admins): a new version with
/// that version's text, checked like any edit.
#[utoipa::path(post, path = "/api/v1/admin/config/{doc}/versions/{version}/rollback", tag = "configuration", security(("staff" = [])),
    params(("doc" = String, Path, description = "catalog, sla, calendars or priority"), ("version" = i64, Path)),
    request_body = RollbackRequest,
    responses((status = 200, body = ConfigVersionView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn rollback(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    staff: StaffAuth,
    Path((raw, n)): Path<(String, String)>,
    ApiJson(req): ApiJson<RollbackRequest>,
) -> Result<Json<ConfigVersionView>, ApiError> {
    staff.require_admin()?;
    let saved = state
        .core
        .rollback_config(
            &staff.0,
            address.map(|a| a.to_string()),
            doc(&raw)?,
            version_number(&n)?,
            req.base_version,
            req.comment,
        )
        .await?;
    Ok(Json(ConfigVersionView::from(&saved)))
}
