//! Card numbers: 13–19 digits written the way cards are written, Luhn-valid.
//!
//! The hard part is what must *not* be masked. Phones, amounts, dates and most
//! order numbers are ruled out by shape alone: a phone starts with `+` or has
//! 10–12 digits, an amount is grouped by three or has a decimal part, a date
//! has 8 digits. What shape cannot separate — a long order or tracking number
//! that happens to pass Luhn (one in ten does) — is separated by the label the
//! customer put right before it ("заказ №", "трек-номер", "order #", "IBAN").
//! A card word ("карта", "card", "visa") before the number beats any label.

use std::sync::LazyLock;

use regex::Regex;

use crate::normalize::before;
use crate::{SensitiveFinding, SensitiveKind};

/// Longest run of digit groups examined at once; longer runs are split.
const MAX_GROUPS: usize = 24;
pub(crate) const MIN_DIGITS: usize = 13;
const MAX_DIGITS: usize = 19;
/// How far back (bytes of folded text) a label may stand.
const LABEL_WINDOW: usize = 48;

/// Labels that say "the number after me is not a card".
static NOT_A_CARD_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?: заказ[а-я]* | order[a-z]* | трек[а-я]* | track[a-z]* | накладн[а-я]* | отправлени[а-я]*
          | отслеживани[а-я]* | шпи | посылк[а-я]* | parcel | shipment | awb | waybill
          | инн | огрн[а-я]* | снилс[а-я]* | бик | кпп | окпо | оквэд
          | сч[её]т[а-я]* | р/с | к/с | л/с | account | acct | iban | swift | bic
          | договор[а-я]* | контракт[а-я]* | полис[а-я]* | артикул[а-я]* | sku | id | ticket[a-z]*
          | обращени[а-я]* | заявк[а-я]* | тикет[а-я]* | брон[а-я]* | booking | reference | ref | pnr
          | билет[а-я]* | invoice | квитанци[а-я]* | чек[а-я]* | receipt | паспорт[а-я]* | passport
          | телефон[а-я]* | phone | тел | моб[а-я]* | imei | серийн[а-я]* | serial | штрих[а-я-]* | barcode
          | номер\s+отправлени[а-я]* | код\s+товара
          | № | \# )
        [\s:.\#№-]*
        (?: номер[а-я]* | number | no | nr | № | \# )?
        [\s:.\#№-]*
        \z",
    )
    .expect("static regex")
});

/// A card word close before the number: the customer is talking about a card.
static CARD_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"карт|card|visa|виза|master|мастер|maestro|маэстро|\bмир\b|amex|unionpay|юнион")
        .expect("static regex")
});

/// An IBAN-like identifier ("DE89 3704…", "GB29 NWBK 6016…") ending right
/// before the digits: letters-and-digits groups, not a card.
static IBAN_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^a-z0-9])[a-z]{2}[0-9]{2}(?:[ ]?[a-z0-9]{4}){0,8}[ ]?\z")
        .expect("static regex")
});

#[derive(Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    tainted: bool,
}

impl Group {
    fn len(&self) -> usize {
        self.end - self.start
    }
}

/// Appends a finding for every card number in `text` (and for a CVV written
/// right after it in the same run of digits, "4276 3800 1234 5678 123").
pub(crate) fn find(text: &str, folded: &str, out: &mut Vec<SensitiveFinding>) {
    let bytes = text.as_bytes();
    let mut groups: Vec<Group> = Vec::with_capacity(8);
    let mut i = 0;
    while i < bytes.len() {
        let Some(skip) = bytes[i..].iter().position(u8::is_ascii_digit) else {
            break;
        };
        i += skip;
        groups.clear();
        loop {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            groups.push(Group {
                start,
                end: i,
                tainted: false,
            });
            let sep = separator_len(bytes, i);
            let next_is_digit = bytes.get(i + sep).is_some_and(u8::is_ascii_digit);
            if sep == 0 || !next_is_digit || groups.len() == MAX_GROUPS {
                break;
            }
            i += sep;
        }
        let digits: usize = groups.iter().map(Group::len).sum();
        if digits < MIN_DIGITS {
            continue;
        }
        // Digits glued to Latin letters or behind '+' are identifiers or phones
        // ("RA123456789RU", "DE89…", "+7 916…"): the whole run is not a card.
        let first = groups[0];
        let prev = first.start.checked_sub(1).map(|p| bytes[p]);
        if matches!(prev, Some(b) if b.is_ascii_alphabetic() || b == b'+') {
            continue;
        }
        if is_fraction_side(bytes, first.start, true) {
            groups[0].tainted = true;
        }
        let last = groups.len() - 1;
        let next = bytes.get(groups[last].end).copied();
        if matches!(next, Some(b) if b.is_ascii_alphabetic())
            || is_fraction_side(bytes, groups[last].end, false)
        {
            groups[last].tainted = true;
        }
        scan_windows(text, folded, &groups, out);
    }
}

/// Length in bytes of 1–3 separator characters at `at` (space, dash,
/// no-break or thin space, non-breaking hyphen, en dash), or 0.
fn separator_len(bytes: &[u8], at: usize) -> usize {
    let mut len = 0;
    for _ in 0..3 {
        let rest = &bytes[(at + len).min(bytes.len())..];
        let one = match rest {
            [b' ' | b'-', ..] => 1,
            [0xC2, 0xA0, ..] => 2,
            [0xE2, 0x80, 0x89 | 0xAF | 0x91 | 0x93, ..] => 3,
            _ => break,
        };
        len += one;
    }
    len
}

/// True when the digits starting (or ending) at `at` are the other side of a
/// decimal point or time/date separator: "1 250 000,00", "12.05.2024", "4:30".
fn is_fraction_side(bytes: &[u8], at: usize, leading: bool) -> bool {
    let (sep, digit) = if leading {
        (at.checked_sub(1), at.checked_sub(2))
    } else {
        (Some(at), Some(at + 1))
    };
    let sep = sep.and_then(|p| bytes.get(p)).copied();
    let digit = digit.and_then(|p| bytes.get(p)).copied();
    matches!(sep, Some(b'.' | b',' | b':' | b'/')) && digit.is_some_and(|d| d.is_ascii_digit())
}

fn scan_windows(text: &str, folded: &str, groups: &[Group], out: &mut Vec<SensitiveFinding>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < groups.len() {
        if groups[i].tainted {
            i += 1;
            continue;
        }
        let mut best = None;
        let mut total = 0;
        for j in i..groups.len() {
            if groups[j].tainted {
                break;
            }
            total += groups[j].len();
            if total > MAX_DIGITS {
                break;
            }
            let window = &groups[i..=j];
            if total >= MIN_DIGITS
                && layout_ok(window)
                && luhn_valid(&bytes[groups[i].start..groups[j].end])
            {
                best = Some(j);
            }
        }
        let Some(j) = best else {
            i += 1;
            continue;
        };
        let start = groups[i].start;
        if labelled_not_a_card(folded, start) {
            i = j + 1;
            continue;
        }
        out.push(SensitiveFinding {
            kind: SensitiveKind::CardNumber,
            span: start..groups[j].end,
        });
        i = j + 1;
        if let Some(cvv) = groups.get(i)
            && (3..=4).contains(&cvv.len())
            && !cvv.tainted
            && i + 1 == groups.len()
        {
            out.push(SensitiveFinding {
                kind: SensitiveKind::Cvv,
                span: cvv.start..cvv.end,
            });
            i += 1;
        }
    }
}

/// Group lengths a card is written in: one block, 4-4-4-4(-1..4), or two or
/// three blocks of at least four (Amex 4-6-5, Diners 4-6-4, "42763800 12345678").
/// Anything else (3-digit groups of amounts, 8-4-1 postings) is not a card.
fn layout_ok(window: &[Group]) -> bool {
    let lens = || window.iter().map(Group::len);
    let n = window.len();
    match n {
        1 => true,
        2 | 3 if lens().all(|l| l >= 4) => true,
        _ if n >= 4 => {
            let last = window[n - 1].len();
            lens().take(n - 1).all(|l| l == 4) && (1..=4).contains(&last)
        }
        _ => false,
    }
}

fn labelled_not_a_card(folded: &str, start: usize) -> bool {
    let head = before(folded, start, LABEL_WINDOW);
    if CARD_WORD.is_match(head) {
        return false;
    }
    NOT_A_CARD_LABEL.is_match(head) || IBAN_PREFIX.is_match(head)
}

/// The Luhn checksum over the ASCII digits of `digits`, ignoring separators.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    let mut double = false;
    let mut count = 0;
    for &b in digits.iter().rev() {
        if !b.is_ascii_digit() {
            continue;
        }
        let mut d = u32::from(b - b'0');
        if double {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
        double = !double;
        count += 1;
    }
    count > 0 && sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold;
    use rstest::rstest;

    fn cards(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find(text, &fold(text), &mut out);
        out.iter()
            .filter(|f| f.kind == SensitiveKind::CardNumber)
            .map(|f| &text[f.span.clone()])
            .collect()
    }

    #[rstest]
    #[case("карта 4276 3800 1234 5679", &["4276 3800 1234 5679"])]
    #[case("4276380012345679", &["4276380012345679"])]
    #[case("4276-3800-1234-5679, срок 12/27", &["4276-3800-1234-5679"])]
    #[case("amex 3782 822463 10005", &["3782 822463 10005"])]
    #[case("diners 3056 930902 5904", &["3056 930902 5904"])]
    #[case("мир 2200 7001 2345 6789 02", &["2200 7001 2345 6789 02"])]
    #[case("заказ № 4276380012345679", &[])]
    #[case("оплатил картой 4276 3800 1234 5679 заказ 123", &["4276 3800 1234 5679"])]
    #[case("трек-номер 80081234567892", &[])]
    #[case("+7 916 123-45-67", &[])]
    #[case("сумма 1 250 000 000 000 ₽", &[])]
    #[case("IBAN DE89 3704 0044 0532 0130 00", &[])]
    #[case("4276 3800 1234 5671", &[])]
    fn finds_cards(#[case] text: &str, #[case] expected: &[&str]) {
        assert_eq!(cards(text), expected);
    }

    #[test]
    fn luhn() {
        assert!(luhn_valid(b"4276 3800 1234 5679"));
        assert!(!luhn_valid(b"4276 3800 1234 5671"));
        assert!(!luhn_valid(b""));
    }
}
