//! Chat integration tests: the real app on port 0 with a fresh database, a
//! WebSocket client, and waits for frames (never sleeps).

#[path = "../common/authenticator.rs"]
mod authenticator;
mod authz;
mod bad_input;
mod config_nodes;
mod console_grace;
mod defects;
mod delivery;
mod flow;
mod knowledge;
mod phone;
mod phone_bad_input;
mod phone_reports;
mod phone_sip;
mod routing;
mod support;
mod two_nodes;
