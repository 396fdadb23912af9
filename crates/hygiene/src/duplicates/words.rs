//! A question split into what can be compared: content-word keys (with the
//! negation that governs them), numbers and routes.
//!
//! Spelling is normalised before anything else: case and ё, stretched letters
//! ("пооомогите"), numbers glued to units ("5кг" is "5" and "кг"), number
//! words ("три", "дважды"), English contractions ("can't"). A negation binds
//! to the next content word, so "курьер не привез" and "курьер привез" have
//! the same word with opposite signs, while "деньги не пришли" and "где мои
//! деньги" simply share "деньги".

use super::stem::{MODALS, PARTICLES, UNABLE, is_negation, is_stop, root};
use crate::normalize::{fold, is_letter};

/// How a word stands: asked or stated as it is, asked for ("верните"), in
/// the past, negated, negated in the past ("не вернули"), or as something
/// the customer cannot do ("не могу отменить"). Ordered strongest first:
/// when a word stands two ways in one question, the first counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Polarity {
    Negated,
    NotDone,
    Unable,
    /// Said to be missing: the word beside "нет" ("доставки нет").
    Absent,
    Request,
    Past,
    /// Waited for: a word of a "когда …?" / "when …?" question ("когда
    /// начислят кешбэк"), which says it has not happened yet.
    Awaited,
    Plain,
}

impl Polarity {
    /// Whether two questions with the word standing these two ways ask
    /// opposite things: a negation against the plain word, "cannot do" or
    /// "please do" against "did" ("не могу отменить" / "отменил"). "Cannot
    /// do", "was not done" and a request are one request ("не вернули деньги"
    /// / "верните деньги"); "do not" is not ("не отменяйте" / "отмените").
    /// A thing said to be missing or waited for opposes nothing: "доставки
    /// нет", "когда доставят" and "не доставили" are one complaint (an
    /// absence against a plain presence is judged on the whole question).
    pub fn opposes(self, other: Polarity) -> bool {
        use Polarity::*;
        let one_way = |a: Polarity, b: Polarity| {
            matches!(
                (a, b),
                (Negated, Plain | Past | Request)
                    | (NotDone, Plain | Past)
                    | (Unable | Request, Past)
            )
        };
        one_way(self, other) || one_way(other, self)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    /// A content word's key and whether (and how) a negation governs it.
    Word { key: String, polarity: Polarity },
    /// Digits without leading zeros.
    Number(String),
    /// A dash standing between two words: "Москва - Сочи".
    Dash,
}

const NUMBER_WORDS: &[(&str, &str)] = &[
    ("один", "1"),
    ("одна", "1"),
    ("одного", "1"),
    ("одной", "1"),
    ("одну", "1"),
    ("два", "2"),
    ("две", "2"),
    ("двух", "2"),
    ("дважды", "2"),
    ("двойное", "2"),
    ("двойной", "2"),
    ("три", "3"),
    ("трех", "3"),
    ("трое", "3"),
    ("троих", "3"),
    ("трижды", "3"),
    ("четыре", "4"),
    ("четырех", "4"),
    ("четверых", "4"),
    ("пять", "5"),
    ("пяти", "5"),
    ("шесть", "6"),
    ("семь", "7"),
    ("восемь", "8"),
    ("девять", "9"),
    ("десять", "10"),
    ("двое", "2"),
    ("двоих", "2"),
    ("one", "1"),
    ("two", "2"),
    ("twice", "2"),
    ("double", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("ten", "10"),
];

/// Verbs of stopping: what follows them no longer happens.
const STOPPED: &[&str] = &["перестал", "перестает", "перестаёт", "перестают", "stopped"];

/// After a negation, "не тот", "не такой": the wrong one.
const WRONG_AFTER_NOT: &[&str] = &[
    "тот",
    "та",
    "то",
    "те",
    "того",
    "той",
    "ту",
    "тех",
    "такой",
    "такая",
    "такое",
    "такие",
    "такого",
    "right",
    "correct",
];

/// The wrong one, said in one word.
const WRONG: &[&str] = &[
    "чужой",
    "чужая",
    "чужое",
    "чужие",
    "чужого",
    "чужую",
    "чужим",
    "неправильный",
    "неправильная",
    "неправильное",
    "неправильные",
    "неправильного",
    "неправильную",
    "неверный",
    "неверная",
    "неверное",
    "неверные",
    "неверного",
    "неверную",
    "wrong",
];

/// Words that follow "добрый"/"доброе" in a greeting.
const GREETING_TAIL: &[&str] = &["день", "дня", "вечер", "вечера", "утро", "утра", "ночи"];

/// Pieces of folded text: words, digit runs and free-standing dashes.
fn pieces(folded: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<(usize, bool)> = None;
    let mut prev_space = true;
    let chars: Vec<(usize, char)> = folded.char_indices().collect();
    for (n, &(i, c)) in chars.iter().enumerate() {
        let letter = is_letter(c) || c == '\'';
        let digit = c.is_ascii_digit();
        let kind = if letter {
            Some(false)
        } else if digit {
            Some(true)
        } else {
            None
        };
        if let Some((s, was_digit)) = start
            && kind != Some(was_digit)
        {
            out.push(&folded[s..i]);
            start = None;
        }
        if let Some(is_digit) = kind {
            start.get_or_insert((i, is_digit));
        } else if matches!(c, '-' | '—' | '–' | '→')
            && prev_space
            && chars
                .get(n + 1)
                .is_none_or(|&(_, next)| next.is_whitespace())
        {
            out.push("-");
        }
        prev_space = c.is_whitespace();
    }
    if let Some((s, _)) = start {
        out.push(&folded[s..]);
    }
    out
}

/// Fused negation of a participle or adjective: "неоплаченный".
fn fused_negation(word: &str) -> Option<&str> {
    let rest = word.strip_prefix("не")?;
    let participle = [
        "нный",
        "нным",
        "нная",
        "нные",
        "нной",
        "нного",
        "нную",
        "нн",
        "нно",
    ];
    (rest.chars().count() >= 6 && participle.iter().any(|e| rest.ends_with(e))).then_some(rest)
}

/// The tokens of `text`, in order.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let folded = fold(text)
        .replace(['’', '`'], "'")
        .replace("n't", " not")
        .replace("'s", "");
    let mut out = Vec::new();
    let mut negated = false;
    let mut after_content = false;
    let mut greeting = false;
    // A negation that met a modal ("не получается") and found no verb after
    // it belongs to the verb before it: "оплатить не получается".
    let mut modal_negation = false;
    // The verb that "не могу" at the end of a clause governs: "оплатить
    // заказ картой не могу" negates "оплатить", not "картой".
    let mut last_infinitive: Option<usize> = None;
    let mut instead = false;
    let all = pieces(&folded);
    let awaited = all.iter().any(|p| matches!(*p, "когда" | "when"));
    // "не по адресу", "не по размеру": the wrong address, the wrong size.
    let mut wrong_kind = false;
    // "нет" before its thing ("нет доставки") marks the next content word.
    let mut absent_next = false;
    // …or, when nothing follows ("доставки до сих пор нет"), the words before.
    let mut absent_before: Option<usize> = None;
    // The previous piece was a content word (nothing between them).
    let mut prev_word = false;
    let mut prev_piece = "";
    for piece in all {
        let piece = piece.trim_matches('\'');
        if piece.is_empty() {
            continue;
        }
        let previous = std::mem::replace(&mut prev_piece, piece);
        let was_word = std::mem::take(&mut prev_word);
        if piece == "-" {
            out.push(Token::Dash);
            after_content = false;
            continue;
        }
        if piece.bytes().all(|b| b.is_ascii_digit()) {
            let n = piece.trim_start_matches('0');
            let n = if n.is_empty() { "0" } else { n };
            let role = if std::mem::take(&mut instead) {
                "≠"
            } else {
                ""
            };
            out.push(Token::Number(format!("{role}{n}")));
            after_content = false;
            continue;
        }
        if std::mem::take(&mut greeting) && GREETING_TAIL.contains(&piece) {
            continue;
        }
        if let Some(&(_, n)) = NUMBER_WORDS.iter().find(|(w, _)| *w == piece) {
            out.push(Token::Number(n.to_owned()));
            continue;
        }
        // "нет" states an absence ("нет доставки", "доставки нет"): the same
        // fact whichever side the thing stands on, so it is a word of its own
        // rather than a negation of the next one.
        if matches!(piece, "нет" | "нету") {
            // The thing said to be missing stands beside it: before it at the
            // end of a clause ("доставки нет"), otherwise after it.
            if was_word {
                mark_absent(&mut out);
            } else {
                absent_next = true;
                absent_before = Some(out.len());
            }
            out.push(Token::Word {
                key: "нет".to_owned(),
                polarity: Polarity::Plain,
            });
            after_content = true;
            continue;
        }
        // "can't", "won't let me", "unable to", "невозможно": cannot do.
        if is_negation(piece) {
            negated = true;
            modal_negation |= UNABLE.contains(&piece)
                || (piece == "not" && matches!(previous, "ca" | "can" | "could" | "wo"));
            continue;
        }
        if negated && piece == "по" {
            wrong_kind = true;
            continue;
        }
        // "перестал заряжаться" is "не заряжается": the verb that follows
        // is negated.
        if STOPPED.iter().any(|s| piece.starts_with(s)) {
            negated = true;
            continue;
        }
        // "не тот", "чужой", "неправильный", "wrong": the thing is not the
        // right one; "правильный" plain is its opposite.
        let wrong = (negated && WRONG_AFTER_NOT.contains(&piece)) || WRONG.contains(&piece);
        if wrong {
            negated = false;
            out.push(Token::Word {
                key: root("правильный"),
                polarity: Polarity::Negated,
            });
            after_content = true;
            continue;
        }
        if matches!(piece, "вместо" | "instead") {
            instead = true;
            continue;
        }
        if PARTICLES.contains(&piece) {
            if after_content {
                let particle = if piece == "into" { "in" } else { piece };
                out.push(Token::Word {
                    key: format!("~{particle}"),
                    polarity: Polarity::Plain,
                });
            }
            after_content = false;
            continue;
        }
        if negated && MODALS.contains(&piece) {
            modal_negation = true;
        }
        if is_stop(piece) {
            greeting |= matches!(piece, "добрый" | "доброе" | "доброй");
            continue;
        }
        let (word, fused) = match fused_negation(piece) {
            Some(rest) => (rest, true),
            None => (piece, false),
        };
        let key = root(word);
        if key.is_empty() {
            continue;
        }
        if std::mem::take(&mut wrong_kind) && negated {
            negated = false;
            out.push(Token::Word {
                key: root("правильный"),
                polarity: Polarity::Negated,
            });
        }
        let unable = std::mem::take(&mut modal_negation);
        if is_infinitive(word) {
            last_infinitive = Some(out.len());
        }
        // What was expected ("белый вместо серого") is another role than
        // what came: the two swapped are another complaint.
        let key = if std::mem::take(&mut instead) {
            format!("≠{key}")
        } else {
            key
        };
        let polarity = match (std::mem::take(&mut negated) ^ fused, unable) {
            (true, true) => Polarity::Unable,
            (true, false) if is_past(word) => Polarity::NotDone,
            (true, false) => Polarity::Negated,
            (false, _) if is_past(word) => Polarity::Past,
            (false, _) if is_imperative(word) => Polarity::Request,
            (false, _) if std::mem::take(&mut absent_next) => Polarity::Absent,
            (false, _) if awaited => Polarity::Awaited,
            (false, _) => Polarity::Plain,
        };
        out.push(Token::Word { key, polarity });
        after_content = true;
        prev_word = true;
    }
    if let (true, Some(end)) = (absent_next, absent_before) {
        mark_absent(&mut out[..end]);
    }
    if negated && modal_negation {
        let governed = match last_infinitive {
            Some(i) => out.get_mut(i),
            None => out
                .iter_mut()
                .rev()
                .find(|t| matches!(t, Token::Word { .. })),
        };
        if let Some(Token::Word { polarity, .. }) = governed {
            *polarity = Polarity::Unable;
        }
    }
    out
}

/// "доставки товара нет": the plain words that stand before "нет", back to
/// a word said some other way, are what is missing.
fn mark_absent(before: &mut [Token]) {
    for token in before.iter_mut().rev() {
        match token {
            Token::Word { polarity, .. }
                if matches!(*polarity, Polarity::Plain | Polarity::Awaited) =>
            {
                *polarity = Polarity::Absent;
            }
            _ => break,
        }
    }
}

/// A verb in the past tense: "оплатил", "отменили", "charged".
fn is_past(word: &str) -> bool {
    let russian = ["л", "ла", "ло", "ли", "лся", "лась", "лось", "лись"];
    (word.chars().count() > 3 && russian.iter().any(|e| word.ends_with(e)))
        || (word.len() > 4 && word.ends_with("ed"))
}

/// A Russian imperative of politeness: "верните", "поменяйте", "оформьте".
fn is_imperative(word: &str) -> bool {
    word.chars().count() > 4 && ["ите", "йте", "ьте"].iter().any(|e| word.ends_with(e))
}

/// A Russian infinitive: "оплатить", "зайти", "отвязаться", "помочь".
fn is_infinitive(word: &str) -> bool {
    ["ть", "ться", "ти", "чь"].iter().any(|e| word.ends_with(e)) && word.chars().count() > 4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokens(text)
            .into_iter()
            .map(|t| match t {
                Token::Word { key, polarity } => {
                    let negative = polarity < Polarity::Request;
                    format!("{}{key}", if negative { "!" } else { "" })
                }
                Token::Number(n) => format!("={n}"),
                Token::Dash => "-".into(),
            })
            .collect()
    }

    #[test]
    fn units_numbers_negation_particles() {
        assert_eq!(words("5кг"), words("5 кг"));
        assert_eq!(
            words("курьер опоздал на три часа"),
            words("курьер опоздал на 3 часа")
        );
        assert_eq!(
            words("курьер не привез")[1],
            format!("!{}", words("привез")[0])
        );
        assert_eq!(words("log in"), vec!["log", "~in"]);
        assert_eq!(words("Москва - Сочи").len(), 3);
        assert_eq!(words("Добрый день, где заказ"), words("где заказ"));
        assert_ne!(
            words("привезли белый вместо серого")[1..],
            words("привезли серый вместо белого")[1..]
        );
        let sorted = |text| {
            let mut w = words(text);
            w.sort();
            w
        };
        assert_eq!(
            sorted("оплатить заказ картой не могу"),
            sorted("не могу оплатить заказ картой")
        );
    }
}
