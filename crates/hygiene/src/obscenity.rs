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
    /// Russian roots over Latin writing ("pizdets", "nakhuy").
    translit: Regex,
    translit_exceptions: Regex,
}

/// The Russian patterns that are read in Latin transliteration too.
fn latin_safe(pattern: &&&str) -> bool {
    !patterns::NOT_IN_LATIN.iter().any(|p| pattern.contains(p))
}

static MATCHERS: LazyLock<Matchers> = LazyLock::new(|| {
    let any = |patterns: &mut dyn Iterator<Item = String>| {
        let alternatives: Vec<String> = patterns.map(|p| format!("(?:{p})")).collect();
        Regex::new(&alternatives.join("|")).expect("static patterns")
    };
    let cyrillic = |list: &'static [&'static str]| {
        list.iter()
            .map(|p| patterns::disguise(p, confusables::cyrillic_class))
    };
    let latin = |list: &'static [&'static str]| {
        list.iter()
            .map(|p| patterns::disguise_with(p, confusables::latin_class, patterns::LATIN_DIGRAPHS))
    };
    let translit = || {
        patterns::RUSSIAN
            .iter()
            .filter(latin_safe)
            .map(|p| patterns::transliterated(p))
    };
    // The gate judges words of plain letters in one script: Russian ones as
    // written, Latin ones with the Latin letters that stand for a letter
    // ("fvck", "xyu") and as transliterated Russian.
    let gate = patterns::gate(
        patterns::RUSSIAN
            .iter()
            .map(|p| (*p).to_owned())
            .chain(patterns::ENGLISH.iter().map(|p| {
                patterns::with_ascii_alikes(p, confusables::latin_class, patterns::LATIN_DIGRAPHS)
            }))
            .chain(
                patterns::RUSSIAN_IN_LATIN_LOOKALIKES
                    .iter()
                    .map(|p| (*p).to_owned()),
            )
            .chain(translit()),
    );
    let translit_exceptions = patterns::RUSSIAN_EXCEPTIONS
        .iter()
        .map(|p| patterns::transliterated(p))
        .chain(
            patterns::TRANSLIT_EXCEPTIONS
                .iter()
                .map(|p| (*p).to_owned()),
        );
    Matchers {
        gate: regex::bytes::Regex::new(&gate).expect("static patterns"),
        russian: any(&mut cyrillic(patterns::RUSSIAN)),
        russian_exceptions: any(&mut cyrillic(patterns::RUSSIAN_EXCEPTIONS)),
        lookalikes: any(&mut latin(patterns::RUSSIAN_IN_LATIN_LOOKALIKES)),
        english: any(&mut latin(patterns::ENGLISH)),
        english_exceptions: any(&mut latin(patterns::ENGLISH_EXCEPTIONS)),
        translit: any(&mut translit()),
        translit_exceptions: any(&mut translit_exceptions.into_iter()),
    }
});

/// Finds the obscene words of `text`.
pub fn find(text: &str) -> Vec<ObsceneFinding> {
    find_folded(text, &fold(text))
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
        for c in word {
            confusables::push_plain(c, &mut self.chars);
        }
        self.chars.retain(|&c| !is_joiner(c));
        for c in &mut self.chars {
            if is_wildcard(*c) {
                *c = '*';
            }
        }
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
        self.text.clear();
        self.text.extend(self.chars.iter());
        let text = self.text.as_str();
        let russian = if has_cyrillic {
            Some(&m.russian)
        } else if has_latin && all_lookalike && telltale {
            Some(&m.lookalikes)
        } else {
            None
        };
        if let Some(russian) = russian
            && russian.is_match(text)
            && !m.russian_exceptions.is_match(text)
        {
            return true;
        }
        // "п@здец", "х$йня": in a Russian word a symbol may hide any letter,
        // not only the one it looks like; read it as `*`.
        let symbols = self.chars.iter().filter(|c| matches!(c, '@' | '$')).count();
        if has_cyrillic && symbols > 0 && stars + symbols <= letters - symbols {
            self.text.clear();
            self.text.extend(
                self.chars
                    .iter()
                    .map(|&c| if matches!(c, '@' | '$') { '*' } else { c }),
            );
            let text = self.text.as_str();
            if m.russian.is_match(text) && !m.russian_exceptions.is_match(text) {
                return true;
            }
            self.text.clear();
            self.text.extend(self.chars.iter());
        }
        let text = self.text.as_str();
        if !has_latin {
            return false;
        }
        if m.english.is_match(text) && !m.english_exceptions.is_match(text) {
            return true;
        }
        !has_cyrillic && m.translit.is_match(text) && !m.translit_exceptions.is_match(text)
    }
}

/// A Latin letter that stands for a Cyrillic one in the confusables table.
fn is_cyrillic_lookalike(c: char) -> bool {
    static ASCII: LazyLock<u128> = LazyLock::new(|| {
        confusables::CYRILLIC
            .iter()
            .flat_map(|(_, alikes)| alikes.chars())
            .filter(char::is_ascii)
            .fold(0, |mask, c| mask | 1 << (c as u32))
    });
    c.is_ascii() && *ASCII & (1 << (c as u32)) != 0
}

/// Finds obscene words in already folded text (see [`crate::normalize::fold`]).
/// `text` is the original, for the case of names.
pub(crate) fn find_folded(text: &str, folded: &str) -> Vec<ObsceneFinding> {
    find_lexed(text, folded, scan::may_hide_a_word(folded.as_bytes()))
}

/// As [`find_folded`], with the disguise scan already done (see `crate::lex`).
pub(crate) fn find_lexed(text: &str, folded: &str, may_hide: bool) -> Vec<ObsceneFinding> {
    let mut found = Vec::new();
    // Where the gate sees a plain word that may be obscene: only those plain
    // words are judged one by one (the gate has cleared the others).
    let suspects: Vec<Range<usize>> = MATCHERS
        .gate
        .find_iter(folded.as_bytes())
        .map(|m| m.range())
        .collect();
    if suspects.is_empty() && !may_hide {
        return found;
    }
    let suspect =
        |start: usize, end: usize| suspects.iter().any(|s| s.start < end && start < s.end);
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
        if (!is_plain(word) || suspect(start, end)) && !in_a_name(text, start, end) {
            check_word(folded, start, end, &mut forms, &mut found);
        }
    }
    flush_spaced(folded, &mut spaced, &mut forms, &mut found);
    found
}

/// A word in one alphabet with nothing disguised: the gate regex has already
/// judged every such word of the text, and only those it matched are judged
/// again one by one.
fn is_plain(word: &str) -> bool {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) if is_cyrillic(c) => chars.all(is_cyrillic),
        Some(c) if c.is_ascii_alphabetic() => word.bytes().all(|b| b.is_ascii_alphabetic()),
        _ => false,
    }
}

/// A Latin word written as a name ("Huy", "Dick": a capital, then lower
/// case) next to another one, as in a full name or a title ("Nguyen Van
/// Huy", "Moby Dick"): a name, not a word to judge.
fn in_a_name(text: &str, start: usize, end: usize) -> bool {
    let Some(word) = text.get(start..end) else {
        return false;
    };
    let title = |w: &str| {
        let mut bytes = w.bytes();
        w.len() >= 2
            && bytes.next().is_some_and(|b| b.is_ascii_uppercase())
            && bytes.all(|b| b.is_ascii_lowercase())
    };
    if !title(word) {
        return false;
    }
    let latin = |c: char| c.is_ascii_alphabetic();
    let before = text[..start]
        .strip_suffix(' ')
        .map(|head| &head[head.trim_end_matches(latin).len()..]);
    let after = text[end..].strip_prefix(' ').map(|tail| {
        let rest = tail.trim_start_matches(latin).len();
        &tail[..tail.len() - rest]
    });
    before.is_some_and(title) || after.is_some_and(title)
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
