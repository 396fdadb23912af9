//! Step-up: a one-time SMS code before a person takes a bank conversation.
//! The stored state holds the code's keyed hash, never the code.

use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::ChatRefusal;
use crate::ids::TicketId;

/// Limits of the one-time code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepUpPolicy {
    pub code_ttl: SignedDuration,
    pub max_tries: u32,
    pub cool_down: SignedDuration,
    /// A new code is not sent sooner than this after the previous one.
    pub resend_after: SignedDuration,
}

impl Default for StepUpPolicy {
    fn default() -> Self {
        StepUpPolicy {
            code_ttl: SignedDuration::from_mins(5),
            max_tries: 5,
            cool_down: SignedDuration::from_mins(15),
            resend_after: SignedDuration::from_secs(30),
        }
    }
}

/// The stored state of one conversation's confirmation. It holds the code's
/// keyed hash, never the code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepUp {
    pub code_hash: Option<String>,
    pub issued_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    /// Wrong tries since the last success or cool-down.
    pub attempts: u32,
    pub locked_until: Option<Timestamp>,
    pub verified_at: Option<Timestamp>,
}

/// What a step-up action led to; recorded in the audit log (never with the code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepUpOutcome {
    CodeSent,
    Passed,
    WrongCode,
    LockedOut,
    Expired,
}

/// Why a code was not sent or not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepUpRefusal {
    /// Too many wrong tries: wait until then.
    Locked {
        until: Timestamp,
    },
    /// A code was sent moments ago.
    TooSoon {
        retry_at: Timestamp,
    },
    /// No code is waiting to be entered.
    NoCode,
    AlreadyVerified,
}

impl StepUpRefusal {
    pub fn refusal(&self) -> ChatRefusal {
        match self {
            StepUpRefusal::Locked { until } => ChatRefusal::new(
                "step_up_locked",
                format!("Слишком много неверных попыток. Повторите после {until}"),
                format!("Too many wrong tries. Try again after {until}"),
            ),
            StepUpRefusal::TooSoon { retry_at } => ChatRefusal::new(
                "step_up_too_soon",
                format!("Код уже отправлен. Новый можно запросить после {retry_at}"),
                format!("A code has just been sent. Ask for a new one after {retry_at}"),
            ),
            StepUpRefusal::NoCode => ChatRefusal::new(
                "step_up_no_code",
                "Код не запрошен или уже недействителен: нажмите «Позвать оператора», чтобы получить новый",
                "No code is pending: press \"Call an operator\" to get a new one",
            ),
            StepUpRefusal::AlreadyVerified => ChatRefusal::new(
                "step_up_already_verified",
                "Подтверждение уже пройдено",
                "Already confirmed",
            ),
        }
    }
}

/// The result of entering a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Wrong {
        tries_left: u32,
    },
    /// The last try was wrong: locked until then.
    LockedOut {
        until: Timestamp,
    },
    Expired,
}

impl Verdict {
    pub fn outcome(&self) -> StepUpOutcome {
        match self {
            Verdict::Passed => StepUpOutcome::Passed,
            Verdict::Wrong { .. } => StepUpOutcome::WrongCode,
            Verdict::LockedOut { .. } => StepUpOutcome::LockedOut,
            Verdict::Expired => StepUpOutcome::Expired,
        }
    }
}

impl StepUp {
    pub fn verified(&self) -> bool {
        self.verified_at.is_some()
    }

    fn locked(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_until.filter(|until| *until > now)
    }

    /// A new code (its keyed hash) sent at `now`. Wrong tries are not forgiven
    /// by asking for another code; only a success or the cool-down clears them.
    pub fn issue(
        &self,
        policy: &StepUpPolicy,
        code_hash: String,
        now: Timestamp,
    ) -> Result<StepUp, StepUpRefusal> {
        if self.verified() {
            return Err(StepUpRefusal::AlreadyVerified);
        }
        if let Some(until) = self.locked(now) {
            return Err(StepUpRefusal::Locked { until });
        }
        if let (Some(issued), Some(expires)) = (self.issued_at, self.expires_at) {
            let retry_at = issued + policy.resend_after;
            if retry_at > now && expires > now && self.code_hash.is_some() {
                return Err(StepUpRefusal::TooSoon { retry_at });
            }
        }
        let cooled_down = self.locked_until.is_some_and(|until| until <= now);
        Ok(StepUp {
            code_hash: Some(code_hash),
            issued_at: Some(now),
            expires_at: Some(now + policy.code_ttl),
            attempts: if cooled_down { 0 } else { self.attempts },
            locked_until: None,
            verified_at: None,
        })
    }

    /// Checks an entered code; `matches` says whether its hash equals the stored one.
    pub fn verify(
        &self,
        policy: &StepUpPolicy,
        matches: bool,
        now: Timestamp,
    ) -> Result<(StepUp, Verdict), StepUpRefusal> {
        if self.verified() {
            return Err(StepUpRefusal::AlreadyVerified);
        }
        if let Some(until) = self.locked(now) {
            return Err(StepUpRefusal::Locked { until });
        }
        let (Some(_), Some(expires)) = (&self.code_hash, self.expires_at) else {
            return Err(StepUpRefusal::NoCode);
        };
        let mut next = self.clone();
        if expires <= now {
            next.code_hash = None;
            return Ok((next, Verdict::Expired));
        }
        if matches {
            next.code_hash = None;
            next.attempts = 0;
            next.verified_at = Some(now);
            return Ok((next, Verdict::Passed));
        }
        next.attempts += 1;
        if next.attempts >= policy.max_tries {
            let until = now + policy.cool_down;
            next.code_hash = None;
            next.locked_until = Some(until);
            return Ok((next, Verdict::LockedOut { until }));
        }
        let tries_left = policy.max_tries - next.attempts;
        Ok((next, Verdict::Wrong { tries_left }))
    }
}

/// A well-formed code is exactly six ASCII digits.
pub fn code_well_formed(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Six digits from random bytes (the caller supplies the randomness).
pub fn code_from_random(random: u64) -> String {
    format!("{:06}", random % 1_000_000)
}

/// The keyed hash kept instead of the code: HMAC-SHA256 over the ticket and
/// the code, so a copy of the database does not give the codes away even
/// though there are only a million of them.
pub fn hash_code(key: &[u8], ticket: TicketId, code: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(format!("step-up:{}:{code}", ticket.0).as_bytes());
    let bytes = mac.finalize().into_bytes();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `+79161234567` → `+7••••••4567`, for telling the customer where the code went.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 6 {
        return "•".repeat(chars.len());
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "•".repeat(chars.len() - 6))
}
