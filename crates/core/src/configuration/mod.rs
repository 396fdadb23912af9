//! The configuration that can change while the service runs (issue 12): the
//! catalog (lines, topics, problems), SLA policies, calendars and holidays,
//! and priority rules. The profile's files are only the seed: on first start
//! they become version 1 of each document in the store; from then on the
//! store's versions are the configuration, on every node.
//!
//! An edit is a new text of one document. It is loaded by the same domain
//! loaders as the profile's files, together with the other documents (and
//! the phone numbers, which refer to lines and calendars), so an edit that
//! would break another document is refused too; only then is it saved, under
//! the revision it was checked against, with its audit entry ([`edit`]).
//!
//! [`LiveConfig`] holds what this node decides with; it is swapped whole
//! (arc-swap), so a use case sees one consistent configuration for as long
//! as it holds it. Every node polls the store's revision and swaps in a new
//! configuration when it changed ([`Core::refresh_config`]); the node that
//! saved an edit swaps it in before answering.

pub mod edit;
pub mod forms;
pub mod priority_form;
pub mod sla_form;

use std::sync::Arc;

use arc_swap::ArcSwap;
use switchboard_domain::catalog::Catalog;
use switchboard_store::ConfigSnapshot;

use crate::rules::{ProfileTexts, Rules, RulesError};

/// A document of the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConfigDoc {
    Catalog,
    Sla,
    Calendars,
    Priority,
}

impl ConfigDoc {
    pub const ALL: [ConfigDoc; 4] = [
        ConfigDoc::Catalog,
        ConfigDoc::Sla,
        ConfigDoc::Calendars,
        ConfigDoc::Priority,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConfigDoc::Catalog => "catalog",
            ConfigDoc::Sla => "sla",
            ConfigDoc::Calendars => "calendars",
            ConfigDoc::Priority => "priority",
        }
    }

    /// `None` for anything that names no document.
    pub fn parse(raw: &str) -> Option<ConfigDoc> {
        Self::ALL.into_iter().find(|d| d.as_str() == raw)
    }

    fn text(self, t: &ProfileTexts) -> &str {
        match self {
            ConfigDoc::Catalog => &t.catalog,
            ConfigDoc::Sla => &t.sla,
            ConfigDoc::Calendars => &t.calendars,
            ConfigDoc::Priority => &t.priority,
        }
    }

    fn text_mut(self, t: &mut ProfileTexts) -> &mut String {
        match self {
            ConfigDoc::Catalog => &mut t.catalog,
            ConfigDoc::Sla => &mut t.sla,
            ConfigDoc::Calendars => &mut t.calendars,
            ConfigDoc::Priority => &mut t.priority,
        }
    }
}

/// The documents' texts a configuration was built from, with the newest
/// version number of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    pub texts: ProfileTexts,
    /// Per document, in [`ConfigDoc::ALL`] order.
    pub versions: [i64; 4],
}

impl Sources {
    pub fn version(&self, doc: ConfigDoc) -> i64 {
        self.versions[doc as usize]
    }

    pub fn text(&self, doc: ConfigDoc) -> &str {
        doc.text(&self.texts)
    }

    /// The store's newest versions, over the profile's texts (the phone
    /// numbers, and any document the store does not have).
    pub fn from_snapshot(snapshot: &ConfigSnapshot, profile: &ProfileTexts) -> Sources {
        let mut texts = profile.clone();
        let mut versions = [0; 4];
        for d in &snapshot.documents {
            if let Some(doc) = ConfigDoc::parse(&d.info.doc) {
                *doc.text_mut(&mut texts) = d.body.clone();
                versions[doc as usize] = d.info.version;
            }
        }
        Sources { texts, versions }
    }

    /// These sources with one document's text replaced.
    pub fn with(&self, doc: ConfigDoc, body: &str) -> ProfileTexts {
        let mut texts = self.texts.clone();
        *doc.text_mut(&mut texts) = body.to_owned();
        texts
    }
}

/// One consistent configuration: the rules (with the catalog inside) and
/// where they came from.
#[derive(Debug, Clone)]
pub struct Configured {
    /// The store's revision it reflects; 0 before the store was read.
    pub revision: i64,
    pub rules: Rules,
    /// None when built from values rather than stored texts (tests).
    pub sources: Option<Arc<Sources>>,
}

impl Configured {
    pub fn build(revision: i64, sources: Sources) -> Result<Configured, RulesError> {
        let (_, rules) = Rules::from_texts(&sources.texts)?;
        Ok(Configured {
            revision,
            rules,
            sources: Some(Arc::new(sources)),
        })
    }
}

/// What this node decides with now. Cheap to clone (shared); readers take
/// the current configuration whole and keep it for one use case.
#[derive(Clone)]
pub struct LiveConfig(Arc<ArcSwap<Configured>>);

impl std::fmt::Debug for LiveConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("LiveConfig")
            .field(&self.0.load().revision)
            .finish()
    }
}

impl From<Rules> for LiveConfig {
    fn from(rules: Rules) -> Self {
        LiveConfig(Arc::new(ArcSwap::from_pointee(Configured {
            revision: 0,
            rules,
            sources: None,
        })))
    }
}

impl LiveConfig {
    pub fn current(&self) -> Arc<Configured> {
        self.0.load_full()
    }

    pub fn rules(&self) -> Rules {
        self.0.load().rules.clone()
    }

    pub fn catalog(&self) -> Arc<Catalog> {
        self.0.load().rules.catalog().clone()
    }

    pub fn revision(&self) -> i64 {
        self.0.load().revision
    }

    /// Swaps in `next` unless what is live is already as new (a poll and an
    /// edit on this node may race). Returns whether it was swapped in.
    pub fn install(&self, next: Configured) -> bool {
        let next = Arc::new(next);
        let keep = |cur: &Configured| cur.revision >= next.revision && cur.sources.is_some();
        let prev = self
            .0
            .rcu(|cur| if keep(cur) { cur.clone() } else { next.clone() });
        !keep(&prev)
    }
}
