//! VK's Callback API: `POST /channels/vk/{community}`. Every request must
//! carry the community's secret; the `confirmation` handshake is answered
//! with the configured code; an event is answered `ok` once taken (VK
//! pauses a server that keeps failing, so only an unavailable store makes
//! it retry). A replayed `event_id` changes nothing. A forged, foreign or
//! malformed request is refused and changes nothing.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use switchboard_channels::MessengerSink;
use switchboard_channels::vk::{Callback, CallbackError};
use switchboard_core::messenger::CoreMessengerSink;

use crate::error::ApiError;
use crate::state::AppState;

pub async fn callback(
    State(state): State<AppState>,
    Path(community): Path<String>,
    body: Bytes,
) -> Response {
    let Some(vk) = state.vk.clone() else {
        return refused(CallbackError::UnknownCommunity);
    };
    match vk.callback(&community, &body) {
        Err(e) => {
            tracing::warn!(community, error = %e, "VK callback refused");
            refused(e)
        }
        Ok(Callback::Confirm(code)) => (StatusCode::OK, code).into_response(),
        Ok(Callback::Ignore) => (StatusCode::OK, "ok").into_response(),
        Ok(Callback::Event(event)) => {
            let sink = CoreMessengerSink(state.core.clone());
            match sink.event(*event).await {
                Ok(()) | Err(switchboard_channels::SinkError::Refused { .. }) => {
                    (StatusCode::OK, "ok").into_response()
                }
                Err(e) => {
                    tracing::warn!(community, error = %e, "VK event not taken now");
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
    }
}

fn refused(e: CallbackError) -> Response {
    match e {
        CallbackError::UnknownCommunity => ApiError::new(
            StatusCode::NOT_FOUND,
            "no_such_community",
            "Такого сообщества нет",
            "No such community",
        ),
        CallbackError::BadSecret => ApiError::new(
            StatusCode::FORBIDDEN,
            "bad_callback_secret",
            "Неверный секретный ключ",
            "Wrong secret key",
        ),
        CallbackError::NotCallback => ApiError::new(
            StatusCode::NOT_FOUND,
            "callback_api_off",
            "Сообщество получает события через Long Poll",
            "The community takes events by Long Poll",
        ),
        CallbackError::Invalid(reason) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_event",
            "Это не событие Callback API",
            format!("Not a Callback API event: {reason}"),
        ),
    }
    .into_response()
}
