//! Domain values to columns and back, written once for both backends.
//!
//! Rows are read through [`Columns`], which both `SqliteRow` and `PgRow`
//! implement, so every decoder here serves both dialects. A value that does
//! not parse back into its domain type is `StoreError::Corrupt` naming the
//! table, row and column: a bad row must never take the process down.

mod kb;
mod people;
mod phone;
mod reports;
mod tickets;
mod webhooks;

use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::{ColumnIndex, Decode, Row, Type};
use switchboard_domain::ids::{ContactId, CustomerId, OperatorId};
use switchboard_domain::ticket::{Actor, ProblemChoice};

use crate::{DeliveryStatus, Result, StoreError, Visibility};

pub(crate) use kb::{kb_article, kb_event, kb_section, kb_suggestion};
pub(crate) use people::{
    contact, customer, identity, identity_owner, operator, order, outbox_item, outbox_record,
    staff_alert,
};
pub(crate) use phone::{call, callback};
pub(crate) use reports::{FACT_COLUMNS, facts, log_message, oldest};
pub(crate) use tickets::{
    attachment, client_ref, conversation, event, message, requester_columns, sla_json, step_up,
    ticket, ticket_merge,
};
pub(crate) use webhooks::{webhook, webhook_delivery};

/// Typed column access with decoding failures reported as `Corrupt`.
pub(crate) trait Columns {
    fn int(&self, col: &str) -> Result<i64>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>>;
    fn text(&self, col: &str) -> Result<String>;
    fn opt_text(&self, col: &str) -> Result<Option<String>>;
    fn flag(&self, col: &str) -> Result<bool>;
}

impl<R> Columns for R
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> bool: Decode<'r, R::Database> + Type<R::Database>,
{
    fn int(&self, col: &str) -> Result<i64> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
    fn text(&self, col: &str) -> Result<String> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
    fn flag(&self, col: &str) -> Result<bool> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
}

pub(super) fn column_error(col: &str, e: sqlx::Error) -> StoreError {
    StoreError::Corrupt(format!("column {col}: {e}"))
}

/// Where a bad value sits, for the `Corrupt` message.
pub(super) fn corrupt(place: &str, col: &str, value: impl std::fmt::Debug) -> StoreError {
    StoreError::Corrupt(format!("{place}, column {col}: unexpected value {value:?}"))
}

pub(super) fn parsed<T, E>(
    place: &str,
    col: &str,
    raw: String,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T> {
    parse(&raw).map_err(|_| corrupt(place, col, raw))
}

pub(super) fn code<T>(
    place: &str,
    col: &str,
    raw: String,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T> {
    parse(&raw).ok_or_else(|| corrupt(place, col, raw))
}

pub(crate) fn millis(at: Timestamp) -> i64 {
    at.as_millisecond()
}

pub(crate) fn opt_millis(at: Option<Timestamp>) -> Option<i64> {
    at.map(millis)
}

pub(super) fn timestamp(place: &str, col: &str, ms: i64) -> Result<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|_| corrupt(place, col, ms))
}

pub(super) fn time(r: &impl Columns, place: &str, col: &str) -> Result<Timestamp> {
    timestamp(place, col, r.int(col)?)
}

pub(super) fn opt_time(r: &impl Columns, place: &str, col: &str) -> Result<Option<Timestamp>> {
    r.opt_int(col)?
        .map(|ms| timestamp(place, col, ms))
        .transpose()
}

pub(super) fn count<T: TryFrom<i64>>(r: &impl Columns, place: &str, col: &str) -> Result<T> {
    let n = r.int(col)?;
    T::try_from(n).map_err(|_| corrupt(place, col, n))
}

pub(crate) fn to_json(value: &impl Serialize) -> Result<String> {
    // Domain types serialise infallibly (no maps with non-string keys); keep the
    // error path anyway rather than panic.
    serde_json::to_string(value)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode JSON: {e}")))
}

pub(super) fn from_json<T: DeserializeOwned>(place: &str, col: &str, raw: String) -> Result<T> {
    serde_json::from_str(&raw)
        .map_err(|e| StoreError::Corrupt(format!("{place}, column {col}: {e}")))
}

/// A size or count the database must hold as BIGINT.
pub(crate) fn to_bigint(value: impl TryInto<i64>, what: &str) -> Result<i64> {
    value
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("{what} does not fit in BIGINT")))
}

pub(crate) fn visibility_code(v: Visibility) -> &'static str {
    match v {
        Visibility::Public => "public",
        Visibility::Internal => "internal",
    }
}

pub(super) fn parse_visibility(s: &str) -> Option<Visibility> {
    match s {
        "public" => Some(Visibility::Public),
        "internal" => Some(Visibility::Internal),
        _ => None,
    }
}

pub(super) fn parse_delivery(s: &str) -> Option<DeliveryStatus> {
    match s {
        "pending" => Some(DeliveryStatus::Pending),
        "delivered" => Some(DeliveryStatus::Delivered),
        "failed" => Some(DeliveryStatus::Failed),
        _ => None,
    }
}

pub(crate) fn problem_columns(p: &ProblemChoice) -> (&'static str, &str) {
    match p {
        ProblemChoice::Listed(code) => ("listed", code),
        ProblemChoice::Other(text) => ("other", text),
    }
}

pub(super) fn actor(place: &str, kind: String, id: Option<String>) -> Result<Actor> {
    match (kind.as_str(), id) {
        ("customer", Some(id)) => Ok(Actor::Customer(parsed(
            place,
            "actor id",
            id,
            CustomerId::parse,
        )?)),
        ("contact", Some(id)) => Ok(Actor::Contact(ContactId(parsed(
            place,
            "actor id",
            id,
            str::parse,
        )?))),
        ("operator", Some(id)) => Ok(Actor::Operator(OperatorId(parsed(
            place,
            "actor id",
            id,
            str::parse,
        )?))),
        ("bot", None) => Ok(Actor::Bot),
        ("system", None) => Ok(Actor::System),
        (_, id) => Err(corrupt(place, "actor", (kind, id))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_need_an_id_exactly_when_they_have_one() {
        let p = "test";
        assert_eq!(actor(p, "bot".into(), None).ok(), Some(Actor::Bot));
        assert_eq!(
            actor(p, "operator".into(), Some("7".into())).ok(),
            Some(Actor::Operator(OperatorId(7)))
        );
        assert!(matches!(
            actor(p, "bot".into(), Some("1".into())),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            actor(p, "operator".into(), Some("x".into())),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            actor(p, "customer".into(), None),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            actor(p, "alien".into(), None),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn out_of_range_values_are_corrupt_not_panics() {
        assert!(matches!(
            timestamp("t", "at", i64::MAX),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            to_bigint(u64::MAX, "size"),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            from_json::<Vec<String>>("t", "skills", "{".into()),
            Err(StoreError::Corrupt(_))
        ));
    }
}
