//! What the messenger adapters (Telegram, VK) keep of their own: small
//! per-endpoint values (the poll offset, where a chat stands in the bot's
//! menu before its conversation exists), the outside events already handled
//! (a replayed webhook changes nothing), and messages that go out before any
//! ticket exists (the bot's menus). Messages, tickets and identities stay
//! with the conversation core.

use async_trait::async_trait;
use jiff::Timestamp;
use switchboard_domain::conversation::Outbound;
use switchboard_domain::ticket::Channel;

use crate::Result;

#[async_trait]
pub trait MessengerStore: Send + Sync {
    /// A value the adapter of `channel` keeps for `endpoint` under `key`.
    async fn channel_state(
        &self,
        channel: Channel,
        endpoint: &str,
        key: &str,
    ) -> Result<Option<String>>;
    /// Sets (or, with `None`, removes) a value.
    async fn set_channel_state(
        &self,
        channel: Channel,
        endpoint: &str,
        key: &str,
        value: Option<&str>,
        at: Timestamp,
    ) -> Result<()>;
    /// Whether an outside event was handled before.
    async fn event_seen(&self, channel: Channel, endpoint: &str, event_id: &str) -> Result<bool>;
    /// Records an outside event as handled; `false` when it was recorded before.
    async fn record_event(
        &self,
        channel: Channel,
        endpoint: &str,
        event_id: &str,
        at: Timestamp,
    ) -> Result<bool>;
    /// Queues messages that belong to no ticket (the bot's menus before a
    /// conversation exists), due at once.
    async fn queue_outbound(&self, outbound: &[Outbound], at: Timestamp) -> Result<()>;
}
