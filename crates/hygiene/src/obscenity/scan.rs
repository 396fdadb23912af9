//! A byte scan that tells whether a text may hide a disguised word at all.
//!
//! Most messages are plain words in one alphabet; the whole-text gate has
//! judged those. Only when a message has a symbol or digit inside a word,
//! letters of both alphabets side by side, or letters spaced out one by one
//! does it need the word-by-word pass. This is a superset test: it may say
//! yes for an innocent "MP-10001", never no for a disguise.

const OTHER: u8 = 0;
pub(crate) const LATIN: u8 = 1;
const CYRILLIC: u8 = 2;
/// Digits nobody uses for a letter.
const DIGIT: u8 = 3;
/// Digits that stand for letters: 0 о/o, 1 i, 3 з/e, 4 ч/a, 5 s, 6 б, 7 t, 8 b.
const LEET: u8 = 4;
/// Symbols that may stand inside a disguised word ("f.u.c.k", "sh!t").
const JOINER: u8 = 5;
/// A hyphen: inside ordinary words too ("кто-то"), so it only counts after a
/// single letter ("х-у-й").
const HYPHEN: u8 = 6;
/// Symbols that only disguises use ("х*й", "a$$", "bl@t").
const DISGUISE: u8 = 7;
/// A continuation byte: part of the character before it.
const CONTINUATION: u8 = 8;
/// A lead byte that may start an invisible joiner (soft hyphen, zero width)
/// or a compatibility letter.
const MAYBE_INVISIBLE: u8 = 9;
const SPACE: u8 = 10;
/// A letter of another script (Greek, Ukrainian "і"): next to a Latin or
/// Russian letter it is a disguise.
const FOREIGN: u8 = 11;
const CLASS_COUNT: usize = 12;

static CLASSES: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => LATIN,
            b'2' => DIGIT,
            b'0'..=b'9' => LEET,
            0xC3 => JOINER,
            b'.' | b'!' | b'\'' | b'"' | b'+' | b'#' => JOINER,
            // Greek; emoji between letters; fullwidth forms only disguise.
            0xCE | 0xCF => FOREIGN,
            0xF0 => MAYBE_INVISIBLE,
            0xEF => DISGUISE,
            b'-' => HYPHEN,
            b'*' | b'@' | b'$' | b'|' | b'~' | b'^' | b'_' | b'`' => DISGUISE,
            b' ' | b'\t' | b'\n' | b'\r' => SPACE,
            0xD0 | 0xD1 => CYRILLIC,
            0x80..=0xBF => CONTINUATION,
            0xC2 | 0xE2 => MAYBE_INVISIBLE,
            _ => OTHER,
        };
        b += 1;
    }
    table
};

const fn is_letter(c: u8) -> bool {
    c == LATIN || c == CYRILLIC || c == FOREIGN
}

const fn is_alnum(c: u8) -> bool {
    is_letter(c) || c == DIGIT || c == LEET
}

/// Whether the classes of three characters in a row betray a disguise:
/// Latin next to Cyrillic, a letter-like digit inside, at the start or at
/// the end of a word ("пи3дец", "6лять", "бл9"), a symbol between letters ("f.u.c.k", "ху.йня").
/// Indexed by (before, current, next).
static MIXED: [bool; CLASS_COUNT * CLASS_COUNT * CLASS_COUNT] = {
    let mut table = [false; CLASS_COUNT * CLASS_COUNT * CLASS_COUNT];
    let mut i = 0;
    while i < table.len() {
        let (before, current, next) = (
            (i / (CLASS_COUNT * CLASS_COUNT)) as u8,
            ((i / CLASS_COUNT) % CLASS_COUNT) as u8,
            (i % CLASS_COUNT) as u8,
        );
        table[i] = (is_letter(current) && is_letter(next) && current != next)
            || (current == LEET && is_letter(next) && (is_letter(before) || !is_alnum(before)))
            // A letter-like digit ending a word after a letter: "бл9".
            || (current == LEET && is_letter(before) && !is_alnum(next))
            || (current == JOINER
                && (is_letter(before) || before == LEET)
                && (is_letter(next) || next == LEET));
        i += 1;
    }
    table
};

/// The class of the character starting at `bytes[i]` for the disguise scan,
/// or `None` for an invisible joiner (soft hyphen, zero width), which is a
/// disguise by itself.
#[inline]
pub(crate) fn class_at(bytes: &[u8], i: usize) -> Option<u8> {
    let class = CLASSES[bytes[i] as usize];
    if class == CYRILLIC {
        // Russian letters only: "і", "ї", "є" and the rest are look-alikes.
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        let russian = matches!(
            (bytes[i], next),
            (0xD0, 0x81 | 0x90..=0xBF) | (0xD1, 0x80..=0x8F | 0x91)
        );
        return Some(if russian { CYRILLIC } else { FOREIGN });
    }
    if class == MAYBE_INVISIBLE {
        let tail = &bytes[i..bytes.len().min(i + 3)];
        if matches!(
            tail,
            [0xC2, 0xAD, ..] | [0xE2, 0x80, 0x8B..=0x8D] | [0xE2, 0x81, 0xA0]
        ) {
            return None;
        }
        // Compatibility letters: letterlike symbols and number forms
        // (U+2100–218F: "ⅹ", "ℕ"; not "№" or "™"), enclosed letters
        // (U+2460–24FF: "ⓕ"), mathematical letters (U+1D400–1D7FF: "𝐟").
        // Nobody types them in an ordinary word.
        let compatibility = matches!(
            tail,
            [0xE2, 0x84..=0x85, _]
                | [0xE2, 0x86, 0x80..=0x8F]
                | [0xE2, 0x91..=0x93, _]
                | [0xF0, 0x9D, 0x90..=0x9F]
        ) && !matches!(tail, [0xE2, 0x84, 0x96 | 0xA2]);
        if compatibility {
            return Some(DISGUISE);
        }
        // Other symbols ("€", "×", "™", emoji): a disguise only between letters.
        return Some(JOINER);
    }
    Some(class)
}

/// The scan fed one character class at a time, so that it can share a pass
/// over the text with folding (see `crate::lex`).
#[derive(Debug, Clone)]
pub(crate) struct DisguiseScan {
    before: u8,
    current: u8,
    run: u32,
    ended_run: u32,
    single_letter_words: u32,
    found: bool,
}

impl Default for DisguiseScan {
    fn default() -> Self {
        DisguiseScan {
            before: OTHER,
            current: OTHER,
            run: 0,
            ended_run: 0,
            single_letter_words: 0,
            found: false,
        }
    }
}

impl DisguiseScan {
    /// Feeds the class of the next character (`None`: an invisible joiner).
    #[inline]
    pub(crate) fn step(&mut self, class: Option<u8>) {
        if self.found {
            return;
        }
        let Some(next) = class else {
            self.found = true;
            return;
        };
        if next == DISGUISE {
            self.found = true;
            return;
        }
        let (before, current) = (self.before, self.current);
        let at = (before as usize * CLASS_COUNT + current as usize) * CLASS_COUNT + next as usize;
        if MIXED[at] || (current == HYPHEN && is_letter(next) && self.ended_run == 1) {
            self.found = true;
            return;
        }
        // Letters spaced out one by one: "б л я т ь".
        if is_letter(next) {
            self.run += 1;
        } else {
            if self.run == 1 {
                self.single_letter_words += 1;
                if self.single_letter_words >= 3 {
                    self.found = true;
                    return;
                }
            } else if self.run > 1 || next != SPACE {
                self.single_letter_words = 0;
            }
            if self.run > 0 {
                self.ended_run = self.run;
            } else if next != HYPHEN {
                self.ended_run = 0;
            }
            self.run = 0;
        }
        self.before = current;
        self.current = next;
    }

    /// The script (`LATIN` or Russian) of the letter run the scan is in,
    /// when more lower-case letters of it would only lengthen the run: see
    /// [`DisguiseScan::continue_run`]. `None` once a disguise is found.
    #[inline]
    pub(crate) fn in_run(&self) -> Option<u8> {
        (!self.found && (self.current == LATIN || self.current == CYRILLIC) && self.run > 0)
            .then_some(self.current)
    }

    /// Feeds `letters` more letters of the current run's script: the same as
    /// stepping each, which only counts them (no pair of letters of one
    /// script is a disguise).
    #[inline]
    pub(crate) fn continue_run(&mut self, letters: u32) {
        if letters > 0 {
            self.run += letters;
            self.before = self.current;
        }
    }

    /// Whether a disguise has been seen already (the rest need not be fed).
    #[inline]
    pub(crate) fn found(&self) -> bool {
        self.found
    }

    /// Whether the text fed so far may hide a disguised word.
    pub(crate) fn finish(&self) -> bool {
        self.found || (self.run == 1 && self.single_letter_words >= 2)
    }
}

pub(crate) fn may_hide_a_word(bytes: &[u8]) -> bool {
    let mut scan = DisguiseScan::default();
    for i in 0..bytes.len() {
        if CLASSES[bytes[i] as usize] != CONTINUATION {
            scan.step(class_at(bytes, i));
        }
    }
    scan.finish()
}

#[cfg(test)]
mod tests {
    use super::may_hide_a_word;

    #[test]
    fn suspects_disguises_only() {
        for text in [
            "х*й",
            "f.u.c.k",
            "xуй",
            "6лять",
            "пи3дец",
            "б л я т ь",
            "sh!t",
            "ху\u{ad}й",
            "a b c",
            "х-у-й",
            "ху.йня",
            "ρизда",
            "ｆｕｃｋ",
            "х🤬й",
            "пiздец",
            "бл9ть",
            "ⅹуйня",
            "𝐟𝐮𝐜𝐤",
            "ⓕⓤⓒⓚ",
            "fück",
        ] {
            assert!(may_hide_a_word(text.as_bytes()), "{text}");
        }
        for text in [
            "где мой заказ?",
            "Where is my order? Thanks.",
            "я и ты, а не он",
            "заказ MP-10001 и кто-то из-за 10кг",
            "заказ № 5, Samsung™ 😊",
        ] {
            assert!(!may_hide_a_word(text.as_bytes()), "{text}");
        }
    }
}
