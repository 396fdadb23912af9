//! One error type for every handler. 4xx answers are RFC 9457 problem details
//! with a stable `code` and, for validation, per-field messages; 5xx answers
//! log the full error chain and tell the client nothing internal.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use switchboard_core::{CoreError, RefusalKind};
use switchboard_domain::attachment::AttachmentError;
use switchboard_domain::i18n::{Locale, Text};
use switchboard_domain::intake::FieldError;
use switchboard_domain::ticket::TransitionError;
use switchboard_store::StoreError;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{code}: {}", .message.en)]
    Problem {
        status: StatusCode,
        code: &'static str,
        message: Text,
    },
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// A field (a dotted path into the body) holds a control character the
    /// rule refuses (`switchboard_domain::control`).
    #[error("control characters in {0}")]
    ControlCharacters(String),
    /// 429 with `Retry-After`: a rate limit or a sign-in lock.
    #[error("{code}: {}", .message.en)]
    Limited {
        code: &'static str,
        message: Text,
        retry_after_secs: u64,
    },
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        ru: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        ApiError::Problem {
            status,
            code,
            message: Text::new(ru, en),
        }
    }

    pub fn bad_request(code: &'static str, ru: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, ru, en)
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Не найдено",
            "Not found",
        )
    }

    pub fn unauthorized(code: &'static str, ru: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, ru, en)
    }

    pub fn forbidden(code: &'static str, ru: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, ru, en)
    }

    pub fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "Запрос слишком большой",
            "The request body is too large",
        )
    }

    /// 429 Too Many Requests, to be retried after `retry_after_secs` (at least 1).
    pub fn limited(
        code: &'static str,
        ru: impl Into<String>,
        en: impl Into<String>,
        retry_after_secs: u64,
    ) -> Self {
        ApiError::Limited {
            code,
            message: Text::new(ru, en),
            retry_after_secs: retry_after_secs.max(1),
        }
    }

    pub fn field(field: &'static str, code: &'static str, ru: &str, en: &str) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, ru, en)])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Problem { status, .. } => *status,
            ApiError::Validation(_) | ApiError::ControlCharacters(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Limited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the problem says to a person, in their language (the pages show
    /// it where they acted).
    pub fn title(&self, locale: Locale) -> String {
        self.problem(locale).title
    }

    fn problem(&self, locale: Locale) -> Problem {
        let status = self.status().as_u16();
        match self {
            ApiError::Problem { code, message, .. } | ApiError::Limited { code, message, .. } => {
                Problem {
                    kind: format!("urn:switchboard:problem:{code}"),
                    title: message.get(locale).to_owned(),
                    status,
                    code,
                    errors: Vec::new(),
                }
            }
            ApiError::Validation(errors) => validation_problem(
                locale,
                status,
                errors
                    .iter()
                    .map(|e| ProblemField {
                        field: e.field.to_owned(),
                        code: e.code.to_owned(),
                        message: e.message.get(locale).to_owned(),
                    })
                    .collect(),
            ),
            ApiError::ControlCharacters(field) => validation_problem(
                locale,
                status,
                vec![ProblemField {
                    field: field.clone(),
                    code: "control_characters".into(),
                    message: match locale {
                        Locale::Ru => {
                            "Текст содержит управляющие символы (например, NUL): уберите их".into()
                        }
                        Locale::En => {
                            "The text contains control characters (such as NUL): remove them".into()
                        }
                    },
                }],
            ),
            ApiError::Internal(_) => Problem {
                kind: "urn:switchboard:problem:internal".into(),
                title: match locale {
                    Locale::Ru => "Внутренняя ошибка, попробуйте позже".into(),
                    Locale::En => "Internal error, please try again later".into(),
                },
                status,
                code: "internal",
                errors: Vec::new(),
            },
        }
    }
}

/// A 422 with one entry per field.
fn validation_problem(locale: Locale, status: u16, errors: Vec<ProblemField>) -> Problem {
    Problem {
        kind: "urn:switchboard:problem:validation_failed".into(),
        title: match locale {
            Locale::Ru => "Проверьте поля формы".into(),
            Locale::En => "Some fields are not valid".into(),
        },
        status,
        code: "validation_failed",
        errors,
    }
}

/// The English rendering of a problem, carried to the `localize` middleware,
/// which sends it instead of the Russian one when the client prefers English.
#[derive(Clone)]
pub struct EnglishProblem(pub bytes::Bytes);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let ApiError::Internal(err) = &self {
            // The chain on one line; a backtrace would be one per request.
            tracing::error!(error = %format!("{err:#}"), "request failed");
        }
        let ru = serde_json::to_vec(&self.problem(Locale::Ru)).unwrap_or_default();
        let en = serde_json::to_vec(&self.problem(Locale::En)).unwrap_or_default();
        let mut response = (status, ru).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("ru"));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let ApiError::Limited {
            retry_after_secs, ..
        } = &self
        {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        response
            .extensions_mut()
            .insert(EnglishProblem(bytes::Bytes::from(en)));
        response
    }
}

/// RFC 9457 problem details.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code, e.g. `validation_failed`, `illegal_transition`.
    pub code: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Conflict(detail) => ApiError::Problem {
                status: StatusCode::CONFLICT,
                code: "conflict",
                message: Text::new(
                    "Данные изменились, обновите страницу и повторите",
                    format!("Conflict: {detail}"),
                ),
            },
            other => ApiError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<TransitionError> for ApiError {
    fn from(err: TransitionError) -> Self {
        let ru = match &err {
            TransitionError::Illegal { .. } => {
                "Это действие недоступно в текущем статусе обращения"
            }
            TransitionError::AlreadyAssigned => "Обращение уже назначено этому сотруднику",
            TransitionError::AlreadyClaim => "Претензия по этому обращению уже подана",
            TransitionError::Unchanged => "Ничего не изменилось",
        };
        ApiError::Problem {
            status: StatusCode::CONFLICT,
            code: err.code(),
            message: Text::new(ru, err.to_string()),
        }
    }
}

impl From<AttachmentError> for ApiError {
    fn from(err: AttachmentError) -> Self {
        let status = match err {
            AttachmentError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::Problem {
            status,
            code: err.code(),
            message: err.message(),
        }
    }
}

/// The one mapping from the use cases' answers to HTTP.
impl From<CoreError> for ApiError {
    fn from(err: CoreError) -> Self {
        match err {
            CoreError::NotFound => ApiError::Problem {
                status: StatusCode::NOT_FOUND,
                code: "not_found",
                message: Text::new("Не найдено", "Not found"),
            },
            CoreError::Refused(r) => ApiError::Problem {
                status: match r.kind {
                    RefusalKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
                    RefusalKind::Forbidden => StatusCode::FORBIDDEN,
                    RefusalKind::Conflict => StatusCode::CONFLICT,
                    RefusalKind::TooMany => StatusCode::TOO_MANY_REQUESTS,
                    RefusalKind::Gone => StatusCode::GONE,
                },
                code: r.code,
                message: r.message,
            },
            CoreError::Invalid(fields) => ApiError::Validation(fields),
            CoreError::Transition(t) => t.into(),
            CoreError::Conflict(detail) => StoreError::Conflict(detail).into(),
            CoreError::Internal(e) => ApiError::Internal(e),
        }
    }
}
