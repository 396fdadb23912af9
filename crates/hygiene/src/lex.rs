//! One pass over a message for the whole pipeline: the folded text (see
//! [`crate::normalize::fold`]), where its words start (for the cue words) and
//! whether it may hide a disguised word (for obscenity). Three separate passes
//! cost more than the detectors themselves on a typical 100-byte message.

use crate::normalize::{fold_char, is_letter_or_digit};
use crate::obscenity::scan::{DisguiseScan, LATIN, class_at};

pub(crate) struct Lexed {
    pub folded: String,
    pub word_starts: Vec<usize>,
    pub may_hide: bool,
    /// ASCII digits in the text.
    pub digits: usize,
    /// A lower-case letter three times in a row inside a word ("кооод"),
    /// seen on the fast path (the secrets' second reading wants it).
    pub stretched: bool,
}

pub(crate) fn lex(text: &str) -> Lexed {
    let bytes = text.as_bytes();
    let mut folded = String::with_capacity(text.len());
    let mut word_starts = Vec::with_capacity(text.len() / 6 + 1);
    let mut disguise = DisguiseScan::default();
    let mut copied = 0;
    let mut in_word = false;
    let mut digits = 0;
    let mut stretched = false;
    let mut i = 0;
    while i < bytes.len() {
        // Fast path: more lower-case letters of the script the scan is in
        // the middle of change nothing but the length of the run.
        if in_word && let Some(script) = disguise.in_run() {
            let run_start = i;
            if script == LATIN {
                while i < bytes.len() && bytes[i].is_ascii_lowercase() {
                    if bytes[i] == bytes[i - 1] && i >= 2 && bytes[i] == bytes[i - 2] {
                        stretched = true;
                    }
                    i += 1;
                }
            } else {
                while i + 1 < bytes.len()
                    && matches!(
                        (bytes[i], bytes[i + 1]),
                        (0xD0, 0xB0..=0xBF) | (0xD1, 0x80..=0x8F)
                    )
                {
                    // The same two bytes three times: one letter (a lead
                    // byte never equals a continuation byte).
                    if bytes[i + 1] == bytes[i - 1]
                        && i >= 4
                        && bytes[i + 1] == bytes[i - 3]
                        && bytes[i] == bytes[i - 2]
                        && bytes[i] == bytes[i - 4]
                    {
                        stretched = true;
                    }
                    i += 2;
                }
            }
            let letters = if script == LATIN {
                i - run_start
            } else {
                (i - run_start) / 2
            };
            disguise.continue_run(letters as u32);
            if i >= bytes.len() {
                break;
            }
        }
        let b = bytes[i];
        let (width, word_char, changes) = match b {
            0x00..=0x7F => {
                digits += usize::from(b.is_ascii_digit());
                (1, b.is_ascii_alphanumeric(), b.is_ascii_uppercase())
            }
            // Russian letters; lower case а–п (D0 B0–BF) and р–я (D1 80–8F)
            // need no folding.
            0xD0 | 0xD1 => {
                let next = bytes.get(i + 1).copied().unwrap_or(0);
                let lower = matches!((b, next), (0xD0, 0xB0..=0xBF) | (0xD1, 0x80..=0x8F));
                (2, true, !lower)
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or(' ');
                (c.len_utf8(), is_letter_or_digit(c), true)
            }
        };
        if changes {
            let c = text[i..].chars().next().unwrap_or(' ');
            let lower = fold_char(c);
            if lower != c {
                folded.push_str(&text[copied..i]);
                folded.push(lower);
                copied = i + width;
            }
        }
        if word_char && !in_word {
            word_starts.push(i);
        }
        in_word = word_char;
        if !disguise.found() {
            disguise.step(class_at(bytes, i));
        }
        i += width;
    }
    folded.push_str(&text[copied..]);
    Lexed {
        folded,
        word_starts,
        may_hide: disguise.finish(),
        digits,
        stretched,
    }
}

#[cfg(test)]
mod tests {
    use super::lex;
    use crate::normalize::fold;

    #[test]
    fn agrees_with_the_separate_passes() {
        for text in [
            "Здравствуйте, ЁЖИК! Где заказ MP-10001?",
            "х*й",
            "б л я т ь",
            "İ\u{212A} straße",
            "обычный длинный текст about something",
            "длинноесловоxуй и ещё",
            "hello world бл9",
            "Привет мир ⅹуйня",
            "abcdef-g",
        ] {
            let lexed = lex(text);
            assert_eq!(lexed.folded, fold(text));
            assert_eq!(
                lexed.may_hide,
                crate::obscenity::scan::may_hide_a_word(fold(text).as_bytes())
            );
        }
        assert_eq!(lex("ab, вг 12").word_starts, vec![0, 4, 9]);
        for (text, stretched) in [
            ("код кооод 1234", true),
            ("пароооль", true),
            ("cvvv 123", true),
            ("длинное слово без повторов", false),
            ("касса ввод", false),
        ] {
            assert_eq!(lex(text).stretched, stretched, "{text}");
        }
    }
}
