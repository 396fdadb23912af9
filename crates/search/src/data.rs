//! A knowledge base as data: sections, articles and synonyms, loaded from TOML.
//!
//! The demo profile keeps it in `profiles/demo/kb/*.toml`; any file may hold
//! any of the three tables, so content can be split by line.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::article::{Article, Section};
use crate::error::{Result, SearchError};
use crate::synonyms::{SynonymDictionary, SynonymGroup};

/// Everything an index is built from. Serialisable so the server can export
/// and import it whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnowledgeBase {
    #[serde(default, rename = "section")]
    pub sections: Vec<Section>,
    #[serde(default, rename = "article")]
    pub articles: Vec<Article>,
    #[serde(default, rename = "synonyms")]
    pub synonyms: Vec<SynonymGroup>,
}

impl KnowledgeBase {
    /// Parses one TOML document (`[[section]]`, `[[article]]`, `[[synonyms]]`) and validates it.
    pub fn from_toml(source: &str) -> Result<Self> {
        let kb = parse(source, Path::new("<string>"))?;
        kb.validate()?;
        Ok(kb)
    }

    /// Loads every `*.toml` file in a directory, in name order, as one knowledge base.
    pub fn load_dir(dir: &Path) -> Result<Self> {
        let io = |source| SearchError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_some_and(|e| e == "toml") {
                paths.push(path);
            }
        }
        paths.sort();
        let mut kb = KnowledgeBase::default();
        for path in paths {
            let source = std::fs::read_to_string(&path).map_err(|source| SearchError::Io {
                path: path.clone(),
                source,
            })?;
            let part = parse(&source, &path)?;
            kb.sections.extend(part.sections);
            kb.articles.extend(part.articles);
            kb.synonyms.extend(part.synonyms);
        }
        kb.validate()?;
        Ok(kb)
    }

    /// Unique codes and ids, every article in a known section, texts present.
    pub fn validate(&self) -> Result<()> {
        let mut sections = BTreeSet::new();
        for section in &self.sections {
            section.validate()?;
            if !sections.insert(section.code.as_str()) {
                return Err(SearchError::Duplicate {
                    kind: "section",
                    id: section.code.clone(),
                });
            }
        }
        let mut ids = BTreeSet::new();
        for article in &self.articles {
            article.validate()?;
            if !sections.contains(article.section.as_str()) {
                return Err(SearchError::UnknownSection {
                    article: article.id.to_string(),
                    section: article.section.clone(),
                });
            }
            if !ids.insert(&article.id) {
                return Err(SearchError::Duplicate {
                    kind: "article",
                    id: article.id.to_string(),
                });
            }
        }
        Ok(())
    }

    pub fn synonym_dictionary(&self) -> SynonymDictionary {
        SynonymDictionary {
            groups: self.synonyms.clone(),
        }
    }

    pub fn section(&self, code: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.code == code)
    }
}

fn parse(source: &str, path: &Path) -> Result<KnowledgeBase> {
    toml::from_str(source).map_err(|source| SearchError::Toml {
        path: path.to_path_buf(),
        source: Box::new(source),
    })
}
