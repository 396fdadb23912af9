//! Lockout and backoff after failed sign-ins. Failures are counted per
//! login (whether or not it names an account, so a lock says nothing about
//! which logins exist) and per client address, in the store, so every node
//! sees them. Reaching the threshold locks the key for `base_secs`; each
//! further failure while counted doubles the lock, up to `max_secs`. A good
//! sign-in clears the login's count (not the address's: an attacker's own
//! account must not wipe their address's record).

use std::net::IpAddr;

use jiff::{SignedDuration, Timestamp};
use switchboard_store::Store;

use crate::config::LockoutConfig;
use crate::error::ApiError;

/// What got locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locked {
    Account,
    Address,
}

impl Locked {
    pub fn as_str(self) -> &'static str {
        match self {
            Locked::Account => "account",
            Locked::Address => "address",
        }
    }
}

pub fn account_key(login: &str) -> String {
    let login: String = login.trim().to_lowercase().chars().take(64).collect();
    format!("account:{login}")
}

pub fn address_key(address: IpAddr) -> String {
    format!("address:{address}")
}

fn keys(login: &str, address: Option<IpAddr>) -> Vec<String> {
    let mut keys = vec![account_key(login)];
    keys.extend(address.map(address_key));
    keys
}

/// How long to lock after `failures` failures against a threshold.
pub fn backoff(config: &LockoutConfig, failures: u32, threshold: u32) -> Option<SignedDuration> {
    if threshold == 0 || failures < threshold {
        return None;
    }
    let doublings = (failures - threshold).min(30);
    let secs = config
        .base_secs
        .max(1)
        .saturating_mul(1_i64 << doublings)
        .min(config.max_secs.max(1));
    Some(SignedDuration::from_secs(secs))
}

/// Until when sign-ins with this login or from this address are refused.
pub async fn locked_until(
    store: &dyn Store,
    login: &str,
    address: Option<IpAddr>,
    now: Timestamp,
) -> Result<Option<Timestamp>, ApiError> {
    Ok(store
        .sign_in_locked_until(&keys(login, address), now)
        .await?)
}

/// Counts a failure; returns what it locked, if anything, and until when.
pub async fn failed(
    store: &dyn Store,
    config: &LockoutConfig,
    login: &str,
    address: Option<IpAddr>,
    now: Timestamp,
) -> Result<Vec<(Locked, Timestamp)>, ApiError> {
    let window_start = now - SignedDuration::from_secs(config.window_secs.max(1));
    let mut locked = Vec::new();
    let mut counted = vec![(Locked::Account, account_key(login), config.account_failures)];
    if let Some(a) = address {
        counted.push((Locked::Address, address_key(a), config.address_failures));
    }
    for (what, key, threshold) in counted {
        let failures = store.note_sign_in_failure(&key, now, window_start).await?;
        if let Some(lock) = backoff(config, failures, threshold) {
            let until = now + lock;
            store.lock_sign_in(&key, until).await?;
            locked.push((what, until));
        }
    }
    Ok(locked)
}

/// A good sign-in: the login's failures are forgotten.
pub async fn succeeded(store: &dyn Store, login: &str) -> Result<(), ApiError> {
    Ok(store.clear_sign_in_failures(&account_key(login)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_starts_at_the_threshold_and_doubles_up_to_the_cap() {
        let c = LockoutConfig {
            window_secs: 900,
            account_failures: 5,
            address_failures: 20,
            base_secs: 60,
            max_secs: 600,
        };
        let secs = |n| backoff(&c, n, 5).map(|d| d.as_secs());
        assert_eq!(secs(4), None);
        assert_eq!(secs(5), Some(60));
        assert_eq!(secs(6), Some(120));
        assert_eq!(secs(7), Some(240));
        assert_eq!(secs(8), Some(480));
        assert_eq!(secs(9), Some(600));
        assert_eq!(secs(u32::MAX), Some(600));
        assert_eq!(backoff(&c, 100, 0), None, "a zero threshold turns it off");
    }
}
