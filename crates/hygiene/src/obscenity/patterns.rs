//! The obscene vocabulary, written as patterns over normalised word forms.
//!
//! Patterns are written plainly ("ху[йиеяю]") and compiled through
//! [`disguise`], which lets every letter repeat ("хууууй") and stand for a
//! `*` the writer typed in its place ("х*й"). Most roots are anchored at the
//! start of the word with an explicit list of prefixes: that is what keeps
//! "оскорблять", "употреблять", "скипидар", "хлебать", "себе", "Scunthorpe"
//! and "cocktail" clean. Only roots that never occur inside ordinary words
//! ("пизд", "fuck") match anywhere, and "ху…" matches anywhere except in the
//! few ordinary words listed as exceptions ("страхуй", "плохую", "тихую").

/// Russian roots, matched against the Cyrillic form of a word.
pub(super) const RUSSIAN: &[&str] = &[
    // хуй and everything built on it: нахуй, охуеть, хуйня, хуево, похуй.
    "ху[йиеяю]",
    "^(?:на|по)?ху(?:ли|ле)$",
    // пизда, пиздец, распиздяй, пиздеж; "пздц".
    "п[иеы][зс]д",
    "^пзд",
    // ебать with its prefixes; the prefixes that need a hard sign need it,
    // so "себе", "небо", "хлеб", "требую" stay clean.
    "^(?:за|вы|до|на|по|при|про|пере|у|недо|долб[оа]|далб[оа]|мудо|ни)?(?:е|йо|ио)б",
    "^(?:с|из|вз|в|об|от|под|раз|рас|об)[ъь](?:е|йо|ио)б",
    "^(?:за|вы)иб",
    // блядь, блять, бля, выблядок — but not "бляха", "бляшка", "блат".
    "^(?:вы|по|на|за)?бля(?:$|[тдц])",
    "^бла[тд]ь",
    // сука, суки, сучка, сучара, сукин.
    "^сук(?:а|и|е|у|ой|ою|ам|ами|ах|ин|ина|ины|ину|иным)$",
    "^суч(?:к[аиуео]|ар|ий|ье|ен|онок|ара)",
    "^муд(?:ак|ач|ил|озвон|оеб|ень|ня)",
    "^(?:пид[оа]р|пидр|педр[иа]л|педик(?:$|и$|а$|у$|ом$|ов$))",
    "^г[ао]нд[оа]н",
    "^шлю[хш]",
    "^залуп",
    "^(?:за|на|по|от|у|вы)?дроч",
    "^(?:на|по|ни|за)?хер(?:$|[ауеоы]$|ом$|ня|ов|ач|ну|н[иеу]|ь)",
    "^манд(?:а|ы|у|е|ой|ень)$",
    "^шалав",
    "^ублюд",
];

/// The roots people spell with Latin letters of the same shape ("xyu",
/// "cyka"), written in those letters: "x" for "х" and "y" for "у", never the
/// "h" of "Hyundai" (the sound, which transliteration reads).
pub(super) const RUSSIAN_IN_LATIN_LOOKALIKES: &[&str] = &["xy[uiejr9]", "^cyk(?:a|u|e|y|oi)$"];

/// Russian patterns not read in Latin transliteration, because their Latin
/// spelling is an ordinary English word or name: "her", "here", "hero"
/// (хер), "Mandy" (манд), "blatant", "bladder" (блат), "Sebastian" (съеб).
pub(super) const NOT_IN_LATIN: &[&str] = &["хер", "манд", "бла[тд]ь", "[ъь](?:е"];

/// English words and names that a Russian root reads into once
/// transliterated ("ebay", "ebony", "job", "hue", "feng shui"); matched on
/// the Latin form.
pub(super) const TRANSLIT_EXCEPTIONS: &[&str] = &[
    "^eb(?:ay|b|on|ook|ola|ert|ul)",
    "^job",
    "^hue[sdy]?$",
    "[sctz]hu",
];

/// Ordinary words that contain a root: checked on the word's Cyrillic form.
pub(super) const RUSSIAN_EXCEPTIONS: &[&str] = &[
    "страху",
    "психу",
    "плоху",
    "тиху",
    "суху",
    "глуху",
    "лиху",
    "жуху",
    "ебург",
    "педикюр",
    "педикул",
];

/// English roots and Russian words spelt in Latin, matched against the
/// Latin form of a word.
pub(super) const ENGLISH: &[&str] = &[
    "fuck",
    "^fuk(?:$|s$|ing|er|ed)",
    "^f[c]?ck(?:$|s$|ing|er|ed)",
    "^fcuk",
    "^(?:bull|horse|dip|dog|ape|chicken)?shit",
    "^cunt",
    "bitch",
    // "biatch", "beotch": the drawled spellings.
    "^b(?:ia|io|ea|eo|ee|y)a?tch",
    "^(?:dumb|jack|smart|bad|fat|lard|kick)?ass(?:$|hole|hat|wipe|clown)",
    "^arse(?:$|hole|wipe)",
    "^bastard",
    "^dick(?:$|s$|head|wad)",
    "^cock(?:$|s$|sucker|head)",
    "^whore",
    "^slut",
    "^twat",
    "^wank",
    "^nigg(?:er|a|az|ers|as)$",
    "^fag(?:g)?ot",
];

pub(super) const ENGLISH_EXCEPTIONS: &[&str] = &["^shiit", "^shitak", "^scunthorpe"];

/// Latin letters written as two ("phuck"), for the English patterns.
pub(super) const LATIN_DIGRAPHS: &[(char, &str)] = &[('f', "ph")];

/// Rewrites a plain pattern so that each letter may repeat and may be typed
/// as `*` or as one of its look-alikes (`alikes`): `ху[йи]` becomes
/// `[хx…*]+[уy…*]+[йиu…*]+`.
pub(super) fn disguise(pattern: &str, alikes: impl Fn(char) -> String) -> String {
    disguise_with(pattern, alikes, &[])
}

/// [`disguise`], with letters that may also be written as two (`digraphs`).
pub(super) fn disguise_with(
    pattern: &str,
    alikes: impl Fn(char) -> String,
    digraphs: &[(char, &str)],
) -> String {
    use super::confusables::class_char;
    let alikes = |c: char| -> String { alikes(c).chars().map(class_char).collect() };
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() * 4);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let quantified = |next: usize| matches!(chars.get(next), Some('?' | '*' | '+' | '{'));
        if c == '[' {
            let close = chars[i..]
                .iter()
                .position(|&x| x == ']')
                .map_or(chars.len(), |p| i + p);
            for &inner in &chars[i..close] {
                out.push(inner);
                if inner.is_alphabetic() {
                    out.push_str(&alikes(inner));
                }
            }
            out.push_str("*]");
            if !quantified(close + 1) {
                out.push('+');
            }
            i = close + 1;
        } else if c.is_alphabetic() {
            let digraph = digraphs.iter().find(|(d, _)| *d == c).map(|(_, two)| *two);
            if digraph.is_some() {
                out.push_str("(?:");
            }
            out.push('[');
            out.push(c);
            out.push_str(&alikes(c));
            out.push_str("*]");
            if let Some(two) = digraph {
                out.push('|');
                out.push_str(two);
                out.push(')');
            }
            if !quantified(i + 1) {
                out.push('+');
            }
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// A Russian pattern read over Latin writing: each letter becomes its Latin
/// spellings or `*`, repeated (`ху` becomes `(?:h|x|kh|\*)+(?:u|oo|ou|\*)+`);
/// "ь" and "ъ", which Latin writing leaves out, become nothing.
pub(super) fn transliterated(pattern: &str) -> String {
    use super::confusables::spellings;
    let alternatives = |letters: &[char]| -> Option<String> {
        let mut alts: Vec<&str> = letters
            .iter()
            .flat_map(|&c| spellings(c).iter().copied())
            .collect();
        if alts.is_empty() {
            return None;
        }
        alts.push("\\*");
        Some(format!("(?:{})", alts.join("|")))
    };
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() * 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let quantified = |next: usize| matches!(chars.get(next), Some('?' | '*' | '+' | '{'));
        let (group, next) = if c == '[' {
            let close = chars[i..]
                .iter()
                .position(|&x| x == ']')
                .map_or(chars.len(), |p| i + p);
            (alternatives(&chars[i + 1..close]), close + 1)
        } else if c.is_alphabetic() {
            (alternatives(&[c]), i + 1)
        } else {
            out.push(c);
            i += 1;
            continue;
        };
        match group {
            Some(group) => {
                out.push_str(&group);
                if !quantified(next) {
                    out.push('+');
                }
                i = next;
            }
            // A letter left out in Latin, with its quantifier.
            None => i = next + usize::from(quantified(next)),
        }
    }
    out
}

/// Each letter of `pattern` as a class of itself and the ASCII letters that
/// stand for it (for the gate, which only judges words of plain letters).
pub(super) fn with_ascii_alikes(
    pattern: &str,
    alikes: impl Fn(char) -> String,
    digraphs: &[(char, &str)],
) -> String {
    let ascii = |c: char| -> String {
        alikes(c)
            .chars()
            .filter(char::is_ascii_alphabetic)
            .collect()
    };
    let mut out = String::with_capacity(pattern.len() * 3);
    let mut in_class = false;
    for c in pattern.chars() {
        match c {
            '[' => in_class = true,
            ']' => in_class = false,
            _ => {}
        }
        if c.is_alphabetic() && !in_class {
            let digraph = digraphs.iter().find(|(d, _)| *d == c).map(|(_, two)| *two);
            out.push_str("(?:[");
            out.push(c);
            out.push_str(&ascii(c));
            out.push(']');
            if let Some(two) = digraph {
                out.push('|');
                out.push_str(two);
            }
            out.push(')');
        } else {
            out.push(c);
            if c.is_alphabetic() {
                out.push_str(&ascii(c));
            }
        }
    }
    out
}

/// The whole-text gate, for a byte regex: every pattern rewritten to find an
/// undisguised word in running folded text. Letters may repeat, `$` is
/// dropped, and the patterns anchored with `^` are grouped behind one word
/// edge — "start of text or a character that is not a letter or digit" —
/// instead of one edge each, which keeps the automaton small. The gate may
/// match more than the word patterns do (it is a gate, not the judge) but
/// never less. The edge is written over bytes because a Unicode class made
/// the lazy DFA give up: a character that is not an ASCII letter or digit and
/// not a folded Russian letter (D0 B0–BF, D1 80–8F).
pub(super) fn gate(patterns: impl IntoIterator<Item = String>) -> String {
    const EDGE: &str = r"(?-u:[\x00-\x2F\x3A-\x60\x7B-\x7F]|[\x00-\xCF\xD2-\xFF][\x80-\xBF]|\xD0[\x80-\xAF]|\xD1[\x90-\xBF])";
    let (mut anchored, mut anywhere) = (Vec::new(), Vec::new());
    for pattern in patterns {
        match pattern.strip_prefix('^') {
            Some(rest) => anchored.push(format!("(?:{})", in_running_text(rest))),
            None => anywhere.push(format!("(?:{})", in_running_text(&pattern))),
        }
    }
    format!(
        "(?:^|{EDGE})(?:{})|{}",
        anchored.join("|"),
        anywhere.join("|")
    )
}

/// Letters may repeat and `$` is dropped (see [`gate`]).
fn in_running_text(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() * 3);
    let mut chars = pattern.chars().peekable();
    let quantified = |next: Option<&char>| matches!(next, Some('?' | '*' | '+' | '{'));
    while let Some(c) = chars.next() {
        match c {
            '$' => {}
            '[' => {
                out.push('[');
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == ']' {
                        break;
                    }
                }
                if !quantified(chars.peek()) {
                    out.push('+');
                }
            }
            c if c.is_alphabetic() => {
                out.push(c);
                if !quantified(chars.peek()) {
                    out.push('+');
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{disguise, in_running_text, transliterated};

    #[test]
    fn running_text_form_has_word_edges() {
        assert_eq!(in_running_text("ху[йи]$"), "х+у+[йи]+");
        let gate = super::gate(["^бля".to_owned(), "ху".to_owned()]);
        assert!(gate.ends_with(")(?:(?:б+л+я+))|(?:х+у+)"), "{gate}");
    }

    #[test]
    fn disguise_rewrites_letters_and_classes() {
        let none = |_| String::new();
        assert_eq!(disguise("^ху[йи]$", none), "^[х*]+[у*]+[йи*]+$");
        assert_eq!(disguise("(?:за)?б", none), "(?:[з*]+[а*]+)?[б*]+");
        assert_eq!(disguise("с[ъь]?", none), "[с*]+[ъь*]?");
        assert_eq!(disguise("б", |_| "6$".into()), "[б6\\$*]+");
    }

    #[test]
    fn transliteration_spells_each_letter_and_drops_soft_signs() {
        assert_eq!(transliterated("^ху$"), "^(?:h|x|kh|\\*)+(?:u|oo|ou|\\*)+$");
        assert_eq!(transliterated("бь?л"), "(?:b|6|\\*)+(?:l|\\*)+");
    }
}
