//! A canonical reading of a message for the secrets detector: the disguises
//! that break a cue word without the customer meaning to hide anything.
//!
//! - A word typed in two layouts ("koд", "cмc", "pароль", "cvс") is read in
//!   one script: letters of the same shape are mapped to the script of the
//!   letters that have no look-alike ("д", "м", "л" say Russian; "v", "d",
//!   "s" say Latin).
//! - A letter stretched to three or more ("кооод", "подтверждееения") is
//!   read once; a letter typed twice is a cue typo (`cues.rs`).
//! - Keycap digits ("3️⃣8️⃣") are read as digits.
//!
//! The reading changes byte lengths, so it comes with a map back to the
//! original offsets; a finding in the reading is a finding in the original.

/// Latin letters and the Russian letters of the same shape.
pub(super) const SAME_SHAPE: &[(char, char)] = &[
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('k', 'к'),
    ('o', 'о'),
    ('p', 'р'),
    ('x', 'х'),
    ('y', 'у'),
    ('A', 'А'),
    ('B', 'В'),
    ('C', 'С'),
    ('E', 'Е'),
    ('H', 'Н'),
    ('K', 'К'),
    ('M', 'М'),
    ('O', 'О'),
    ('P', 'Р'),
    ('T', 'Т'),
    ('X', 'Х'),
    ('Y', 'У'),
];

use crate::normalize::{fold_char, is_letter};

const VARIATION_SELECTOR: char = '\u{FE0F}';
const KEYCAP: char = '\u{20E3}';

/// The canonical text and, for each of its bytes and its end, the offset in
/// `text` it came from.
pub(crate) struct Reading {
    pub text: String,
    pub origin: Vec<usize>,
}

impl Reading {
    /// The original span of a span of the reading.
    pub fn span(&self, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.origin[span.start]..self.origin[span.end]
    }
}

/// Whether `text` has something to read differently. The disguise scan the
/// pipeline already made (`crate::lex`: true for a Latin letter next to a
/// Russian one, among other things) says when the exact test for two
/// layouts is worth running, and the lexer has seen most stretched letters;
/// keycaps are found with `memchr`.
pub(crate) fn worth_reading(text: &str, hints: Hints) -> bool {
    let b = text.as_bytes();
    let stretched = match hints.stretched {
        // The fast path of the lexer only sees lower-case letters of a run
        // it is in; a text it left to the slow path is scanned here.
        Some(seen) => seen || (hints.may_hide && stretched(b)),
        None => stretched(b),
    };
    // A keycap after a digit is a symbol at the edge of a word: the disguise
    // scan has said yes to it already.
    stretched || (hints.may_hide && (two_layouts(b) || text.contains(KEYCAP)))
}

/// What the pipeline's single pass (`crate::lex`) already knows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hints {
    /// The disguise scan's verdict (true for two scripts in a word).
    pub may_hide: bool,
    /// A stretched letter seen by the lexer, if it looked.
    pub stretched: Option<bool>,
}

/// A Latin letter right before or after a Russian one.
fn two_layouts(b: &[u8]) -> bool {
    let russian = |c: u8| c & 0xFE == 0xD0;
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    (0..b.len()).any(|i| {
        (b[i].is_ascii_alphabetic() && russian(at(i + 1)))
            || (russian(b[i]) && at(i + 2).is_ascii_alphabetic())
    })
}

/// A letter three times in a row: "ооо" (`D0 BE` thrice) or "ooo". Runs on
/// every message with digits, so eight bytes are compared at a time (a byte
/// equal to the one two places on, four times running, or to the next one
/// twice running) and only candidates are checked one by one.
fn stretched(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let load = |at: usize| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&b[at..at + 8]);
        u64::from_le_bytes(word)
    };
    let mut i = 0;
    while i + 10 <= b.len() {
        let x = load(i);
        let next = zero_bytes(x ^ load(i + 1));
        let second = zero_bytes(x ^ load(i + 2));
        let candidates = (next & next >> 8) | (second & second >> 8 & second >> 16 & second >> 24);
        if candidates != 0 && (i..i + 4).any(|j| stretched_at(b, j)) {
            return true;
        }
        i += 4;
    }
    (i..b.len()).any(|j| stretched_at(b, j))
}

fn stretched_at(b: &[u8], j: usize) -> bool {
    let at = |k: usize| b.get(j + k).copied().unwrap_or(0);
    let c = at(0);
    (c.is_ascii_alphabetic() && at(1) == c && at(2) == c)
        || (c & 0xFE == 0xD0
            && at(2) == c
            && at(4) == c
            && at(1) == at(3)
            && at(3) == at(5)
            && at(1) != 0)
}

/// The canonical reading of `text` (see the module docs).
pub(crate) fn read(text: &str) -> Reading {
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len() + 1);
    fn push(out: &mut String, origin: &mut Vec<usize>, c: char, at: usize) {
        out.push(c);
        origin.extend(std::iter::repeat_n(at, c.len_utf8()));
    }
    let mut rest = text.char_indices().peekable();
    while let Some((at, c)) = rest.next() {
        if is_letter(c) {
            // The whole word, then its letters in one script.
            let mut word = vec![(at, c)];
            while let Some(&(i, d)) = rest.peek() {
                if !is_letter(d) {
                    break;
                }
                word.push((i, d));
                rest.next();
            }
            let to_russian = word.iter().any(|&(_, d)| russian_only(d));
            let to_latin = word.iter().any(|&(_, d)| latin_only(d));
            let mut last: Option<char> = None;
            let mut last_width = 0;
            let mut run = 0;
            for (i, d) in word {
                let d = match (to_russian, to_latin) {
                    (true, false) => SAME_SHAPE
                        .iter()
                        .find(|(l, _)| *l == d)
                        .map_or(d, |&(_, r)| r),
                    (false, true) => SAME_SHAPE
                        .iter()
                        .find(|(_, r)| *r == d)
                        .map_or(d, |&(l, _)| l),
                    _ => d,
                };
                let same = last.is_some_and(|l| l == d || fold_char(l) == fold_char(d));
                run = if same { run + 1 } else { 1 };
                last = Some(d);
                match run {
                    // A third letter in a row: the second was stretching too.
                    3 => {
                        out.truncate(out.len() - last_width);
                        origin.truncate(origin.len() - last_width);
                    }
                    4.. => {}
                    _ => {
                        push(&mut out, &mut origin, d, i);
                        last_width = d.len_utf8();
                    }
                }
            }
            continue;
        }
        if c == VARIATION_SELECTOR || c == KEYCAP {
            continue;
        }
        push(&mut out, &mut origin, c, at);
    }
    origin.push(text.len());
    Reading { text: out, origin }
}

fn russian_only(c: char) -> bool {
    crate::normalize::is_cyrillic(c) && !SAME_SHAPE.iter().any(|&(_, r)| r == c)
}

fn latin_only(c: char) -> bool {
    c.is_ascii_alphabetic() && !SAME_SHAPE.iter().any(|&(l, _)| l == c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("koд из cмc 4186", "код из смс 4186")]
    #[case("cvс 287", "cvc 287")]
    #[case("пaрoль Irina1975", "пароль Irina1975")]
    #[case("кооод 5280", "код 5280")]
    #[case("парооль", "парооль")]
    #[case("кккод 1234", "код 1234")]
    #[case("код 3\u{FE0F}\u{20E3}8\u{FE0F}\u{20E3}", "код 38")]
    fn reads_disguises(#[case] text: &str, #[case] expected: &str) {
        let hints = Hints {
            may_hide: crate::obscenity::scan::may_hide_a_word(
                crate::normalize::fold(text).as_bytes(),
            ),
            stretched: None,
        };
        assert!(worth_reading(text, hints) || text == expected);
        let reading = read(text);
        assert_eq!(reading.text, expected);
        assert_eq!(reading.origin.len(), reading.text.len() + 1);
    }

    #[test]
    fn finds_stretched_letters_anywhere() {
        let long = "обычное сообщение без растянутых букв и с цифрами 2024 и 1000";
        assert!(!stretched(long.as_bytes()));
        for (at, stretch) in [(0, "ооо"), (7, "ааа"), (long.len(), "ррр"), (3, "ooo")] {
            let mut text = long.to_owned();
            let at = crate::normalize::floor_boundary(&text, at);
            text.insert_str(at, stretch);
            assert!(stretched(text.as_bytes()), "{text}");
        }
        assert!(stretched("кооод".as_bytes()));
        assert!(!stretched("код 000 1111".as_bytes()));
    }

    #[test]
    fn letters_of_other_widths_in_a_run() {
        for text in ["k\u{212A}k 1234", "\u{212A}kk", "\u{212A}\u{212A}\u{212A}k"] {
            let reading = read(text);
            assert_eq!(reading.origin.len(), reading.text.len() + 1);
        }
        assert_eq!(read("\u{212A}\u{212A}\u{212A} 1234").text, "\u{212A} 1234");
    }

    #[test]
    fn maps_spans_back() {
        let text = "кооод 3\u{FE0F}\u{20E3}8\u{FE0F}\u{20E3} ок";
        let reading = read(text);
        let at = reading.text.find("38").unwrap_or(0);
        let span = reading.span(at..at + 2);
        assert_eq!(&text[span], "3\u{FE0F}\u{20E3}8\u{FE0F}\u{20E3}");
    }
}
