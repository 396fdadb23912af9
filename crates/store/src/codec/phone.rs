//! Calls and callbacks: the domain value as JSON in `data`, with the row's
//! id, version and counters (which the database keeps) laid over it.

use switchboard_domain::phone::{Call, Callback};

use super::{Columns, from_json};
use crate::Result;

pub(crate) fn call(r: &impl Columns) -> Result<Call> {
    let mut c: Call = from_json("phone_calls", "data", r.text("data")?)?;
    c.version = r.int("version")?;
    Ok(c)
}

pub(crate) fn callback(r: &impl Columns) -> Result<Callback> {
    let mut c: Callback = from_json("phone_callbacks", "data", r.text("data")?)?;
    c.id = r.int("id")?;
    c.calls = r.int("calls")?;
    c.version = r.int("version")?;
    Ok(c)
}
