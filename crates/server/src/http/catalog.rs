//! The catalog as the "Contact us" form and the console need it.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::views::Names;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemEntry {
    pub code: String,
    pub name: Names,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadyAnswerEntry {
    pub title: Names,
    pub body: Names,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicEntry {
    pub code: String,
    pub name: Names,
    pub skill: String,
    /// `standard` (24 hours) or `complex` (3 business days).
    pub sla: String,
    pub order_expected: bool,
    pub urgent_allowed: bool,
    pub always_urgent: bool,
    pub step_up: bool,
    /// The listed problems; the form always adds "Other" (`other`) after them.
    pub problems: Vec<ProblemEntry>,
    pub ready_answers: Vec<ReadyAnswerEntry>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineEntry {
    pub code: String,
    pub name: Names,
    /// Customer kinds served; empty means all.
    pub customer_kinds: Vec<String>,
    /// False for non-support teams (investors, press, partnerships).
    pub support: bool,
    pub topics: Vec<TopicEntry>,
}

/// Lines, topics and problems, in Russian and English.
#[utoipa::path(get, path = "/api/v1/catalog", tag = "catalog", responses((status = 200, body = Vec<LineEntry>)))]
pub async fn catalog(State(state): State<AppState>) -> Json<Vec<LineEntry>> {
    let lines = state
        .catalog()
        .lines
        .iter()
        .map(|l| LineEntry {
            code: l.code.clone(),
            name: Names::from(&l.name),
            customer_kinds: l
                .customer_kinds
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
            support: l.support,
            topics: l
                .topics
                .iter()
                .map(|t| TopicEntry {
                    code: t.code.clone(),
                    name: Names::from(&t.name),
                    skill: t.skill.clone(),
                    sla: match t.sla {
                        switchboard_domain::catalog::SlaClass::Standard => "standard",
                        switchboard_domain::catalog::SlaClass::Complex => "complex",
                    }
                    .into(),
                    order_expected: t.order_expected,
                    urgent_allowed: t.urgent_allowed,
                    always_urgent: t.always_urgent,
                    step_up: t.step_up,
                    problems: t
                        .problems
                        .iter()
                        .map(|p| ProblemEntry {
                            code: p.code.clone(),
                            name: Names::from(&p.name),
                        })
                        .collect(),
                    ready_answers: t
                        .answers
                        .iter()
                        .map(|a| ReadyAnswerEntry {
                            title: Names::from(&a.title),
                            body: Names::from(&a.body),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Json(lines)
}
