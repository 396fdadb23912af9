//! Prometheus metrics, exposed at `/metrics` in the text exposition format.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub method: String,
    /// The matched route template, never the raw path, to keep cardinality bounded.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DeliveryLabels {
    pub channel: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TicketLabels {
    pub channel: String,
}

pub struct Metrics {
    registry: Registry,
    pub http_requests: Family<HttpLabels, Counter>,
    pub tickets_created: Family<TicketLabels, Counter>,
    pub notifications: Family<DeliveryLabels, Counter>,
    pub outbox_pending: Gauge,
    pub chat_connections: Gauge,
    pub chat_messages_stored: Counter,
    pub chat_batches: Counter,
    pub chat_resyncs: Counter,
    pub chat_conversations_opened: Counter,
    pub chat_resolved_by_bot: Counter,
    pub chat_handed_over: Counter,
    pub chat_assigned: Counter,
    pub chat_panics: Counter,
    pub calls_offered: Counter,
    pub callbacks_created: Counter,
    /// Calls to a messenger's API that failed in a row (0: it answers).
    pub messenger_api_failing: Family<TicketLabels, Gauge>,
    /// Calls to a messenger's API that failed, since start.
    pub messenger_api_failures: Family<TicketLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("switchboard");
        let http_requests = Family::<HttpLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            http_requests.clone(),
        );
        let tickets_created = Family::<TicketLabels, Counter>::default();
        registry.register(
            "tickets_created",
            "Tickets opened, by channel",
            tickets_created.clone(),
        );
        let notifications = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "notifications",
            "Notification delivery attempts, by channel and outcome",
            notifications.clone(),
        );
        let outbox_pending = Gauge::default();
        registry.register(
            "outbox_pending",
            "Notifications waiting in the outbox",
            outbox_pending.clone(),
        );
        let messenger_api_failing = Family::<TicketLabels, Gauge>::default();
        registry.register(
            "messenger_api_failing",
            "Calls to a messenger's API that failed in a row, by channel (0: it answers)",
            messenger_api_failing.clone(),
        );
        let messenger_api_failures = Family::<TicketLabels, Gauge>::default();
        registry.register(
            "messenger_api_failures",
            "Calls to a messenger's API that failed since start, by channel",
            messenger_api_failures.clone(),
        );
        let chat_connections = Gauge::default();
        registry.register(
            "chat_connections",
            "Open chat WebSocket connections on this node",
            chat_connections.clone(),
        );
        let counter = |registry: &mut Registry, name: &str, help: &str| {
            let c = Counter::default();
            registry.register(name, help, c.clone());
            c
        };
        let chat_messages_stored = counter(
            &mut registry,
            "chat_messages_stored",
            "Chat messages committed by this node",
        );
        let chat_batches = counter(
            &mut registry,
            "chat_batches",
            "Chat write transactions (each stores a batch of messages)",
        );
        let chat_resyncs = counter(
            &mut registry,
            "chat_resyncs",
            "Times a chat connection had to re-read from the store (slow reader or feed reconnect)",
        );
        let chat_conversations_opened = counter(
            &mut registry,
            "chat_conversations_opened",
            "Chat conversations opened",
        );
        let chat_resolved_by_bot = counter(
            &mut registry,
            "chat_resolved_by_bot",
            "Chat conversations the bot resolved with a ready answer",
        );
        let chat_handed_over = counter(
            &mut registry,
            "chat_handed_over",
            "Chat conversations handed from the bot to a person",
        );
        let chat_assigned = counter(
            &mut registry,
            "chat_assigned",
            "Queued chat conversations given to an operator",
        );
        let chat_panics = counter(
            &mut registry,
            "chat_panics",
            "Chat frames whose handling panicked (the socket was closed with 1011)",
        );
        let calls_offered = counter(
            &mut registry,
            "calls_offered",
            "Phone calls decided (each call id once)",
        );
        let callbacks_created = counter(
            &mut registry,
            "callbacks_created",
            "Callback tasks left by missed, abandoned or off-hours calls",
        );
        Metrics {
            registry,
            http_requests,
            tickets_created,
            notifications,
            outbox_pending,
            chat_connections,
            chat_messages_stored,
            chat_batches,
            chat_resyncs,
            chat_conversations_opened,
            chat_resolved_by_bot,
            chat_handed_over,
            chat_assigned,
            chat_panics,
            calls_offered,
            callbacks_created,
            messenger_api_failing,
            messenger_api_failures,
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
