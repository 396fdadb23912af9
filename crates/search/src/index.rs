//! The tantivy index behind the knowledge base: schema, building and admin edits.
//!
//! Each article is one document. Title, body and keywords are indexed twice,
//! once per language with that language's analyzer; the article itself is
//! stored as JSON so a hit can be rendered (and an article read back) without
//! a second store. Edits are incremental: `upsert`/`remove` then `commit`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, RwLock};

use tantivy::directory::MmapDirectory;
use tantivy::query::TermQuery;
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analysis::{self, Lang};
use crate::article::{Article, ArticleId, Section};
use crate::data::KnowledgeBase;
use crate::error::{Result, SearchError};
use crate::synonyms::{CompiledSynonyms, SynonymDictionary};

/// How the index is built and how questions are matched. The defaults are
/// the ones `kb-eval` measures; the switches exist so it can measure each
/// part. Deserialisable with defaults, so it can sit in the server's config.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SearchConfig {
    /// Correct words the index has never seen to its nearest words (edit distance 1–2).
    pub typo_tolerance: bool,
    /// Expand questions with the knowledge base's synonym groups.
    pub synonyms: bool,
    /// Weight of a title match relative to a body match.
    pub title_boost: f32,
    /// Weight of a keyword match relative to a body match.
    pub keywords_boost: f32,
    /// How a word's matches in several fields combine: `Some(t)` scores the
    /// best field plus `t` times the others (dis-max); `None` adds them up.
    pub field_tie_breaker: Option<f32>,
    /// Weight of a word brought in by a synonym relative to the customer's own word.
    pub synonym_weight: f32,
    /// Weight of a corrected word relative to a word spelled right.
    pub correction_weight: f32,
    /// Longest snippet, in characters.
    pub snippet_chars: usize,
    /// Indexing memory budget (tantivy's minimum is 15 MB).
    pub writer_memory_bytes: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            typo_tolerance: true,
            synonyms: true,
            title_boost: 1.5,
            keywords_boost: 1.5,
            field_tie_breaker: Some(0.2),
            synonym_weight: 0.4,
            correction_weight: 0.8,
            snippet_chars: 180,
            writer_memory_bytes: 32_000_000,
        }
    }
}

/// The schema's fields; the per-language ones are indexed by `Lang as usize`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub stored: Field,
    pub section: Field,
    pub line: Field,
    pub topic: Field,
    pub published: Field,
    pub title: [Field; 2],
    pub body: [Field; 2],
    pub keywords: [Field; 2],
}

impl Fields {
    /// Every text field of a language, with its weight relative to the body.
    pub fn weighted(&self, lang: Lang, config: &SearchConfig) -> [(Field, f32); 3] {
        let l = lang as usize;
        [
            (self.title[l], config.title_boost),
            (self.keywords[l], config.keywords_boost),
            (self.body[l], 1.0),
        ]
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |lang: Lang| {
        // Frequencies for BM25; no positions: there are no phrase queries, and
        // snippets re-tokenise the stored text.
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(lang.tokenizer_name())
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        stored: b.add_text_field("article", STORED),
        section: b.add_text_field("section", STRING),
        line: b.add_text_field("line", STRING),
        topic: b.add_text_field("topic", STRING),
        published: b.add_text_field("published", STRING),
        title: [
            b.add_text_field("title_ru", text(Lang::Ru)),
            b.add_text_field("title_en", text(Lang::En)),
        ],
        body: [
            b.add_text_field("body_ru", text(Lang::Ru)),
            b.add_text_field("body_en", text(Lang::En)),
        ],
        keywords: [
            b.add_text_field("keywords_ru", text(Lang::Ru)),
            b.add_text_field("keywords_en", text(Lang::En)),
        ],
    };
    (b.build(), fields)
}

pub(crate) const PUBLISHED: &str = "yes";
pub(crate) const DRAFT: &str = "no";

/// What the index needs besides the articles: sections (for the line filter)
/// and synonyms. Admins edit both, so they can be swapped at run time.
#[derive(Debug, Default)]
pub(crate) struct Lexicon {
    pub sections: HashMap<String, Section>,
    pub synonyms: CompiledSynonyms,
}

/// The searchable knowledge base. `Send + Sync`: share it behind an `Arc`;
/// searches run concurrently, edits are serialised by the writer's lock.
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    writer: Mutex<IndexWriter>,
    pub(crate) fields: Fields,
    pub(crate) config: SearchConfig,
    pub(crate) analyzers: [TextAnalyzer; 2],
    pub(crate) lexicon: RwLock<Lexicon>,
}

impl SearchIndex {
    /// An empty index in memory.
    pub fn in_ram(config: SearchConfig) -> Result<Self> {
        let (schema, fields) = schema();
        Self::from_index(Index::create_in_ram(schema), fields, config)
    }

    /// Opens the index kept in `dir`, creating it if the directory is empty.
    /// Sections and synonyms are not kept there: set them after opening.
    pub fn open_in_dir(dir: &Path, config: SearchConfig) -> Result<Self> {
        let (schema, fields) = schema();
        std::fs::create_dir_all(dir).map_err(|source| SearchError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let index = Index::open_or_create(MmapDirectory::open(dir)?, schema)?;
        Self::from_index(index, fields, config)
    }

    /// An in-memory index of a whole knowledge base.
    pub fn build(kb: &KnowledgeBase, config: SearchConfig) -> Result<Self> {
        let index = Self::in_ram(config)?;
        index.replace_all(kb)?;
        Ok(index)
    }

    fn from_index(index: Index, fields: Fields, config: SearchConfig) -> Result<Self> {
        analysis::register(&index);
        let writer =
            index.writer_with_num_threads(1, config.writer_memory_bytes.max(15_000_000))?;
        // Manual reloads: an admin's commit is visible to the very next search.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            config,
            analyzers: Lang::ALL.map(analysis::analyzer),
            lexicon: RwLock::new(Lexicon::default()),
        })
    }

    pub fn config(&self) -> &SearchConfig {
        &self.config
    }

    /// Replaces sections, synonyms and every article, and commits.
    pub fn replace_all(&self, kb: &KnowledgeBase) -> Result<()> {
        kb.validate()?;
        self.set_sections(kb.sections.iter().cloned());
        self.set_synonyms(&kb.synonym_dictionary());
        self.with_writer(|w| w.delete_all_documents().map(|_| ()))?;
        for article in &kb.articles {
            self.upsert(article)?;
        }
        self.commit()
    }

    /// Replaces the sections (articles refer to them by code).
    pub fn set_sections(&self, sections: impl IntoIterator<Item = Section>) {
        let mut lexicon = self.lexicon.write().unwrap_or_else(|e| e.into_inner());
        lexicon.sections = sections.into_iter().map(|s| (s.code.clone(), s)).collect();
    }

    /// Adds or replaces one section.
    pub fn upsert_section(&self, section: Section) -> Result<()> {
        section.validate()?;
        let mut lexicon = self.lexicon.write().unwrap_or_else(|e| e.into_inner());
        lexicon.sections.insert(section.code.clone(), section);
        Ok(())
    }

    /// Replaces the synonym dictionary; takes effect on the next search.
    pub fn set_synonyms(&self, dict: &SynonymDictionary) {
        let compiled = CompiledSynonyms::compile(dict);
        let mut lexicon = self.lexicon.write().unwrap_or_else(|e| e.into_inner());
        lexicon.synonyms = compiled;
    }

    /// Adds or replaces an article. Visible to searches after [`commit`](Self::commit).
    pub fn upsert(&self, article: &Article) -> Result<()> {
        article.validate()?;
        let line = {
            let lexicon = self.lexicon.read().unwrap_or_else(|e| e.into_inner());
            match lexicon.sections.get(&article.section) {
                Some(section) => section.line.clone(),
                None => {
                    return Err(SearchError::UnknownSection {
                        article: article.id.to_string(),
                        section: article.section.clone(),
                    });
                }
            }
        };
        let doc = self.document(article, &line)?;
        let id = Term::from_field_text(self.fields.id, article.id.as_str());
        self.with_writer(|w| {
            w.delete_term(id);
            w.add_document(doc).map(|_| ())
        })
    }

    /// Removes an article. Visible to searches after [`commit`](Self::commit).
    pub fn remove(&self, id: &ArticleId) -> Result<()> {
        let term = Term::from_field_text(self.fields.id, id.as_str());
        self.with_writer(|w| {
            w.delete_term(term);
            Ok(())
        })
    }

    /// Makes every edit since the last commit durable and searchable.
    pub fn commit(&self) -> Result<()> {
        self.with_writer(|w| w.commit().map(|_| ()))?;
        self.reader.reload()?;
        Ok(())
    }

    /// Reads an article back from the index (drafts included).
    pub fn article(&self, id: &ArticleId) -> Result<Option<Article>> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.id, id.as_str()),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        match top.first() {
            Some((_, address)) => Ok(Some(self.stored_article(&searcher.doc(*address)?)?)),
            None => Ok(None),
        }
    }

    /// How many articles are searchable now (drafts included).
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn stored_article(&self, doc: &TantivyDocument) -> Result<Article> {
        let json = doc
            .get_first(self.fields.stored)
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        Ok(serde_json::from_str(json)?)
    }

    fn document(&self, article: &Article, line: &str) -> Result<TantivyDocument> {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, article.id.as_str());
        doc.add_text(f.stored, serde_json::to_string(article)?);
        doc.add_text(f.section, &article.section);
        doc.add_text(f.line, line);
        doc.add_text(
            f.published,
            if article.published { PUBLISHED } else { DRAFT },
        );
        for topic in &article.topics {
            doc.add_text(f.topic, topic.key());
            if topic.line != line {
                doc.add_text(f.line, &topic.line);
            }
        }
        for lang in Lang::ALL {
            let l = lang as usize;
            let locale = lang.locale();
            // An untranslated article is still findable in English by its
            // Russian text: `Text::get` falls back to Russian.
            doc.add_text(f.title[l], article.title.get(locale));
            doc.add_text(f.body[l], article.body.get(locale));
            // Cyrillic keywords mean nothing to the English analyzer; Latin
            // ones ("Apple Pay", "SMS") belong to both languages' texts.
            for keyword in &article.keywords {
                if lang == Lang::Ru || Lang::of_text(keyword) == Lang::En {
                    doc.add_text(f.keywords[l], keyword);
                }
            }
        }
        Ok(doc)
    }

    fn with_writer<T>(&self, f: impl FnOnce(&mut IndexWriter) -> tantivy::Result<T>) -> Result<T> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        Ok(f(&mut writer)?)
    }
}

impl SearchIndex {
    /// The underlying tantivy index, for diagnostics and benchmarks (e.g.
    /// `kb-bench` times a plain tantivy query against [`search`](Self::search)).
    pub fn tantivy_index(&self) -> &Index {
        &self.index
    }
}
