//! What every handler can reach. Cheap to clone: everything is shared.
//! The use cases are `core`'s; the rest are handles to the same shared
//! parts, for reads and views, and the transport's own pieces.

use std::sync::Arc;

use jiff::SignedDuration;
use switchboard_channels::Secret;
use switchboard_core::Core;
use switchboard_core::clock::Clock;
use switchboard_core::kb::Knowledge;
use switchboard_core::metrics::Metrics;
use switchboard_core::rules::Rules;
use switchboard_domain::catalog::Catalog;
use switchboard_domain::identity::IdentitySigner;
use switchboard_store::Store;

use crate::chat::hub::Hub;
use crate::config::ChatConfig;
use crate::security::Guard;

#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub core: Arc<Core>,
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<Metrics>,
    /// The knowledge base: this node's copy and search index.
    pub kb: Arc<Knowledge>,
    pub identity: Arc<IdentitySigner>,
    pub session_ttl: SignedDuration,
    /// Largest request body, in bytes.
    pub body_limit: usize,
    /// This node's chat sockets.
    pub hub: Arc<Hub>,
    /// The chat transport's settings (rates, frame sizes, buffers).
    pub chat: ChatConfig,
    /// How each fetched mailbox is doing (for `/readyz` and `/metrics`).
    pub mailboxes: switchboard_channels::MailboxHealth,
    /// The PBX's bearer token for the CTI API; none: the CTI API is off.
    pub cti_token: Option<Secret>,
    /// The SIP address of an operator's phone, `{login}` replaced.
    pub operator_uri: String,
    /// The web pages offer the demo sign-in (pick a demo customer); on
    /// with the demo profile only.
    pub demo_sign_in: bool,
    /// Sign-in security and abuse limits.
    pub guard: Arc<Guard>,
    /// The Telegram bots, when configured (their webhook and health).
    pub telegram: Option<Arc<switchboard_channels::telegram::Telegram>>,
    /// The VK communities, when configured (their Callback API and health).
    pub vk: Option<Arc<switchboard_channels::vk::Vk>>,
    /// The VK communities' names (`club123`), for the cabinet's link page.
    pub vk_communities: Vec<String>,
    /// Admins' webhook endpoints and their deliveries (issue 14).
    pub webhooks: switchboard_core::webhooks::Webhooks,
}

impl AppState {
    /// The catalog live now (an admin's edit applies without a restart).
    pub fn catalog(&self) -> Arc<Catalog> {
        self.core.catalog()
    }

    /// Calendars, SLA policies and priority rules live now.
    pub fn rules(&self) -> Rules {
        self.core.rules()
    }

    pub fn new(
        core: Arc<Core>,
        identity: Arc<IdentitySigner>,
        session_ttl: SignedDuration,
        body_limit: usize,
        chat: ChatConfig,
    ) -> Self {
        let hub = Hub::new(chat.connection_queue, core.metrics.clone());
        core.feed.listen(hub.clone());
        let webhooks = switchboard_core::webhooks::Webhooks::new(
            core.store.clone(),
            core.clock.clone(),
            Default::default(),
        );
        AppState {
            webhooks,
            store: core.store.clone(),
            clock: core.clock.clone(),
            metrics: core.metrics.clone(),
            kb: core.kb.clone(),
            core,
            identity,
            mailboxes: Default::default(),
            session_ttl,
            body_limit,
            hub,
            chat,
            cti_token: None,
            operator_uri: "sip:{login}@127.0.0.1".into(),
            demo_sign_in: false,
            guard: Arc::new(Guard::default()),
            telegram: None,
            vk: None,
            vk_communities: Vec::new(),
        }
    }
}
