//! Chat integration tests: the real app on port 0 with a fresh database, a
//! WebSocket client, and waits for frames (never sleeps).

mod bad_input;
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
