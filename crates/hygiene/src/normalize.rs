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
    let mut out = text.as_bytes().to_vec();
    let mut i = 0;
    // In place, with byte-level fast paths for ASCII and the two-byte Russian
    // alphabet, the bulk of every message; the rest goes through `fold_char`.
    while i < out.len() {
        let b = out[i];
        if b < 0x80 {
            out[i] = b.to_ascii_lowercase();
            i += 1;
            continue;
        }
        let next = out.get(i + 1).copied().unwrap_or(0);
        match (b, next) {
            // А–П → а–п
            (0xD0, 0x90..=0x9F) => out[i + 1] = next + 0x20,
            // Р–Я → р–я
            (0xD0, 0xA0..=0xAF) => {
                out[i] = 0xD1;
                out[i + 1] = next - 0x20;
            }
            // Ё, ё → е
            (0xD0, 0x81) | (0xD1, 0x91) => {
                out[i] = 0xD0;
                out[i + 1] = 0xB5;
            }
            // а–п, р–я are already folded
            (0xD0, 0xB0..=0xBF) | (0xD1, 0x80..=0x8F) => {}
            _ => {
                let c = text[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                let folded = fold_char(c);
                if folded != c {
                    folded.encode_utf8(&mut out[i..i + c.len_utf8()]);
                }
                i += c.len_utf8();
                continue;
            }
        }
        i += 2;
    }
    // Valid by construction: whole characters were kept or replaced by
    // characters of the same length.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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
