//! What to do with a call that comes in: one decision from the number's
//! rules, the caller, the calendar and who is free. Checked in this order:
//! a blocked caller is rejected; a number for eligible clients only
//! announces what to do instead to anyone else; a closed line announces when
//! it opens (and offers a callback when the caller can be called back);
//! with nobody free the caller hears so and gets a callback; otherwise the
//! call rings the free operators with the skill, least loaded first.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::customer::{BookingKind, Customer, TravelPackage};
use crate::i18n::Locale;
use crate::ids::{OperatorId, PhoneNumber};
use crate::phone::numbers::{Eligibility, NumberConfig};

/// At most this many operators are offered one call.
pub const MAX_TARGETS: usize = 5;

/// Who is calling, as far as the caller id tells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Caller {
    Number(PhoneNumber),
    /// Caller id withheld (anonymous, private, restricted, absent).
    Withheld,
    /// Something that is not a phone number (a SIP user name, garbage).
    NotANumber(String),
}

impl Caller {
    /// Reads a caller id as a PBX sends it: E.164 (`+79161234567`), a SIP
    /// URI whose user part is one, a Russian national `8…` number, or a
    /// withheld marker. Never fails: what is not a number says so.
    pub fn parse(raw: Option<&str>) -> Caller {
        let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
            return Caller::Withheld;
        };
        let lower = raw.to_ascii_lowercase();
        let user = lower
            .strip_prefix("sip:")
            .or_else(|| lower.strip_prefix("tel:"))
            .unwrap_or(&lower);
        let user = user.split(['@', ';']).next().unwrap_or("");
        if matches!(
            user,
            "anonymous" | "private" | "restricted" | "unknown" | "unavailable" | "withheld"
        ) {
            return Caller::Withheld;
        }
        let national = user
            .strip_prefix('8')
            .filter(|rest| rest.len() == 10 && rest.bytes().all(|b| b.is_ascii_digit()))
            .map(|rest| format!("+7{rest}"));
        match PhoneNumber::parse(national.as_deref().unwrap_or(user)) {
            Ok(n) => Caller::Number(n),
            Err(_) => Caller::NotANumber(raw.chars().take(64).collect()),
        }
    }

    pub fn number(&self) -> Option<&PhoneNumber> {
        match self {
            Caller::Number(n) => Some(n),
            _ => None,
        }
    }
}

/// An operator the call could ring, as presence and load say now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub operator: OperatorId,
    pub login: String,
    pub skills: Vec<String>,
    pub capacity: u32,
    /// Live conversations (chat, messengers) they hold.
    pub chat_load: u32,
    /// Ringing for or talking on another call.
    pub on_call: bool,
}

impl Candidate {
    fn serves(&self, skill: &str) -> bool {
        self.skills
            .iter()
            .any(|s| s == skill || s.strip_prefix(skill).is_some_and(|r| r.starts_with('.')))
    }

    /// Free for a call: not on another, and below their capacity in chats.
    fn free(&self) -> bool {
        !self.on_call && self.chat_load < self.capacity
    }
}

/// An operator a connected call rings, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub operator: OperatorId,
    pub login: String,
}

/// An announcement to play, then what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announce {
    /// `off_hours`, `not_eligible` or `no_operators`.
    pub code: String,
    pub locale: Locale,
    /// The text, for PBXs that speak it (the sound file is `<code>.<locale>`).
    pub text: String,
    /// After the announcement: offer a callback (true) or hang up.
    pub offer_callback: bool,
    /// When the line opens again (off-hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<Timestamp>,
}

/// The one answer to "what do I do with this call?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Decision {
    Reject {
        reason: String,
    },
    Announce(Announce),
    Connect {
        targets: Vec<Target>,
        ring_timeout_secs: i64,
    },
}

impl Decision {
    pub fn action(&self) -> &'static str {
        match self {
            Decision::Reject { .. } => "reject",
            Decision::Announce(_) => "announce",
            Decision::Connect { .. } => "connect",
        }
    }

    pub fn targets(&self) -> &[Target] {
        match self {
            Decision::Connect { targets, .. } => targets,
            _ => &[],
        }
    }
}

/// What a decision looks at.
#[derive(Debug, Clone, Copy)]
pub struct DecisionFacts<'a> {
    pub number: &'a NumberConfig,
    pub caller: &'a Caller,
    /// The customer the caller's number belongs to, if any.
    pub customer: Option<&'a Customer>,
    pub blocked: bool,
    pub calendar: &'a Calendar,
    pub operators: &'a [Candidate],
    pub now: Timestamp,
}

/// Decides one call.
pub fn decide(f: &DecisionFacts<'_>) -> Decision {
    if f.blocked {
        return Decision::Reject {
            reason: "blocked".into(),
        };
    }
    let locale = f.customer.map_or(f.number.locale, |c| c.locale);
    let callable = f.caller.number().is_some();
    let announce = |code: &str, offer_callback: bool, opens_at: Option<Timestamp>| {
        let opens = opens_at.map(|at| {
            at.to_zoned(f.calendar.time_zone().clone())
                .strftime("%d.%m %H:%M")
                .to_string()
        });
        Decision::Announce(Announce {
            code: code.into(),
            locale,
            text: f
                .number
                .announcement(code, locale, opens.as_deref())
                .unwrap_or_default(),
            offer_callback,
            opens_at,
        })
    };
    if f.number.eligibility == Eligibility::Travel && !travel_eligible(f) {
        return announce("not_eligible", false, None);
    }
    if !f.calendar.is_working(f.now) {
        return announce("off_hours", callable, f.calendar.next_working_start(f.now));
    }
    let mut free: Vec<&Candidate> = f
        .operators
        .iter()
        .filter(|c| c.free() && c.serves(&f.number.skill))
        .collect();
    free.sort_by_key(|c| (c.chat_load, c.operator.0));
    if free.is_empty() {
        return announce("no_operators", callable, None);
    }
    Decision::Connect {
        targets: free
            .into_iter()
            .take(MAX_TARGETS)
            .map(|c| Target {
                operator: c.operator,
                login: c.login.clone(),
            })
            .collect(),
        ring_timeout_secs: f.number.ring_timeout.as_secs(),
    }
}

/// SPEC §4 travel eligibility, from the booking's own phone: an upcoming
/// booking that is a hotel, has a Priority or All-inclusive package, starts
/// within 24 hours, or belongs to a corporate client.
fn travel_eligible(f: &DecisionFacts<'_>) -> bool {
    let (Some(caller), Some(customer)) = (f.caller.number(), f.customer) else {
        return false;
    };
    customer.bookings.iter().any(|b| {
        b.phone.as_ref() == Some(caller)
            && b.starts_at > f.now
            && (customer.flags.corporate
                || b.kind == BookingKind::Hotel
                || matches!(
                    b.package,
                    Some(TravelPackage::Priority | TravelPackage::AllInclusive)
                )
                || b.starts_at.duration_since(f.now) <= SignedDuration::from_hours(24))
    })
}
