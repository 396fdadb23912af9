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

mod cues;
pub(crate) use cues::{CUES, Cue};

/// What, right before a number, says it is something else than a code.
static NUMBER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:заказ[а-я]*|номер[а-я]*|order|number|№|#|телефон[а-я]*|тел|phone|сумм[а-я]*|amount|рубл[а-я]*|артикул[а-я]*|квартир[а-я]*|дом|офис|отделени[а-я]*|пвз|индекс|ticket|обращени[а-я]*|заявк[а-я]*|id)[\s:.#№-]*(?:is|are|—|-)?\s*\z",
    )
    .expect("static regex")
});

/// What, right after a number, says it is a quantity.
static UNIT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\A\s?(?:₽|\$|€|%|р\.|р\b|руб|rub|usd|eur|шт|мин|сек|час|дн|день|дней|раз|год|лет|км|кг|г\.|min|sec|hour|day|time|year|x\b|х\b|-?го\b|-?й\b)",
    )
    .expect("static regex")
});

/// "карта заканчивается на 4455", "ending in 4242": the visible tail of a
/// card, not a code.
static CARD_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:заканчивается на|оканчивается на|ending in|ends with|ends in|последние (?:4|четыре) цифры|last (?:4|four) digits(?: are)?)\s*\z")
        .expect("static regex")
});

/// Before a bare "код"/"code": a code that is not a secret ("код ошибки",
/// "error code", "промокод", "код домофона").
static OTHER_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:error|ошибк[а-я]*|status|статус[а-я]*|промо|promo|купон[а-я]*|coupon|gift|подарочн[а-я]*|товар[а-я]*|region|регион[а-я]*|домофон[а-я]*|подъезд[а-я]*|discount|скидочн[а-я]*|post|почтов[а-я]*|zip|qr|бар)[\s-]*\z")
        .expect("static regex")
});

const PASSWORD_STOPWORDS: &[&str] = &[
    "не",
    "нет",
    "неверный",
    "неверно",
    "неправильный",
    "неправильно",
    "правильный",
    "забыл",
    "забыла",
    "сброшен",
    "сбросить",
    "восстановить",
    "поменять",
    "сменить",
    "изменить",
    "я",
    "мне",
    "меня",
    "мой",
    "свой",
    "от",
    "для",
    "и",
    "а",
    "но",
    "уже",
    "все",
    "тоже",
    "точно",
    "был",
    "была",
    "было",
    "будет",
    "стал",
    "слишком",
    "очень",
    "теперь",
    "сейчас",
    "снова",
    "опять",
    "никто",
    "никому",
    "заблокирован",
    "устарел",
    "истек",
    "ввожу",
    "ввел",
    "который",
    "что",
    "как",
    "где",
    "когда",
    "так",
    "не подходит",
    "приходит",
    "пришел",
    "подходит",
    "верный",
    "новый",
    "старый",
    "с",
    "в",
    "на",
    "по",
    "к",
    "у",
    "из",
    "при",
    "через",
    "not",
    "wrong",
    "incorrect",
    "invalid",
    "expired",
    "correct",
    "right",
    "too",
    "very",
    "the",
    "a",
    "an",
    "my",
    "your",
    "being",
    "been",
    "no",
    "still",
    "now",
    "blocked",
    "locked",
    "reset",
    "changed",
    "saved",
    "required",
    "lost",
    "forgotten",
    "forgot",
    "weak",
    "strong",
    "ok",
    "okay",
    "fine",
    "same",
    "different",
    "case",
    "long",
    "short",
    "empty",
    "there",
    "here",
    "in",
    "on",
    "at",
    "for",
    "from",
    "of",
    "and",
    "or",
    "that",
    "this",
    "it",
    "what",
    "doesn't",
    "does",
    "isn't",
    "won't",
    "working",
    "new",
    "old",
    "to",
    "is",
    "with",
    "but",
    "again",
    "always",
    "never",
    "also",
    "just",
    "only",
    "definitely",
    "probably",
    "же",
    "тот",
    "та",
    "такой же",
    "прежний",
    "как",
    "sent",
    "needed",
];

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
        // "код"/"пин"/"pin" must be whole words ("кодовое", "pinned").
        if matches!(cue, Cue::BareCode | Cue::Pin) && !ends_word(folded, hit.span.end) {
            continue;
        }
        cues.push((hit.span.clone(), cue));
    }
    if cues.is_empty() {
        return;
    }
    let taken: Vec<Range<usize>> = out.iter().map(|f| f.span.clone()).collect();
    if has_digits {
        for token in digit_tokens(folded) {
            if taken
                .iter()
                .any(|t| t.start < token.end && token.start < t.end)
            {
                continue;
            }
            if let Some(kind) = classify_number(folded, token.clone(), &cues) {
                out.push(SensitiveFinding { kind, span: token });
            }
        }
    }
    for (span, cue) in &cues {
        if matches!(cue, Cue::Password | Cue::Credentials) {
            password_after(text, folded, span.end, *cue == Cue::Credentials, out);
        }
    }
}

/// Standalone runs of 3–8 ASCII digits that are not part of a longer number,
/// a decimal, a time, a date, a phone or an identifier.
fn digit_tokens(folded: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let b = folded.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            let skip = b[i..].iter().position(u8::is_ascii_digit)?;
            let start = i + skip;
            let mut end = start;
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            i = end;
            if !(3..=8).contains(&(end - start)) || !standalone(folded, start, end) {
                continue;
            }
            return Some(start..end);
        }
        None
    })
}

fn standalone(folded: &str, start: usize, end: usize) -> bool {
    let b = folded.as_bytes();
    let prev = |k: usize| start.checked_sub(k).and_then(|p| b.get(p)).copied();
    let next = |k: usize| b.get(end + k - 1).copied();
    let glued = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'+');
    let joins = |sep: Option<u8>, digit: Option<u8>| {
        matches!(sep, Some(b'.' | b',' | b':' | b'/' | b'-' | b' '))
            && digit.is_some_and(|d| d.is_ascii_digit())
    };
    let letter_after = folded
        .get(end..)
        .and_then(|t| t.chars().next())
        .is_some_and(crate::normalize::is_letter);
    let identifier = |sep: Option<u8>, other: Option<u8>| {
        matches!(sep, Some(b'-' | b'_' | b'/')) && other.is_some_and(|c| c.is_ascii_alphabetic())
    };
    !glued(prev(1))
        && !identifier(prev(1), prev(2))
        && !identifier(next(1), next(2))
        && !glued(next(1))
        && !letter_after
        && !crate::normalize::before(folded, start, 4)
            .chars()
            .next_back()
            .is_some_and(crate::normalize::is_letter)
        && !joins(prev(1), prev(2))
        && !joins(next(1), next(2))
}

fn classify_number(
    folded: &str,
    token: Range<usize>,
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
    let len = token.end - token.start;
    let head = before(folded, token.start, 16);
    let mut best: Option<(usize, Cue)> = None;
    for (span, cue) in cues {
        let distance = if span.end <= token.start {
            let gap = folded.get(span.end..token.start).unwrap_or(".");
            let direct = gap.trim_matches(|c: char| c.is_whitespace() || ":=—–-".contains(c));
            if *cue == Cue::BareCode
                && (!(direct.is_empty() || direct == "это" || direct == "is")
                    || OTHER_CODE.is_match(before(folded, span.start, 24)))
            {
                continue;
            }
            if gap.len() > 48
                || has_break(gap)
                || (!direct.is_empty() && NUMBER_LABEL.is_match(head))
            {
                continue;
            }
            gap.len()
        } else if span.start >= token.end {
            // Only "4821 — код из смс", "530 это cvv": a cue after the number
            // names it only when nothing but a dash or "это" stands between.
            let gap = folded.get(token.end..span.start).unwrap_or(".");
            let direct = gap.trim_matches(|c: char| c.is_whitespace() || "—–-:".contains(c));
            if *cue == Cue::BareCode || !(direct.is_empty() || direct == "это" || direct == "is")
            {
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
        Cue::Otp | Cue::BareCode => Some(SensitiveKind::OneTimeCode),
        Cue::Pin => Some(SensitiveKind::Pin),
        Cue::Password | Cue::Credentials => None,
    }
}

fn fits(cue: Cue, len: usize) -> bool {
    match cue {
        Cue::Cvv => (3..=4).contains(&len),
        Cue::Otp | Cue::BareCode => (4..=8).contains(&len),
        Cue::Pin => (4..=6).contains(&len),
        Cue::Password | Cue::Credentials => false,
    }
}

/// A sentence break between a cue and a number cuts the link between them.
fn has_break(gap: &str) -> bool {
    gap.bytes()
        .any(|b| matches!(b, b'.' | b'!' | b'?' | b'\n' | b';'))
}

mod password;
use password::password_after;
