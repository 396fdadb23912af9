//! The configuration's documents (issue 12): the catalog, SLA policies,
//! calendars and priority rules, each kept as numbered versions of its text,
//! every version kept. The store keeps and numbers them; what a valid
//! document is, is the domain loaders' business (the caller validates first).
//!
//! One revision counts the changes to all documents. A change is saved only
//! if the revision is still the one the caller validated the whole
//! configuration against, so two edits to different documents cannot
//! combine into something nobody validated; nodes poll the revision to pick
//! up changes made elsewhere.

use async_trait::async_trait;
use jiff::Timestamp;
use switchboard_domain::ids::OperatorId;

use crate::{NewStaffAudit, Result};

/// A stored version of one document, without its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigVersionInfo {
    pub doc: String,
    /// 1, 2, 3… per document; 1 is the profile's file.
    pub version: i64,
    /// The revision of the whole configuration this version made.
    pub revision: i64,
    /// None for the profile's seed.
    pub author: Option<OperatorId>,
    pub author_login: String,
    pub comment: String,
    pub created_at: Timestamp,
}

/// A stored version with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigVersion {
    pub info: ConfigVersionInfo,
    pub body: String,
}

/// The newest version of every document and the revision they make up.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigSnapshot {
    pub revision: i64,
    pub documents: Vec<ConfigVersion>,
}

/// A validated new version to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigChange {
    pub doc: String,
    /// The document's newest version the edit was made from.
    pub base_version: i64,
    /// The configuration's revision the change was validated against.
    pub revision: i64,
    pub body: String,
    pub author: OperatorId,
    pub author_login: String,
    pub comment: String,
}

#[async_trait]
pub trait ConfigStore: Send + Sync {
    /// How many changes have been saved to any document (0: none yet). One
    /// indexed read: what nodes poll.
    async fn config_revision(&self) -> Result<i64>;
    /// The newest version of every document that has one.
    async fn config_snapshot(&self) -> Result<ConfigSnapshot>;
    /// Stores `(doc, body)` as version 1 of each document that has no
    /// version yet, in one transaction, as one revision. Returns how many
    /// were stored (0 when every document already had one, e.g. another node
    /// seeded first).
    async fn seed_config(
        &self,
        docs: &[(&str, &str)],
        comment: &str,
        at: Timestamp,
    ) -> Result<usize>;
    /// Saves the next version of `change.doc` with its audit entry, in one
    /// transaction. `Conflict` when the document's newest version is no
    /// longer `base_version` or the revision is no longer `revision`.
    async fn save_config(
        &self,
        change: &ConfigChange,
        audit: &NewStaffAudit,
        at: Timestamp,
    ) -> Result<ConfigVersion>;
    /// The versions of `doc`, newest first.
    async fn config_versions(&self, doc: &str) -> Result<Vec<ConfigVersionInfo>>;
    /// One version with its text; `NotFound` when there is none.
    async fn config_version(&self, doc: &str, version: i64) -> Result<ConfigVersion>;
}
