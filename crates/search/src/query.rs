//! Searching: from a customer's question to ranked, highlighted hits.
//!
//! The question is analysed once per language. Each word the index knows is
//! looked up in title, keywords and body (BM25 per field, title and keywords
//! weighted up, fields combined by dis-max); a word it has never seen is
//! corrected (see `typo`). Synonym groups then add the other ways of saying
//! what the question says, at a lower weight. Filters (published, topic,
//! line, section) restrict without scoring.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use switchboard_domain::i18n::Locale;
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, Query,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::analysis::{self, Lang};
use crate::article::{ArticleId, TopicRef};
use crate::error::Result;
use crate::index::{DRAFT, PUBLISHED, SearchIndex};
use crate::snippet;
use crate::typo::{corrections, max_typos};

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

/// Most hits one search returns, whatever it asks for: the limit comes from
/// outside and sizes the collector's heap.
pub const MAX_LIMIT: usize = 100;

/// Words of a question that are searched; the rest are ignored, so a pasted
/// essay costs no more than a long question.
pub const MAX_TERMS: usize = 32;

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

/// What a question turns into: the scoring query and, per language, the
/// terms (with weights) that snippets highlight.
pub(crate) struct Plan {
    pub query: Box<dyn Query>,
    pub highlight: [BTreeMap<String, f32>; 2],
}

impl SearchIndex {
    /// Finds the best articles for a question. An empty question lists the
    /// articles the filters allow (the bot's "ready answers" for a topic).
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<Hit>> {
        if q.limit == 0 {
            return Ok(Vec::new());
        }
        let limit = q.limit.min(MAX_LIMIT);
        let searcher = self.reader.searcher();
        let plan = if q.text.trim().is_empty() {
            Plan {
                query: Box::new(AllQuery),
                highlight: Default::default(),
            }
        } else {
            match self.plan(&searcher, &q.text)? {
                Some(plan) => plan,
                // Only stop words ("как где"): nothing to look for.
                None => return Ok(Vec::new()),
            }
        };
        let drafts = Term::from_field_text(self.fields.published, DRAFT);
        let has_drafts = searcher.doc_freq(&drafts)? > 0;
        let query = self.filtered(plan.query, q, has_drafts);
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        snippet::render(self, &searcher, &plan.highlight, q.locale, &top)
    }

    /// The question's scoring query, or `None` if no word is left after analysis.
    pub(crate) fn plan(&self, searcher: &Searcher, text: &str) -> Result<Option<Plan>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut highlight: [BTreeMap<String, f32>; 2] = Default::default();
        let mut resolved: [Vec<String>; 2] = [Vec::new(), Vec::new()];
        let lexicon = self.lexicon.read().unwrap_or_else(|e| e.into_inner());
        for lang in Lang::ALL {
            let mut analyzer = self.analyzers[lang as usize].clone();
            for term in analysis::terms(&mut analyzer, text)
                .into_iter()
                .take(MAX_TERMS)
            {
                let script = Lang::of_text(&term);
                // Cyrillic words occur only in Russian texts. Latin ones
                // ("SMS", "Apple Pay", "push") occur in both, but are taken
                // for typos only against English, whose words they are.
                if lang == Lang::En && script == Lang::Ru {
                    continue;
                }
                // A word of the synonym dictionary is slang, not a typo.
                let slang = self.config.synonyms && lexicon.synonyms.knows(lang, &term);
                let correctable = script == lang && !slang;
                let word = self.resolve(searcher, lang, term, correctable)?;
                for (term, weight) in &word.candidates {
                    clauses.extend(self.term_in_fields(lang, term, *weight));
                    highlight[lang as usize].insert(term.clone(), *weight);
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
            let weight = self.config.synonym_weight;
            for phrase in lexicon
                .synonyms
                .expansions(&|lang| resolved[lang as usize].as_slice())
            {
                for term in &phrase.terms {
                    highlight[phrase.lang as usize]
                        .entry(term.clone())
                        .or_insert(weight);
                }
                match phrase.terms.as_slice() {
                    [term] => clauses.extend(self.term_in_fields(phrase.lang, term, weight)),
                    terms => {
                        // Every word of a multi-word synonym must be there.
                        let all = terms
                            .iter()
                            .map(|t| {
                                let any_field = self.term_in_fields(phrase.lang, t, weight);
                                let query: Box<dyn Query> = Box::new(BooleanQuery::new(any_field));
                                (Occur::Must, query)
                            })
                            .collect();
                        clauses.push((Occur::Should, Box::new(BooleanQuery::new(all))));
                    }
                }
            }
        }
        Ok(Some(Plan {
            query: Box::new(BooleanQuery::new(clauses)),
            highlight,
        }))
    }

    /// One word, looked up in all of a language's text fields.
    ///
    /// With a tie-breaker the word scores as its best field plus a fraction
    /// of the others (dis-max), so a common word present in title, keywords
    /// and body cannot outweigh a rare one found once. Without, the fields'
    /// scores add up and the clauses stay flat: a union made only of
    /// (boosted) term queries lets tantivy skip blocks that cannot reach the
    /// top hits (block-max WAND).
    fn term_in_fields(&self, lang: Lang, term: &str, weight: f32) -> Vec<(Occur, Box<dyn Query>)> {
        let per_field =
            self.fields
                .weighted(lang, &self.config)
                .into_iter()
                .map(|(field, boost)| {
                    let query = TermQuery::new(
                        Term::from_field_text(field, term),
                        IndexRecordOption::WithFreqs,
                    );
                    let query: Box<dyn Query> =
                        Box::new(BoostQuery::new(Box::new(query), boost * weight));
                    query
                });
        match self.config.field_tie_breaker {
            Some(tie) => vec![(
                Occur::Should,
                Box::new(DisjunctionMaxQuery::with_tie_breaker(
                    per_field.collect(),
                    tie,
                )),
            )],
            None => per_field.map(|q| (Occur::Should, q)).collect(),
        }
    }

    fn resolve(
        &self,
        searcher: &Searcher,
        lang: Lang,
        term: String,
        correctable: bool,
    ) -> Result<Word> {
        let fields = self.fields.weighted(lang, &self.config).map(|(f, _)| f);
        let mut known = false;
        for field in fields {
            if searcher.doc_freq(&Term::from_field_text(field, &term))? > 0 {
                known = true;
                break;
            }
        }
        let distance = max_typos(&term);
        if known || !correctable || !self.config.typo_tolerance || distance == 0 {
            return Ok(Word {
                candidates: vec![(term, 1.0)],
            });
        }
        let corrections = corrections(searcher, &fields, &term, distance)?;
        if corrections.is_empty() {
            // Nothing near: keep the word, which finds nothing but still
            // takes part in synonym matching.
            return Ok(Word {
                candidates: vec![(term, 1.0)],
            });
        }
        Ok(Word {
            candidates: corrections
                .into_iter()
                .map(|t| (t, self.config.correction_weight))
                .collect(),
        })
    }

    fn filtered(
        &self,
        text_query: Box<dyn Query>,
        q: &SearchQuery,
        has_drafts: bool,
    ) -> Box<dyn Query> {
        let f = &self.fields;
        let mut filters: Vec<(Field, String)> = Vec::new();
        // With no drafts in the index the filter would keep everything; left
        // out, the search saves an intersection with every published article.
        if !q.include_unpublished && has_drafts {
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
        if filters.is_empty() {
            return text_query;
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
        Box::new(BooleanQuery::new(clauses))
    }
}
