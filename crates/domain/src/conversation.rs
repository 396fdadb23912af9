//! The two contracts every channel speaks, so that a channel is an adapter
//! and nothing more.
//!
//! - [`Inbound`]: whatever comes in — a form, a chat message, a mail, a
//!   Telegram or VK update, a call — becomes one value: who (a customer the
//!   host site vouched for, or an address on a channel), which channel and
//!   which outside ids (for threading and for recognising a redelivery), the
//!   conversation if the sender names it or the topic if they chose one, the
//!   text and the files. The use-case layer's `ingest` takes it from there.
//! - [`Outbound`]: whatever goes out to a customer — a reply, an
//!   acknowledgement, a confirmation, a code — is one value: the route (medium,
//!   recipient address, our endpoint, the outside thread), the text and the
//!   files. The outbox hands it to the adapter registered for its medium.

mod inbound;
mod outbound;

pub use inbound::{
    Address, ExternalRefs, Inbound, InboundFile, ORIGINAL_TEXT_FILE, Request, Sender, Target,
};
pub use outbound::{Button, Medium, Outbound, OutboundKind, Route};
