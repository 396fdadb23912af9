//! Request bodies: JSON, or multipart with a JSON part and files. Every way a
//! body can be wrong becomes a problem-details answer, never axum's plain text.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use bytes::{Bytes, BytesMut};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;
use switchboard_domain::conversation::InboundFile;

/// A JSON body with problem-details rejections.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Well-formed JSON with a control character in a string: the field is named.
    if let Some(field) = crate::controls::in_json(bytes) {
        return Err(ApiError::ControlCharacters(field));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let syntax = e.is_syntax() || e.is_eof();
        ApiError::bad_request(
            if syntax {
                "malformed_json"
            } else {
                "invalid_body"
            },
            if syntax {
                "Тело запроса — не корректный JSON".to_owned()
            } else {
                format!("Поля запроса заданы неверно: {e}")
            },
            format!("The request body is not valid: {e}"),
        )
    })
}

fn body_error(status: StatusCode) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large()
    } else {
        ApiError::bad_request(
            "unreadable_body",
            "Не удалось прочитать тело запроса",
            "The request body could not be read",
        )
    }
}

/// A declared length over the limit is refused before a byte of the body is read.
fn check_declared_length(req: &Request, state: &AppState) -> Result<(), ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(n) if n > state.body_limit => Err(ApiError::too_large()),
        _ => Ok(()),
    }
}

fn content_type(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn unsupported() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "Ожидается application/json или multipart/form-data",
        "Expected application/json or multipart/form-data",
    )
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        if !content_type(&req).starts_with("application/json") {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Ожидается application/json",
                "Expected application/json",
            ));
        }
        check_declared_length(&req, state)?;
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|r| body_error(r.status()))?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// A JSON object plus files. As JSON, the object is the whole body and there
/// are no files. As multipart, the object is the part named `data` and every
/// part named `file` is a file; any other part is an error.
#[derive(Debug, Clone)]
pub struct Submission<T> {
    pub data: T,
    pub files: Vec<InboundFile>,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Submission<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let ct = content_type(&req);
        if ct.starts_with("application/json") {
            let ApiJson(data) = ApiJson::<T>::from_request(req, state).await?;
            return Ok(Submission {
                data,
                files: Vec::new(),
            });
        }
        if !ct.starts_with("multipart/form-data") {
            return Err(unsupported());
        }
        check_declared_length(&req, state)?;
        let mut multipart = Multipart::from_request(req, state).await.map_err(|_| {
            ApiError::bad_request(
                "malformed_multipart",
                "Неверный multipart-запрос",
                "Malformed multipart body",
            )
        })?;
        let policy = state.core.attachments;
        let mut data = None;
        let mut files = Vec::new();
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err(multipart_error(&e)),
            };
            match field.name().unwrap_or("") {
                "data" => {
                    let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
                    data = Some(parse_json::<T>(&bytes)?);
                }
                "file" => {
                    if files.len() == policy.max_files {
                        // Stop reading at once: the sixth file is refused, not buffered.
                        return Err(ApiError::Validation(vec![
                            switchboard_domain::intake::FieldError {
                                field: "attachments",
                                code: "too_many_files",
                                message: switchboard_domain::i18n::Text::new(
                                    format!(
                                        "Можно приложить не больше {} файлов",
                                        policy.max_files
                                    ),
                                    format!("At most {} files may be attached", policy.max_files),
                                ),
                            },
                        ]));
                    }
                    let file_name = field.file_name().unwrap_or("attachment").to_owned();
                    if switchboard_domain::control::refuses(&file_name) {
                        return Err(ApiError::ControlCharacters("attachments".into()));
                    }
                    let mut field = field;
                    let mut buf = BytesMut::new();
                    loop {
                        match field.chunk().await {
                            Ok(Some(chunk)) => {
                                // Keep one byte over the limit so the domain check reports it.
                                if buf.len() + chunk.len() > policy.max_file_bytes {
                                    buf.extend_from_slice(
                                        &chunk[..(policy.max_file_bytes + 1 - buf.len())
                                            .min(chunk.len())],
                                    );
                                    while let Ok(Some(_)) = field.chunk().await {}
                                    break;
                                }
                                buf.extend_from_slice(&chunk);
                            }
                            Ok(None) => break,
                            Err(e) => return Err(multipart_error(&e)),
                        }
                    }
                    files.push(InboundFile {
                        name: file_name,
                        bytes: buf.to_vec(),
                    });
                }
                other => {
                    return Err(ApiError::bad_request(
                        "unexpected_part",
                        format!("Неизвестная часть запроса «{other}»: ожидаются data и file"),
                        format!("Unexpected part {other:?}: expected \"data\" and \"file\""),
                    ));
                }
            }
        }
        let data = data.ok_or_else(|| {
            ApiError::bad_request(
                "missing_data",
                "Нет части data с JSON",
                "The multipart body has no \"data\" JSON part",
            )
        })?;
        Ok(Submission { data, files })
    }
}

fn multipart_error(e: &axum::extract::multipart::MultipartError) -> ApiError {
    // A body cut off by the size limit can surface as a stream error rather
    // than as 413, depending on where the parser was when the limit hit.
    if e.body_text().contains("length limit") {
        return ApiError::too_large();
    }
    body_error(e.status())
}

/// A page size from the query string: `default` when absent, else 1 to
/// `max` — the range the document states (`#[param(minimum, maximum)]`);
/// outside it, a 422 naming the field rather than a silent clamp.
pub fn page_limit(given: Option<u32>, default: u32, max: u32) -> Result<u32, ApiError> {
    match given {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::field(
            "limit",
            "out_of_range",
            &format!("limit — от 1 до {max}"),
            &format!("limit is 1 to {max}"),
        )),
    }
}
