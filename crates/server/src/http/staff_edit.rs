//! An admin changes a staff account's name, role, skills and capacity
//! (issue 12). Skills are checked against the catalog live now; every node's
//! router takes the change at once (the store announces it).

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use switchboard_domain::intake::FieldError;
use switchboard_store::{OperatorChange, Role, StaffAuditKind};
use utoipa::ToSchema;

use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::admin::check_skills_and_capacity;
use crate::http::input::ApiJson;
use crate::http::staff_admin::{record, target};
use crate::http::views::OperatorView;
use crate::security::client::ClientAddress;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffChange {
    pub name: String,
    /// operator, supervisor or admin
    pub role: String,
    /// Routing skills from the catalog (`GET /api/v1/catalog`, topics' `skill`).
    #[serde(default)]
    pub skills: Vec<String>,
    /// Concurrent live conversations, 1–50.
    pub capacity: u32,
}

fn invalid(field: &'static str, code: &'static str, ru: &str, en: &str) -> FieldError {
    FieldError::new(field, code, ru, en)
}

/// Change a staff account's name, role, skills and capacity (admins).
#[utoipa::path(put, path = "/api/v1/staff/{id}", tag = "staff", security(("staff" = [])),
    params(("id" = i64, Path)), request_body = StaffChange,
    responses((status = 200, body = OperatorView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_staff(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    staff: StaffAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<StaffChange>,
) -> Result<Json<OperatorView>, ApiError> {
    let subject = target(&state, &staff, &id).await?;
    let mut errors = Vec::new();
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(invalid(
            "name",
            "invalid",
            "Имя: от 1 до 200 символов",
            "Name is 1 to 200 characters",
        ));
    }
    let role = Role::parse(&req.role);
    match role {
        None => errors.push(invalid(
            "role",
            "invalid",
            "Роль: operator, supervisor или admin",
            "Role is operator, supervisor or admin",
        )),
        // An admin who demoted themselves could leave nobody to undo it.
        Some(r) if subject.id == staff.0.id && r != Role::Admin => errors.push(invalid(
            "role",
            "own_role",
            "Свою роль администратора снять нельзя",
            "You cannot take away your own admin role",
        )),
        Some(_) => {}
    }
    check_skills_and_capacity(&state, &req.skills, req.capacity, &mut errors);
    let (Some(role), true) = (role, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let mut skills = req.skills;
    skills.sort();
    skills.dedup();
    let change = OperatorChange {
        name: name.to_owned(),
        role,
        skills,
        capacity: req.capacity,
    };
    let updated = state.store.update_operator(subject.id, &change).await?;
    let detail = format!(
        "role={} skills={} capacity={}",
        updated.role.as_str(),
        updated.skills.join(","),
        updated.capacity
    );
    record(
        &state,
        StaffAuditKind::AccountChanged,
        &updated,
        &staff,
        address,
        &detail,
    )
    .await?;
    Ok(Json(OperatorView::from(&updated)))
}
