//! The demo profile (`profiles/demo/`) loads and looks like the support centre
//! SPEC §2 and §7 describe: every line of business with its topics, problems and
//! ready answers, urgent topics where a customer's money or account is at risk,
//! staff who cover every queue, and customers whose orders a demo can use.

mod spec_oracle;
use std::collections::{BTreeSet, HashSet};

use switchboard_domain::Timestamp;
use switchboard_domain::catalog::{Catalog, Line, SlaClass, Topic};
use switchboard_domain::customer::{BookingKind, CustomerKind, TravelPackage};
use switchboard_domain::i18n::Locale;
use switchboard_domain::intake::{self, OTHER_PROBLEM, TicketForm};
use switchboard_domain::profile::{Profile, ProfileCustomer};
use switchboard_domain::ticket::Priority;

const CATALOG: &str = include_str!("../../../profiles/demo/catalog.toml");
const PROFILE: &str = include_str!("../../../profiles/demo/profile.toml");

/// The lines SPEC §2 lists, with who may use each (empty: not customer support).
const SPEC_LINES: [(&str, &[CustomerKind]); 8] = [
    ("marketplace", &[CustomerKind::Buyer]),
    ("sellers", &[CustomerKind::Seller]),
    ("bank_retail", &[CustomerKind::BankRetail]),
    ("bank_business", &[CustomerKind::BankBusiness]),
    ("travel", &[CustomerKind::Traveller]),
    ("delivery", &[CustomerKind::Buyer, CustomerKind::Seller]),
    ("crossborder", &[CustomerKind::Buyer]),
    ("partners", &[]),
];

fn catalog() -> Catalog {
    Catalog::from_toml(CATALOG).unwrap_or_else(|e| panic!("demo catalog.toml: {e}"))
}

fn profile() -> Profile {
    Profile::from_toml(PROFILE).unwrap_or_else(|e| panic!("demo profile.toml: {e}"))
}

/// A moment before every demo trip (they are all in 2027) and after the catalog was written.
fn before_trips() -> Timestamp {
    "2026-11-01T09:00:00Z".parse().unwrap()
}

fn support_topics(c: &Catalog) -> impl Iterator<Item = (&Line, &Topic)> {
    c.lines
        .iter()
        .filter(|l| l.support)
        .flat_map(|l| l.topics.iter().map(move |t| (l, t)))
}

fn has_cyrillic(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'))
}

fn assert_bilingual(what: &str, ru: &str, en: &str) {
    assert!(
        has_cyrillic(ru),
        "{what}: the Russian text {ru:?} is not Russian"
    );
    assert!(
        !en.trim().is_empty() && !has_cyrillic(en),
        "{what}: the English text {en:?} is missing or not English"
    );
}

fn customer<'p>(p: &'p Profile, id: &str) -> &'p ProfileCustomer {
    p.customers
        .iter()
        .find(|c| c.customer.id.as_str() == id)
        .unwrap_or_else(|| panic!("demo customer {id} is missing"))
}

#[test]
fn every_spec_line_is_there_in_russian_and_english() {
    let c = catalog();
    for (code, kinds) in SPEC_LINES {
        let line = c
            .line(code)
            .unwrap_or_else(|| panic!("line {code} is missing"));
        assert_bilingual(&format!("line {code}"), &line.name.ru, &line.name.en);
        assert!(!line.topics.is_empty(), "line {code} has no topics");
        for kind in CustomerKind::ALL {
            assert_eq!(
                line.serves(kind),
                kinds.contains(&kind),
                "line {code} serving {kind:?}"
            );
        }
    }
    assert_eq!(c.lines.len(), SPEC_LINES.len(), "unexpected extra lines");

    let partners = c.line("partners").unwrap();
    assert!(!partners.support, "partners is not customer support");
    for code in ["investors", "press", "partnerships"] {
        assert!(partners.topic(code).is_some(), "partners/{code} is missing");
    }
    let delivery = c.line("delivery").unwrap();
    let topic = delivery.topic("delivery").expect("the \"Delivery\" topic");
    assert_eq!(topic.name.en, "Delivery");
    assert!(topic.order_expected && topic.urgent_allowed);

    for line in &c.lines {
        for t in &line.topics {
            let at = format!("{}/{}", line.code, t.code);
            assert_bilingual(&at, &t.name.ru, &t.name.en);
            for p in &t.problems {
                assert_bilingual(&format!("{at}/{}", p.code), &p.name.ru, &p.name.en);
            }
            for a in &t.answers {
                assert_bilingual(&format!("{at} answer title"), &a.title.ru, &a.title.en);
                assert_bilingual(&format!("{at} answer body"), &a.body.ru, &a.body.en);
            }
        }
    }
}

#[test]
fn the_topics_spec_lists_are_offered() {
    let c = catalog();
    let expected = [
        (
            "marketplace",
            "ordering payment delivery pickup_points returns claims promotions bonuses \
             warranty complaints registration profile security",
        ),
        (
            "sellers",
            "orders_shipments payouts product_cards buyer_returns fees account_documents \
             promotion security",
        ),
        (
            "bank_retail",
            "cards accounts_deposits balance_statements transfers wrong_transfer autopayments \
             tariffs_documents currency suspicious app_login notifications cashback",
        ),
        (
            "bank_business",
            "settlement_account open_close tariffs payment_status wrong_transfers limits \
             business_cards fraud documents currency_operations user_rights payment_orders",
        ),
        (
            "travel",
            "miles booking hotels flights rail baggage cancellation refund_amount",
        ),
        ("delivery", "delivery"),
        ("crossborder", "orders delivery lost_parcels"),
    ];
    for (line, topics) in expected {
        for topic in topics.split_whitespace() {
            assert!(c.topic(line, topic).is_some(), "{line}/{topic} is missing");
        }
    }
    let (_, returns) = c.topic("marketplace", "returns").unwrap();
    for p in ["item_not_received", "money_not_received"] {
        assert!(
            returns.problem(p).is_some(),
            "marketplace/returns/{p} is missing"
        );
    }
    let (_, cards) = c.topic("bank_retail", "cards").unwrap();
    for p in [
        "issue",
        "reissue",
        "block",
        "unblock",
        "card_details",
        "limits",
        "mobile_pay",
    ] {
        assert!(
            cards.problem(p).is_some(),
            "bank_retail/cards/{p} is missing"
        );
    }
    let (_, transfers) = c.topic("bank_retail", "transfers").unwrap();
    for p in ["status", "fee", "cancel"] {
        assert!(
            transfers.problem(p).is_some(),
            "bank_retail/transfers/{p} is missing"
        );
    }
}

#[test]
fn every_support_topic_has_problems_and_a_ready_answer() {
    let c = catalog();
    for (line, t) in support_topics(&c) {
        let at = format!("{}/{}", line.code, t.code);
        assert!(
            (3..=8).contains(&t.problems.len()),
            "{at} has {} problems; the form should offer 3–8",
            t.problems.len()
        );
        assert!(
            (1..=3).contains(&t.answers.len()),
            "{at} has {} ready answers; the bot should have 1–3",
            t.answers.len()
        );
        assert!(t.problem(OTHER_PROBLEM).is_none(), "{at} lists \"other\"");
        for a in &t.answers {
            let len = a.body.ru.chars().count();
            assert!(
                (80..=600).contains(&len),
                "{at}: answer {:?} is {len} characters; keep it short but helpful",
                a.title.ru
            );
        }
    }
}

#[test]
fn fraud_and_hijacked_accounts_are_always_urgent() {
    let c = catalog();
    let alarming = [
        "suspicious",
        "fraud",
        "hijack",
        "unauthori",
        "someone else has",
        "didn't make",
        "didn't send",
        "didn't place",
        "stranger",
    ];
    let is_alarming = |en: &str, code: &str| {
        let en = en.to_lowercase();
        alarming.iter().any(|w| en.contains(w) || code.contains(w))
    };
    for (line, t) in support_topics(&c) {
        let at = format!("{}/{}", line.code, t.code);
        if is_alarming(&t.name.en, &t.code) {
            assert!(t.always_urgent, "{at} is about fraud but not always urgent");
        }
        for p in &t.problems {
            if is_alarming(&p.name.en, &p.code) {
                assert!(
                    t.always_urgent,
                    "{at}/{} ({:?}) is about fraud or a hijacked account, but {at} is not always urgent",
                    p.code, p.name.en
                );
            }
        }
        if t.always_urgent {
            assert_eq!(t.sla, SlaClass::Standard, "{at}: urgent cannot be complex");
        }
    }
    for (line, topic) in [
        ("marketplace", "security"),
        ("sellers", "security"),
        ("bank_retail", "suspicious"),
        ("bank_business", "fraud"),
    ] {
        let (_, t) = c.topic(line, topic).unwrap();
        assert!(t.always_urgent, "{line}/{topic} must be always urgent");
    }
    assert!(
        c.topic("marketplace", "security")
            .unwrap()
            .1
            .problem("account_hijacked")
            .is_some()
    );
    for (line, topic) in [("bank_retail", "suspicious"), ("bank_business", "fraud")] {
        let (_, t) = c.topic(line, topic).unwrap();
        assert!(
            t.problems.iter().any(|p| p.code.starts_with("block")),
            "{line}/{topic} must offer blocking right now"
        );
    }
}

#[test]
fn bank_topics_ask_for_an_sms_code_and_others_do_not() {
    let c = catalog();
    for (line, t) in support_topics(&c) {
        let bank = line.code.starts_with("bank_");
        assert_eq!(
            t.step_up, bank,
            "{}/{}: step_up should be {bank}",
            line.code, t.code
        );
    }
}

#[test]
fn deadlines_orders_and_urgency_follow_the_kind_of_question() {
    let c = catalog();
    for (line, topic) in [
        ("marketplace", "claims"),
        ("marketplace", "warranty"),
        ("bank_retail", "wrong_transfer"),
        ("bank_business", "wrong_transfers"),
        ("travel", "refund_amount"),
        ("crossborder", "lost_parcels"),
    ] {
        let (_, t) = c.topic(line, topic).unwrap();
        assert_eq!(
            t.sla,
            SlaClass::Complex,
            "{line}/{topic} needs investigation"
        );
    }
    for (line, topic) in [
        ("marketplace", "delivery"),
        ("marketplace", "returns"),
        ("marketplace", "claims"),
        ("marketplace", "warranty"),
        ("sellers", "buyer_returns"),
        ("travel", "booking"),
        ("travel", "hotels"),
        ("travel", "cancellation"),
        ("travel", "refund_amount"),
        ("delivery", "delivery"),
        ("crossborder", "lost_parcels"),
    ] {
        let (_, t) = c.topic(line, topic).unwrap();
        assert!(
            t.order_expected,
            "{line}/{topic} is about a purchase or booking"
        );
    }
    for (line, topic) in [
        ("marketplace", "promotions"),
        ("marketplace", "registration"),
        ("bank_retail", "transfers"),
        ("travel", "miles"),
    ] {
        let (_, t) = c.topic(line, topic).unwrap();
        assert!(!t.order_expected, "{line}/{topic} must not demand an order");
    }
    for (line, topic) in [
        ("bank_retail", "cards"),
        ("bank_retail", "transfers"),
        ("delivery", "delivery"),
        ("travel", "hotels"),
    ] {
        let (_, t) = c.topic(line, topic).unwrap();
        assert!(t.urgent_allowed, "{line}/{topic} may be urgent");
    }
    // "Urgent" is offered only for some categories, not for everything.
    let (urgent, all) = support_topics(&c).fold((0, 0), |(u, a), (_, t)| {
        (u + usize::from(t.urgent_allowed || t.always_urgent), a + 1)
    });
    assert!(urgent * 2 < all, "{urgent} of {all} topics may be urgent");
}

#[test]
fn staff_cover_every_queue_and_only_known_skills() {
    let c = catalog();
    let p = profile();
    let skills: BTreeSet<String> = c.skills().into_iter().collect();
    let login_of = |role: &str| {
        p.staff
            .iter()
            .find(|s| s.role == role)
            .unwrap_or_else(|| panic!("no {role} in the demo staff"))
    };
    assert_eq!(login_of("admin").login, "admin");
    assert_eq!(login_of("admin").password, "admin-demo");
    assert_eq!(login_of("supervisor").login, "supervisor");
    assert_eq!(login_of("supervisor").password, "supervisor-demo");

    let mut logins = HashSet::new();
    for s in &p.staff {
        assert!(
            logins.insert(s.login.as_str()),
            "login {} is listed twice",
            s.login
        );
        assert!(
            matches!(s.role.as_str(), "operator" | "supervisor" | "admin"),
            "{}: unknown role {:?}",
            s.login,
            s.role
        );
        assert_eq!(
            s.password,
            format!("{}-demo", s.login),
            "{}: demo password",
            s.login
        );
        assert!(has_cyrillic(&s.name), "{}: name {:?}", s.login, s.name);
        for skill in &s.skills {
            assert!(
                skills.contains(skill),
                "{} has skill {skill:?}, which no catalog topic uses",
                s.login
            );
        }
    }

    let operators: Vec<_> = p.staff.iter().filter(|s| s.role == "operator").collect();
    assert!(
        (4..=6).contains(&operators.len()),
        "{} operators",
        operators.len()
    );
    for o in &operators {
        assert!(!o.skills.is_empty(), "operator {} has no skills", o.login);
        assert!(
            (3..=8).contains(&o.capacity),
            "operator {} capacity",
            o.login
        );
    }
    for skill in &skills {
        assert!(
            operators.iter().any(|o| o.skills.contains(skill)),
            "no operator has the skill {skill:?}: its queue would never be answered"
        );
    }
    let general = operators
        .iter()
        .find(|o| o.login == "operator")
        .expect("the \"operator\" login");
    for skill in ["marketplace", "delivery", "crossborder"] {
        assert!(
            general.skills.iter().any(|s| s == skill),
            "operator lacks {skill}"
        );
    }
}

#[test]
fn customers_cover_every_kind_with_their_own_orders() {
    let p = profile();
    let mut numbers = HashSet::new();
    for c in &p.customers {
        let who = c.customer.id.as_str();
        let mut own = HashSet::new();
        for o in &c.orders {
            assert!(
                own.insert(o.number.clone()),
                "{who}: order {} twice",
                o.number
            );
            assert!(
                numbers.insert(o.number.clone()),
                "order {} belongs to more than one customer",
                o.number
            );
            assert!(o.amount_minor > 0, "{who}: order {} amount", o.number);
            assert!(o.placed_days_ago >= 0, "{who}: order {} date", o.number);
            assert_eq!(o.currency, "RUB", "{who}: order {} currency", o.number);
            assert!(!o.title.trim().is_empty() && !o.status.trim().is_empty());
        }
        for b in &c.customer.bookings {
            assert!(
                c.orders.iter().any(|o| o.number == b.reference),
                "{who}: booking {} is not among the customer's orders",
                b.reference
            );
            assert!(
                b.phone.is_some(),
                "{who}: booking {} has no phone",
                b.reference
            );
            assert!(
                b.starts_at > before_trips(),
                "{who}: booking {} date",
                b.reference
            );
        }
        assert!(
            (2..=4).contains(&c.orders.len()),
            "{who} has {} orders; the demo wants 2–4",
            c.orders.len()
        );
        let email = c
            .customer
            .email
            .as_ref()
            .unwrap_or_else(|| panic!("{who}: no e-mail"));
        assert!(
            email.as_str().ends_with("@demo.example"),
            "{who}: {email} is not on the reserved demo domain"
        );
        if let Some(phone) = &c.customer.phone {
            assert!(phone.as_str().starts_with("+7"), "{who}: {phone}");
        }
    }
    for kind in CustomerKind::ALL {
        assert!(
            p.customers.iter().any(|c| c.customer.kind == kind),
            "no demo customer is a {kind:?}"
        );
    }
    let buyers: Vec<_> = p
        .customers
        .iter()
        .filter(|c| c.customer.kind == CustomerKind::Buyer)
        .collect();
    assert!(buyers.len() >= 2);
    assert!(
        buyers.iter().any(|c| c.customer.locale == Locale::En),
        "an English buyer"
    );
    assert!(
        buyers.iter().any(|c| c.customer.phone.is_none()),
        "a buyer without a phone"
    );
    let with_phone = p
        .customers
        .iter()
        .filter(|c| c.customer.phone.is_some())
        .count();
    assert!(
        with_phone + 1 >= p.customers.len(),
        "most customers have a phone"
    );

    let sellers: Vec<_> = p
        .customers
        .iter()
        .filter(|c| c.customer.kind == CustomerKind::Seller)
        .collect();
    assert!(
        sellers.iter().any(|c| c.customer.flags.premium_seller),
        "a premium seller"
    );
    assert!(
        sellers.iter().any(|c| !c.customer.flags.premium_seller),
        "a regular seller"
    );
}

#[test]
fn priority_rules_have_someone_to_apply_to() {
    let c = catalog();
    let p = profile();
    let now = before_trips();
    let travellers: Vec<_> = p
        .customers
        .iter()
        .filter(|c| c.customer.kind == CustomerKind::Traveller)
        .collect();
    assert!(travellers.len() >= 2);
    let priority: Vec<_> = travellers
        .iter()
        .filter(|t| spec_oracle::travel_priority(&t.customer, now))
        .collect();
    assert!(
        priority.iter().any(|t| t.customer.bookings.iter().any(|b| {
            b.kind == BookingKind::Hotel
                && matches!(
                    b.package,
                    Some(TravelPackage::Priority | TravelPackage::AllInclusive)
                )
        })),
        "a traveller with a hotel booking and a priority package"
    );
    let general = customer(&p, "traveller-4002");
    assert!(
        !spec_oracle::travel_priority(&general.customer, now),
        "the basic rail trip"
    );
    assert!(
        general
            .customer
            .bookings
            .iter()
            .all(|b| b.kind == BookingKind::Rail && b.package == Some(TravelPackage::Basic))
    );

    let (_, rail) = c.topic("travel", "rail").unwrap();
    let (_, hotels) = c.topic("travel", "hotels").unwrap();
    let (_, fees) = c.topic("sellers", "fees").unwrap();
    let (_, hijack) = c.topic("marketplace", "security").unwrap();
    let traveller = &priority[0].customer;
    assert_eq!(
        spec_oracle::spec_priority(hotels, traveller, false, now),
        Priority::High
    );
    assert_eq!(
        spec_oracle::spec_priority(rail, &general.customer, false, now),
        Priority::Normal
    );
    let premium = &customer(&p, "seller-2002").customer;
    assert!(premium.flags.premium_seller);
    assert_eq!(
        spec_oracle::spec_priority(fees, premium, false, now),
        Priority::High
    );
    let regular = &customer(&p, "seller-2001").customer;
    assert_eq!(
        spec_oracle::spec_priority(fees, regular, false, now),
        Priority::Normal
    );
    let buyer = &customer(&p, "buyer-1001").customer;
    assert_eq!(
        spec_oracle::spec_priority(hijack, buyer, false, now),
        Priority::Urgent
    );
}

#[test]
fn each_customer_can_file_a_ticket_about_their_own_order() {
    let c = catalog();
    let p = profile();
    let now: Timestamp = "2026-11-20T12:00:00Z".parse().unwrap();
    for pc in &p.customers {
        let who = pc.customer.id.as_str();
        let orders = Profile::orders_of(pc, now);
        let (line, topic) = support_topics(&c)
            .find(|(l, t)| l.serves(pc.customer.kind) && t.order_expected)
            .or_else(|| support_topics(&c).find(|(l, _)| l.serves(pc.customer.kind)))
            .unwrap_or_else(|| panic!("no support line serves {who}"));
        let form = TicketForm {
            line: line.code.clone(),
            topic: topic.code.clone(),
            problem: topic.problems[0].code.clone(),
            order_number: topic
                .order_expected
                .then(|| pc.orders[0].number.as_str().to_lowercase()),
            description: "Проверьте, пожалуйста.".into(),
            reply_channel: Some("email".into()),
            ..TicketForm::default()
        };
        let ticket = intake::open_ticket(&c, &pc.customer, &orders, &form, now)
            .unwrap_or_else(|e| panic!("{who} cannot file {}/{}: {e:?}", line.code, topic.code));
        assert_eq!(ticket.requester.customer(), Some(&pc.customer.id));
    }
    // The buyer without a phone cannot ask for an SMS reply.
    let no_phone = p
        .customers
        .iter()
        .find(|c| c.customer.kind == CustomerKind::Buyer && c.customer.phone.is_none())
        .unwrap();
    let form = TicketForm {
        line: "marketplace".into(),
        topic: "payment".into(),
        problem: "receipt".into(),
        description: "Нужен чек".into(),
        reply_channel: Some("sms".into()),
        ..TicketForm::default()
    };
    let orders = Profile::orders_of(no_phone, now);
    assert!(intake::open_ticket(&c, &no_phone.customer, &orders, &form, now).is_err());
}
