//! The admin pages' forms over the configuration documents: add a topic to
//! a line of the catalog, add a holiday to a holiday set. Each applies to
//! the version the admin saw (`base_version`) and is saved as a new version
//! of the document, checked by the same loaders as any edit — so it is
//! refused (409) if someone saved meanwhile, and a topic the catalog's rules
//! refuse (a bad code, an empty name) is a 422 that changes nothing.

use axum::Json;
use axum::extract::{Path, State};
use jiff::civil::Date;
use serde::Deserialize;
use switchboard_core::configuration::ConfigDoc;
use switchboard_core::configuration::edit::ConfigEdit;
use switchboard_core::configuration::forms::{self, FormError, NewTopic};
use switchboard_core::configuration::priority_form;
use switchboard_core::configuration::sla_form::{self, PolicyTargets};
use switchboard_domain::i18n::Text;
use utoipa::ToSchema;

use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::config_admin::ConfigVersionView;
use crate::http::input::ApiJson;
use crate::security::client::ClientAddress;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemRequest {
    pub code: String,
    #[schema(value_type = Object)]
    pub name: Text,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicFormRequest {
    /// The catalog's version the form was filled from (409 if it moved on).
    pub base_version: i64,
    #[serde(default)]
    pub comment: String,
    /// The line's code.
    pub line: String,
    /// Lowercase a-z, 0-9, `_`, `-`; new within the line.
    pub code: String,
    #[schema(value_type = Object)]
    pub name: Text,
    /// The routing skill (empty: the line's code).
    #[serde(default)]
    pub skill: Option<String>,
    /// `standard` or `complex` (empty: standard).
    #[serde(default)]
    pub sla: Option<String>,
    #[serde(default)]
    pub order_expected: bool,
    #[serde(default)]
    pub urgent_allowed: bool,
    /// What the contact form offers under the topic, in order.
    #[serde(default)]
    pub problems: Vec<ProblemRequest>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayFormRequest {
    /// The calendars' version the form was filled from (409 if it moved on).
    pub base_version: i64,
    #[serde(default)]
    pub comment: String,
    /// The holiday set's code.
    pub set: String,
    /// `YYYY-MM-DD`.
    pub date: String,
}

fn blank_to_none(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The admin's comment, or what the form did when they wrote none.
fn or_said(comment: String, said: impl FnOnce() -> String) -> String {
    if comment.trim().is_empty() {
        said()
    } else {
        comment
    }
}

fn refused(e: FormError) -> ApiError {
    match e {
        FormError::UnknownLine(_) => {
            ApiError::field("line", "unknown", "Такой линии нет", "No such line")
        }
        FormError::TopicExists { .. } => ApiError::field(
            "code",
            "taken",
            "В этой линии уже есть тема с таким кодом",
            "The line already has a topic with this code",
        ),
        FormError::UnknownHolidaySet(_) => ApiError::field(
            "set",
            "unknown",
            "Такого набора праздников нет",
            "No such holiday set",
        ),
        FormError::UnknownPolicy(_) | FormError::UnknownRule(_) => ApiError::not_found(),
        FormError::HolidayExists { .. } => ApiError::field(
            "date",
            "taken",
            "Этот день уже праздничный",
            "This day is already a holiday",
        ),
        // A hand-written shape the form does not know (an inline list of
        // topics, say): the text editor can still change it.
        FormError::Unreadable(_) => ApiError::field(
            "body",
            "unsupported",
            "Эту часть документа можно изменить только правкой текста",
            "This part of the document can only be changed by editing its text",
        ),
    }
}

/// Applies `change` to the text of the version the admin saw and saves it.
async fn save_from(
    state: &AppState,
    staff: &StaffAuth,
    address: Option<String>,
    doc: ConfigDoc,
    base_version: i64,
    comment: String,
    change: impl FnOnce(&str) -> Result<String, FormError>,
) -> Result<Json<ConfigVersionView>, ApiError> {
    staff.require_admin()?;
    let seen = match state.core.config_version(doc, base_version).await {
        Ok(v) => v,
        Err(switchboard_core::CoreError::NotFound) => {
            return Err(ApiError::field(
                "base_version",
                "unknown",
                "Такой версии нет",
                "No such version",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let body = change(&seen.body).map_err(refused)?;
    let edit = ConfigEdit {
        doc,
        base_version,
        body,
        comment,
    };
    let saved = state.core.edit_config(&staff.0, address, edit).await?;
    Ok(Json(ConfigVersionView::from(&saved)))
}

/// Add a topic, with its problems, last in a line of the catalog (admins).
#[utoipa::path(post, path = "/api/v1/admin/config/catalog/topics", tag = "configuration", security(("staff" = [])),
    request_body = TopicFormRequest,
    responses((status = 200, body = ConfigVersionView), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_topic(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    staff: StaffAuth,
    ApiJson(req): ApiJson<TopicFormRequest>,
) -> Result<Json<ConfigVersionView>, ApiError> {
    staff.require_admin()?;
    let topic = NewTopic {
        line: req.line.trim().to_owned(),
        code: req.code.trim().to_owned(),
        name: req.name,
        skill: blank_to_none(req.skill),
        sla: blank_to_none(req.sla),
        order_expected: req.order_expected,
        urgent_allowed: req.urgent_allowed,
        problems: req
            .problems
            .into_iter()
            .map(|p| (p.code.trim().to_owned(), p.name))
            .collect(),
    };
    let comment = or_said(req.comment, || {
        format!("+ topic {}/{}", topic.line, topic.code)
    });
    save_from(
        &state,
        &staff,
        address.map(|a| a.to_string()),
        ConfigDoc::Catalog,
        req.base_version,
        comment,
        |text| forms::add_topic(text, &topic),
    )
    .await
}

/// Add a day to a holiday set of the calendars (admins).
#[utoipa::path(post, path = "/api/v1/admin/config/calendars/holidays", tag = "configuration", security(("staff" = [])),
    request_body = HolidayFormRequest,
    responses((status = 200, body = ConfigVersionView), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_holiday(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    staff: StaffAuth,
    ApiJson(req): ApiJson<HolidayFormRequest>,
) -> Result<Json<ConfigVersionView>, ApiError> {
    staff.require_admin()?;
    let date: Date = req.date.trim().parse().map_err(|_| {
        ApiError::field(
            "date",
            "invalid",
            "Дата в виде ГГГГ-ММ-ДД",
            "A date as YYYY-MM-DD",
        )
    })?;
    let set = req.set.trim().to_owned();
    save_from(
        &state,
        &staff,
        address.map(|a| a.to_string()),
        ConfigDoc::Calendars,
        req.base_version,
        or_said(req.comment, || format!("+ holiday {set} {date}")),
        |text| forms::add_holiday(text, &set, date),
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyTargetsRequest {
    /// The SLA document's version the form was filled from (409 if it moved on).
    pub base_version: i64,
    #[serde(default)]
    pub comment: String,
    /// "10m", "2h", "1h 30m", "10d", "3bd" (business days); empty or absent:
    /// the policy does not measure this target.
    #[serde(default)]
    pub first_response: Option<String>,
    #[serde(default)]
    pub next_response: Option<String>,
    #[serde(default)]
    pub resolution: Option<String>,
    /// The share of a target after which it is at risk (0–1); absent: the
    /// document's default.
    #[serde(default)]
    pub at_risk: Option<f64>,
}

/// Set one SLA policy's targets (admins).
#[utoipa::path(put, path = "/api/v1/admin/config/sla/policies/{code}", tag = "configuration", security(("staff" = [])),
    params(("code" = String, Path, description = "the policy's code")),
    request_body = PolicyTargetsRequest,
    responses((status = 200, body = ConfigVersionView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_policy_targets(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    staff: StaffAuth,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<PolicyTargetsRequest>,
) -> Result<Json<ConfigVersionView>, ApiError> {
    staff.require_admin()?;
    if req.at_risk.is_some_and(|r| !(r > 0.0 && r < 1.0)) {
        return Err(ApiError::field(
            "at_risk",
            "invalid",
            "Доля — число больше 0 и меньше 1",
            "The share is a number above 0 and below 1",
        ));
    }
    let targets = PolicyTargets {
        code: code.clone(),
        first_response: req.first_response,
        next_response: req.next_response,
        resolution: req.resolution,
        at_risk: req.at_risk,
    };
    save_from(
        &state,
        &staff,
        address.map(|a| a.to_string()),
        ConfigDoc::Sla,
        req.base_version,
        or_said(req.comment, || format!("targets of {code}")),
        |text| sla_form::set_policy_targets(text, &targets),
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulePriorityRequest {
    /// The priority rules' version the form was filled from (409 if it moved on).
    pub base_version: i64,
    #[serde(default)]
    pub comment: String,
    /// low, normal, high or urgent
    pub priority: String,
}

/// Set the priority a rule gives, or with the code `default` the default
/// priority (admins). A rule's conditions are edited in the document's text.
#[utoipa::path(put, path = "/api/v1/admin/config/priority/rules/{code}", tag = "configuration", security(("staff" = [])),
    params(("code" = String, Path, description = "the rule's code, or `default`")),
    request_body = RulePriorityRequest,
    responses((status = 200, body = ConfigVersionView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_rule_priority(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    staff: StaffAuth,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<RulePriorityRequest>,
) -> Result<Json<ConfigVersionView>, ApiError> {
    staff.require_admin()?;
    let priority = req.priority.trim().to_owned();
    let rule = (code != "default").then_some(code.as_str());
    save_from(
        &state,
        &staff,
        address.map(|a| a.to_string()),
        ConfigDoc::Priority,
        req.base_version,
        or_said(req.comment, || format!("{code}: {priority}")),
        |text| priority_form::set_priority(text, rule, &priority),
    )
    .await
}
