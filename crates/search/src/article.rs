//! The knowledge base's content: sections and articles, in Russian and English.
//!
//! These types are what an admin edits and what the server stores; they are
//! serde-(de)serialisable so the same shapes travel through TOML (the demo
//! profile), JSON (the admin API) and the database.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use switchboard_domain::i18n::Text;

use crate::error::{Result, SearchError};

/// An article's identifier: short, stable, URL-safe (it appears in help-centre links).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ArticleId(String);

impl ArticleId {
    pub fn parse(s: impl Into<String>) -> Result<Self> {
        let s = s.into();
        let valid = (1..=64).contains(&s.len())
            && s.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
            });
        if valid {
            Ok(ArticleId(s))
        } else {
            Err(SearchError::InvalidId(s))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ArticleId {
    type Error = SearchError;
    fn try_from(s: String) -> Result<Self> {
        ArticleId::parse(s)
    }
}

impl From<ArticleId> for String {
    fn from(id: ArticleId) -> String {
        id.0
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A catalog topic (SPEC §2): the line code and the topic code within it.
/// Written as `"line/topic"` in TOML and JSON because that is how admins think of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TopicRef {
    pub line: String,
    pub topic: String,
}

impl TopicRef {
    pub fn new(line: impl Into<String>, topic: impl Into<String>) -> Self {
        TopicRef {
            line: line.into(),
            topic: topic.into(),
        }
    }

    /// The single indexed term for this topic; `/` cannot occur in catalog codes.
    pub(crate) fn key(&self) -> String {
        format!("{}/{}", self.line, self.topic)
    }
}

impl TryFrom<String> for TopicRef {
    type Error = SearchError;
    fn try_from(s: String) -> Result<Self> {
        match s.split_once('/') {
            Some((line, topic)) if is_code(line) && is_code(topic) => {
                Ok(TopicRef::new(line, topic))
            }
            _ => Err(SearchError::InvalidTopic(s)),
        }
    }
}

impl From<TopicRef> for String {
    fn from(t: TopicRef) -> String {
        t.key()
    }
}

impl fmt::Display for TopicRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.line, self.topic)
    }
}

/// Catalog codes: lowercase a-z, 0-9, `_` and `-` (the catalog's own rule).
pub(crate) fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// A help-centre section; every section belongs to one support line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub code: String,
    pub name: Text,
    /// The catalog line code this section serves.
    pub line: String,
}

impl Section {
    pub fn validate(&self) -> Result<()> {
        let fail = |reason: &str| SearchError::InvalidSection {
            section: self.code.clone(),
            reason: reason.to_owned(),
        };
        if !is_code(&self.code) {
            return Err(fail("code must be lowercase a-z, 0-9, '_' or '-'"));
        }
        if !is_code(&self.line) {
            return Err(fail("line must be a catalog line code"));
        }
        if self.name.ru.trim().is_empty() {
            return Err(fail("the Russian name is empty"));
        }
        Ok(())
    }
}

/// One knowledge-base article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: ArticleId,
    /// The code of the [`Section`] it is filed under.
    pub section: String,
    /// The catalog topics it answers: the chat bot suggests it for these.
    #[serde(default)]
    pub topics: Vec<TopicRef>,
    pub title: Text,
    /// Plain text; paragraphs separated by blank lines.
    pub body: Text,
    /// Extra search words in either language (what customers call things).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Drafts are searchable by staff only, never by customers.
    #[serde(default = "default_published")]
    pub published: bool,
    pub updated_at: Timestamp,
}

fn default_published() -> bool {
    true
}

impl Article {
    /// Checks what serde cannot: texts present in the mandatory language.
    pub fn validate(&self) -> Result<()> {
        let fail = |reason: &str| SearchError::InvalidArticle {
            article: self.id.to_string(),
            reason: reason.to_owned(),
        };
        if self.title.ru.trim().is_empty() {
            return Err(fail("the Russian title is empty"));
        }
        if self.body.ru.trim().is_empty() {
            return Err(fail("the Russian body is empty"));
        }
        if !is_code(&self.section) {
            return Err(fail("section must be a section code"));
        }
        Ok(())
    }
}
