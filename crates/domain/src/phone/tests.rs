//! The phone rules on the demo profile: numbers, decisions, a call's life,
//! callbacks.

use jiff::{SignedDuration, Timestamp};
use rstest::rstest;

use super::call::CallEventKind;
use super::*;
use crate::calendar::Calendars;
use crate::catalog::Catalog;
use crate::customer::{Booking, BookingKind, Customer, CustomerFlags, CustomerKind, TravelPackage};
use crate::i18n::Locale;
use crate::ids::{CustomerId, OperatorId, OrderNumber, PhoneNumber};

const CATALOG: &str = include_str!("../../../../profiles/demo/catalog.toml");
const CALENDARS: &str = include_str!("../../../../profiles/demo/calendars.toml");
const PHONE: &str = include_str!("../../../../profiles/demo/phone.toml");

fn setup() -> (PhoneBook, Calendars) {
    let catalog = Catalog::from_toml(CATALOG).unwrap();
    let calendars = Calendars::from_toml(CALENDARS).unwrap();
    let book = PhoneBook::from_toml(PHONE, &catalog, &calendars).unwrap();
    (book, calendars)
}

fn n(s: &str) -> PhoneNumber {
    PhoneNumber::parse(s).unwrap()
}

/// Wednesday 2 December 2026, 12:00 Moscow: the office is open.
fn noon() -> Timestamp {
    "2026-12-02T09:00:00Z".parse().unwrap()
}

fn op(id: i64, skills: &[&str], load: u32, on_call: bool) -> Candidate {
    Candidate {
        operator: OperatorId(id),
        login: format!("op{id}"),
        skills: skills.iter().map(|s| s.to_string()).collect(),
        capacity: 3,
        chat_load: load,
        on_call,
    }
}

fn traveller(bookings: Vec<Booking>, corporate: bool) -> Customer {
    Customer {
        id: CustomerId::parse("traveller-1").unwrap(),
        kind: CustomerKind::Traveller,
        name: "T".into(),
        email: None,
        phone: Some(n("+79160000001")),
        locale: Locale::En,
        flags: CustomerFlags {
            premium_seller: false,
            corporate,
        },
        bookings,
    }
}

fn booking(
    kind: BookingKind,
    package: Option<TravelPackage>,
    in_hours: i64,
    phone: &str,
) -> Booking {
    Booking {
        reference: OrderNumber::parse("TR-1").unwrap(),
        kind,
        package,
        starts_at: noon() + SignedDuration::from_hours(in_hours),
        phone: Some(n(phone)),
    }
}

fn decide_on(
    number: &str,
    caller: &Caller,
    customer: Option<&Customer>,
    operators: &[Candidate],
    at: Timestamp,
) -> Decision {
    let (book, calendars) = setup();
    let config = book.number(&n(number)).unwrap();
    decide(&DecisionFacts {
        number: config,
        caller,
        customer,
        blocked: caller.number().is_some_and(|c| book.is_blocked(c)),
        calendar: calendars.get(&config.calendar).unwrap(),
        operators,
        now: at,
    })
}

#[test]
fn the_demo_profile_has_the_spec_numbers() {
    let (book, _) = setup();
    let lines: Vec<&str> = book.numbers().iter().map(|c| c.line.as_str()).collect();
    assert_eq!(book.numbers().len(), 7);
    for line in [
        "marketplace",
        "crossborder",
        "bank_retail",
        "bank_business",
        "travel",
    ] {
        assert!(lines.contains(&line), "{line}");
    }
    let travel = book.number(&n("+78002500707")).unwrap();
    assert_eq!(travel.eligibility, Eligibility::Travel);
    assert_eq!(book.number(&n("+74952500506")).unwrap().locale, Locale::En);
    assert!(book.is_blocked(&n("+79990000000")));
}

#[rstest]
#[case(
    "[[number]]\ne164 = \"+7800\"\nname = { ru = \"x\" }\nline = \"marketplace\"",
    "phone number"
)]
#[case(
    "[[number]]\ne164 = \"+78001112233\"\nname = { ru = \"x\" }\nline = \"nope\"",
    "unknown line"
)]
#[case(
    "[[number]]\ne164 = \"+78001112233\"\nname = { ru = \"x\" }\nline = \"marketplace\"",
    "no \"off_hours\" announcement"
)]
#[case(
    "[[number]]\ne164 = \"+78001112233\"\nname = { ru = \"x\" }\nline = \"marketplace\"\ncalendar = \"mars\"",
    "unknown calendar"
)]
#[case("ring_limit = \"soon\"", "ring_limit")]
#[case(
    "[[number]]\ne164 = \"+78001112233\"\nname = { ru = \"x\" }\nline = \"marketplace\"\nring_timeout = \"0s\"\n[number.announcements]\noff_hours = { ru = \"a\" }\nnot_eligible = { ru = \"b\" }\nno_operators = { ru = \"c\" }",
    "positive"
)]
fn bad_phone_files_are_refused_with_the_reason(#[case] source: &str, #[case] reason: &str) {
    let catalog = Catalog::from_toml(CATALOG).unwrap();
    let calendars = Calendars::from_toml(CALENDARS).unwrap();
    let e = PhoneBook::from_toml(source, &catalog, &calendars).unwrap_err();
    assert!(e.to_string().contains(reason), "{e}");
}

#[rstest]
#[case(None, None)]
#[case(Some(""), None)]
#[case(Some("anonymous"), None)]
#[case(Some("sip:Anonymous@anonymous.invalid"), None)]
#[case(Some("+7 (916) 123-45-67"), Some("+79161234567"))]
#[case(Some("89161234567"), Some("+79161234567"))]
#[case(Some("sip:+79161234567@10.0.0.1;user=phone"), Some("+79161234567"))]
#[case(Some("tel:+442071234567"), Some("+442071234567"))]
#[case(Some("alice"), None)]
#[case(Some("+12"), None)]
fn caller_ids_are_read_as_numbers_or_not(#[case] raw: Option<&str>, #[case] number: Option<&str>) {
    let caller = Caller::parse(raw);
    assert_eq!(caller.number().map(|n| n.as_str()), number, "{raw:?}");
}

#[test]
fn connect_rings_free_skilled_operators_least_loaded_first() {
    let ops = [
        op(1, &["marketplace"], 2, false),
        op(2, &["marketplace"], 0, false),
        op(3, &["bank_retail"], 0, false),
        op(4, &["marketplace"], 0, true),
        op(5, &["marketplace"], 3, false),
        op(6, &["marketplace.returns"], 1, false),
    ];
    let d = decide_on(
        "+78002500505",
        &Caller::parse(Some("+79161234567")),
        None,
        &ops,
        noon(),
    );
    let Decision::Connect {
        targets,
        ring_timeout_secs,
    } = d
    else {
        panic!("{d:?}")
    };
    let ids: Vec<i64> = targets.iter().map(|t| t.operator.0).collect();
    // 3 lacks the skill, 4 is on a call, 5 is at capacity.
    assert_eq!(ids, [2, 6, 1]);
    assert_eq!(ring_timeout_secs, 20);
}

#[test]
fn at_most_five_operators_ring() {
    let ops: Vec<Candidate> = (1..=9).map(|i| op(i, &["marketplace"], 0, false)).collect();
    let d = decide_on("+78002500505", &Caller::Withheld, None, &ops, noon());
    assert_eq!(d.targets().len(), 5);
}

#[test]
fn closed_lines_announce_the_opening_and_offer_a_callback_to_known_numbers() {
    let saturday: Timestamp = "2026-12-05T09:00:00Z".parse().unwrap();
    let ops = [op(1, &["marketplace"], 0, false)];
    let d = decide_on(
        "+78002500505",
        &Caller::parse(Some("+79161234567")),
        None,
        &ops,
        saturday,
    );
    let Decision::Announce(a) = d else {
        panic!("{d:?}")
    };
    assert_eq!(a.code, "off_hours");
    assert!(a.offer_callback);
    assert_eq!(a.opens_at, Some("2026-12-07T06:00:00Z".parse().unwrap()));
    assert!(a.text.contains("07.12 09:00"), "{}", a.text);
    // Nobody to call back: the announcement only.
    let d = decide_on("+78002500505", &Caller::Withheld, None, &ops, saturday);
    let Decision::Announce(a) = d else {
        panic!("{d:?}")
    };
    assert!(!a.offer_callback);
    // The bank's retail line works around the clock.
    let bank = [op(1, &["bank_retail"], 0, false)];
    let d = decide_on("+78002000900", &Caller::Withheld, None, &bank, saturday);
    assert_eq!(d.action(), "connect");
}

#[rstest]
#[case::hotel(booking(BookingKind::Hotel, None, 24 * 30, "+79160000001"), false, true)]
#[case::priority_package(booking(BookingKind::Flight, Some(TravelPackage::Priority), 24 * 30, "+79160000001"), false, true)]
#[case::all_inclusive(booking(BookingKind::Rail, Some(TravelPackage::AllInclusive), 24 * 30, "+79160000001"), false, true)]
#[case::within_a_day(
    booking(BookingKind::Rail, Some(TravelPackage::Basic), 23, "+79160000001"),
    false,
    true
)]
#[case::corporate(booking(BookingKind::Rail, None, 24 * 30, "+79160000001"), true, true)]
#[case::basic_far_ahead(
    booking(BookingKind::Rail, Some(TravelPackage::Basic), 48, "+79160000001"),
    false,
    false
)]
#[case::another_phone(booking(BookingKind::Hotel, None, 24, "+79160000002"), false, false)]
#[case::already_started(booking(BookingKind::Hotel, None, -1, "+79160000001"), false, false)]
fn travel_eligibility(#[case] b: Booking, #[case] corporate: bool, #[case] eligible: bool) {
    let customer = traveller(vec![b], corporate);
    let ops = [op(1, &["travel"], 0, false)];
    let d = decide_on(
        "+78002500707",
        &Caller::parse(Some("+79160000001")),
        Some(&customer),
        &ops,
        noon(),
    );
    if eligible {
        assert_eq!(d.action(), "connect", "{d:?}");
    } else {
        let Decision::Announce(a) = d else {
            panic!("{d:?}")
        };
        assert_eq!(a.code, "not_eligible");
        // The customer's language.
        assert_eq!(a.locale, Locale::En);
        assert!(a.text.starts_with("Travel phone support"), "{}", a.text);
    }
}

#[test]
fn blocked_callers_are_rejected_before_anything_else() {
    let d = decide_on(
        "+78002500505",
        &Caller::parse(Some("+79990000000")),
        None,
        &[],
        noon(),
    );
    assert_eq!(
        d,
        Decision::Reject {
            reason: "blocked".into()
        }
    );
}

fn offered_call() -> Call {
    let ops = [
        op(1, &["marketplace"], 0, false),
        op(2, &["marketplace"], 0, false),
    ];
    let caller = Caller::parse(Some("+79161234567"));
    Call {
        call_id: "c-1".into(),
        number: n("+78002500505"),
        decision: decide_on("+78002500505", &caller, None, &ops, noon()),
        caller,
        requester: None,
        line: "marketplace".into(),
        state: CallState::Offered,
        outcome: None,
        operator: None,
        ticket: None,
        offered_at: noon(),
        answered_at: None,
        ended_at: None,
        timed_out: false,
        version: 1,
    }
}

fn ev(kind: CallEventKind, operator: Option<i64>) -> CallEvent {
    CallEvent {
        kind,
        operator: operator.map(OperatorId),
    }
}

fn changed(e: Result<EventEffect, CallEventError>) -> Call {
    match e {
        Ok(EventEffect::Changed(c)) => *c,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_call_rings_is_answered_and_ends_answered() {
    let c = offered_call();
    let c = changed(c.apply(&ev(CallEventKind::Ringing, Some(1)), noon()));
    assert_eq!(c.state, CallState::Ringing);
    let at = noon() + SignedDuration::from_secs(7);
    let c = changed(c.apply(&ev(CallEventKind::Answered, Some(2)), at));
    assert_eq!(
        (c.state, c.operator, c.answered_at),
        (CallState::Answered, Some(OperatorId(2)), Some(at))
    );
    assert_eq!(
        c.apply(&ev(CallEventKind::Answered, Some(1)), at),
        Err(CallEventError::AnsweredByAnother)
    );
    assert_eq!(
        c.apply(&ev(CallEventKind::Missed, None), at),
        Ok(EventEffect::Stale)
    );
    let end = at + SignedDuration::from_secs(60);
    let c = changed(c.apply(&ev(CallEventKind::Hangup, None), end));
    assert_eq!(c.outcome, Some(Outcome::Answered));
    assert_eq!(c.talk_time(), Some(SignedDuration::from_secs(60)));
    assert_eq!(
        c.apply(&ev(CallEventKind::Hangup, None), end),
        Ok(EventEffect::Repeat)
    );
    assert_eq!(
        c.apply(&ev(CallEventKind::Answered, Some(2)), end),
        Ok(EventEffect::Repeat)
    );
}

#[rstest]
#[case(CallEventKind::Hangup, Outcome::Abandoned)]
#[case(CallEventKind::Abandoned, Outcome::Abandoned)]
#[case(CallEventKind::Missed, Outcome::Missed)]
fn unanswered_calls_end_with_what_happened(#[case] kind: CallEventKind, #[case] outcome: Outcome) {
    let c = changed(offered_call().apply(&ev(kind, None), noon()));
    assert_eq!(c.outcome, Some(outcome));
    assert!(outcome.wants_callback());
    assert_eq!(c.apply(&ev(kind, None), noon()), Ok(EventEffect::Repeat));
    assert!(matches!(
        c.apply(&ev(CallEventKind::Answered, Some(1)), noon()),
        Err(CallEventError::Ended(_))
    ));
}

#[test]
fn only_the_rung_operators_can_answer() {
    let c = offered_call();
    assert_eq!(
        c.apply(&ev(CallEventKind::Answered, Some(9)), noon()),
        Err(CallEventError::NotATarget)
    );
    assert_eq!(
        c.apply(&ev(CallEventKind::Answered, None), noon()),
        Err(CallEventError::OperatorRequired)
    );
}

#[test]
fn calls_time_out_when_the_pbx_goes_quiet() {
    let (book, _) = setup();
    let c = offered_call();
    let just_before = noon() + book.ring_limit - SignedDuration::from_secs(1);
    assert_eq!(
        c.time_out(book.ring_limit, book.max_duration, just_before),
        None
    );
    let closed = c
        .time_out(book.ring_limit, book.max_duration, noon() + book.ring_limit)
        .unwrap();
    assert_eq!(
        (closed.outcome, closed.timed_out),
        (Some(Outcome::Missed), true)
    );
    let answered = changed(c.apply(&ev(CallEventKind::Answered, Some(1)), noon()));
    assert_eq!(
        answered.time_out(book.ring_limit, book.max_duration, noon() + book.ring_limit),
        None
    );
    let closed = answered
        .time_out(
            book.ring_limit,
            book.max_duration,
            noon() + book.max_duration,
        )
        .unwrap();
    assert_eq!(closed.outcome, Some(Outcome::Answered));
}

#[test]
fn a_callback_is_taken_by_one_operator_and_completed_by_them() {
    let cb = Callback {
        id: 1,
        call_id: "c-1".into(),
        phone: n("+79161234567"),
        number: n("+78002500505"),
        line: "marketplace".into(),
        requester: None,
        status: CallbackStatus::Open,
        operator: None,
        due_at: noon() + SignedDuration::from_hours(2),
        created_at: noon(),
        taken_at: None,
        done_at: None,
        outcome: None,
        note: None,
        calls: 1,
        version: 1,
    };
    let a = OperatorId(1);
    let b = OperatorId(2);
    assert_eq!(
        cb.complete(a, false, CallbackOutcome::Reached, None, noon()),
        Err(CallbackError::NotTaken)
    );
    let taken = cb.take(a, noon()).unwrap().unwrap();
    assert_eq!(taken.take(a, noon()), Ok(None));
    assert_eq!(taken.take(b, noon()), Err(CallbackError::TakenByAnother));
    assert_eq!(
        taken.complete(b, false, CallbackOutcome::Reached, None, noon()),
        Err(CallbackError::TakenByAnother)
    );
    let late = noon() + SignedDuration::from_hours(3);
    let done = taken
        .complete(b, true, CallbackOutcome::NoAnswer, None, late)
        .unwrap();
    assert_eq!(done.status, CallbackStatus::Done);
    assert!(!done.in_time());
    assert_eq!(done.take(a, late), Err(CallbackError::Done));
}
