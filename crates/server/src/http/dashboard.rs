//! The supervisor dashboard's data: queues per line and topic with their
//! longest wait, deadlines at risk and breached, every operator's state and
//! load, the supervisor's alerts. Supervisors and admins only, each within
//! their scope (`core::access`): a supervisor sees the lines they oversee,
//! their tickets and the operators who work on them; an admin, everything.
//! The charts' figures (`chart_figures`) come from the store's aggregates and
//! are drawn by `http::charts` (`GET /api/v1/dashboard/charts/{kind}`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use switchboard_core::access;
use switchboard_domain::i18n::Locale;
use switchboard_store::{AssigneeFilter, SlaFilter, TicketFilter};
use utoipa::ToSchema;

use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::alerts::AlertView;
use crate::http::charts::{self, Chart};
use crate::http::views::{Coded, StaffTicketView, coded};
use crate::state::AppState;
use crate::web::i18n::PageLocale;

/// How many tickets each deadline list shows.
const ATTENTION_LIMIT: u32 = 50;
/// How many of the longest-waiting tickets it shows.
const WAITING_LIMIT: u32 = 20;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueView {
    pub line: Coded,
    pub topic: Coded,
    /// Unassigned new or queued tickets.
    pub waiting: u32,
    /// Of them, live conversations (chat, messengers).
    pub live: u32,
    /// Seconds since the oldest of them was opened.
    pub longest_wait_secs: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OperatorStateView {
    pub id: i64,
    pub name: String,
    /// `operator`, `supervisor` or `admin`.
    pub role: String,
    /// `online`, `away` or `offline`.
    pub status: String,
    pub capacity: u32,
    /// Live conversations held now.
    pub live_load: u32,
    /// Open tickets of any channel assigned now.
    pub assigned: u32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DashboardView {
    pub generated_at: String,
    pub queues: Vec<QueueView>,
    /// At risk, not yet breached (most urgent first, at most 50).
    pub at_risk: Vec<StaffTicketView>,
    /// Breached and still open (at most 50).
    pub breached: Vec<StaffTicketView>,
    /// Unassigned tickets waiting longest (at most 20), to hand out.
    pub waiting: Vec<StaffTicketView>,
    pub operators: Vec<OperatorStateView>,
    /// This supervisor's alerts, newest first (at most 20).
    pub alerts: Vec<AlertView>,
}

/// The figures a supervisor watches, as of now.
pub async fn figures(state: &AppState, staff: &StaffAuth) -> Result<DashboardView, ApiError> {
    let now = state.clock.now();
    let catalog = &state.catalog();
    let me = &staff.0;
    let scope = access::ticket_scope(catalog, me);
    let queues = state
        .store
        .queue_figures()
        .await?
        .into_iter()
        .filter(|q| access::oversees(catalog, me, &q.line))
        .map(|q| {
            let line = catalog.line(&q.line);
            QueueView {
                topic: coded(
                    &q.topic,
                    line.and_then(|l| l.topic(&q.topic)).map(|t| &t.name),
                ),
                line: coded(&q.line, line.map(|l| &l.name)),
                waiting: q.waiting,
                live: q.live,
                longest_wait_secs: now.duration_since(q.oldest).as_secs().max(0),
            }
        })
        .collect();
    let list = |sla: SlaFilter| {
        let store = state.store.clone();
        let scope = scope.clone();
        async move {
            store
                .list_tickets(&TicketFilter {
                    sla: Some(sla),
                    limit: ATTENTION_LIMIT,
                    scope,
                    ..TicketFilter::default()
                })
                .await
        }
    };
    let view = |tickets: Vec<switchboard_domain::ticket::Ticket>| -> Vec<StaffTicketView> {
        tickets
            .iter()
            .map(|t| StaffTicketView::new(catalog, t, None).with_sla(&state.rules(), t, now))
            .collect()
    };
    let at_risk = view(list(SlaFilter::AtRisk { now }).await?);
    let breached = view(list(SlaFilter::Breached { now }).await?);
    let waiting = view(
        state
            .store
            .list_tickets(&TicketFilter {
                assignee: Some(AssigneeFilter::Unassigned),
                waiting: true,
                oldest_first: true,
                limit: WAITING_LIMIT,
                scope,
                ..TicketFilter::default()
            })
            .await?,
    );
    let visible: Vec<_> = state
        .store
        .operators()
        .await?
        .into_iter()
        .filter(|o| access::oversees_operator(catalog, me, o))
        .map(|o| o.id)
        .collect();
    let operators = state
        .store
        .operator_states(now)
        .await?
        .into_iter()
        .filter(|o| visible.contains(&o.id))
        .map(|o| OperatorStateView {
            id: o.id.0,
            name: o.name,
            role: o.role.as_str().into(),
            status: o.status.as_str().into(),
            capacity: o.capacity,
            live_load: o.live_load,
            assigned: o.assigned,
        })
        .collect();
    let alerts = state
        .store
        .staff_alerts(staff.0.id, 20)
        .await?
        .into_iter()
        .map(AlertView::from)
        .collect();
    Ok(DashboardView {
        generated_at: now.to_string(),
        queues,
        at_risk,
        breached,
        waiting,
        operators,
        alerts,
    })
}

/// The live dashboard's figures.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "staff", security(("staff" = [])), responses(
    (status = 200, body = DashboardView), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn dashboard(
    State(state): State<AppState>,
    staff: StaffAuth,
) -> Result<Json<DashboardView>, ApiError> {
    staff.require_supervisor()?;
    Ok(Json(figures(&state, &staff).await?))
}

/// A chart's figures as of now, with lines and channels named in `locale`.
pub async fn chart_figures(
    state: &AppState,
    chart: Chart,
    locale: Locale,
) -> Result<charts::Figures, ApiError> {
    let now = state.clock.now();
    let since = chart.since(now);
    let store = state.store.as_ref();
    Ok(match chart {
        Chart::FirstResponse => {
            charts::first_response(&store.first_responses(since).await?, locale)
        }
        Chart::Sla => {
            let catalog = state.catalog();
            let name = |code: &str| {
                catalog
                    .line(code)
                    .map_or_else(|| code.to_owned(), |l| l.name.get(locale).to_owned())
            };
            charts::sla(&store.sla_by_line(since).await?, now, name)
        }
        Chart::Volume => {
            let w = crate::web::staff::text::words(locale);
            charts::volume(&store.volume_by_channel(since).await?, now, |c| {
                w.label(c).to_owned()
            })
        }
    })
}

/// A dashboard chart as an SVG image (`first-response`, `sla` or `volume`),
/// its words in the language of `?lang=` (Russian by default).
#[utoipa::path(get, path = "/api/v1/dashboard/charts/{kind}", tag = "staff", security(("staff" = [])),
    params(("kind" = String, Path, description = "first-response, sla or volume"), ("lang" = Option<String>, Query)),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn chart(
    State(state): State<AppState>,
    staff: StaffAuth,
    lang: PageLocale,
    Path(kind): Path<String>,
) -> Result<Response, ApiError> {
    staff.require_supervisor()?;
    let chart = Chart::parse(&kind).ok_or_else(ApiError::not_found)?;
    let figures = chart_figures(&state, chart, lang.locale).await?;
    let svg = charts::draw(chart.title(lang.locale), &figures)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("drawing a chart: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
        ],
        svg,
    )
        .into_response())
}
