//! What every handler can reach. Cheap to clone: everything is shared.

use std::sync::Arc;

use jiff::SignedDuration;
use switchboard_domain::attachment::AttachmentPolicy;
use switchboard_domain::catalog::Catalog;
use switchboard_domain::identity::IdentitySigner;
use switchboard_domain::sla::SlaPolicy;
use switchboard_store::Store;

use crate::chat::Chat;
use crate::clock::Clock;
use crate::files::FileStore;
use crate::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub catalog: Arc<Catalog>,
    /// The legacy fixed deadlines the form's intake still computes; the
    /// ticket's real deadlines come from `rules` (its SLA clock).
    pub sla: Arc<SlaPolicy>,
    /// Calendars, SLA policies and priority rules (issue 4).
    pub rules: crate::rules::Rules,
    pub identity: Arc<IdentitySigner>,
    pub files: FileStore,
    pub clock: Arc<dyn Clock>,
    pub attachments: AttachmentPolicy,
    pub session_ttl: SignedDuration,
    /// Largest request body, in bytes.
    pub body_limit: usize,
    pub metrics: Arc<Metrics>,
    /// The chat: its writer, fan-out hub and dispatcher.
    pub chat: Arc<Chat>,
    /// The knowledge base: this node's copy and search index.
    pub kb: Arc<crate::kb::Knowledge>,
}
