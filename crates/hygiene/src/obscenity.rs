//! Obscene words in Russian and English, disguises included.
//!
//! Each word is reduced to two normal forms before matching: a Cyrillic one,
//! where Latin look-alikes and digits become the Cyrillic letters they imitate
//! ("xуй", "cука", "6лять"), and a Latin one for English ("fuсk" with a
//! Cyrillic "с", "sh!t", "a$$hole"). Symbols inside a word are dropped or
//! become wildcards (`х*й`, `f.u.c.k`, `п-и-з-д-а`), letters spaced out one by
//! one are joined back (`б л я т ь`), repeated letters are allowed by the
//! patterns themselves. The patterns live in `patterns.rs` and say how
//! ordinary words that share letters are kept clean.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::normalize::{fold, is_cyrillic, is_letter, is_letter_or_digit};

mod confusables;
mod patterns;
pub(crate) mod scan;

/// One obscene word: its byte span in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObsceneFinding {
    pub span: Range<usize>,
}

struct Matchers {
    /// Over the whole folded text: could any plain word be obscene? When not,
    /// only disguised words are looked at one by one.
    gate: regex::bytes::Regex,
    russian: Regex,
    russian_exceptions: Regex,
    lookalikes: Regex,
    english: Regex,
    english_exceptions: Regex,
}

static MATCHERS: LazyLock<Matchers> = LazyLock::new(|| {
    let any = |patterns: &[&str], table: &[(char, &str)]| {
        let alternatives: Vec<String> = patterns
            .iter()
            .map(|p| patterns::disguise(p, table))
            .map(|p| format!("(?:{p})"))
            .collect();
        Regex::new(&alternatives.join("|")).expect("static patterns")
    };
    let gate = patterns::gate(
        patterns::RUSSIAN
            .iter()
            .chain(patterns::ENGLISH)
            .chain(patterns::LOOKALIKES_IN_LATIN)
            .copied(),
    );
    Matchers {
        gate: regex::bytes::Regex::new(&gate).expect("static patterns"),
        russian: any(patterns::RUSSIAN, confusables::CYRILLIC),
        russian_exceptions: any(patterns::RUSSIAN_EXCEPTIONS, confusables::CYRILLIC),
        lookalikes: any(patterns::RUSSIAN_IN_LATIN_LOOKALIKES, confusables::CYRILLIC),
        english: any(patterns::ENGLISH, confusables::LATIN),
        english_exceptions: any(patterns::ENGLISH_EXCEPTIONS, confusables::LATIN),
    }
});

/// Finds the obscene words of `text`.
pub fn find(text: &str) -> Vec<ObsceneFinding> {
    find_folded(&fold(text))
}

/// `text` with each obscene word replaced by its first letter and `***`.
pub fn mask(text: &str) -> String {
    let spans: Vec<Range<usize>> = find(text).into_iter().map(|f| f.span).collect();
    crate::mask::render(text, &[], &spans)
}

/// Characters that may sit inside a disguised word.
fn is_word_char(c: char) -> bool {
    is_letter_or_digit(c)
        || matches!(
            c,
            '*' | '@' | '$' | '!' | '€' | '¥' | '×' | '¢' | '©' | '®' | '°'
        )
        || is_joiner(c)
        || is_wildcard(c)
}

/// Characters typed in place of a letter that also split words: an emoji or
/// `#` ("х🤬й", "f#ck", but "привет😊сука").
fn is_wildcard(c: char) -> bool {
    c == '#' || confusables::is_emoji(c)
}

/// Characters that split a word into parts but may also glue a disguised word
/// together ("f.u.c.k", "х-у-й", "ну.блять").
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '.' | '-' | '_' | '\'' | '`' | '"' | '|' | '~' | '^' | '+' | '\u{ad}' | '\u{200b}'
            ..='\u{200d}' | '\u{2060}'
    )
}

/// What a word's characters mean once its disguise is removed. The buffers
/// are reused from word to word: this runs on every word of every message.
#[derive(Default)]
struct Forms {
    chars: Vec<char>,
    text: String,
}

impl Forms {
    /// Judges the characters of one word (joiners already allowed inside).
    /// The word is matched as written: the patterns carry the look-alikes.
    fn is_obscene(&mut self, word: impl Iterator<Item = char>) -> bool {
        self.chars.clear();
        self.chars.extend(
            word.map(confusables::fold_wide)
                .filter(|&c| !is_joiner(c))
                .map(|c| if is_wildcard(c) { '*' } else { c }),
        );
        let (mut letters, mut stars, mut digits) = (0, 0, 0);
        let (mut has_cyrillic, mut has_latin) = (false, false);
        let (mut all_lookalike, mut telltale) = (true, false);
        for &c in &self.chars {
            if c == '*' {
                stars += 1;
            } else if c.is_ascii_digit() {
                digits += 1;
            } else if matches!(c, '@' | '$' | '€' | '¥' | '×' | '¢' | '©' | '®') {
                // A symbol inside a word stands for a letter ("a$$", "бл@ть").
                letters += 1;
            } else if c.is_ascii_alphabetic() {
                letters += 1;
                has_latin = true;
                all_lookalike &= is_cyrillic_lookalike(c);
                telltale |= matches!(c, 'x' | 'y');
            } else if is_letter(c) {
                // Russian, and Greek or Ukrainian letters that only a
                // disguise mixes into a Russian word.
                letters += 1;
                has_cyrillic = true;
            }
        }
        // Identifiers ("RA123", "MP-10001") have more digits than letters.
        if letters < 2 || stars > letters || digits > letters || self.chars.len() < 3 {
            return false;
        }
        let m = &*MATCHERS;
        let russian = if has_cyrillic {
            Some(&m.russian)
        } else if has_latin && all_lookalike && telltale {
            Some(&m.lookalikes)
        } else {
            None
        };
        self.text.clear();
        self.text.extend(self.chars.iter());
        if let Some(russian) = russian
            && russian.is_match(&self.text)
            && !m.russian_exceptions.is_match(&self.text)
        {
            return true;
        }
        has_latin && m.english.is_match(&self.text) && !m.english_exceptions.is_match(&self.text)
    }
}

/// A Latin letter that stands for a Cyrillic one in the confusables table.
fn is_cyrillic_lookalike(c: char) -> bool {
    confusables::CYRILLIC
        .iter()
        .any(|(_, alikes)| alikes.contains(c))
}

/// Finds obscene words in already folded text (see [`crate::normalize::fold`]).
pub(crate) fn find_folded(folded: &str) -> Vec<ObsceneFinding> {
    find_lexed(folded, scan::may_hide_a_word(folded.as_bytes()))
}

/// As [`find_folded`], with the disguise scan already done (see `crate::lex`).
pub(crate) fn find_lexed(folded: &str, may_hide: bool) -> Vec<ObsceneFinding> {
    let mut found = Vec::new();
    let plain_may_match = MATCHERS.gate.is_match(folded.as_bytes());
    if !plain_may_match && !may_hide {
        return found;
    }
    let mut forms = Forms::default();
    // Single letters in a row ("б л я т ь"): start of the first, end of the last.
    let mut spaced: Vec<(usize, usize)> = Vec::new();
    let mut chars = folded.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !is_word_char(c) || is_joiner(c) {
            if !c.is_whitespace() && !is_joiner(c) {
                flush_spaced(folded, &mut spaced, &mut forms, &mut found);
            }
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some((at, next)) = chars.next_if(|&(_, n)| is_word_char(n)) {
            end = at + next.len_utf8();
        }
        let (start, end) = trim(folded, start, end);
        let word = &folded[start..end];
        if word.chars().nth(1).is_none() {
            if let Some(&(_, last_end)) = spaced.last()
                && !folded[last_end..start].chars().all(char::is_whitespace)
            {
                flush_spaced(folded, &mut spaced, &mut forms, &mut found);
            }
            spaced.push((start, end));
            continue;
        }
        flush_spaced(folded, &mut spaced, &mut forms, &mut found);
        if plain_may_match || !is_plain(word) {
            check_word(folded, start, end, &mut forms, &mut found);
        }
    }
    flush_spaced(folded, &mut spaced, &mut forms, &mut found);
    found
}

/// A word in one alphabet with nothing disguised: the gate regex has already
/// judged every such word of the text.
fn is_plain(word: &str) -> bool {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) if is_cyrillic(c) => chars.all(is_cyrillic),
        Some(c) if c.is_ascii_alphabetic() => {
            let all_ascii = word.bytes().all(|b| b.is_ascii_alphabetic());
            let lookalike = word.chars().all(is_cyrillic_lookalike) && word.contains(['x', 'y']);
            all_ascii && !lookalike
        }
        _ => false,
    }
}

/// Drops joiners and `!` at the edges of a word ("сука!", "-бля-").
fn trim(folded: &str, start: usize, end: usize) -> (usize, usize) {
    let word = &folded[start..end];
    let edge = |c: char| is_joiner(c) || is_wildcard(c) || c == '!';
    let head = word.len() - word.trim_start_matches(edge).len();
    let tail = word.len() - word.trim_end_matches(edge).len();
    (start + head, (end - tail).max(start + head))
}

fn check_word(
    folded: &str,
    start: usize,
    end: usize,
    forms: &mut Forms,
    found: &mut Vec<ObsceneFinding>,
) {
    let word = &folded[start..end];
    if word.len() < 3 || word.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    // "e6-размер", "mp3-плеер": an identifier glued to a word is judged
    // part by part, never as one disguised word.
    let identifier = word.contains(is_joiner)
        && word.split(is_joiner).any(|part| {
            part.bytes().all(|b| b.is_ascii_alphanumeric())
                && part.bytes().any(|b| b.is_ascii_digit())
                && part.bytes().any(|b| b.is_ascii_alphabetic())
        });
    if !identifier && forms.is_obscene(word.chars()) {
        found.push(ObsceneFinding { span: start..end });
        return;
    }
    let splits = |c: char| is_joiner(c) || is_wildcard(c);
    if !word.contains(splits) {
        return;
    }
    // "ну.блять", "сука-бля": judge each part on its own as well.
    let mut part_start = start;
    let mut boundaries = word
        .char_indices()
        .filter(|&(_, c)| splits(c))
        .map(|(i, c)| (start + i, c.len_utf8()));
    loop {
        let (part_end, next_start) = match boundaries.next() {
            Some((at, len)) => (at, Some(at + len)),
            None => (end, None),
        };
        let part = &folded[part_start..part_end];
        if part.chars().nth(1).is_some() && forms.is_obscene(part.chars()) {
            found.push(ObsceneFinding {
                span: part_start..part_end,
            });
        }
        match next_start {
            Some(s) => part_start = s,
            None => break,
        }
    }
}

fn flush_spaced(
    folded: &str,
    spaced: &mut Vec<(usize, usize)>,
    forms: &mut Forms,
    found: &mut Vec<ObsceneFinding>,
) {
    if spaced.len() >= 3 {
        let letters = spaced.iter().flat_map(|&(s, e)| folded[s..e].chars());
        if forms.is_obscene(letters) {
            let span = spaced[0].0..spaced[spaced.len() - 1].1;
            found.push(ObsceneFinding { span });
        }
    }
    spaced.clear();
}

#[cfg(test)]
mod tests;
