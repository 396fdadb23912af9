//! Business calendars: when a line, a team or an operator works.
//!
//! A [`Calendar`] is a time zone, a week of working periods (several a day, so
//! split shifts such as 09:00–13:00 and 14:00–18:00 work), and dated overrides:
//! public holidays (no working time), shortened pre-holiday days and weekend
//! days that were made working days by a transfer decree. A 24/7 calendar is
//! the same type with every instant working.
//!
//! All arithmetic walks the calendar's working intervals as absolute instants,
//! converted from local time once per period, so daylight-saving shifts are
//! handled by jiff and never by hand. Invariants the rest of the system relies
//! on (checked by property tests in `tests/calendar_props.rs`):
//! - `add_business` is monotonic in its duration;
//! - for a positive duration the result is inside a working period or at its end;
//! - `add_business(add_business(t, a), b) == add_business(t, a + b)`;
//! - `business_between(t, add_business(t, d)) == d`.
//!
//! Periods never cross midnight: a night shift 22:00–06:00 is written as
//! 22:00–24:00 on one day and 00:00–06:00 on the next.

mod config;

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

pub use config::{Calendars, parse_duration};

const DAY_SECS: u32 = 86_400;

/// A walk over working time gives up after this many consecutive days without
/// any (a calendar whose holidays cover ten years is treated as never working).
const HORIZON_DAYS: u32 = 3_700;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("calendars are not valid TOML: {0}")]
    Syntax(String),
    #[error("calendar: {0}")]
    Invalid(String),
}

/// One working period within a local day, in seconds since local midnight.
/// `start < end <= 24:00` always holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    start: u32,
    end: u32,
}

impl Period {
    pub fn new(start_secs: u32, end_secs: u32) -> Result<Self, CalendarError> {
        if end_secs > DAY_SECS {
            return Err(CalendarError::Invalid(format!(
                "period end {} is past 24:00",
                hhmm(end_secs)
            )));
        }
        if start_secs >= end_secs {
            return Err(CalendarError::Invalid(format!(
                "period {}-{} does not end after it starts",
                hhmm(start_secs),
                hhmm(end_secs)
            )));
        }
        Ok(Period {
            start: start_secs,
            end: end_secs,
        })
    }

    /// Parses `"09:00-13:00"`; `24:00` is allowed as an end.
    pub fn parse(s: &str) -> Result<Self, CalendarError> {
        let bad = || CalendarError::Invalid(format!("period {s:?} is not HH:MM-HH:MM"));
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let clock = |t: &str| -> Option<u32> {
            let (h, m) = t.trim().split_once(':')?;
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 3600 + m * 60)
        };
        Period::new(clock(a).ok_or_else(bad)?, clock(b).ok_or_else(bad)?)
    }

    pub fn start_secs(self) -> u32 {
        self.start
    }

    pub fn end_secs(self) -> u32 {
        self.end
    }

    pub fn len(self) -> SignedDuration {
        SignedDuration::from_secs(i64::from(self.end - self.start))
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", hhmm(self.start), hhmm(self.end))
    }
}

fn hhmm(secs: u32) -> String {
    format!("{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// The working periods of one day: sorted, non-overlapping; touching periods
/// are merged so that an interval walk never yields two adjacent pieces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DaySchedule(Vec<Period>);

impl DaySchedule {
    pub fn new(mut periods: Vec<Period>) -> Result<Self, CalendarError> {
        periods.sort();
        let mut merged: Vec<Period> = Vec::with_capacity(periods.len());
        for p in periods {
            match merged.last_mut() {
                Some(last) if p.start < last.end => {
                    return Err(CalendarError::Invalid(format!(
                        "periods {last} and {p} overlap"
                    )));
                }
                Some(last) if p.start == last.end => last.end = p.end,
                _ => merged.push(p),
            }
        }
        Ok(DaySchedule(merged))
    }

    pub fn parse(periods: &[String]) -> Result<Self, CalendarError> {
        DaySchedule::new(
            periods
                .iter()
                .map(|p| Period::parse(p))
                .collect::<Result<_, _>>()?,
        )
    }

    pub fn closed() -> Self {
        DaySchedule(Vec::new())
    }

    pub fn whole_day() -> Self {
        DaySchedule(vec![Period {
            start: 0,
            end: DAY_SECS,
        }])
    }

    pub fn periods(&self) -> &[Period] {
        &self.0
    }

    pub fn working_time(&self) -> SignedDuration {
        self.0.iter().map(|p| p.len()).sum()
    }

    /// The same day ending `secs` earlier (a pre-holiday day is one hour shorter):
    /// time is cut from the last periods backwards.
    pub fn shortened(&self, secs: u32) -> Self {
        let mut left = secs;
        let mut out = self.0.clone();
        while left > 0 {
            let Some(last) = out.last_mut() else { break };
            let len = last.end - last.start;
            if len > left {
                last.end -= left;
                left = 0;
            } else {
                left -= len;
                out.pop();
            }
        }
        DaySchedule(out)
    }
}

/// A business calendar. Build one with [`Calendar::new`], [`Calendar::always`]
/// or load several from TOML with [`Calendars::from_toml`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    code: String,
    time_zone: TimeZone,
    /// Indexed by `Weekday::to_monday_zero_offset()`.
    week: [DaySchedule; 7],
    /// Dated exceptions: holidays (closed), shortened days, transferred working days.
    overrides: BTreeMap<Date, DaySchedule>,
    /// Every instant is working time (a 24/7 line): arithmetic is plain addition.
    always: bool,
    /// How much working time "one business day" means in SLA targets.
    business_day: SignedDuration,
}

impl Calendar {
    /// A calendar with a weekly schedule and dated overrides. The week must have
    /// some working time, or every deadline on it would be "never".
    pub fn new(
        code: &str,
        time_zone: TimeZone,
        week: [DaySchedule; 7],
        overrides: BTreeMap<Date, DaySchedule>,
    ) -> Result<Self, CalendarError> {
        let longest = week
            .iter()
            .map(DaySchedule::working_time)
            .max()
            .unwrap_or_default();
        if longest.is_zero() {
            return Err(CalendarError::Invalid(format!(
                "calendar {code:?} has no working period in the week"
            )));
        }
        let always = week.iter().all(|d| *d == DaySchedule::whole_day()) && overrides.is_empty();
        Ok(Calendar {
            code: code.to_owned(),
            time_zone,
            week,
            overrides,
            always,
            business_day: longest,
        })
    }

    /// Open around the clock every day of the year.
    pub fn always(code: &str, time_zone: TimeZone) -> Self {
        Calendar {
            code: code.to_owned(),
            time_zone,
            week: std::array::from_fn(|_| DaySchedule::whole_day()),
            overrides: BTreeMap::new(),
            always: true,
            business_day: SignedDuration::from_hours(24),
        }
    }

    /// Sets what "one business day" counts as (the longest weekday by default).
    pub fn with_business_day(mut self, day: SignedDuration) -> Result<Self, CalendarError> {
        if !day.is_positive() {
            return Err(CalendarError::Invalid(format!(
                "calendar {:?}: a business day must be longer than zero",
                self.code
            )));
        }
        self.business_day = day;
        Ok(self)
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.time_zone
    }

    pub fn is_always_open(&self) -> bool {
        self.always
    }

    pub fn business_day(&self) -> SignedDuration {
        self.business_day
    }

    /// The working periods of a local date, overrides first.
    pub fn schedule_on(&self, date: Date) -> &DaySchedule {
        self.overrides
            .get(&date)
            .unwrap_or(&self.week[weekday_index(date.weekday())])
    }

    /// Working intervals `[start, end)` in time order, the first clipped to begin
    /// no earlier than `from`. Ends after [`HORIZON_DAYS`] days without work.
    pub fn intervals_from(&self, from: Timestamp) -> WorkingIntervals<'_> {
        WorkingIntervals {
            cal: self,
            date: Some(self.time_zone.to_datetime(from).date()),
            index: 0,
            last_end: from,
            idle_days: 0,
        }
    }

    /// `from` plus `work` of working time. Zero or negative `work` gives `from`;
    /// a calendar that never works again gives `Timestamp::MAX` ("never due").
    pub fn add_business(&self, from: Timestamp, work: SignedDuration) -> Timestamp {
        if !work.is_positive() {
            return from;
        }
        if self.always {
            return from.checked_add(work).unwrap_or(Timestamp::MAX);
        }
        let mut left = work;
        for (start, end) in self.intervals_from(from) {
            let len = end.duration_since(start);
            if left <= len {
                return start.checked_add(left).unwrap_or(Timestamp::MAX);
            }
            left -= len;
        }
        Timestamp::MAX
    }

    /// Working time in `[a, b)`; negative when `b` is before `a`.
    pub fn business_between(&self, a: Timestamp, b: Timestamp) -> SignedDuration {
        if b < a {
            return -self.business_between(b, a);
        }
        if self.always {
            return b.duration_since(a);
        }
        let mut total = SignedDuration::ZERO;
        for (start, end) in self.intervals_from(a) {
            if start >= b {
                break;
            }
            total += end.min(b).duration_since(start);
        }
        total
    }

    pub fn is_working(&self, at: Timestamp) -> bool {
        self.always || self.intervals_from(at).next().is_some_and(|(s, _)| s == at)
    }

    /// The earliest working instant at or after `at` (`at` itself while working);
    /// what a line outside its hours tells the customer. `None`: never again.
    pub fn next_working_start(&self, at: Timestamp) -> Option<Timestamp> {
        if self.always {
            return Some(at);
        }
        self.intervals_from(at).next().map(|(s, _)| s)
    }

    /// When `is_working` next changes after `at`: the end of the current working
    /// interval, or the start of the next one. Operator shifts are driven by it.
    pub fn next_change(&self, at: Timestamp) -> Option<Timestamp> {
        if self.always {
            return None;
        }
        self.intervals_from(at)
            .next()
            .map(|(s, e)| if s <= at { e } else { s })
    }

    /// The working interval of `date`'s `period` as instants. A local time that
    /// falls in a DST gap moves forward, one in a fold takes the earlier instant.
    fn instants(&self, date: Date, p: Period) -> Option<(Timestamp, Timestamp)> {
        let at = |secs: u32| -> Option<Timestamp> {
            let dt = if secs == DAY_SECS {
                date.tomorrow().ok()?.to_datetime(Time::midnight())
            } else {
                let t = Time::new(
                    (secs / 3600) as i8,
                    (secs % 3600 / 60) as i8,
                    (secs % 60) as i8,
                    0,
                )
                .ok()?;
                DateTime::from_parts(date, t)
            };
            self.time_zone.to_ambiguous_timestamp(dt).compatible().ok()
        };
        Some((at(p.start)?, at(p.end)?))
    }
}

fn weekday_index(w: Weekday) -> usize {
    w.to_monday_zero_offset() as usize
}

/// See [`Calendar::intervals_from`]. Intervals are strictly increasing and
/// never overlap, even across DST folds (each start is clipped to the previous end).
#[derive(Debug, Clone)]
pub struct WorkingIntervals<'a> {
    cal: &'a Calendar,
    date: Option<Date>,
    index: usize,
    last_end: Timestamp,
    idle_days: u32,
}

impl Iterator for WorkingIntervals<'_> {
    type Item = (Timestamp, Timestamp);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let date = self.date?;
            let periods = self.cal.schedule_on(date).periods();
            if let Some(&p) = periods.get(self.index) {
                self.index += 1;
                let Some((start, end)) = self.cal.instants(date, p) else {
                    self.date = None;
                    return None;
                };
                let start = start.max(self.last_end);
                if end <= start {
                    continue;
                }
                self.last_end = end;
                self.idle_days = 0;
                return Some((start, end));
            }
            self.index = 0;
            self.idle_days += 1;
            self.date = if self.idle_days > HORIZON_DAYS {
                None
            } else {
                date.tomorrow().ok()
            };
        }
    }
}
