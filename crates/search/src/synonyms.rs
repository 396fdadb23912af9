//! Query-time synonyms: "возврат ~ вернуть деньги ~ refund".
//!
//! Applied to the question, not to the index, so an admin can change the
//! dictionary without reindexing. A group's phrases are analysed with the
//! analyzer of their own script, so a Russian question can pull in English
//! articles' words and the other way round.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::analysis::{self, Lang};

/// Phrases that mean the same thing to a customer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SynonymGroup {
    pub words: Vec<String>,
}

/// The knowledge base's synonym dictionary.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SynonymDictionary {
    pub groups: Vec<SynonymGroup>,
}

impl SynonymDictionary {
    pub fn new(groups: impl IntoIterator<Item = Vec<String>>) -> Self {
        SynonymDictionary {
            groups: groups
                .into_iter()
                .map(|words| SynonymGroup { words })
                .collect(),
        }
    }
}

/// One phrase of a group, as index terms of its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Phrase {
    pub lang: Lang,
    pub terms: Vec<String>,
}

/// The dictionary analysed once, ready to match questions against.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledSynonyms {
    groups: Vec<Vec<Phrase>>,
    /// Every term of every phrase, so slang («прила», «пвз») is not taken for a typo.
    vocabulary: HashSet<(Lang, String)>,
}

impl CompiledSynonyms {
    pub fn compile(dict: &SynonymDictionary) -> Self {
        let mut analyzers = Lang::ALL.map(analysis::analyzer);
        let groups = dict
            .groups
            .iter()
            .map(|group| {
                let mut phrases: Vec<Phrase> = group
                    .words
                    .iter()
                    .filter_map(|words| {
                        let lang = Lang::of_text(words);
                        let terms = analysis::terms(&mut analyzers[lang as usize], words);
                        // A phrase made only of stop words would match everything.
                        (!terms.is_empty()).then_some(Phrase { lang, terms })
                    })
                    .collect();
                phrases.dedup();
                phrases
            })
            .filter(|phrases: &Vec<Phrase>| phrases.len() > 1)
            .collect::<Vec<_>>();
        let vocabulary = groups
            .iter()
            .flatten()
            .flat_map(|p| p.terms.iter().map(|t| (p.lang, t.clone())))
            .collect();
        CompiledSynonyms { groups, vocabulary }
    }

    pub fn knows(&self, lang: Lang, term: &str) -> bool {
        self.vocabulary.contains(&(lang, term.to_owned()))
    }

    /// The phrases to add to a question: every other phrase of each group one
    /// of whose phrases occurs in it. `question(lang)` gives the question's terms.
    pub fn expansions<'a>(&'a self, question: &dyn Fn(Lang) -> &'a [String]) -> Vec<&'a Phrase> {
        let mut out: Vec<&Phrase> = Vec::new();
        for group in &self.groups {
            let present = |p: &Phrase| contains_run(question(p.lang), &p.terms);
            if group.iter().any(present) {
                for phrase in group {
                    if !present(phrase) && !out.contains(&phrase) {
                        out.push(phrase);
                    }
                }
            }
        }
        out
    }
}

/// Whether `needle` occurs in `haystack` as a contiguous run.
fn contains_run(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled() -> CompiledSynonyms {
        CompiledSynonyms::compile(&SynonymDictionary::new([
            vec!["возврат".into(), "вернуть деньги".into(), "refund".into()],
            vec!["карта".into(), "карточка".into()],
        ]))
    }

    #[test]
    fn a_phrase_in_the_question_brings_in_its_group() {
        let syn = compiled();
        let mut ru = analysis::analyzer(Lang::Ru);
        let question = analysis::terms(&mut ru, "как вернуть деньги за товар");
        let empty: Vec<String> = Vec::new();
        let got = syn.expansions(&|lang| match lang {
            Lang::Ru => &question,
            Lang::En => &empty,
        });
        let langs: Vec<Lang> = got.iter().map(|p| p.lang).collect();
        assert_eq!(langs, vec![Lang::Ru, Lang::En], "{got:?}");
    }

    #[test]
    fn word_forms_match_through_the_stemmer() {
        let syn = compiled();
        let mut ru = analysis::analyzer(Lang::Ru);
        let question = analysis::terms(&mut ru, "карточку заблокировали");
        let empty: Vec<String> = Vec::new();
        let got = syn.expansions(&|lang| match lang {
            Lang::Ru => &question,
            Lang::En => &empty,
        });
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].terms, analysis::terms(&mut ru, "карта"));
    }
}
