//! The one error type of the crate.

use std::path::PathBuf;

/// Everything that can go wrong loading, indexing or searching the knowledge base.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("invalid article id {0:?}: use 1–64 characters a-z, 0-9, '-', '_' or '.'")]
    InvalidId(String),
    #[error("invalid topic reference {0:?}: expected \"line/topic\"")]
    InvalidTopic(String),
    #[error("article {article}: {reason}")]
    InvalidArticle { article: String, reason: String },
    #[error("section {section}: {reason}")]
    InvalidSection { section: String, reason: String },
    #[error("article {article} is in unknown section {section:?}")]
    UnknownSection { article: String, section: String },
    #[error("duplicate {kind} {id:?}")]
    Duplicate { kind: &'static str, id: String },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot parse {path}: {source}")]
    Toml {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("stored article is unreadable: {0}")]
    Stored(#[from] serde_json::Error),
    #[error("evaluation set, line {line}: {reason}")]
    Eval { line: usize, reason: String },
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("index writer lock poisoned by a panic in another thread")]
    Poisoned,
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;
