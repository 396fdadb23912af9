//! Staff sign-in security and abuse limits: who the client is (its address),
//! lockout and backoff after failed sign-ins, password rules, the second
//! factor policy, and the audit of every sign-in and staff-account change.
//! Handlers call [`Guard`]; the store keeps the counters and the audit.

pub mod client;
pub mod limits;
pub mod lockout;
pub mod totp;

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;

use switchboard_core::clock::Clock;

use switchboard_domain::catalog::Catalog;
use switchboard_domain::password::PasswordPolicy;
use switchboard_store::{NewStaffAudit, Operator, Role, StaffAuditKind};

use crate::config::{Config, LockoutConfig, SecondFactorConfig};
use crate::error::ApiError;
use crate::security::limits::{Limits, Refused};
use crate::state::AppState;

/// The sign-in and abuse policy of this node, from configuration.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    pub lockout: LockoutConfig,
    pub passwords: PasswordPolicy,
    pub second_factor: SecondFactorConfig,
    /// Take the client's address from `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
    /// Request and chat-opening rate limits.
    pub limits: Arc<Limits>,
}

impl Guard {
    pub fn new(config: &Config, clock: Arc<dyn Clock>) -> Guard {
        Guard {
            lockout: config.staff.lockout.clone(),
            passwords: PasswordPolicy {
                min_chars: config.staff.password_min_chars,
            },
            second_factor: config.staff.second_factor.clone(),
            trust_forwarded_for: config.server.trust_forwarded_for,
            limits: Arc::new(Limits::new(&config.limits, clock)),
        }
    }

    /// Whether this member of staff must sign in with a second factor: an
    /// admin (if so configured), or anyone holding a skill of a line that
    /// requires one, in the catalog live now.
    pub fn second_factor_required(&self, operator: &Operator, catalog: &Catalog) -> bool {
        let lines = &self.second_factor.required_lines;
        let skills: HashSet<&str> = catalog
            .lines
            .iter()
            .filter(|l| lines.contains(&l.code))
            .flat_map(|l| l.topics.iter().map(|t| t.skill.as_str()))
            .collect();
        (self.second_factor.required_for_admins && operator.role == Role::Admin)
            || operator.skills.iter().any(|s| skills.contains(s.as_str()))
    }

    /// Checks a new password against the rules, as a field error on `field`.
    pub fn check_password(
        &self,
        field: &'static str,
        password: &str,
        login: &str,
    ) -> Result<(), ApiError> {
        self.passwords.check(password, login).map_err(|p| {
            let message = p.message();
            ApiError::field(field, p.code(), &message.ru, &message.en)
        })
    }
}

/// A refused request, as problem details with `Retry-After`.
pub fn too_many_requests(refused: Refused) -> ApiError {
    let secs = refused.retry_after_secs;
    ApiError::limited(
        "rate_limited",
        format!("Слишком много запросов. Повторите через {secs} с."),
        format!(
            "Too many requests ({} limit). Retry in {secs} s.",
            refused.scope
        ),
        secs,
    )
}

/// Too many new chats, as problem details with `Retry-After`.
pub fn too_many_chats(refused: Refused) -> ApiError {
    let minutes = refused.retry_after_secs.div_ceil(60);
    ApiError::limited(
        "too_many_conversations",
        format!(
            "Слишком много новых чатов. Новый можно начать через {minutes} мин., а пока продолжите уже открытый."
        ),
        format!(
            "Too many new chats. You can start another in {minutes} min; meanwhile continue an open one."
        ),
        refused.retry_after_secs,
    )
}

/// An audit entry about to be recorded.
pub struct Audit<'a> {
    pub kind: StaffAuditKind,
    /// The account concerned.
    pub subject: Option<&'a Operator>,
    /// The login as given (for a login that names no account).
    pub login: &'a str,
    /// Who made the change, when not the account holder.
    pub actor: Option<&'a Operator>,
    pub address: Option<IpAddr>,
    pub detail: &'a str,
}

impl Audit<'_> {
    /// Something that happened to `subject`'s account, done by themselves.
    pub fn own(kind: StaffAuditKind, subject: &Operator, address: Option<IpAddr>) -> Audit<'_> {
        Audit {
            kind,
            subject: Some(subject),
            login: subject.login.as_str(),
            actor: None,
            address,
            detail: "",
        }
    }

    /// Records the entry. A failure to record is an error: the change it
    /// describes must not go unrecorded.
    pub async fn record(self, state: &AppState) -> Result<(), ApiError> {
        let entry = NewStaffAudit {
            kind: self.kind,
            operator: self.subject.map(|o| o.id),
            login: self.login.chars().take(64).collect(),
            actor: self.actor.map(|o| o.id),
            address: self.address.map(|a| a.to_string()),
            detail: self.detail.to_owned(),
        };
        state
            .store
            .record_staff_audit(&entry, state.clock.now())
            .await?;
        tracing::info!(
            kind = self.kind.as_str(),
            login = %entry.login,
            detail = self.detail,
            "staff audit"
        );
        Ok(())
    }
}
