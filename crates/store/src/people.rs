//! The people support serves: customers and their orders (fed by the order
//! system), and contacts — someone known only by an address on a channel —
//! with the channel identities that say who an address belongs to.
//!
//! An address resolves to a customer when it is theirs (in their profile, or
//! linked), else to a contact created the first time it writes. Linking a
//! contact to an account hands the contact's tickets to the customer, with a
//! `requester_linked` event on each and an append-only record of the link.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use switchboard_domain::conversation::Address;
use switchboard_domain::customer::{Customer, Order};
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::{ContactId, CustomerId};
use switchboard_domain::ticket::{Actor, Channel, Requester, Ticket};

use crate::Result;

/// Someone who wrote through a channel without an account we know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub name: String,
    pub locale: Locale,
    /// The account they were linked to, once linked.
    pub customer: Option<CustomerId>,
    pub created_at: Timestamp,
    pub linked_at: Option<Timestamp>,
}

/// An address on a channel and whom it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub channel: Channel,
    pub address: String,
    pub owner: Requester,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait PeopleStore: Send + Sync {
    async fn upsert_customer(&self, customer: &Customer) -> Result<()>;
    async fn customer(&self, id: &CustomerId) -> Result<Customer>;
    async fn upsert_order(&self, order: &Order) -> Result<()>;
    /// Newest first.
    async fn customer_orders(&self, id: &CustomerId) -> Result<Vec<Order>>;
    /// Who writes from `address`: the customer or contact it belongs to; a
    /// customer whose profile has it (e-mail, phone), recorded as theirs;
    /// else a new contact named as the channel names them. Idempotent: two
    /// calls for one new address at once make one contact.
    async fn resolve_address(
        &self,
        address: &Address,
        locale: Locale,
        at: Timestamp,
    ) -> Result<Requester>;
    async fn contact(&self, id: ContactId) -> Result<Contact>;
    /// Links a contact to an account: their addresses and open and past
    /// tickets become the customer's, in one transaction with the audit
    /// entries. `Conflict` when the contact is linked to another account.
    /// Returns the tickets handed over.
    async fn link_contact(
        &self,
        contact: ContactId,
        customer: &CustomerId,
        actor: &Actor,
        at: Timestamp,
    ) -> Result<Vec<Ticket>>;
    /// The addresses known for a requester.
    async fn identities(&self, requester: &Requester) -> Result<Vec<Identity>>;
}
