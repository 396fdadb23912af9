//! Words reduced to keys that survive rewording: stop words dropped, each
//! content word cut to a root by the Snowball stemmer of its script and then
//! by a few verbal and participle endings Snowball leaves on ("вернут",
//! "вернул", "верн" are one key; so are "оплатил", "оплачен", "неоплаченный"
//! once the negation is split off), with spelling variation folded away.

use std::collections::HashSet;
use std::sync::LazyLock;

use frostem::{Algorithm, Stemmer};

use crate::normalize::is_cyrillic;

static RUSSIAN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::new(Algorithm::Russian));
static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::new(Algorithm::English));

/// Greetings, politeness, pronouns, prepositions, question words, modal
/// verbs and units (`data/stop_words.txt`): they carry no part of what is asked.
static STOP_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/stop_words.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect()
});

/// Particles that, after a verb, carry the direction of an English phrasal
/// verb ("log in" / "log out"); elsewhere they are prepositions.
pub(super) const PARTICLES: &[&str] = &["in", "into", "out", "on", "off", "up", "down"];

/// Verbs of ability around a negation ("не могу оплатить", "оплатить не
/// получается"): the negation belongs to the verb they govern.
pub(super) const MODALS: &[&str] = &[
    "могу",
    "может",
    "можем",
    "получается",
    "получилось",
    "удается",
    "удаётся",
    "выходит",
    "дает",
    "даёт",
    "дают",
    "позволяет",
    "пускает",
    "пускают",
    "пустит",
    "able",
    "let",
    "lets",
];

/// Negations that say "cannot" by themselves.
pub(super) const UNABLE: &[&str] = &["cannot", "cant", "невозможно", "нельзя", "unable"];

/// Words that mean "not": the next content word is negated.
const NEGATIONS: &[&str] = &[
    "не",
    "нет",
    "ни",
    "без",
    "not",
    "no",
    "never",
    "cannot",
    "cant",
    "can't",
    "without",
    "невозможно",
    "нельзя",
    "unable",
];

pub(super) fn is_negation(word: &str) -> bool {
    NEGATIONS.contains(&word)
}

pub(super) fn is_stop(word: &str) -> bool {
    STOP_WORDS.contains(word)
}

/// Forms Snowball cannot bring together: suppletive and irregular stems.
const IRREGULAR: &[(&str, &str)] = &[
    ("приход", "приш"),
    ("придет", "приш"),
    ("придут", "приш"),
    ("прид", "приш"),
    ("шел", "шл"),
    // "мне прислали" is what "пришло" says from the other side.
    ("прис", "приш"),
    // Arriving, reaching, coming in: one event for money, mail and parcels.
    ("доход", "приш"),
    ("дош", "приш"),
    ("дошл", "приш"),
    ("доид", "приш"),
    ("доидет", "приш"),
    ("доидут", "приш"),
    ("поступ", "приш"),
    ("поступа", "приш"),
    ("деньг", "денег"),
    ("средств", "денег"),
    ("возвраща", "возврат"),
    ("верн", "возврат"),
    ("вер", "возврат"),
    ("вернул", "возврат"),
    ("вернут", "возврат"),
    ("вернет", "возврат"),
    ("refund", "возврат"),
    ("дважд", "2"),
];

/// Verbal, participle and adjectival endings Snowball leaves on a stem.
const ENDINGS: &[&str] = &[
    "ирова",
    "ир",
    "ова",
    "ева",
    "ыва",
    "ива",
    "енн",
    "ен",
    "ан",
    "нн",
    "ут",
    "ют",
    "ил",
    "ел",
    "ыт",
    "л",
    "н",
    "а",
    "я",
    "и",
    "е",
    "у",
    "ь",
    "ы",
];

/// Endings of verb forms and participles in the written word.
const VERBAL: &[&str] = &[
    "ть",
    "ти",
    "ться",
    "тся",
    "ся",
    "сь",
    "л",
    "ла",
    "ло",
    "ли",
    "ют",
    "ут",
    "ят",
    "ат",
    "ит",
    "ет",
    "ишь",
    "ешь",
    "ите",
    "ете",
    "йте",
    "ен",
    "ена",
    "ено",
    "ены",
    "ан",
    "ана",
    "ано",
    "аны",
    "нный",
    "нная",
    "нное",
    "нные",
    "нного",
    "нной",
    "нным",
    "нную",
    "тый",
    "тая",
    "тое",
    "тые",
    "вший",
    "ющий",
    "ящий",
    "ащий",
    "ущий",
    "ю",
    "у",
];

/// The key of a content word: its root with spelling variation folded away.
pub(super) fn root(word: &str) -> String {
    let word = hushing_o(&unstretch(word));
    let cyrillic = word.chars().any(is_cyrillic);
    let stemmed = if cyrillic {
        RUSSIAN.stem(&word).into_owned()
    } else {
        ENGLISH.stem(&word).into_owned()
    };
    let mut stem = stemmed.as_str();
    // Only verbs and participles keep endings Snowball leaves on; a noun
    // keeps its stem, so "Австрии" and "Австралии" stay apart.
    // A noun in "-ию" ("Австралию", "историю") is not a verb in "-ю".
    let noun = word.ends_with("ию");
    if cyrillic && !noun && VERBAL.iter().any(|e| word.ends_with(e)) {
        for _ in 0..2 {
            if let Some(cut) = ENDINGS
                .iter()
                .filter_map(|e| stem.strip_suffix(e))
                .find(|s| s.chars().count() >= 3)
            {
                stem = cut;
            }
        }
    }
    // "перенести", "привезти": Snowball keeps the "т" the other forms lack
    // ("перенесите", "привез").
    if cyrillic && (word.ends_with("сти") || word.ends_with("зти")) {
        stem = stem.strip_suffix('т').unwrap_or(stem);
    }
    let mut key = spelling(stem);
    if let Some(&(_, to)) = IRREGULAR.iter().find(|(from, _)| *from == key) {
        key = to.to_owned();
    }
    key
}

/// A letter stretched to three or more ("пооомогите") is one letter; a
/// doubled one stays for the stemmer ("касса") and is folded later.
pub(super) fn unstretch(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && chars[j] == chars[i] {
            j += 1;
        }
        out.push(chars[i]);
        if j - i == 2 {
            out.push(chars[i]);
        }
        i = j;
    }
    out
}

/// "о" after a hushing consonant written for "е" ("пришол", "жолтый",
/// "чорный"): the commonest misspelling, folded before stemming.
fn hushing_o(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut last = ' ';
    for c in word.chars() {
        let c = if c == 'о' && matches!(last, 'ж' | 'ш' | 'ч' | 'щ') {
            'е'
        } else {
            c
        };
        out.push(c);
        last = c;
    }
    out
}

/// Spelling variants folded: э/е, й/и, ь/ъ dropped, doubled letters single,
/// consonant alternations at the end of a verb stem ("оплач" / "оплат",
/// "доставл" / "достав").
fn spelling(stem: &str) -> String {
    let mut out = String::with_capacity(stem.len());
    let mut last = None;
    for c in stem.chars() {
        let c = match c {
            'э' => 'е',
            'й' => 'и',
            'ь' | 'ъ' => continue,
            c => c,
        };
        if Some(c) != last {
            out.push(c);
        }
        last = Some(c);
    }
    for (from, to) in [
        ("вл", "в"),
        ("бл", "б"),
        ("пл", "п"),
        ("мл", "м"),
        ("ч", "т"),
        ("щ", "ст"),
    ] {
        if out.chars().count() > 4
            && let Some(head) = out.strip_suffix(from)
        {
            return format!("{head}{to}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::root;

    #[test]
    fn word_forms_share_a_root() {
        for group in [
            &["оплатил", "оплачен", "оплаченный", "оплатить"][..],
            &["доставят", "доставлен", "доставили"],
            &["вернуть", "верните", "вернулись", "возврат"],
            &["начислили", "начислены", "начисляются"],
            &["кешбэк", "кэшбек", "кешбек"],
            &["пооомогите", "помогите"],
            &["пришол", "пришел"],
        ] {
            let roots: Vec<String> = group.iter().map(|w| root(w)).collect();
            assert!(
                roots.windows(2).all(|w| w[0] == w[1]),
                "{group:?}: {roots:?}"
            );
        }
        assert_ne!(root("включить"), root("выключить"));
    }
}
