//! Knowledge-base sections: list, create, rename, delete.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use switchboard_store::KbAction;

use super::*;
use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::input::ApiJson;
use crate::state::AppState;

/// Sections, in help-centre order.
#[utoipa::path(get, path = "/api/v1/kb/sections", tag = "knowledge base", security(("staff" = [])),
    responses((status = 200, body = Vec<SectionView>), (status = 401, body = Problem)))]
pub async fn list_sections(
    State(state): State<AppState>,
    _staff: StaffAuth,
) -> Json<Vec<SectionView>> {
    Json(
        state
            .kb
            .sections()
            .iter()
            .map(|s| section_view(&state, s))
            .collect(),
    )
}

/// Create a section (admins).
#[utoipa::path(post, path = "/api/v1/kb/sections", tag = "knowledge base", security(("staff" = [])),
    request_body = SectionRequest,
    responses((status = 201, body = SectionView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_section(
    State(state): State<AppState>,
    staff: StaffAuth,
    ApiJson(r): ApiJson<SectionRequest>,
) -> Result<(StatusCode, Json<SectionView>), ApiError> {
    staff.require_admin()?;
    let code = r.code.clone().unwrap_or_default();
    let last = state
        .kb
        .sections()
        .iter()
        .map(|s| s.position)
        .max()
        .unwrap_or(0);
    let section = section_from(&state, code.trim(), &r, r.position.unwrap_or(last + 1))?;
    let saved = state
        .store
        .kb_save_section(
            &section,
            KbAction::CreateSection,
            &staff.actor(),
            state.clock.now(),
        )
        .await
        .map_err(|e| {
            conflict(
                e,
                "section_exists",
                "Раздел с таким кодом уже есть",
                "A section with this code exists",
            )
        })?;
    caught_up(&state).await;
    Ok((StatusCode::CREATED, Json(section_view(&state, &saved))))
}

/// Change a section's line, name or position (admins).
#[utoipa::path(put, path = "/api/v1/kb/sections/{code}", tag = "knowledge base", security(("staff" = [])),
    params(("code" = String, Path)), request_body = SectionRequest,
    responses((status = 200, body = SectionView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_section(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(code): Path<String>,
    ApiJson(r): ApiJson<SectionRequest>,
) -> Result<Json<SectionView>, ApiError> {
    staff.require_admin()?;
    let current = state.store.kb_section(&code).await?;
    if r.code.as_deref().is_some_and(|c| c.trim() != code) {
        return Err(ApiError::field(
            "code",
            "immutable",
            "Код раздела не меняется",
            "A section's code cannot change",
        ));
    }
    let section = section_from(&state, &code, &r, r.position.unwrap_or(current.position))?;
    let saved = state
        .store
        .kb_save_section(
            &section,
            KbAction::UpdateSection,
            &staff.actor(),
            state.clock.now(),
        )
        .await?;
    caught_up(&state).await;
    Ok(Json(section_view(&state, &saved)))
}

/// Delete an empty section (admins).
#[utoipa::path(delete, path = "/api/v1/kb/sections/{code}", tag = "knowledge base", security(("staff" = [])),
    params(("code" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete_section(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(code): Path<String>,
) -> Result<StatusCode, ApiError> {
    staff.require_admin()?;
    state
        .store
        .kb_delete_section(&code, &staff.actor(), state.clock.now())
        .await
        .map_err(|e| {
            conflict(
                e,
                "section_not_empty",
                "В разделе есть статьи: перенесите или удалите их",
                "The section still has articles: move or delete them first",
            )
        })?;
    caught_up(&state).await;
    Ok(StatusCode::NO_CONTENT)
}
