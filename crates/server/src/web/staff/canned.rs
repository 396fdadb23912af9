//! `GET /staff/canned`: canned replies — shared ones (supervisors edit them)
//! and the operator's own. `assets/js/staff-canned.js` adds and removes them
//! through `/api/v1/canned`.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use switchboard_store::CannedReply;

use crate::state::AppState;
use crate::web::staff::session::StaffSignedIn;
use crate::web::staff::text::{Words, words};
use crate::web::{Page, PageCtx, render};

#[derive(Template)]
#[template(path = "staff/canned.html")]
struct CannedPage<'a> {
    page: &'a Page,
    w: &'static Words,
    supervisor: bool,
    replies: &'a [CannedReply],
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, me: StaffSignedIn) -> Response {
    let replies = match state.store.canned_replies(me.operator.id).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "reading canned replies");
            let t = crate::web::i18n::common(ctx.locale());
            return (StatusCode::INTERNAL_SERVER_ERROR, t.error_text).into_response();
        }
    };
    let w = words(ctx.locale());
    let page = me.page(&ctx, w.canned);
    render(
        &page,
        StatusCode::OK,
        &CannedPage {
            page: &page,
            w,
            supervisor: me.is_supervisor(),
            replies: &replies,
        },
    )
}
