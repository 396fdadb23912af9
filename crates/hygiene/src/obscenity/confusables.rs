//! Look-alikes: for every letter the patterns use, the characters a person
//! types in its place, and the Latin spellings of Russian letters.
//!
//! Three layers, applied in this order:
//! 1. Compatibility folding ([`push_plain`]): every character outside ASCII
//!    and the Russian alphabet is decomposed (Unicode NFKD) and stripped of
//!    accents, so fullwidth, mathematical, circled and roman-numeral letters
//!    ("ｆｕｃｋ", "𝐟𝐮𝐜𝐤", "ⓕ", "ⅹ") and accented ones ("fück", "ї") read as
//!    the plain letter. No table lists them one by one.
//! 2. Look-alikes by shape or sound: direct edges "typed for" a letter —
//!    Latin for Cyrillic ("x" for "х", "6" for "б", "z" for "з"), Greek,
//!    digits and symbols for Latin ("ρ" for "p", "$" for "s"). The classes are
//!    closed transitively through Latin ([`cyrillic_class`]): "ρ" stands for
//!    "p", "p" for "р", so "ρ" stands for "р" without an entry of its own.
//!    Cyrillic letters in the Latin table are not followed back (the "м" that
//!    imitates "m" does not imitate the "т" that "m" imitates).
//! 3. Transliteration ([`TRANSLIT`]): the Latin spellings of each Russian
//!    letter, digraphs included ("kh", "sh", "ch", "zh", "ya", "yu", "ts"),
//!    for Russian words written wholly in Latin ("pizdets", "nakhuy").
//!
//! A pattern letter becomes a class of itself, its look-alikes and `*` (see
//! `patterns::disguise`), so a word is matched as written, whatever mix of
//! scripts it uses; no letter-by-letter guess of the intended script.

use crate::normalize::is_cyrillic;

/// Cyrillic letters and what is typed directly in their place.
pub(super) const CYRILLIC: &[(char, &str)] = &[
    ('а', "a@4"),
    ('б', "6bδ"),
    ('в', "bv8"),
    ('г', "rgґ"),
    ('д', "dg∂"),
    ('е', "eєë€"),
    ('ж', ""),
    ('з', "3z"),
    ('и', "ui1!|"),
    ('й', "uijy"),
    ('к', "k"),
    ('л', "lλ"),
    ('м', "m"),
    ('н', "hn"),
    ('о', "o0°"),
    ('п', "np"),
    ('р', "pr®"),
    ('с', "cs"),
    ('т', "tm7"),
    ('у', "yu¥"),
    ('ф', "fφ"),
    ('х', "xh×"),
    ('ц', "c"),
    ('ч', "4"),
    ('ш', "w"),
    ('ы', ""),
    ('ь', "b"),
    ('ю', ""),
    ('я', "9r"),
];

/// Latin letters and what is typed directly in their place: Greek letters of
/// the same shape, Cyrillic ones, digits, symbols.
pub(super) const LATIN: &[(char, &str)] = &[
    ('a', "а@4αɑ"),
    ('b', "вь6ßβ"),
    ('c', "с¢©ς"),
    ('d', "дδ"),
    ('e', "е3€ε"),
    ('f', "ф"),
    ('g', "9"),
    ('h', "нη"),
    ('i', "і1!|ι"),
    ('k', "кκ"),
    ('l', "1|"),
    ('m', "мμ"),
    ('n', "пηπ"),
    ('o', "о0οσø"),
    ('p', "рρ"),
    ('r', "®"),
    ('s', "$5ѕ"),
    ('t', "т7+τ"),
    ('u', "иυvµμ"),
    ('v', "ν"),
    ('w', "ωш"),
    ('x', "х×χ"),
    ('y', "уγ"),
];

/// Latin spellings of each Russian letter (transliteration schemes and the
/// informal ones), and digits used for a letter in such words ("bl9d",
/// "dro4it"). A letter with no spelling ("ь", "ъ") is left out of Latin
/// writing, so a pattern that requires it is not used for Latin words.
pub(super) const TRANSLIT: &[(char, &[&str])] = &[
    ('а', &["a"]),
    ('б', &["b", "6"]),
    ('в', &["v", "w"]),
    ('г', &["g"]),
    ('д', &["d"]),
    ('е', &["e", "ye", "je", "yo", "jo", "io"]),
    ('ж', &["zh"]),
    ('з', &["z", "3"]),
    ('и', &["i", "1"]),
    ('й', &["j", "y", "i"]),
    ('к', &["k", "q", "c", "ck"]),
    ('л', &["l"]),
    ('м', &["m"]),
    ('н', &["n"]),
    ('о', &["o", "0"]),
    ('п', &["p"]),
    ('р', &["r"]),
    ('с', &["s", "c"]),
    ('т', &["t"]),
    ('у', &["u", "oo", "ou"]),
    ('ф', &["f", "ph"]),
    ('х', &["h", "x", "kh"]),
    ('ц', &["c", "ts", "tz"]),
    ('ч', &["ch", "4", "tch"]),
    ('ш', &["sh", "w"]),
    ('щ', &["sch", "shch"]),
    ('ы', &["y", "i"]),
    ('э', &["e"]),
    ('ю', &["yu", "ju", "iu", "u"]),
    ('я', &["ya", "ja", "ia", "9"]),
];

/// The direct look-alikes of `letter` in `table`.
pub(super) fn of<'a>(table: &[(char, &'a str)], letter: char) -> &'a str {
    table
        .iter()
        .find(|(c, _)| *c == letter)
        .map_or("", |(_, alikes)| alikes)
}

/// Everything that stands for the Cyrillic `letter`: its direct look-alikes
/// and, through each Latin one, what stands for that Latin letter (Cyrillic
/// letters excepted: see the module docs).
pub(super) fn cyrillic_class(letter: char) -> String {
    let mut class = String::new();
    let mut add = |c: char| {
        if c != letter && !class.contains(c) {
            class.push(c);
        }
    };
    for alike in of(CYRILLIC, letter).chars() {
        add(alike);
        if alike.is_ascii_alphabetic() {
            of(LATIN, alike)
                .chars()
                .filter(|&c| !is_cyrillic(c))
                .for_each(&mut add);
        }
    }
    class
}

/// Everything that stands for the Latin `letter`.
pub(super) fn latin_class(letter: char) -> String {
    of(LATIN, letter).to_owned()
}

/// The Latin spellings of the Russian `letter` (empty when it has none).
pub(super) fn spellings(letter: char) -> &'static [&'static str] {
    TRANSLIT
        .iter()
        .find(|(c, _)| *c == letter)
        .map_or(&[], |(_, s)| s)
}

/// Pushes `c` as a plain letter: ASCII and Russian as they are; anything
/// else decomposed for compatibility (NFKD), accents dropped, lower case.
pub(super) fn push_plain(c: char, out: &mut Vec<char>) {
    if c.is_ascii() || is_cyrillic(c) {
        out.push(c);
        return;
    }
    unicode_normalization::char::decompose_compatible(c, |d| {
        if !unicode_normalization::char::is_combining_mark(d) {
            out.extend(d.to_lowercase());
        }
    });
}

/// Pictographs and dingbats typed inside a word in place of a letter
/// ("х🤬й"), or between letters ("х😡у😡й").
pub(super) fn is_emoji(c: char) -> bool {
    matches!(c, '\u{1F300}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}')
}

/// `c` written for a regex character class.
pub(super) fn class_char(c: char) -> String {
    if c.is_ascii_punctuation() {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_close_through_latin() {
        // "ρ" imitates "p", which imitates "р".
        assert!(cyrillic_class('р').contains('ρ'));
        assert!(cyrillic_class('с').contains('ѕ'));
        assert!(cyrillic_class('и').contains('ι'));
        // Not back through Cyrillic: "м" imitates "m", not "т".
        assert!(!cyrillic_class('т').contains('м'));
    }

    #[test]
    fn compatibility_letters_read_plain() {
        let plain = |s: &str| {
            let mut out = Vec::new();
            s.chars().for_each(|c| push_plain(c, &mut out));
            out.into_iter().collect::<String>()
        };
        assert_eq!(plain("ｆｕｃｋ"), "fuck");
        assert_eq!(plain("𝐟𝐮𝐜𝐤"), "fuck");
        assert_eq!(plain("ⓕⓤⓒⓚ"), "fuck");
        assert_eq!(plain("ⅹуй"), "xуй");
        assert_eq!(plain("fück"), "fuck");
        assert_eq!(plain("йё"), "йё");
        assert_eq!(plain("хуї"), "хуі");
    }
}
