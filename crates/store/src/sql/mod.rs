//! What both backends run verbatim: the store traits' implementations,
//! expanded once per backend by [`impl_store!`], one file per trait, and the
//! helpers they call.
//!
//! Nearly every statement is the same text in both dialects: sqlx-sqlite
//! accepts `$1` placeholders (bound by number), both speak `RETURNING`,
//! `ON CONFLICT … DO UPDATE` and partial indexes, and both store timestamps
//! as BIGINT milliseconds. A macro over the concrete sqlx database type keeps
//! that code in one place; writing it generically over `sqlx::Database` would
//! need `Encode`/`Decode`/`Executor` bounds on every function and defeats
//! `Send` inference in `async_trait`.
//!
//! What differs stays in the backend modules, which provide:
//! - `fn reader(&self) -> &Pool<DB>` for reads and `fn writer(&self) -> &Pool<DB>`
//!   for every write (SQLite gives all writes one connection);
//! - `const CLAIM_DUE: &str`, the statement that leases due outbound messages
//!   (PostgreSQL adds `FOR UPDATE SKIP LOCKED` so concurrent workers never
//!   take the same row), and `LOCK_PRESENCE` and `LOCK_CONTACT`, which lock
//!   a row on PostgreSQL (SQLite's single writer already serialises);
//! - `append_batch`, the batched message append (row by row on SQLite,
//!   array statements on PostgreSQL), and the feed's announce steps;
//! - `const SEED_GIVEN_IDS: &str` and `SEED_FINISH: &str` for bulk seeding
//!   with the tickets' ids given (PostgreSQL overrides its identity column,
//!   then moves the sequence past them);
//! - their migration trees.

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::StoreError;

mod canned;
mod config;
mod conversations;
mod csat;
mod dashboard;
mod knowledge;
mod knowledge_impl;
mod links;
mod messengers;
mod outbox;
mod people;
mod phone;
mod reads;
pub(crate) mod reports;
pub(crate) mod seed;
mod signin;
mod staff;
mod tickets;
mod webhooks;
mod writes;

pub(crate) use canned::canned_store;
pub(crate) use config::config_store;
pub(crate) use conversations::conversation_store;
pub(crate) use csat::csat_store;
pub(crate) use dashboard::dashboard_store;
pub(crate) use knowledge::{kb_article_columns, kb_section_columns, kb_steps};
pub(crate) use knowledge_impl::knowledge_store;
pub(crate) use links::link_store;
pub(crate) use messengers::messenger_store;
pub(crate) use outbox::outbox_store;
pub(crate) use people::people_store;
pub(crate) use phone::phone_store;
pub(crate) use reads::read_steps;
pub(crate) use reports::report_store;
pub(crate) use seed::seed_store;
pub(crate) use signin::sign_in_store;
pub(crate) use staff::staff_store;
pub(crate) use tickets::ticket_store;
pub(crate) use webhooks::webhook_store;
pub(crate) use writes::write_steps;

/// Outside ids looked up for one message (an e-mail's References list).
pub(crate) const MAX_REFERENCES: usize = 50;

/// Expands to a private module holding every store trait's implementation
/// for `$store`, which must provide `reader()`, `writer()`, the lock and
/// claim statements, `append_batch` and the feed steps (see above). Paths in
/// `$db` and `$backend` resolve inside the generated module: pass them absolute.
macro_rules! impl_store {
    ($store:ident, $db:ty, $backend:expr) => {
        mod store_impl {
            use async_trait::async_trait;
            use jiff::{SignedDuration, Timestamp};
            use sqlx::QueryBuilder;
            use switchboard_domain::attachment::AttachmentMeta;
            use switchboard_domain::bot::StepUp;
            use switchboard_domain::conversation::{Address, Medium, Outbound};
            use switchboard_domain::customer::{Customer, Order};
            use switchboard_domain::i18n::Locale;
            use switchboard_domain::ids::{
                ContactId, ContentHash, CustomerId, EmailAddress, Login, OperatorId, TicketId,
            };
            use switchboard_domain::intake::NewTicket;
            use switchboard_domain::report::{LogEvent, TicketFacts, TicketHead};
            use switchboard_domain::ticket::{
                Actor, Channel, DeadlineRules, Requester, Status, Ticket, TicketEvent,
            };
            use tokio::sync::mpsc;

            use super::$store;
            use $crate::LinkStore;
            use $crate::codec::{self, Columns as _};
            use $crate::feed::{FeedEvent, Notice, message_notice};
            use $crate::signin::{
                NewStaffAudit, SecondFactor, SignInStore, StaffAuditEntry, StaffAuditKind,
                StaffSession,
            };
            use $crate::sql::{
                MAX_REFERENCES, conflict_if_unique, kb_article_columns, kb_section_columns,
                operator_columns, page_size, ticket_columns,
            };
            use $crate::{
                AppendItem, AppendOutcome, AssigneeFilter, Backend, CallFilter, CallStats,
                CallbackFilter, CallbackStats, Contact, Conversation, ConversationScope,
                ConversationStore, DashboardStore, ExternalRef, FIRST_RESPONSE_CAP_MINUTES,
                Feedback, HourCount, Identity, KbAction, KbArticle, KbArticleStats, KbEvent,
                KbSection, KbSnapshot, KbSuggestion, KnowledgeStore, MessengerStore, MinuteCount,
                NewMessage, NewOperator, Opened, Opening, Operator, OperatorChange, OperatorLoad,
                OperatorState, OutboxItem, OutboxRecord, OutboxStore, PeopleStore, PhoneStore,
                PresenceStatus, QueueFigure, Result, Role, ScreenPop, SlaFilter, StaffAlert,
                StaffStore, Store, StoreError, StoredEvent, StoredMessage, TicketChange,
                TicketFilter, TicketMerge, TicketStore,
            };
            use $crate::{
                Attempt, DueDelivery, NewDelivery, NewWebhook, Webhook, WebhookDelivery,
                WebhookStore,
            };
            use $crate::{
                BacklogRow, DirtyMark, FactGroup, FactInput, Grouping, Measure, ReportPeriod,
                ReportStore, VolumeBucket,
            };
            use $crate::{CannedReply, CannedStore};
            use $crate::{
                ConfigChange, ConfigSnapshot, ConfigStore, ConfigVersion, ConfigVersionInfo,
            };
            use $crate::{CsatAsk, CsatRecord, CsatState, CsatStore};

            type Db = $db;
            type Conn = <Db as sqlx::Database>::Connection;
            type Pool = sqlx::Pool<Db>;

            $crate::sql::read_steps!();
            $crate::sql::write_steps!();
            $crate::sql::kb_steps!();
            $crate::sql::ticket_store!($store);
            $crate::sql::conversation_store!($store);
            $crate::sql::outbox_store!($store);
            $crate::sql::staff_store!($store);
            $crate::sql::people_store!($store);
            $crate::sql::knowledge_store!($store);
            $crate::sql::dashboard_store!($store);
            $crate::sql::phone_store!($store);
            $crate::sql::sign_in_store!($store);
            $crate::sql::messenger_store!($store);
            $crate::sql::link_store!($store);
            $crate::sql::report_store!($store);
            $crate::sql::csat_store!($store);
            $crate::sql::webhook_store!($store);
            $crate::sql::seed_store!($store);
            $crate::sql::canned_store!($store);
            $crate::sql::config_store!($store);

            #[async_trait]
            impl Store for $store {
                fn backend(&self) -> Backend {
                    $backend
                }

                #[tracing::instrument(skip_all)]
                async fn ping(&self) -> Result<()> {
                    sqlx::query("SELECT 1").execute(self.reader()).await?;
                    Ok(())
                }
            }
        }
    };
}
pub(crate) use impl_store;

/// The ticket columns in the order every ticket query returns them.
macro_rules! ticket_columns {
    () => {
        "id, customer_id, kind, channel, line, topic, problem_kind, problem_text, \
         order_number, subject, status, priority, reply_channel, assignee_id, due_at, \
         first_response_at, resolved_at, created_at, updated_at, version, at_risk_at, \
         priority_rule, sla, contact_id, origin_endpoint, origin_address, origin_thread"
    };
}
pub(crate) use ticket_columns;

macro_rules! operator_columns {
    () => {
        "id, login, name, role, skills, capacity, active, email, calendar, language"
    };
}
pub(crate) use operator_columns;

/// A uniqueness violation is something the caller can act on; anything else is a database failure.
pub(crate) fn conflict_if_unique(e: sqlx::Error, message: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(message.to_owned())
        }
        _ => StoreError::Database(e),
    }
}

/// Ticket lists are paged: an unset limit gets a screenful, a huge one is capped.
pub(crate) fn page_size(limit: u32) -> i64 {
    match limit {
        0 => 50,
        n => i64::from(n.min(200)),
    }
}

/// One migration file embedded at build time: (version, description, SQL).
pub(crate) type EmbeddedMigration = (i64, &'static str, &'static str);

/// Builds a migrator from embedded files. `sqlx::migrate!` would need sqlx's
/// `macros` feature, which compiles a second copy of both drivers for the
/// proc macro; listing the files is cheaper, and each backend has a test that
/// the list matches its migrations directory.
pub(crate) fn migrator(files: &[EmbeddedMigration]) -> Migrator {
    Migrator::with_migrations(
        files
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

/// Checks that `files` lists exactly the `NNNN_name.sql` files of `dir`, in order.
#[cfg(test)]
pub(crate) fn assert_embeds_directory(files: &[EmbeddedMigration], dir: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut on_disk: Vec<(i64, String)> = std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", path.display()))
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".sql")?;
            let (version, description) = stem.split_once('_')?;
            Some((version.parse().ok()?, description.to_owned()))
        })
        .collect();
    on_disk.sort();
    let embedded: Vec<(i64, String)> = files.iter().map(|&(v, d, _)| (v, d.to_owned())).collect();
    assert_eq!(embedded, on_disk, "embedded migrations differ from {dir}");
}
