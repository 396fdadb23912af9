//! Serving stored files safely: the sniffed type, always as a download, never sniffed again by the browser.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use switchboard_domain::ids::{ContentHash, TicketId};

use crate::error::ApiError;
use crate::state::AppState;

pub struct FileResponse {
    content_type: String,
    file_name: String,
    bytes: Vec<u8>,
}

impl FileResponse {
    pub fn new(content_type: String, file_name: String, bytes: Vec<u8>) -> FileResponse {
        FileResponse {
            content_type,
            file_name,
            bytes,
        }
    }
}

impl IntoResponse for FileResponse {
    fn into_response(self) -> Response {
        let mut r = self.bytes.into_response();
        let h = r.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&self.content_type) {
            h.insert(header::CONTENT_TYPE, v);
        }
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        let encoded: String = url_encode(&self.file_name);
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename*=UTF-8''{encoded}")) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        r
    }
}

/// RFC 5987 encoding for the file name in Content-Disposition.
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub async fn download(
    state: &AppState,
    ticket: TicketId,
    id: &str,
    include_internal: bool,
) -> Result<FileResponse, ApiError> {
    let hash = ContentHash::parse(id).map_err(|_| ApiError::not_found())?;
    let meta = state
        .store
        .ticket_attachment(ticket, &hash, include_internal)
        .await?;
    let bytes = state.core.files.get(&hash).await.map_err(|e| {
        ApiError::Internal(
            anyhow::Error::new(e)
                .context(format!("attachment {} is missing on disk", hash.as_str())),
        )
    })?;
    Ok(FileResponse {
        content_type: meta.content_type,
        file_name: meta.file_name,
        bytes,
    })
}
