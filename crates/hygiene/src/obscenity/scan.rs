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
/// A lead byte that may start an invisible joiner (soft hyphen, zero width).
const MAYBE_INVISIBLE: u8 = 9;
const SPACE: u8 = 10;
const CLASS_COUNT: usize = 11;

static CLASSES: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => LATIN,
            b'2' | b'9' => DIGIT,
            b'0'..=b'9' => LEET,
            b'.' | b'!' | b'\'' | b'"' | b'+' => JOINER,
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
    c == LATIN || c == CYRILLIC
}

const fn is_alnum(c: u8) -> bool {
    is_letter(c) || c == DIGIT || c == LEET
}

/// Whether the classes of three characters in a row betray a disguise:
/// Latin next to Cyrillic, a letter-like digit inside or at the start of a
/// word ("пи3дец", "6лять"), a symbol between letters ("f.u.c.k", "ху.йня").
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
            || (current == JOINER
                && (is_letter(before) || before == LEET)
                && (is_letter(next) || next == LEET));
        i += 1;
    }
    table
};

pub(super) fn may_hide_a_word(bytes: &[u8]) -> bool {
    let (mut before, mut current) = (OTHER, OTHER);
    let mut run = 0u32;
    let mut ended_run = 0u32;
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
        let at = (before as usize * CLASS_COUNT + current as usize) * CLASS_COUNT + next as usize;
        if MIXED[at] || (current == HYPHEN && is_letter(next) && ended_run == 1) {
            return true;
        }
        // Letters spaced out one by one: "б л я т ь".
        if is_letter(next) {
            run += 1;
        } else {
            if run == 1 {
                single_letter_words += 1;
                if single_letter_words >= 3 {
                    return true;
                }
            } else if run > 1 || next != SPACE {
                single_letter_words = 0;
            }
            if run > 0 {
                ended_run = run;
            } else if next != HYPHEN {
                ended_run = 0;
            }
            run = 0;
        }
        before = current;
        current = next;
    }
    run == 1 && single_letter_words >= 2
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
        ] {
            assert!(may_hide_a_word(text.as_bytes()), "{text}");
        }
        for text in [
            "где мой заказ?",
            "Where is my order? Thanks.",
            "я и ты, а не он",
            "заказ MP-10001 и кто-то из-за 10кг",
        ] {
            assert!(!may_hide_a_word(text.as_bytes()), "{text}");
        }
    }
}
