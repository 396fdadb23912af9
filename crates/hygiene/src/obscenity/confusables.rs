//! Look-alikes: for every letter the patterns use, the characters a person
//! types in its place — Latin and Greek letters of the same shape or sound,
//! digits, symbols, the Ukrainian and Belarusian letters on the same keys.
//! In the spirit of Unicode's confusables table, but by what people use to
//! dodge a filter rather than by glyph alone ("6" for "б", "9" for "я",
//! "z" for "з", "n" for "п"). Fullwidth Latin is folded to ASCII before
//! matching (see [`fold_wide`]), so it needs no entries.
//!
//! A pattern letter becomes a class of itself, its look-alikes and `*` (see
//! `patterns::disguise`), so a word is matched as written, whatever mix of
//! scripts it uses; no letter-by-letter guess of the intended script.

/// Cyrillic letters and what stands for them.
pub(super) const CYRILLIC: &[(char, &str)] = &[
    ('а', "a@4αàáâäåаɑ"),
    ('б', "6bб"),
    ('в', "bv8β"),
    ('г', "rgґ"),
    ('д', "dgδ∂"),
    ('е', "eёєεèéêë€"),
    ('ж', "ж"),
    ('з', "3zз"),
    ('и', "uiі1!|ιïíì"),
    ('й', "uiijyїŭ"),
    ('к', "kκќ"),
    ('л', "lλ"),
    ('м', "mμ"),
    ('н', "hnη"),
    ('о', "o0οσøö°ó"),
    ('п', "nпπp"),
    ('р', "pρr®"),
    ('с', "c$sς¢©"),
    ('т', "tτm7"),
    ('у', "yuυγў¥ü"),
    ('ф', "fφ"),
    ('х', "xhχ×"),
    ('ц', "cц"),
    ('ч', "4ч"),
    ('ш', "wш"),
    ('ы', "ы"),
    ('ь', "bь"),
    ('ю', "ю"),
    ('я', "9яr"),
];

/// Latin letters and what stands for them (Cyrillic and Greek look-alikes,
/// digits, symbols).
pub(super) const LATIN: &[(char, &str)] = &[
    ('a', "а@4α"),
    ('b', "вь6ßβ"),
    ('c', "с(¢©ς"),
    ('d', "dд"),
    ('e', "е3€ε"),
    ('f', "ф"),
    ('g', "9"),
    ('h', "н"),
    ('i', "і1!|ι"),
    ('k', "кκ"),
    ('l', "1|"),
    ('m', "м"),
    ('n', "п"),
    ('o', "о0οσø"),
    ('p', "рρ"),
    ('s', "$5ѕ"),
    ('t', "т7+τ"),
    ('u', "иυvµ"),
    ('x', "х×χ"),
    ('y', "уγ"),
];

/// The look-alikes of `letter` in `table`.
pub(super) fn of<'a>(table: &[(char, &'a str)], letter: char) -> &'a str {
    table
        .iter()
        .find(|(c, _)| *c == letter)
        .map_or("", |(_, alikes)| alikes)
}

/// Fullwidth ASCII ("ｆｕｃｋ") as ASCII, lower case.
pub(super) fn fold_wide(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => {
            char::from_u32(c as u32 - 0xFEE0).map_or(c, |a| a.to_ascii_lowercase())
        }
        c => c,
    }
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
