//! The token after "пароль" / "password": masked when it is a password.
//!
//! After an explicit separator ("пароль: …", "password is …") anything that is
//! not an ordinary word ("не подходит", "is wrong") is taken; without one, only
//! a token that looks like a password (digits with letters, inner capitals,
//! symbols, a Latin word in a Russian sentence).

use crate::normalize::is_cyrillic;
use crate::{SensitiveFinding, SensitiveKind};

/// Words that announce the password: "is", "это", "такой".
const SEPARATOR_WORDS: &[&str] = &["is", "was", "это", "такой", "следующий", "будет"];
/// Words that start a phrase saying whose password it is ("от почты", "for my account").
/// Transliterated too: "parol ot akkaunta".
const OWNER_PREPOSITIONS: &[&str] = &[
    "от", "для", "к", "в", "ot", "dlya", "dlia", "for", "to", "of", "on", "from",
];
/// Words between the cue and the password that neither announce it nor say
/// something about it: "был", "вот", "ставил", "у меня".
const SOFT_WORDS: &[&str] = &[
    "был",
    "была",
    "было",
    "вот",
    "ставил",
    "ставила",
    "поставил",
    "поставила",
    "стоит",
    "стоял",
    "у",
    "меня",
    "мой",
    "сейчас",
    "теперь",
    "на",
    "поменял",
    "поменяла",
    "сменил",
    "сменила",
    "изменил",
    "изменила",
];
const NEGATIONS: &[&str] = &["не", "нет", "not", "no"];
const MAX_TOKENS: usize = 8;
const MAX_OWNER_WORDS: usize = 3;

pub(super) fn password_after(
    text: &str,
    folded: &str,
    from: usize,
    credentials: bool,
    out: &mut Vec<SensitiveFinding>,
) {
    let russian = folded
        .get(..from)
        .and_then(|h| h.chars().rev().find(|c| c.is_alphabetic()))
        .is_some_and(is_cyrillic);
    let mut explicit = false;
    let mut softened = false;
    let mut owner_words: Option<usize> = None;
    let mut wanted = if credentials { 2 } else { 1 };
    for (start, end) in tokens(folded, from).take(MAX_TOKENS) {
        let raw_tok = &folded[start..end];
        // A separator glued to the token: "пароль:qwerty", ":", "=". A slash
        // or comma only separates a login from the password that follows.
        let announced = raw_tok.len() - raw_tok.trim_start_matches([':', '=', '—', '–', '-']).len();
        if announced > 0 {
            explicit = true;
        }
        let lead = raw_tok.len() - raw_tok[announced..].trim_start_matches(['/', ',']).len();
        let (start, end) = trim_punctuation(folded, start + lead, end);
        if start >= end {
            continue;
        }
        let word = &folded[start..end];
        // "такой:", "кабинета:" announce the password that follows.
        let announces = raw_tok.ends_with([':', '=']);
        // "пароль 👉 …": a pointer or an emoji, not the password.
        if !word.chars().any(char::is_alphanumeric) {
            continue;
        }
        // "пароль был …", "пароль вот …": passed over, the token after must
        // still look like a password.
        if SOFT_WORDS.contains(&word) {
            softened = true;
            continue;
        }
        // After "на", "был", "сменил" a bare number is a year or a count
        // ("пароль на 2023 год"), not a password given.
        if softened && !explicit && word.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        if SEPARATOR_WORDS.contains(&word) {
            explicit = true;
            continue;
        }
        if !explicit && OWNER_PREPOSITIONS.contains(&word) && owner_words.is_none() {
            owner_words = Some(0);
            continue;
        }
        if let Some(n) = owner_words
            && n < MAX_OWNER_WORDS
            && !explicit
            && !NEGATIONS.contains(&word)
            && (plain_word(word, russian) || (n == 0 && plain_word(word, false)))
        {
            // The first word may be a service named in Latin letters in a
            // Russian sentence ("пароль от wildberries …").
            owner_words = Some(n + 1);
            explicit |= announces;
            continue;
        }
        if credentials && wanted == 1 && matches!(word, "и" | "and") {
            continue;
        }
        if PASSWORD_STOPWORDS.contains(&word) {
            return;
        }
        let original = &text[start..end];
        // In "пароль от wi-fi" a Latin word is what the password is for.
        let latin_counts = russian && owner_words.is_none();
        if !(explicit || looks_like_password(original, latin_counts)) {
            return;
        }
        // Keep a trailing "!" or "." inside the mask: it may be part of it.
        let end =
            end + folded[end..].len() - folded[end..].trim_start_matches(['!', '.', '?']).len();
        let end = end.min(
            start
                + folded[start..]
                    .split_whitespace()
                    .next()
                    .map_or(0, str::len),
        );
        out.push(SensitiveFinding {
            kind: SensitiveKind::Password,
            span: start..end,
        });
        wanted -= 1;
        if wanted == 0 {
            return;
        }
    }
}

/// Whitespace-separated tokens after `from`, as byte ranges.
/// Whether `gap`, between "пароль" and a number, says the password came to
/// the customer: a verb of arrival among linking words and what it is for
/// ("на вход прислали", "для входа пришел").
pub(super) fn arrived(gap: &str) -> bool {
    gap.len() <= 40
        && !super::has_break(gap)
        && super::forms::arrived(gap)
        && gap
            .split(|c: char| c.is_whitespace() || ":=—–-,".contains(c))
            .filter(|w| !w.is_empty())
            .all(|w| {
                super::LINKING_WORDS.contains(&w)
                    || super::forms::links(w)
                    || w == "для"
                    || w.starts_with("вход")
                    || w.starts_with("vhod")
            })
}

fn tokens(folded: &str, from: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let rest = folded.get(from..).unwrap_or("");
    rest.split_whitespace().map(move |t| {
        let start = t.as_ptr() as usize - rest.as_ptr() as usize + from;
        (start, start + t.len())
    })
}

fn trim_punctuation(folded: &str, start: usize, end: usize) -> (usize, usize) {
    let tok = &folded[start..end];
    let head = tok.len() - tok.trim_start_matches(['«', '"', '\'', '(', '“']).len();
    let tail = tok.len()
        - tok
            .trim_end_matches(['.', ',', ';', '!', '?', ')', '»', '"', '\'', '”', ':'])
            .len();
    (start + head, (end - tail).max(start + head))
}

/// A word of letters in the sentence's own script: part of "от личного кабинета".
fn plain_word(word: &str, russian: bool) -> bool {
    !word.is_empty()
        && if russian {
            word.chars().all(is_cyrillic)
        } else {
            word.chars().all(|c| c.is_ascii_lowercase() || c == '\'')
        }
}

fn looks_like_password(token: &str, russian: bool) -> bool {
    let letters = token.chars().filter(|c| c.is_alphabetic()).count();
    let digits = token.chars().filter(char::is_ascii_digit).count();
    let symbols = token
        .chars()
        .filter(|c| "!@#$%^&*_+=~?".contains(*c))
        .count();
    let inner_upper = token.chars().skip(1).any(char::is_uppercase);
    let latin = token.chars().any(|c| c.is_ascii_alphabetic());
    let cyrillic = token.chars().any(is_cyrillic);
    (letters > 0 && digits > 0)
        || (letters == 0 && digits >= 4 && digits == token.chars().count())
        || (symbols > 0 && letters + digits > 0)
        || (inner_upper && token.chars().any(char::is_lowercase))
        || (russian && latin && !cyrillic)
}

/// Words after "пароль" that say something about it rather than give it.
const PASSWORD_STOPWORDS: &[&str] = &[
    "не",
    "нет",
    "неверный",
    "неверно",
    "неправильный",
    "неправильно",
    "правильный",
    "забыл",
    "забыла",
    "сброшен",
    "сбросить",
    "восстановить",
    "поменять",
    "сменить",
    "изменить",
    "я",
    "мне",
    "свой",
    "от",
    "для",
    "и",
    "а",
    "но",
    "уже",
    "все",
    "тоже",
    "точно",
    "будет",
    "стал",
    "слишком",
    "очень",
    "снова",
    "опять",
    "никто",
    "никому",
    "заблокирован",
    "устарел",
    "истек",
    "ввожу",
    "ввел",
    "который",
    "что",
    "как",
    "где",
    "когда",
    "так",
    "не подходит",
    "приходит",
    "пришел",
    "подходит",
    "верный",
    "новый",
    "старый",
    "с",
    "в",
    "по",
    "к",
    "из",
    "при",
    "через",
    "not",
    "wrong",
    "incorrect",
    "invalid",
    "expired",
    "correct",
    "right",
    "too",
    "very",
    "the",
    "a",
    "an",
    "my",
    "your",
    "being",
    "been",
    "no",
    "still",
    "now",
    "blocked",
    "locked",
    "reset",
    "changed",
    "saved",
    "required",
    "lost",
    "forgotten",
    "forgot",
    "weak",
    "strong",
    "ok",
    "okay",
    "fine",
    "same",
    "different",
    "case",
    "long",
    "short",
    "empty",
    "there",
    "here",
    "in",
    "on",
    "at",
    "for",
    "from",
    "of",
    "and",
    "or",
    "that",
    "this",
    "it",
    "what",
    "doesn't",
    "does",
    "isn't",
    "won't",
    "working",
    "new",
    "old",
    "to",
    "is",
    "with",
    "but",
    "again",
    "always",
    "never",
    "also",
    "just",
    "only",
    "definitely",
    "probably",
    "же",
    "тот",
    "та",
    "такой же",
    "прежний",
    "как",
    "sent",
    "needed",
];
