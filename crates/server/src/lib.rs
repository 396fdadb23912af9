//! The Switchboard service: the only crate that knows HTTP, JSON and
//! WebSocket frames.
//!
//! `Application::build` opens the store, loads the profile (and on first
//! start the demo), starts the use cases (`switchboard-core`), binds the
//! listener and wires the workers; `http::router` is the whole API, usable
//! in-process for tests; `chat` is the socket transport; `web` the pages. Handlers parse,
//! authenticate and authorise, call a use case, and turn its answer into a
//! view or a problem.

pub mod app;
pub mod auth;
pub mod chat;
pub mod config;
pub mod demo;
pub mod error;
pub mod http;
pub mod security;
pub mod state;
pub mod telemetry;
pub mod web;

pub use switchboard_core::clock;

pub use app::Application;
pub use config::Config;
