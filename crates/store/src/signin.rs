//! Staff sign-in security: the append-only audit of every sign-in, failure
//! and staff-account change; failure counters behind lockout and backoff;
//! revoking sessions; passwords and activation; the TOTP second factor and
//! its one-time recovery codes (kept hashed).
//!
//! The store keeps counts and records; the policy (how many failures lock
//! for how long, who must use a second factor) is the caller's.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use switchboard_domain::ids::OperatorId;

use crate::{Operator, Result};

/// What happened, as the audit records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffAuditKind {
    SignedIn,
    SignInFailed,
    /// A sign-in refused because the account or the address is locked.
    SignInLocked,
    /// Failures reached the threshold: the account or address is locked.
    LockedOut,
    SignedOut,
    SignedOutEverywhere,
    AccountCreated,
    PasswordChanged,
    PasswordReset,
    AccountDeactivated,
    AccountActivated,
    SessionsRevoked,
    SecondFactorEnrolled,
    SecondFactorReset,
    RecoveryCodeUsed,
    /// A new version of a configuration document (an edit or a rollback).
    ConfigChanged,
    /// An admin changed an account's name, role, skills or capacity.
    AccountChanged,
}

impl StaffAuditKind {
    pub const ALL: [StaffAuditKind; 17] = [
        StaffAuditKind::SignedIn,
        StaffAuditKind::SignInFailed,
        StaffAuditKind::SignInLocked,
        StaffAuditKind::LockedOut,
        StaffAuditKind::SignedOut,
        StaffAuditKind::SignedOutEverywhere,
        StaffAuditKind::AccountCreated,
        StaffAuditKind::PasswordChanged,
        StaffAuditKind::PasswordReset,
        StaffAuditKind::AccountDeactivated,
        StaffAuditKind::AccountActivated,
        StaffAuditKind::SessionsRevoked,
        StaffAuditKind::SecondFactorEnrolled,
        StaffAuditKind::SecondFactorReset,
        StaffAuditKind::RecoveryCodeUsed,
        StaffAuditKind::ConfigChanged,
        StaffAuditKind::AccountChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffAuditKind::SignedIn => "signed_in",
            StaffAuditKind::SignInFailed => "sign_in_failed",
            StaffAuditKind::SignInLocked => "sign_in_locked",
            StaffAuditKind::LockedOut => "locked_out",
            StaffAuditKind::SignedOut => "signed_out",
            StaffAuditKind::SignedOutEverywhere => "signed_out_everywhere",
            StaffAuditKind::AccountCreated => "account_created",
            StaffAuditKind::PasswordChanged => "password_changed",
            StaffAuditKind::PasswordReset => "password_reset",
            StaffAuditKind::AccountDeactivated => "account_deactivated",
            StaffAuditKind::AccountActivated => "account_activated",
            StaffAuditKind::SessionsRevoked => "sessions_revoked",
            StaffAuditKind::SecondFactorEnrolled => "second_factor_enrolled",
            StaffAuditKind::SecondFactorReset => "second_factor_reset",
            StaffAuditKind::RecoveryCodeUsed => "recovery_code_used",
            StaffAuditKind::ConfigChanged => "config_changed",
            StaffAuditKind::AccountChanged => "account_changed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An audit entry to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaffAudit {
    pub kind: StaffAuditKind,
    /// The account concerned; none for a login that names no account.
    pub operator: Option<OperatorId>,
    /// The login as given (cut to 64 characters by the caller).
    pub login: String,
    /// Who made the change, when not the account holder (an admin).
    pub actor: Option<OperatorId>,
    /// The client's IP address.
    pub address: Option<String>,
    /// A short machine-readable reason (`wrong_password`, `account`, …).
    pub detail: String,
}

/// A recorded audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub kind: StaffAuditKind,
    pub operator: Option<OperatorId>,
    pub login: String,
    pub actor: Option<OperatorId>,
    pub address: Option<String>,
    pub detail: String,
}

/// A live session and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    pub operator: Operator,
    /// Signed in with a password only while a second factor is required:
    /// the session may enrol one and nothing else.
    pub enrolment_only: bool,
}

/// An account's second factor as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactor {
    /// The TOTP shared secret (raw bytes).
    pub secret: Vec<u8>,
    /// When enrolment was confirmed; none while pending.
    pub enabled_at: Option<Timestamp>,
    /// The last time step accepted: a code is good once.
    pub last_step: Option<i64>,
}

#[async_trait]
pub trait SignInStore: Send + Sync {
    /// Appends an audit entry (the table refuses UPDATE and DELETE).
    async fn record_staff_audit(&self, entry: &NewStaffAudit, at: Timestamp) -> Result<i64>;
    /// Audit entries, newest first, optionally for one account, older than `before`.
    async fn staff_audit(
        &self,
        operator: Option<OperatorId>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<StaffAuditEntry>>;

    /// Counts a failed sign-in against `key`; failures before `window_start`
    /// are forgotten first. Returns the count including this one.
    async fn note_sign_in_failure(
        &self,
        key: &str,
        now: Timestamp,
        window_start: Timestamp,
    ) -> Result<u32>;
    /// Refuses sign-ins for `key` until `until`.
    async fn lock_sign_in(&self, key: &str, until: Timestamp) -> Result<()>;
    /// The latest lock among `keys` that has not run out at `now`.
    async fn sign_in_locked_until(
        &self,
        keys: &[String],
        now: Timestamp,
    ) -> Result<Option<Timestamp>>;
    /// Forgets the failures and lock of `key` (after a good sign-in).
    async fn clear_sign_in_failures(&self, key: &str) -> Result<()>;

    async fn create_staff_session(
        &self,
        token_hash: &str,
        operator: OperatorId,
        expires_at: Timestamp,
        enrolment_only: bool,
    ) -> Result<()>;
    /// `NotFound` for an unknown or expired session, or an inactive operator.
    async fn staff_session(&self, token_hash: &str, now: Timestamp) -> Result<StaffSession>;
    /// Ends every session of `operator` but `keep` (a token hash); returns how many.
    async fn revoke_sessions(&self, operator: OperatorId, keep: Option<&str>) -> Result<u64>;

    /// The argon2 hash of an account's password.
    async fn password_hash(&self, operator: OperatorId) -> Result<String>;
    async fn set_password_hash(&self, operator: OperatorId, hash: &str) -> Result<()>;
    async fn set_operator_active(&self, operator: OperatorId, active: bool) -> Result<()>;

    async fn second_factor(&self, operator: OperatorId) -> Result<Option<SecondFactor>>;
    /// Starts an enrolment with a new secret (replacing a pending one);
    /// `Conflict` when a confirmed factor is in place.
    async fn begin_second_factor(&self, operator: OperatorId, secret: &[u8]) -> Result<()>;
    /// Confirms the pending factor and replaces the recovery codes.
    async fn confirm_second_factor(
        &self,
        operator: OperatorId,
        recovery_code_hashes: &[String],
        now: Timestamp,
    ) -> Result<()>;
    /// Removes the factor and its recovery codes (an admin's reset).
    async fn reset_second_factor(&self, operator: OperatorId) -> Result<()>;
    /// Records `step` as used when it is later than the last one used;
    /// false when it is not (a replayed code).
    async fn use_totp_step(&self, operator: OperatorId, step: i64) -> Result<bool>;
    /// Spends an unused recovery code; false when there is none with that hash.
    async fn use_recovery_code(
        &self,
        operator: OperatorId,
        code_hash: &str,
        now: Timestamp,
    ) -> Result<bool>;
    /// Recovery codes not yet used.
    async fn recovery_codes_left(&self, operator: OperatorId) -> Result<u32>;
}
