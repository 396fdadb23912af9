//! The socket's and the edge's parsers of outside input fed raw bytes and
//! near-misses of valid frames: a chat frame, the control-character checks
//! of JSON bodies and of the path and query. None panics (issue 16).

use proptest::prelude::*;
use switchboard_server::chat::protocol::ClientFrame;
use switchboard_server::controls;

/// Frames close to real ones: valid shapes with odd values spliced in.
fn near_frame() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("\"SБ-1\"".to_owned()),
        Just("\"\\u0000\"".to_owned()),
        Just("-1".to_owned()),
        Just("9223372036854775807".to_owned()),
        Just("1e400".to_owned()),
        Just("null".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        "\"\\PC{0,12}\"",
        "-?[0-9]{1,22}",
    ];
    let kind = prop_oneof![
        Just("message"),
        Just("resume"),
        Just("typing"),
        Just("topic"),
        Just("order"),
        Just("presence"),
        Just("code"),
        Just("feedback"),
        Just("block"),
        Just("helped"),
    ];
    let field = prop_oneof![
        Just("conversation"),
        Just("last_seq"),
        Just("client_id"),
        Just("body"),
        Just("number"),
        Just("line"),
        Just("topic"),
        Just("status"),
        Just("code"),
        Just("article"),
        Just("helped"),
        Just("target"),
    ];
    (kind, proptest::collection::vec((field, value), 0..4)).prop_map(|(kind, fields)| {
        let mut out = format!("{{\"type\":\"{kind}\"");
        for (f, v) in fields {
            out.push_str(&format!(",\"{f}\":{v}"));
        }
        out.push('}');
        out
    })
}

fn parse(raw: &str) {
    let _ = controls::in_json(raw.as_bytes());
    let _ = serde_json::from_str::<ClientFrame>(raw);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn frames_from_raw_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        parse(&String::from_utf8_lossy(&bytes));
        let _ = controls::in_json(&bytes);
    }

    #[test]
    fn frames_near_valid_ones_never_panic(raw in near_frame()) {
        parse(&raw);
    }

    #[test]
    fn a_control_character_in_any_string_is_found(
        prefix in "[a-zа-я ]{0,8}",
        control in prop_oneof![0u32..0x09, 0x0bu32..0x0d, 0x0eu32..0x20, 0x7fu32..0xa0],
        field in "[a-z]{1,8}",
    ) {
        let c = char::from_u32(control).unwrap();
        let doc = serde_json::json!({ "ok": "fine", field.clone(): format!("{prefix}{c}") });
        let found = controls::in_json(doc.to_string().as_bytes());
        prop_assert_eq!(found, Some(field));
    }

    #[test]
    fn uris_from_raw_text_never_panic(raw in "[%0-9A-Fa-f/?=&a-zБ]{0,40}") {
        let _ = controls::in_uri(&raw);
    }
}
