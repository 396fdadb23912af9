//! The supervisor dashboard page: queues, deadlines at risk and breached
//! (with reassignment), operators' state and load, alerts, and the three
//! charts drawn on the server (`http::charts`, as SVG images, each with its
//! figures in words beside it). `assets/js/staff-dashboard.js` re-fetches the
//! figures (`/staff/dashboard/figures`, a server-rendered fragment) every
//! few seconds and reassigns through the JSON API.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::auth::StaffAuth;
use crate::http::charts::{Chart, zone};
use crate::http::dashboard::{DashboardView, chart_figures, figures};
use crate::http::views::StaffTicketView;
use crate::state::AppState;
use crate::web::staff::rows::span;
use crate::web::staff::session::StaffSignedIn;
use crate::web::staff::text::{Words, words};
use crate::web::{Area, Page, PageCtx, render};

/// The figures as the page shows them.
pub struct Figures {
    pub view: DashboardView,
    /// Queues in the page's language: line, topic, waiting, longest wait.
    pub queues: Vec<QueueLine>,
    /// (id, name) of active staff, for reassignment.
    pub staff: Vec<(i64, String)>,
    pub alerts: Vec<AlertLine>,
}

/// An alert as the page lists it: its kind's code, the ticket, when (Moscow time).
pub struct AlertLine {
    pub kind: String,
    pub ticket: Option<String>,
    pub at: String,
}

pub struct QueueLine {
    pub code: String,
    pub line: String,
    pub topic: String,
    pub waiting: u32,
    pub longest: String,
}

impl Figures {
    /// The two deadline lists with their element id and heading.
    pub fn attention(
        &self,
        w: &'static Words,
    ) -> [(&'static str, &'static str, &[StaffTicketView]); 3] {
        [
            ("breached", w.breached, &self.view.breached),
            ("at-risk", w.at_risk, &self.view.at_risk),
            ("waiting", w.waiting_longest, &self.view.waiting),
        ]
    }
}

/// A chart as the page shows it: the image's address, its title and its
/// figures in words.
pub struct ChartView {
    pub src: String,
    pub title: &'static str,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage<'a> {
    page: &'a Page,
    w: &'static Words,
    f: &'a Figures,
    charts: Vec<ChartView>,
}

#[derive(Template)]
#[template(path = "staff/figures.html")]
struct FiguresFragment<'a> {
    w: &'static Words,
    f: &'a Figures,
}

async fn load(state: &AppState, me: &StaffSignedIn, ctx: &PageCtx) -> Result<Figures, Response> {
    let auth = StaffAuth(me.operator.clone());
    let view = figures(state, &auth).await.map_err(|e| {
        tracing::error!(error = %e, "reading the dashboard's figures");
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            crate::web::i18n::common(ctx.locale()).error_text,
        )
            .into_response()
    })?;
    let en = ctx.locale() == switchboard_domain::i18n::Locale::En;
    let pick = |n: &crate::http::views::Names| if en { n.en.clone() } else { n.ru.clone() };
    let queues = view
        .queues
        .iter()
        .map(|q| QueueLine {
            code: format!("{}/{}", q.line.code, q.topic.code),
            line: pick(&q.line.name),
            topic: pick(&q.topic.name),
            waiting: q.waiting,
            longest: span(
                jiff::SignedDuration::from_secs(q.longest_wait_secs),
                ctx.locale(),
            ),
        })
        .collect();
    let staff = view
        .operators
        .iter()
        .map(|o| (o.id, o.name.clone()))
        .collect();
    let alerts = view
        .alerts
        .iter()
        .map(|a| AlertLine {
            kind: a.kind.clone(),
            ticket: a.ticket.clone(),
            at: a
                .created_at
                .parse::<jiff::Timestamp>()
                .map(|t| t.to_zoned(zone()).strftime("%d.%m %H:%M").to_string())
                .unwrap_or_default(),
        })
        .collect();
    Ok(Figures {
        view,
        queues,
        staff,
        alerts,
    })
}

fn forbidden(ctx: &PageCtx) -> Response {
    crate::web::not_found(ctx, Area::Staff)
}

/// `GET /staff/dashboard` (supervisors and admins).
pub async fn page(State(state): State<AppState>, ctx: PageCtx, me: StaffSignedIn) -> Response {
    if !me.is_supervisor() {
        return forbidden(&ctx);
    }
    let f = match load(&state, &me, &ctx).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let mut charts = Vec::new();
    for chart in Chart::ALL {
        match chart_figures(&state, chart, ctx.locale()).await {
            Ok(figures) => charts.push(ChartView {
                src: format!(
                    "/api/v1/dashboard/charts/{}?lang={}",
                    chart.code(),
                    ctx.locale().as_str()
                ),
                title: chart.title(ctx.locale()),
                summary: figures.summary(),
            }),
            Err(e) => tracing::error!(error = %e, "reading a chart's figures"),
        }
    }
    let w = words(ctx.locale());
    let page = me.page(&ctx, w.dashboard);
    render(
        &page,
        StatusCode::OK,
        &DashboardPage {
            page: &page,
            w,
            f: &f,
            charts,
        },
    )
}

/// `GET /staff/dashboard/figures`: the figures alone, for the live refresh.
pub async fn figures_fragment(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StaffSignedIn,
) -> Response {
    if !me.is_supervisor() {
        return forbidden(&ctx);
    }
    let f = match load(&state, &me, &ctx).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    match (FiguresFragment {
        w: words(ctx.locale()),
        f: &f,
    })
    .render()
    {
        Ok(html) => (
            [
                (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (axum::http::header::CACHE_CONTROL, "no-store"),
            ],
            html,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering the dashboard's figures");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
