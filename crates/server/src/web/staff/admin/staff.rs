//! `/staff/admin/staff`: staff accounts — create, name, role, skills and
//! capacity, deactivate, set a password, reset the second factor, end
//! sessions — through the existing staff API.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use switchboard_store::{Operator, Role};

use super::text::AdminWords;
use super::{admin_only, unavailable};
use crate::state::AppState;
use crate::web::staff::session::StaffSignedIn;
use crate::web::staff::text::{Words, words};
use crate::web::{Page, PageCtx, render};

pub struct StaffRow {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: &'static str,
    pub skills: String,
    pub capacity: u32,
    pub active: bool,
    pub me: bool,
}

impl StaffRow {
    /// Whether the account has this role (the role menu's selection).
    pub fn is(&self, role: &str) -> bool {
        self.role == role
    }

    fn new(o: &Operator, me: &Operator) -> Self {
        StaffRow {
            id: o.id.0,
            login: o.login.as_str().to_owned(),
            name: o.name.clone(),
            role: o.role.as_str(),
            skills: o.skills.join(", "),
            capacity: o.capacity,
            active: o.active,
            me: o.id == me.id,
        }
    }
}

#[derive(Template)]
#[template(path = "staff/admin/staff.html")]
struct StaffPage<'a> {
    page: &'a Page,
    w: &'static Words,
    a: &'static AdminWords,
    rows: Vec<StaffRow>,
    roles: [(&'static str, &'static str); 3],
    skills: Vec<String>,
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, me: StaffSignedIn) -> Response {
    let a = match admin_only(&ctx, &me) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let staff = match state.store.operators().await {
        Ok(s) => s,
        Err(e) => return unavailable(&ctx, e),
    };
    let skills = state.catalog().skills();
    let page = me.page(&ctx, a.staff);
    render(
        &page,
        StatusCode::OK,
        &StaffPage {
            page: &page,
            w: words(ctx.locale()),
            a,
            rows: staff
                .iter()
                .map(|o| StaffRow::new(o, &me.operator))
                .collect(),
            roles: [
                (Role::Operator.as_str(), a.role_operator),
                (Role::Supervisor.as_str(), a.role_supervisor),
                (Role::Admin.as_str(), a.role_admin),
            ],
            skills,
        },
    )
}
