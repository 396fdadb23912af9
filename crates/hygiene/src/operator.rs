//! Operator messages that ask the customer for secrets (SPEC §6) are blocked.
//!
//! A sentence is a request when it names a secret ("код из смс", "CVV",
//! "фото карты с двух сторон", "password") and a request verb that is not
//! negated ("назовите", "пришлите", "what is", "tell me"). Negation is read
//! from the few words before the verb within the same clause, so "никогда не
//! сообщайте код из смс" and "we will never ask for your password" pass, and
//! so do reported requests ("если кто-то просит назвать код…"). A bare
//! question about whether a code arrived ("приходит ли код?") is not a request
//! for its value, and the last four digits of a card are not a secret.

use std::sync::LazyLock;

use regex::Regex;

use crate::normalize::fold;
use crate::texts::{self, Bilingual};

/// A kind of secret an operator asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestedData {
    SmsCode,
    Cvv,
    CardNumber,
    CardPhoto,
    Password,
    Login,
}

impl RequestedData {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestedData::SmsCode => "sms_code",
            RequestedData::Cvv => "cvv",
            RequestedData::CardNumber => "card_number",
            RequestedData::CardPhoto => "card_photo",
            RequestedData::Password => "password",
            RequestedData::Login => "login",
        }
    }
}

/// Why an operator's message was blocked.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorBlock {
    /// What the message asked for, in order of appearance, without repeats.
    pub requested: Vec<RequestedData>,
    /// The explanation shown to the operator.
    pub explanation: Bilingual,
}

struct Object {
    kind: RequestedData,
    pattern: Regex,
    /// The phrase carries its own verb ("сфотографируйте карту").
    self_requesting: bool,
}

mod vocabulary;

static OBJECTS: LazyLock<Vec<Object>> = LazyLock::new(|| {
    vocabulary::OBJECTS
        .iter()
        .map(|&(kind, pattern, self_requesting)| Object {
            kind,
            pattern: Regex::new(pattern).expect("static regex"),
            self_requesting,
        })
        .collect()
});

static VERB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(vocabulary::VERBS).expect("static regex"));
static CARD_TAIL_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(vocabulary::CARD_TAIL_ONLY).expect("static regex"));
static NOT_THE_SECRET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(vocabulary::NOT_THE_SECRET).expect("static regex"));
static ARRIVAL_QUESTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(vocabulary::ARRIVAL_QUESTION).expect("static regex"));
static INTO_THE_CHAT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(vocabulary::INTO_THE_CHAT).expect("static regex"));
static ENTER_IT_YOURSELF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(vocabulary::ENTER_IT_YOURSELF).expect("static regex"));
static NOT_HERE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:не|not)\s+(?:сюда|здесь|в\s+чат|here|in\s+(?:the\s+)?chat)\b")
        .expect("static regex")
});
static PRONOUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(vocabulary::PRONOUN).expect("static regex"));
static NEGATION_ANYWHERE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(vocabulary::NEGATION_ANYWHERE).expect("static regex"));

/// Decides whether an operator's message asks for secrets.
pub fn check(text: &str) -> Option<OperatorBlock> {
    check_folded(&fold(text))
}

pub(crate) fn check_folded(folded: &str) -> Option<OperatorBlock> {
    let mut requested: Vec<RequestedData> = Vec::new();
    let mut previous_objects: Vec<RequestedData> = Vec::new();
    for sentence in folded.split(['.', '!', '?', ';', '\n']) {
        let objects = objects_in(sentence);
        let asks = VERB.find_iter(sentence).any(|v| {
            !negated(&sentence[..v.start()]) && !ENTER_IT_YOURSELF.is_match(&sentence[v.end()..])
        }) || INTO_THE_CHAT
            .find_iter(sentence)
            .any(|m| !negated(&sentence[..m.start()]) && !NOT_HERE.is_match(m.as_str()));
        let self_asking = objects
            .iter()
            .any(|&(_, at, self_requesting)| self_requesting && !negated(&sentence[..at]));
        let arrival_only = ARRIVAL_QUESTION.is_match(sentence);
        if (asks || self_asking) && !arrival_only {
            for &(kind, _, _) in &objects {
                push_unique(&mut requested, kind);
            }
            if objects.is_empty() && asks && PRONOUN.is_match(sentence) {
                previous_objects
                    .iter()
                    .for_each(|&k| push_unique(&mut requested, k));
            }
        }
        previous_objects = objects.iter().map(|o| o.0).collect();
    }
    (!requested.is_empty()).then_some(OperatorBlock {
        requested,
        explanation: texts::OPERATOR_REQUEST_BLOCKED,
    })
}

/// The secrets a sentence names: kind, byte offset, carries its own verb.
fn objects_in(sentence: &str) -> Vec<(RequestedData, usize, bool)> {
    let mut found = Vec::new();
    for object in OBJECTS.iter() {
        for m in object.pattern.find_iter(sentence) {
            let head = crate::normalize::before(sentence, m.start(), 40);
            if NOT_THE_SECRET.is_match(head) {
                continue;
            }
            if object.kind == RequestedData::CardNumber && CARD_TAIL_ONLY.is_match(sentence) {
                continue;
            }
            found.push((object.kind, m.start(), object.self_requesting));
        }
    }
    found.sort_by_key(|o| o.1);
    found
}

/// Whether the clause before a verb negates it or reports someone else's
/// request: the last few words of the clause ("никогда не", "do not",
/// "если кто-то просит") or a "never" anywhere before it.
fn negated(head: &str) -> bool {
    let clause = head.rsplit([',', '—', ':', '(']).next().unwrap_or(head);
    if NEGATION_ANYWHERE.is_match(head) {
        return true;
    }
    clause
        .split_whitespace()
        .rev()
        .take(4)
        .any(|w| vocabulary::NEGATIONS.contains(&w) || w.ends_with("n't") || w == "dont")
}

fn push_unique(list: &mut Vec<RequestedData>, kind: RequestedData) {
    if !list.contains(&kind) {
        list.push(kind);
    }
}

#[cfg(test)]
mod tests;
