//! Where the control-character rule (`switchboard_domain::control`) meets
//! the wire: JSON bodies and chat frames, and the request's path and query.

use serde_json::Value;
use switchboard_domain::control;

/// The first string in a JSON document — a key or a value — holding a
/// refused control character, as a dotted path (`title.ru`, `items.2`;
/// `(body)` for a bare string). `None` when there is none or when the bytes
/// are not JSON (the parser reports that).
pub fn in_json(raw: &[u8]) -> Option<String> {
    if !may_hold_control(raw) {
        return None;
    }
    let value: Value = serde_json::from_slice(raw).ok()?;
    let mut path = Vec::new();
    walk(&value, &mut path).then(|| {
        if path.is_empty() {
            "(body)".to_owned()
        } else {
            path.join(".")
        }
    })
}

/// A cheap test that passes every document holding a control character: in
/// JSON, C0 ones are escaped (`\u0000`, `\b`, `\f`); DEL and C1 may be raw.
fn may_hold_control(raw: &[u8]) -> bool {
    raw.contains(&0x7F)
        || raw
            .windows(2)
            .any(|w| matches!(w, [b'\\', b'u' | b'b' | b'f'] | [0xC2, 0x80..=0x9F]))
}

fn walk(value: &Value, path: &mut Vec<String>) -> bool {
    match value {
        Value::String(s) => control::refuses(s),
        Value::Array(items) => items.iter().enumerate().any(|(i, v)| {
            path.push(i.to_string());
            let found = walk(v, path);
            if !found {
                path.pop();
            }
            found
        }),
        Value::Object(map) => map.iter().any(|(k, v)| {
            path.push(k.chars().filter(|c| !control::is_refused(*c)).collect());
            let found = control::refuses(k) || walk(v, path);
            if !found {
                path.pop();
            }
            found
        }),
        _ => false,
    }
}

/// Whether a URI's path or query holds a percent-encoded control character
/// (raw ones never get past the HTTP parser). C1 characters are two UTF-8
/// bytes, `%C2%80`–`%C2%9F`.
pub fn in_uri(part: &str) -> bool {
    let bytes = part.as_bytes();
    let byte_at = |i: usize| -> Option<u8> {
        let hex = bytes.get(i + 1..i + 3)?;
        u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
    };
    (0..bytes.len()).any(|i| {
        bytes[i] == b'%'
            && match byte_at(i) {
                Some(b) if b < 0x20 => !matches!(b, b'\t' | b'\n' | b'\r'),
                Some(0x7F) => true,
                Some(0xC2) => {
                    bytes.get(i + 3) == Some(&b'%')
                        && byte_at(i + 3).is_some_and(|b| (0x80..=0x9F).contains(&b))
                }
                _ => false,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_field_that_holds_a_control_character() {
        assert_eq!(in_json(br#"{"body":"ok\nfine","n":1}"#), None);
        assert_eq!(in_json(br#"{"body":"a\u0000b"}"#).as_deref(), Some("body"));
        assert_eq!(
            in_json(br#"{"title":{"ru":"ok","en":"x\u001b[31m"}}"#).as_deref(),
            Some("title.en")
        );
        assert_eq!(
            in_json(br#"{"tags":["a","\b"]}"#).as_deref(),
            Some("tags.1")
        );
        assert_eq!(
            in_json("{\"t\":\"\u{85}\"}".as_bytes()).as_deref(),
            Some("t")
        );
        assert_eq!(
            in_json("{\"t\":\"x\u{7f}\"}".as_bytes()).as_deref(),
            Some("t")
        );
        assert_eq!(in_json(br#""\f""#).as_deref(), Some("(body)"));
        assert_eq!(in_json(br#"{"a\u0000":1}"#).as_deref(), Some("a"));
        // A backslash-u escape of an ordinary character is fine.
        assert_eq!(in_json(br#"{"body":"\u0416"}"#), None);
        assert_eq!(in_json(b"{not json \\u0000"), None);
    }

    #[test]
    fn finds_encoded_control_characters_in_a_uri() {
        assert!(!in_uri("/api/v1/tickets/SB-000001"));
        assert!(!in_uri("q=%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7&x=%20%0A"));
        assert!(in_uri("/api/v1/kb/articles/a%00b"));
        assert!(in_uri("before=%1b"));
        assert!(in_uri("q=%7F"));
        assert!(in_uri("q=%c2%85"));
        assert!(!in_uri("q=%C2%A0"));
        assert!(!in_uri("q=%"));
        assert!(!in_uri("q=%Z0"));
    }
}
