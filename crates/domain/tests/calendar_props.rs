//! Properties of business-time arithmetic (issue 4): monotonic, deadlines land
//! in working time, addition is associative, and `business_between` inverts
//! `add_business`. Run over the demo calendars (Moscow office, a split-shift
//! Yekaterinburg office with holidays, 24/7) and a split-shift Berlin calendar,
//! whose DST changes exercise 23- and 25-hour days.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use switchboard_domain::calendar::{Calendar, Calendars, DaySchedule};

const CALENDARS: &str = include_str!("../../../profiles/demo/calendars.toml");

fn berlin() -> Calendar {
    let split = DaySchedule::parse(&[
        "01:30-02:30".into(),
        "09:00-13:00".into(),
        "14:00-18:00".into(),
    ])
    .unwrap();
    let mut week: [DaySchedule; 7] = Default::default();
    for d in week.iter_mut().take(5) {
        *d = split.clone();
    }
    // Both DST switch nights (last Sundays of March and October) fall inside
    // Sunday's periods: 02:00–03:00 does not exist in spring and repeats in autumn.
    week[6] = DaySchedule::parse(&["01:30-02:30".into(), "02:45-24:00".into()]).unwrap();
    let mut overrides = BTreeMap::new();
    overrides.insert(date(2026, 12, 25), DaySchedule::closed());
    Calendar::new(
        "berlin",
        TimeZone::get("Europe/Berlin").unwrap(),
        week,
        overrides,
    )
    .unwrap()
}

fn calendars() -> Vec<Arc<Calendar>> {
    let demo = Calendars::from_toml(CALENDARS).unwrap();
    let mut v: Vec<Arc<Calendar>> = [
        "moscow_office",
        "ekb_back_office",
        "bank_business",
        "always",
    ]
    .iter()
    .map(|c| demo.get(c).unwrap().clone())
    .collect();
    v.push(Arc::new(berlin()));
    v
}

fn any_calendar() -> impl Strategy<Value = Arc<Calendar>> {
    proptest::sample::select(calendars())
}

/// Instants from late 2025 to early 2028, to the nanosecond.
fn any_instant() -> impl Strategy<Value = Timestamp> {
    (1_760_000_000i64..1_830_000_000, 0i32..1_000_000_000)
        .prop_map(|(s, n)| Timestamp::new(s, n).unwrap())
}

/// Up to about 30 business days of 9 hours.
fn any_work() -> impl Strategy<Value = SignedDuration> {
    (0i64..1_000_000, 0i32..1_000_000_000).prop_map(|(s, n)| SignedDuration::new(s, n))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn more_work_never_gives_an_earlier_deadline(cal in any_calendar(), from in any_instant(), a in any_work(), b in any_work()) {
        let (small, big) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(cal.add_business(from, small) <= cal.add_business(from, big));
        prop_assert!(cal.add_business(from, small) >= from);
    }

    #[test]
    fn a_deadline_is_in_working_time_or_at_the_end_of_it(cal in any_calendar(), from in any_instant(), work in any_work()) {
        prop_assume!(work.is_positive());
        let due = cal.add_business(from, work);
        let just_before = due - SignedDuration::from_nanos(1);
        prop_assert!(cal.is_working(just_before), "{} + {work:?} = {due}, not in working time", from);
    }

    #[test]
    fn adding_a_then_b_is_adding_a_plus_b(cal in any_calendar(), from in any_instant(), a in any_work(), b in any_work()) {
        let stepwise = cal.add_business(cal.add_business(from, a), b);
        prop_assert_eq!(stepwise, cal.add_business(from, a + b));
    }

    #[test]
    fn between_inverts_add(cal in any_calendar(), from in any_instant(), work in any_work()) {
        let due = cal.add_business(from, work);
        prop_assert_eq!(cal.business_between(from, due), work);
        prop_assert_eq!(cal.business_between(due, from), -work);
    }

    #[test]
    fn next_working_start_is_working_and_nothing_before_it_is(cal in any_calendar(), at in any_instant()) {
        let start = cal.next_working_start(at).unwrap();
        prop_assert!(start >= at);
        prop_assert!(cal.is_working(start));
        prop_assert_eq!(cal.business_between(at, start), SignedDuration::ZERO);
        if cal.is_working(at) {
            prop_assert_eq!(start, at);
        }
    }
}
