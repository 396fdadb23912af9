//! The bot's menus in a messenger, as buttons: the lines, a line's topics,
//! the customer's orders and "not about an order", and under the bot's
//! answers "this helped" and "call an operator". What a button sends back
//! is short (Telegram allows 64 bytes) and parsed here, never trusted.

use switchboard_domain::catalog::Catalog;
use switchboard_domain::conversation::Button;
use switchboard_domain::csat::{self, Score};
use switchboard_domain::customer::{Customer, Order};
use switchboard_domain::i18n::Locale;

/// What a pressed button asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Press {
    /// The lines (start over).
    Menu,
    /// A line's topics.
    Line(String),
    Topic {
        line: String,
        topic: String,
    },
    /// An order, or `None`: "not about an order".
    Order(Option<String>),
    Helped,
    Operator,
    /// A 1–5 button under a rating request, with the request's token.
    Rate(Score, String),
}

impl Press {
    pub fn parse(data: &str) -> Option<Press> {
        let data = data.trim();
        match data {
            "m" => return Some(Press::Menu),
            "h" => return Some(Press::Helped),
            "c" => return Some(Press::Operator),
            "o:-" => return Some(Press::Order(None)),
            _ => {}
        }
        if data.starts_with("r:") {
            return csat::parse_rating_press(data).map(|(s, t)| Press::Rate(s, t));
        }
        if let Some(line) = data.strip_prefix("l:") {
            return code(line).then(|| Press::Line(line.to_owned()));
        }
        if let Some(order) = data.strip_prefix("o:") {
            return (!order.is_empty() && order.len() <= 40)
                .then(|| Press::Order(Some(order.to_owned())));
        }
        let (line, topic) = data.strip_prefix("t:")?.split_once(':')?;
        (code(line) && code(topic)).then(|| Press::Topic {
            line: line.to_owned(),
            topic: topic.to_owned(),
        })
    }
}

fn code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 30
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn say(locale: Locale, ru: &str, en: &str) -> String {
    match locale {
        Locale::Ru => ru.to_owned(),
        Locale::En => en.to_owned(),
    }
}

/// The lines a person may write about (a contact: every support line).
pub fn lines(
    catalog: &Catalog,
    customer: Option<&Customer>,
    locale: Locale,
) -> (String, Vec<Vec<Button>>) {
    let buttons = catalog
        .lines
        .iter()
        .filter(|l| match customer {
            Some(c) => l.serves(c.kind),
            None => l.support,
        })
        .map(|l| vec![Button::new(l.name.get(locale), format!("l:{}", l.code))])
        .collect();
    let text = say(
        locale,
        "Здравствуйте! Я бот поддержки. Выберите, с чем нужна помощь:",
        "Hello! I am the support bot. Choose what you need help with:",
    );
    (text, buttons)
}

/// A line's topics, and the way back.
pub fn topics(catalog: &Catalog, line: &str, locale: Locale) -> Option<(String, Vec<Vec<Button>>)> {
    let l = catalog.line(line)?;
    let mut buttons: Vec<Vec<Button>> = l
        .topics
        .iter()
        .map(|t| {
            vec![Button::new(
                t.name.get(locale),
                format!("t:{}:{}", l.code, t.code),
            )]
        })
        .collect();
    buttons.push(vec![back(locale)]);
    let text = say(locale, "Выберите тему:", "Choose a topic:");
    Some((text, buttons))
}

fn back(locale: Locale) -> Button {
    Button::new(say(locale, "« Все темы", "« All topics"), "m")
}

/// The customer's orders (the newest few) and "not about an order".
pub fn orders(orders: &[Order], locale: Locale) -> (String, Vec<Vec<Button>>) {
    let mut buttons: Vec<Vec<Button>> = orders
        .iter()
        .take(6)
        .map(|o| {
            let n = o.number.to_string();
            vec![Button::new(
                say(locale, &format!("Заказ {n}"), &format!("Order {n}")),
                format!("o:{n}"),
            )]
        })
        .collect();
    buttons.push(vec![Button::new(
        say(locale, "Вопрос не по заказу", "Question not about an order"),
        "o:-",
    )]);
    buttons.push(vec![back(locale)]);
    let text = say(
        locale,
        "Вопрос про заказ? Выберите его или нажмите «Вопрос не по заказу».",
        "Is it about an order? Pick it, or \"Question not about an order\".",
    );
    (text, buttons)
}

pub fn ask_question(locale: Locale) -> String {
    say(
        locale,
        "Напишите ваш вопрос одним сообщением — можно приложить фото или документ.",
        "Write your question in one message; you may attach a photo or a document.",
    )
}

/// Under the bot's answers while it has the conversation.
pub fn bot_buttons(locale: Locale) -> Vec<Vec<Button>> {
    vec![vec![
        Button::new(say(locale, "Помогло", "This helped"), "h"),
        Button::new(say(locale, "Позвать оператора", "Call an operator"), "c"),
    ]]
}

/// Files a messenger would not let the bot fetch.
pub fn too_large(locale: Locale, names: &[String], limit_mb: u64) -> String {
    let list = names.join(", ");
    match locale {
        Locale::Ru => format!(
            "Файл «{list}» больше {limit_mb} МБ: мессенджер не даёт боту его получить. Пришлите файл поменьше (или сожмите его), и мы его увидим."
        ),
        Locale::En => format!(
            "The file \"{list}\" is over {limit_mb} MB: the messenger does not let the bot fetch it. Please send a smaller file (or compress it)."
        ),
    }
}

/// How to link this messenger account: what the customer does in the cabinet.
const HOW_TO_LINK_RU: &str = "войдите в личный кабинет, откройте «Мессенджеры», нажмите «Получить код» и отправьте код сюда (в Telegram достаточно открыть ссылку из кабинета)";
const HOW_TO_LINK_EN: &str = "sign in to your account, open \"Messengers\", press \"Get a code\" and send the code here (in Telegram, just open the link shown there)";

/// An order topic chosen by someone whose account is not linked: how to
/// link, and that a general question needs nothing.
pub fn orders_unlinked(locale: Locale) -> (String, Vec<Vec<Button>>) {
    let text = match locale {
        Locale::Ru => format!(
            "Вопрос про заказ? Чтобы мы видели ваши заказы, привяжите этот аккаунт к профилю: {HOW_TO_LINK_RU}. Общий вопрос можно задать и так — нажмите «Вопрос не по заказу»."
        ),
        Locale::En => format!(
            "Is it about an order? For us to see your orders, link this account to your profile: {HOW_TO_LINK_EN}. A general question needs no link: press \"Question not about an order\"."
        ),
    };
    (text, orders(&[], locale).1)
}

/// A bank topic chosen by someone whose account is not linked.
pub fn link_first(locale: Locale) -> (String, Vec<Vec<Button>>) {
    let text = match locale {
        Locale::Ru => format!(
            "По банковским продуктам мы отвечаем только после входа: привяжите этот аккаунт к профилю — {HOW_TO_LINK_RU}. Общие вопросы можно задать в других темах."
        ),
        Locale::En => format!(
            "We answer about bank products only once you are signed in: link this account to your profile — {HOW_TO_LINK_EN}. General questions are welcome in the other topics."
        ),
    };
    (text, vec![vec![back(locale)]])
}

pub fn linked(locale: Locale, name: &str) -> String {
    match locale {
        Locale::Ru => format!(
            "Готово: этот аккаунт привязан к профилю «{name}». Теперь оператор видит ваш профиль и заказы."
        ),
        Locale::En => format!(
            "Done: this account is linked to the profile \"{name}\". The operator now sees your profile and orders."
        ),
    }
}

pub fn already_linked(locale: Locale) -> String {
    say(
        locale,
        "Этот аккаунт уже привязан к профилю. Чтобы привязать его к другому, сначала отвяжите его в личном кабинете («Мессенджеры»).",
        "This account is already linked to a profile. To link it to another one, unlink it first in your account (\"Messengers\").",
    )
}

pub fn wrong_code(locale: Locale) -> String {
    say(
        locale,
        "Код не подошёл: он неверный, устарел или уже использован. Получите новый в личном кабинете («Мессенджеры»).",
        "That code did not work: it is wrong, expired or already used. Get a new one in your account (\"Messengers\").",
    )
}

pub fn too_many_codes(locale: Locale) -> String {
    say(
        locale,
        "Слишком много неверных кодов. Попробуйте снова через час.",
        "Too many wrong codes. Please try again in an hour.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn button_data_parses_or_is_ignored() {
        assert_eq!(Press::parse("m"), Some(Press::Menu));
        assert_eq!(
            Press::parse("l:bank_retail"),
            Some(Press::Line("bank_retail".into()))
        );
        assert_eq!(
            Press::parse("t:marketplace:delivery"),
            Some(Press::Topic {
                line: "marketplace".into(),
                topic: "delivery".into()
            })
        );
        assert_eq!(Press::parse("o:-"), Some(Press::Order(None)));
        assert_eq!(
            Press::parse("o:12345"),
            Some(Press::Order(Some("12345".into())))
        );
        for bad in ["", "t:", "t:a", "l:", "l:DROP TABLE", "x", "t:a:b:c", "o:"] {
            assert_eq!(Press::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn every_demo_button_fits_telegram() {
        let catalog =
            Catalog::from_toml(include_str!("../../../../profiles/demo/catalog.toml")).unwrap();
        let (_, ls) = lines(&catalog, None, Locale::Ru);
        assert!(!ls.is_empty());
        for l in &catalog.lines {
            let (_, ts) = topics(&catalog, &l.code, Locale::Ru).unwrap();
            for b in ls.iter().chain(ts.iter()).flatten() {
                assert!(b.data.len() <= Button::MAX_DATA, "{}", b.data);
                assert!(Press::parse(&b.data).is_some(), "{}", b.data);
            }
        }
    }
}
