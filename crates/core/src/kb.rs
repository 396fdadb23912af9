//! The knowledge base as the server holds it: the database is the source of
//! truth, and every node keeps an in-memory copy (the records for the help
//! centre's listings, a [`SearchIndex`] for search) at a known revision.
//!
//! An edit is written to the store first; the node that made it then catches
//! up at once ([`Knowledge::sync`]), so its next search sees the edit. Other
//! nodes notice within `kb.refresh_interval_ms`: a worker compares the
//! store's revision with theirs and applies only what changed after it (see
//! `switchboard_store::knowledge`). The index is rebuilt from the store at
//! start-up; the store is seeded from the profile's knowledge base on first
//! start. Synonyms are profile configuration, not edited data: they come
//! from the same files at every start.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use anyhow::Context;
use jiff::Timestamp;
use switchboard_domain::bot::{BotAnswers, Suggestion, TopicAnswers};
use switchboard_domain::catalog::{Catalog, Topic};
use switchboard_domain::i18n::Locale;
use switchboard_domain::ticket::Actor;
use switchboard_search::{
    Article, ArticleId, Hit, KnowledgeBase, SearchConfig, SearchIndex, SearchQuery, Section,
    TopicRef,
};
use switchboard_store::{KbArticle, KbSection, Store};

/// The demo profile's knowledge base, embedded like the demo catalog.
const DEMO_KB: &[&str] = &[
    include_str!("../../../profiles/demo/kb/sections.toml"),
    include_str!("../../../profiles/demo/kb/synonyms.toml"),
    include_str!("../../../profiles/demo/kb/marketplace.toml"),
    include_str!("../../../profiles/demo/kb/sellers.toml"),
    include_str!("../../../profiles/demo/kb/bank_retail.toml"),
    include_str!("../../../profiles/demo/kb/bank_business.toml"),
    include_str!("../../../profiles/demo/kb/travel.toml"),
    include_str!("../../../profiles/demo/kb/delivery.toml"),
    include_str!("../../../profiles/demo/kb/crossborder.toml"),
];

/// The profile's knowledge base: the files in `dir`, or the demo's.
pub fn load_profile_kb(dir: Option<&Path>) -> anyhow::Result<KnowledgeBase> {
    match dir {
        Some(d) => {
            KnowledgeBase::load_dir(d).with_context(|| format!("knowledge base {}", d.display()))
        }
        None => {
            KnowledgeBase::from_toml(&DEMO_KB.join("\n")).context("built-in demo knowledge base")
        }
    }
}

/// Records for the store from a knowledge base read from files.
pub fn records(kb: &KnowledgeBase, at: Timestamp) -> (Vec<KbSection>, Vec<KbArticle>) {
    let sections = kb
        .sections
        .iter()
        .zip(1..)
        .map(|(s, position)| KbSection {
            code: s.code.clone(),
            line: s.line.clone(),
            name: s.name.clone(),
            position,
            deleted: false,
            revision: 0,
            updated_at: at,
        })
        .collect();
    let articles = kb
        .articles
        .iter()
        .map(|a| KbArticle {
            id: a.id.to_string(),
            section: a.section.clone(),
            topics: a.topics.iter().map(ToString::to_string).collect(),
            title: a.title.clone(),
            body: a.body.clone(),
            keywords: a.keywords.clone(),
            published: a.published,
            deleted: false,
            revision: 0,
            updated_at: a.updated_at,
        })
        .collect();
    (sections, articles)
}

/// A stored article as the search index takes it. Stored articles were
/// validated on the way in; one that no longer parses is reported and skipped.
fn to_search(a: &KbArticle) -> anyhow::Result<Article> {
    Ok(Article {
        id: ArticleId::parse(a.id.as_str())?,
        section: a.section.clone(),
        topics: a
            .topics
            .iter()
            .map(|t| TopicRef::try_from(t.clone()))
            .collect::<Result<_, _>>()?,
        title: a.title.clone(),
        body: a.body.clone(),
        keywords: a.keywords.clone(),
        published: a.published,
        updated_at: a.updated_at,
    })
}

fn to_search_section(s: &KbSection) -> Section {
    Section {
        code: s.code.clone(),
        name: s.name.clone(),
        line: s.line.clone(),
    }
}

/// What the node holds besides the index: the records, for listings.
#[derive(Default)]
struct Copy {
    sections: BTreeMap<String, KbSection>,
    articles: BTreeMap<String, KbArticle>,
}

pub struct Knowledge {
    store: Arc<dyn Store>,
    index: SearchIndex,
    copy: RwLock<Copy>,
    /// The store revision everything here reflects.
    revision: AtomicI64,
    /// One catch-up at a time, so revisions are applied in order.
    syncing: tokio::sync::Mutex<()>,
}

impl Knowledge {
    /// Seeds an empty store from `seed` (first start), then loads the store.
    pub async fn start(
        store: Arc<dyn Store>,
        config: SearchConfig,
        profile: &KnowledgeBase,
        seed: bool,
        now: Timestamp,
    ) -> anyhow::Result<Arc<Knowledge>> {
        if seed && store.kb_revision().await? == 0 {
            let (sections, articles) = records(profile, now);
            if store
                .kb_seed(&sections, &articles, &Actor::System, now)
                .await?
            {
                tracing::info!(
                    sections = sections.len(),
                    articles = articles.len(),
                    "knowledge base seeded from the profile"
                );
            }
        }
        let index = SearchIndex::in_ram(config).context("creating the search index")?;
        index.set_synonyms(&profile.synonym_dictionary());
        let kb = Arc::new(Knowledge {
            store,
            index,
            copy: RwLock::new(Copy::default()),
            revision: AtomicI64::new(-1),
            syncing: tokio::sync::Mutex::new(()),
        });
        kb.reload().await?;
        Ok(kb)
    }

    /// The revision this node has applied.
    pub fn revision(&self) -> i64 {
        self.revision.load(Ordering::Acquire)
    }

    /// Loads the (empty) index and records from a snapshot of the store.
    async fn reload(self: &Arc<Self>) -> anyhow::Result<()> {
        let _one = self.syncing.lock().await;
        let snap = self.store.kb_snapshot().await?;
        let this = self.clone();
        let revision = snap.revision;
        tokio::task::spawn_blocking(move || this.apply(snap.sections, snap.articles)).await??;
        self.revision.store(revision, Ordering::Release);
        Ok(())
    }

    /// Catches up with the store: applies what changed after this node's
    /// revision. Returns whether anything did.
    pub async fn sync(self: &Arc<Self>) -> anyhow::Result<bool> {
        let _one = self.syncing.lock().await;
        let have = self.revision();
        if self.store.kb_revision().await? <= have {
            return Ok(false);
        }
        let changes = self.store.kb_changes_since(have).await?;
        let revision = changes.revision;
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.apply(changes.sections, changes.articles))
            .await??;
        self.revision.store(revision, Ordering::Release);
        tracing::debug!(revision, "knowledge base caught up");
        Ok(true)
    }

    /// Applies sections, then articles (an article needs its section), and
    /// commits once. Blocking: indexing and the commit are CPU work.
    fn apply(&self, sections: Vec<KbSection>, articles: Vec<KbArticle>) -> anyhow::Result<()> {
        let mut copy = self.copy.write().unwrap_or_else(|p| p.into_inner());
        for s in sections {
            if s.deleted {
                copy.sections.remove(&s.code);
            } else {
                self.index.upsert_section(to_search_section(&s))?;
                copy.sections.insert(s.code.clone(), s);
            }
        }
        for a in articles {
            let Ok(id) = ArticleId::parse(a.id.as_str()) else {
                tracing::warn!(article = %a.id, "stored article id is not valid; skipped");
                continue;
            };
            if a.deleted {
                self.index.remove(&id)?;
                copy.articles.remove(&a.id);
                continue;
            }
            match to_search(&a).and_then(|doc| Ok(self.index.upsert(&doc)?)) {
                Ok(()) => {
                    copy.articles.insert(a.id.clone(), a);
                }
                Err(e) => {
                    tracing::warn!(article = %a.id, error = %e, "stored article not indexed");
                }
            }
        }
        self.index.commit()?;
        Ok(())
    }

    /// Keeps this node in step with edits made on others.
    pub async fn run_refresh(self: Arc<Self>, every: std::time::Duration) {
        let mut tick = tokio::time::interval(every.max(std::time::Duration::from_millis(50)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = self.sync().await {
                tracing::warn!(error = %e, "knowledge base refresh failed");
            }
        }
    }

    pub fn search(&self, q: &SearchQuery) -> switchboard_search::Result<Vec<Hit>> {
        self.index.search(q)
    }

    /// Sections in help-centre order.
    pub fn sections(&self) -> Vec<KbSection> {
        let copy = self.copy.read().unwrap_or_else(|p| p.into_inner());
        let mut all: Vec<KbSection> = copy.sections.values().cloned().collect();
        all.sort_by(|a, b| a.position.cmp(&b.position).then(a.code.cmp(&b.code)));
        all
    }

    pub fn section(&self, code: &str) -> Option<KbSection> {
        let copy = self.copy.read().unwrap_or_else(|p| p.into_inner());
        copy.sections.get(code).cloned()
    }

    /// Articles, drafts included unless `published_only`, by id.
    pub fn articles(&self, section: Option<&str>, published_only: bool) -> Vec<KbArticle> {
        let copy = self.copy.read().unwrap_or_else(|p| p.into_inner());
        copy.articles
            .values()
            .filter(|a| section.is_none_or(|s| a.section == s))
            .filter(|a| a.published || !published_only)
            .cloned()
            .collect()
    }

    pub fn article(&self, id: &str) -> Option<KbArticle> {
        let copy = self.copy.read().unwrap_or_else(|p| p.into_inner());
        copy.articles.get(id).cloned()
    }

    /// Whether `id` names a published article (the bot's suggestions and
    /// customers' feedback may only concern those).
    pub fn is_published(&self, id: &str) -> bool {
        self.article(id).is_some_and(|a| a.published)
    }
}

/// The chat bot's answers: knowledge-base search within the chosen topic,
/// published articles only; the topic's configured ready answers when the
/// search finds nothing.
pub struct KbAnswers {
    pub kb: Arc<Knowledge>,
}

/// The first paragraph of an article: what the bot shows in the chat.
fn first_paragraph(text: &str) -> &str {
    text.trim().split("\n\n").next().unwrap_or("").trim()
}

impl BotAnswers for KbAnswers {
    fn suggest(
        &self,
        line: &str,
        topic: &Topic,
        question: &str,
        locale: Locale,
        limit: usize,
    ) -> Vec<Suggestion> {
        let query = SearchQuery::new(question, locale)
            .with_topic(TopicRef::new(line, topic.code.as_str()))
            .with_limit(limit);
        let hits = match self.kb.search(&query) {
            Ok(hits) => hits,
            Err(e) => {
                tracing::warn!(error = %e, "knowledge-base search failed; ready answers instead");
                Vec::new()
            }
        };
        let found: Vec<Suggestion> = hits
            .iter()
            .filter_map(|h| {
                let a = self.kb.article(h.article_id.as_str())?;
                Some(Suggestion {
                    id: a.id.clone(),
                    title: h.title.clone(),
                    body: first_paragraph(a.body.get(locale)).to_owned(),
                })
            })
            .collect();
        if found.is_empty() {
            TopicAnswers.suggest(line, topic, question, locale, limit)
        } else {
            found
        }
    }
}

/// Whether the catalog has this `line/topic`.
pub fn known_topic(catalog: &Catalog, raw: &str) -> bool {
    raw.split_once('/')
        .is_some_and(|(line, topic)| catalog.topic(line, topic).is_some())
}
