//! Reports for supervisors: JSON, or CSV with `format=csv`, over any period
//! in the viewer's time zone, on calendar or business time. Each answer
//! first brings the per-ticket facts up to date with the logs.

pub mod calls;
pub mod csv;
pub mod views;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use switchboard_core::reports::ReportQuery;
use switchboard_domain::ids::TicketNumber;
use switchboard_store::{FactGroup, Grouping, Measure};
use utoipa::IntoParams;

use self::csv::Csv;
use self::views::*;
use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// First day (`YYYY-MM-DD`), default 29 days before `to`.
    pub from: Option<String>,
    /// Last day included, default today.
    pub to: Option<String>,
    /// IANA time zone of the days and hours, default UTC.
    pub tz: Option<String>,
    /// `calendar` (default) or `business`.
    pub time: Option<String>,
    /// SLA report only: `line`, `topic`, `channel`, `priority` (default) or `operator`.
    pub group: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
    /// Calls report only: a call answered within this many seconds counts
    /// as answered in target (1–600, default 20).
    pub answer_target_secs: Option<u32>,
}

type Params = Result<Query<ReportParams>, axum::extract::rejection::QueryRejection>;

struct Prepared {
    query: ReportQuery,
    csv: bool,
    group: Option<String>,
    answer_target_secs: Option<u32>,
}

async fn prepare(
    state: &AppState,
    staff: &StaffAuth,
    params: Params,
) -> Result<Prepared, ApiError> {
    staff.require_supervisor()?;
    let Query(p) = params.map_err(|e| {
        ApiError::bad_request(
            "invalid_query",
            "Параметры запроса заданы неверно",
            e.body_text(),
        )
    })?;
    let csv = match p.format.as_deref() {
        None | Some("") | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(ApiError::field(
                "format",
                "invalid",
                "format — json или csv",
                "format is json or csv",
            ));
        }
    };
    // Documented for every report (1–600), used by the calls report: an
    // out-of-range value is refused everywhere rather than ignored.
    if let Some(t) = p.answer_target_secs
        && !(1..=600).contains(&t)
    {
        return Err(ApiError::field(
            "answer_target_secs",
            "out_of_range",
            "answer_target_secs — от 1 до 600 секунд",
            "answer_target_secs is 1 to 600 seconds",
        ));
    }
    let query = ReportQuery::parse(
        p.from.as_deref(),
        p.to.as_deref(),
        p.tz.as_deref(),
        p.time.as_deref(),
        state.clock.now(),
    )?;
    state.core.refresh_reports().await?;
    Ok(Prepared {
        query,
        csv,
        group: p.group,
        answer_target_secs: p.answer_target_secs,
    })
}

fn answer<T: Serialize>(name: &str, report: T, csv: bool) -> Result<Response, ApiError> {
    if csv {
        let value = serde_json::to_value(&report).map_err(|e| ApiError::Internal(e.into()))?;
        Ok(Csv::new(name, csv::flatten(&value)).into_response())
    } else {
        Ok(Json(report).into_response())
    }
}

async fn totals(state: &AppState, q: &ReportQuery) -> Result<FactGroup, ApiError> {
    let groups = state.store.report_groups(q.period, Grouping::All).await?;
    Ok(groups.into_iter().next().unwrap_or_default())
}

/// First-response, next-response and resolution times (median, p90, distribution).
#[utoipa::path(get, path = "/api/v1/reports/responses", tag = "reports", security(("staff" = [])), params(ReportParams),
    responses((status = 200, body = ResponsesReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn responses(
    State(state): State<AppState>,
    staff: StaffAuth,
    params: Params,
) -> Result<Response, ApiError> {
    let p = prepare(&state, &staff, params).await?;
    let q = &p.query;
    let business = q.business;
    let first = state
        .store
        .report_values(q.period, Measure::FirstResponse { business })
        .await?;
    let resolution = state
        .store
        .report_values(q.period, Measure::Resolution { business })
        .await?;
    let all = totals(&state, q).await?;
    let report = ResponsesReport {
        period: PeriodView::of(q),
        first_response: Distribution::of(&first),
        next_response: views::next_response(Some(&all), business),
        resolution: Distribution::of(&resolution),
    };
    answer("responses", report, p.csv)
}

/// SLA compliance per target, overall and per line, topic, channel, priority or operator.
#[utoipa::path(get, path = "/api/v1/reports/sla", tag = "reports", security(("staff" = [])), params(ReportParams),
    responses((status = 200, body = SlaReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn sla(
    State(state): State<AppState>,
    staff: StaffAuth,
    params: Params,
) -> Result<Response, ApiError> {
    let p = prepare(&state, &staff, params).await?;
    let (name, by) = match p.group.as_deref() {
        None | Some("") | Some("priority") => ("priority", Grouping::Priority),
        Some("line") => ("line", Grouping::Line),
        Some("topic") => ("topic", Grouping::Topic),
        Some("channel") => ("channel", Grouping::Channel),
        Some("operator") => ("operator", Grouping::Operator),
        Some(_) => {
            return Err(ApiError::field(
                "group",
                "invalid",
                "group — line, topic, channel, priority или operator",
                "group is line, topic, channel, priority or operator",
            ));
        }
    };
    let all = totals(&state, &p.query).await?;
    let mut groups: Vec<SlaRow> = state
        .store
        .report_groups(p.query.period, by)
        .await?
        .iter()
        .map(SlaRow::of)
        .collect();
    if by == Grouping::Operator {
        let logins: std::collections::HashMap<String, String> = state
            .store
            .operators()
            .await?
            .into_iter()
            .map(|o| (o.id.0.to_string(), o.login.as_str().to_owned()))
            .collect();
        for g in &mut groups {
            if let Some(login) = logins.get(&g.key) {
                g.key = login.clone();
            }
        }
    }
    let report = SlaReport {
        period: PeriodView::of(&p.query),
        group_by: name.to_owned(),
        overall: SlaRow::of(&FactGroup {
            key: "all".into(),
            ..all
        }),
        groups,
    };
    answer("sla", report, p.csv)
}

/// Open tickets now, by status and channel, and how long they have waited.
#[utoipa::path(get, path = "/api/v1/reports/backlog", tag = "reports", security(("staff" = [])), params(ReportParams),
    responses((status = 200, body = BacklogReport), (status = 403, body = Problem)))]
pub async fn backlog(
    State(state): State<AppState>,
    staff: StaffAuth,
    params: Params,
) -> Result<Response, ApiError> {
    let p = prepare(&state, &staff, params).await?;
    let now = state.clock.now();
    let rows = state.store.report_backlog(&age_bounds(now)).await?;
    answer("backlog", views::backlog(now, &rows), p.csv)
}

/// New tickets by channel, hour of the day and day, in the viewer's time zone.
#[utoipa::path(get, path = "/api/v1/reports/volume", tag = "reports", security(("staff" = [])), params(ReportParams),
    responses((status = 200, body = VolumeReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn volume(
    State(state): State<AppState>,
    staff: StaffAuth,
    params: Params,
) -> Result<Response, ApiError> {
    let p = prepare(&state, &staff, params).await?;
    let buckets = state
        .store
        .report_volume(p.query.period, VOLUME_BUCKET_MS)
        .await?;
    answer("volume", views::volume(&p.query, &buckets), p.csv)
}

/// What the bot resolved, what it handed over, and suggestions that helped.
#[utoipa::path(get, path = "/api/v1/reports/bot", tag = "reports", security(("staff" = [])), params(ReportParams),
    responses((status = 200, body = BotReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn bot(
    State(state): State<AppState>,
    staff: StaffAuth,
    params: Params,
) -> Result<Response, ApiError> {
    let p = prepare(&state, &staff, params).await?;
    let all = totals(&state, &p.query).await?;
    let helped = state.store.helped_suggestions(p.query.period).await?;
    answer("bot", views::bot(&p.query, &all, helped), p.csv)
}

/// Transfers between queues and operators, and the reopen rate.
#[utoipa::path(get, path = "/api/v1/reports/transfers", tag = "reports", security(("staff" = [])), params(ReportParams),
    responses((status = 200, body = TransfersReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn transfers(
    State(state): State<AppState>,
    staff: StaffAuth,
    params: Params,
) -> Result<Response, ApiError> {
    let p = prepare(&state, &staff, params).await?;
    let all = totals(&state, &p.query).await?;
    answer("transfers", views::transfers(&p.query, &all), p.csv)
}

/// Pre-trial claims and their 10-day deadlines.
#[utoipa::path(get, path = "/api/v1/reports/claims", tag = "reports", security(("staff" = [])), params(ReportParams),
    responses((status = 200, body = ClaimsReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn claims(
    State(state): State<AppState>,
    staff: StaffAuth,
    params: Params,
) -> Result<Response, ApiError> {
    let p = prepare(&state, &staff, params).await?;
    let all = totals(&state, &p.query).await?;
    answer("claims", views::claims(&p.query, &all), p.csv)
}

/// Customer satisfaction ratings.
#[utoipa::path(get, path = "/api/v1/reports/csat", tag = "reports", security(("staff" = [])), params(ReportParams),
    responses((status = 200, body = CsatReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn csat(
    State(state): State<AppState>,
    staff: StaffAuth,
    params: Params,
) -> Result<Response, ApiError> {
    let p = prepare(&state, &staff, params).await?;
    let all = totals(&state, &p.query).await?;
    answer("csat", views::csat(&p.query, &all), p.csv)
}

/// Every ticket created in the period with its measures, as CSV (one row per ticket).
#[utoipa::path(get, path = "/api/v1/reports/tickets", tag = "reports", security(("staff" = [])), params(ReportParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn tickets(
    State(state): State<AppState>,
    staff: StaffAuth,
    params: Params,
) -> Result<Response, ApiError> {
    let p = prepare(&state, &staff, params).await?;
    let mut out = csv::TicketRows::new(p.query.zone.clone(), p.query.business);
    let mut after = None;
    loop {
        let page = state.store.facts_page(p.query.period, after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = Some((last.created_at, last.ticket));
        for f in &page {
            out.push(TicketNumber::from_id(f.ticket), f);
        }
        if page.len() < 5_000 {
            break;
        }
    }
    Ok(Csv::new("tickets", out.finish()).into_response())
}

/// `Content-Type` and file name for a CSV answer.
pub(crate) fn csv_headers(name: &str) -> [(header::HeaderName, String); 2] {
    [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ),
    ]
}
