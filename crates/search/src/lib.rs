//! Switchboard's knowledge base: help-centre sections and articles in Russian
//! and English, and the search the help centre and the chat bot use.
//!
//! Content ([`Article`], [`Section`], synonym groups) is plain serde data,
//! loaded from TOML for the demo profile ([`KnowledgeBase::load_dir`]) and
//! meant to be stored by the server. [`SearchIndex`] is a tantivy index over
//! it, in memory or in a directory: Russian and English stemming (заказ /
//! заказы / заказов), typo correction against the index's own vocabulary,
//! query-time synonyms, BM25 ranking with the title weighted up, filters by
//! topic, line, section and publication, and HTML snippets with `<mark>`ed
//! matches. Admin edits are incremental ([`SearchIndex::upsert`],
//! [`SearchIndex::remove`], [`SearchIndex::commit`]). The [`eval`] module
//! scores the search against labelled questions (`kb-eval`); `kb-bench`
//! measures its latency. No HTTP and no database here.

pub mod article;
pub mod data;
pub mod error;
pub mod eval;
pub mod index;
pub mod query;
pub mod synonyms;

mod analysis;
mod snippet;
mod typo;

pub use article::{Article, ArticleId, Section, TopicRef};
pub use data::KnowledgeBase;
pub use error::{Result, SearchError};
pub use index::{SearchConfig, SearchIndex};
pub use query::{Hit, SearchQuery};
pub use synonyms::{SynonymDictionary, SynonymGroup};
