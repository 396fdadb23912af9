//! Loading calendars from TOML (`profiles/demo/calendars.toml` shows the format).
//!
//! Holiday sets (a country's production calendar) are declared once and shared
//! by every calendar that names them; lines pick their calendar in `[lines]`.
//! Everything is checked when loading: unknown keys, bad or overlapping periods,
//! unknown time zones, sets and calendars are errors, never a silent default.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::SignedDuration;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::{Calendar, CalendarError, DaySchedule};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    /// The calendar used for lines not listed in `lines`.
    default: String,
    #[serde(default)]
    lines: BTreeMap<String, String>,
    #[serde(default, rename = "holiday_set")]
    holiday_sets: Vec<HolidaySetToml>,
    #[serde(rename = "calendar")]
    calendars: Vec<CalendarToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidaySetToml {
    code: String,
    /// Dates with no working time.
    #[serde(default)]
    holidays: Vec<toml::value::Datetime>,
    /// Pre-holiday days, shorter by `shortened_by_minutes`.
    #[serde(default)]
    shortened: Vec<toml::value::Datetime>,
    #[serde(default = "sixty")]
    shortened_by_minutes: u32,
    /// Weekend days made working days by a transfer: they follow `like`'s hours.
    #[serde(default)]
    working: Vec<WorkingDayToml>,
}

fn sixty() -> u32 {
    60
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkingDayToml {
    date: toml::value::Datetime,
    like: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarToml {
    code: String,
    time_zone: String,
    #[serde(default)]
    always_open: bool,
    /// Holiday set codes.
    #[serde(default)]
    holidays: Vec<String>,
    /// What "one business day" means in SLA targets, e.g. "9h".
    #[serde(default)]
    business_day: Option<String>,
    #[serde(default)]
    hours: HoursToml,
}

/// Working periods per weekday. `mon_fri` and `every_day` are shorthands; a
/// named day's own entry replaces what a shorthand gave it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HoursToml {
    every_day: Option<Vec<String>>,
    mon_fri: Option<Vec<String>>,
    mon: Option<Vec<String>>,
    tue: Option<Vec<String>>,
    wed: Option<Vec<String>>,
    thu: Option<Vec<String>>,
    fri: Option<Vec<String>>,
    sat: Option<Vec<String>>,
    sun: Option<Vec<String>>,
}

/// Every calendar of a profile by code, and which one each line works by.
#[derive(Debug, Clone)]
pub struct Calendars {
    by_code: BTreeMap<String, Arc<Calendar>>,
    lines: BTreeMap<String, Arc<Calendar>>,
    default: Arc<Calendar>,
}

impl Calendars {
    pub fn from_toml(source: &str) -> Result<Self, CalendarError> {
        let file: FileToml =
            toml::from_str(source).map_err(|e| CalendarError::Syntax(e.to_string()))?;
        let bad = |m: String| CalendarError::Invalid(m);
        let mut sets = BTreeMap::new();
        for set in &file.holiday_sets {
            if sets.insert(set.code.as_str(), set).is_some() {
                return Err(bad(format!("holiday set {:?} is defined twice", set.code)));
            }
        }
        let mut by_code = BTreeMap::new();
        for c in &file.calendars {
            let cal = build(c, &sets)?;
            if by_code.insert(c.code.clone(), Arc::new(cal)).is_some() {
                return Err(bad(format!("calendar {:?} is defined twice", c.code)));
            }
        }
        let find = |code: &str, what: &str| {
            by_code
                .get(code)
                .cloned()
                .ok_or_else(|| bad(format!("{what} names unknown calendar {code:?}")))
        };
        let default = find(&file.default, "default")?;
        let mut lines = BTreeMap::new();
        for (line, code) in &file.lines {
            lines.insert(line.clone(), find(code, &format!("line {line:?}"))?);
        }
        Ok(Calendars {
            by_code,
            lines,
            default,
        })
    }

    pub fn get(&self, code: &str) -> Option<&Arc<Calendar>> {
        self.by_code.get(code)
    }

    /// The calendar a line works by (the default one for lines not listed).
    pub fn for_line(&self, line: &str) -> &Arc<Calendar> {
        self.lines.get(line).unwrap_or(&self.default)
    }

    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.by_code.keys().map(String::as_str)
    }
}

fn build(
    c: &CalendarToml,
    sets: &BTreeMap<&str, &HolidaySetToml>,
) -> Result<Calendar, CalendarError> {
    let at = |m: String| CalendarError::Invalid(format!("calendar {:?}: {m}", c.code));
    let time_zone = TimeZone::get(&c.time_zone)
        .map_err(|e| at(format!("unknown time zone {:?}: {e}", c.time_zone)))?;
    let week = week(&c.hours, c.always_open).map_err(|e| at(e.to_string()))?;
    let mut overrides = BTreeMap::new();
    for code in &c.holidays {
        let set = sets
            .get(code.as_str())
            .ok_or_else(|| at(format!("unknown holiday set {code:?}")))?;
        for d in &set.holidays {
            overrides.insert(date(d).map_err(&at)?, DaySchedule::closed());
        }
        let by = set.shortened_by_minutes.saturating_mul(60);
        for d in &set.shortened {
            let d = date(d).map_err(&at)?;
            let normal = &week[super::weekday_index(d.weekday())];
            overrides.insert(d, normal.shortened(by));
        }
        for w in &set.working {
            let like = weekday(&w.like).ok_or_else(|| at(format!("unknown day {:?}", w.like)))?;
            let d = date(&w.date).map_err(&at)?;
            overrides.insert(d, week[super::weekday_index(like)].clone());
        }
    }
    let cal = if c.always_open && overrides.is_empty() {
        Calendar::always(&c.code, time_zone)
    } else {
        Calendar::new(&c.code, time_zone, week, overrides)?
    };
    match &c.business_day {
        None => Ok(cal),
        Some(s) => cal.with_business_day(parse_duration(s).map_err(&at)?),
    }
}

fn week(h: &HoursToml, always_open: bool) -> Result<[DaySchedule; 7], CalendarError> {
    if always_open {
        let any = [&h.every_day, &h.mon_fri, &h.mon, &h.sat, &h.sun]
            .iter()
            .any(|x| x.is_some());
        if any {
            return Err(CalendarError::Invalid(
                "an always-open calendar takes no hours".into(),
            ));
        }
        return Ok(std::array::from_fn(|_| DaySchedule::whole_day()));
    }
    let base = |i: usize| {
        h.every_day
            .as_ref()
            .or(h.mon_fri.as_ref().filter(|_| i < 5))
    };
    let own = [&h.mon, &h.tue, &h.wed, &h.thu, &h.fri, &h.sat, &h.sun];
    let mut out: [DaySchedule; 7] = Default::default();
    for (i, day) in own.iter().enumerate() {
        if let Some(periods) = day.as_ref().or(base(i)) {
            out[i] = DaySchedule::parse(periods)?;
        }
    }
    Ok(out)
}

fn date(d: &toml::value::Datetime) -> Result<Date, String> {
    match (d.date, d.time) {
        (Some(_), None) => d
            .to_string()
            .parse()
            .map_err(|e| format!("bad date {d}: {e}")),
        _ => Err(format!("{d} is not a plain date (YYYY-MM-DD)")),
    }
}

fn weekday(s: &str) -> Option<Weekday> {
    use Weekday::*;
    Some(match s {
        "mon" | "monday" => Monday,
        "tue" | "tuesday" => Tuesday,
        "wed" | "wednesday" => Wednesday,
        "thu" | "thursday" => Thursday,
        "fri" | "friday" => Friday,
        "sat" | "saturday" => Saturday,
        "sun" | "sunday" => Sunday,
        _ => return None,
    })
}

/// Durations as written in profile files: `"10m"`, `"2h"`, `"1h 30m"`, `"10d"`
/// (a day is 24 hours here; business days are a separate unit in SLA targets).
pub fn parse_duration(s: &str) -> Result<SignedDuration, String> {
    let mut total = SignedDuration::ZERO;
    let mut any = false;
    for part in s.split_whitespace() {
        let split = part
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(|| format!("{s:?}: {part:?} has no unit (m, h, d)"))?;
        let (n, unit) = part.split_at(split);
        let n: i64 = n
            .parse()
            .map_err(|_| format!("{s:?}: bad number in {part:?}"))?;
        let secs = match unit {
            "s" => 1,
            "m" | "min" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return Err(format!("{s:?}: unknown unit {unit:?} (s, m, h, d)")),
        };
        let add = n
            .checked_mul(secs)
            .filter(|v| *v <= 10 * 365 * 86_400)
            .ok_or_else(|| format!("{s:?} is longer than ten years"))?;
        total += SignedDuration::from_secs(add);
        any = true;
    }
    if !any || total.is_zero() {
        return Err(format!("{s:?} is not a positive duration such as \"2h\""));
    }
    Ok(total)
}
