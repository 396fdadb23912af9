//! The demo calendars (`profiles/demo/calendars.toml`): the Russian production
//! calendar of 2026–2027 as documented in the file, split shifts, per-line
//! calendars, and the load-time validation of calendar files.

use jiff::civil::{Date, Weekday, date};
use jiff::{SignedDuration, Timestamp};
use rstest::rstest;
use switchboard_domain::calendar::{CalendarError, Calendars};

const CALENDARS: &str = include_str!("../../../profiles/demo/calendars.toml");

fn demo() -> Calendars {
    Calendars::from_toml(CALENDARS).unwrap_or_else(|e| panic!("demo calendars.toml: {e}"))
}

fn at(zone: &str, d: Date, h: i8, m: i8) -> Timestamp {
    d.at(h, m, 0, 0).in_tz(zone).unwrap().timestamp()
}

fn msk(d: Date, h: i8, m: i8) -> Timestamp {
    at("Europe/Moscow", d, h, m)
}

/// Each transfer the file's notes describe falls on the weekday they say.
#[rstest]
#[case(date(2026, 1, 3), Weekday::Saturday)]
#[case(date(2026, 1, 9), Weekday::Friday)]
#[case(date(2026, 1, 4), Weekday::Sunday)]
#[case(date(2026, 12, 31), Weekday::Thursday)]
#[case(date(2026, 3, 8), Weekday::Sunday)]
#[case(date(2026, 3, 9), Weekday::Monday)]
#[case(date(2026, 5, 9), Weekday::Saturday)]
#[case(date(2026, 5, 11), Weekday::Monday)]
#[case(date(2027, 5, 1), Weekday::Saturday)]
#[case(date(2027, 5, 3), Weekday::Monday)]
#[case(date(2027, 5, 9), Weekday::Sunday)]
#[case(date(2027, 5, 10), Weekday::Monday)]
#[case(date(2027, 6, 12), Weekday::Saturday)]
#[case(date(2027, 6, 14), Weekday::Monday)]
fn transfers_fall_on_the_documented_weekdays(#[case] d: Date, #[case] w: Weekday) {
    assert_eq!(d.weekday(), w);
}

#[rstest]
#[case(date(2026, 1, 5))]
#[case(date(2026, 1, 9))]
#[case(date(2026, 2, 23))]
#[case(date(2026, 3, 9))]
#[case(date(2026, 5, 1))]
#[case(date(2026, 5, 11))]
#[case(date(2026, 6, 12))]
#[case(date(2026, 11, 4))]
#[case(date(2026, 12, 31))]
#[case(date(2027, 1, 8))]
#[case(date(2027, 2, 23))]
#[case(date(2027, 3, 8))]
#[case(date(2027, 5, 3))]
#[case(date(2027, 5, 10))]
#[case(date(2027, 6, 14))]
#[case(date(2027, 11, 4))]
fn russian_holidays_are_closed_in_the_moscow_office(#[case] d: Date) {
    let cal = demo().get("moscow_office").unwrap().clone();
    assert!(d.weekday().to_monday_one_offset() <= 5, "{d} is a weekday");
    assert!(!cal.is_working(msk(d, 12, 0)), "{d} should be a holiday");
}

#[rstest]
#[case(date(2026, 1, 12), 9)]
#[case(date(2026, 4, 30), 8)]
#[case(date(2026, 11, 3), 8)]
#[case(date(2027, 2, 22), 8)]
#[case(date(2027, 12, 31), 8)]
#[case(date(2027, 1, 11), 9)]
fn working_and_shortened_days(#[case] d: Date, #[case] hours: i64) {
    let cal = demo().get("moscow_office").unwrap().clone();
    let worked = cal.business_between(msk(d, 0, 0), msk(d.tomorrow().unwrap(), 0, 0));
    assert_eq!(worked, SignedDuration::from_hours(hours), "{d}");
}

#[test]
fn new_year_holidays_push_a_complex_deadline_past_them() {
    let cal = demo().get("moscow_office").unwrap().clone();
    // Tuesday 30 December 2026, 15:00: 3 business days (27 h) = 3 h on the 30th,
    // then 31 Dec – 10 Jan closed (the weekend follows the holidays),
    // 9 h on 11 and 12 Jan, 6 h on the 13th.
    let due = cal.add_business(msk(date(2026, 12, 30), 15, 0), cal.business_day() * 3);
    assert_eq!(due, msk(date(2027, 1, 13), 15, 0));
}

#[test]
fn split_shift_skips_lunch_in_yekaterinburg_time() {
    let cal = demo().get("ekb_back_office").unwrap().clone();
    let d = date(2026, 11, 24);
    let ekb = |h, m| at("Asia/Yekaterinburg", d, h, m);
    assert!(!cal.is_working(ekb(12, 30)));
    assert_eq!(cal.next_working_start(ekb(12, 30)), Some(ekb(13, 0)));
    // 11:30 + 1 h of work = 30 min before lunch + 30 min after = 13:30.
    assert_eq!(
        cal.add_business(ekb(11, 30), SignedDuration::from_hours(1)),
        ekb(13, 30)
    );
    // Friday 16:00 + 2 h: 1 h on Friday, 1 h on the short Saturday from 10:00.
    let fri = date(2026, 11, 27);
    let due = cal.add_business(
        at("Asia/Yekaterinburg", fri, 16, 0),
        SignedDuration::from_hours(2),
    );
    assert_eq!(due, at("Asia/Yekaterinburg", date(2026, 11, 28), 11, 0));
}

#[test]
fn lines_use_their_own_calendars() {
    let c = demo();
    assert_eq!(c.for_line("travel").code(), "always");
    assert_eq!(c.for_line("bank_business").code(), "bank_business");
    assert_eq!(c.for_line("marketplace").code(), "moscow_office");
    let always = c.for_line("travel");
    assert!(always.is_always_open());
    let t = msk(date(2027, 1, 1), 3, 0);
    assert_eq!(
        always.add_business(t, SignedDuration::from_mins(10)),
        t + SignedDuration::from_mins(10)
    );
    let bank = c.for_line("bank_business");
    assert!(bank.is_working(msk(date(2026, 11, 24), 19, 30)));
    assert!(
        !c.for_line("marketplace")
            .is_working(msk(date(2026, 11, 24), 19, 30))
    );
}

fn invalid(src: &str) -> String {
    match Calendars::from_toml(src) {
        Err(CalendarError::Invalid(m)) => m,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

const HEAD: &str = "default = \"x\"\n[[calendar]]\ncode = \"x\"\ntime_zone = \"Europe/Moscow\"\n";

#[rstest]
#[case("hours = { mon = [\"09:00-13:00\", \"12:00-18:00\"] }", "overlap")]
#[case("hours = { mon = [\"18:00-09:00\"] }", "does not end after it starts")]
#[case("hours = { mon = [\"09:00-25:00\"] }", "HH:MM-HH:MM")]
#[case("hours = { mon = [\"9-18\"] }", "HH:MM-HH:MM")]
#[case("hours = {}", "no working period")]
#[case(
    "holidays = [\"nope\"]\nhours = { mon_fri = [\"09:00-18:00\"] }",
    "unknown holiday set"
)]
#[case(
    "business_day = \"0h\"\nhours = { mon_fri = [\"09:00-18:00\"] }",
    "positive duration"
)]
fn bad_calendars_are_rejected(#[case] body: &str, #[case] says: &str) {
    let m = invalid(&format!("{HEAD}{body}\n"));
    assert!(m.contains(says), "{m:?} should say {says:?}");
}

#[test]
fn unknown_zone_calendar_and_keys_are_rejected() {
    let zone = HEAD.replace("Europe/Moscow", "Mars/Olympus") + "always_open = true\n";
    assert!(invalid(&zone).contains("unknown time zone"));
    let missing = HEAD.replace("default = \"x\"", "default = \"y\"") + "always_open = true\n";
    assert!(invalid(&missing).contains("unknown calendar"));
    let typo = format!("{HEAD}alway_open = true\n");
    assert!(matches!(
        Calendars::from_toml(&typo),
        Err(CalendarError::Syntax(_))
    ));
}
