//! One Aho–Corasick pass over the folded text finds the cue words of every
//! detector (secrets and scope), so a message is scanned once for all of them.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

use crate::normalize::is_letter_or_digit;
use crate::{scope, secrets};

/// Which detector a cue word belongs to, and what it means there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    Secret(secrets::Cue),
    /// The scope cue, and whether it must be a whole word.
    Scope(scope::cues::Cue, bool),
}

/// A cue word found at the start of a word.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub span: Range<usize>,
    pub keyword: Keyword,
}

/// The cue words and a bit set of the (hashed) keys of their first two
/// characters: a word whose start is not in it is skipped without entering
/// the automaton. A hash collision only costs one automaton walk.
struct Matcher {
    automaton: AhoCorasick,
    keywords: Vec<Keyword>,
    starts: [u64; START_WORDS],
}

const START_WORDS: usize = 64;

/// The bit of `key` in the start set: a multiplicative hash to 12 bits.
fn start_bit(key: u32) -> (usize, u64) {
    let h = (key.wrapping_mul(0x9E37_79B1) >> 20) as usize;
    (h / 64, 1 << (h % 64))
}

/// The first two characters of `s` as one number (0 for a missing second).
fn start_key(s: &str) -> u32 {
    let mut chars = s.chars();
    let first = chars.next().map_or(0, u32::from);
    let second = chars.next().map_or(0, u32::from);
    (first << 21) | second
}

static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
    let mut patterns: Vec<String> = Vec::new();
    let mut keywords = Vec::new();
    for (pattern, cue) in secrets::all_cues() {
        patterns.push(pattern);
        keywords.push(Keyword::Secret(cue));
    }
    for &(pattern, cue, whole) in scope::cues::CUES {
        patterns.push(pattern.to_owned());
        keywords.push(Keyword::Scope(cue, whole));
    }
    // Cue words only count at the start of a word, so the automaton is run
    // anchored at each word start instead of over every byte: the walk dies
    // after a byte or two in most words. The contiguous NFA is smaller than
    // the DFA and measured faster here: the walks stay in cache.
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .start_kind(StartKind::Anchored)
        .build(&patterns)
        .expect("static patterns");
    let mut starts = [0u64; START_WORDS];
    for pattern in &patterns {
        let (word, bit) = start_bit(start_key(pattern));
        starts[word] |= bit;
    }
    Matcher {
        automaton,
        keywords,
        starts,
    }
});

/// Every cue word of `folded` that starts a word: the longest at each word
/// start, and none inside a cue already found ("код" in "пришел код").
pub(crate) fn scan(folded: &str) -> Vec<Hit> {
    scan_at(folded, word_starts(folded))
}

/// As [`scan`], with the word starts already known (see `crate::lex`).
pub(crate) fn scan_at(folded: &str, starts: impl IntoIterator<Item = usize>) -> Vec<Hit> {
    let matcher = &*MATCHER;
    let mut hits = Vec::new();
    let mut covered = 0;
    for start in starts {
        let (word, bit) = start_bit(start_key(&folded[start..]));
        if start < covered || matcher.starts[word] & bit == 0 {
            continue;
        }
        let input = Input::new(folded).range(start..).anchored(Anchored::Yes);
        if let Ok(Some(m)) = matcher.automaton.try_find(input) {
            covered = m.end();
            hits.push(Hit {
                span: m.start()..m.end(),
                keyword: matcher.keywords[m.pattern().as_usize()],
            });
        }
    }
    hits
}

/// Byte offsets where a word (letters or digits) starts.
fn word_starts(folded: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = folded.as_bytes();
    let mut i = 0;
    let mut in_word = false;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let at = i;
            let b = bytes[i];
            let word_char = match b {
                0x00..=0x7F => {
                    i += 1;
                    b.is_ascii_alphanumeric()
                }
                // Folded Russian letters: а–п (D0 B0–BF), р–я (D1 80–8F).
                0xD0 | 0xD1 => {
                    i += 2;
                    true
                }
                _ => {
                    let c = folded[at..].chars().next().unwrap_or(' ');
                    i += c.len_utf8();
                    is_letter_or_digit(c)
                }
            };
            let starts = word_char && !in_word;
            in_word = word_char;
            if starts {
                return Some(at);
            }
        }
        None
    })
}
