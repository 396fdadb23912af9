//! Customer satisfaction: the rating page a link in an e-mail, SMS or
//! messenger opens (`/rate/{token}`, plain HTML, Russian first with English
//! below, no sign-in: the token is the key), and the signed-in customer's
//! rating of their ticket (what the chat's 1–5 buttons call).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use switchboard_core::CoreError;
use switchboard_core::csat::Rater;
use switchboard_domain::csat::Score;
use utoipa::ToSchema;

use crate::auth::CustomerAuth;
use crate::error::{ApiError, Problem};
use crate::http::input::ApiJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct RatingRequest {
    /// 1 (very bad) to 5 (very good).
    pub score: u8,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RatingView {
    pub number: String,
    pub score: u8,
    /// Whether the rating reopened the ticket.
    pub reopened: bool,
}

fn score(raw: u8) -> Result<Score, ApiError> {
    Score::try_from(raw).map_err(|_| {
        ApiError::field(
            "score",
            "invalid",
            "Оценка — от 1 до 5",
            "The rating is 1 to 5",
        )
    })
}

/// Rate my resolved ticket, once (the chat's rating buttons).
#[utoipa::path(post, path = "/api/v1/customer/tickets/{number}/rating", tag = "customer", security(("customer" = [])),
    params(("number" = String, Path)), request_body = RatingRequest,
    responses((status = 200, body = RatingView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn rate_ticket(
    State(state): State<AppState>,
    customer: CustomerAuth,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<RatingRequest>,
) -> Result<Json<RatingView>, ApiError> {
    let score = score(body.score)?;
    // A malformed number can only name a ticket that does not exist.
    let number =
        switchboard_domain::ids::TicketNumber::parse(&number).map_err(|_| ApiError::not_found())?;
    let ticket = state.store.ticket(number.id()).await?;
    if ticket.requester.actor() != customer.actor() {
        return Err(ApiError::not_found());
    }
    let before = ticket.status;
    let t = state
        .core
        .rate(
            Rater::Customer(&customer.actor(), ticket.id),
            score,
            body.comment.as_deref(),
        )
        .await?;
    Ok(Json(RatingView {
        number: t.number.to_string(),
        score: score.get(),
        reopened: t.status != before,
    }))
}

#[derive(Debug, Deserialize)]
pub struct RatingForm {
    pub score: Option<String>,
    pub comment: Option<String>,
}

/// Text made safe inside HTML elements and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(status: StatusCode, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Оценка обращения · Rate your request</title></head><body><main>{body}</main></body></html>"
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

fn form(token: &str, error: Option<&str>) -> String {
    let mut radios = String::new();
    for n in 1..=5 {
        radios.push_str(&format!(
            "<label><input type=\"radio\" name=\"score\" value=\"{n}\" required> {n}</label> "
        ));
    }
    format!(
        "<h1>Как мы помогли?</h1><p lang=\"en\">How did we do?</p>{}\
         <form method=\"post\" action=\"/rate/{}\"><fieldset><legend>Оценка от 1 до 5 · Rating 1 to 5</legend>{radios}</fieldset>\
         <p><label>Комментарий (необязательно) · Comment (optional)<br>\
         <textarea name=\"comment\" maxlength=\"2000\" rows=\"4\" cols=\"50\"></textarea></label></p>\
         <p><button type=\"submit\">Отправить · Send</button></p></form>",
        error
            .map(|e| format!("<p role=\"alert\">{}</p>", esc(e)))
            .unwrap_or_default(),
        esc(token),
    )
}

fn refusal_page(e: CoreError) -> Response {
    match e {
        CoreError::NotFound => page(
            StatusCode::NOT_FOUND,
            "<h1>Ссылка не найдена</h1><p lang=\"en\">This link is not valid.</p>",
        ),
        CoreError::Refused(r) => page(
            StatusCode::CONFLICT,
            &format!(
                "<h1>{}</h1><p lang=\"en\">{}</p>",
                esc(&r.message.ru),
                esc(&r.message.en)
            ),
        ),
        CoreError::Invalid(fields) => {
            let text: Vec<String> = fields
                .iter()
                .map(|f| format!("{} · {}", f.message.ru, f.message.en))
                .collect();
            page(StatusCode::UNPROCESSABLE_ENTITY, &esc(&text.join("; ")))
        }
        other => ApiError::from(other).into_response(),
    }
}

/// The rating page of a link.
pub async fn rating_page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let hash = switchboard_core::csat::token_hash(&token);
    match state.store.csat_by_token(&hash).await {
        Ok(Some(r)) if r.state == switchboard_store::CsatState::Asked => {
            page(StatusCode::OK, &form(&token, None))
        }
        Ok(Some(_)) => page(
            StatusCode::CONFLICT,
            "<h1>Спасибо, оценка уже получена</h1><p lang=\"en\">Thank you, we already have your rating.</p>",
        ),
        Ok(None) => refusal_page(CoreError::NotFound),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// The rating page's form.
pub async fn rating_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    form_data: Result<axum::Form<RatingForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(axum::Form(f)) = form_data else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form(
                &token,
                Some("Выберите оценку от 1 до 5 · Choose a rating from 1 to 5"),
            ),
        );
    };
    let Some(score) = f.score.as_deref().and_then(|s| Score::parse(s).ok()) else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form(
                &token,
                Some("Выберите оценку от 1 до 5 · Choose a rating from 1 to 5"),
            ),
        );
    };
    match state
        .core
        .rate(Rater::Link(&token), score, f.comment.as_deref())
        .await
    {
        Ok(_) => page(
            StatusCode::OK,
            "<h1>Спасибо за оценку!</h1><p lang=\"en\">Thank you for your rating!</p>",
        ),
        Err(e) => refusal_page(e),
    }
}
