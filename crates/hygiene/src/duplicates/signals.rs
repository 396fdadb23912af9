//! Every signal, not only the text: who asks, about which order or booking,
//! under which topic, how recently, through which channel.
//!
//! Hard signals decide alone: another customer (not a linked contact),
//! another order number, another topic the customer picked, are another
//! request. Soft ones move the text threshold: the same order lowers it a lot
//! (a customer chasing one order repeats themselves in new words), the same
//! topic and a recent ticket a little; an open ticket whose last customer
//! message is older than [`STALE_HOURS`] is not joined unless the order is the
//! same (a problem that comes back a month later is a new incident). The
//! channel changes nothing: the same question in chat and in VK at once is
//! the textbook duplicate (SPEC §6).

use super::compare::{Veto, compare};
use super::{Fingerprint, SUBSTITUTION_FACTOR};

/// After this many hours without a customer message, an open ticket is only
/// joined for the same order.
pub const STALE_HOURS: f64 = 720.0;
/// Within this many hours a repeat is likely: the threshold drops a little.
pub const RECENT_HOURS: f64 = 24.0;
const SAME_ORDER_BONUS: f32 = 0.3;
const SAME_TOPIC_BONUS: f32 = 0.1;
const RECENT_BONUS: f32 = 0.05;
/// No signal makes a question with nothing in common a duplicate.
const MIN_TEXT_SCORE: f32 = 0.2;

/// One question with what is known about it besides the text.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DuplicateCandidate<'a> {
    pub text: &'a str,
    /// Order or booking number the question is about (from the form or the
    /// chat's order picker), as written; compared without case and separators.
    pub order: Option<&'a str>,
    /// The catalog topic the customer chose.
    pub topic: Option<&'a str>,
    /// The channel it came through: recorded, never decisive.
    pub channel: Option<&'a str>,
}

impl<'a> DuplicateCandidate<'a> {
    /// A question known only by its text.
    pub fn text(text: &'a str) -> Self {
        DuplicateCandidate {
            text,
            ..Self::default()
        }
    }
}

/// How the open ticket relates to the new question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DuplicateContext {
    /// The same customer or a contact linked to them. Always true where the
    /// server looks only at the customer's own tickets.
    pub same_customer: bool,
    /// Hours since the customer last wrote in the open ticket.
    pub hours_since_last_customer_message: Option<f64>,
}

impl Default for DuplicateContext {
    fn default() -> Self {
        DuplicateContext {
            same_customer: true,
            hours_since_last_customer_message: None,
        }
    }
}

/// Why the decision went the way it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateReason {
    /// The texts ask the same thing (the threshold may have been lowered by
    /// the same order, topic or a recent ticket).
    SameQuestion,
    DifferentCustomer,
    DifferentOrder,
    DifferentTopic,
    /// The open ticket has been quiet for longer than [`STALE_HOURS`].
    Stale,
    /// A guard on the text: numbers, opposite meaning, another name, route.
    Guard(Veto),
    /// The texts share too little.
    TooDifferent,
}

/// The verdict on one pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DuplicateDecision {
    pub duplicate: bool,
    /// The text score, 0 to 1.
    pub score: f32,
    /// The threshold the score was held to after the signals.
    pub threshold: f32,
    pub reason: DuplicateReason,
}

/// Whether `new` repeats the `open` question (see the module docs).
pub fn judge_duplicate(
    open: &DuplicateCandidate<'_>,
    new: &DuplicateCandidate<'_>,
    context: &DuplicateContext,
) -> DuplicateDecision {
    decide(
        &Fingerprint::new(open.text),
        &OwnedSignals::of(open),
        &Fingerprint::new(new.text),
        new,
        context,
        super::DUPLICATE_THRESHOLD,
    )
}

/// The signals of an earlier question, kept by the detector.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct OwnedSignals {
    order: Option<String>,
    topic: Option<String>,
}

impl OwnedSignals {
    pub(super) fn of(c: &DuplicateCandidate<'_>) -> Self {
        OwnedSignals {
            order: c.order.map(order_key),
            topic: c.topic.map(|t| t.trim().to_lowercase()),
        }
    }
}

/// An order number without case, spaces, dashes or a leading "№".
fn order_key(order: &str) -> String {
    order
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn verdict(
    duplicate: bool,
    score: f32,
    threshold: f32,
    reason: DuplicateReason,
) -> DuplicateDecision {
    DuplicateDecision {
        duplicate,
        score,
        threshold,
        reason,
    }
}

pub(super) fn decide_text(
    open: &Fingerprint,
    new: &Fingerprint,
    threshold: f32,
) -> DuplicateDecision {
    let no_signals = DuplicateCandidate::default();
    decide(
        open,
        &OwnedSignals::default(),
        new,
        &no_signals,
        &DuplicateContext::default(),
        threshold,
    )
}

pub(super) fn decide(
    open: &Fingerprint,
    open_signals: &OwnedSignals,
    new: &Fingerprint,
    new_signals: &DuplicateCandidate<'_>,
    context: &DuplicateContext,
    threshold: f32,
) -> DuplicateDecision {
    use DuplicateReason::*;
    let new_signals = OwnedSignals::of(new_signals);
    let (score, veto) = compare(open, new, SUBSTITUTION_FACTOR);
    if !context.same_customer {
        return verdict(false, score, threshold, DifferentCustomer);
    }
    let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => Some(a == b),
        _ => None,
    };
    let same_order = same(&open_signals.order, &new_signals.order);
    let same_topic = same(&open_signals.topic, &new_signals.topic);
    if same_order == Some(false) {
        return verdict(false, score, threshold, DifferentOrder);
    }
    if same_topic == Some(false) {
        return verdict(false, score, threshold, DifferentTopic);
    }
    if let Some(veto) = veto {
        return verdict(false, score, threshold, Guard(veto));
    }
    let hours = context.hours_since_last_customer_message;
    if hours.is_some_and(|h| h > STALE_HOURS) && same_order != Some(true) {
        return verdict(false, score, threshold, Stale);
    }
    let mut t = threshold;
    if same_order == Some(true) {
        t -= SAME_ORDER_BONUS;
    }
    if same_topic == Some(true) {
        t -= SAME_TOPIC_BONUS;
    }
    if hours.is_some_and(|h| h < RECENT_HOURS) {
        t -= RECENT_BONUS;
    }
    let t = t.max(MIN_TEXT_SCORE);
    let duplicate = score >= t;
    verdict(
        duplicate,
        score,
        t,
        if duplicate {
            SameQuestion
        } else {
            TooDifferent
        },
    )
}
