//! The support centre's phone numbers, from the profile's `phone.toml`:
//! each number (E.164) with its line, the skill its calls need, its working
//! calendar, who may call it (eligibility), how long operators' phones ring,
//! how soon a callback is due, and its announcements in Russian and English.
//! Validated once against the catalog and the calendars.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::SignedDuration;
use serde::Deserialize;

use crate::calendar::{Calendars, parse_duration};
use crate::catalog::Catalog;
use crate::i18n::{Locale, Text};
use crate::ids::PhoneNumber;

/// Announcement codes every number can be asked to play.
pub const ANNOUNCEMENTS: [&str; 3] = ["off_hours", "not_eligible", "no_operators"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneBookError {
    #[error("phone numbers are not valid TOML: {0}")]
    Syntax(String),
    #[error("phone number {number}: {message}")]
    Invalid { number: String, message: String },
}

/// Who may be served on a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    /// Anyone who calls.
    Anyone,
    /// Travel (SPEC §3.5, §4): only a customer with an eligible booking —
    /// a hotel, a corporate client, a Priority or All-inclusive package, or
    /// a trip starting within 24 hours — calling from the booking's phone.
    Travel,
}

/// One number, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberConfig {
    pub number: PhoneNumber,
    pub name: Text,
    pub line: String,
    /// The skill operators need to be offered its calls.
    pub skill: String,
    /// A calendar code of `calendars.toml`.
    pub calendar: String,
    pub eligibility: Eligibility,
    /// The language of announcements when the caller's is not known.
    pub locale: Locale,
    pub ring_timeout: SignedDuration,
    /// Business time (on the number's calendar) a callback is due within.
    pub callback_within: SignedDuration,
    /// Announcement texts by code; `{opens}` is replaced by the opening time.
    pub announcements: BTreeMap<String, Text>,
}

impl NumberConfig {
    /// The announcement `code` in `locale`, with `{opens}` filled in.
    pub fn announcement(&self, code: &str, locale: Locale, opens: Option<&str>) -> Option<String> {
        let text = self.announcements.get(code)?.get(locale);
        Some(text.replace("{opens}", opens.unwrap_or("")))
    }
}

/// Every number the support centre answers, and callers it refuses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PhoneBook {
    numbers: HashMap<PhoneNumber, NumberConfig>,
    blocked: HashSet<PhoneNumber>,
    /// How long a call may stay unanswered before it closes itself.
    pub ring_limit: SignedDuration,
    /// How long an answered call may last before it closes itself.
    pub max_duration: SignedDuration,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    #[serde(default)]
    blocked: Vec<String>,
    #[serde(default = "ring_limit")]
    ring_limit: String,
    #[serde(default = "max_duration")]
    max_duration: String,
    #[serde(default)]
    announcements: BTreeMap<String, Text>,
    #[serde(default, rename = "number")]
    numbers: Vec<NumberToml>,
}

fn ring_limit() -> String {
    "10m".into()
}

fn max_duration() -> String {
    "4h".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NumberToml {
    e164: String,
    name: Text,
    line: String,
    skill: Option<String>,
    calendar: Option<String>,
    #[serde(default = "anyone")]
    eligibility: Eligibility,
    #[serde(default)]
    locale: Locale,
    #[serde(default = "ring_timeout")]
    ring_timeout: String,
    #[serde(default = "callback_within")]
    callback_within: String,
    #[serde(default)]
    announcements: BTreeMap<String, Text>,
}

fn anyone() -> Eligibility {
    Eligibility::Anyone
}

fn ring_timeout() -> String {
    "20s".into()
}

fn callback_within() -> String {
    "2h".into()
}

fn duration(number: &str, what: &str, s: &str) -> Result<SignedDuration, PhoneBookError> {
    match parse_duration(s) {
        Ok(d) if d > SignedDuration::ZERO => Ok(d),
        Ok(_) => Err(invalid(number, format!("{what} must be positive"))),
        Err(e) => Err(invalid(number, format!("{what}: {e}"))),
    }
}

fn invalid(number: &str, message: impl Into<String>) -> PhoneBookError {
    PhoneBookError::Invalid {
        number: number.to_owned(),
        message: message.into(),
    }
}

impl PhoneBook {
    pub fn from_toml(
        source: &str,
        catalog: &Catalog,
        calendars: &Calendars,
    ) -> Result<Self, PhoneBookError> {
        let file: FileToml =
            toml::from_str(source).map_err(|e| PhoneBookError::Syntax(e.to_string()))?;
        let mut book = PhoneBook {
            ring_limit: duration("*", "ring_limit", &file.ring_limit)?,
            max_duration: duration("*", "max_duration", &file.max_duration)?,
            ..PhoneBook::default()
        };
        for raw in &file.blocked {
            let n = PhoneNumber::parse(raw).map_err(|e| invalid(raw, e.0))?;
            book.blocked.insert(n);
        }
        for n in file.numbers {
            let number = PhoneNumber::parse(&n.e164).map_err(|e| invalid(&n.e164, e.0))?;
            let Some(line) = catalog.line(&n.line) else {
                return Err(invalid(&n.e164, format!("unknown line {:?}", n.line)));
            };
            let calendar = match n.calendar {
                Some(code) if calendars.get(&code).is_some() => code,
                Some(code) => return Err(invalid(&n.e164, format!("unknown calendar {code:?}"))),
                None => calendars.for_line(&n.line).code().to_owned(),
            };
            let mut announcements = file.announcements.clone();
            announcements.extend(n.announcements);
            for code in ANNOUNCEMENTS {
                if !announcements.contains_key(code) {
                    return Err(invalid(&n.e164, format!("no {code:?} announcement")));
                }
            }
            if let Some(code) = announcements
                .keys()
                .find(|c| !ANNOUNCEMENTS.contains(&c.as_str()))
            {
                return Err(invalid(&n.e164, format!("unknown announcement {code:?}")));
            }
            let config = NumberConfig {
                name: n.name,
                skill: n.skill.unwrap_or_else(|| line.code.clone()),
                line: line.code.clone(),
                calendar,
                eligibility: n.eligibility,
                locale: n.locale,
                ring_timeout: duration(&n.e164, "ring_timeout", &n.ring_timeout)?,
                callback_within: duration(&n.e164, "callback_within", &n.callback_within)?,
                announcements,
                number: number.clone(),
            };
            if book.numbers.insert(number, config).is_some() {
                return Err(invalid(&n.e164, "listed twice"));
            }
        }
        Ok(book)
    }

    pub fn number(&self, called: &PhoneNumber) -> Option<&NumberConfig> {
        self.numbers.get(called)
    }

    pub fn is_blocked(&self, caller: &PhoneNumber) -> bool {
        self.blocked.contains(caller)
    }

    /// Every number, ordered by E.164.
    pub fn numbers(&self) -> Vec<&NumberConfig> {
        let mut v: Vec<_> = self.numbers.values().collect();
        v.sort_by(|a, b| a.number.as_str().cmp(b.number.as_str()));
        v
    }
}
