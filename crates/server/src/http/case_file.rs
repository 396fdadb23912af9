//! The case file (SPEC §5): one ZIP per ticket with a PDF of the public
//! dialogue across channels (merged tickets too), the claim and its
//! deadline, the attachments and their checksums. The customer downloads
//! their own ticket's (another's is a 404); staff any ticket in their scope
//! (`ScopedTicket`). Both get the same document: internal notes are never
//! read, and secrets were masked before they were stored.

use std::collections::HashMap;

use axum::extract::{Path, State};
use switchboard_casefile::{Attachment, CaseFile, Entry, Fact};
use switchboard_domain::deadline::TargetKind;
use switchboard_domain::ids::{ContentHash, TicketId, TicketNumber};
use switchboard_domain::ticket::{
    Actor, Channel, Requester, Status, Ticket, TicketEvent, TicketKind,
};
use switchboard_store::Visibility;

use crate::auth::CustomerAuth;
use crate::error::{ApiError, Problem};
use crate::http::attachments::FileResponse;
use crate::http::scope::ScopedTicket;
use crate::http::views::classification;
use crate::state::AppState;

/// Download my ticket's case file: a ZIP with a PDF (number, dates, parties,
/// the whole public dialogue with times, the claim and its deadline, the
/// attachments with SHA-256), the attached files and `SHA256SUMS`.
#[utoipa::path(get, path = "/api/v1/customer/tickets/{number}/case-file", tag = "customer", security(("customer" = [])),
    params(("number" = String, Path, description = "Ticket number, e.g. SB-000123")),
    responses((status = 200, description = "the case file (application/zip)"), (status = 404, body = Problem)))]
pub async fn customer_case_file(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path(number): Path<String>,
) -> Result<FileResponse, ApiError> {
    let ticket = crate::http::customer::owned_ticket(&state, &customer, &number).await?;
    case_file(&state, &ticket).await
}

/// Download a ticket's case file, exactly as its customer gets it (no
/// internal notes).
#[utoipa::path(get, path = "/api/v1/tickets/{number}/case-file", tag = "tickets", security(("staff" = [])),
    params(("number" = String, Path)),
    responses((status = 200, description = "the case file (application/zip)"), (status = 404, body = Problem)))]
pub async fn staff_case_file(
    State(state): State<AppState>,
    ScopedTicket { ticket, .. }: ScopedTicket,
) -> Result<FileResponse, ApiError> {
    case_file(&state, &ticket).await
}

async fn case_file(state: &AppState, t: &Ticket) -> Result<FileResponse, ApiError> {
    let case = gather(state, t).await?;
    let bundle = tokio::task::spawn_blocking(move || switchboard_casefile::bundle(&case))
        .await
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("rendering a case file")))?
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("rendering a case file")))?;
    Ok(FileResponse::new(
        "application/zip".into(),
        bundle.file_name,
        bundle.bytes,
    ))
}

async fn gather(state: &AppState, t: &Ticket) -> Result<CaseFile, ApiError> {
    let messages = state.core.dialogue(t, false).await?;
    let mut channels: HashMap<TicketId, Channel> = HashMap::from([(t.id, t.channel)]);
    for m in state.store.merged_into(t.id).await? {
        let source = state.store.ticket(m.source).await?;
        channels.insert(source.id, source.channel);
    }
    let mut entries = Vec::new();
    let mut attachments: Vec<Attachment> = Vec::new();
    let mut seen: Vec<ContentHash> = Vec::new();
    for m in messages
        .iter()
        .filter(|m| m.visibility == Visibility::Public)
    {
        for a in &m.attachments {
            if seen.contains(&a.hash) {
                continue;
            }
            let bytes = state.core.files.get(&a.hash).await.map_err(|e| {
                ApiError::Internal(
                    anyhow::Error::new(e)
                        .context(format!("attachment {} is missing on disk", a.hash.as_str())),
                )
            })?;
            seen.push(a.hash.clone());
            attachments.push(Attachment {
                file_name: a.file_name.clone(),
                content_type: a.content_type.clone(),
                bytes,
            });
        }
        entries.push(Entry {
            at: m.created_at,
            author: author(&m.author).into(),
            channel: channel(channels.get(&m.ticket_id).copied().unwrap_or(t.channel)).into(),
            merged_from: (m.ticket_id != t.id)
                .then(|| TicketNumber::from_id(m.ticket_id).to_string()),
            body: m.body.clone(),
            files: m
                .attachments
                .iter()
                .map(|a| a.hash.as_str().to_owned())
                .collect(),
        });
    }
    let mut case = CaseFile {
        number: t.number.to_string(),
        subject: t.subject.clone(),
        zone: state
            .rules()
            .calendars
            .for_line(&t.line)
            .time_zone()
            .clone(),
        generated_at: state.clock.now(),
        facts: Vec::new(),
        parties: Vec::new(),
        claim: None,
        entries,
        attachments,
    };
    case.facts = facts(state, t, &case);
    case.parties = parties(state, t).await?;
    case.claim = claim(state, t, &case).await?;
    Ok(case)
}

fn facts(state: &AppState, t: &Ticket, case: &CaseFile) -> Vec<Fact> {
    let c = classification(&state.catalog(), t);
    let mut facts = vec![
        Fact::new("Номер / Number", t.number.to_string()),
        Fact::new("Статус / Status", status(t.status)),
        Fact::new(
            "Вид / Kind",
            match t.kind {
                TicketKind::Claim => "Претензия / Claim",
                TicketKind::Request => "Обращение / Request",
            },
        ),
        Fact::new(
            "Направление / Line",
            format!("{} / {}", c.line.name.ru, c.line.name.en),
        ),
        Fact::new(
            "Тема / Topic",
            format!("{} / {}", c.topic.name.ru, c.topic.name.en),
        ),
        Fact::new(
            "Проблема / Problem",
            format!("{} / {}", c.problem.name.ru, c.problem.name.en),
        ),
        Fact::new("Канал / Channel", channel(t.channel)),
    ];
    if let Some(o) = &t.order_number {
        facts.push(Fact::new("Заказ / Order", o.to_string()));
    }
    facts.push(Fact::new("Создано / Created", case.when(t.created_at)));
    if let Some(at) = t.first_response_at {
        facts.push(Fact::new("Первый ответ / First response", case.when(at)));
    }
    if let Some(at) = t.resolved_at {
        facts.push(Fact::new("Решено / Resolved", case.when(at)));
    }
    facts.push(Fact::new("Изменено / Updated", case.when(t.updated_at)));
    facts
}

async fn parties(state: &AppState, t: &Ticket) -> Result<Vec<Fact>, ApiError> {
    let customer = match &t.requester {
        Requester::Customer(id) => {
            let c = state.store.customer(id).await?;
            format!("{} (ID {})", c.name, id)
        }
        Requester::Contact(id) => {
            let c = state.store.contact(*id).await?;
            format!("{} ({})", c.name, channel(t.channel))
        }
    };
    let line = classification(&state.catalog(), t).line.name;
    Ok(vec![
        Fact::new("Клиент / Customer", customer),
        Fact::new(
            "Служба поддержки / Support",
            format!("{} / {}", line.ru, line.en),
        ),
    ])
}

/// When the claim was filed, its 10-day deadline (while it runs) and
/// whether it was met.
async fn claim(
    state: &AppState,
    t: &Ticket,
    case: &CaseFile,
) -> Result<Option<Vec<Fact>>, ApiError> {
    if t.kind != TicketKind::Claim {
        return Ok(None);
    }
    let events = state.store.events(t.id).await?;
    let filed = events
        .iter()
        .find(|e| e.event == TicketEvent::ClaimFiled)
        .map(|e| e.at);
    let breached = events.iter().any(|e| {
        filed.is_some_and(|f| e.at >= f)
            && matches!(
                e.event,
                TicketEvent::SlaBreached {
                    target: TargetKind::Resolution,
                    ..
                }
            )
    });
    let due = state
        .rules()
        .deadlines
        .current_policy(t)
        .zip(t.sla.as_ref())
        .and_then(|(p, sla)| {
            sla.deadlines(&p)
                .into_iter()
                .find(|d| d.target == TargetKind::Resolution)
                .map(|d| d.due_at)
        });
    let mut facts = Vec::new();
    if let Some(at) = filed {
        facts.push(Fact::new("Подана / Filed", case.when(at)));
    }
    facts.push(Fact::new(
        "Срок ответа / Deadline",
        match (due, t.resolved_at) {
            (Some(at), _) => case.when(at),
            (None, Some(done)) => format!("ответ дан / answered {}", case.when(done)),
            (None, None) => "—".to_owned(),
        },
    ));
    facts.push(Fact::new(
        "Срок соблюдён / Deadline met",
        if breached {
            "нет, срок нарушен / no, the deadline was missed"
        } else if t.resolved_at.is_some() {
            "да / yes"
        } else {
            "срок идёт / running"
        },
    ));
    Ok(Some(facts))
}

fn author(a: &Actor) -> &'static str {
    match a {
        Actor::Customer(_) | Actor::Contact(_) => "Клиент / Customer",
        Actor::Bot => "Бот / Bot",
        Actor::Operator(_) | Actor::System => "Поддержка / Support",
    }
}

fn channel(c: Channel) -> &'static str {
    match c {
        Channel::Form => "Форма «Связаться с нами» / Contact form",
        Channel::Chat => "Чат / Chat",
        Channel::Email => "Эл. почта / E-mail",
        Channel::Telegram => "Telegram",
        Channel::Vk => "ВКонтакте / VK",
        Channel::Phone => "Телефон / Phone",
    }
}

fn status(s: Status) -> &'static str {
    match s {
        Status::New | Status::WithBot | Status::Queued => "Ждёт специалиста / Waiting for an agent",
        Status::Assigned => "В работе / In progress",
        Status::WaitingForCustomer => "Ждём ответа клиента / Waiting for the customer",
        Status::Resolved => "Решено / Solved",
        Status::Closed => "Закрыто / Closed",
    }
}
