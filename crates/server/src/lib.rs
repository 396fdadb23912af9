//! The Switchboard service: the only crate that knows HTTP and JSON.
//!
//! `Application::build` opens the store, loads the catalog and the demo
//! profile, binds the listener and wires the outbox worker; `http::router`
//! is the whole API, usable in-process for tests. Handlers parse and
//! authorise, `tickets` applies domain rules through the store, and `outbox`
//! delivers notifications through the senders of `switchboard-channels`.

pub mod app;
pub mod auth;
pub mod chat;
pub mod clock;
pub mod config;
pub mod contact;
pub mod deadlines;
pub mod demo;
pub mod error;
pub mod files;
pub mod http;
pub mod judgement;
pub mod kb;
pub mod merges;
pub mod metrics;
pub mod outbox;
pub mod rules;
pub mod state;
pub mod telemetry;
pub mod tickets;

pub use app::Application;
pub use config::Config;
