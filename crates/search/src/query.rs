//! Searching: from a customer's question to ranked, highlighted hits.
//!
//! The question is analysed once per language. Each word the index knows is
//! looked up in title, keywords and body (BM25, title weighted up). A word the
//! index has never seen is taken for a typo and replaced by the index's
//! nearest words (tantivy's Levenshtein automaton run over the term
//! dictionary), so the cost is paid only for misspelt words and the
//! corrections are real terms that snippets can highlight. Synonym groups then
//! add the other ways of saying what the question says. Filters (published,
//! topic, line, section) restrict without scoring.

use serde::{Deserialize, Serialize};
use switchboard_domain::i18n::Locale;
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::analysis::{self, Lang};
use crate::article::{ArticleId, TopicRef};
use crate::error::Result;
use crate::index::{PUBLISHED, SearchIndex};
use crate::snippet;

/// A search as the help centre, the chat bot or an admin asks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub text: String,
    /// The language hits are shown in; questions match both languages.
    #[serde(default)]
    pub locale: Locale,
    /// Only articles tagged with this topic (the chat bot's chosen topic).
    #[serde(default)]
    pub topic: Option<TopicRef>,
    /// Only articles of this support line.
    #[serde(default)]
    pub line: Option<String>,
    /// Only articles of this section.
    #[serde(default)]
    pub section: Option<String>,
    /// Drafts too (admin preview); the public help centre leaves this off.
    #[serde(default)]
    pub include_unpublished: bool,
    #[serde(default = "default_limit")]
    pub limit: usize,
}

fn default_limit() -> usize {
    5
}

impl SearchQuery {
    /// A public search over published articles, five hits.
    pub fn new(text: impl Into<String>, locale: Locale) -> Self {
        SearchQuery {
            text: text.into(),
            locale,
            topic: None,
            line: None,
            section: None,
            include_unpublished: false,
            limit: default_limit(),
        }
    }

    pub fn with_topic(mut self, topic: TopicRef) -> Self {
        self.topic = Some(topic);
        self
    }

    pub fn with_line(mut self, line: impl Into<String>) -> Self {
        self.line = Some(line.into());
        self
    }

    pub fn with_section(mut self, section: impl Into<String>) -> Self {
        self.section = Some(section.into());
        self
    }

    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    pub fn including_unpublished(mut self) -> Self {
        self.include_unpublished = true;
        self
    }
}

/// One found article, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub article_id: ArticleId,
    pub section: String,
    /// In the query's locale (Russian when there is no translation).
    pub title: String,
    /// HTML-escaped body fragment with matches wrapped in `<mark>`.
    pub snippet_html: String,
    pub score: f32,
}

/// A question word as it will be searched: the word itself when the index
/// knows it, else its corrections (possibly none).
struct Word {
    candidates: Vec<(String, f32)>,
}

impl SearchIndex {
    /// Finds the best articles for a question. An empty question lists the
    /// articles the filters allow (the bot's "ready answers" for a topic).
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<Hit>> {
        if q.limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let text_query: Box<dyn Query> = if q.text.trim().is_empty() {
            Box::new(AllQuery)
        } else {
            match self.text_query(&searcher, &q.text)? {
                Some(query) => query,
                // Only stop words ("как где"): nothing to look for.
                None => return Ok(Vec::new()),
            }
        };
        let query = self.filtered(text_query, q);
        let top = searcher.search(&query, &TopDocs::with_limit(q.limit).order_by_score())?;
        snippet::render(self, &searcher, &query, q.locale, &top)
    }

    /// The question's scoring query, or `None` if no word is left after analysis.
    pub(crate) fn text_query(
        &self,
        searcher: &Searcher,
        text: &str,
    ) -> Result<Option<Box<dyn Query>>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut resolved: [Vec<String>; 2] = [Vec::new(), Vec::new()];
        for lang in Lang::ALL {
            let mut analyzer = self.analyzers[lang as usize].clone();
            for term in analysis::terms(&mut analyzer, text) {
                let word = self.resolve(searcher, lang, term)?;
                for (term, weight) in &word.candidates {
                    clauses.push((Occur::Should, self.term_in_fields(lang, term, *weight)));
                }
                if let Some((best, _)) = word.candidates.first() {
                    resolved[lang as usize].push(best.clone());
                }
            }
        }
        if clauses.is_empty() {
            return Ok(None);
        }
        if self.config.synonyms {
            let lexicon = self.lexicon.read().unwrap_or_else(|e| e.into_inner());
            for phrase in lexicon
                .synonyms
                .expansions(&|lang| resolved[lang as usize].as_slice())
            {
                let weight = self.config.synonym_weight;
                let query: Box<dyn Query> = match phrase.terms.as_slice() {
                    [term] => self.term_in_fields(phrase.lang, term, weight),
                    terms => {
                        // Every word of a multi-word synonym must be there.
                        let all = terms
                            .iter()
                            .map(|t| (Occur::Must, self.term_in_fields(phrase.lang, t, weight)))
                            .collect();
                        Box::new(BooleanQuery::new(all))
                    }
                };
                clauses.push((Occur::Should, query));
            }
        }
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
    }

    /// One word, looked up in all of a language's text fields.
    fn term_in_fields(&self, lang: Lang, term: &str, weight: f32) -> Box<dyn Query> {
        let clauses = self
            .fields
            .weighted(lang, &self.config)
            .into_iter()
            .map(|(field, boost)| {
                let query = TermQuery::new(
                    Term::from_field_text(field, term),
                    IndexRecordOption::WithFreqs,
                );
                let query: Box<dyn Query> =
                    Box::new(BoostQuery::new(Box::new(query), boost * weight));
                (Occur::Should, query)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    fn resolve(&self, searcher: &Searcher, lang: Lang, term: String) -> Result<Word> {
        let fields = self.fields.weighted(lang, &self.config).map(|(f, _)| f);
        let mut known = false;
        for field in fields {
            if searcher.doc_freq(&Term::from_field_text(field, &term))? > 0 {
                known = true;
                break;
            }
        }
        let distance = max_typos(&term);
        if known || !self.config.typo_tolerance || distance == 0 {
            return Ok(Word {
                candidates: vec![(term, 1.0)],
            });
        }
        let corrections = corrections(searcher, &fields, &term, distance)?;
        Ok(Word {
            candidates: corrections
                .into_iter()
                .map(|t| (t, self.config.correction_weight))
                .collect(),
        })
    }

    fn filtered(&self, text_query: Box<dyn Query>, q: &SearchQuery) -> BooleanQuery {
        let f = &self.fields;
        let mut filters: Vec<(Field, String)> = Vec::new();
        if !q.include_unpublished {
            filters.push((f.published, PUBLISHED.to_owned()));
        }
        if let Some(topic) = &q.topic {
            filters.push((f.topic, topic.key()));
        }
        if let Some(line) = &q.line {
            filters.push((f.line, line.clone()));
        }
        if let Some(section) = &q.section {
            filters.push((f.section, section.clone()));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query)];
        for (field, value) in filters {
            let term = TermQuery::new(
                Term::from_field_text(field, &value),
                IndexRecordOption::Basic,
            );
            // Zero score: a filter decides membership, never the order.
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(term), 0.0)),
            ));
        }
        BooleanQuery::new(clauses)
    }
}

/// How many edits a word may carry and still be corrected: none for short
/// words (too many neighbours), one from four letters, two from eight.
fn max_typos(term: &str) -> u8 {
    match term.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The index's words nearest to `term`: those at the smallest edit distance,
/// the two most frequent of them.
fn corrections(
    searcher: &Searcher,
    fields: &[Field],
    term: &str,
    distance: u8,
) -> Result<Vec<String>> {
    let mut found: Vec<(u32, u64, String)> = Vec::new();
    for &field in fields {
        let automaton =
            FuzzyTermQuery::new(Term::from_field_text(field, term), distance, true).automaton()?;
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let doc_freq = u64::from(stream.value().doc_freq);
                match found.iter_mut().find(|(_, _, t)| t == candidate) {
                    Some(entry) => entry.1 += doc_freq,
                    None => found.push((
                        edit_distance(term, candidate),
                        doc_freq,
                        candidate.to_owned(),
                    )),
                }
            }
        }
    }
    let Some(best) = found.iter().map(|(d, _, _)| *d).min() else {
        return Ok(Vec::new());
    };
    found.retain(|(d, _, _)| *d == best);
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
    Ok(found.into_iter().take(2).map(|(_, _, t)| t).collect())
}

/// Levenshtein distance with adjacent transpositions costing one (the
/// automaton's metric), over characters.
fn edit_distance(a: &str, b: &str) -> u32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0u32; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                (i + j) as u32
            } else {
                let cost = u32::from(a[i - 1] != b[j - 1]);
                let mut v = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[(i - 2) * width + j - 2] + 1);
                }
                v
            };
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("заказл", "заказ"), 1);
        assert_eq!(edit_distance("доставкк", "доставк"), 1);
        assert_eq!(edit_distance("карат", "карта"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn short_words_are_not_corrected() {
        assert_eq!(max_typos("ок"), 0);
        assert_eq!(max_typos("заказ"), 1);
        assert_eq!(max_typos("доставкк"), 2);
    }
}
