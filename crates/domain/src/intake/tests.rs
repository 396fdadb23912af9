use super::*;
use crate::customer::{CustomerFlags, CustomerKind};
use crate::i18n::Locale;
use crate::ids::{CustomerId, EmailAddress};

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
    open_ticket(&catalog, customer, &orders, f, now())
}

fn codes(r: Result<NewTicket, Vec<FieldError>>) -> Vec<(&'static str, &'static str)> {
    r.unwrap_err().iter().map(|e| (e.field, e.code)).collect()
}

#[test]
fn a_valid_form_becomes_a_queued_ticket_without_a_deadline_yet() {
    let t = open(&buyer(), &form()).unwrap();
    assert_eq!(t.status, Status::Queued);
    assert_eq!(t.requester, Requester::Customer(buyer().id));
    // Priority and deadlines are the rules' (priority.toml, sla.toml), for every channel.
    assert_eq!(t.priority, Priority::Normal);
    assert_eq!(t.due_at, None);
    assert_eq!(t.order_number.unwrap().as_str(), "MP-1");
    assert_eq!(t.subject, "Доставка: Заказ опаздывает");
    assert_eq!(t.reply_channel, ReplyChannel::Email);
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
fn urgent_is_accepted_where_the_topic_allows_it() {
    let f = TicketForm {
        topic: "account".into(),
        problem: "hijacked".into(),
        order_number: None,
        urgent: true,
        ..form()
    };
    assert!(open(&buyer(), &f).is_ok());
    let f = TicketForm {
        topic: "security".into(),
        problem: "other".into(),
        problem_text: Some("странный вход".into()),
        order_number: None,
        urgent: true,
        ..form()
    };
    assert!(
        open(&buyer(), &f).is_ok(),
        "always-urgent topics take the mark too"
    );
}
