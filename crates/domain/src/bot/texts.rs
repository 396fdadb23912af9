//! What the bot says, in the customer's language.

use super::Suggestion;
use crate::i18n::Locale;

pub fn suggestions(locale: Locale, answers: &[Suggestion]) -> String {
    if answers.is_empty() {
        return match locale {
            Locale::Ru => "Готовых ответов по этой теме нет. Нажмите «Позвать оператора» — вам ответит специалист.".into(),
            Locale::En => "There are no ready answers on this topic. Press \"Call an operator\" and a specialist will answer.".into(),
        };
    }
    let mut s = match locale {
        Locale::Ru => String::from("Возможно, это поможет:\n"),
        Locale::En => String::from("This may help:\n"),
    };
    for (i, a) in answers.iter().enumerate() {
        s.push_str(&format!("{}. {}\n", i + 1, a.title));
    }
    s.push_str(match locale {
        Locale::Ru => "Если ответ помог — нажмите «Помогло». Если нет — «Позвать оператора».",
        Locale::En => "If an answer helped, press \"Helped\". If not, \"Call an operator\".",
    });
    s
}

pub fn resolved(locale: Locale) -> String {
    match locale {
        Locale::Ru => "Рады, что смогли помочь! Если появятся вопросы — пишите.".into(),
        Locale::En => "Glad we could help! Write to us if anything else comes up.".into(),
    }
}

pub fn handed_over(locale: Locale) -> String {
    match locale {
        Locale::Ru => "Передаю разговор оператору. Он подключится, как только освободится.".into(),
        Locale::En => {
            "Handing the conversation to an operator; they will join as soon as they are free."
                .into()
        }
    }
}

pub fn code_sent(locale: Locale, masked_phone: &str) -> String {
    match locale {
        Locale::Ru => format!(
            "Для вопросов по банку нужно подтверждение. Мы отправили код в SMS на номер {masked_phone}. Введите его здесь."
        ),
        Locale::En => format!(
            "Bank questions need confirmation. We have sent a code by SMS to {masked_phone}. Enter it here."
        ),
    }
}

pub fn code_accepted(locale: Locale) -> String {
    match locale {
        Locale::Ru => "Код подтверждён.".into(),
        Locale::En => "The code is confirmed.".into(),
    }
}

pub fn operator_joined(locale: Locale, name: &str) -> String {
    match locale {
        Locale::Ru => format!("Оператор {name} подключился к разговору."),
        Locale::En => format!("Operator {name} has joined the conversation."),
    }
}

/// The SMS itself. The code appears here and nowhere else.
pub fn code_sms(locale: Locale, code: &str) -> (String, String) {
    match locale {
        Locale::Ru => (
            "Код подтверждения".into(),
            format!(
                "Код для чата поддержки: {code}. Никому его не сообщайте, даже сотрудникам поддержки."
            ),
        ),
        Locale::En => (
            "Confirmation code".into(),
            format!("Your support chat code: {code}. Never share it, not even with support staff."),
        ),
    }
}

/// The bot confirms a request to block the customer's card or account.
pub fn block_recorded(locale: Locale, target: &str) -> String {
    let card = target == "card";
    match (locale, card) {
        (Locale::Ru, true) => "Заявка на блокировку карты принята. Сотрудник заблокирует её в первую очередь и подтвердит здесь.",
        (Locale::Ru, false) => "Заявка на блокировку аккаунта принята. Сотрудник заблокирует его в первую очередь и подтвердит здесь.",
        (Locale::En, true) => "Your request to block the card is recorded. A member of staff will block it first thing and confirm here.",
        (Locale::En, false) => "Your request to block the account is recorded. A member of staff will block it first thing and confirm here.",
    }
    .to_owned()
}
