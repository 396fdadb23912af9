//! The CTI API a PBX talks to (issue 11): PBX-neutral JSON over HTTP,
//! authenticated with the configured bearer token (`[phone] cti_token`).
//! `POST /api/v1/cti/calls` asks what to do with a call (idempotent by
//! `call_id`: asking again answers the same); `POST …/calls/{id}/events`
//! reports ringing, answered, hang-up, missed and abandoned. Asterisk (ARI),
//! Kamailio (`http_client`) or a cloud PBX's webhook all speak it.

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use switchboard_core::phone::{CallOffer, EventOutcome};
use switchboard_domain::phone::call::CallEventKind;
use switchboard_domain::phone::{Announce, Call, Decision};
use utoipa::ToSchema;

use crate::auth::bearer_token;
use crate::error::{ApiError, Problem};
use crate::http::input::ApiJson;
use crate::state::AppState;

/// A request from the PBX (the configured CTI token).
pub struct PbxAuth;

impl FromRequestParts<AppState> for PbxAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(expected) = &state.cti_token else {
            return Err(ApiError::forbidden(
                "cti_not_configured",
                "CTI API выключен: задайте phone.cti_token",
                "The CTI API is off: set phone.cti_token",
            ));
        };
        let given = bearer_token(parts).unwrap_or("");
        // Compared as digests so the time taken says nothing about the token.
        let a = Sha256::digest(given.as_bytes());
        let b = Sha256::digest(expected.expose().as_bytes());
        if a.iter()
            .zip(b.iter())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
        {
            Ok(PbxAuth)
        } else {
            Err(ApiError::unauthorized(
                "cti_token_invalid",
                "Неверный токен CTI",
                "The CTI token is missing or wrong",
            ))
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallRequest {
    /// The PBX's id of the call: 1–128 visible ASCII characters.
    pub call_id: String,
    /// The number called (E.164, or a SIP/tel URI with it).
    pub to: String,
    /// The caller id as the PBX has it; absent or `anonymous`: withheld.
    #[serde(default)]
    pub from: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetView {
    pub login: String,
    pub operator_id: i64,
    /// The operator's SIP address (`[phone] operator_uri`).
    pub uri: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnnouncementView {
    /// `off_hours`, `not_eligible` or `no_operators`.
    pub code: String,
    /// `ru` or `en`.
    pub locale: String,
    pub text: String,
    /// The sound file's name in the profile: `<code>.<locale>`.
    pub sound: String,
    /// After it: offer a callback (true; the request is already recorded) or hang up.
    pub offer_callback: bool,
    pub opens_at: Option<String>,
}

/// The decision, with the call as Switchboard keeps it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneCallView {
    pub call_id: String,
    /// `reject`, `announce` or `connect`.
    pub action: String,
    /// A SIP final response for PBXs that want one: 603 for a rejection,
    /// 480 after an announcement; absent for `connect`.
    pub sip_code: Option<u16>,
    pub reason: Option<String>,
    pub announcement: Option<AnnouncementView>,
    /// Operators to ring, in order (connect).
    pub targets: Vec<TargetView>,
    /// The first target's address, for PBXs that dial one.
    pub uri: Option<String>,
    pub ring_timeout_secs: Option<i64>,
    pub number: String,
    pub line: String,
    /// The caller's E.164 number (absent: withheld or not a number).
    pub caller: Option<String>,
    pub customer: Option<String>,
    /// `offered`, `ringing`, `answered` or `ended`.
    pub state: String,
    /// `answered`, `missed`, `abandoned`, `rejected` or `off_hours` once ended.
    pub outcome: Option<String>,
    pub operator_id: Option<i64>,
    pub offered_at: String,
    pub answered_at: Option<String>,
    pub ended_at: Option<String>,
    pub timed_out: bool,
    /// The ticket the call is attached to.
    pub ticket: Option<String>,
}

fn announcement(a: &Announce) -> AnnouncementView {
    AnnouncementView {
        code: a.code.clone(),
        locale: a.locale.as_str().into(),
        text: a.text.clone(),
        sound: format!("{}.{}", a.code, a.locale.as_str()),
        offer_callback: a.offer_callback,
        opens_at: a.opens_at.map(|t| t.to_string()),
    }
}

pub fn call_view(state: &AppState, c: &Call) -> PhoneCallView {
    let targets: Vec<TargetView> = c
        .decision
        .targets()
        .iter()
        .map(|t| TargetView {
            login: t.login.clone(),
            operator_id: t.operator.0,
            uri: state.operator_uri.replace("{login}", &t.login),
        })
        .collect();
    let (sip_code, reason, ann, ring) = match &c.decision {
        Decision::Reject { reason } => (Some(603), Some(reason.clone()), None, None),
        Decision::Announce(a) => (Some(480), None, Some(announcement(a)), None),
        Decision::Connect {
            ring_timeout_secs, ..
        } => (None, None, None, Some(*ring_timeout_secs)),
    };
    PhoneCallView {
        call_id: c.call_id.clone(),
        action: c.decision.action().into(),
        sip_code,
        reason,
        announcement: ann,
        uri: targets.first().map(|t| t.uri.clone()),
        targets,
        ring_timeout_secs: ring,
        number: c.number.as_str().into(),
        line: c.line.clone(),
        caller: c.caller.number().map(|n| n.as_str().into()),
        customer: c
            .requester
            .as_ref()
            .and_then(|r| r.customer())
            .map(|id| id.as_str().into()),
        state: c.state.as_str().into(),
        outcome: c.outcome.map(|o| o.as_str().into()),
        operator_id: c.operator.map(|o| o.0),
        offered_at: c.offered_at.to_string(),
        answered_at: c.answered_at.map(|t| t.to_string()),
        ended_at: c.ended_at.map(|t| t.to_string()),
        timed_out: c.timed_out,
        ticket: c
            .ticket
            .map(|t| switchboard_domain::ids::TicketNumber::from_id(t).to_string()),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    #[serde(flatten)]
    pub call: PhoneCallView,
    /// This call id was asked about before: the same decision again.
    pub repeated: bool,
}

/// What to do with a call (one decision per call id).
#[utoipa::path(post, path = "/api/v1/cti/calls", tag = "cti", security(("cti" = [])),
    request_body = CallRequest,
    responses((status = 200, body = DecisionView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    _pbx: PbxAuth,
    ApiJson(req): ApiJson<CallRequest>,
) -> Result<Json<DecisionView>, ApiError> {
    let offered = state
        .core
        .offer_call(&CallOffer {
            call_id: req.call_id,
            to: req.to,
            from: req.from,
        })
        .await?;
    Ok(Json(DecisionView {
        call: call_view(&state, &offered.call),
        repeated: offered.repeated,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRequest {
    /// `ringing`, `answered`, `hangup`, `missed` or `abandoned`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The login of the operator the call rings (`ringing`, `answered`).
    #[serde(default)]
    pub operator: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallEventView {
    /// `applied`, `repeat` (the same event again: nothing changed) or
    /// `stale` (late news: nothing changed).
    pub result: String,
    pub call: PhoneCallView,
    /// The callback task the call left, if this event left one.
    pub callback_id: Option<i64>,
}

/// What happened to a call.
#[utoipa::path(post, path = "/api/v1/cti/calls/{call_id}/events", tag = "cti", security(("cti" = [])),
    params(("call_id" = String, Path)), request_body = EventRequest,
    responses((status = 200, body = CallEventView), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn event(
    State(state): State<AppState>,
    _pbx: PbxAuth,
    Path(call_id): Path<String>,
    ApiJson(req): ApiJson<EventRequest>,
) -> Result<Json<CallEventView>, ApiError> {
    let kind = CallEventKind::parse(&req.kind).ok_or_else(|| {
        ApiError::field(
            "type",
            "invalid",
            "Тип события: ringing, answered, hangup, missed или abandoned",
            "The event type is ringing, answered, hangup, missed or abandoned",
        )
    })?;
    let report = state
        .core
        .call_event(&call_id, kind, req.operator.as_deref())
        .await?;
    Ok(Json(CallEventView {
        result: match report.outcome {
            EventOutcome::Applied => "applied",
            EventOutcome::Repeat => "repeat",
            EventOutcome::Stale => "stale",
        }
        .into(),
        call: call_view(&state, &report.call),
        callback_id: report.callback.map(|c| c.id),
    }))
}
