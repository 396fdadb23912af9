//! Synonym groups: phrases that name the same thing ("ПВЗ" and "пункт
//! выдачи заказов", "СБП" and "система быстрых платежей", "лк" and "личный
//! кабинет"). Each phrase is reduced like a question is, to a sequence of
//! word keys; a question's keys are then rewritten, longest phrase first, to
//! the group's key, so the two spellings compare equal.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use super::words::{Token, tokens};

/// The groups shipped with the crate (`data/synonyms.txt`).
const BUILT_IN: &str = include_str!("../../data/synonyms.txt");

/// Compiled synonym groups.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    /// Phrases of one key, by key.
    single: HashMap<String, usize>,
    /// Phrases of several keys, longest first.
    multi: Vec<(Vec<String>, usize)>,
    groups: usize,
}

static DEFAULT: LazyLock<Arc<Synonyms>> = LazyLock::new(|| {
    let groups = BUILT_IN
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split(" | ").map(str::to_owned).collect::<Vec<_>>());
    Arc::new(Synonyms::default().with_groups(groups))
});

impl Synonyms {
    /// The built-in groups (`data/synonyms.txt`).
    pub fn built_in() -> Arc<Synonyms> {
        Arc::clone(&DEFAULT)
    }

    /// These groups plus `groups` (say, the knowledge base's `synonyms.toml`,
    /// each group a list of phrases). A phrase already in a group keeps it.
    pub fn with_groups<G, P>(mut self, groups: G) -> Self
    where
        G: IntoIterator<Item = P>,
        P: IntoIterator,
        P::Item: AsRef<str>,
    {
        for group in groups {
            let id = self.groups;
            self.groups += 1;
            for phrase in group {
                let keys: Vec<String> = tokens(phrase.as_ref())
                    .into_iter()
                    .filter_map(|t| match t {
                        Token::Word { key, .. } => Some(key),
                        _ => None,
                    })
                    .collect();
                match keys.len() {
                    0 => {}
                    1 => {
                        let key = keys.into_iter().next().unwrap_or_default();
                        self.single.entry(key).or_insert(id);
                    }
                    _ if !self.multi.iter().any(|(k, _)| *k == keys) => {
                        self.multi.push((keys, id));
                    }
                    _ => {}
                }
            }
        }
        self.multi
            .sort_by_key(|(keys, _)| std::cmp::Reverse(keys.len()));
        self
    }

    /// Rewrites the keys of `words` that form a phrase of a group to the
    /// group's key; a phrase of several words becomes one key.
    pub(super) fn apply(&self, words: &mut Vec<Token>) {
        let mut out: Vec<Token> = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            if let Some((len, id)) = self.phrase_at(&words[i..]) {
                let polarity = match words[i] {
                    Token::Word { polarity, .. } => polarity,
                    _ => super::words::Polarity::Plain,
                };
                out.push(Token::Word {
                    key: format!("#{id}"),
                    polarity,
                });
                i += len;
                continue;
            }
            out.push(words[i].clone());
            i += 1;
        }
        *words = out;
    }

    fn phrase_at(&self, words: &[Token]) -> Option<(usize, usize)> {
        let key = |t: &Token| match t {
            Token::Word { key, .. } => Some(key.clone()),
            _ => None,
        };
        for (phrase, id) in &self.multi {
            if phrase.len() <= words.len()
                && phrase
                    .iter()
                    .zip(words)
                    .all(|(p, w)| key(w).as_deref() == Some(p.as_str()))
            {
                return Some((phrase.len(), *id));
            }
        }
        let first = key(words.first()?)?;
        self.single.get(&first).map(|&id| (1, id))
    }

    /// The group key a single word belongs to, if any.
    pub(super) fn group_of(&self, word: &str) -> Option<String> {
        let key = tokens(word).into_iter().find_map(|t| match t {
            Token::Word { key, .. } => Some(key),
            _ => None,
        })?;
        self.single.get(&key).map(|id| format!("#{id}"))
    }
}
