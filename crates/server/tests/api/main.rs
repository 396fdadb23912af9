//! API integration tests: the real app on port 0, a fresh database per test.

#[path = "../common/authenticator.rs"]
mod authenticator;
mod authz;
mod bad_input;
mod canned;
mod case_file;
mod config;
mod csat;
mod customer_flow;
mod dashboard;
mod dashboard_page;
mod deadlines;
mod defects;
mod email;
mod helpers;
mod judgement;
mod kb_pages;
mod knowledge;
mod limits;
mod merges;
mod meta;
mod outbox;
mod reports;
mod second_factor;
mod sign_in;
mod staff_flow;
mod staff_pages;
mod webhooks;
