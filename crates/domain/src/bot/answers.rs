//! The ready answers the bot offers: where they come from ([`BotAnswers`],
//! the knowledge base's search in the server) and the topic's configured
//! answers as the fallback ([`TopicAnswers`]).

use serde::{Deserialize, Serialize};

use crate::catalog::Topic;
use crate::i18n::Locale;

/// A ready answer the bot offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Stable within the topic: `<topic>#<index>` for configured answers.
    pub id: String,
    pub title: String,
    pub body: String,
}

/// Where the bot's ready answers come from: knowledge-base search filtered by
/// the topic (the server's), or the topic's configured answers. `line` is the
/// code of the topic's line. Implementations are lookups with no side effects.
pub trait BotAnswers: Send + Sync {
    fn suggest(
        &self,
        line: &str,
        topic: &Topic,
        question: &str,
        locale: Locale,
        limit: usize,
    ) -> Vec<Suggestion>;
}

/// The topic's configured answers, those sharing most words with the question first.
#[derive(Debug, Default, Clone, Copy)]
pub struct TopicAnswers;

/// The words of a text worth comparing: three letters or more, lowercase, ё as е.
pub(crate) fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(|w| w.to_lowercase().replace('ё', "е"))
        .collect()
}

/// Crude stemming: Russian words agree on their first five letters often enough.
pub(crate) fn stem(w: &str) -> String {
    w.chars().take(5).collect()
}

impl BotAnswers for TopicAnswers {
    fn suggest(
        &self,
        _line: &str,
        topic: &Topic,
        question: &str,
        locale: Locale,
        limit: usize,
    ) -> Vec<Suggestion> {
        let mut asked: Vec<String> = words(question).iter().map(|w| stem(w)).collect();
        asked.sort();
        asked.dedup();
        let mut scored: Vec<(usize, usize, Suggestion)> = topic
            .answers
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let title: Vec<String> =
                    words(a.title.get(locale)).iter().map(|w| stem(w)).collect();
                let body: Vec<String> = words(a.body.get(locale)).iter().map(|w| stem(w)).collect();
                // Each word of the question counts once: twice in the title, once in the body.
                let score = asked
                    .iter()
                    .map(|w| 2 * usize::from(title.contains(w)) + usize::from(body.contains(w)))
                    .sum();
                (
                    score,
                    i,
                    Suggestion {
                        id: format!("{}#{i}", topic.code),
                        title: a.title.get(locale).to_owned(),
                        body: a.body.get(locale).to_owned(),
                    },
                )
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(limit).map(|(_, _, s)| s).collect()
    }
}
