//! Reports for supervisors: keeping the per-ticket facts in step with the
//! logs, and reading a period in the viewer's time zone.
//!
//! [`Core::refresh_reports`] recomputes the facts of every ticket whose audit
//! or message log grew (the store's triggers mark them in the same
//! transaction), with the domain's `report::ticket_facts` and the ticket's
//! line calendar for business time. The server runs it every second and once
//! more before answering a report, so a report always agrees with the logs,
//! however late a ticket changed (a reopen, a late reply, a rating).
//!
//! Calls (the phone adapter) add their own facts and report here.

use std::sync::Arc;
use std::time::Duration;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use switchboard_domain::ids::TicketId;
use switchboard_domain::intake::FieldError;
use switchboard_domain::report::ticket_facts;
use switchboard_store::ReportPeriod;

use crate::Core;
use crate::error::{CoreError, CoreResult};

/// Dirty tickets recomputed per round trip.
const BATCH: u32 = 500;

/// The longest period a report covers.
const MAX_DAYS: i64 = 400;

/// A report's period and how it is viewed.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportQuery {
    pub period: ReportPeriod,
    pub from: Date,
    /// The last day included.
    pub to: Date,
    pub zone: TimeZone,
    /// Durations in the working time of each ticket's line, not on the wall clock.
    pub business: bool,
}

fn invalid(field: &'static str, code: &'static str, ru: &str, en: &str) -> FieldError {
    FieldError::new(field, code, ru, en)
}

impl ReportQuery {
    /// `from` and `to` are days (`YYYY-MM-DD`, both included) in the time
    /// zone `tz` (IANA name; UTC when absent); `time` is `calendar` (the
    /// default) or `business`. Every problem is reported at once.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        tz: Option<&str>,
        time: Option<&str>,
        today: Timestamp,
    ) -> CoreResult<ReportQuery> {
        let mut errors = Vec::new();
        let zone = match tz.filter(|s| !s.is_empty()) {
            None => TimeZone::UTC,
            Some(name) => TimeZone::get(name).unwrap_or_else(|_| {
                errors.push(invalid(
                    "tz",
                    "unknown_time_zone",
                    "Неизвестный часовой пояс (нужно имя IANA, например Europe/Moscow)",
                    "Unknown time zone (an IANA name such as Europe/Moscow)",
                ));
                TimeZone::UTC
            }),
        };
        let today = today.to_zoned(zone.clone()).date();
        let mut day = |field: &'static str, raw: Option<&str>, default: Date| match raw {
            None | Some("") => Some(default),
            Some(s) => s.parse::<Date>().ok().or_else(|| {
                errors.push(invalid(
                    field,
                    "invalid_date",
                    "Дата должна быть в виде ГГГГ-ММ-ДД",
                    "The date must look like YYYY-MM-DD",
                ));
                None
            }),
        };
        let to_day = day("to", to, today);
        let from_day = day(
            "from",
            from,
            to_day.unwrap_or(today).saturating_sub(29.days()),
        );
        let business = match time {
            None | Some("") | Some("calendar") => false,
            Some("business") => true,
            Some(_) => {
                errors.push(invalid(
                    "time",
                    "invalid_time_basis",
                    "Время считается по календарю (calendar) или рабочее (business)",
                    "Time is either calendar or business",
                ));
                false
            }
        };
        let (Some(from_day), Some(to_day)) = (from_day, to_day) else {
            return Err(CoreError::Invalid(errors));
        };
        if from_day > to_day {
            errors.push(invalid(
                "from",
                "period_reversed",
                "Начало периода позже его конца",
                "The period starts after it ends",
            ));
        } else if (to_day - from_day).get_days() >= MAX_DAYS as i32 {
            errors.push(invalid(
                "to",
                "period_too_long",
                "Период длиннее 400 дней",
                "The period is longer than 400 days",
            ));
        }
        if !errors.is_empty() {
            return Err(CoreError::Invalid(errors));
        }
        let start = |d: Date| {
            d.to_zoned(zone.clone())
                .map(|z| z.timestamp())
                .map_err(|e| CoreError::Internal(anyhow::anyhow!("report period: {e}")))
        };
        let after = to_day
            .tomorrow()
            .map_err(|e| CoreError::Internal(anyhow::anyhow!("report period: {e}")))?;
        Ok(ReportQuery {
            period: ReportPeriod {
                from: start(from_day)?,
                to: start(after)?,
            },
            from: from_day,
            to: to_day,
            zone,
            business,
        })
    }
}

impl Core {
    /// Recomputes the facts of every ticket marked dirty; returns how many.
    pub async fn refresh_reports(&self) -> CoreResult<usize> {
        let mut done = 0;
        loop {
            let marks = self.store.dirty_tickets(BATCH).await.map_err(store_error)?;
            if marks.is_empty() {
                return Ok(done);
            }
            let ids: Vec<TicketId> = marks.iter().map(|m| m.ticket).collect();
            let inputs = self.store.fact_inputs(&ids).await.map_err(store_error)?;
            let facts: Vec<_> = inputs
                .iter()
                .map(|i| {
                    let rules = self.rules();
                    let calendar = rules.calendars.for_line(&i.head.line);
                    ticket_facts(&i.head, &i.events, &i.messages, calendar)
                })
                .collect();
            self.store
                .save_facts(&facts, &marks)
                .await
                .map_err(store_error)?;
            done += marks.len();
            if marks.len() < BATCH as usize {
                return Ok(done);
            }
        }
    }

    /// Keeps the facts fresh until `stop` turns true.
    pub async fn run_report_rollup(
        self: Arc<Self>,
        every: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        loop {
            if let Err(e) = self.refresh_reports().await {
                tracing::warn!(error = %e, "report facts not refreshed");
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.changed() => return,
            }
        }
    }
}

fn store_error(e: switchboard_store::StoreError) -> CoreError {
    CoreError::Internal(anyhow::Error::new(e).context("report facts"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-12-04T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_period_is_whole_days_in_the_viewers_zone() {
        let q = ReportQuery::parse(
            Some("2026-11-01"),
            Some("2026-11-30"),
            Some("Europe/Moscow"),
            Some("business"),
            now(),
        )
        .unwrap();
        assert_eq!(q.period.from, "2026-10-31T21:00:00Z".parse().unwrap());
        assert_eq!(q.period.to, "2026-11-30T21:00:00Z".parse().unwrap());
        assert!(q.business);
    }

    #[test]
    fn the_default_is_the_last_thirty_days_in_utc() {
        let q = ReportQuery::parse(None, None, None, None, now()).unwrap();
        assert_eq!(q.period.from, "2026-11-05T00:00:00Z".parse().unwrap());
        assert_eq!(q.period.to, "2026-12-05T00:00:00Z".parse().unwrap());
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let Err(CoreError::Invalid(errors)) = ReportQuery::parse(
            Some("2026-13-01"),
            Some("yesterday"),
            Some("Mars/Olympus"),
            Some("lunar"),
            now(),
        ) else {
            panic!("accepted");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["tz", "to", "from", "time"]);
        let Err(CoreError::Invalid(errors)) =
            ReportQuery::parse(Some("2026-12-01"), Some("2026-11-01"), None, None, now())
        else {
            panic!("accepted");
        };
        assert_eq!(errors[0].code, "period_reversed");
    }
}
