use super::*;
use rstest::rstest;

#[rstest]
#[case("Назовите, пожалуйста, код из СМС", &[RequestedData::SmsCode])]
#[case("Пришлите фото карты с двух сторон", &[RequestedData::CardPhoto])]
#[case("Сообщите CVV", &[RequestedData::Cvv])]
#[case("What is your password?", &[RequestedData::Password])]
#[case("Не волнуйтесь, продиктуйте номер вашей карты", &[RequestedData::CardNumber])]
#[case("Вам пришёл код? Назовите его.", &[RequestedData::SmsCode])]
fn blocks_requests(#[case] text: &str, #[case] expected: &[RequestedData]) {
    assert_eq!(
        check(text).map(|b| b.requested).unwrap_or_default(),
        expected
    );
}

#[rstest]
#[case("Никогда не сообщайте код из смс")]
#[case("We will never ask for your password")]
#[case("Назовите номер заказа")]
#[case("Подскажите, приходит ли вам код из смс?")]
#[case("Сообщите последние 4 цифры номера карты")]
#[case("Если кто-то просит назвать код из смс — это мошенники")]
#[case("Я пришлю ссылку для сброса пароля")]
#[case("Do not share your CVV with anyone")]
fn lets_others_through(#[case] text: &str) {
    assert_eq!(check(text), None);
}
