//! The demo profile (SPEC §2, §7): catalog, customers with orders, staff.
//! Loaded into an empty database on first start; never over existing data.

use std::path::Path;

use anyhow::Context;
use switchboard_domain::catalog::Catalog;
use switchboard_domain::ids::{EmailAddress, Login};
use switchboard_domain::profile::Profile;
use switchboard_store::{NewOperator, Role, Store, StoreError};

use crate::auth;

pub use switchboard_core::rules::DEMO_CATALOG;
pub const DEMO_PROFILE: &str = include_str!("../../../profiles/demo/profile.toml");

pub fn load_catalog(path: Option<&Path>) -> anyhow::Result<Catalog> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("reading catalog {}", p.display()))?;
            Catalog::from_toml(&text).with_context(|| format!("catalog {}", p.display()))
        }
        None => Catalog::from_toml(DEMO_CATALOG).context("built-in demo catalog"),
    }
}

pub fn demo_profile() -> anyhow::Result<Profile> {
    Profile::from_toml(DEMO_PROFILE).map_err(|e| anyhow::anyhow!("built-in demo profile: {e}"))
}

/// Loads the demo customers, orders and staff when the database has no staff
/// yet. Returns whether it did.
pub async fn seed_if_empty(
    store: &dyn Store,
    catalog: &Catalog,
    rules: &switchboard_core::rules::Rules,
    now: jiff::Timestamp,
) -> anyhow::Result<bool> {
    if !store.operators().await?.is_empty() {
        return Ok(false);
    }
    let profile = demo_profile()?;
    let skills = catalog.skills();
    for c in &profile.customers {
        store.upsert_customer(&c.customer).await?;
        for order in Profile::orders_of(c, now) {
            store.upsert_order(&order).await?;
        }
    }
    for s in &profile.staff {
        let role = Role::parse(&s.role)
            .with_context(|| format!("staff {}: unknown role {}", s.login, s.role))?;
        if let Some(bad) = s.skills.iter().find(|k| !skills.contains(k)) {
            anyhow::bail!("staff {}: skill {bad} is not in the catalog", s.login);
        }
        if let Some(c) = s.calendar.as_deref()
            && rules.calendars.get(c).is_none()
        {
            anyhow::bail!("staff {}: calendar {c} is not in calendars.toml", s.login);
        }
        let email = s
            .email
            .as_deref()
            .map(EmailAddress::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("staff {}: e-mail: {e}", s.login))?;
        let password = s.password.clone();
        let password_hash =
            tokio::task::spawn_blocking(move || auth::hash_password(&password)).await??;
        // A start interrupted half-way may have created some staff already.
        let created = store
            .create_operator(&NewOperator {
                login: Login::parse(&s.login)
                    .map_err(|e| anyhow::anyhow!("staff {}: {e}", s.login))?,
                name: s.name.clone(),
                role,
                skills: s.skills.clone(),
                capacity: s.capacity,
                password_hash,
            })
            .await;
        let id = match created {
            Ok(op) => op.id,
            Err(StoreError::Conflict(_)) => {
                let login = Login::parse(&s.login).map_err(|e| anyhow::anyhow!("{e}"))?;
                store.operator_credentials(&login).await?.0.id
            }
            Err(e) => return Err(e.into()),
        };
        if email.is_some() || s.calendar.is_some() {
            store
                .set_operator_profile(id, email.as_ref(), s.calendar.as_deref())
                .await?;
        }
    }
    tracing::info!(
        customers = profile.customers.len(),
        staff = profile.staff.len(),
        "demo profile loaded"
    );
    Ok(true)
}
