use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::customer::{CustomerFlags, CustomerKind, Order};
use crate::i18n::Locale;
use crate::ids::{CustomerId, OrderNumber, TicketId};

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + s).unwrap()
}

fn catalog() -> Catalog {
    Catalog::from_toml(include_str!("../../../../profiles/demo/catalog.toml")).unwrap()
}

fn buyer() -> Customer {
    Customer {
        id: CustomerId::parse("buyer-1").unwrap(),
        kind: CustomerKind::Buyer,
        name: "Анна".into(),
        email: None,
        phone: None,
        locale: Locale::Ru,
        flags: CustomerFlags::default(),
        bookings: Vec::new(),
    }
}

fn order(number: &str, owner: &str) -> Order {
    Order {
        number: OrderNumber::parse(number).unwrap(),
        customer_id: CustomerId::parse(owner).unwrap(),
        title: "t".into(),
        status: "s".into(),
        amount_minor: 1,
        currency: "RUB".into(),
        placed_at: at(0),
    }
}

#[test]
fn free_text_needs_a_topic_and_for_purchases_an_order_decision() {
    let c = catalog();
    let me = buyer();
    let mut intake = Intake::default();
    assert_eq!(intake.text_allowed().unwrap_err().code, "topic_required");
    assert_eq!(
        intake.choose_order(Some(&me), &[], None).unwrap_err().code,
        "topic_required"
    );
    assert_eq!(
        intake
            .choose_topic(&c, Some(&me), "bank_retail", "cards")
            .unwrap_err()
            .code,
        "line_not_available"
    );
    assert_eq!(
        intake
            .choose_topic(&c, Some(&me), "marketplace", "nope")
            .unwrap_err()
            .code,
        "unknown_topic"
    );
    assert_eq!(
        intake.choose_topic(&c, Some(&me), "marketplace", "delivery"),
        Ok(TopicChosen::OrderRequired)
    );
    assert_eq!(intake.text_allowed().unwrap_err().code, "order_required");
    let orders = [order("MP-1", "buyer-1"), order("MP-2", "buyer-2")];
    assert_eq!(
        intake
            .choose_order(Some(&me), &orders, Some("MP-2"))
            .unwrap_err()
            .code,
        "not_your_order"
    );
    intake
        .choose_order(Some(&me), &orders, Some("mp-1"))
        .unwrap();
    assert!(intake.text_allowed().is_ok());
    let t = open_conversation(
        &c,
        Requester::Customer(me.id.clone()),
        Some(&me),
        Channel::Chat,
        &intake,
        "  Где заказ?\nподробности ",
        at(0),
    )
    .unwrap();
    assert_eq!(t.channel, Channel::Chat);
    assert_eq!(t.status, Status::WithBot);
    assert_eq!(t.order_number.unwrap().as_str(), "MP-1");
    assert_eq!(t.problem, ProblemChoice::Other("Где заказ?".into()));
    assert_eq!(t.description, "Где заказ?\nподробности");
    assert!(t.due_at.is_none());

    let mut not_about_order = Intake::default();
    not_about_order
        .choose_topic(&c, Some(&me), "marketplace", "delivery")
        .unwrap();
    not_about_order
        .choose_order(Some(&me), &orders, None)
        .unwrap();
    assert!(not_about_order.text_allowed().is_ok());
}

#[test]
fn the_bot_ranks_answers_by_shared_words() {
    let c = catalog();
    let (_, topic) = c.topic("marketplace", "delivery").unwrap();
    let all = TopicAnswers.suggest("marketplace", topic, "", Locale::Ru, 10);
    assert_eq!(all.len(), topic.answers.len());
    assert_eq!(all[0].id, "delivery#0");
    let late = TopicAnswers.suggest(
        "marketplace",
        topic,
        "заказ задерживается уже неделю",
        Locale::Ru,
        1,
    );
    assert_eq!(late[0].title, "Заказ задерживается");
    let text = bot_text::suggestions(Locale::En, &late);
    assert!(text.contains("1. "), "{text}");
}

#[test]
fn step_up_codes_expire_allow_five_tries_then_cool_down() {
    let p = StepUpPolicy::default();
    let s = StepUp::default().issue(&p, "h1".into(), at(0)).unwrap();
    assert_eq!(
        s.issue(&p, "h2".into(), at(10)),
        Err(StepUpRefusal::TooSoon { retry_at: at(30) })
    );
    let (s2, v) = s.verify(&p, false, at(20)).unwrap();
    assert_eq!(v, Verdict::Wrong { tries_left: 4 });
    let mut cur = s2;
    for left in (1..4).rev() {
        let (n, v) = cur.verify(&p, false, at(30)).unwrap();
        assert_eq!(v, Verdict::Wrong { tries_left: left });
        cur = n;
    }
    let (locked, v) = cur.verify(&p, true, at(40)).unwrap();
    // The fifth try was right: it passes.
    assert_eq!(v, Verdict::Passed);
    assert!(locked.verified());

    let (n, _) = cur.verify(&p, false, at(40)).unwrap();
    assert!(matches!(n.locked_until, Some(u) if u == at(40) + p.cool_down));
    assert!(matches!(
        n.verify(&p, true, at(41)),
        Err(StepUpRefusal::Locked { .. })
    ));
    assert!(matches!(
        n.issue(&p, "h3".into(), at(41)),
        Err(StepUpRefusal::Locked { .. })
    ));
    let fresh = n.issue(&p, "h3".into(), at(40) + p.cool_down).unwrap();
    assert_eq!(fresh.attempts, 0);

    let (expired, v) = fresh
        .verify(
            &p,
            true,
            at(40) + p.cool_down + SignedDuration::from_mins(5),
        )
        .unwrap();
    assert_eq!(v, Verdict::Expired);
    assert_eq!(
        expired.verify(&p, true, at(2000)),
        Err(StepUpRefusal::NoCode)
    );
}

#[test]
fn codes_are_six_digits_and_hashed_with_a_key() {
    assert_eq!(code_from_random(42), "000042");
    assert!(code_well_formed("012345"));
    assert!(!code_well_formed("12345"));
    assert!(!code_well_formed("12345a"));
    let h = hash_code(b"k", TicketId(1), "123456");
    assert_eq!(h.len(), 64);
    assert_ne!(h, hash_code(b"k2", TicketId(1), "123456"));
    assert_ne!(h, hash_code(b"k", TicketId(2), "123456"));
    assert!(!h.contains("123456"));
    assert_eq!(mask_phone("+79161234567"), "+7••••••4567");
}
