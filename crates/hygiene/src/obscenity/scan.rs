//! A byte scan that tells whether a text may hide a disguised word at all.
//!
//! Most messages are plain words in one alphabet; the whole-text gate has
//! judged those. Only when a message has a symbol or digit inside a word,
//! letters of both alphabets side by side, or letters spaced out one by one
//! does it need the word-by-word pass. This is a superset test: it may say
//! yes for an innocent "MP-10001", never no for a disguise.

const OTHER: u8 = 0;
const LATIN: u8 = 1;
const CYRILLIC: u8 = 2;
const DIGIT: u8 = 3;
/// Symbols that may stand inside a disguised word ("f.u.c.k", "sh!t").
const JOINER: u8 = 4;
/// Symbols that only disguises use ("х*й", "a$$", "bl@t").
const DISGUISE: u8 = 5;
/// A continuation byte: part of the character before it.
const CONTINUATION: u8 = 6;
/// A lead byte that may start an invisible joiner (soft hyphen, zero width).
const MAYBE_INVISIBLE: u8 = 7;
const SPACE: u8 = 8;

static CLASSES: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => LATIN,
            b'0'..=b'9' => DIGIT,
            b'.' | b'-' | b'!' | b'\'' | b'"' | b'+' => JOINER,
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

const CLASS_COUNT: usize = 9;

const fn is_letter(c: u8) -> bool {
    c == LATIN || c == CYRILLIC
}

/// Whether the classes of three characters in a row put a digit or symbol
/// inside a word, or Latin next to Cyrillic: indexed by (before, current, next).
static MIXED: [bool; CLASS_COUNT * CLASS_COUNT * CLASS_COUNT] = {
    let mut table = [false; CLASS_COUNT * CLASS_COUNT * CLASS_COUNT];
    let mut i = 0;
    while i < table.len() {
        let (before, current, next) = (
            (i / (CLASS_COUNT * CLASS_COUNT)) as u8,
            ((i / CLASS_COUNT) % CLASS_COUNT) as u8,
            (i % CLASS_COUNT) as u8,
        );
        table[i] = (is_letter(current) && next == DIGIT)
            || (current == DIGIT && is_letter(next))
            || (is_letter(current) && is_letter(next) && current != next)
            || (current == JOINER && (is_letter(before) || before == DIGIT) && is_letter(next))
            || (current == JOINER && is_letter(before) && next == DIGIT);
        i += 1;
    }
    table
};

pub(super) fn may_hide_a_word(bytes: &[u8]) -> bool {
    let letter = is_letter;
    let (mut before, mut current) = (OTHER, OTHER);
    let mut word_letters = 0u32;
    let mut single_letter_words = 0u32;
    for (i, &b) in bytes.iter().enumerate() {
        let next = CLASSES[b as usize];
        match next {
            CONTINUATION => continue,
            DISGUISE => return true,
            MAYBE_INVISIBLE => {
                let tail = &bytes[i..bytes.len().min(i + 3)];
                if matches!(
                    tail,
                    [0xC2, 0xAD, ..] | [0xE2, 0x80, 0x8B..=0x8D] | [0xE2, 0x81, 0xA0]
                ) {
                    return true;
                }
            }
            _ => {}
        }
        // letter–digit, Latin–Cyrillic, letter–symbol–letter inside a word.
        let at = (before as usize * CLASS_COUNT + current as usize) * CLASS_COUNT + next as usize;
        if MIXED[at] {
            return true;
        }
        // Letters spaced out one by one: "б л я т ь".
        if letter(next) {
            word_letters += 1;
        } else {
            if word_letters == 1 {
                single_letter_words += 1;
                if single_letter_words >= 3 {
                    return true;
                }
            } else if word_letters > 1 || next != SPACE {
                single_letter_words = 0;
            }
            word_letters = 0;
        }
        before = current;
        current = next;
    }
    word_letters == 1 && single_letter_words >= 2
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
            "б л я т ь",
            "sh!t",
            "ху\u{ad}й",
            "a b c",
        ] {
            assert!(may_hide_a_word(text.as_bytes()), "{text}");
        }
        for text in [
            "где мой заказ?",
            "Where is my order? Thanks.",
            "я и ты, а не он",
        ] {
            assert!(!may_hide_a_word(text.as_bytes()), "{text}");
        }
    }
}
