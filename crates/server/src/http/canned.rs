//! Canned replies for the console: shared ones (supervisors manage them) and
//! each operator's personal ones. Listed with an optional search and, for a
//! ticket, filled with its customer's name, order and number.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_domain::ids::TicketNumber;
use switchboard_domain::ticket::Requester;
use switchboard_store::{CannedReply, StoreError};
use utoipa::{IntoParams, ToSchema};

use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::input::ApiJson;
use crate::state::AppState;

const TITLE_MAX: usize = 100;
const BODY_MAX: usize = 4000;

#[derive(Debug, Serialize, ToSchema)]
pub struct CannedView {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// Shared by everyone (else the viewer's own).
    pub shared: bool,
    /// The body with `{name}`, `{order}` and `{ticket}` filled for `ticket`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filled: Option<String>,
}

impl CannedView {
    fn new(c: &CannedReply) -> Self {
        CannedView {
            id: c.id,
            title: c.title.clone(),
            body: c.body.clone(),
            shared: c.owner.is_none(),
            filled: None,
        }
    }
}

/// What a ticket fills into a canned reply.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Fill {
    pub name: String,
    pub order: String,
    pub ticket: String,
}

/// Replaces the placeholders; anything else in braces stays as written.
pub fn fill(body: &str, f: &Fill) -> String {
    body.replace("{name}", &f.name)
        .replace("{order}", &f.order)
        .replace("{ticket}", &f.ticket)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CannedQuery {
    /// Words the title or body contains (case-insensitive).
    pub q: Option<String>,
    /// A ticket number: fill the placeholders for it.
    pub ticket: Option<String>,
}

/// What `number` fills in, if the member of staff may see that ticket.
async fn fill_for(state: &AppState, staff: &StaffAuth, number: &str) -> Result<Fill, ApiError> {
    let n = TicketNumber::parse(number).map_err(|_| ApiError::not_found())?;
    let t = state.core.staff_ticket(&staff.0, n.id()).await?;
    let name = match &t.requester {
        Requester::Customer(c) => state.store.customer(c).await.map(|c| c.name),
        Requester::Contact(c) => state.store.contact(*c).await.map(|c| c.name),
    }
    .unwrap_or_default();
    Ok(Fill {
        name,
        order: t.order_number.map(|o| o.to_string()).unwrap_or_default(),
        ticket: t.number.to_string(),
    })
}

/// Canned replies I may use: shared ones and my own.
#[utoipa::path(get, path = "/api/v1/canned", tag = "tickets", security(("staff" = [])), params(CannedQuery),
    responses((status = 200, body = Vec<CannedView>), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    staff: StaffAuth,
    query: Result<Query<CannedQuery>, QueryRejection>,
) -> Result<Json<Vec<CannedView>>, ApiError> {
    let Query(q) = query.map_err(|e| {
        ApiError::bad_request(
            "invalid_query",
            "Параметры запроса заданы неверно",
            e.body_text(),
        )
    })?;
    let fill_with = match q.ticket.as_deref().filter(|t| !t.is_empty()) {
        Some(n) => Some(fill_for(&state, &staff, n).await?),
        None => None,
    };
    let needle = q.q.unwrap_or_default().trim().to_lowercase();
    Ok(Json(
        state
            .store
            .canned_replies(staff.0.id)
            .await?
            .iter()
            .filter(|c| {
                needle.is_empty()
                    || c.title.to_lowercase().contains(&needle)
                    || c.body.to_lowercase().contains(&needle)
            })
            .map(|c| {
                let mut v = CannedView::new(c);
                v.filled = fill_with.as_ref().map(|f| fill(&c.body, f));
                v
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedRequest {
    pub title: String,
    /// May use `{name}`, `{order}` and `{ticket}`.
    pub body: String,
    /// Shared by everyone (supervisors only); on update it cannot change.
    #[serde(default)]
    pub shared: bool,
}

fn checked(r: &CannedRequest) -> Result<(String, String), ApiError> {
    let title = r.title.trim();
    let body = r.body.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        return Err(ApiError::field(
            "title",
            "invalid",
            "Название — от 1 до 100 символов",
            "The title is 1 to 100 characters",
        ));
    }
    if body.is_empty() || body.chars().count() > BODY_MAX {
        return Err(ApiError::field(
            "body",
            "invalid",
            "Текст — от 1 до 4000 символов",
            "The text is 1 to 4000 characters",
        ));
    }
    Ok((title.to_owned(), body.to_owned()))
}

/// Only its owner changes a personal reply; only supervisors a shared one.
/// Another operator's personal reply does not exist for me.
fn may_edit(staff: &StaffAuth, c: &CannedReply) -> Result<(), ApiError> {
    match c.owner {
        Some(owner) if owner == staff.0.id => Ok(()),
        Some(_) => Err(ApiError::not_found()),
        None => staff.require_supervisor(),
    }
}

/// Add a canned reply (a shared one: supervisors only).
#[utoipa::path(post, path = "/api/v1/canned", tag = "tickets", security(("staff" = [])), request_body = CannedRequest,
    responses((status = 201, body = CannedView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    staff: StaffAuth,
    ApiJson(r): ApiJson<CannedRequest>,
) -> Result<(StatusCode, Json<CannedView>), ApiError> {
    let (title, body) = checked(&r)?;
    let owner = if r.shared {
        staff.require_supervisor()?;
        None
    } else {
        Some(staff.0.id)
    };
    let c = state
        .store
        .create_canned(owner, &title, &body, state.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(CannedView::new(&c))))
}

async fn found(state: &AppState, id: i64) -> Result<CannedReply, ApiError> {
    match state.store.canned_reply(id).await {
        Err(StoreError::NotFound) => Err(ApiError::not_found()),
        other => Ok(other?),
    }
}

/// Change a canned reply's title and text.
#[utoipa::path(put, path = "/api/v1/canned/{id}", tag = "tickets", security(("staff" = [])), params(("id" = i64, Path)),
    request_body = CannedRequest,
    responses((status = 200, body = CannedView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<CannedRequest>,
) -> Result<Json<CannedView>, ApiError> {
    let (title, body) = checked(&r)?;
    may_edit(&staff, &found(&state, id).await?)?;
    let c = state
        .store
        .update_canned(id, &title, &body, state.clock.now())
        .await?;
    Ok(Json(CannedView::new(&c)))
}

/// Remove a canned reply.
#[utoipa::path(delete, path = "/api/v1/canned/{id}", tag = "tickets", security(("staff" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    may_edit(&staff, &found(&state, id).await?)?;
    state.store.delete_canned(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_the_rest_kept() {
        let f = Fill {
            name: "Анна".into(),
            order: "MP-10001".into(),
            ticket: "SB-000007".into(),
        };
        assert_eq!(
            fill("{name}, заказ {order} ({ticket}); {other}", &f),
            "Анна, заказ MP-10001 (SB-000007); {other}"
        );
    }
}
