//! A profile is what a new support centre starts with: its customers and
//! orders (normally fed by the order system), and its staff. The demo profile
//! (`profiles/demo/`) models a marketplace ecosystem so that a first run shows
//! a working support centre. The catalog is a separate file (`catalog.toml`).

use serde::Deserialize;

use crate::customer::{Customer, Order};
use crate::ids::{CustomerId, OrderNumber};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileOrder {
    pub number: OrderNumber,
    pub title: String,
    pub status: String,
    pub amount_minor: i64,
    #[serde(default = "rub")]
    pub currency: String,
    /// Days before the profile is loaded, so demo orders always look recent.
    pub placed_days_ago: i64,
}

fn rub() -> String {
    "RUB".to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProfileCustomer {
    #[serde(flatten)]
    pub customer: Customer,
    #[serde(default, rename = "order")]
    pub orders: Vec<ProfileOrder>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileStaff {
    pub login: String,
    pub name: String,
    /// operator, supervisor or admin
    pub role: String,
    /// Plain demo password, hashed with argon2 when loaded; never stored as is.
    pub password: String,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default = "default_capacity")]
    pub capacity: u32,
    /// Where staff notifications (SLA at risk, breached) are e-mailed, if anywhere.
    #[serde(default)]
    pub email: Option<String>,
    /// The shift calendar (a code from `calendars.toml`); none: always on shift.
    #[serde(default)]
    pub calendar: Option<String>,
}

fn default_capacity() -> u32 {
    5
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default, rename = "customer")]
    pub customers: Vec<ProfileCustomer>,
    #[serde(default, rename = "staff")]
    pub staff: Vec<ProfileStaff>,
}

impl Profile {
    pub fn from_toml(source: &str) -> Result<Self, String> {
        let p: Profile = toml::from_str(source).map_err(|e| e.to_string())?;
        let mut ids = std::collections::HashSet::new();
        for c in &p.customers {
            if !ids.insert(c.customer.id.clone()) {
                return Err(format!("customer {} is listed twice", c.customer.id));
            }
        }
        Ok(p)
    }

    /// The orders of one profile customer, dated relative to `now`.
    pub fn orders_of(c: &ProfileCustomer, now: jiff::Timestamp) -> Vec<Order> {
        c.orders
            .iter()
            .map(|o| Order {
                number: o.number.clone(),
                customer_id: c.customer.id.clone(),
                title: o.title.clone(),
                status: o.status.clone(),
                amount_minor: o.amount_minor,
                currency: o.currency.clone(),
                placed_at: now - jiff::SignedDuration::from_hours(24 * o.placed_days_ago),
            })
            .collect()
    }

    pub fn customer(&self, id: &CustomerId) -> Option<&ProfileCustomer> {
        self.customers.iter().find(|c| &c.customer.id == id)
    }
}
