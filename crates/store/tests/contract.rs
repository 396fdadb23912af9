//! The storage contract: one suite against `Arc<dyn Store>`, each test on a
//! fresh database. It runs on SQLite by default and on PostgreSQL when
//! `TEST_DATABASE_URL` is set (see `switchboard_store::testing`).

#[path = "contract/support.rs"]
mod support;

#[path = "contract/canned.rs"]
mod canned;
#[path = "contract/config.rs"]
mod config;
#[path = "contract/contacts.rs"]
mod contacts;
#[path = "contract/conversations.rs"]
mod conversations;
#[path = "contract/csat.rs"]
mod csat;
#[path = "contract/dashboard.rs"]
mod dashboard;
#[path = "contract/deadlines.rs"]
mod deadlines;
#[path = "contract/knowledge.rs"]
mod knowledge;
#[path = "contract/links.rs"]
mod links;
#[path = "contract/messengers.rs"]
mod messengers;
#[path = "contract/outbox.rs"]
mod outbox;
#[path = "contract/people.rs"]
mod people;
#[path = "contract/phone.rs"]
mod phone;
#[path = "contract/reports.rs"]
mod reports;
#[path = "contract/seed.rs"]
mod seed;
#[path = "contract/sign_in.rs"]
mod sign_in;
#[path = "contract/ticket_list.rs"]
mod ticket_list;
#[path = "contract/tickets.rs"]
mod tickets;
