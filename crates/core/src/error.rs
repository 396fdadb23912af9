//! What a use case can answer instead of a result. Only the transports turn
//! these into status codes (`server::error`) or error frames (the chat
//! socket), one mapping each.

use switchboard_domain::bot::ChatRefusal;
use switchboard_domain::i18n::Text;
use switchboard_domain::intake::FieldError;
use switchboard_domain::ticket::{AppendRefusal, TransitionError};
use switchboard_store::StoreError;

/// What kind of "no" a refusal is; the transports map it to a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// The request itself is not acceptable (422).
    Invalid,
    /// This actor may not do it (403).
    Forbidden,
    /// Not in the current state of things (409).
    Conflict,
    /// Too often, too soon (429).
    TooMany,
    /// It expired (410).
    Gone,
}

/// A rule said no: a stable code and a text in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub kind: RefusalKind,
    pub code: &'static str,
    pub message: Text,
    /// Step-up: wrong codes left before the lock.
    pub tries_left: Option<u32>,
}

impl Refusal {
    pub fn new(
        kind: RefusalKind,
        code: &'static str,
        ru: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Refusal {
            kind,
            code,
            message: Text::new(ru, en),
            tries_left: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// No such thing for this actor (another customer's ticket looks absent).
    #[error("not found")]
    NotFound,
    #[error("{}: {}", .0.code, .0.message.en)]
    Refused(Refusal),
    /// Fields that do not pass, all of them at once.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// Someone else changed it meanwhile, again and again.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type CoreResult<T> = Result<T, CoreError>;

impl CoreError {
    pub fn refused(kind: RefusalKind, code: &'static str, ru: &str, en: &str) -> Self {
        CoreError::Refused(Refusal::new(kind, code, ru, en))
    }

    /// One invalid field.
    pub fn field(field: &'static str, code: &'static str, ru: &str, en: &str) -> Self {
        CoreError::Invalid(vec![FieldError::new(field, code, ru, en)])
    }

    /// A refusal of the chat's rules (intake, step-up, text).
    pub fn chat(kind: RefusalKind, r: ChatRefusal) -> Self {
        CoreError::Refused(Refusal {
            kind,
            code: r.code,
            message: r.message,
            tries_left: None,
        })
    }

    pub fn internal(context: &str, e: impl std::fmt::Display) -> Self {
        CoreError::Internal(anyhow::anyhow!("{context}: {e}"))
    }
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => CoreError::NotFound,
            StoreError::Conflict(m) => CoreError::Conflict(m),
            other => CoreError::Internal(other.into()),
        }
    }
}

impl From<AppendRefusal> for CoreError {
    fn from(r: AppendRefusal) -> Self {
        match r {
            AppendRefusal::NotFound => CoreError::NotFound,
            AppendRefusal::NotAssignee => CoreError::refused(
                RefusalKind::Forbidden,
                r.code(),
                "Разговор назначен другому сотруднику",
                "The conversation is assigned to someone else",
            ),
            AppendRefusal::Closed => CoreError::refused(
                RefusalKind::Conflict,
                r.code(),
                "Обращение завершено: напишите новое или откройте его снова",
                "The conversation is over: start a new one or reopen it",
            ),
        }
    }
}
