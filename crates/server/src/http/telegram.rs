//! Telegram's webhook: `POST /channels/telegram/{bot}`. The path names the
//! bot, never its token; Telegram proves itself with the secret it was
//! given in `setWebhook`, sent back in `X-Telegram-Bot-Api-Secret-Token`.
//! A request without it, or with a body that is not an update, is refused
//! and changes nothing. Telegram gets its 200 only once the update is
//! taken; a 503 makes it deliver the update again later.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use switchboard_channels::telegram::HandleError;
use switchboard_channels::telegram::wire::Update;
use switchboard_core::messenger::CoreMessengerSink;

use crate::error::ApiError;
use crate::state::AppState;

pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

pub async fn webhook(
    State(state): State<AppState>,
    Path(bot): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(telegram) = state.telegram.clone() else {
        return no_such_bot();
    };
    if telegram.bot(&bot).is_none() {
        return no_such_bot();
    }
    let secret = headers.get(SECRET_HEADER).map(|v| v.as_bytes());
    if !telegram.webhook_secret_matches(secret) {
        tracing::warn!(bot, "Telegram webhook without the right secret refused");
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_webhook_secret",
            "Неверный секрет вебхука",
            "Wrong webhook secret",
        )
        .into_response();
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_update",
                "Это не обновление Telegram",
                format!("Not a Telegram update: {e}"),
            )
            .into_response();
        }
    };
    let sink = CoreMessengerSink(state.core.clone());
    match telegram.handle(&bot, &update, &sink).await {
        Ok(()) => (StatusCode::OK, axum::Json(serde_json::json!({}))).into_response(),
        Err(HandleError::UnknownBot(_)) => no_such_bot(),
        Err(HandleError::Later(e)) => {
            tracing::warn!(bot, update = update.update_id, error = %e, "update not taken now");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "try_again",
                "Повторите позже",
                "Try again later",
            )
            .into_response()
        }
    }
}

fn no_such_bot() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_bot",
        "Такого бота нет",
        "No such bot",
    )
    .into_response()
}
