//! Customers as the order system describes them, with their orders and bookings.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::i18n::Locale;
use crate::ids::{CustomerId, EmailAddress, OrderNumber, PhoneNumber};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerKind {
    Buyer,
    Seller,
    BankRetail,
    BankBusiness,
    Traveller,
}

impl CustomerKind {
    pub const ALL: [CustomerKind; 5] = [
        CustomerKind::Buyer,
        CustomerKind::Seller,
        CustomerKind::BankRetail,
        CustomerKind::BankBusiness,
        CustomerKind::Traveller,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CustomerKind::Buyer => "buyer",
            CustomerKind::Seller => "seller",
            CustomerKind::BankRetail => "bank_retail",
            CustomerKind::BankBusiness => "bank_business",
            CustomerKind::Traveller => "traveller",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingKind {
    Hotel,
    Flight,
    Rail,
}

/// Paid travel packages; "priority" and "all_inclusive" earn the priority queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TravelPackage {
    Basic,
    Priority,
    AllInclusive,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub reference: OrderNumber,
    pub kind: BookingKind,
    #[serde(default)]
    pub package: Option<TravelPackage>,
    pub starts_at: Timestamp,
    /// The phone given in the booking: phone support is only for calls from it.
    #[serde(default)]
    pub phone: Option<PhoneNumber>,
}

/// Attributes that priority rules look at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFlags {
    #[serde(default)]
    pub premium_seller: bool,
    #[serde(default)]
    pub corporate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    pub kind: CustomerKind,
    pub name: String,
    #[serde(default)]
    pub email: Option<EmailAddress>,
    #[serde(default)]
    pub phone: Option<PhoneNumber>,
    #[serde(default)]
    pub locale: Locale,
    #[serde(default)]
    pub flags: CustomerFlags,
    #[serde(default)]
    pub bookings: Vec<Booking>,
}

/// An order (or booking) in the order system, owned by one customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub number: OrderNumber,
    pub customer_id: CustomerId,
    pub title: String,
    pub status: String,
    /// Total in minor units (kopecks), to keep money exact.
    pub amount_minor: i64,
    pub currency: String,
    pub placed_at: Timestamp,
}
