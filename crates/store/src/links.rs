//! Linking a messenger account to a customer's account from the cabinet: the
//! one-time codes a signed-in customer sends to a bot, and unlinking. The
//! link itself is [`crate::PeopleStore::link_contact`]; only a code's hash is
//! stored, so a database dump holds no usable code.

use async_trait::async_trait;
use jiff::Timestamp;
use switchboard_domain::ids::CustomerId;
use switchboard_domain::ticket::{Actor, Channel};

use crate::Result;

#[async_trait]
pub trait LinkStore: Send + Sync {
    /// Stores a new code (its hash) for `customer`, valid until `expires_at`;
    /// the customer's unused codes stop working. `Conflict` if the hash is
    /// taken (a collision: draw another code).
    async fn issue_link_code(
        &self,
        customer: &CustomerId,
        code_hash: &str,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()>;
    /// Uses a code: the customer it was issued to when it exists, is unused
    /// and has not expired at `at`, marked used in the same statement (two
    /// uses at once: one wins). `None` otherwise.
    async fn take_link_code(&self, code_hash: &str, at: Timestamp) -> Result<Option<CustomerId>>;
    /// Unlinks the customer's linked contact that writes from `address` on
    /// `channel`: the address is the contact's own again, audited in
    /// `contact_links`; the tickets already handed over stay the
    /// customer's. `NotFound` when no such linked contact is theirs.
    async fn unlink_address(
        &self,
        customer: &CustomerId,
        channel: Channel,
        address: &str,
        actor: &Actor,
        at: Timestamp,
    ) -> Result<()>;
}
