//! The customer's side: profile and orders, "Contact us", "My requests", reply,
//! reopen, claim. Another customer's ticket is always a 404, never a 403, so
//! ticket numbers cannot be probed.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_core::act::Detail;
use switchboard_core::{CoreError, IngestOutcome};
use switchboard_domain::conversation::{ExternalRefs, Inbound, Request, Sender, Target};
use switchboard_domain::ids::TicketNumber;
use switchboard_domain::ticket::{Action, Channel, Ticket};
use switchboard_store::TicketFilter;
use utoipa::ToSchema;

use crate::auth::CustomerAuth;
use crate::error::{ApiError, Problem};
use crate::http::attachments::{FileResponse, download};
use crate::http::input::Submission;
use crate::http::views::{AdviceView, CustomerTicketView, CustomerView};
use crate::state::AppState;

/// The "Contact us" form. Send as JSON, or as multipart/form-data with this
/// object in a part named `data` and up to 5 parts named `file`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketRequest {
    pub line: String,
    pub topic: String,
    /// A problem code from the topic's list, or `other` with `problem_text`.
    pub problem: String,
    #[serde(default)]
    pub problem_text: Option<String>,
    /// Required when the topic is about a purchase; must be one of your orders.
    #[serde(default)]
    pub order_number: Option<String>,
    pub description: String,
    /// Only where the topic allows it.
    #[serde(default)]
    pub urgent: bool,
    /// `email` (default), `push` or `sms`.
    #[serde(default)]
    pub reply_channel: Option<String>,
}

/// A message; as JSON, or multipart with this object in `data` and files in `file` parts.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    pub body: String,
}

fn parse_number(raw: &str) -> Result<TicketNumber, ApiError> {
    // A malformed number can only name a ticket that does not exist.
    TicketNumber::parse(raw).map_err(|_| ApiError::not_found())
}

fn own(customer: &CustomerAuth) -> impl Fn(&Ticket) -> Result<(), CoreError> + Send + Sync + '_ {
    move |t: &Ticket| {
        if t.requester.customer() == Some(&customer.0.id) {
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }
}

/// The customer's tickets, newest first, as the API lists them (also the
/// "My requests" page).
pub(crate) async fn my_tickets(
    state: &AppState,
    customer: &CustomerAuth,
) -> Result<Vec<(Ticket, CustomerTicketView)>, ApiError> {
    let filter = TicketFilter {
        customer: Some(customer.0.id.clone()),
        limit: 200,
        ..TicketFilter::default()
    };
    let tickets = state.store.list_tickets(&filter).await?;
    Ok(tickets
        .into_iter()
        .map(|t| {
            let view = CustomerTicketView::new(&state.catalog(), &t, None)
                .with_reply_due(&state.rules(), &t);
            (t, view)
        })
        .collect())
}

/// One of the customer's tickets with its public dialogue (also the
/// request's page); another customer's is "not found".
pub(crate) async fn my_ticket(
    state: &AppState,
    customer: &CustomerAuth,
    number: &str,
) -> Result<(Ticket, CustomerTicketView), ApiError> {
    let ticket = owned_ticket(state, customer, number).await?;
    let view = full_view(state, &ticket).await?;
    Ok((ticket, view))
}

pub(crate) async fn owned_ticket(
    state: &AppState,
    customer: &CustomerAuth,
    number: &str,
) -> Result<Ticket, ApiError> {
    let number = parse_number(number)?;
    let ticket = state.store.ticket(number.id()).await?;
    own(customer)(&ticket).map_err(|_| ApiError::not_found())?;
    Ok(ticket)
}

async fn full_view(state: &AppState, ticket: &Ticket) -> Result<CustomerTicketView, ApiError> {
    let messages = state.core.dialogue(ticket, false).await?;
    Ok(
        CustomerTicketView::new(&state.catalog(), ticket, Some(&messages))
            .with_reply_due(&state.rules(), ticket),
    )
}

/// My profile and orders, as support sees them.
#[utoipa::path(get, path = "/api/v1/customer/me", tag = "customer", security(("customer" = [])), responses(
    (status = 200, body = CustomerView), (status = 401, body = Problem)))]
pub async fn me(
    State(state): State<AppState>,
    customer: CustomerAuth,
) -> Result<Json<CustomerView>, ApiError> {
    let orders = state.store.customer_orders(&customer.0.id).await?;
    Ok(Json(CustomerView::new(&customer.0, &orders)))
}

/// "Contact us": open a ticket. The answer carries the number and the reply deadline.
/// Card data, codes and passwords are masked before anything is stored (`warnings`
/// says so); a question that repeats one of your open tickets is added to it instead
/// (200, `duplicate_of`); an out-of-scope question gets its answer in `notices`.
#[utoipa::path(post, path = "/api/v1/customer/tickets", tag = "customer", security(("customer" = [])),
    request_body(content = TicketRequest, content_type = "application/json"),
    responses((status = 201, body = CustomerTicketView), (status = 200, body = CustomerTicketView, description = "joined to an open ticket"),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    customer: CustomerAuth,
    submission: Submission<TicketRequest>,
) -> Result<(StatusCode, Json<CustomerTicketView>), ApiError> {
    let r = submission.data;
    let inbound = Inbound {
        sender: Sender::Customer(customer.0.id.clone()),
        channel: Channel::Form,
        refs: ExternalRefs::default(),
        target: Target::New(Request {
            line: r.line,
            topic: r.topic,
            problem: r.problem,
            problem_text: r.problem_text,
            order_number: r.order_number,
            urgent: r.urgent,
            reply_channel: r.reply_channel,
        }),
        text: r.description,
        files: submission.files,
        locale: Some(customer.0.locale),
    };
    let core = state.core.clone();
    let done = core.ingest(inbound).await?.finish(&core).await?;
    let ticket = state.store.ticket(done.ticket).await?;
    let mut view = full_view(&state, &ticket).await?;
    let joined = done.outcome == IngestOutcome::Joined;
    view.duplicate_of = joined.then(|| ticket.number.to_string());
    view.warnings = done.warning.iter().map(AdviceView::from).collect();
    view.notices = done.notices.iter().map(AdviceView::from).collect();
    let status = if joined {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(view)))
}

/// "My requests": my tickets, newest first.
#[utoipa::path(get, path = "/api/v1/customer/tickets", tag = "customer", security(("customer" = [])), responses(
    (status = 200, body = Vec<CustomerTicketView>), (status = 401, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    customer: CustomerAuth,
) -> Result<Json<Vec<CustomerTicketView>>, ApiError> {
    let tickets = my_tickets(&state, &customer).await?;
    Ok(Json(tickets.into_iter().map(|(_, view)| view).collect()))
}

/// One of my tickets with its public dialogue.
#[utoipa::path(get, path = "/api/v1/customer/tickets/{number}", tag = "customer", security(("customer" = [])),
    params(("number" = String, Path, description = "Ticket number, e.g. SB-000123")),
    responses((status = 200, body = CustomerTicketView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path(number): Path<String>,
) -> Result<Json<CustomerTicketView>, ApiError> {
    let (_, view) = my_ticket(&state, &customer, &number).await?;
    Ok(Json(view))
}

/// Reopen or claim with the customer's detail: judged, then one change with
/// the message; fraud makes the ticket urgent.
async fn customer_act(
    state: &AppState,
    customer: &CustomerAuth,
    number: &str,
    action: Action,
    submission: Submission<MessageRequest>,
) -> Result<Json<CustomerTicketView>, ApiError> {
    let number = parse_number(number)?;
    let judged = switchboard_core::judgement::customer_message(&submission.data.body);
    let detail = Detail {
        text: judged.text.clone(),
        files: submission.files,
        events: judged.events.clone(),
    };
    let ticket = state
        .core
        .act_with_detail(
            number.id(),
            &customer.actor(),
            &action,
            detail,
            &own(customer),
        )
        .await?;
    if judged.scope.as_ref().is_some_and(|s| s.urgent) {
        state.core.make_urgent(&ticket).await;
    }
    let ticket = state.store.ticket(ticket.id).await?;
    let mut view = full_view(state, &ticket).await?;
    view.warnings = judged.warning.iter().map(AdviceView::from).collect();
    view.notices = judged
        .scope
        .iter()
        .map(|s| AdviceView::from(&switchboard_core::judgement::scope_advice(s)))
        .collect();
    Ok(Json(view))
}

/// Write more on an open ticket.
#[utoipa::path(post, path = "/api/v1/customer/tickets/{number}/messages", tag = "customer", security(("customer" = [])),
    params(("number" = String, Path)), request_body = MessageRequest,
    responses((status = 200, body = CustomerTicketView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn reply(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path(number): Path<String>,
    submission: Submission<MessageRequest>,
) -> Result<Json<CustomerTicketView>, ApiError> {
    let number = parse_number(&number)?;
    let inbound = Inbound {
        sender: Sender::Customer(customer.0.id.clone()),
        channel: Channel::Form,
        refs: ExternalRefs::default(),
        target: Target::Existing(number),
        text: submission.data.body,
        files: submission.files,
        locale: Some(customer.0.locale),
    };
    let core = state.core.clone();
    let done = core.ingest(inbound).await?.finish(&core).await?;
    let ticket = state.store.ticket(done.ticket).await?;
    let mut view = full_view(&state, &ticket).await?;
    view.warnings = done.warning.iter().map(AdviceView::from).collect();
    view.notices = done.notices.iter().map(AdviceView::from).collect();
    Ok(Json(view))
}

/// Not solved: reopen a resolved ticket with more detail.
#[utoipa::path(post, path = "/api/v1/customer/tickets/{number}/reopen", tag = "customer", security(("customer" = [])),
    params(("number" = String, Path)), request_body = MessageRequest,
    responses((status = 200, body = CustomerTicketView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn reopen(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path(number): Path<String>,
    submission: Submission<MessageRequest>,
) -> Result<Json<CustomerTicketView>, ApiError> {
    customer_act(&state, &customer, &number, Action::Reopen, submission).await
}

/// File a formal pre-trial claim on this ticket (10-day deadline).
#[utoipa::path(post, path = "/api/v1/customer/tickets/{number}/claim", tag = "customer", security(("customer" = [])),
    params(("number" = String, Path)), request_body = MessageRequest,
    responses((status = 200, body = CustomerTicketView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn claim(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path(number): Path<String>,
    submission: Submission<MessageRequest>,
) -> Result<Json<CustomerTicketView>, ApiError> {
    customer_act(&state, &customer, &number, Action::FileClaim, submission).await
}

/// Download a file from my ticket's public dialogue.
#[utoipa::path(get, path = "/api/v1/customer/tickets/{number}/attachments/{id}", tag = "customer", security(("customer" = [])),
    params(("number" = String, Path), ("id" = String, Path)),
    responses((status = 200, description = "the file"), (status = 404, body = Problem)))]
pub async fn attachment(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path((number, id)): Path<(String, String)>,
) -> Result<FileResponse, ApiError> {
    let ticket = owned_ticket(&state, &customer, &number).await?;
    download(&state, ticket.id, &id, false).await
}
