//! "Contact us": `/account/contact`. The page is rendered with everything the
//! form needs embedded as JSON (the lines and topics this customer may
//! choose, their problems, the customer's orders with item names and dates,
//! the file limits and the words), so it is usable without another round
//! trip; `js/contact.js` wires the choices and sends the form to
//! `POST /api/v1/customer/tickets` as multipart, with upload progress.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use switchboard_domain::i18n::Locale;

use crate::state::AppState;
use crate::web::customer::session::SignedIn;
use crate::web::customer::text::{ContactText, contact_text};
use crate::web::{Page, PageCtx, json_for_script, render};

#[derive(Serialize)]
struct ProblemData {
    code: String,
    name: String,
}

#[derive(Serialize)]
struct TopicData {
    code: String,
    name: String,
    problems: Vec<ProblemData>,
    order: bool,
    urgent: bool,
}

#[derive(Serialize)]
struct LineData {
    code: String,
    name: String,
    topics: Vec<TopicData>,
}

#[derive(Serialize)]
struct OrderData {
    number: String,
    title: String,
    placed_at: String,
    status: String,
}

#[derive(Serialize)]
struct FormData {
    lines: Vec<LineData>,
    orders: Vec<OrderData>,
    max_files: usize,
    max_file_bytes: usize,
    has_phone: bool,
    words: &'static ContactText,
}

#[derive(askama::Template)]
#[template(path = "customer/contact.html")]
struct ContactPage<'a> {
    page: &'a Page,
    w: &'static ContactText,
    data: String,
    has_phone: bool,
    help_suffix: &'static str,
}

/// `GET /account/contact`.
pub async fn page(State(state): State<AppState>, ctx: PageCtx, me: SignedIn) -> Response {
    let locale = ctx.locale();
    let w = contact_text(locale);
    let orders = match state.store.customer_orders(&me.customer.id).await {
        Ok(orders) => orders,
        Err(e) => {
            tracing::error!(error = %e, "reading a customer's orders");
            Vec::new()
        }
    };
    let mut orders: Vec<OrderData> = orders
        .iter()
        .map(|o| OrderData {
            number: o.number.to_string(),
            title: o.title.clone(),
            placed_at: o.placed_at.to_string(),
            status: o.status.clone(),
        })
        .collect();
    orders.sort_by(|a, b| b.placed_at.cmp(&a.placed_at));
    let data = FormData {
        lines: lines(&state, &me, locale),
        orders,
        max_files: state.core.attachments.max_files,
        max_file_bytes: state.core.attachments.max_file_bytes,
        has_phone: me.customer.phone.is_some(),
        words: w,
    };
    let page = me.page(&ctx, w.title);
    render(
        &page,
        StatusCode::OK,
        &ContactPage {
            page: &page,
            w,
            data: json_for_script(&data),
            has_phone: data.has_phone,
            help_suffix: ctx.lang_suffix(true),
        },
    )
}

fn lines(state: &AppState, me: &SignedIn, locale: Locale) -> Vec<LineData> {
    state
        .catalog()
        .lines
        .iter()
        .filter(|l| l.serves(me.customer.kind))
        .map(|l| LineData {
            code: l.code.clone(),
            name: l.name.get(locale).to_owned(),
            topics: l
                .topics
                .iter()
                .map(|t| TopicData {
                    code: t.code.clone(),
                    name: t.name.get(locale).to_owned(),
                    problems: t
                        .problems
                        .iter()
                        .map(|p| ProblemData {
                            code: p.code.clone(),
                            name: p.name.get(locale).to_owned(),
                        })
                        .collect(),
                    order: t.order_expected,
                    urgent: t.urgent_allowed && !t.always_urgent,
                })
                .collect(),
        })
        .collect()
}
