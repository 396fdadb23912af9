//! Whether a new question repeats an earlier one from the same customer.
//!
//! The measure is a token-set Dice coefficient over *content stems*: the text
//! is folded (case, ё), split into words, stripped of greetings, politeness
//! and pronouns ("здравствуйте", "подскажите", "хочу", "please"), and each
//! word is cut to a light stem ("верните", "вернуть" → "верн"), with a few
//! irregular support words mapped together ("денег" → "деньг", "возврат" →
//! "верн"). Two stems match when equal or one edit apart (typos), so word
//! order, inflection and small mistakes do not matter. Numbers are kept apart
//! and act as hard evidence: two questions about different orders or amounts
//! are different questions whatever their words, and a negation on one side
//! only ("не хочу отменять") halves the score.
//!
//! Why not MinHash or shingles: a customer has a handful of open tickets, so
//! exact set measures cost nothing, are deterministic and explainable, and
//! character shingles would rate "где мой заказ 123" and "где мой заказ 456"
//! nearly identical.

use crate::normalize::fold;

mod stem;

/// Scores at or above this are the same question.
pub const DUPLICATE_THRESHOLD: f32 = 0.7;

/// Applied when both questions have a content word the other lacks.
const SUBSTITUTION_PENALTY: f32 = 0.6;

/// A question reduced to what matters for comparing it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fingerprint {
    stems: Vec<String>,
    numbers: Vec<String>,
    negated: bool,
    /// The folded text, for questions that are all stop words ("???", "ау").
    bare: String,
}

impl Fingerprint {
    pub fn new(text: &str) -> Self {
        // "hasn't" → "has not": a contraction must not hide a negation.
        let folded = fold(text).replace(['’', '`'], "'").replace("n't", " not");
        let mut stems = Vec::new();
        let mut numbers = Vec::new();
        let mut negated = false;
        for word in folded
            .split(|c: char| !crate::normalize::is_letter_or_digit(c))
            .filter(|w| !w.is_empty())
        {
            if word.bytes().any(|b| b.is_ascii_digit()) {
                numbers.push(word.trim_start_matches('0').to_owned());
            } else if stem::is_negation(word) {
                negated = true;
            } else if let Some(s) = stem::content_stem(word) {
                stems.push(s);
            }
        }
        stems.sort();
        stems.dedup();
        numbers.sort();
        numbers.dedup();
        let bare = folded.split_whitespace().collect::<Vec<_>>().join(" ");
        Fingerprint {
            stems,
            numbers,
            negated,
            bare,
        }
    }

    /// How alike two questions are, from 0 (unrelated) to 1 (the same).
    pub fn similarity(&self, other: &Fingerprint) -> f32 {
        if self.stems.is_empty() || other.stems.is_empty() {
            return if self.bare == other.bare && self.numbers == other.numbers {
                1.0
            } else {
                0.0
            };
        }
        let matched = matched_stems(&self.stems, &other.stems);
        let mut score = 2.0 * matched as f32 / (self.stems.len() + other.stems.len()) as f32;
        // A word on each side without a partner is a substitution ("откроется"
        // / "закроется", "China" / "Turkey"): another question. A word only one
        // side has is usually elaboration ("уже неделю", "please").
        if matched < self.stems.len() && matched < other.stems.len() {
            score *= SUBSTITUTION_PENALTY;
        }
        score *= number_agreement(&self.numbers, &other.numbers);
        if self.negated != other.negated {
            score *= 0.5;
        }
        score
    }
}

/// How many stems of `a` find a partner in `b` (each partner used once).
fn matched_stems(a: &[String], b: &[String]) -> usize {
    let mut used = vec![false; b.len()];
    let mut matched = 0;
    for x in a {
        let exact = b.binary_search(x).ok().filter(|&i| !used[i]);
        let partner = exact.or_else(|| {
            b.iter()
                .enumerate()
                .position(|(i, y)| !used[i] && stem::close(x, y))
        });
        if let Some(i) = partner {
            used[i] = true;
            matched += 1;
        }
    }
    matched
}

/// 1 when the numbers agree; low when both sides name different numbers.
fn number_agreement(a: &[String], b: &[String]) -> f32 {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => 1.0,
        // One side added or left out the order number: maybe the same question.
        (true, false) | (false, true) => 0.9,
        (false, false) if a == b => 1.0,
        (false, false) if a.iter().any(|n| b.contains(n)) => 0.6,
        (false, false) => 0.2,
    }
}

/// How alike two questions are, from 0 to 1 (see the module docs).
pub fn similarity(a: &str, b: &str) -> f32 {
    Fingerprint::new(a).similarity(&Fingerprint::new(b))
}

/// Whether `b` asks the same question as `a`.
pub fn is_duplicate(a: &str, b: &str) -> bool {
    similarity(a, b) >= DUPLICATE_THRESHOLD
}

/// The earlier questions of one customer (say, their open tickets), to find
/// which one a new question repeats.
#[derive(Debug, Clone)]
pub struct DuplicateDetector<Id> {
    earlier: Vec<(Id, Fingerprint)>,
    threshold: f32,
}

impl<Id> Default for DuplicateDetector<Id> {
    fn default() -> Self {
        DuplicateDetector {
            earlier: Vec::new(),
            threshold: DUPLICATE_THRESHOLD,
        }
    }
}

impl<Id> DuplicateDetector<Id> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Remembers an earlier question under `id`.
    pub fn add(&mut self, id: Id, text: &str) {
        self.earlier.push((id, Fingerprint::new(text)));
    }

    /// Forgets the questions for which `keep` returns false (closed tickets).
    pub fn retain(&mut self, mut keep: impl FnMut(&Id) -> bool) {
        self.earlier.retain(|(id, _)| keep(id));
    }

    /// The earlier question that `text` repeats, with the score; the best one
    /// if several do.
    pub fn find(&self, text: &str) -> Option<(&Id, f32)> {
        let new = Fingerprint::new(text);
        self.earlier
            .iter()
            .map(|(id, fp)| (id, fp.similarity(&new)))
            .filter(|&(_, score)| score >= self.threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(
        "верните деньги за заказ 123",
        "хочу вернуть деньги за заказ 123, что делать?",
        true
    )]
    #[case("где мой заказ 123", "где мой заказ 456", false)]
    #[case("Где мой заказ?", "где МОЙ заказ", true)]
    #[case("не пришли деньги за возврат", "деньги за возврат не пришли", true)]
    #[case("Как отменить заказ?", "Как изменить адрес доставки заказа?", false)]
    #[case("хочу отменить заказ", "не хочу отменять заказ", false)]
    #[case("Не могу войти в приложение", "не могу войти в приложенее", true)]
    fn judges_pairs(#[case] a: &str, #[case] b: &str, #[case] same: bool) {
        assert_eq!(is_duplicate(a, b), same, "{a} / {b}: {}", similarity(a, b));
    }

    #[test]
    fn detector_finds_the_repeated_ticket() {
        let mut detector = DuplicateDetector::new();
        detector.add("T-1", "Где мой заказ MP-10001?");
        detector.add("T-2", "Как вернуть деньги за заказ MP-10002");
        assert_eq!(
            detector
                .find("верните деньги за заказ MP-10002")
                .map(|f| *f.0),
            Some("T-2")
        );
        assert_eq!(detector.find("где заказ MP-10003"), None);
    }
}
