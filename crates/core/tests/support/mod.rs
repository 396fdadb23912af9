//! A node's use cases on a fresh database (SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`), with the demo profile's catalog, rules, customers
//! and knowledge base, a manual clock at a working-day noon, and no HTTP.

// Each test binary uses part of it.
#![allow(dead_code)]

pub mod corpus;

use std::sync::Arc;

use jiff::Timestamp;
use switchboard_core::clock::ManualClock;
use switchboard_core::config::ConversationConfig;
use switchboard_core::files::FileStore;
use switchboard_core::kb::{Knowledge, load_profile_kb};
use switchboard_core::metrics::Metrics;
use switchboard_core::rules::Rules;
use switchboard_core::{Core, CoreParts, Ingested, Ingesting};
use switchboard_domain::attachment::AttachmentPolicy;
use switchboard_domain::catalog::Catalog;
use switchboard_domain::conversation::Inbound;
use switchboard_domain::profile::Profile;
use switchboard_store::{FeedEvent, Notice, Store};
use tokio::sync::mpsc;

pub struct Node {
    pub core: Arc<Core>,
    pub store: Arc<dyn Store>,
    pub clock: Arc<ManualClock>,
    feed: mpsc::Receiver<FeedEvent>,
    _files: TempDir,
}

/// Tuesday 24 November 2026, 12:00 Moscow time: every demo line is open.
pub fn noon() -> Timestamp {
    "2026-11-24T09:00:00Z".parse().expect("time")
}

pub async fn node() -> Node {
    let store = switchboard_store::testing::fresh_store().await;
    let clock = Arc::new(ManualClock::new(noon()));
    let catalog = Arc::new(
        Catalog::from_toml(include_str!("../../../../profiles/demo/catalog.toml"))
            .expect("catalog"),
    );
    let rules = Rules::load(&Default::default(), catalog.clone()).expect("demo rules");
    let profile = Profile::from_toml(include_str!("../../../../profiles/demo/profile.toml"))
        .expect("profile");
    for c in &profile.customers {
        store.upsert_customer(&c.customer).await.expect("customer");
        for o in Profile::orders_of(c, noon()) {
            store.upsert_order(&o).await.expect("order");
        }
    }
    let kb = Knowledge::start(
        store.clone(),
        Default::default(),
        &load_profile_kb(None).expect("demo kb"),
        true,
        noon(),
    )
    .await
    .expect("knowledge base");
    let files = TempDir::new();
    let feed = store.subscribe_feed().await.expect("feed");
    let core = Core::start(CoreParts {
        store: store.clone(),
        catalog,
        rules,
        clock: clock.clone(),
        files: FileStore::new(files.0.clone()),
        attachments: AttachmentPolicy::default(),
        metrics: Arc::new(Metrics::new()),
        knowledge: kb,
        config: ConversationConfig::default(),
        secret: b"core-tests-secret-0123456789".to_vec(),
    })
    .await
    .expect("core");
    Node {
        core,
        store,
        clock,
        feed,
        _files: files,
    }
}

impl Node {
    /// Ingests and waits until the message is stored.
    pub async fn ingest(&self, inbound: Inbound) -> Result<Ingested, switchboard_core::CoreError> {
        let ingesting: Ingesting = self.core.ingest(inbound).await?;
        ingesting.finish(&self.core).await
    }

    /// Waits for the feed to carry a message of `ticket` that `pick` likes.
    pub async fn message_where(
        &mut self,
        ticket: switchboard_domain::ids::TicketId,
        pick: impl Fn(&switchboard_store::StoredMessage) -> bool,
    ) -> switchboard_store::StoredMessage {
        loop {
            let event = tokio::time::timeout(std::time::Duration::from_secs(20), self.feed.recv())
                .await
                .expect("a notice in time")
                .expect("the feed is open");
            if let FeedEvent::Notices(notices) = event {
                for n in notices {
                    if let Notice::Message {
                        ticket: t,
                        message: Some(m),
                        ..
                    } = n
                        && t == ticket
                        && pick(&m)
                    {
                        return m;
                    }
                }
            }
        }
    }
}

/// A folder removed when the node is dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("sb-core-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
