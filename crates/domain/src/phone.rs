//! The phone channel's rules (SPEC §3.5), with no IO: which numbers the
//! support centre answers and how ([`numbers`]), what to do with a call that
//! comes in ([`decide`]: reject, announce, or connect to operators), the
//! life of a call from the PBX's events ([`call`]), and the callback tasks a
//! missed, abandoned or off-hours call leaves behind ([`callback`]).
//!
//! The PBX asks; these rules answer from the same calendars, customers and
//! skills as every other channel. Time is always a parameter.

pub mod call;
pub mod callback;
pub mod decide;
pub mod numbers;

pub use call::{Call, CallEvent, CallEventError, CallState, EventEffect, Outcome};
pub use callback::{Callback, CallbackError, CallbackOutcome, CallbackStatus};
pub use decide::{Announce, Caller, Candidate, Decision, DecisionFacts, Target, decide};
pub use numbers::{Eligibility, NumberConfig, PhoneBook, PhoneBookError};

#[cfg(test)]
mod tests;
