//! The chat over HTTP: the WebSocket endpoints for customers and operators,
//! and the fallback for clients that cannot keep a socket open — open a
//! conversation, send (with files, as multipart), read the history by `seq`,
//! "helped", "call an operator", the SMS code. Every message sent here is
//! delivered live to the conversation's sockets like one sent on a socket.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Json;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use switchboard_core::IngestOutcome;
use switchboard_core::bot::CallOutcome;
use switchboard_core::conversation::{StaffMessage, check_client_id};
use switchboard_domain::conversation::{ExternalRefs, Inbound, Request, Sender, Target};
use switchboard_domain::ticket::{Actor, Channel};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{
    CustomerAuth, StaffAuth, bearer_token, customer_by_token, staff_by_token, token_expiry,
};
use crate::chat::protocol::{ConversationView, MessageView};
use crate::chat::session::{self, Served, Who};
use crate::error::{ApiError, Problem};
use crate::http::input::{ApiJson, Submission};
use crate::http::views::AdviceView;
use crate::security::client::ClientAddress;
use crate::state::AppState;

/// The token of a WebSocket request: the `Authorization` header, or `?token=`
/// (browsers cannot set headers on a WebSocket).
fn socket_token(parts: &Parts, query: &HashMap<String, String>) -> Option<String> {
    bearer_token(parts)
        .map(str::to_owned)
        .or_else(|| query.get("token").cloned())
}

fn configure(ws: WebSocketUpgrade, state: &AppState) -> WebSocketUpgrade {
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

fn served(state: &AppState) -> Served {
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

/// Open a chat conversation (the bot answers first).
#[utoipa::path(post, path = "/api/v1/customer/chats", tag = "chat", security(("customer" = [])),
    request_body = OpenChatRequest,
    responses((status = 201, body = AckView), (status = 200, body = AckView, description = "opened before with this client_id"),
        (status = 401, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, description = "too many new chats (`too_many_conversations`, with Retry-After)")))]
pub async fn open(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    CustomerAuth(customer): CustomerAuth,
    ApiJson(r): ApiJson<OpenChatRequest>,
) -> Result<(StatusCode, Json<AckView>), ApiError> {
    check_client_id(&r.client_id)?;
    state
        .guard
        .limits
        .open_chat(address, customer.id.as_str())
        .map_err(crate::security::too_many_chats)?;
    let inbound = Inbound {
        sender: Sender::Customer(customer.id.clone()),
        channel: Channel::Chat,
        refs: ExternalRefs {
            client_id: Some(r.client_id),
            ..ExternalRefs::default()
        },
        target: Target::New(Request {
            line: r.line,
            topic: r.topic,
            order_number: r.order_number,
            ..Request::default()
        }),
        text: r.body,
        files: Vec::new(),
        locale: Some(customer.locale),
    };
    let core = state.core.clone();
    let done = core.ingest(inbound).await?.finish(&core).await?;
    let number = switchboard_domain::ids::TicketNumber::from_id(done.ticket).to_string();
    let (status, duplicate_of) = match done.outcome {
        IngestOutcome::Opened { created: true } => (StatusCode::CREATED, None),
        IngestOutcome::Joined => (StatusCode::OK, Some(number.clone())),
        _ => (StatusCode::OK, None),
    };
    Ok((
        status,
        Json(AckView {
            conversation: number,
            seq: done.seq,
            duplicate: done.duplicate,
            duplicate_of,
            warnings: done.warning.iter().map(AdviceView::from).collect(),
            notices: done.notices.iter().map(AdviceView::from).collect(),
        }),
    ))
}

async fn history(
    state: &AppState,
    ticket: &switchboard_domain::ticket::Ticket,
    query: HistoryQuery,
    viewer: &Actor,
    staff: bool,
) -> Result<Json<HistoryView>, ApiError> {
    let limit = query.limit.unwrap_or(200).clamp(1, 500);
    let head = state.store.conversation(ticket.id).await?;
    let messages = state
        .store
        .messages(ticket.id, query.after.unwrap_or(0).max(0), limit, staff)
        .await?;
    Ok(Json(HistoryView {
        conversation: ConversationView::new(&head.ticket, head.last_seq, staff),
        messages: messages
            .iter()
            .map(|m| MessageView::new(m, staff, viewer))
            .collect(),
    }))
}

/// The conversation's messages after a sequence number.
#[utoipa::path(get, path = "/api/v1/customer/chats/{number}/messages", tag = "chat", security(("customer" = [])),
    params(("number" = String, Path), HistoryQuery),
    responses((status = 200, body = HistoryView), (status = 404, body = Problem)))]
pub async fn customer_history(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path(number): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<HistoryView>, ApiError> {
    let t = state.core.own_conversation(&customer.0, &number).await?;
    history(&state, &t, query, &customer.actor(), false).await
}

fn ack_view(conversation: switchboard_domain::ids::TicketId, seq: i64, duplicate: bool) -> AckView {
    AckView {
        conversation: switchboard_domain::ids::TicketNumber::from_id(conversation).to_string(),
        seq,
        duplicate,
        duplicate_of: None,
        warnings: Vec::new(),
        notices: Vec::new(),
    }
}

/// Send a message (JSON, or multipart with `data` and up to 5 `file` parts).
#[utoipa::path(post, path = "/api/v1/customer/chats/{number}/messages", tag = "chat", security(("customer" = [])),
    params(("number" = String, Path)), request_body = ChatMessageRequest,
    responses((status = 200, body = AckView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn customer_send(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path(number): Path<String>,
    submission: Submission<ChatMessageRequest>,
) -> Result<Json<AckView>, ApiError> {
    let t = state.core.own_conversation(&customer.0, &number).await?;
    let r = submission.data;
    check_client_id(&r.client_id)?;
    let inbound = Inbound {
        sender: Sender::Customer(customer.0.id.clone()),
        channel: Channel::Chat,
        refs: ExternalRefs {
            client_id: Some(r.client_id),
            ..ExternalRefs::default()
        },
        target: Target::Existing(t.number),
        text: r.body,
        files: submission.files,
        locale: Some(customer.0.locale),
    };
    let core = state.core.clone();
    let done = core.ingest(inbound).await?.finish(&core).await?;
    let mut view = ack_view(done.ticket, done.seq, done.duplicate);
    view.warnings = done.warning.iter().map(AdviceView::from).collect();
    view.notices = done.notices.iter().map(AdviceView::from).collect();
    Ok(Json(view))
}

/// A ready answer helped: the bot resolves the conversation.
#[utoipa::path(post, path = "/api/v1/customer/chats/{number}/helped", tag = "chat", security(("customer" = [])),
    params(("number" = String, Path)), responses((status = 200, body = StatusView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn helped(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path(number): Path<String>,
) -> Result<Json<StatusView>, ApiError> {
    let t = state.core.helped(&customer.0, &number).await?;
    Ok(Json(StatusView {
        conversation: t.number.to_string(),
        status: t.status.as_str().into(),
    }))
}

/// "Call an operator". Bank topics answer `code_sent` first: enter the SMS code.
#[utoipa::path(post, path = "/api/v1/customer/chats/{number}/operator", tag = "chat", security(("customer" = [])),
    params(("number" = String, Path)), responses((status = 200, body = CallView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 429, body = Problem)))]
pub async fn call_operator(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path(number): Path<String>,
) -> Result<Json<CallView>, ApiError> {
    Ok(Json(
        match state.core.call_operator(&customer.0, &number).await? {
            CallOutcome::Queued => CallView {
                outcome: "queued".into(),
                phone: None,
                expires_at: None,
            },
            CallOutcome::CodeSent { phone, expires_at } => CallView {
                outcome: "code_sent".into(),
                phone: Some(phone),
                expires_at: Some(expires_at.to_string()),
            },
        },
    ))
}

/// The one-time SMS code (bank topics); a right one hands the conversation over.
#[utoipa::path(post, path = "/api/v1/customer/chats/{number}/code", tag = "chat", security(("customer" = [])),
    params(("number" = String, Path)), request_body = CodeRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 410, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn code(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path(number): Path<String>,
    ApiJson(r): ApiJson<CodeRequest>,
) -> Result<StatusCode, ApiError> {
    state.core.enter_code(&customer.0, &number, &r.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    /// The id of an article the bot suggested in this conversation.
    pub article: String,
    pub helped: bool,
}

/// Whether an article the bot suggested helped ("helped / did not help").
#[utoipa::path(post, path = "/api/v1/customer/chats/{number}/feedback", tag = "chat", security(("customer" = [])),
    params(("number" = String, Path)), request_body = FeedbackRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn feedback(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path(number): Path<String>,
    ApiJson(r): ApiJson<FeedbackRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .core
        .feedback(&customer.0, &number, r.article.trim(), r.helped)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockRequest {
    /// `card` or `account`.
    pub target: String,
}

/// Accept the bot's offer, made after a fraud report, to block the card or
/// the account. Bank topics answer `code_sent` first: enter the SMS code.
#[utoipa::path(post, path = "/api/v1/customer/chats/{number}/block", tag = "chat", security(("customer" = [])),
    params(("number" = String, Path)), request_body = BlockRequest,
    responses((status = 200, body = CallView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn block(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path(number): Path<String>,
    ApiJson(r): ApiJson<BlockRequest>,
) -> Result<Json<CallView>, ApiError> {
    let outcome = state
        .core
        .accept_block(&customer.0, &number, r.target.trim())
        .await?;
    Ok(Json(match outcome {
        Some(CallOutcome::CodeSent { phone, expires_at }) => CallView {
            outcome: "code_sent".into(),
            phone: Some(phone),
            expires_at: Some(expires_at.to_string()),
        },
        Some(CallOutcome::Queued) => CallView {
            outcome: "queued".into(),
            phone: None,
            expires_at: None,
        },
        None => CallView {
            outcome: "recorded".into(),
            phone: None,
            expires_at: None,
        },
    }))
}

fn may_write(staff: &StaffAuth, t: &switchboard_domain::ticket::Ticket) -> Result<(), ApiError> {
    if t.assignee == Some(staff.0.id) || staff.is_supervisor() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "assigned_to_someone_else",
            "Разговор назначен другому сотруднику",
            "The conversation is assigned to someone else",
        ))
    }
}

/// A chat's messages after a sequence number, for staff (notes included).
#[utoipa::path(get, path = "/api/v1/chats/{number}/messages", tag = "chat", security(("staff" = [])),
    params(("number" = String, Path), HistoryQuery),
    responses((status = 200, body = HistoryView), (status = 404, body = Problem)))]
pub async fn staff_history(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(number): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<HistoryView>, ApiError> {
    let t = state.core.staff_conversation(&number).await?;
    history(&state, &t, query, &staff.actor(), true).await
}

/// Answer in a chat assigned to you (JSON, or multipart with files).
#[utoipa::path(post, path = "/api/v1/chats/{number}/messages", tag = "chat", security(("staff" = [])),
    params(("number" = String, Path)), request_body = ChatMessageRequest,
    responses((status = 200, body = AckView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn staff_send(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(number): Path<String>,
    submission: Submission<ChatMessageRequest>,
) -> Result<Json<AckView>, ApiError> {
    let t = state.core.staff_conversation(&number).await?;
    may_write(&staff, &t)?;
    let r = submission.data;
    check_client_id(&r.client_id)?;
    let message = StaffMessage {
        operator: staff.0.id,
        supervisor: staff.is_supervisor(),
        text: r.body,
        files: submission.files,
        internal: false,
        client_id: Some(r.client_id),
    };
    let core = state.core.clone();
    let ack = core.post_staff(&t, message).await?.wait(&core).await?;
    Ok(Json(ack_view(ack.ticket, ack.seq, ack.duplicate)))
}
