//! Whether a new question repeats an open one of the same customer.
//!
//! What "duplicate" means for the product: the same request — the same
//! problem with the same order, booking, card or account — so that one answer
//! serves both. A join is visible to the customer (their message lands in the
//! older request and they are told so), and a wrong join hides a question
//! nobody will answer, while a miss only costs an operator a manual merge. So
//! every rule leans towards "different": different numbers, an opposite
//! action, a look-alike name swapped, another order or topic all say no,
//! whatever the words share.
//!
//! The text measure is a weighted Dice coefficient over content-word keys
//! (`words.rs`: spelling normalised, stop words dropped, Snowball stems cut to
//! roots, a negation bound to its word) after synonym groups are folded
//! (`synonyms.rs`, `data/synonyms.txt`); keys one typo apart match. The
//! guards are in `compare.rs`; the other signals (order, topic, age, channel)
//! in `signals.rs`. The threshold is calibrated on the development pairs by
//! `hygiene-eval` (the largest recall with no wrong join; see the README).
//!
//! Why not MinHash or character shingles alone: a customer has a handful of
//! open tickets, so exact set measures cost nothing and explain themselves,
//! and shingles rate "доставка в Омск" and "доставка в Томск" nearly equal.

use std::sync::Arc;

mod compare;
mod signals;
mod stem;
mod synonyms;
mod words;

pub use compare::Veto;
pub use signals::{
    DuplicateCandidate, DuplicateContext, DuplicateDecision, DuplicateReason, RECENT_HOURS,
    STALE_HOURS, judge_duplicate,
};
pub use synonyms::Synonyms;
use words::{Polarity, Token};

/// Text scores at or above this are the same question (when no other signal
/// says otherwise). Calibrated by `hygiene-eval` on the development pairs.
pub const DUPLICATE_THRESHOLD: f32 = 0.63;

/// Applied when each question has a content word the other lacks: a
/// substitution, the usual shape of a different question.
pub const SUBSTITUTION_FACTOR: f32 = 0.8;

/// A question reduced to what matters for comparing it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fingerprint {
    /// Content-word keys and how each stands, sorted, unique.
    words: Vec<(String, Polarity)>,
    numbers: Vec<String>,
    /// Word pairs joined by a dash: "Москва - Сочи".
    routes: Vec<(String, String)>,
    /// The folded text, for questions that are all stop words ("???", "ау").
    bare: String,
}

impl Fingerprint {
    /// With the built-in synonym groups.
    pub fn new(text: &str) -> Self {
        Self::with_synonyms(text, &Synonyms::built_in())
    }

    pub fn with_synonyms(text: &str, synonyms: &Synonyms) -> Self {
        let mut tokens = words::tokens(text);
        synonyms.apply(&mut tokens);
        let mut words = Vec::new();
        let mut numbers = Vec::new();
        let mut routes = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            match token {
                Token::Word { key, polarity } => words.push((key.clone(), *polarity)),
                Token::Number(n) => numbers.push(n.clone()),
                Token::Dash => {
                    if let (Some(Token::Word { key: a, .. }), Some(Token::Word { key: b, .. })) = (
                        i.checked_sub(1).and_then(|p| tokens.get(p)),
                        tokens.get(i + 1),
                    ) {
                        routes.push((a.clone(), b.clone()));
                    }
                }
            }
        }
        // A word that stands two ways on one side ("не могу зайти… точнее
        // войти") counts the strongest way: the question is about it not
        // working.
        words.sort();
        words.dedup_by(|later, first| later.0 == first.0);
        numbers.sort();
        numbers.dedup();
        let bare = crate::normalize::fold(text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Fingerprint {
            words,
            numbers,
            routes,
            bare,
        }
    }

    /// How alike two questions are, from 0 (unrelated or vetoed) to 1.
    pub fn similarity(&self, other: &Fingerprint) -> f32 {
        compare::compare(self, other, SUBSTITUTION_FACTOR).0
    }

    /// The score and the veto, if a guard says these are different questions.
    pub fn compare(&self, other: &Fingerprint) -> (f32, Option<Veto>) {
        compare::compare(self, other, SUBSTITUTION_FACTOR)
    }
}

/// How alike two questions are, from 0 to 1 (see the module docs).
pub fn similarity(a: &str, b: &str) -> f32 {
    Fingerprint::new(a).similarity(&Fingerprint::new(b))
}

/// Whether `b` asks the same question as `a`, judging by the text alone.
pub fn is_duplicate(a: &str, b: &str) -> bool {
    similarity(a, b) >= DUPLICATE_THRESHOLD
}

/// One earlier question with what is known about it besides the text.
#[derive(Debug, Clone)]
struct Earlier<Id> {
    id: Id,
    fingerprint: Fingerprint,
    signals: Option<(signals::OwnedSignals, DuplicateContext)>,
}

/// The earlier questions of one customer (say, their open tickets), to find
/// which one a new question repeats.
#[derive(Debug, Clone)]
pub struct DuplicateDetector<Id> {
    earlier: Vec<Earlier<Id>>,
    threshold: f32,
    synonyms: Arc<Synonyms>,
}

impl<Id> Default for DuplicateDetector<Id> {
    fn default() -> Self {
        DuplicateDetector {
            earlier: Vec::new(),
            threshold: DUPLICATE_THRESHOLD,
            synonyms: Synonyms::built_in(),
        }
    }
}

impl<Id> DuplicateDetector<Id> {
    pub fn new() -> Self {
        Self::default()
    }

    /// A detector that also knows `synonyms` (say, the built-in groups with
    /// the knowledge base's added: `Synonyms::built_in().with_groups(…)`).
    pub fn with_synonyms(synonyms: Arc<Synonyms>) -> Self {
        DuplicateDetector {
            synonyms,
            ..Self::default()
        }
    }

    /// Remembers an earlier question under `id`, text only.
    pub fn add(&mut self, id: Id, text: &str) {
        let fingerprint = Fingerprint::with_synonyms(text, &self.synonyms);
        self.earlier.push(Earlier {
            id,
            fingerprint,
            signals: None,
        });
    }

    /// Remembers an earlier question with its signals: its order, topic and
    /// channel, and how it relates to the customer now (`context`).
    pub fn add_candidate(
        &mut self,
        id: Id,
        earlier: &DuplicateCandidate<'_>,
        context: DuplicateContext,
    ) {
        let fingerprint = Fingerprint::with_synonyms(earlier.text, &self.synonyms);
        self.earlier.push(Earlier {
            id,
            fingerprint,
            signals: Some((signals::OwnedSignals::of(earlier), context)),
        });
    }

    /// Forgets the questions for which `keep` returns false (closed tickets).
    pub fn retain(&mut self, mut keep: impl FnMut(&Id) -> bool) {
        self.earlier.retain(|e| keep(&e.id));
    }

    /// The earlier question that `text` repeats, with the score; the best one
    /// if several do. Text only: questions added with signals are judged as
    /// if the new question had none.
    pub fn find(&self, text: &str) -> Option<(&Id, f32)> {
        self.find_candidate(&DuplicateCandidate::text(text))
            .map(|(id, decision)| (id, decision.score))
    }

    /// The earlier question that `new` repeats, with the decision; the best
    /// one if several do.
    pub fn find_candidate(&self, new: &DuplicateCandidate<'_>) -> Option<(&Id, DuplicateDecision)> {
        let fingerprint = Fingerprint::with_synonyms(new.text, &self.synonyms);
        self.earlier
            .iter()
            .map(|e| {
                let decision = match &e.signals {
                    Some((earlier, context)) => signals::decide(
                        &e.fingerprint,
                        earlier,
                        &fingerprint,
                        new,
                        context,
                        self.threshold,
                    ),
                    None => signals::decide_text(&e.fingerprint, &fingerprint, self.threshold),
                };
                (&e.id, decision)
            })
            .filter(|(_, d)| d.duplicate)
            .max_by(|a, b| a.1.score.total_cmp(&b.1.score))
    }
}

/// [`judge_duplicate`] held to `threshold` instead of the shipped one: what
/// `hygiene-eval` calibrates with.
pub fn judge_duplicate_at(
    open: &DuplicateCandidate<'_>,
    new: &DuplicateCandidate<'_>,
    context: &DuplicateContext,
    threshold: f32,
) -> DuplicateDecision {
    signals::decide(
        &Fingerprint::new(open.text),
        &signals::OwnedSignals::of(open),
        &Fingerprint::new(new.text),
        new,
        context,
        threshold,
    )
}

#[cfg(test)]
mod tests;
