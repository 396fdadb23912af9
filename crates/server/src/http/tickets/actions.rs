//! Acting on a ticket from the console: take, assign, reply, note, change
//! priority or topic, transfer, resolve, close — each through the core's
//! `act` with the caller's permission check.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use switchboard_domain::ids::OperatorId;
use switchboard_domain::intake;
use switchboard_domain::ticket::{Action, Priority, ProblemChoice, Ticket};
use switchboard_store::{Operator, Role, StoreError};
use utoipa::ToSchema;

use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::customer::MessageRequest;
use crate::http::input::{ApiJson, Submission};
use crate::http::scope::ScopedTicket;
use crate::http::views::StaffTicketView;
use crate::state::AppState;
use switchboard_core::CoreError;
use switchboard_core::conversation::StaffMessage;

use super::full_view;

fn not_yours() -> CoreError {
    CoreError::refused(
        switchboard_core::RefusalKind::Forbidden,
        "assigned_to_someone_else",
        "Обращение назначено другому сотруднику; переназначить может руководитель смены",
        "The ticket is assigned to someone else; a supervisor can reassign it",
    )
}

fn missing_skill() -> CoreError {
    CoreError::refused(
        switchboard_core::RefusalKind::Forbidden,
        "missing_skill",
        "У сотрудника нет навыка для этой темы",
        "The operator does not have the skill for this topic",
    )
}

/// Operators work on unassigned tickets and their own; supervisors on any.
pub(crate) fn may_work_on(
    staff: &StaffAuth,
) -> impl Fn(&Ticket) -> Result<(), CoreError> + Send + Sync + '_ {
    move |t: &Ticket| match t.assignee {
        Some(a) if a != staff.0.id && !staff.is_supervisor() => Err(not_yours()),
        _ => Ok(()),
    }
}

/// The access rule and "not someone else's" together, for actions that
/// load their tickets themselves (merges).
pub(crate) fn may_act<'a>(
    state: &'a AppState,
    staff: &'a StaffAuth,
) -> impl Fn(&Ticket) -> Result<(), CoreError> + Send + Sync + 'a {
    move |t: &Ticket| {
        state.core.check_scope(&staff.0, t)?;
        may_work_on(staff)(t)
    }
}

fn has_skill(state: &AppState, op: &Operator, t: &Ticket) -> bool {
    op.role != Role::Operator
        || state
            .catalog()
            .topic(&t.line, &t.topic)
            .is_none_or(|(_, topic)| op.skills.contains(&topic.skill))
}

/// Applies a staff action to a ticket the caller may see, checking the
/// access rule again on the ticket as the action finds it.
async fn run(
    state: &AppState,
    staff: &StaffAuth,
    ticket: &Ticket,
    action: Action,
    allow: switchboard_core::act::Allow<'_>,
) -> Result<Json<StaffTicketView>, ApiError> {
    let scoped = |t: &Ticket| {
        state.core.check_scope(&staff.0, t)?;
        allow(t)
    };
    let t = state
        .core
        .act(ticket.id, &staff.actor(), &action, &scoped)
        .await?;
    Ok(Json(full_view(state, &t).await?))
}

/// A reply or a note: judged and stored through the conversation writer,
/// with the reply's route to the customer.
async fn post(
    state: &AppState,
    staff: &StaffAuth,
    t: Ticket,
    submission: Submission<MessageRequest>,
    internal: bool,
) -> Result<Json<StaffTicketView>, ApiError> {
    if !internal {
        may_work_on(staff)(&t)?;
    }
    let message = StaffMessage {
        operator: staff.0.id,
        supervisor: staff.is_supervisor(),
        text: submission.data.body,
        files: submission.files,
        internal,
        client_id: None,
    };
    let core = state.core.clone();
    core.post_staff(&t, message).await?.wait(&core).await?;
    let t = state.store.ticket(t.id).await?;
    Ok(Json(full_view(state, &t).await?))
}

/// Take the ticket: assign it to myself.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/take", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), responses((status = 200, body = StaffTicketView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn take(
    State(state): State<AppState>,
    ScopedTicket { staff, ticket }: ScopedTicket,
) -> Result<Json<StaffTicketView>, ApiError> {
    let allow = |t: &Ticket| {
        may_work_on(&staff)(t)?;
        if has_skill(&state, &staff.0, t) {
            Ok(())
        } else {
            Err(missing_skill())
        }
    };
    run(&state, &staff, &ticket, Action::Assign(staff.0.id), &allow).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// The operator to give the ticket to; `null` puts it back in the queue.
    pub operator_id: Option<i64>,
}

async fn target_operator(state: &AppState, id: i64) -> Result<Operator, ApiError> {
    match state.store.operator(OperatorId(id)).await {
        Ok(op) if op.active => Ok(op),
        Ok(_) | Err(StoreError::NotFound) => Err(ApiError::field(
            "operator_id",
            "unknown_operator",
            "Нет такого активного сотрудника",
            "No such active operator",
        )),
        Err(e) => Err(e.into()),
    }
}

/// Give the ticket to a named operator, or back to the queue (supervisors).
#[utoipa::path(post, path = "/api/v1/tickets/{number}/assign", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), request_body = AssignRequest,
    responses((status = 200, body = StaffTicketView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn assign(
    State(state): State<AppState>,
    ScopedTicket { staff, ticket }: ScopedTicket,
    ApiJson(req): ApiJson<AssignRequest>,
) -> Result<Json<StaffTicketView>, ApiError> {
    staff.require_supervisor()?;
    let (action, target) = match req.operator_id {
        Some(id) => {
            let op = target_operator(&state, id).await?;
            (Action::Assign(op.id), Some(op))
        }
        None => (Action::Unassign, None),
    };
    let allow = |t: &Ticket| match &target {
        Some(op) if !has_skill(&state, op, t) => Err(missing_skill()),
        _ => Ok(()),
    };
    run(&state, &staff, &ticket, action, &allow).await
}

/// Answer the customer (they are notified by their chosen channel).
#[utoipa::path(post, path = "/api/v1/tickets/{number}/replies", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), request_body = MessageRequest,
    responses((status = 200, body = StaffTicketView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn reply(
    State(state): State<AppState>,
    ScopedTicket { staff, ticket }: ScopedTicket,
    submission: Submission<MessageRequest>,
) -> Result<Json<StaffTicketView>, ApiError> {
    // A reply asking the customer for secrets is refused before anything is stored.
    post(&state, &staff, ticket, submission, false).await
}

/// Add an internal note; the customer never sees it.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/notes", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), request_body = MessageRequest,
    responses((status = 200, body = StaffTicketView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn note(
    State(state): State<AppState>,
    ScopedTicket { staff, ticket }: ScopedTicket,
    submission: Submission<MessageRequest>,
) -> Result<Json<StaffTicketView>, ApiError> {
    post(&state, &staff, ticket, submission, true).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityRequest {
    /// low, normal, high or urgent
    pub priority: String,
}

/// Change the priority.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/priority", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), request_body = PriorityRequest,
    responses((status = 200, body = StaffTicketView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn priority(
    State(state): State<AppState>,
    ScopedTicket { staff, ticket }: ScopedTicket,
    ApiJson(req): ApiJson<PriorityRequest>,
) -> Result<Json<StaffTicketView>, ApiError> {
    let p = Priority::parse(&req.priority).ok_or_else(|| {
        ApiError::field(
            "priority",
            "invalid",
            "Приоритет: low, normal, high или urgent",
            "Priority is low, normal, high or urgent",
        )
    })?;
    run(
        &state,
        &staff,
        &ticket,
        Action::ChangePriority(p),
        &may_work_on(&staff),
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicRequest {
    pub line: String,
    pub topic: String,
    /// A problem code of the new topic, or `other` with `problem_text`.
    /// Omitted on a transfer: the current problem is kept in words as "Other".
    #[serde(default)]
    pub problem: Option<String>,
    #[serde(default)]
    pub problem_text: Option<String>,
    /// Transfer only: hand the ticket to this operator in the new queue.
    #[serde(default)]
    pub operator_id: Option<i64>,
}

fn current_problem_words(state: &AppState, t: &Ticket) -> String {
    match &t.problem {
        ProblemChoice::Other(text) => text.clone(),
        ProblemChoice::Listed(code) => state
            .catalog()
            .topic(&t.line, &t.topic)
            .and_then(|(_, topic)| topic.problem(code))
            .map(|p| p.name.ru.clone())
            .unwrap_or_else(|| code.clone()),
    }
}

async fn reclassify(
    state: &AppState,
    staff: &StaffAuth,
    current: Ticket,
    req: TopicRequest,
    transfer: bool,
) -> Result<Json<StaffTicketView>, ApiError> {
    if !transfer && req.operator_id.is_some() {
        return Err(ApiError::field(
            "operator_id",
            "not_allowed",
            "Сотрудника можно указать только при передаче",
            "operator_id is for transfers",
        ));
    }
    let (problem, text) = match req.problem.as_deref() {
        Some(p) => (p.to_owned(), req.problem_text.clone()),
        None if transfer => (
            intake::OTHER_PROBLEM.to_owned(),
            Some(current_problem_words(state, &current)),
        ),
        None => {
            return Err(ApiError::field(
                "problem",
                "required",
                "Выберите проблему",
                "Choose a problem",
            ));
        }
    };
    let (line, topic, choice) = intake::reclassify(
        &state.catalog(),
        &req.line,
        &req.topic,
        &problem,
        text.as_deref(),
    )
    .map_err(ApiError::Validation)?;
    let target = match req.operator_id {
        Some(id) => {
            let op = target_operator(state, id).await?;
            let skill = state
                .catalog()
                .topic(&line, &topic)
                .map(|(_, t)| t.skill.clone())
                .unwrap_or_default();
            if op.role == Role::Operator && !op.skills.contains(&skill) {
                return Err(missing_skill().into());
            }
            Some(op.id)
        }
        None => None,
    };
    let action = Action::ChangeTopic {
        line,
        topic,
        problem: choice,
        assignee: target,
        transfer,
    };
    run(state, staff, &current, action, &may_work_on(staff)).await
}

/// Reclassify the ticket (line, topic, problem); the assignee stays.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/topic", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), request_body = TopicRequest,
    responses((status = 200, body = StaffTicketView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn topic(
    State(state): State<AppState>,
    ScopedTicket { staff, ticket }: ScopedTicket,
    ApiJson(req): ApiJson<TopicRequest>,
) -> Result<Json<StaffTicketView>, ApiError> {
    reclassify(&state, &staff, ticket, req, false).await
}

/// Transfer to another queue (line and topic), optionally to a named operator there.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/transfer", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), request_body = TopicRequest,
    responses((status = 200, body = StaffTicketView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn transfer(
    State(state): State<AppState>,
    ScopedTicket { staff, ticket }: ScopedTicket,
    ApiJson(req): ApiJson<TopicRequest>,
) -> Result<Json<StaffTicketView>, ApiError> {
    reclassify(&state, &staff, ticket, req, true).await
}

/// Mark the ticket resolved.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/resolve", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), responses((status = 200, body = StaffTicketView), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn resolve(
    State(state): State<AppState>,
    ScopedTicket { staff, ticket }: ScopedTicket,
) -> Result<Json<StaffTicketView>, ApiError> {
    run(
        &state,
        &staff,
        &ticket,
        Action::Resolve,
        &may_work_on(&staff),
    )
    .await
}

/// Close a resolved ticket for good.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/close", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), responses((status = 200, body = StaffTicketView), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn close(
    State(state): State<AppState>,
    ScopedTicket { staff, ticket }: ScopedTicket,
) -> Result<Json<StaffTicketView>, ApiError> {
    run(&state, &staff, &ticket, Action::Close, &may_work_on(&staff)).await
}
