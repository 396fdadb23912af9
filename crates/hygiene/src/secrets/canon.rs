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

/// Whether `text` has something to read differently: cheap, byte-level.
pub(crate) fn worth_reading(text: &str) -> bool {
    let b = text.as_bytes();
    let cyrillic = |c: u8| matches!(c, 0xD0 | 0xD1);
    b.windows(2).any(|w| {
        (w[0].is_ascii_alphabetic() && cyrillic(w[1]))
            || (w[1].is_ascii_alphabetic() && (0x80..=0xBF).contains(&w[0]))
    }) || b.windows(3).any(|w| w == "\u{20E3}".as_bytes())
        || stretched(text)
}

fn stretched(text: &str) -> bool {
    let mut prev = ' ';
    let mut run = 0;
    for c in text.chars() {
        if c == prev && c.is_alphabetic() {
            run += 1;
            if run >= 2 {
                return true;
            }
        } else {
            run = 0;
        }
        prev = c;
    }
    false
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
        if c.is_alphabetic() {
            // The whole word, then its letters in one script.
            let mut word = vec![(at, c)];
            while let Some(&(i, d)) = rest.peek() {
                if !d.is_alphabetic() {
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
                let same = last.is_some_and(|l| l.to_lowercase().eq(d.to_lowercase()));
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
        assert!(worth_reading(text) || text == expected);
        let reading = read(text);
        assert_eq!(reading.text, expected);
        assert_eq!(reading.origin.len(), reading.text.len() + 1);
    }

    #[test]
    fn letters_of_other_widths_in_a_run() {
        assert_eq!(read("k\u{212A}k 1234").text, "k 1234");
        assert_eq!(read("\u{212A}kk").text, "\u{212A}");
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
