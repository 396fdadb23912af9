//! The use cases as the inbound adapters' sink: what an adapter hands over
//! is ingested like anything else, and the adapter learns whether to offer
//! it again (storage unavailable) or never (a rule refused it).

use std::sync::Arc;

use async_trait::async_trait;
use switchboard_channels::{Cursors, InboundSink, Receipt, SinkError};
use switchboard_domain::conversation::Inbound;
use switchboard_domain::ids::TicketNumber;
use switchboard_domain::ticket::Channel;

use crate::{Core, CoreError};

/// [`Core::ingest`] behind the channels' [`InboundSink`].
#[derive(Clone)]
pub struct CoreSink(pub Arc<Core>);

#[async_trait]
impl InboundSink for CoreSink {
    async fn ingest(&self, inbound: Inbound) -> Result<Receipt, SinkError> {
        let done = match self.0.ingest(inbound).await {
            Ok(ingesting) => ingesting.finish(&self.0).await,
            Err(e) => Err(e),
        };
        match done {
            Ok(i) => Ok(Receipt {
                ticket: TicketNumber::from_id(i.ticket),
                seq: i.seq,
                duplicate: i.duplicate,
            }),
            Err(CoreError::Internal(e)) => Err(SinkError::Unavailable(format!("{e:#}"))),
            Err(CoreError::Conflict(e)) => Err(SinkError::Unavailable(e)),
            Err(CoreError::Refused(r)) => Err(SinkError::Refused {
                code: r.code,
                reason: r.message.en,
            }),
            Err(CoreError::Invalid(fields)) => Err(SinkError::Refused {
                code: "invalid",
                reason: fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message.en))
                    .collect::<Vec<_>>()
                    .join("; "),
            }),
            Err(CoreError::NotFound) => Err(SinkError::Refused {
                code: "not_found",
                reason: "no such conversation".into(),
            }),
            Err(CoreError::Transition(t)) => Err(SinkError::Refused {
                code: t.code(),
                reason: t.to_string(),
            }),
        }
    }

    async fn bounced(
        &self,
        ids: &[String],
        reason: &str,
    ) -> Result<Option<TicketNumber>, SinkError> {
        // Only e-mail has delivery reports.
        let channel = Channel::Email;
        match self.0.delivery_failed(channel, ids, reason).await {
            Ok(found) => Ok(found),
            Err(CoreError::Internal(e)) => Err(SinkError::Unavailable(format!("{e:#}"))),
            Err(CoreError::Conflict(e)) => Err(SinkError::Unavailable(e)),
            Err(e) => Err(SinkError::Refused {
                code: "bounce",
                reason: e.to_string(),
            }),
        }
    }
}

/// The e-mail channel's reading positions, kept in the store's channel state.
#[async_trait]
impl Cursors for CoreSink {
    async fn cursor(&self, mailbox: &str, key: &str) -> Result<Option<String>, SinkError> {
        self.0
            .store
            .channel_state(Channel::Email, mailbox, key)
            .await
            .map_err(|e| SinkError::Unavailable(e.to_string()))
    }

    async fn save_cursor(&self, mailbox: &str, key: &str, value: &str) -> Result<(), SinkError> {
        self.0
            .store
            .set_channel_state(
                Channel::Email,
                mailbox,
                key,
                Some(value),
                self.0.clock.now(),
            )
            .await
            .map_err(|e| SinkError::Unavailable(e.to_string()))
    }
}
