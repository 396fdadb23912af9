//! Text folding shared by the detectors.
//!
//! Every detector works on a *folded* copy of the message: lower case, `ё` as
//! `е`. Folding never changes a character's UTF-8 length, so a byte offset in
//! the folded text is the same offset in the original, and findings can point
//! into the text the customer wrote without a mapping table.

/// Lower-cases one character and folds `ё` to `е`, keeping its UTF-8 length.
///
/// Characters whose lower case is longer, shorter or several characters (the
/// Kelvin sign, `İ`…) are left as they are: keeping offsets aligned matters
/// more than folding exotic letters.
#[inline]
pub fn fold_char(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        'a'..='z' => c,
        c if c.is_ascii() => c,
        'А'..='Я' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
        'а'..='я' => c,
        'Ё' | 'ё' => 'е',
        c if c.is_uppercase() => {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
                _ => c,
            }
        }
        c => c,
    }
}

/// The folded copy of `text`; same byte length, same character boundaries.
pub fn fold(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    // Runs that need no change (lower-case ASCII and Russian, punctuation,
    // digits) are copied whole; only the characters that change are pushed.
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        let unchanged = match b {
            0x00..=0x7F => !b.is_ascii_uppercase(),
            0xD0 => (0xB0..=0xBF).contains(&next),
            0xD1 => (0x80..=0x8F).contains(&next),
            0x80..=0xBF => true,
            _ => false,
        };
        if unchanged {
            i += if b < 0x80 { 1 } else { 2.min(bytes.len() - i) };
            continue;
        }
        let c = text[i..]
            .chars()
            .next()
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        let folded = fold_char(c);
        if folded != c {
            out.push_str(&text[copied..i]);
            out.push(folded);
            copied = i + c.len_utf8();
        }
        i += c.len_utf8();
    }
    out.push_str(&text[copied..]);
    out
}

/// True for the letters of the Russian alphabet (after folding).
#[inline]
pub fn is_cyrillic(c: char) -> bool {
    matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё')
}

/// `char::is_alphabetic` with fast paths for ASCII and Russian, whose
/// general Unicode table lookup dominated the profile.
#[inline]
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        is_cyrillic(c) || c.is_alphabetic()
    }
}

/// `char::is_alphanumeric` with the same fast paths.
#[inline]
pub fn is_letter_or_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        is_cyrillic(c) || c.is_alphanumeric()
    }
}

/// True when the character before byte `at` is not a letter or digit, i.e. a
/// match starting at `at` starts a word.
pub fn starts_word(text: &str, at: usize) -> bool {
    text.get(..at)
        .and_then(|head| head.chars().next_back())
        .is_none_or(|c| !is_letter_or_digit(c))
}

/// True when the character at byte `at` is not a letter or digit, i.e. a
/// match ending at `at` ends a word.
pub fn ends_word(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|tail| tail.chars().next())
        .is_none_or(|c| !is_letter_or_digit(c))
}

/// The largest char boundary of `text` that is `<= at`.
pub fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The smallest char boundary of `text` that is `>= at`.
pub fn ceil_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Up to `max` bytes of `text` before `at`, cut at a char boundary.
pub fn before(text: &str, at: usize, max: usize) -> &str {
    let start = ceil_boundary(text, at.saturating_sub(max));
    text.get(start..at).unwrap_or("")
}

/// Up to `max` bytes of `text` from `at`, cut at a char boundary.
pub fn after(text: &str, at: usize, max: usize) -> &str {
    let end = floor_boundary(text, at.saturating_add(max));
    text.get(at..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("Ёлка ЁЖ", "елка еж")]
    #[case("ПРИВЕТ, World!", "привет, world!")]
    #[case("Straße K", "straße k")]
    #[case("İ\u{212A}", "İ\u{212A}")]
    fn folds_keeping_length(#[case] input: &str, #[case] expected: &str) {
        let folded = fold(input);
        assert_eq!(folded, expected);
        assert_eq!(folded.len(), input.len());
    }

    #[test]
    fn windows_respect_char_boundaries() {
        let text = "код из смс 1234";
        assert_eq!(before(text, 19, 8), " смс ");
        assert_eq!(after(text, 0, 5), "ко");
    }
}
