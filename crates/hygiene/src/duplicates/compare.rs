//! Comparing two questions: a weighted Dice over their keys, and the guards
//! that say "another question" whatever the score.
//!
//! The guards, each a veto: different numbers (order, amount, date); a word
//! with its opposite on the other side — an antonym pair ("включить" /
//! "выключить", "log in" / "log out", "increase" / "decrease") or the same
//! word negated on one side only; a substitution of look-alike words, the
//! mark of a different named entity ("Пермь" / "Пенза", "Австрии" /
//! "Австралии"); a route the other way round ("Казань - Москва").

use std::sync::LazyLock;

use super::Fingerprint;
use super::synonyms::Synonyms;
use super::words::{Polarity, Token, tokens};

/// Why two questions are different whatever their words share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Veto {
    /// Different order numbers, amounts or dates.
    DifferentNumbers,
    /// Opposite actions or a negation on one side only.
    OppositeMeaning,
    /// One name swapped for a look-alike one (another city, country,
    /// street), or one thing for another of its kind (a card for bonuses, an
    /// SMS for an e-mail: `data/alternatives.txt`).
    DifferentEntity,
    /// The same places, the other way round.
    ReversedRoute,
}

/// Pairs of words that ask for opposite things.
const ANTONYMS: &[(&str, &str)] = &[
    ("включить", "выключить"),
    ("включить", "отключить"),
    ("подключить", "отключить"),
    ("привязать", "отвязать"),
    ("заблокировать", "разблокировать"),
    ("увеличить", "уменьшить"),
    ("увеличить", "сократить"),
    ("продлить", "сократить"),
    ("продлить", "отменить"),
    ("добавить", "убрать"),
    ("добавить", "удалить"),
    ("подписать", "отписать"),
    ("открыть", "закрыть"),
    ("пополнить", "снять"),
    ("войти", "выйти"),
    ("утро", "вечер"),
    ("сегодня", "завтра"),
    ("вчера", "сегодня"),
    ("купить", "продать"),
    ("купить", "вернуть"),
    ("купить", "сдать"),
    ("начислить", "списать"),
    ("зачислить", "списать"),
    ("рано", "поздно"),
    ("раньше", "позже"),
    ("activate", "deactivate"),
    ("enable", "disable"),
    ("upgrade", "downgrade"),
    ("increase", "decrease"),
    ("raise", "lower"),
    ("block", "unblock"),
    ("subscribe", "unsubscribe"),
    ("link", "unlink"),
    ("~in", "~out"),
    ("~on", "~off"),
    ("~up", "~down"),
];

/// Verb prefixes of opposite direction: "в-"/"вы-", "под-"/"от-"…, and the
/// English "en-"/"dis-", "in-"/"de-".
const OPPOSITE_PREFIXES: &[(&str, &str)] = &[
    ("в", "вы"),
    ("во", "вы"),
    ("в", "от"),
    ("под", "от"),
    ("при", "от"),
    ("за", "от"),
    ("за", "раз"),
    ("за", "вы"),
    ("", "раз"),
    ("", "de"),
    ("", "dis"),
    ("", "un"),
    ("en", "dis"),
    ("in", "de"),
    ("up", "down"),
];

/// Keys of words whose presence says little: almost every question has one.
const GENERIC: &[&str] = &["заказ", "товар", "деньги", "помощь", "проблема"];
const GENERIC_WEIGHT: f32 = 0.5;

/// Words that name what the customer wants done (see [`compare`]).
const INTENTS: &[&str] = &[
    "возврат",
    "отменить",
    "обменять",
    "потратить",
    "списать",
    "начислить",
    "заблокировать",
    "оплатить",
    "доставка",
    "удалить",
    "купить",
    "изменить",
    "ship",
    "exchange",
];
const INTENT_FACTOR: f32 = 0.75;

/// Words of one kind (`data/alternatives.txt`): one swapped for another of
/// its group is another question.
const ALTERNATIVES: &str = include_str!("../../data/alternatives.txt");

struct Lexicon {
    antonyms: Vec<(String, String)>,
    /// The keys of each group of alternatives.
    alternatives: Vec<Vec<String>>,
    generic: Vec<String>,
    intents: Vec<String>,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let synonyms = Synonyms::built_in();
    let key = |w: &str| {
        synonyms.group_of(w).unwrap_or_else(|| {
            tokens(w)
                .into_iter()
                .find_map(|t| match t {
                    Token::Word { key, .. } => Some(key),
                    _ => None,
                })
                .unwrap_or_else(|| w.to_owned())
        })
    };
    Lexicon {
        antonyms: ANTONYMS
            .iter()
            .map(|(a, b)| {
                let k = |w: &str| {
                    if w.starts_with('~') {
                        w.to_owned()
                    } else {
                        key(w)
                    }
                };
                (k(a), k(b))
            })
            .collect(),
        alternatives: ALTERNATIVES
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| l.split(" | ").map(key).collect())
            .collect(),
        generic: GENERIC.iter().map(|w| key(w)).collect(),
        intents: INTENTS.iter().map(|w| key(w)).collect(),
    }
});

fn weight(key: &str) -> f32 {
    if LEXICON.generic.iter().any(|g| g == key) {
        GENERIC_WEIGHT
    } else {
        1.0
    }
}

/// Two different things of one kind: "карта" and "бонусы", "смс" and "пуш".
fn alternatives(a: &str, b: &str) -> bool {
    a != b
        && LEXICON
            .alternatives
            .iter()
            .any(|g| g.iter().any(|k| k == a) && g.iter().any(|k| k == b))
}

fn opposite(a: &str, b: &str) -> bool {
    if LEXICON
        .antonyms
        .iter()
        .any(|(x, y)| (x == a && y == b) || (x == b && y == a))
    {
        return true;
    }
    OPPOSITE_PREFIXES.iter().any(|(p, q)| {
        let split = |x: &str, y: &str| {
            matches!((a.strip_prefix(x), b.strip_prefix(y)), (Some(r), Some(s)) if r == s && r.chars().count() >= 3)
        };
        split(p, q) || split(q, p)
    })
}

/// Two keys that differ by a typo: long enough, same first letter, one edit
/// (two for long words) apart, and not a prefix pair of opposite direction.
fn typo(a: &str, b: &str) -> bool {
    let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let shorter = x.len().min(y.len());
    if a.starts_with('#') || b.starts_with('#') || shorter < 5 || x.first() != y.first() {
        return false;
    }
    let allowed = if shorter >= 8 { 2 } else { 1 };
    x.len().abs_diff(y.len()) <= allowed && edit_distance(&x, &y) <= allowed && !opposite(a, b)
}

/// What a derivation adds to a root after stemming: "получат" /
/// "получател", "откр" / "открыт", "гарант" / "гарантин". A name's
/// look-alike adds something else ("австр" / "австрал").
const DERIVATIONS: &[&str] = &[
    "", "ат", "ател", "тел", "ел", "ин", "н", "т", "ыт", "ит", "ыв", "ыва", "ива", "ва", "ен",
    "ени", "ан", "ани", "к", "ост", "ств", "ник", "ов", "ев", "иван", "ыван", "еван", "ован",
];

/// Consonants that alternate at the end of a Russian root when a suffix is
/// added: "отследить" / "отслеживание", "сортировка" / "сортировочный",
/// "перевозка" / "перевозчик"; a fleeting "о"/"е" may stand before the
/// second ("сортировк" / "сортировочн").
const ALTERNATIONS: &[(char, char)] = &[
    ('д', 'ж'),
    ('з', 'ж'),
    ('г', 'ж'),
    ('т', 'ч'),
    ('к', 'ч'),
    ('с', 'ш'),
    ('х', 'ш'),
    ('т', 'щ'),
];

/// Two keys of one word family: a shared root of four letters or more, the
/// rest of each a derivational suffix, so "открываю" and "открытии" or
/// "получатель" and "получателю" are one word, not two names.
fn family(a: &str, b: &str) -> bool {
    if a == b || a.starts_with(['#', '~']) || b.starts_with(['#', '~']) {
        return false;
    }
    let common: usize = a
        .chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    if a[..common].chars().count() < 4 {
        return false;
    }
    let (x, y) = (&a[common..], &b[common..]);
    if DERIVATIONS.contains(&x) && DERIVATIONS.contains(&y) {
        return true;
    }
    // An alternation needs a longer shared root: "получ-ат-ель" and
    // "получил" (stemmed "полут") are a noun and a verb, not one word.
    a[..common].chars().count() >= 5 && (alternated(x, y) || alternated(y, x))
}

/// The rests of two stems after their common root, one ending the root in a
/// consonant, the other in its alternate (after a fleeting vowel), each
/// followed by a derivational suffix.
fn alternated(x: &str, y: &str) -> bool {
    let mut xs = x.chars();
    let Some(cx) = xs.next() else {
        return false;
    };
    let y = y
        .strip_prefix('о')
        .or_else(|| y.strip_prefix('е'))
        .unwrap_or(y);
    let mut ys = y.chars();
    let Some(cy) = ys.next() else {
        return false;
    };
    ALTERNATIONS.contains(&(cx, cy))
        && DERIVATIONS.contains(&xs.as_str())
        && DERIVATIONS.contains(&ys.as_str())
}

/// One verb in its two aspects: "звонил" / "позвонил", "меняется" /
/// "поменялся". Only "по-": the other prefixes change the meaning ("писали" /
/// "списали", "ехал" / "уехал").
fn aspect(a: &str, b: &str) -> bool {
    let pair = |x: &str, y: &str| {
        x.strip_prefix("по")
            .is_some_and(|rest| rest == y && rest.chars().count() >= 3)
    };
    !a.starts_with(['#', '~', '≠']) && (pair(a, b) || pair(b, a))
}

/// Two different keys spelt alike: a different name, not a typo of it.
fn look_alike(a: &str, b: &str) -> bool {
    let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.starts_with(['#', '~']) || b.starts_with(['#', '~']) || x.len().min(y.len()) < 3 {
        return false;
    }
    let common_prefix = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
    edit_distance(&x, &y) <= 2 || common_prefix >= 4
}

pub(super) fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// The score of `a` against `b` in 0..=1 and the veto, if any.
pub(super) fn compare(a: &Fingerprint, b: &Fingerprint, substitution: f32) -> (f32, Option<Veto>) {
    if let Some(veto) = number_veto(&a.numbers, &b.numbers) {
        return (0.0, Some(veto));
    }
    if a.routes
        .iter()
        .any(|(x, y)| b.routes.contains(&(y.clone(), x.clone())))
    {
        return (0.0, Some(Veto::ReversedRoute));
    }
    if a.words.is_empty() || b.words.is_empty() {
        let same = a.bare == b.bare && a.numbers == b.numbers;
        return (if same { 1.0 } else { 0.0 }, None);
    }
    if absence_against_presence(a, b) || absence_against_presence(b, a) {
        return (0.0, Some(Veto::OppositeMeaning));
    }
    let mut used = vec![false; b.words.len()];
    let mut matched = 0.0;
    let mut lone_a = Vec::new();
    for (key, polarity) in &a.words {
        let exact = b.words.iter().position(|(k, _)| k == key);
        let partner = exact
            .or_else(|| b.words.iter().position(|(k, _)| typo(key, k)))
            .or_else(|| b.words.iter().position(|(k, _)| family(key, k)))
            .or_else(|| b.words.iter().position(|(k, _)| aspect(key, k)));
        match partner {
            Some(i) if b.words[i].1.opposes(*polarity) => {
                return (0.0, Some(Veto::OppositeMeaning));
            }
            Some(i) if !used[i] => {
                used[i] = true;
                matched += weight(key);
            }
            Some(_) => {}
            None => lone_a.push(key.as_str()),
        }
    }
    let lone_b: Vec<&str> = b
        .words
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|((k, _), _)| k.as_str())
        .collect();
    for x in &lone_a {
        for y in &lone_b {
            if opposite(x, y) {
                return (0.0, Some(Veto::OppositeMeaning));
            }
            if look_alike(x, y) || alternatives(x, y) {
                return (0.0, Some(Veto::DifferentEntity));
            }
        }
    }
    // Numbers are a guard, not evidence: a shared order number says the
    // questions are about one order, not that they ask the same thing.
    let total: f32 = a.words.iter().chain(&b.words).map(|(k, _)| weight(k)).sum();
    let mut score = 2.0 * matched / total;
    if !lone_a.is_empty() && !lone_b.is_empty() {
        score *= substitution;
    }
    // A request word on one side only ("возврат", "отмена", "потратить")
    // turns "where is my order" into another request about it.
    if lone_a
        .iter()
        .chain(&lone_b)
        .any(|k| LEXICON.intents.iter().any(|i| i == k))
    {
        score *= INTENT_FACTOR;
    }
    (score, None)
}

/// "товара нет в наличии" against "товар в наличии": an absence on one side
/// and nothing negated on the other. Against "возврат не приходит" the
/// absence is said twice, and the words decide.
fn absence_against_presence(a: &Fingerprint, b: &Fingerprint) -> bool {
    let absent = |f: &Fingerprint| f.words.iter().any(|(k, _)| k == "нет");
    absent(a)
        && !absent(b)
        && !b.words.iter().any(|(_, p)| {
            matches!(
                p,
                Polarity::Negated | Polarity::NotDone | Polarity::Unable | Polarity::Awaited
            )
        })
}

/// Different numbers on both sides are different orders, amounts or dates;
/// a number only one side gives is detail.
fn number_veto(a: &[String], b: &[String]) -> Option<Veto> {
    let differs = |x: &[String], y: &[String]| x.iter().any(|n| !y.contains(n));
    (!a.is_empty() && !b.is_empty() && differs(a, b) && differs(b, a))
        .then_some(Veto::DifferentNumbers)
}
