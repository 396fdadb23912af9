//! The chat over HTTP: the WebSocket endpoints for customers and operators,
//! and the fallback for clients that cannot keep a socket open — open a
//! conversation, send (with files, as multipart), read the history by `seq`,
//! "helped", "call an operator", the SMS code. Every message sent here is
//! delivered live to the conversation's sockets like one sent on a socket.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{
    CustomerAuth, StaffAuth, bearer_token, customer_by_token, staff_by_token, token_expiry,
};
use crate::chat::protocol::{ConversationView, MessageView};
use crate::chat::session::{self, Served, Who};
use crate::error::ApiError;
use crate::http::views::AdviceView;
use crate::security::client::ClientAddress;
use crate::state::AppState;

mod customer;
mod staff;
pub use customer::*;
pub use staff::*;

/// The token of a WebSocket request: the `Authorization` header, or `?token=`
/// (browsers cannot set headers on a WebSocket).
pub(super) fn socket_token(parts: &Parts, query: &HashMap<String, String>) -> Option<String> {
    bearer_token(parts)
        .map(str::to_owned)
        .or_else(|| query.get("token").cloned())
}

pub(super) fn configure(ws: WebSocketUpgrade, state: &AppState) -> WebSocketUpgrade {
    let c = &state.chat;
    ws.read_buffer_size(c.read_buffer_bytes)
        .write_buffer_size(0)
        .max_write_buffer_size(c.max_frame_bytes * 64)
        .max_message_size(c.max_frame_bytes)
        .max_frame_size(c.max_frame_bytes)
}

/// `GET /api/v1/customer/chat`: the customer's chat socket.
pub async fn customer_socket(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    parts: Parts,
) -> Result<Response, ApiError> {
    let token = socket_token(&parts, &query).ok_or_else(|| {
        ApiError::unauthorized(
            "identity_token_missing",
            "Нужен токен личности клиента",
            "A customer identity token is required",
        )
    })?;
    let CustomerAuth(customer) = customer_by_token(&state, &token).await?;
    let expires = token_expiry(&token);
    let mut parts = parts;
    let ws = WebSocketUpgrade::from_request_parts(&mut parts, &state)
        .await
        .map_err(|e| {
            ApiError::bad_request(
                "not_a_websocket",
                "Нужно WebSocket-соединение",
                e.body_text(),
            )
        })?;
    let served = Served {
        address: ClientAddress::from_parts(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
            &parts.headers,
            state.guard.trust_forwarded_for,
        )
        .0,
        ..served(&state)
    };
    Ok(configure(ws, &state)
        .on_upgrade(move |socket| session::run(served, socket, Who::Customer(customer, expires))))
}

/// `GET /api/v1/chat/console`: an operator's console socket.
pub async fn console_socket(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    parts: Parts,
) -> Result<Response, ApiError> {
    let token = socket_token(&parts, &query).ok_or_else(|| {
        ApiError::unauthorized(
            "session_missing",
            "Войдите в систему",
            "Sign in first: a staff session token is required",
        )
    })?;
    let StaffAuth(operator) = staff_by_token(&state, &token).await?;
    let mut parts = parts;
    let ws = WebSocketUpgrade::from_request_parts(&mut parts, &state)
        .await
        .map_err(|e| {
            ApiError::bad_request(
                "not_a_websocket",
                "Нужно WebSocket-соединение",
                e.body_text(),
            )
        })?;
    let served = served(&state);
    Ok(configure(ws, &state)
        .on_upgrade(move |socket| session::run(served, socket, Who::Operator(operator))))
}

pub(super) fn served(state: &AppState) -> Served {
    Served {
        core: state.core.clone(),
        hub: state.hub.clone(),
        config: state.chat.clone(),
        limits: state.guard.limits.clone(),
        address: None,
    }
}

/// Opening a conversation without a socket: topic, order decision and first message at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenChatRequest {
    pub line: String,
    pub topic: String,
    /// One of your orders; omit (or null) for "Question not about an order".
    #[serde(default)]
    pub order_number: Option<String>,
    pub body: String,
    /// Your id for this message (1–64 of A-Z a-z 0-9 - _ . :); resending it opens nothing new.
    pub client_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AckView {
    pub conversation: String,
    pub seq: i64,
    /// True when this client id was stored before.
    pub duplicate: bool,
    /// Set when the question repeated this open request of yours and was
    /// added to it (then `conversation` is that request when it is a chat).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// E.g. `sensitive_data_masked`: support never asks for card data, codes or passwords.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<AdviceView>,
    /// E.g. `joined_open_request`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<AdviceView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatMessageRequest {
    pub body: String,
    pub client_id: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Messages after this sequence number (0: from the start).
    pub after: Option<i64>,
    /// 1–500, default 200.
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    #[schema(value_type = Object)]
    pub conversation: ConversationView,
    #[schema(value_type = Vec<Object>)]
    pub messages: Vec<MessageView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallView {
    /// `queued`, or `code_sent` (bank topics: enter the SMS code next).
    pub outcome: String,
    pub phone: Option<String>,
    pub expires_at: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusView {
    pub conversation: String,
    pub status: String,
}
