//! Switchboard's use cases, without HTTP: the layer between the transports
//! (the server's HTTP API and chat socket, and the channel adapters) and the
//! store.
//!
//! - [`ingest`](Core::ingest): every way in — the form, the chat socket and
//!   its HTTP fallback, and the channel adapters — hands over one
//!   [`Inbound`]; it is judged, joined to the conversation it continues or
//!   the open request it repeats, or opened as a ticket with its priority and
//!   SLA clock, and stored through the [`writer`].
//! - [`act`]: every other change to a ticket, decided by the domain state
//!   machine and saved under the ticket's version, recomputed on a lost race.
//! - [`conversation`] and [`bot`]: what staff and the bot write, and the
//!   bot's flow (ready answers, "helped", "call an operator", the SMS code).
//! - [`routing`] (live conversations to operators by skill and capacity),
//!   [`deadlines`] (SLA escalations), [`outbox`] (delivery through the
//!   adapter registered for each medium), [`merges`], [`kb`] (the knowledge
//!   base and its refresh), [`feed`] (the store's live feed to the router and
//!   to the transports' listeners).
//! - [`phone`]: the CTI that decides what to do with each call, the calls'
//!   events, callbacks and the screen pop (issue 11).
//!
//! Errors are [`CoreError`]; only the transports turn them into status codes
//! or frames. Nothing here knows HTTP, JSON views or WebSocket frames.

pub mod access;
pub mod act;
pub mod bot;
pub mod clock;
pub mod config;
pub mod configuration;
pub mod conversation;
pub mod csat;
pub mod deadlines;
pub mod error;
pub mod feed;
pub mod files;
pub mod ingest;
pub mod judgement;
pub mod kb;
pub mod merges;
pub mod messenger;
pub mod metrics;
pub mod outbox;
pub mod phone;
pub mod reports;
pub mod routing;
pub mod rules;
pub mod sink;
pub mod webhooks;
pub mod writer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use switchboard_domain::attachment::AttachmentPolicy;
use switchboard_domain::bot::{BotAnswers, StepUpPolicy};
use switchboard_domain::catalog::Catalog;
use switchboard_domain::ids::OperatorId;
use switchboard_store::{PresenceStatus, Store};

pub use clock::{Clock, ManualClock, SystemClock};
pub use conversation::{Ack, Pending};
pub use error::{CoreError, CoreResult, Refusal, RefusalKind};
pub use ingest::{IngestOutcome, Ingested, Ingesting};
pub use switchboard_domain::conversation::Inbound;

use crate::config::ConversationConfig;
use crate::configuration::LiveConfig;
use crate::feed::Feed;
use crate::files::FileStore;
use crate::kb::Knowledge;
use crate::metrics::Metrics;
use crate::routing::NodeRouter;
use crate::rules::Rules;
use crate::writer::Writer;

/// What the use cases are built from.
pub struct CoreParts {
    pub store: Arc<dyn Store>,
    pub catalog: Arc<Catalog>,
    pub rules: Rules,
    pub clock: Arc<dyn Clock>,
    pub files: FileStore,
    pub attachments: AttachmentPolicy,
    pub metrics: Arc<Metrics>,
    pub knowledge: Arc<Knowledge>,
    pub config: ConversationConfig,
    /// Keys the step-up code hashes.
    pub secret: Vec<u8>,
}

/// The use cases of one node. Shared (`Arc<Core>`) by every transport.
pub struct Core {
    pub store: Arc<dyn Store>,
    /// The catalog, calendars, SLA policies and priority rules this node
    /// decides with now (see [`configuration`]).
    pub live: LiveConfig,
    pub clock: Arc<dyn Clock>,
    pub files: FileStore,
    pub attachments: AttachmentPolicy,
    pub metrics: Arc<Metrics>,
    /// The knowledge base: this node's copy and search index.
    pub kb: Arc<Knowledge>,
    pub writer: Writer,
    pub feed: Arc<Feed>,
    /// This node's router (see [`routing`]).
    pub router: Arc<NodeRouter>,
    /// Where the bot's ready answers come from.
    pub bot: Arc<dyn BotAnswers>,
    pub config: ConversationConfig,
    step_up_key: Vec<u8>,
    step_up: StepUpPolicy,
    /// Status of operators whose console is on this node, for lease renewal.
    presence: Mutex<HashMap<OperatorId, (PresenceStatus, Timestamp)>>,
}

impl Core {
    /// Subscribes to the store's feed and starts this node's writer, feed
    /// dispatcher and router.
    pub async fn start(parts: CoreParts) -> anyhow::Result<Arc<Core>> {
        let store_feed = parts.store.subscribe_feed().await?;
        let (router, inbox) = NodeRouter::new();
        let feed = Feed::new(inbox);
        tokio::spawn(feed.clone().run(store_feed));
        // The catalog is the one inside the rules (they were loaded with it).
        let _ = parts.catalog;
        let live = LiveConfig::from(parts.rules);
        let writer = Writer::start(writer::WriterParts {
            store: parts.store.clone(),
            clock: parts.clock.clone(),
            metrics: parts.metrics.clone(),
            rules: live.clone(),
            max_batch: parts.config.writer_max_batch,
            linger: std::time::Duration::from_micros(parts.config.writer_linger_us),
        });
        let core = Arc::new(Core {
            store: parts.store,
            live,
            clock: parts.clock,
            files: parts.files,
            attachments: parts.attachments,
            metrics: parts.metrics,
            bot: Arc::new(kb::KbAnswers {
                kb: parts.knowledge.clone(),
            }),
            kb: parts.knowledge,
            writer,
            feed,
            router,
            config: parts.config,
            step_up_key: parts.secret,
            step_up: StepUpPolicy::default(),
            presence: Mutex::new(HashMap::new()),
        });
        tokio::spawn(core.clone().run_router());

        Ok(core)
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The catalog live now.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.live.catalog()
    }

    /// The calendars, SLA policies and priority rules live now.
    pub fn rules(&self) -> Rules {
        self.live.rules()
    }
}
