//! This node's share of the store's live feed: one task reads it (committed
//! messages and ticket changes from every node, typing, presence, alerts)
//! and hands each notice to the router and to every listener a transport
//! registered (the server's connection hub).
//!
//! Nobody is waited for: the router's inbox and the listeners take a notice
//! or mark themselves stale and re-read from the store, so a slow consumer
//! costs only itself. A feed `Resync` (the database listener reconnected)
//! makes everyone re-read.

use std::sync::{Arc, RwLock};

use switchboard_store::{FeedEvent, Notice};
use tokio::sync::mpsc;

use crate::routing::RouterInbox;

/// A transport that wants every committed notice (e.g. the chat hub).
pub trait FeedListener: Send + Sync {
    /// Must not wait: hand it on or note that a re-read is needed.
    fn notice(&self, notice: &Arc<Notice>);
    /// Notices may have been missed: re-read what is shown.
    fn resync(&self);
}

pub struct Feed {
    router: RouterInbox,
    listeners: RwLock<Vec<Arc<dyn FeedListener>>>,
}

impl Feed {
    pub fn new(router: RouterInbox) -> Arc<Feed> {
        Arc::new(Feed {
            router,
            listeners: RwLock::new(Vec::new()),
        })
    }

    /// Registers a listener for everything committed from now on.
    pub fn listen(&self, listener: Arc<dyn FeedListener>) {
        self.listeners
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(listener);
    }

    fn each(&self, f: impl Fn(&dyn FeedListener)) {
        for l in self
            .listeners
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            f(l.as_ref());
        }
    }

    /// Runs until the store's feed ends (the store is gone).
    pub async fn run(self: Arc<Self>, mut feed: mpsc::Receiver<FeedEvent>) {
        while let Some(event) = feed.recv().await {
            match event {
                FeedEvent::Notices(notices) => {
                    for n in notices {
                        let n = Arc::new(n);
                        self.router.observe(&n);
                        self.each(|l| l.notice(&n));
                    }
                }
                FeedEvent::Resync => {
                    self.router.mark_stale();
                    self.each(|l| l.resync());
                }
            }
        }
    }
}
