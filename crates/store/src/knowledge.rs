//! The knowledge base (issue 5): help-centre sections and articles with
//! their edit log, and the bot's suggestions per conversation with the
//! customer's verdict on each.
//!
//! The knowledge base is versioned as a whole: every edit takes the next
//! value of one counter (`kb_state.revision`) inside its transaction and
//! stamps the rows it writes with it. Taking the counter row-locks it until
//! commit, so revisions become visible in order and a node that has applied
//! everything up to revision `r` catches up by reading the rows stamped after
//! `r` ([`KnowledgeStore::kb_changes_since`]). Deleted sections and articles stay
//! as flagged rows for that reason; creating the same code again revives them.
//!
//! These are plain records: the search crate's `Article` and `Section` are
//! built from them by the server, so the store does not depend on the index.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use switchboard_domain::i18n::Text;
use switchboard_domain::ids::TicketId;
use switchboard_domain::ticket::Actor;

use crate::Result;

/// A help-centre section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbSection {
    pub code: String,
    /// The catalog line it serves.
    pub line: String,
    pub name: Text,
    /// Order in the help centre, smallest first.
    pub position: i64,
    /// Set on rows returned by [`KnowledgeStore::kb_changes_since`] for deleted sections.
    #[serde(default)]
    pub deleted: bool,
    pub revision: i64,
    pub updated_at: Timestamp,
}

/// A knowledge-base article, published or a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbArticle {
    pub id: String,
    /// The code of its section.
    pub section: String,
    /// `line/topic` codes the chat bot suggests it for.
    pub topics: Vec<String>,
    pub title: Text,
    pub body: Text,
    pub keywords: Vec<String>,
    pub published: bool,
    #[serde(default)]
    pub deleted: bool,
    pub revision: i64,
    pub updated_at: Timestamp,
}

/// Sections and articles as of `revision`: the live ones for a snapshot, the
/// ones changed after a revision (deleted ones flagged) for a catch-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KbSnapshot {
    pub revision: i64,
    pub sections: Vec<KbSection>,
    pub articles: Vec<KbArticle>,
}

/// What an admin did; the name is the audit log's `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KbAction {
    Seed,
    CreateSection,
    UpdateSection,
    DeleteSection,
    CreateArticle,
    UpdateArticle,
    PublishArticle,
    UnpublishArticle,
    DeleteArticle,
}

impl KbAction {
    pub fn as_str(self) -> &'static str {
        match self {
            KbAction::Seed => "seed",
            KbAction::CreateSection => "create_section",
            KbAction::UpdateSection => "update_section",
            KbAction::DeleteSection => "delete_section",
            KbAction::CreateArticle => "create_article",
            KbAction::UpdateArticle => "update_article",
            KbAction::PublishArticle => "publish_article",
            KbAction::UnpublishArticle => "unpublish_article",
            KbAction::DeleteArticle => "delete_article",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            KbAction::Seed,
            KbAction::CreateSection,
            KbAction::UpdateSection,
            KbAction::DeleteSection,
            KbAction::CreateArticle,
            KbAction::UpdateArticle,
            KbAction::PublishArticle,
            KbAction::UnpublishArticle,
            KbAction::DeleteArticle,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// An entry of the knowledge base's append-only edit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbEvent {
    pub id: i64,
    pub actor: Actor,
    pub action: KbAction,
    /// `section` or `article`.
    pub target_kind: String,
    pub target: String,
    /// The knowledge-base revision the edit made.
    pub revision: i64,
    /// The record after the edit (before it, for a deletion), as JSON.
    pub payload: serde_json::Value,
    pub at: Timestamp,
}

/// The customer's verdict on a suggested article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feedback {
    Helped,
    NotHelped,
}

impl Feedback {
    pub fn as_str(self) -> &'static str {
        match self {
            Feedback::Helped => "helped",
            Feedback::NotHelped => "not_helped",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "helped" => Some(Feedback::Helped),
            "not_helped" => Some(Feedback::NotHelped),
            _ => None,
        }
    }
}

/// One article the bot showed in one conversation, and what the customer said of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbSuggestion {
    pub ticket_id: TicketId,
    pub article_id: String,
    pub shown_at: Timestamp,
    pub feedback: Option<Feedback>,
    pub feedback_at: Option<Timestamp>,
}

/// Per article: in how many conversations the bot showed it, and the verdicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbArticleStats {
    pub article_id: String,
    pub shown: u64,
    pub helped: u64,
    pub not_helped: u64,
}

#[async_trait]
pub trait KnowledgeStore: Send + Sync {
    /// The knowledge base's revision: 0 until the first edit.
    async fn kb_revision(&self) -> Result<i64>;
    /// Every live section and article, as of the revision it reports.
    async fn kb_snapshot(&self) -> Result<KbSnapshot>;
    /// Sections and articles written after `revision`, deleted ones included
    /// (flagged), as of the revision it reports.
    async fn kb_changes_since(&self, revision: i64) -> Result<KbSnapshot>;
    /// Loads a whole knowledge base into an empty one, as one revision with
    /// one `seed` audit entry. `false` (writing nothing) when it was not empty.
    async fn kb_seed(
        &self,
        sections: &[KbSection],
        articles: &[KbArticle],
        actor: &Actor,
        at: Timestamp,
    ) -> Result<bool>;
    /// Creates or updates a section (`action` says which; `revision`,
    /// `deleted` and `updated_at` are set here), with its audit entry.
    /// Creating an existing section is `Conflict`, updating a missing one `NotFound`.
    async fn kb_save_section(
        &self,
        section: &KbSection,
        action: KbAction,
        actor: &Actor,
        at: Timestamp,
    ) -> Result<KbSection>;
    /// Deletes a section; `Conflict` while it still has articles.
    async fn kb_delete_section(&self, code: &str, actor: &Actor, at: Timestamp) -> Result<i64>;
    /// Creates, updates, publishes or unpublishes an article, with its audit
    /// entry. `Conflict` for a new id that exists or a section that does not.
    async fn kb_save_article(
        &self,
        article: &KbArticle,
        action: KbAction,
        actor: &Actor,
        at: Timestamp,
    ) -> Result<KbArticle>;
    async fn kb_delete_article(&self, id: &str, actor: &Actor, at: Timestamp) -> Result<i64>;
    /// A live section or article; `NotFound` for a missing or deleted one.
    async fn kb_section(&self, code: &str) -> Result<KbSection>;
    async fn kb_article(&self, id: &str) -> Result<KbArticle>;
    /// The edit log, newest first.
    async fn kb_events(&self, limit: u32) -> Result<Vec<KbEvent>>;
    /// Remembers that the bot showed these articles in a conversation (once each).
    async fn kb_record_shown(
        &self,
        ticket: TicketId,
        articles: &[String],
        at: Timestamp,
    ) -> Result<()>;
    /// The customer's verdict on an article shown in the conversation; a later
    /// verdict replaces an earlier one. `NotFound` if it was not shown there.
    async fn kb_record_feedback(
        &self,
        ticket: TicketId,
        article: &str,
        feedback: Feedback,
        at: Timestamp,
    ) -> Result<()>;
    /// What the bot showed in a conversation and the verdicts, in showing order.
    async fn kb_conversation_suggestions(&self, ticket: TicketId) -> Result<Vec<KbSuggestion>>;
    /// Per article ever shown: conversations shown in, helped, did not help.
    async fn kb_feedback_report(&self) -> Result<Vec<KbArticleStats>>;
}
