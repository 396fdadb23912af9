//! Properties of masking that must hold for any text: no Luhn-valid card
//! number survives, and text without findings passes through unchanged.

use proptest::prelude::*;
use switchboard_hygiene::{find_sensitive, inspect_customer_message, luhn_valid, mask_sensitive};

/// The contiguous 13–19 digit runs of `text` that pass Luhn.
fn luhn_runs(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|run| (13..=19).contains(&run.len()) && luhn_valid(run.as_bytes()))
        .map(str::to_owned)
        .collect()
}

/// A Luhn-valid card number of 13–19 digits.
fn card_number() -> impl Strategy<Value = String> {
    (12usize..=18, proptest::collection::vec(0u8..10, 18)).prop_map(|(len, digits)| {
        let body: String = digits[..len].iter().map(|d| char::from(b'0' + d)).collect();
        (0..10u8)
            .map(|d| format!("{body}{d}"))
            .find(|n| luhn_valid(n.as_bytes()))
            .unwrap_or_default()
    })
}

/// The number as people write it: plain, in fours with spaces or dashes.
fn written(number: String, style: u8) -> String {
    let groups: Vec<String> = number
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    match style % 3 {
        0 => number,
        1 => groups.join(" "),
        _ => groups.join("-"),
    }
}

/// Everyday words around the number; no labels that excuse a number from
/// masking ("заказ №", "трек", "IBAN"), which is what the property is about.
fn filler() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "карта",
        "оплатил",
        "списали",
        "верните",
        "деньги",
        "please",
        "refund",
        "my",
        "card",
        "—",
        ",",
        ".",
        "!",
        "ok",
        "сегодня",
        "срок",
        "12/27",
        "500",
        "₽",
        "руб",
        "и",
        "на",
    ]);
    proptest::collection::vec(words, 0..6).prop_map(|w| w.join(" "))
}

proptest! {
    #[test]
    fn a_card_number_never_survives(before in filler(), number in card_number(), style in 0u8..3, after in filler()) {
        let text = format!("{before} {} {after}", written(number.clone(), style));
        let masked = mask_sensitive(&text);
        prop_assert!(!masked.contains(&number), "{masked}");
        prop_assert!(luhn_runs(&masked).is_empty(), "{masked}");
        let report = inspect_customer_message(&text);
        prop_assert!(!report.masked_text.contains(&number));
        prop_assert!(!report.display_text.contains(&number));
    }

    /// Dense digit soup, separated by spaces, dashes and Cyrillic words
    /// (Latin letters glued to digits make an identifier such as "RA123…RU",
    /// and a digit-dot-digit run a decimal: both are exempt by design). The
    /// words are drawn from letters no label is spelt with: a random "кпп",
    /// "инн" or "чек" before the number is a label that exempts it by design.
    #[test]
    fn no_luhn_valid_run_survives_in_digit_soup(text in "[0-9]{0,20}([ -]{1,2}[0-9]{1,20}| [аежуфхцщыэюя]{1,6} [0-9]{0,20}){0,6}") {
        prop_assert!(luhn_runs(&mask_sensitive(&text)).is_empty(), "{}", mask_sensitive(&text));
    }

    #[test]
    fn text_without_findings_is_unchanged(text in "\\PC{0,120}") {
        if find_sensitive(&text).is_empty() {
            prop_assert_eq!(mask_sensitive(&text), text);
        }
    }

    /// Words typed in two layouts, stretched letters, letters whose case
    /// forms differ in width and keycap digits: the second reading of the
    /// secrets detector maps its findings back onto the original.
    #[test]
    fn disguised_cues_keep_spans_in_the_original(text in "([kKкКoоOОдcсmм\u{212A}\u{130} ]{1,8}[0-9 \u{FE0F}\u{20E3}-]{0,10}){1,4}") {
        for finding in find_sensitive(&text) {
            prop_assert!(text.get(finding.span.clone()).is_some());
        }
        let masked = mask_sensitive(&text);
        prop_assert!(!masked.is_empty() || text.is_empty());
    }

    #[test]
    fn spans_are_char_boundaries_in_the_original(text in "\\PC{0,120}") {
        for finding in find_sensitive(&text) {
            prop_assert!(text.get(finding.span.clone()).is_some());
        }
        let report = inspect_customer_message(&text);
        for word in &report.obscene {
            prop_assert!(text.get(word.span.clone()).is_some());
        }
    }
}

proptest! {
    /// Duplicate detection and obscenity take any text: no panic, spans on
    /// character boundaries, scores in 0..=1.
    #[test]
    fn any_text_is_judged_without_panic(a in "\\PC{0,80}", b in "\\PC{0,80}") {
        use switchboard_hygiene::duplicates::{DuplicateCandidate, DuplicateContext, judge_duplicate};
        let score = switchboard_hygiene::similarity(&a, &b);
        prop_assert!((0.0..=1.0).contains(&score));
        let open = DuplicateCandidate { text: &a, order: Some(&b), topic: None, channel: None };
        let new = DuplicateCandidate::text(&b);
        let decision = judge_duplicate(&open, &new, &DuplicateContext::default());
        prop_assert!((0.0..=1.0).contains(&decision.score));
        for word in switchboard_hygiene::obscenity::find(&a) {
            prop_assert!(a.get(word.span.clone()).is_some());
        }
    }

    /// Look-alikes, emoji and stretched letters in the mix.
    #[test]
    fn disguise_soup_keeps_boundaries(text in "[хуйпиздбляxyu3469@$*#.\\- ρπχυ🤬ｆｕｃｋⅹ𝐟ⓕüHhkz]{0,40}") {
        for word in switchboard_hygiene::obscenity::find(&text) {
            prop_assert!(text.get(word.span.clone()).is_some());
        }
        let masked = switchboard_hygiene::obscenity::mask(&text);
        prop_assert!(!masked.is_empty() || text.is_empty());
    }
}
