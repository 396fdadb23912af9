use super::*;
use rstest::rstest;

#[rstest]
#[case(
    "верните деньги за заказ 123",
    "хочу вернуть деньги за заказ 123, что делать?",
    true
)]
#[case("где мой заказ 123", "где мой заказ 456", false)]
#[case("Где мой заказ?", "где МОЙ заказ", true)]
#[case("не пришли деньги за возврат", "деньги за возврат не пришли", true)]
#[case("Как отменить заказ?", "Как изменить адрес доставки заказа?", false)]
#[case("хочу отменить заказ", "не хочу отменять заказ", false)]
#[case("Не могу войти в приложение", "не могу войти в приложенее", true)]
#[case("как включить уведомления", "как выключить уведомления", false)]
#[case("can't log in to the app", "can't log out of the app", false)]
#[case("доставка в Омск", "доставка в Томск", false)]
#[case("билет Москва - Сочи", "билет Сочи - Москва", false)]
#[case(
    "как оплатить через сбп",
    "оплата по системе быстрых платежей как",
    true
)]
#[case("посылка 5кг", "посылка 5 кг", true)]
#[case(
    "ошибка при оплате картой за заказ",
    "ошибка при оплате бонусами за заказ",
    false
)]
#[case(
    "не пришло смс с кодом для входа",
    "не пришел пуш с кодом для входа",
    false
)]
#[case("заказ пришол без коробки", "заказ пришел без коробки", true)]
#[case("гарантийный ремонт ноутбука", "ремонт ноутбука по гарантии", true)]
#[case("доставка в Австрию", "доставка в Австралию", false)]
#[case(
    "пришла синяя кружка вместо зеленой",
    "пришла зеленая кружка вместо синей",
    false
)]
#[case("прислали 38 размер вместо 40", "прислали 40 размер вместо 38", false)]
#[case(
    "оплатить подписку картой не получается",
    "не получается оплатить подписку картой",
    true
)]
#[case(
    "перенесите доставку на субботу",
    "поменяйте доставку на субботу",
    true
)]
#[case("бонусы зачислили", "бонусы списали", false)]
#[case("не могу удалить карту из профиля", "удалите карту из профиля", true)]
#[case("не могу отменить подписку", "отменил подписку", false)]
#[case("мне прислали разбитую тарелку", "тарелка пришла разбитой", true)]
#[case("доставка без предоплаты", "доставка с предоплатой", false)]
#[case("пришлите чек за покупку", "чек за покупку так и не прислали", true)]
#[case("отмените доставку", "не отменяйте доставку", false)]
#[case("перезвоните мне", "мне перезвонили", false)]
#[case("нет чека в личном кабинете", "чека в личном кабинете нет", true)]
#[case("чек есть в личном кабинете", "чека нет в личном кабинете", false)]
#[case("наушники перестали заряжаться", "наушники не заряжаются", true)]
#[case("положили чужую куртку", "положили не ту куртку", true)]
#[case("пришла правильная модель", "пришла не та модель", false)]
#[case("мне не звонили из доставки", "из доставки мне не позвонили", true)]
#[case("курьер звонил", "курьер так и не позвонил", false)]
#[case("оператор нахамил мне", "оператор грубил", true)]
// A "when" question waits for what the complaint says did not happen.
#[case(
    "когда начислят проценты по вкладу",
    "проценты по вкладу не начислили",
    true
)]
// The thing beside "нет" is missing, as "не доставили" says.
#[case("товар так и не доставили", "доставки товара до сих пор нет", true)]
#[case("товар есть в наличии", "товара нет в наличии", false)]
// "can't", "won't let me", "невозможно": cannot do.
#[case("the app won't let me log in", "can't log into the app", true)]
#[case("the app won't let me log in", "the app won't let me log out", false)]
#[case(
    "не могу дозвониться в поддержку",
    "до вас невозможно дозвониться",
    true
)]
// "не по адресу" is the wrong address, as "чужой адрес" is.
#[case(
    "заказ доставили не по адресу",
    "курьер привез заказ на чужой адрес",
    true
)]
// A root with its consonant alternated is one word.
#[case("не могу отследить заказ", "отслеживание заказа не работает", true)]
#[case("письма не приходят на почту", "письма на email не доходят", true)]
fn judges_pairs(#[case] a: &str, #[case] b: &str, #[case] same: bool) {
    assert_eq!(
        is_duplicate(a, b),
        same,
        "{a} / {b}: {:?}",
        Fingerprint::new(a).compare(&Fingerprint::new(b))
    );
}

#[test]
fn detector_finds_the_repeated_ticket() {
    let mut detector = DuplicateDetector::new();
    detector.add("T-1", "Где мой заказ MP-10001?");
    detector.add("T-2", "Как вернуть деньги за заказ MP-10002");
    assert_eq!(
        detector
            .find("верните деньги за заказ MP-10002")
            .map(|f| *f.0),
        Some("T-2")
    );
    assert_eq!(detector.find("где заказ MP-10003"), None);
}

#[test]
fn signals_decide_before_the_text() {
    let open = DuplicateCandidate {
        text: "где посылка",
        order: Some("MP-1"),
        topic: Some("delivery"),
        channel: Some("chat"),
    };
    let same_words_other_order = DuplicateCandidate {
        order: Some("MP-2"),
        ..open
    };
    let context = DuplicateContext::default();
    let decision = judge_duplicate(&open, &same_words_other_order, &context);
    assert_eq!(
        (decision.duplicate, decision.reason),
        (false, DuplicateReason::DifferentOrder)
    );
    let stale = DuplicateContext {
        hours_since_last_customer_message: Some(STALE_HOURS + 1.0),
        ..context
    };
    let no_order = DuplicateCandidate {
        order: None,
        ..open
    };
    assert_eq!(
        judge_duplicate(&no_order, &no_order, &stale).reason,
        DuplicateReason::Stale
    );
    let other_customer = DuplicateContext {
        same_customer: false,
        ..context
    };
    assert!(!judge_duplicate(&open, &open, &other_customer).duplicate);
    let repeat = DuplicateCandidate {
        text: "посылку так и не привезли, где она",
        channel: Some("vk"),
        ..open
    };
    let mut detector = DuplicateDetector::new();
    detector.add_candidate(7, &open, context);
    let found = detector.find_candidate(&repeat);
    assert_eq!(
        found.map(|(id, d)| (*id, d.reason)),
        Some((7, DuplicateReason::SameQuestion)),
        "{found:?}"
    );
}
