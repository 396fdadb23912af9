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
        Metrics {
            registry,
            http_requests,
            tickets_created,
            notifications,
            outbox_pending,
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
