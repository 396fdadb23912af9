//! Makes the generated OpenAPI document tell what the server does with bad
//! requests, for every operation at once (the handlers' annotations list
//! their successes and the errors of their own logic):
//!
//! - every error is `application/problem+json` with the `Problem` schema;
//! - every operation may answer 400 (a malformed query, a control character
//!   in the path or query — refused before routing);
//! - one with a path parameter, 404; one that needs a token, 401 and 403;
//! - one with a body, 413, 415 and 422 (and 400 for a malformed body);
//! - one with query parameters, 422 (a value out of range);
//! - one that changes something for a signed-in caller, 409 (the ticket or
//!   record changed meanwhile, an illegal transition).
//!
//! - one anyone may call without a staff session (`throttle::is_public`),
//!   429 with `Retry-After`: the per-address and per-customer rate limits.
//!
//! A `{number}` of a ticket or chat path gets the pattern `TicketNumber`
//! parses, so a generated client (and the fuzzer) knows what a number is.
//! 410 is left to the annotations of the operations that give it.
//!
//! Request bodies get the rules their handlers enforce (`bodies`).

mod bodies;

use serde_json::{Map, Value, json};
use switchboard_domain::ids::TicketNumber;

const PROBLEM: &str = "application/problem+json";

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Malformed request: body, query, or control characters in the path or query",
        401 => "No valid token",
        403 => "Not allowed for this role or outside the caller's lines",
        404 => "No such resource (or not yours)",
        409 => "Conflict: it changed meanwhile, or the action is not possible in its state",
        410 => "Gone: expired",
        413 => "The body is too large",
        415 => "Unsupported content type",
        422 => "Invalid fields (one entry per field)",
        429 => "Too many requests",
        _ => "Error",
    }
}

fn problem_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { PROBLEM: { "schema": { "$ref": "#/components/schemas/Problem" } } }
    })
}

fn ticket_number_pattern(op: &mut Map<String, Value>) {
    let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
        return;
    };
    for p in params
        .iter_mut()
        .filter(|p| p["in"] == "path" && p["name"] == "number")
    {
        p["schema"] = json!({"type": "string", "pattern": TicketNumber::PATTERN});
    }
}

/// Rewrites `doc` (the document utoipa generated) in place.
pub fn truthful(doc: &mut Value) {
    bodies::constrain(doc);
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if let Some(op) = op.as_object_mut() {
                complete(path, method, op);
            }
        }
    }
}

fn complete(path: &str, method: &str, op: &mut Map<String, Value>) {
    let secured = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .any(|r| r.as_object().is_some_and(|o| !o.is_empty()))
        });
    let has_body = op.contains_key("requestBody");
    let params = op.get("parameters").and_then(Value::as_array);
    let has_query = params.is_some_and(|p| p.iter().any(|p| p["in"] == "query"));
    let mut statuses = vec![400];
    if path.contains('{') {
        statuses.push(404);
    }
    if secured {
        statuses.extend([401, 403]);
    }
    if has_body {
        statuses.extend([413, 415, 422]);
    }
    if has_query {
        statuses.push(422);
    }
    if secured && method != "get" {
        statuses.push(409);
    }
    if crate::http::throttle::is_public(path) {
        statuses.push(429);
    }
    if path.contains("tickets/{number}") || path.contains("chats/{number}") {
        ticket_number_pattern(op);
    }
    let responses = op
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut();
    let Some(responses) = responses else {
        return;
    };
    for status in statuses {
        responses
            .entry(status.to_string())
            .or_insert_with(|| problem_response(reason(status)));
    }
    // Errors the annotations listed: the same media type and schema.
    for (status, response) in responses.iter_mut() {
        let error = status.parse::<u16>().is_ok_and(|s| s >= 400);
        if error && let Some(r) = response.as_object_mut() {
            r.insert(
                "content".into(),
                json!({ PROBLEM: { "schema": { "$ref": "#/components/schemas/Problem" } } }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_is_problem_json_and_the_generic_ones_are_listed() {
        let doc = crate::http::openapi();
        let take = &doc["paths"]["/api/v1/tickets/{number}/take"]["post"]["responses"];
        for status in ["400", "401", "403", "404", "409"] {
            assert!(take[status].is_object(), "take lacks {status}");
        }
        assert!(take["415"].is_null(), "take has no body");
        let form = &doc["paths"]["/api/v1/customer/tickets"]["post"]["responses"];
        for status in ["400", "401", "413", "415", "422"] {
            assert_eq!(
                form[status]["content"][PROBLEM]["schema"]["$ref"], "#/components/schemas/Problem",
                "{status}"
            );
        }
        assert!(
            take["429"].is_null(),
            "staff operations are not rate-limited"
        );
        assert!(form["429"].is_object(), "public operations are");
        let number = &doc["paths"]["/api/v1/tickets/{number}/take"]["post"]["parameters"][0];
        assert_eq!(number["schema"]["pattern"], TicketNumber::PATTERN);
        // Two views of one name would share one schema, and one of the two
        // operations would be described with the other's answer.
        let ticket_events = &doc["paths"]["/api/v1/tickets/{number}/events"]["get"]["responses"]["200"]
            ["content"]["application/json"]["schema"]["items"]["$ref"];
        let call_event = &doc["paths"]["/api/v1/cti/calls/{call_id}/events"]["post"]["responses"]["200"]
            ["content"]["application/json"]["schema"]["$ref"];
        assert_ne!(ticket_events, call_event);
        let health = &doc["paths"]["/healthz"]["get"]["responses"];
        assert!(health["401"].is_null());
        assert!(health["400"].is_object());
    }
}
