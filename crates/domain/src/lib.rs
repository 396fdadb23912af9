//! The Switchboard domain: the types and rules of a support centre, with no IO.
//!
//! Everything here is pure: identifiers that can only hold valid values, the
//! line → topic → problem catalog, customers and their orders, the ticket state
//! machine, how a new ticket is validated and prioritised, its reply deadline,
//! the content check for attachments, the customer identity token and the texts
//! of customer notifications. Time is always passed in (`jiff::Timestamp`), so
//! every rule is testable without a clock. The store and server crates persist
//! and expose these types; they never re-implement a rule.

pub mod attachment;
pub mod bot;
pub mod calendar;
pub mod catalog;
pub mod control;
pub mod conversation;
pub mod csat;
pub mod customer;
pub mod deadline;
pub mod i18n;
pub mod identity;
pub mod ids;
pub mod intake;
pub mod link_code;
pub mod notification;
pub mod password;
pub mod phone;
pub mod priority;
pub mod profile;
pub mod report;
pub mod routing;
pub mod ticket;
pub mod timers;
pub mod vocab;

pub use jiff::Timestamp;
