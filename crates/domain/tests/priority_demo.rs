//! The demo priority rules (`profiles/demo/priority.toml`): one table row per
//! rule, and agreement with SPEC §4 written out plainly (`spec_oracle`) for
//! every demo customer, for every topic, and for random customers.

// rstest tables pass one argument per column; the lint cannot be allowed on the
// generated function alone.
#![allow(clippy::too_many_arguments)]

use std::sync::LazyLock;

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use rstest::rstest;
use switchboard_domain::catalog::Catalog;
use switchboard_domain::customer::{
    Booking, BookingKind, Customer, CustomerFlags, CustomerKind, TravelPackage,
};
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::{CustomerId, OrderNumber};
use switchboard_domain::priority::{PriorityFacts, PriorityRules, PriorityRulesError};
use switchboard_domain::profile::Profile;
use switchboard_domain::ticket::{Channel, Priority};

mod spec_oracle;
use spec_oracle::spec_priority as initial_priority;

const CATALOG: &str = include_str!("../../../profiles/demo/catalog.toml");
const PROFILE: &str = include_str!("../../../profiles/demo/profile.toml");
const PRIORITY: &str = include_str!("../../../profiles/demo/priority.toml");

static CAT: LazyLock<Catalog> = LazyLock::new(|| Catalog::from_toml(CATALOG).unwrap());
static RULES: LazyLock<PriorityRules> = LazyLock::new(|| {
    PriorityRules::from_toml(PRIORITY, &CAT).unwrap_or_else(|e| panic!("priority.toml: {e}"))
});

fn catalog() -> Catalog {
    CAT.clone()
}

fn rules() -> &'static PriorityRules {
    &RULES
}

fn now() -> Timestamp {
    "2027-03-01T09:00:00Z".parse().unwrap()
}

fn customer(
    kind: CustomerKind,
    premium_seller: bool,
    corporate: bool,
    bookings: Vec<Booking>,
) -> Customer {
    Customer {
        id: CustomerId::parse("c-1").unwrap(),
        kind,
        name: "Test".into(),
        email: None,
        phone: None,
        locale: Locale::default(),
        flags: CustomerFlags {
            premium_seller,
            corporate,
        },
        bookings,
    }
}

fn booking(kind: BookingKind, package: Option<TravelPackage>, hours_ahead: i64) -> Booking {
    Booking {
        reference: OrderNumber::parse("TR-1").unwrap(),
        kind,
        package,
        starts_at: now() + SignedDuration::from_hours(hours_ahead),
        phone: None,
    }
}

use BookingKind::*;
use CustomerKind::*;

/// Each rule of the demo file, the case that triggers it, and the near misses.
#[rstest]
#[case::urgent_topic(Buyer, false, false, vec![], "marketplace/security", false, Priority::Urgent, Some("urgent_topic"))]
#[case::urgent_topic_bank(BankRetail, false, false, vec![], "bank_retail/suspicious", false, Priority::Urgent, Some("urgent_topic"))]
#[case::urgent_fraud_business(BankBusiness, false, false, vec![], "bank_business/fraud", false, Priority::Urgent, Some("urgent_topic"))]
#[case::urgent_requested(Buyer, false, false, vec![], "marketplace/delivery", true, Priority::Urgent, Some("urgent_requested"))]
#[case::urgent_not_allowed(Buyer, false, false, vec![], "marketplace/returns", true, Priority::Normal, None)]
#[case::premium_seller(Seller, true, false, vec![], "sellers/payouts", false, Priority::High, Some("premium_seller"))]
#[case::plain_seller(Seller, false, false, vec![], "sellers/payouts", false, Priority::Normal, None)]
#[case::premium_flag_on_buyer(Buyer, true, false, vec![], "marketplace/ordering", false, Priority::Normal, None)]
#[case::premium_seller_urgent(Seller, true, false, vec![], "sellers/orders_shipments", true, Priority::Urgent, Some("urgent_requested"))]
#[case::travel_corporate(Traveller, false, true, vec![], "travel/booking", false, Priority::High, Some("travel_corporate"))]
#[case::corporate_bank_client(BankBusiness, false, true, vec![], "bank_business/tariffs", false, Priority::Normal, None)]
#[case::travel_hotel(Traveller, false, false, vec![booking(Hotel, None, 240)], "travel/hotels", false, Priority::High, Some("travel_hotel"))]
#[case::travel_hotel_past(Traveller, false, false, vec![booking(Hotel, None, -48)], "travel/hotels", false, Priority::Normal, None)]
#[case::travel_package_priority(Traveller, false, false, vec![booking(Rail, Some(TravelPackage::Priority), 240)], "travel/rail", false, Priority::High, Some("travel_package"))]
#[case::travel_package_all_inclusive(Traveller, false, false, vec![booking(Flight, Some(TravelPackage::AllInclusive), 240)], "travel/flights", false, Priority::High, Some("travel_package"))]
#[case::travel_package_basic(Traveller, false, false, vec![booking(Rail, Some(TravelPackage::Basic), 240)], "travel/rail", false, Priority::Normal, None)]
#[case::travel_trip_soon(Traveller, false, false, vec![booking(Flight, None, 12)], "travel/flights", false, Priority::High, Some("travel_trip_soon"))]
#[case::travel_trip_in_72h(Traveller, false, false, vec![booking(Flight, None, 72)], "travel/flights", false, Priority::Normal, None)]
#[case::travel_urgent_beats_high(Traveller, false, true, vec![], "travel/cancellation", true, Priority::Urgent, Some("urgent_requested"))]
fn demo_rules(
    #[case] kind: CustomerKind,
    #[case] premium: bool,
    #[case] corporate: bool,
    #[case] bookings: Vec<Booking>,
    #[case] topic: &str,
    #[case] urgent: bool,
    #[case] expected: Priority,
    #[case] reason: Option<&str>,
) {
    let cat = catalog();
    let (line, topic_code) = topic.split_once('/').unwrap();
    let (_, t) = cat.topic(line, topic_code).unwrap();
    let c = customer(kind, premium, corporate, bookings);
    let facts = PriorityFacts {
        customer: &c,
        line,
        topic: t,
        channel: Channel::Form,
        urgent_requested: urgent,
        now: now(),
    };
    let d = rules().decide(&facts);
    assert_eq!(d.priority, expected);
    assert_eq!(d.rule.as_deref(), reason);
    assert_eq!(
        d.priority,
        initial_priority(t, &c, urgent, now()),
        "agrees with SPEC §4"
    );
}

#[test]
fn every_demo_rule_has_a_table_row() {
    let src = include_str!("priority_demo.rs");
    for code in rules().rule_codes() {
        assert!(
            src.contains(&format!("Some(\"{code}\")")),
            "no table row for rule {code}"
        );
    }
}

#[test]
fn agrees_with_the_spec_for_every_demo_customer_and_topic() {
    let cat = catalog();
    let profile = Profile::from_toml(PROFILE).unwrap();
    let rules = rules();
    let moments = [
        "2026-11-21T12:00:00Z",
        "2027-06-01T00:00:00Z",
        "2027-12-31T00:00:00Z",
    ];
    for pc in &profile.customers {
        for line in &cat.lines {
            for t in &line.topics {
                for urgent in [false, true] {
                    for m in moments {
                        let now: Timestamp = m.parse().unwrap();
                        let c = &pc.customer;
                        let facts = PriorityFacts {
                            customer: c,
                            line: &line.code,
                            topic: t,
                            channel: Channel::Chat,
                            urgent_requested: urgent,
                            now,
                        };
                        assert_eq!(
                            rules.decide(&facts).priority,
                            initial_priority(t, c, urgent, now),
                            "{} {}/{} urgent={urgent} at {m}",
                            c.id,
                            line.code,
                            t.code
                        );
                    }
                }
            }
        }
    }
}

fn any_booking() -> impl Strategy<Value = Booking> {
    (
        prop_oneof![Just(Hotel), Just(Flight), Just(Rail)],
        prop_oneof![
            Just(None),
            Just(Some(TravelPackage::Basic)),
            Just(Some(TravelPackage::Priority)),
            Just(Some(TravelPackage::AllInclusive))
        ],
        -100i64..200,
    )
        .prop_map(|(k, p, h)| booking(k, p, h))
}

proptest! {
    #[test]
    fn agrees_with_the_spec_for_random_customers(
        kind in proptest::sample::select(CustomerKind::ALL.to_vec()),
        premium in any::<bool>(), corporate in any::<bool>(), urgent in any::<bool>(),
        bookings in proptest::collection::vec(any_booking(), 0..4),
        topic_index in 0usize..1000,
    ) {
        let topics: Vec<_> = CAT.lines.iter().flat_map(|l| l.topics.iter().map(move |t| (l, t))).collect();
        let (line, t) = topics[topic_index % topics.len()];
        let c = customer(kind, premium, corporate, bookings);
        let facts = PriorityFacts { customer: &c, line: &line.code, topic: t, channel: Channel::Form, urgent_requested: urgent, now: now() };
        prop_assert_eq!(rules().decide(&facts).priority, initial_priority(t, &c, urgent, now()));
    }
}

#[rstest]
#[case(
    "[[rule]]\ncode = \"a\"\npriority = \"high\"\nwhen = { topic = [\"marketplace/nope\"] }",
    "unknown topic"
)]
#[case(
    "[[rule]]\ncode = \"a\"\npriority = \"high\"\nwhen = { topic = [\"marketplace\"] }",
    "line/topic"
)]
#[case(
    "[[rule]]\ncode = \"a\"\npriority = \"high\"\nwhen = { line = [\"nope\"] }",
    "unknown line"
)]
#[case(
    "[[rule]]\ncode = \"a\"\npriority = \"high\"\nwhen = { booking = { starts_within = \"soon\" } }",
    "soon"
)]
#[case(
    "[[rule]]\ncode = \"a\"\npriority = \"high\"\n[[rule]]\ncode = \"a\"\npriority = \"low\"",
    "unique"
)]
fn bad_rules_are_rejected(#[case] src: &str, #[case] says: &str) {
    match PriorityRules::from_toml(src, &catalog()) {
        Err(PriorityRulesError::Invalid { message, .. }) => {
            assert!(message.contains(says), "{message}")
        }
        other => panic!("expected an error saying {says:?}, got {other:?}"),
    }
}

#[test]
fn unknown_keys_and_classes_are_syntax_errors() {
    let typo = "[[rule]]\ncode = \"a\"\npriority = \"high\"\nwhen = { premium = true }";
    assert!(matches!(
        PriorityRules::from_toml(typo, &catalog()),
        Err(PriorityRulesError::Syntax(_))
    ));
    let class = "[[rule]]\ncode = \"a\"\npriority = \"vip\"";
    assert!(matches!(
        PriorityRules::from_toml(class, &catalog()),
        Err(PriorityRulesError::Syntax(_))
    ));
}
