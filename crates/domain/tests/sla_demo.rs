//! The demo SLA policies (`profiles/demo/sla.toml`): which policy each kind of
//! ticket gets and the deadlines it computes (one table row per policy), and
//! the clock's behaviour: pausing while waiting for the customer, at-risk and
//! breach escalations raised once, reopening, switching policy. Time is always
//! passed in, so nothing here waits.

use std::sync::LazyLock;

use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use rstest::rstest;
use switchboard_domain::calendar::Calendars;
use switchboard_domain::catalog::Catalog;
use switchboard_domain::deadline::{
    AppliedPolicy, EscalationAction, Level, SlaError, SlaFacts, SlaPolicies, SlaState, TargetKind,
    TicketSla,
};
use switchboard_domain::ticket::{Channel, Priority, Status, TicketKind};

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::from_toml(include_str!("../../../profiles/demo/catalog.toml")).unwrap()
});
static CALENDARS: LazyLock<Calendars> = LazyLock::new(|| {
    Calendars::from_toml(include_str!("../../../profiles/demo/calendars.toml")).unwrap()
});
static POLICIES: LazyLock<SlaPolicies> = LazyLock::new(|| {
    SlaPolicies::from_toml(
        include_str!("../../../profiles/demo/sla.toml"),
        &CALENDARS,
        &CATALOG,
    )
    .unwrap_or_else(|e| panic!("sla.toml: {e}"))
});

fn msk(d: Date, h: i8, m: i8) -> Timestamp {
    d.at(h, m, 0, 0).in_tz("Europe/Moscow").unwrap().timestamp()
}

fn apply(kind: TicketKind, channel: Channel, topic: &str, priority: Priority) -> AppliedPolicy {
    let (line, topic) = topic.split_once('/').unwrap();
    let (_, t) = CATALOG.topic(line, topic).unwrap();
    let facts = SlaFacts {
        kind,
        channel,
        line,
        topic,
        class: t.sla,
        priority,
    };
    POLICIES
        .apply(&facts)
        .expect("the demo has a catch-all policy")
}

/// Tuesday 24 November 2026, 15:00 Moscow time: inside office hours.
fn tue() -> Timestamp {
    msk(date(2026, 11, 24), 15, 0)
}

const MIN: i64 = 60;
const HOUR: i64 = 3600;

use Channel::*;
use Priority::*;
use TicketKind::*;

/// One row per demo policy: the facts that select it and its first-response
/// deadline for a ticket opened on `tue()`, in seconds from then (calendar time).
#[rstest]
#[case::claim(Claim, Chat, "marketplace/claims", Urgent, "claim", 10 * 24 * HOUR)]
#[case::chat_urgent(Request, Chat, "bank_retail/suspicious", Urgent, "chat_urgent", 3 * MIN)]
#[case::chat_priority_seller(Request, Chat, "sellers/payouts", High, "chat_priority", 3 * MIN)]
#[case::chat_priority_travel(Request, Telegram, "travel/hotels", High, "chat_priority", 3 * MIN)]
#[case::chat(Request, Vk, "marketplace/delivery", Normal, "chat", 10 * MIN)]
#[case::urgent(Request, Form, "marketplace/delivery", Urgent, "urgent", 2 * HOUR)]
// Complex on the Moscow office calendar: 3 h on Tuesday, 9 h Wed, 9 h Thu, 6 h Fri → Fri 15:00.
#[case::complex_office(Request, Form, "marketplace/claims", Normal, "complex", 3 * 24 * HOUR)]
// Business banking works 09:00–20:00: 5 h Tue, 11 h Wed, 11 h Thu, 6 h Fri → Fri 15:00.
#[case::complex_bank_business(Request, Form, "bank_business/wrong_transfers", Normal, "complex", 3 * 24 * HOUR)]
// Travel works 24/7: 3 business days are 72 hours.
#[case::complex_travel(Request, Email, "travel/refund_amount", Normal, "complex", 3 * 24 * HOUR)]
#[case::email(Request, Email, "marketplace/returns", Normal, "email", 24 * HOUR)]
#[case::standard(Request, Form, "marketplace/returns", Normal, "standard", 24 * HOUR)]
#[case::standard_phone(Request, Phone, "sellers/fees", High, "standard", 24 * HOUR)]
fn demo_policies(
    #[case] kind: TicketKind,
    #[case] channel: Channel,
    #[case] topic: &str,
    #[case] priority: Priority,
    #[case] code: &str,
    #[case] first_response_secs: i64,
) {
    let p = apply(kind, channel, topic, priority);
    assert_eq!(p.code, code);
    let sla = TicketSla::start(&p, tue());
    let d = sla.deadlines(&p);
    let first = d
        .iter()
        .find(|d| d.target == TargetKind::FirstResponse)
        .unwrap();
    assert_eq!(
        first.due_at,
        tue() + SignedDuration::from_secs(first_response_secs)
    );
    assert!(first.at_risk_at > tue() && first.at_risk_at < first.due_at);
}

#[test]
fn every_demo_policy_has_a_table_row() {
    let src = include_str!("sla_demo.rs");
    for code in POLICIES.codes() {
        assert!(
            src.contains(&format!("\"{code}\", ")),
            "no table row for policy {code}"
        );
    }
}

/// SPEC §5 in office hours: standard 24 hours, urgent 2 hours, complex 3
/// business days (Tuesday noon → Friday noon), pre-trial claims 10 days.
#[test]
fn policies_give_the_spec_deadlines_in_office_hours() {
    let rows = [
        (
            Request,
            "marketplace/returns",
            Normal,
            SignedDuration::from_hours(24),
        ),
        (
            Request,
            "marketplace/delivery",
            Urgent,
            SignedDuration::from_hours(2),
        ),
        (
            Request,
            "marketplace/claims",
            Normal,
            SignedDuration::from_hours(72),
        ),
        (
            Claim,
            "marketplace/returns",
            Normal,
            SignedDuration::from_hours(240),
        ),
    ];
    for (kind, topic, priority, after) in rows {
        let p = apply(kind, Form, topic, priority);
        let due = TicketSla::start(&p, tue())
            .next_deadline(&p)
            .unwrap()
            .due_at;
        assert_eq!(due, tue() + after, "{topic} {priority}");
    }
}

#[test]
fn time_waiting_for_the_customer_does_not_count() {
    let p = apply(Request, Chat, "marketplace/delivery", Normal);
    let t0 = tue();
    let mut sla = TicketSla::start(&p, t0);
    let at = |m: i64| t0 + SignedDuration::from_mins(m);
    sla.status_changed(&p, Status::WaitingForCustomer, at(4));
    assert_eq!(sla.state(&p, at(60)), SlaState::Paused);
    assert!(
        sla.escalations(&p, at(60)).is_empty(),
        "nothing counts while paused"
    );
    sla.status_changed(&p, Status::Assigned, at(60));
    // 4 minutes used before the pause, 6 left from minute 60.
    assert_eq!(sla.next_deadline(&p).unwrap().due_at, at(66));
}

#[test]
fn at_risk_then_breach_are_raised_once_each() {
    let p = apply(Request, Chat, "sellers/payouts", High);
    let t0 = tue();
    let mut sla = TicketSla::start(&p, t0);
    let secs = |s: i64| t0 + SignedDuration::from_secs(s);
    assert_eq!(sla.state(&p, secs(60)), SlaState::Ok);
    // 67% of 3 minutes = 120.6 s.
    assert_eq!(
        sla.next_wakeup(&p),
        Some(t0 + SignedDuration::from_millis(120_600))
    );
    let e = sla.escalations(&p, secs(130));
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].target, e[0].level),
        (TargetKind::FirstResponse, Level::AtRisk)
    );
    assert_eq!(e[0].actions, vec![EscalationAction::NotifySupervisors]);
    assert!(sla.escalations(&p, secs(131)).is_empty());
    assert_eq!(sla.state(&p, secs(131)), SlaState::AtRisk);
    assert_eq!(sla.next_wakeup(&p), Some(secs(180)));
    let e = sla.escalations(&p, secs(200));
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].level, e[0].at), (Level::Breach, secs(180)));
    assert!(e[0].actions.contains(&EscalationAction::Reassign));
    assert_eq!(sla.state(&p, secs(200)), SlaState::Breached);
    // A reply meets the first response; the resolution clock keeps running.
    sla.agent_replied(&p, secs(240));
    let next = sla.next_deadline(&p).unwrap();
    assert_eq!(
        (next.target, next.due_at),
        (TargetKind::Resolution, t0 + SignedDuration::from_hours(24))
    );
}

#[test]
fn next_response_is_owed_after_the_customer_writes_again() {
    let p = apply(Request, Form, "marketplace/returns", Normal);
    let t0 = tue();
    let h = |n: i64| t0 + SignedDuration::from_hours(n);
    let mut sla = TicketSla::start(&p, t0);
    sla.customer_wrote(&p, Status::Queued, h(1));
    assert_eq!(
        sla.next_deadline(&p).unwrap().target,
        TargetKind::FirstResponse
    );
    sla.agent_replied(&p, h(2));
    sla.customer_wrote(&p, Status::Assigned, h(3));
    let d = sla.deadlines(&p);
    assert_eq!(
        (d[0].target, d[0].due_at),
        (TargetKind::NextResponse, h(27))
    );
}

#[test]
fn resolution_resumes_on_reopen_with_its_used_time() {
    let p = apply(Request, Form, "marketplace/returns", Normal);
    let t0 = tue();
    let h = |n: i64| t0 + SignedDuration::from_hours(n);
    let mut sla = TicketSla::start(&p, t0);
    sla.agent_replied(&p, h(1));
    sla.status_changed(&p, Status::Resolved, h(10));
    assert_eq!(sla.state(&p, h(500)), SlaState::Met);
    assert_eq!(sla.next_deadline(&p), None);
    sla.status_changed(&p, Status::Queued, h(100));
    // 5 days = 120 h; 10 used, 110 left from hour 100.
    let r = sla
        .deadlines(&p)
        .into_iter()
        .find(|d| d.target == TargetKind::Resolution)
        .unwrap();
    assert_eq!(r.due_at, h(210));
}

#[test]
fn a_raised_priority_switches_policy_and_keeps_used_time() {
    let normal = apply(Request, Form, "marketplace/delivery", Normal);
    let urgent = apply(Request, Form, "marketplace/delivery", Urgent);
    let t0 = tue();
    let mut sla = TicketSla::start(&normal, t0);
    sla.change_policy(&normal, &urgent, t0 + SignedDuration::from_mins(30));
    assert_eq!(sla.policy, "urgent");
    assert_eq!(
        sla.next_deadline(&urgent).unwrap().due_at,
        t0 + SignedDuration::from_hours(2)
    );
}

#[test]
fn business_time_policies_pause_outside_working_hours() {
    // Friday 17:00 in the Moscow office: a complex ticket's 27 working hours
    // skip the weekend (1 h Fri, 9 h Mon, 9 h Tue, 8 h Wed → Wed 17:00).
    let p = apply(Request, Form, "marketplace/claims", Normal);
    let fri = msk(date(2026, 11, 27), 17, 0);
    let sla = TicketSla::start(&p, fri);
    assert_eq!(
        sla.next_deadline(&p).unwrap().due_at,
        msk(date(2026, 12, 2), 17, 0)
    );
    // Over the weekend the ticket shows "ok" and no time is used.
    let sat = msk(date(2026, 11, 28), 12, 0);
    assert_eq!(sla.state(&p, sat), SlaState::Ok);
}

#[test]
fn ticket_sla_round_trips_through_json() {
    let p = apply(Request, Chat, "marketplace/delivery", Normal);
    let mut sla = TicketSla::start(&p, tue());
    sla.status_changed(
        &p,
        Status::WaitingForCustomer,
        tue() + SignedDuration::from_mins(3),
    );
    let json = serde_json::to_string(&sla).unwrap();
    let back: TicketSla = serde_json::from_str(&json).unwrap();
    assert_eq!(back, sla);
}

const CAL: &str =
    "default = \"x\"\n[[calendar]]\ncode = \"x\"\ntime_zone = \"UTC\"\nalways_open = true\n";

#[rstest]
#[case(
    "[[policy]]\ncode = \"a\"\nfirst_response = \"3bd\"",
    "business days need a calendar"
)]
#[case(
    "[[policy]]\ncode = \"a\"\ncalendar = \"nope\"\nfirst_response = \"1h\"",
    "unknown calendar"
)]
#[case("[[policy]]\ncode = \"a\"", "has no target")]
#[case("[[policy]]\ncode = \"a\"\nfirst_response = \"soon\"", "soon")]
#[case(
    "[[policy]]\ncode = \"a\"\nat_risk = 1.5\nfirst_response = \"1h\"",
    "between 0 and 1"
)]
#[case(
    "[[policy]]\ncode = \"a\"\nwhen = { topic = [\"marketplace/nope\"] }\nfirst_response = \"1h\"",
    "unknown topic"
)]
#[case(
    "[[policy]]\ncode = \"a\"\nfirst_response = \"1h\"\n[[policy]]\ncode = \"a\"\nfirst_response = \"1h\"",
    "unique"
)]
fn bad_policies_are_rejected(#[case] src: &str, #[case] says: &str) {
    let cals = Calendars::from_toml(CAL).unwrap();
    match SlaPolicies::from_toml(src, &cals, &CATALOG) {
        Err(SlaError::Invalid { message, .. }) => assert!(message.contains(says), "{message}"),
        other => panic!("expected an error saying {says:?}, got {other:?}"),
    }
}
