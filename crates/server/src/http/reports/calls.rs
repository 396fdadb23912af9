//! The calls report (issue 11's calls in issue 14's reports): per line, how
//! many calls were answered within the target, how many callers gave up,
//! and whether callback tasks were done by their deadline. Read straight
//! from the calls and callbacks tables, which carry the columns it sums.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use jiff::SignedDuration;
use serde::Serialize;
use switchboard_store::{CallStats, CallbackStats};
use utoipa::ToSchema;

use super::views::{PeriodView, rate};
use super::{Params, ReportParams, answer, prepare};
use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

const DEFAULT_TARGET_SECS: u32 = 20;

/// One line's calls and callbacks (or all lines: `line` is "all").
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct CallRow {
    pub line: String,
    pub calls: u64,
    /// Sent to operators' phones.
    pub connected: u64,
    pub answered: u64,
    pub answered_in_target: u64,
    /// Answered in target out of the calls sent to operators (0..1).
    pub service_level: Option<f64>,
    pub missed: u64,
    /// Callers who hung up before anyone answered.
    pub abandoned: u64,
    /// Abandoned out of the calls sent to operators (0..1).
    pub abandoned_rate: Option<f64>,
    pub rejected: u64,
    pub off_hours: u64,
    /// Not ended yet.
    pub open: u64,
    pub callbacks: u64,
    pub callbacks_done: u64,
    pub callbacks_done_in_time: u64,
    /// Done by the deadline out of all created (0..1).
    pub callbacks_in_time_rate: Option<f64>,
    /// Not done and past the deadline now.
    pub callbacks_overdue: u64,
}

impl CallRow {
    fn add(&mut self, c: &CallStats) {
        self.calls += c.calls;
        self.connected += c.connected;
        self.answered += c.answered;
        self.answered_in_target += c.answered_in_target;
        self.missed += c.missed;
        self.abandoned += c.abandoned;
        self.rejected += c.rejected;
        self.off_hours += c.off_hours;
        self.open += c.open;
    }

    fn add_callbacks(&mut self, c: &CallbackStats) {
        self.callbacks += c.created;
        self.callbacks_done += c.done;
        self.callbacks_done_in_time += c.done_in_time;
        self.callbacks_overdue += c.overdue;
    }

    fn finish(mut self) -> Self {
        self.service_level = rate(self.answered_in_target, self.connected);
        self.abandoned_rate = rate(self.abandoned, self.connected);
        self.callbacks_in_time_rate = rate(self.callbacks_done_in_time, self.callbacks);
        self
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallsReport {
    pub period: PeriodView,
    pub answer_target_secs: u32,
    pub overall: CallRow,
    pub lines: Vec<CallRow>,
}

/// Builds the report from the per-line sums.
pub fn calls_report(
    period: PeriodView,
    answer_target_secs: u32,
    calls: &[CallStats],
    callbacks: &[CallbackStats],
) -> CallsReport {
    let mut overall = CallRow {
        line: "all".into(),
        ..CallRow::default()
    };
    let mut lines: BTreeMap<&str, CallRow> = BTreeMap::new();
    for c in calls {
        overall.add(c);
        lines
            .entry(c.line.as_str())
            .or_insert_with(|| CallRow {
                line: c.line.clone(),
                ..CallRow::default()
            })
            .add(c);
    }
    for c in callbacks {
        overall.add_callbacks(c);
        lines
            .entry(c.line.as_str())
            .or_insert_with(|| CallRow {
                line: c.line.clone(),
                ..CallRow::default()
            })
            .add_callbacks(c);
    }
    CallsReport {
        period,
        answer_target_secs,
        overall: overall.finish(),
        lines: lines.into_values().map(CallRow::finish).collect(),
    }
}

/// Calls per line: answered within the target, abandoned, callbacks done in time.
#[utoipa::path(get, path = "/api/v1/reports/calls", tag = "reports", security(("staff" = [])), params(ReportParams),
    responses((status = 200, body = CallsReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn calls(
    State(state): State<AppState>,
    staff: StaffAuth,
    params: Params,
) -> Result<Response, ApiError> {
    let p = prepare(&state, &staff, params).await?;
    // In range: `prepare` refused anything else.
    let target = p.answer_target_secs.unwrap_or(DEFAULT_TARGET_SECS);
    let period = p.query.period;
    let calls = state
        .store
        .call_stats(
            period.from,
            period.to,
            SignedDuration::from_secs(i64::from(target)),
        )
        .await?;
    let callbacks = state
        .store
        .callback_stats(period.from, period.to, state.clock.now())
        .await?;
    let report = calls_report(PeriodView::of(&p.query), target, &calls, &callbacks);
    answer("calls", report, p.csv)
}
