//! The staff's pages: sign-in and sign-out (`session`), canned replies
//! (`canned`), the admin's pages (`admin`), the supervisor dashboard (`dashboard`), and the operator console (`console`, with the open conversation in `conversation` and list
//! rows in `rows`). Their scripts are `assets/js/staff-*.js`; words in
//! `text`.

pub mod admin;
pub mod canned;
pub mod console;
pub mod conversation;
pub mod dashboard;
pub mod rows;
pub mod session;
pub mod text;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff", get(console::console))
        .route("/staff/tickets/{number}", get(console::ticket))
        .route("/staff/pane/{number}", get(console::pane))
        .route("/staff/lists", get(console::lists_fragment))
        .route("/staff/canned", get(canned::page))
        .merge(admin::routes())
        .route("/staff/dashboard", get(dashboard::page))
        .route("/staff/dashboard/figures", get(dashboard::figures_fragment))
        .route(
            "/staff/sign-in",
            get(session::signin_page).post(session::signin),
        )
        .route("/staff/sign-out", post(session::signout))
}
