//! CVV/CVC codes, one-time codes, PINs and passwords in customer messages.
//!
//! A short number is a secret only because of the words around it, so the
//! search starts from *cues* ("cvv", "код из смс", "пароль"), found in one
//! Aho–Corasick pass over the folded text, and then looks at the nearest short
//! number or token. A number the customer labelled as something else ("заказ
//! 123456", "1500 ₽", "15 минут") is never taken for a code.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::keywords::{Hit, Keyword};
use crate::normalize::{after, before, ends_word};
use crate::{SensitiveFinding, SensitiveKind};

mod canon;
mod cues;
mod forms;
mod joined;
mod numbers;
pub(crate) use canon::Hints;
pub(crate) use cues::{Cue, all as all_cues};

/// What, right before a number, says it is something else than a code: a
/// label ("заказ", "телефон"), a money verb ("списали", "сняли": an
/// amount) or a preposition of time ("в 1430", "к 1800").
static NUMBER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:№|#|\b(?:заказ[а-я]*|номер[а-я]*|order|number|телефон[а-я]*|тел|phone|сумм[а-я]*|amount|рубл[а-я]*|артикул[а-я]*|квартир[а-я]*|дом|офис|отделени[а-я]*|пвз|индекс|ticket|обращени[а-я]*|заявк[а-я]*|id|списал[а-я]*|списан[а-я]*|спиш[а-я]*|снял[а-я]*|сняти[а-я]*|сним[а-я]*|оплачен[а-я]*|заплатил[а-я]*|стоит|стоимост[а-я]*|цен[аоуы]|charged|paid|в|к|до|от|после|около|at|by))[\s:.#№-]*(?:is|are|—|-)?\s*\z",
    )
    .expect("static regex")
});

/// What, right after a number, says it is a quantity or a price ("5000 за
/// заказ").
static UNIT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\A\s?(?:₽|\$|€|%|р\.|р\b|руб|rub|usd|eur|шт|мин|сек|час|дн|день|дней|раз|год|лет|км|кг|г\.|min|sec|hour|day|time|year|x\b|х\b|-?го\b|-?й\b|за\b|списан|списал|снял|сняти|спис|charged|debited)",
    )
    .expect("static regex")
});

/// Before "смс"/"сообщение": the message is named as carrying something
/// else ("номер заказа из смс", "трек в сообщении").
static SMS_ABOUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:номер|заказ|трек|брон|сумм|order|track|ссылк)[а-яa-z]*\s+(?:из|в|по|from|in)?\s*\z",
    )
    .expect("static regex")
});

/// Between "пароль" and its digits: the password belongs to a card or an
/// ATM ("от карты", "к карточке", "для банкомата").
static CARD_OWNER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:от|к|для|ot|dlya)\s+(?:карт|карточк|банкомат|kart|bankomat|card)")
        .expect("static regex")
});

/// "карта заканчивается на 4455", "ending in 4242": the visible tail of a
/// card, not a code.
static CARD_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:заканчивается на|оканчивается на|ending in|ends with|ends in|последние (?:4 |четыре )?цифры|last (?:4|four) digits(?: are)?)\s*\z")
        .expect("static regex")
});

/// Before a bare "код"/"code": a code that is not a secret ("код ошибки",
/// "error code", "промокод", "код домофона").
static OTHER_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:error|ошибк[а-я]*|status|статус[а-я]*|промо|promo|купон[а-я]*|coupon|gift|подарочн[а-я]*|товар[а-я]*|region|регион[а-я]*|домофон[а-я]*|подъезд[а-я]*|discount|скидочн[а-я]*|post|почтов[а-я]*|zip|qr|бар)[\s-]*\z")
        .expect("static regex")
});

/// Appends findings for CVVs, one-time codes, PINs and passwords. Spans
/// already in `out` (card numbers) are not claimed twice.
pub(crate) fn find(
    text: &str,
    folded: &str,
    hits: &[Hit],
    has_digits: bool,
    out: &mut Vec<SensitiveFinding>,
) {
    let mut cues: Vec<(Range<usize>, Cue)> = Vec::new();
    for hit in hits {
        let Keyword::Secret(cue) = hit.keyword else {
            continue;
        };
        // Single-word cues must be whole words ("кодовое", "pinned",
        // "паролем" is not "парол"); a cue ending in ":" is whole already.
        let ends_in_letter = folded[..hit.span.end]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic);
        let single = matches!(cue, Cue::BareCode | Cue::Pin | Cue::Sms | Cue::Password);
        // "код2471", "пин4802": a cue typed without the space before its
        // digits is still a whole word.
        let glued = ends_in_letter && numbers::glued(folded, hit.span.end).is_some();
        if single && ends_in_letter && !ends_word(folded, hit.span.end) && !glued {
            continue;
        }
        cues.push((hit.span.clone(), cue));
    }
    if cues.is_empty() {
        return;
    }
    let taken: Vec<Range<usize>> = out.iter().map(|f| f.span.clone()).collect();
    if has_digits {
        let mut candidates = numbers::numbers(folded);
        for (span, _) in &cues {
            let after_letter = folded[..span.end]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic);
            if let Some(number) = numbers::glued(folded, span.end).filter(|_| after_letter)
                && !candidates.iter().any(|n| n.span == number.span)
            {
                candidates.push(number);
            }
        }
        candidates.sort_by_key(|n| n.span.start);
        for number in &candidates {
            let token = number.span.clone();
            if taken
                .iter()
                .chain(out.iter().map(|f| &f.span))
                .any(|t| t.start < token.end && token.start < t.end)
            {
                continue;
            }
            if let Some(kind) = classify_number(folded, token.clone(), number.digits, &cues) {
                out.push(SensitiveFinding { kind, span: token });
            }
        }
        joined::and_the_next(folded, &candidates, out);
    }
    // A password of digits that came by SMS is a one-time code: "пришел
    // пароль 1870 по смс".
    let by_sms = cues.iter().any(|(_, c)| *c == Cue::Sms);
    for (span, cue) in &cues {
        if matches!(cue, Cue::Password | Cue::Credentials) {
            let from = out.len();
            password_after(text, folded, span.end, *cue == Cue::Credentials, out);
            for f in &mut out[from..] {
                let digits = &text[f.span.clone()];
                let digits_only = digits.bytes().all(|b| b.is_ascii_digit());
                // "пароль для входа пришел 8080": a password that arrived
                // is a code sent to the customer, not one they chose.
                let arrived = folded
                    .get(span.end..f.span.start)
                    .is_some_and(forms::arrived);
                if (by_sms || arrived) && digits_only {
                    f.kind = SensitiveKind::OneTimeCode;
                } else if digits_only
                    && (4..=6).contains(&digits.len())
                    && CARD_OWNER.is_match(folded.get(span.end..f.span.start).unwrap_or(""))
                {
                    // "пароль от карты 4455": the card's password is its PIN.
                    f.kind = SensitiveKind::Pin;
                }
            }
            // A number already read as a code ("пароль пришел 3826") is
            // not found twice.
            let mut i = from;
            while i < out.len() {
                let span = out[i].span.clone();
                if out[..from]
                    .iter()
                    .any(|o| o.span.start < span.end && span.start < o.span.end)
                {
                    out.remove(i);
                } else {
                    i += 1;
                }
            }
        }
    }
}

/// Appends the findings of a second reading of `text` with the disguises of
/// `canon.rs` undone (two keyboard layouts in a word, stretched letters,
/// keycap digits), where it differs; spans found already are kept.
/// `hints`: what the pipeline's single pass already saw (see `crate::lex`).
pub(crate) fn find_disguised(text: &str, hints: Hints, out: &mut Vec<SensitiveFinding>) {
    if !canon::worth_reading(text, hints) {
        return;
    }
    let reading = canon::read(text);
    if reading.text == text {
        return;
    }
    let folded = crate::normalize::fold(&reading.text);
    let hits = crate::keywords::scan(&folded);
    let mut found = Vec::new();
    find(&reading.text, &folded, &hits, true, &mut found);
    for f in found {
        let span = reading.span(f.span);
        if !out
            .iter()
            .any(|o| o.span.start < span.end && span.start < o.span.end)
        {
            out.push(SensitiveFinding { kind: f.kind, span });
        }
    }
}

/// Words that may stand between a cue and its code without cutting the
/// link: "пришло смс с 4821", "код пришел 3030", "the sms said 8765".
const LINKING_WORDS: &[&str] = &[
    "пришло",
    "пришла",
    "пришел",
    "пришёл",
    "пришли",
    "прислали",
    "с",
    "со",
    "кодом",
    "код",
    "такой",
    "такое",
    "такая",
    "вот",
    "было",
    "написано",
    "это",
    "is",
    "said",
    "with",
    "came",
    "code",
    "kod",
    "kodom",
    "s",
    "вам",
    "тебе",
    "нужен",
    "нужна",
    "нужно",
    "надо",
    "держите",
    "цифрами",
    "цифры",
    "цифра",
    "they",
    "sent",
    "me",
    "was",
    "got",
    "it",
    "prishla",
    "prishel",
    "prishlo",
    "a",
];

/// Whether `gap` is punctuation and linking words only ("вам нужен? вот").
fn linked(gap: &str) -> bool {
    gap.split(|c: char| c.is_whitespace() || ":=—–-,?".contains(c))
        .filter(|w| !w.is_empty())
        .all(|w| {
            LINKING_WORDS.contains(&w) || forms::links(w) || !w.chars().any(char::is_alphanumeric)
        })
}

fn classify_number(
    folded: &str,
    token: Range<usize>,
    len: usize,
    cues: &[(Range<usize>, Cue)],
) -> Option<SensitiveKind> {
    if UNIT_AFTER.is_match(after(folded, token.end, 12))
        || CARD_TAIL.is_match(before(folded, token.start, 48))
        || after(folded, token.end, 16)
            .trim_start()
            .starts_with("на конце")
    {
        return None;
    }
    let head = before(folded, token.start, 16);
    let mut best: Option<(usize, Cue)> = None;
    for (span, cue) in cues {
        // "временный пароль пришел 3826": a password that arrived with its
        // digits after it is a one-time code.
        let cue = &match (*cue, folded.get(span.end..token.start)) {
            (Cue::Password, Some(gap)) if password::arrived(gap) => Cue::Otp,
            (cue, _) => cue,
        };
        let distance = if span.end <= token.start {
            let gap = folded.get(span.end..token.start).unwrap_or(".");
            if gap.len() > 48 {
                continue;
            }
            let direct = gap.trim_matches(|c: char| c.is_whitespace() || ":=—–-".contains(c));
            if matches!(cue, Cue::BareCode | Cue::Sms)
                && (!linked(gap) || OTHER_CODE.is_match(before(folded, span.start, 24)))
            {
                continue;
            }
            // "номер заказа из смс 66120": the message carried an order number.
            if *cue == Cue::Sms && SMS_ABOUT.is_match(before(folded, span.start, 40)) {
                continue;
            }
            // A question about the code and its answer ("код нужен? 4821")
            // is one statement.
            let question = linked(gap) && !has_break(&gap.replace('?', " "));
            let broken = has_break(gap) && !question;
            if gap.len() > 48 || broken || (!direct.is_empty() && NUMBER_LABEL.is_match(head)) {
                continue;
            }
            gap.len()
        } else if span.start >= token.end {
            // Only "4821 — код из смс", "530 это cvv": a cue after the number
            // names it only when nothing but a dash or "это" stands between.
            let gap = folded.get(token.end..span.start).unwrap_or(".");
            let direct = gap.trim_matches(|c: char| c.is_whitespace() || "—–-:".contains(c));
            let named = direct.is_empty() || direct == "это" || direct == "is";
            // "5531 пришло в смс", "4410 прислали кодом": the number, then how
            // it came, when nothing labels the number as something else.
            let arrived = matches!(cue, Cue::Sms | Cue::Otp)
                && !direct.is_empty()
                && gap.len() <= 32
                && linked(gap)
                && !has_break(gap)
                && !NUMBER_LABEL.is_match(head)
                && unlabelled(head);
            if !(arrived || (named && !matches!(cue, Cue::BareCode | Cue::Sms))) {
                continue;
            }
            gap.len() + 8
        } else {
            continue;
        };
        if best.is_none_or(|(d, _)| distance < d) && fits(*cue, len) {
            best = Some((distance, *cue));
        }
    }
    match best?.1 {
        Cue::Cvv => Some(SensitiveKind::Cvv),
        Cue::Otp | Cue::BareCode | Cue::Sms => Some(SensitiveKind::OneTimeCode),
        Cue::Pin => Some(SensitiveKind::Pin),
        Cue::Password | Cue::Credentials => None,
    }
}

fn fits(cue: Cue, len: usize) -> bool {
    match cue {
        Cue::Cvv => (3..=4).contains(&len),
        Cue::Otp | Cue::BareCode | Cue::Sms => (4..=8).contains(&len),
        Cue::Pin => (4..=6).contains(&len),
        Cue::Password | Cue::Credentials => false,
    }
}

/// Whether the word right before a number, if any, leaves it unnamed
/// ("вот 5531", "5531" at the start), unlike "заказ 5531" or "кв 5531".
fn unlabelled(head: &str) -> bool {
    let word = head
        .trim_end()
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    word.is_empty()
        || matches!(word, "вот" | "это" | "ну" | "так" | "here" | "it")
        || ENTERED.iter().any(|stem| word.starts_with(stem))
}

/// Verbs of typing or getting a code: the number after them is what was
/// typed or got ("ввела 5544 из смс", "получил 3310 в пуше").
const ENTERED: &[&str] = &[
    "ввел",
    "ввёл",
    "ввож",
    "ввод",
    "вбил",
    "вбива",
    "набрал",
    "набира",
    "получил",
    "получаю",
    "entered",
    "typed",
    "got",
    "received",
    "vvel",
    "vvela",
];

/// A sentence break between a cue and a number cuts the link between them.
fn has_break(gap: &str) -> bool {
    gap.bytes()
        .any(|b| matches!(b, b'.' | b'!' | b'?' | b'\n' | b';'))
}

mod password;
use password::password_after;

#[cfg(test)]
mod tests;
