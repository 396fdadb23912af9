//! The customer's chat over plain HTTP: open, history, send, "helped",
//! call an operator, the SMS code, feedback, block.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_core::IngestOutcome;
use switchboard_core::bot::CallOutcome;
use switchboard_core::conversation::check_client_id;
use switchboard_domain::conversation::{ExternalRefs, Inbound, Request, Sender, Target};
use switchboard_domain::ticket::{Actor, Channel};
use utoipa::ToSchema;

use super::*;
use crate::auth::CustomerAuth;
use crate::chat::protocol::{ConversationView, MessageView};
use crate::error::{ApiError, Problem};
use crate::http::input::{ApiJson, Submission};
use crate::http::views::AdviceView;
use crate::security::client::ClientAddress;
use crate::state::AppState;

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

pub(crate) async fn history(
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

pub(crate) fn ack_view(
    conversation: switchboard_domain::ids::TicketId,
    seq: i64,
    duplicate: bool,
) -> AckView {
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
