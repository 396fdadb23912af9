//! Secrets in everyday phrasing, and the numbers left alone.

use crate::{SensitiveKind, find_sensitive};
use rstest::rstest;

fn found(text: &str) -> Vec<(SensitiveKind, &str)> {
    find_sensitive(text)
        .into_iter()
        .map(|f| (f.kind, &text[f.span]))
        .collect()
}

#[rstest]
#[case("код нужен? вот 5521", SensitiveKind::OneTimeCode, "5521")]
#[case("вам кодик нужен? 66120", SensitiveKind::OneTimeCode, "66120")]
#[case("код пришел в смс с 6620", SensitiveKind::OneTimeCode, "6620")]
#[case("kod podtverzhdeniya 4410", SensitiveKind::OneTimeCode, "4410")]
#[case("кодом из смски 7781", SensitiveKind::OneTimeCode, "7781")]
#[case("cvv2 771", SensitiveKind::Cvv, "771")]
#[case("сvv 402", SensitiveKind::Cvv, "402")]
#[case("пин-кодом 4409", SensitiveKind::Pin, "4409")]
#[case("pin-kod 9013", SensitiveKind::Pin, "9013")]
#[case("коод 5120", SensitiveKind::OneTimeCode, "5120")]
#[case("пинн 7730", SensitiveKind::Pin, "7730")]
#[case("парль Zebra_12", SensitiveKind::Password, "Zebra_12")]
#[case("код 33-81", SensitiveKind::OneTimeCode, "33-81")]
#[case("код 704 219", SensitiveKind::OneTimeCode, "704 219")]
#[case("смсочкой пришло 4419", SensitiveKind::OneTimeCode, "4419")]
#[case("код из вайбера 7730", SensitiveKind::OneTimeCode, "7730")]
#[case("4-значный код 9015", SensitiveKind::OneTimeCode, "9015")]
#[case("kod podtverjdenia 4150", SensitiveKind::OneTimeCode, "4150")]
#[case("кoд пoдтвеpждения 2287", SensitiveKind::OneTimeCode, "2287")]
#[case("кодддд 5540", SensitiveKind::OneTimeCode, "5540")]
#[case(
    "код 1\u{FE0F}\u{20E3}9\u{FE0F}\u{20E3}0\u{FE0F}\u{20E3}4\u{FE0F}\u{20E3}",
    SensitiveKind::OneTimeCode,
    "1\u{FE0F}\u{20E3}9\u{FE0F}\u{20E3}0\u{FE0F}\u{20E3}4\u{FE0F}\u{20E3}"
)]
#[case("си ви ви 306", SensitiveKind::Cvv, "306")]
#[case("cvс2 751", SensitiveKind::Cvv, "751")]
#[case("пароль стоит Severus_7", SensitiveKind::Password, "Severus_7")]
#[case("пароль ➡️ Zvezda99", SensitiveKind::Password, "Zvezda99")]
#[case("5531 пришло в смс", SensitiveKind::OneTimeCode, "5531")]
#[case("код активации 6610", SensitiveKind::OneTimeCode, "6610")]
#[case("на тыльной стороне 483", SensitiveKind::Cvv, "483")]
#[case("поменял пароль на Lodka2021", SensitiveKind::Password, "Lodka2021")]
#[case("parol ot pochty lena1990", SensitiveKind::Password, "lena1990")]
#[case("пароль от steam Gamer_2005", SensitiveKind::Password, "Gamer_2005")]
#[case("пароль от карты 3907", SensitiveKind::Pin, "3907")]
#[case("три цифры возле подписи 288", SensitiveKind::Cvv, "288")]
#[case("кодик5519 не подходит", SensitiveKind::OneTimeCode, "5519")]
#[case("pin4417", SensitiveKind::Pin, "4417")]
#[case("ввела 7741 из пуша", SensitiveKind::OneTimeCode, "7741")]
#[case("временный пароль пришел 3826", SensitiveKind::OneTimeCode, "3826")]
#[case("пароль для входа прислали 5092", SensitiveKind::OneTimeCode, "5092")]
#[case("цвц 510", SensitiveKind::Cvv, "510")]
#[case("пинчиком 6620 не принимает", SensitiveKind::Pin, "6620")]
fn finds_secrets_in_everyday_phrasing(
    #[case] text: &str,
    #[case] kind: SensitiveKind,
    #[case] value: &str,
) {
    assert_eq!(found(text), vec![(kind, value)]);
}

#[rstest]
#[case("код пришел а списали 2750")]
#[case("после смс с кодом сняли 1800")]
#[case("код пришел в 2130")]
#[case("в смске 5000 за заказ")]
#[case("вам код нужен?")]
#[case("код придет через 10-15 минут")]
#[case("код ввела а сняли 150 000")]
#[case("звоните 8-916-123-45-67 код не пришел")]
#[case("смс от 0919 пришло")]
#[case("последние цифры 4455")]
#[case("одноразовый пакет 3 шт")]
#[case("пароль был изменен")]
#[case("заказ 5531 пришел в смс")]
#[case("в 1830 пришло смс")]
#[case("пароль на 2023 год был другой")]
#[case("пароль от steam не подходит")]
#[case("кооод из смс не приходит 5 минут")]
#[case("по смс 2300 списано")]
#[case("коды заказов 5512 и 5513")]
#[case("код1с не открывается")]
#[case("пароль пришел на почту через 15 минут")]
fn leaves_amounts_and_times(#[case] text: &str) {
    assert_eq!(found(text), vec![]);
}

#[test]
fn codes_joined_by_and_are_both_codes() {
    assert_eq!(
        found("коды 5170 и 8842 оба не подходят"),
        vec![
            (SensitiveKind::OneTimeCode, "5170"),
            (SensitiveKind::OneTimeCode, "8842")
        ]
    );
    // Another size is another number: "код 4410 и 15 минут ждал".
    assert_eq!(
        found("код 4410 и 150 рублей"),
        vec![(SensitiveKind::OneTimeCode, "4410")]
    );
}
