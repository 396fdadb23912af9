//! Staff: accounts and sessions, presence and load for routing, alerts.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::{EmailAddress, Login, OperatorId, TicketId};
use switchboard_domain::ticket::{Ticket, TicketEvent};

use crate::Result;
use crate::tickets::TicketChange;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Operator,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Operator, Role::Supervisor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A member of staff: operator, supervisor or admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub id: OperatorId,
    pub login: Login,
    pub name: String,
    pub role: Role,
    /// Routing skills (catalog topic skills) this person may take.
    pub skills: Vec<String>,
    /// Concurrent live conversations.
    pub capacity: u32,
    pub active: bool,
    /// Where staff notifications are e-mailed (none: not e-mailed).
    pub email: Option<EmailAddress>,
    /// The shift calendar's code (none: always on shift).
    pub calendar: Option<String>,
    /// The language of their pages and alert mails (none: not chosen).
    pub language: Option<Locale>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOperator {
    pub login: Login,
    pub name: String,
    pub role: Role,
    pub skills: Vec<String>,
    pub capacity: u32,
    /// An argon2 PHC string; the store never sees a plain password.
    pub password_hash: String,
}

/// What an admin may change in a staff account (besides password, second
/// factor and activation, which have their own calls).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorChange {
    pub name: String,
    pub role: Role,
    pub skills: Vec<String>,
    pub capacity: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresenceStatus {
    Online,
    Away,
    Offline,
}

impl PresenceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PresenceStatus::Online => "online",
            PresenceStatus::Away => "away",
            PresenceStatus::Offline => "offline",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "online" => Some(PresenceStatus::Online),
            "away" => Some(PresenceStatus::Away),
            "offline" => Some(PresenceStatus::Offline),
            _ => None,
        }
    }
}

/// An online operator and how many live conversations they hold now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorLoad {
    pub operator: Operator,
    pub load: u32,
}

/// A notification for a member of staff (a deadline at risk or breached).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAlert {
    pub id: i64,
    pub operator: OperatorId,
    pub ticket: Option<TicketId>,
    /// What happened (`SlaAtRisk`, `SlaBreached`).
    pub event: TicketEvent,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait StaffStore: Send + Sync {
    /// `Conflict` when the login is taken.
    async fn create_operator(&self, operator: &NewOperator) -> Result<Operator>;
    async fn operator(&self, id: OperatorId) -> Result<Operator>;
    async fn operators(&self) -> Result<Vec<Operator>>;
    /// The operator and their argon2 password hash.
    async fn operator_credentials(&self, login: &Login) -> Result<(Operator, String)>;
    /// Changes an account's name, role, skills and capacity, announcing it
    /// (`Notice::Staff`) so every node's router takes the new skills.
    /// `NotFound` for no such account.
    async fn update_operator(&self, id: OperatorId, change: &OperatorChange) -> Result<Operator>;
    /// Sets a member of staff's notification e-mail and shift calendar.
    async fn set_operator_profile(
        &self,
        operator: OperatorId,
        email: Option<&EmailAddress>,
        calendar: Option<&str>,
    ) -> Result<()>;
    /// Keeps a member of staff's language; `NotFound` for no such account.
    async fn set_operator_language(&self, operator: OperatorId, language: Locale) -> Result<()>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Sets an operator's status; `seen_until` is the lease the console's node renews.
    async fn set_presence(
        &self,
        operator: OperatorId,
        status: PresenceStatus,
        seen_until: Timestamp,
        now: Timestamp,
    ) -> Result<()>;
    /// Active operators who are online with a live lease and not talking on
    /// the phone (a call makes an operator busy for chat), and their load.
    async fn online_operators(&self, now: Timestamp) -> Result<Vec<OperatorLoad>>;
    /// `save_change` for handing a live conversation to `operator`, refused
    /// with `Conflict` unless the operator is online, off the phone and below capacity at
    /// commit time.
    async fn assign_conversation(
        &self,
        change: &TicketChange,
        operator: OperatorId,
        now: Timestamp,
    ) -> Result<Ticket>;
    /// A member of staff's alerts, newest first.
    async fn staff_alerts(&self, operator: OperatorId, limit: u32) -> Result<Vec<StaffAlert>>;
}
