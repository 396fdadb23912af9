//! The operator console's ticket API: list with filters, read (with internal
//! notes and the audit log), take, assign, reply, note, reclassify, transfer,
//! change priority, resolve, close.
//!
//! Operators act on unassigned tickets and their own; a ticket assigned to
//! someone else is a supervisor's to move. Internal notes are always allowed.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use switchboard_domain::ids::{OperatorId, TicketNumber};
use switchboard_domain::intake;
use switchboard_domain::ticket::{Action, Priority, ProblemChoice, Status, Ticket};
use switchboard_store::{AssigneeFilter, Operator, Role, SlaFilter, StoreError, TicketFilter};
use utoipa::{IntoParams, ToSchema};

use crate::auth::StaffAuth;
use crate::error::{ApiError, Problem};
use crate::http::attachments::{FileResponse, download};
use crate::http::customer::MessageRequest;
use crate::http::input::{ApiJson, Submission};
use crate::http::views::{EventView, NotificationView, StaffTicketView};
use crate::state::AppState;
use switchboard_core::CoreError;
use switchboard_core::conversation::StaffMessage;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub line: Option<String>,
    pub topic: Option<String>,
    /// new, with_bot, queued, assigned, waiting_for_customer, resolved, closed
    pub status: Option<String>,
    /// low, normal, high, urgent
    pub priority: Option<String>,
    /// `me`, `none`, or an operator id
    pub assignee: Option<String>,
    /// Page: tickets older than this number.
    pub before: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<u32>,
    /// Supervisors' deadline lists: `at_risk`, `breached` or `attention` (both).
    pub sla: Option<String>,
}

fn query_error(field: &'static str, ru: &str, en: &str) -> ApiError {
    ApiError::field(field, "invalid", ru, en)
}

pub(crate) fn parse_number(raw: &str) -> Result<TicketNumber, ApiError> {
    TicketNumber::parse(raw).map_err(|_| ApiError::not_found())
}

/// Tickets, newest first, filtered.
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", security(("staff" = [])), params(ListQuery),
    responses((status = 200, body = Vec<StaffTicketView>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    staff: StaffAuth,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<StaffTicketView>>, ApiError> {
    let Query(q) = query.map_err(|e| {
        ApiError::bad_request(
            "invalid_query",
            "Параметры запроса заданы неверно",
            e.body_text(),
        )
    })?;
    let mut filter = TicketFilter {
        line: q.line.filter(|s| !s.is_empty()),
        topic: q.topic.filter(|s| !s.is_empty()),
        limit: q.limit.unwrap_or(50),
        ..TicketFilter::default()
    };
    if !(1..=200).contains(&filter.limit) {
        return Err(query_error(
            "limit",
            "limit — от 1 до 200",
            "limit is 1 to 200",
        ));
    }
    if let Some(s) = q.status.as_deref().filter(|s| !s.is_empty()) {
        filter.status = Some(
            Status::parse(s)
                .ok_or_else(|| query_error("status", "Неизвестный статус", "Unknown status"))?,
        );
    }
    if let Some(p) = q.priority.as_deref().filter(|s| !s.is_empty()) {
        filter.priority =
            Some(Priority::parse(p).ok_or_else(|| {
                query_error("priority", "Неизвестный приоритет", "Unknown priority")
            })?);
    }
    filter.assignee = match q.assignee.as_deref() {
        None | Some("") => None,
        Some("me") => Some(AssigneeFilter::Operator(staff.0.id)),
        Some("none") => Some(AssigneeFilter::Unassigned),
        Some(id) => Some(AssigneeFilter::Operator(OperatorId(id.parse().map_err(
            |_| {
                query_error(
                    "assignee",
                    "assignee — me, none или id сотрудника",
                    "assignee is me, none or an operator id",
                )
            },
        )?))),
    };
    if let Some(b) = q.before.as_deref().filter(|s| !s.is_empty()) {
        let n = TicketNumber::parse(b).map_err(|_| {
            query_error("before", "Неверный номер обращения", "Not a ticket number")
        })?;
        filter.before = Some(n.id());
    }
    let now = state.clock.now();
    filter.sla = match q.sla.as_deref() {
        None | Some("") => None,
        Some("at_risk") => Some(SlaFilter::AtRisk { now }),
        Some("breached") => Some(SlaFilter::Breached { now }),
        Some("attention") => Some(SlaFilter::Attention { now }),
        Some(_) => {
            return Err(query_error(
                "sla",
                "sla — at_risk, breached или attention",
                "sla is at_risk, breached or attention",
            ));
        }
    };
    let tickets = state.store.list_tickets(&filter).await?;
    Ok(Json(
        tickets
            .iter()
            .map(|t| StaffTicketView::new(&state.catalog, t, None).with_sla(&state.rules, t, now))
            .collect(),
    ))
}

pub(crate) async fn full_view(state: &AppState, t: &Ticket) -> Result<StaffTicketView, ApiError> {
    let messages = state.core.dialogue(t, true).await?;
    let mut view = StaffTicketView::new(&state.catalog, t, Some(&messages)).with_sla(
        &state.rules,
        t,
        state.clock.now(),
    );
    if let Some(m) = state.store.ticket_merge(t.id).await? {
        view.merged_into =
            Some(switchboard_domain::ids::TicketNumber::from_id(m.target).to_string());
    }
    Ok(view)
}

/// One ticket with the whole dialogue, internal notes included.
#[utoipa::path(get, path = "/api/v1/tickets/{number}", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), responses((status = 200, body = StaffTicketView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    _staff: StaffAuth,
    Path(number): Path<String>,
) -> Result<Json<StaffTicketView>, ApiError> {
    let t = state.store.ticket(parse_number(&number)?.id()).await?;
    Ok(Json(full_view(&state, &t).await?))
}

/// The ticket's audit log, oldest first.
#[utoipa::path(get, path = "/api/v1/tickets/{number}/events", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), responses((status = 200, body = Vec<EventView>), (status = 404, body = Problem)))]
pub async fn events(
    State(state): State<AppState>,
    _staff: StaffAuth,
    Path(number): Path<String>,
) -> Result<Json<Vec<EventView>>, ApiError> {
    let t = state.store.ticket(parse_number(&number)?.id()).await?;
    let events = state.store.events(t.id).await?;
    Ok(Json(events.iter().map(EventView::from).collect()))
}

/// What the customer was sent about this ticket, and whether it arrived.
#[utoipa::path(get, path = "/api/v1/tickets/{number}/notifications", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), responses((status = 200, body = Vec<NotificationView>), (status = 404, body = Problem)))]
pub async fn notifications(
    State(state): State<AppState>,
    _staff: StaffAuth,
    Path(number): Path<String>,
) -> Result<Json<Vec<NotificationView>>, ApiError> {
    let t = state.store.ticket(parse_number(&number)?.id()).await?;
    let list = state.store.ticket_outbound(t.id).await?;
    Ok(Json(list.iter().map(NotificationView::from).collect()))
}

/// Download a file of this ticket (internal notes' files included).
#[utoipa::path(get, path = "/api/v1/tickets/{number}/attachments/{id}", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path), ("id" = String, Path)), responses((status = 200, description = "the file"), (status = 404, body = Problem)))]
pub async fn attachment(
    State(state): State<AppState>,
    _staff: StaffAuth,
    Path((number, id)): Path<(String, String)>,
) -> Result<FileResponse, ApiError> {
    let t = state.store.ticket(parse_number(&number)?.id()).await?;
    download(&state, t.id, &id, true).await
}

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

fn has_skill(state: &AppState, op: &Operator, t: &Ticket) -> bool {
    op.role != Role::Operator
        || state
            .catalog
            .topic(&t.line, &t.topic)
            .is_none_or(|(_, topic)| op.skills.contains(&topic.skill))
}

async fn run(
    state: &AppState,
    staff: &StaffAuth,
    number: &str,
    action: Action,
    allow: switchboard_core::act::Allow<'_>,
) -> Result<Json<StaffTicketView>, ApiError> {
    let number = parse_number(number)?;
    let t = state
        .core
        .act(number.id(), &staff.actor(), &action, allow)
        .await?;
    Ok(Json(full_view(state, &t).await?))
}

/// A reply or a note: judged and stored through the conversation writer,
/// with the reply's route to the customer.
async fn post(
    state: &AppState,
    staff: &StaffAuth,
    number: &str,
    submission: Submission<MessageRequest>,
    internal: bool,
) -> Result<Json<StaffTicketView>, ApiError> {
    let n = parse_number(number)?;
    let t = state.store.ticket(n.id()).await?;
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
    staff: StaffAuth,
    Path(number): Path<String>,
) -> Result<Json<StaffTicketView>, ApiError> {
    let allow = |t: &Ticket| {
        may_work_on(&staff)(t)?;
        if has_skill(&state, &staff.0, t) {
            Ok(())
        } else {
            Err(missing_skill())
        }
    };
    run(&state, &staff, &number, Action::Assign(staff.0.id), &allow).await
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
    staff: StaffAuth,
    Path(number): Path<String>,
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
    run(&state, &staff, &number, action, &allow).await
}

/// Answer the customer (they are notified by their chosen channel).
#[utoipa::path(post, path = "/api/v1/tickets/{number}/replies", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), request_body = MessageRequest,
    responses((status = 200, body = StaffTicketView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn reply(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(number): Path<String>,
    submission: Submission<MessageRequest>,
) -> Result<Json<StaffTicketView>, ApiError> {
    // A reply asking the customer for secrets is refused before anything is stored.
    post(&state, &staff, &number, submission, false).await
}

/// Add an internal note; the customer never sees it.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/notes", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), request_body = MessageRequest,
    responses((status = 200, body = StaffTicketView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn note(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(number): Path<String>,
    submission: Submission<MessageRequest>,
) -> Result<Json<StaffTicketView>, ApiError> {
    post(&state, &staff, &number, submission, true).await
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
    staff: StaffAuth,
    Path(number): Path<String>,
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
        &number,
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
            .catalog
            .topic(&t.line, &t.topic)
            .and_then(|(_, topic)| topic.problem(code))
            .map(|p| p.name.ru.clone())
            .unwrap_or_else(|| code.clone()),
    }
}

async fn reclassify(
    state: &AppState,
    staff: &StaffAuth,
    number: &str,
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
    let n = parse_number(number)?;
    let current = state.store.ticket(n.id()).await?;
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
        &state.catalog,
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
                .catalog
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
    run(state, staff, number, action, &may_work_on(staff)).await
}

/// Reclassify the ticket (line, topic, problem); the assignee stays.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/topic", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), request_body = TopicRequest,
    responses((status = 200, body = StaffTicketView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn topic(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(number): Path<String>,
    ApiJson(req): ApiJson<TopicRequest>,
) -> Result<Json<StaffTicketView>, ApiError> {
    reclassify(&state, &staff, &number, req, false).await
}

/// Transfer to another queue (line and topic), optionally to a named operator there.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/transfer", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), request_body = TopicRequest,
    responses((status = 200, body = StaffTicketView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn transfer(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(number): Path<String>,
    ApiJson(req): ApiJson<TopicRequest>,
) -> Result<Json<StaffTicketView>, ApiError> {
    reclassify(&state, &staff, &number, req, true).await
}

/// Mark the ticket resolved.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/resolve", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)), responses((status = 200, body = StaffTicketView), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn resolve(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(number): Path<String>,
) -> Result<Json<StaffTicketView>, ApiError> {
    run(
        &state,
        &staff,
        &number,
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
    staff: StaffAuth,
    Path(number): Path<String>,
) -> Result<Json<StaffTicketView>, ApiError> {
    run(&state, &staff, &number, Action::Close, &may_work_on(&staff)).await
}
