//! The rules the handlers enforce on request bodies, written into the
//! document so that a generated client (and the fuzzer) knows them: closed
//! sets as `enum`, ranges as `minimum`/`maximum`, text that must not be blank
//! and its length, and the one control-character rule
//! (`switchboard_domain::control`) on every other string.
//!
//! The values come from the same constants and code lists the handlers parse
//! with, so the two cannot drift apart. Where a handler trims before it
//! counts, the schema counts the untrimmed text (a little stricter than the
//! server, never looser). CI's API fuzzer checks the other direction: input
//! the schema calls invalid must be refused.

use serde_json::{Map, Value, json};
use switchboard_domain::csat::MAX_COMMENT_CHARS;
use switchboard_domain::customer::CustomerKind;
use switchboard_domain::intake::{MAX_DESCRIPTION_CHARS, MAX_PROBLEM_TEXT_CHARS};
use switchboard_domain::phone::CallbackOutcome;
use switchboard_domain::phone::call::CallEventKind;
use switchboard_domain::vocab::{Priority, ReplyChannel};
use switchboard_store::Role;

/// A character the control rule refuses: C0 but tab, line feed and carriage
/// return; DEL; C1.
const REFUSED: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";

/// What Rust's `str::trim` removes (Unicode White_Space), besides the
/// refused characters: a blank text is made of these only.
const BLANK: &str = r"\t\n\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// Text without a refused control character.
fn plain() -> String {
    format!("^[^{REFUSED}]*$")
}

/// Text without a refused control character and not blank.
fn filled() -> String {
    format!("^[^{REFUSED}]*[^{REFUSED}{BLANK}][^{REFUSED}]*$")
}

fn codes<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Value {
    Value::from(all.iter().map(|v| name(*v)).collect::<Vec<_>>())
}

/// The constraints of one property, by schema and property name.
fn rules() -> Vec<(&'static str, &'static str, Value)> {
    let filled = filled();
    let customer_kinds = codes(&CustomerKind::ALL, CustomerKind::as_str);
    let mut reply_channels = codes(ReplyChannel::ALL, ReplyChannel::as_str);
    if let Some(list) = reply_channels.as_array_mut() {
        list.push(Value::Null);
    }
    vec![
        (
            "TicketRequest",
            "description",
            json!({"pattern": filled, "maxLength": MAX_DESCRIPTION_CHARS}),
        ),
        (
            "TicketRequest",
            "problem_text",
            json!({"maxLength": MAX_PROBLEM_TEXT_CHARS}),
        ),
        (
            "TicketRequest",
            "reply_channel",
            json!({"enum": reply_channels}),
        ),
        (
            "RatingRequest",
            "score",
            json!({"minimum": 1, "maximum": 5}),
        ),
        (
            "RatingRequest",
            "comment",
            json!({"maxLength": MAX_COMMENT_CHARS}),
        ),
        (
            "PriorityRequest",
            "priority",
            json!({"enum": codes(Priority::ALL, Priority::as_str)}),
        ),
        ("CustomerRequest", "kind", json!({"enum": customer_kinds})),
        (
            "CustomerRequest",
            "name",
            json!({"pattern": filled, "maxLength": 200}),
        ),
        (
            "CustomerRequest",
            "locale",
            json!({"enum": ["ru", "en", "ru-ru", "en-us", "en-gb", null]}),
        ),
        ("OrderRequest", "title", json!({"pattern": filled})),
        ("OrderRequest", "currency", json!({"pattern": "^[A-Z]{3}$"})),
        (
            "StaffRequest",
            "login",
            json!({"pattern": format!("^[{BLANK}]*[A-Za-z0-9._@-]{{2,64}}[{BLANK}]*$")}),
        ),
        (
            "StaffRequest",
            "role",
            json!({"enum": codes(&Role::ALL, Role::as_str)}),
        ),
        ("StaffRequest", "name", json!({"pattern": filled})),
        (
            "StaffRequest",
            "capacity",
            json!({"minimum": 1, "maximum": 50}),
        ),
        (
            "CompleteRequest",
            "outcome",
            json!({"enum": codes(CallbackOutcome::ALL, CallbackOutcome::as_str)}),
        ),
        (
            "EventRequest",
            "type",
            json!({"enum": codes(CallEventKind::ALL, CallEventKind::as_str)}),
        ),
        (
            "CallRequest",
            "call_id",
            json!({"pattern": format!("^[!-~]{{1,{}}}$", switchboard_core::phone::MAX_CALL_ID)}),
        ),
    ]
}

/// The names of the schemas request bodies use.
fn request_schemas(paths: &Map<String, Value>) -> Vec<String> {
    let mut names: Vec<String> = paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op.get("requestBody")?.get("content")?.as_object())
        .flat_map(|content| content.values())
        .filter_map(|media| media.get("schema")?.get("$ref")?.as_str())
        .filter_map(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Whether a property schema may hold a string.
fn is_string(schema: &Value) -> bool {
    match &schema["type"] {
        Value::String(t) => t == "string",
        Value::Array(ts) => ts.iter().any(|t| t == "string"),
        _ => false,
    }
}

/// The control rule on a string schema that no specific rule constrains.
fn plain_text(schema: &mut Value) {
    if is_string(schema) && schema.get("pattern").is_none() && schema.get("enum").is_none() {
        schema["pattern"] = Value::from(plain());
    }
    if schema["type"] == "array"
        && let Some(items) = schema.get_mut("items")
    {
        plain_text(items);
    }
}

/// Adds the constraints to `doc`'s request body schemas.
pub fn constrain(doc: &mut Value) {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return;
    };
    let names = request_schemas(paths);
    let rules = rules();
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for name in names {
        let Some(props) = schemas
            .get_mut(&name)
            .and_then(|s| s.get_mut("properties"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for (schema, property, rule) in rules.iter().filter(|r| r.0 == name) {
            let Some(target) = props.get_mut(*property).and_then(Value::as_object_mut) else {
                panic!("the OpenAPI rule names {schema}.{property}, which does not exist");
            };
            if let Some(rule) = rule.as_object() {
                target.extend(rule.clone());
            }
        }
        props.values_mut().for_each(plain_text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        // The patterns use JSON Schema's `\uXXXX`; the regex crate writes `\x{XXXX}`.
        let rust = json_to_rust_escapes(pattern);
        regex::Regex::new(&rust)
            .expect("valid pattern")
            .is_match(text)
    }

    fn json_to_rust_escapes(pattern: &str) -> String {
        let mut out = String::new();
        let mut rest = pattern;
        while let Some(i) = rest.find(r"\u") {
            out.push_str(&rest[..i]);
            out.push_str(&format!(r"\x{{{}}}", &rest[i + 2..i + 6]));
            rest = &rest[i + 6..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn the_text_patterns_follow_the_control_and_blank_rules() {
        let filled = filled();
        for ok in ["Где мой заказ?", " a ", "строка\r\nещё\tодна", "🙂"] {
            assert!(matches(&filled, ok), "{ok:?} is text");
            assert!(!switchboard_domain::control::refuses(ok));
        }
        for blank in ["", "   ", "\t\n", "\u{a0}\u{3000}"] {
            assert!(!matches(&filled, blank), "{blank:?} is blank");
            assert!(blank.trim().is_empty());
        }
        for refused in ["a\u{0}b", "x\u{7f}", "\u{85}", "\u{1b}[31m"] {
            assert!(!matches(&filled, refused), "{refused:?} has a control");
            assert!(!matches(&plain(), refused), "{refused:?} has a control");
            assert!(switchboard_domain::control::refuses(refused));
        }
    }

    #[test]
    fn request_bodies_carry_the_handlers_rules() {
        let doc = crate::http::openapi();
        let schemas = &doc["components"]["schemas"];
        let staff = &schemas["StaffRequest"]["properties"];
        assert_eq!(
            staff["role"]["enum"],
            json!(["operator", "supervisor", "admin"])
        );
        assert_eq!(staff["capacity"]["maximum"], 50);
        let form = &schemas["TicketRequest"]["properties"];
        assert_eq!(form["description"]["maxLength"], MAX_DESCRIPTION_CHARS);
        assert_eq!(
            form["reply_channel"]["enum"],
            json!(["email", "push", "sms", null])
        );
        // A string no rule names still carries the control rule.
        assert_eq!(form["line"]["pattern"], plain());
        assert_eq!(
            schemas["ArticleRequest"]["properties"]["keywords"]["items"]["pattern"],
            plain()
        );
    }
}
