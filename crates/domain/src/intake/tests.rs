use super::*;
use crate::customer::{Booking, CustomerFlags};
use crate::i18n::Locale;
use crate::ids::{CustomerId, EmailAddress, PhoneNumber};

const CATALOG: &str = r#"
[[line]]
code = "marketplace"
name = { ru = "Маркетплейс", en = "Marketplace" }
customer_kinds = ["buyer", "seller"]
[[line.topic]]
code = "delivery"
name = { ru = "Доставка", en = "Delivery" }
order_expected = true
[[line.topic.problem]]
code = "late"
name = { ru = "Заказ опаздывает", en = "Order is late" }
[[line.topic]]
code = "account"
name = { ru = "Профиль", en = "Profile" }
urgent_allowed = true
[[line.topic.problem]]
code = "hijacked"
name = { ru = "Взломали аккаунт", en = "Account hijacked" }
[[line.topic]]
code = "security"
name = { ru = "Безопасность", en = "Security" }
always_urgent = true

[[line]]
code = "travel"
name = { ru = "Путешествия", en = "Travel" }
customer_kinds = ["traveller"]
[[line.topic]]
code = "booking"
name = { ru = "Бронирование", en = "Booking" }
sla = "complex"

[[line]]
code = "press"
name = { ru = "Пресса", en = "Press" }
support = false
[[line.topic]]
code = "inquiry"
name = { ru = "Запрос", en = "Inquiry" }
"#;

fn now() -> Timestamp {
    Timestamp::from_second(1_800_000_000).unwrap()
}

fn buyer() -> Customer {
    Customer {
        id: CustomerId::parse("buyer-1").unwrap(),
        kind: CustomerKind::Buyer,
        name: "Анна".into(),
        email: Some(EmailAddress::parse("anna@example.ru").unwrap()),
        phone: None,
        locale: Locale::Ru,
        flags: CustomerFlags::default(),
        bookings: vec![],
    }
}

fn order(n: &str, owner: &str) -> Order {
    Order {
        number: OrderNumber::parse(n).unwrap(),
        customer_id: CustomerId::parse(owner).unwrap(),
        title: "Чайник".into(),
        status: "delivering".into(),
        amount_minor: 199_000,
        currency: "RUB".into(),
        placed_at: now(),
    }
}

fn form() -> TicketForm {
    TicketForm {
        line: "marketplace".into(),
        topic: "delivery".into(),
        problem: "late".into(),
        order_number: Some("MP-1".into()),
        description: "Заказ должен был прийти вчера".into(),
        ..TicketForm::default()
    }
}

fn open(customer: &Customer, f: &TicketForm) -> Result<NewTicket, Vec<FieldError>> {
    let catalog = Catalog::from_toml(CATALOG).unwrap();
    let orders = vec![order("MP-1", "buyer-1"), order("MP-2", "buyer-2")];
    open_ticket(
        &catalog,
        &SlaPolicy::spec_defaults(),
        customer,
        &orders,
        f,
        now(),
    )
}

fn codes(r: Result<NewTicket, Vec<FieldError>>) -> Vec<(&'static str, &'static str)> {
    r.unwrap_err().iter().map(|e| (e.field, e.code)).collect()
}

#[test]
fn a_valid_form_becomes_a_queued_ticket_with_a_24_hour_deadline() {
    let t = open(&buyer(), &form()).unwrap();
    assert_eq!(t.status, Status::Queued);
    assert_eq!(t.priority, Priority::Normal);
    assert_eq!(t.order_number.unwrap().as_str(), "MP-1");
    assert_eq!(t.subject, "Доставка: Заказ опаздывает");
    assert_eq!(t.reply_channel, ReplyChannel::Email);
    assert_eq!(t.due_at, Some(now() + SignedDuration::from_hours(24)));
}

#[test]
fn each_bad_field_is_reported() {
    let table: Vec<(TicketForm, Vec<(&str, &str)>)> = vec![
        (
            TicketForm {
                line: "nope".into(),
                ..form()
            },
            vec![("line", "unknown_line")],
        ),
        (
            TicketForm {
                line: "travel".into(),
                ..form()
            },
            vec![("line", "line_not_available")],
        ),
        (
            TicketForm {
                line: "press".into(),
                topic: "inquiry".into(),
                ..form()
            },
            vec![("line", "line_not_available")],
        ),
        (
            TicketForm {
                topic: "nope".into(),
                ..form()
            },
            vec![("topic", "unknown_topic")],
        ),
        (
            TicketForm {
                problem: "hijacked".into(),
                ..form()
            },
            vec![("problem", "unknown_problem")],
        ),
        (
            TicketForm {
                problem: "other".into(),
                ..form()
            },
            vec![("problem_text", "required")],
        ),
        (
            TicketForm {
                order_number: None,
                ..form()
            },
            vec![("order_number", "required")],
        ),
        (
            TicketForm {
                order_number: Some("MP-2".into()),
                ..form()
            },
            vec![("order_number", "not_your_order")],
        ),
        (
            TicketForm {
                order_number: Some("no such".into()),
                ..form()
            },
            vec![("order_number", "invalid")],
        ),
        (
            TicketForm {
                description: "   ".into(),
                ..form()
            },
            vec![("description", "required")],
        ),
        (
            TicketForm {
                urgent: true,
                ..form()
            },
            vec![("urgent", "urgent_not_allowed")],
        ),
        (
            TicketForm {
                reply_channel: Some("sms".into()),
                ..form()
            },
            vec![("reply_channel", "unreachable")],
        ),
        (
            TicketForm {
                reply_channel: Some("fax".into()),
                ..form()
            },
            vec![("reply_channel", "invalid")],
        ),
    ];
    for (f, expected) in table {
        assert_eq!(codes(open(&buyer(), &f)), expected, "{f:?}");
    }
    let all_wrong = TicketForm {
        topic: "nope".into(),
        description: String::new(),
        reply_channel: Some("fax".into()),
        ..form()
    };
    assert_eq!(
        codes(open(&buyer(), &all_wrong)).len(),
        3,
        "every problem is listed at once"
    );
}

#[test]
fn other_with_free_text_is_accepted() {
    let f = TicketForm {
        problem: "other".into(),
        problem_text: Some("Курьер грубил".into()),
        ..form()
    };
    let t = open(&buyer(), &f).unwrap();
    assert_eq!(t.problem, ProblemChoice::Other("Курьер грубил".into()));
    assert_eq!(t.subject, "Доставка: Курьер грубил");
}

#[test]
fn urgent_only_where_allowed_and_security_is_always_urgent() {
    let f = TicketForm {
        topic: "account".into(),
        problem: "hijacked".into(),
        order_number: None,
        urgent: true,
        ..form()
    };
    let t = open(&buyer(), &f).unwrap();
    assert_eq!(t.priority, Priority::Urgent);
    assert_eq!(t.due_at, Some(now() + SignedDuration::from_hours(2)));
    let f = TicketForm {
        topic: "security".into(),
        problem: "other".into(),
        problem_text: Some("странный вход".into()),
        order_number: None,
        ..form()
    };
    assert_eq!(open(&buyer(), &f).unwrap().priority, Priority::Urgent);
}

#[test]
fn premium_sellers_get_high_priority() {
    let mut seller = buyer();
    seller.kind = CustomerKind::Seller;
    seller.id = CustomerId::parse("buyer-1").unwrap();
    seller.flags.premium_seller = true;
    assert_eq!(open(&seller, &form()).unwrap().priority, Priority::High);
}

#[test]
fn travel_priority_rules() {
    let mut tr = buyer();
    tr.kind = CustomerKind::Traveller;
    tr.phone = Some(PhoneNumber::parse("+79160000000").unwrap());
    let booking = |kind, package, hours: i64| Booking {
        reference: OrderNumber::parse("TR-1").unwrap(),
        kind,
        package,
        starts_at: now() + SignedDuration::from_hours(hours),
        phone: None,
    };
    let table = [
        (vec![], false, false),
        (vec![], true, true),
        (vec![booking(BookingKind::Flight, None, 72)], false, false),
        (vec![booking(BookingKind::Flight, None, 12)], false, true),
        (vec![booking(BookingKind::Hotel, None, 240)], false, true),
        (
            vec![booking(
                BookingKind::Rail,
                Some(TravelPackage::Priority),
                240,
            )],
            false,
            true,
        ),
        (
            vec![booking(
                BookingKind::Rail,
                Some(TravelPackage::AllInclusive),
                240,
            )],
            false,
            true,
        ),
        (
            vec![booking(BookingKind::Rail, Some(TravelPackage::Basic), 240)],
            false,
            false,
        ),
        (vec![booking(BookingKind::Hotel, None, -48)], false, false),
    ];
    for (bookings, corporate, expected) in table {
        tr.bookings = bookings.clone();
        tr.flags.corporate = corporate;
        assert_eq!(
            travel_priority(&tr, now()),
            expected,
            "{bookings:?} corporate={corporate}"
        );
    }
}

#[test]
fn complex_topics_get_business_days() {
    let mut tr = buyer();
    tr.kind = CustomerKind::Traveller;
    let f = TicketForm {
        line: "travel".into(),
        topic: "booking".into(),
        problem: "other".into(),
        problem_text: Some("возврат".into()),
        order_number: None,
        ..form()
    };
    let t = open(&tr, &f).unwrap();
    let due = t.due_at.unwrap();
    assert!(due >= now() + SignedDuration::from_hours(72));
}
