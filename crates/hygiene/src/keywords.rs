//! One Aho–Corasick pass over the folded text finds the cue words of every
//! detector (secrets and scope), so a message is scanned once for all of them.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::normalize::starts_word;
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

static MATCHER: LazyLock<(AhoCorasick, Vec<Keyword>)> = LazyLock::new(|| {
    let mut patterns: Vec<&str> = Vec::new();
    let mut keywords = Vec::new();
    for &(pattern, cue) in secrets::CUES {
        patterns.push(pattern);
        keywords.push(Keyword::Secret(cue));
    }
    for &(pattern, cue, whole) in scope::cues::CUES {
        patterns.push(pattern);
        keywords.push(Keyword::Scope(cue, whole));
    }
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        // A DFA without prefilter: with hundreds of cue words the prefilter
        // only restarts the search, and the DFA is a few times faster than the
        // NFA on 100-byte messages.
        .kind(Some(AhoCorasickKind::DFA))
        .prefilter(false)
        .build(&patterns)
        .expect("static patterns");
    (automaton, keywords)
});

/// Every cue word of `folded` that starts a word, leftmost-longest.
pub(crate) fn scan(folded: &str) -> Vec<Hit> {
    let (automaton, keywords) = &*MATCHER;
    automaton
        .find_iter(folded)
        .filter(|m| starts_word(folded, m.start()))
        .map(|m| Hit {
            span: m.start()..m.end(),
            keyword: keywords[m.pattern().as_usize()],
        })
        .collect()
}
