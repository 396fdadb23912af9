//! Webhook payloads are outside input (issue 16): Telegram updates and VK
//! Callback API events, as raw bytes and as near-valid JSON, never panic;
//! whatever is refused reaches no sink, and a VK event reaches one only with
//! the community's secret. Bounded: a few hundred cases per property, run
//! by the normal test command.

use std::sync::Mutex;

use proptest::prelude::*;
use serde_json::{Value, json};
use switchboard_channels::telegram::wire::Update;
use switchboard_channels::telegram::{BotConfig, Telegram, TelegramConfig};
use switchboard_channels::vk::{Callback, CommunityConfig, Vk, VkConfig};
use switchboard_channels::{MessengerEvent, MessengerSink, Secret, SinkError};

const SECRET: &str = "vk-callback-secret";

fn vk() -> Vk {
    Vk::new(&VkConfig {
        // Nothing is sent: the Callback API only reads.
        api_url: "http://127.0.0.1:9".into(),
        timeout_secs: 1,
        communities: vec![CommunityConfig {
            name: "club1".into(),
            group_id: 1,
            token: Secret::new("vk-token"),
            secret: Secret::new(SECRET),
            confirmation: Secret::new("confirm-me"),
        }],
        ..VkConfig::default()
    })
    .unwrap()
}

fn telegram() -> Telegram {
    Telegram::new(&TelegramConfig {
        // A closed port: a file in an update cannot be fetched, which must
        // give "try later", not a panic.
        api_url: "http://127.0.0.1:9".into(),
        timeout_secs: 1,
        bots: vec![BotConfig {
            name: "support_bot".into(),
            token: Secret::new("123:abc"),
        }],
        ..TelegramConfig::default()
    })
    .unwrap()
}

/// Records what reaches the conversation core.
#[derive(Default)]
struct Recorder(Mutex<Vec<MessengerEvent>>);

#[async_trait::async_trait]
impl MessengerSink for Recorder {
    async fn event(&self, event: MessengerEvent) -> Result<(), SinkError> {
        self.0.lock().unwrap().push(event);
        Ok(())
    }
}

/// Any JSON value, a few levels deep, with text that stresses parsers.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[\\PC\\x00\\x{202E}ёЁ]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A VK event close to a real one: each field may be missing, of the wrong
/// type, or hold odd values.
fn near_vk_event() -> impl Strategy<Value = Value> {
    let text = "[\\PC\\x00]{0,20}";
    (
        prop_oneof![
            Just(json!("message_new")),
            Just(json!("confirmation")),
            any_json()
        ],
        prop_oneof![Just(json!(1)), any_json()],
        prop_oneof![Just(json!(SECRET)), any_json()],
        prop_oneof![text.prop_map(Value::from), any_json()],
        (any::<i64>(), any::<i64>(), text, any_json(), any_json()),
    )
        .prop_map(
            |(kind, group, secret, event_id, (from, peer, body, payload, lang))| {
                json!({
                    "type": kind, "group_id": group, "secret": secret, "event_id": event_id,
                    "object": {"message": {"id": 1, "from_id": from, "peer_id": peer, "text": body,
                                           "payload": payload},
                               "client_info": {"lang_id": lang}}
                })
            },
        )
}

/// A Telegram update close to a real one.
fn near_update() -> impl Strategy<Value = Value> {
    let text = "[\\PC\\x00]{0,20}";
    (
        any::<i64>(),
        prop_oneof![Just(json!("private")), any_json()],
        prop_oneof![text.prop_map(Value::from), any_json()],
        prop_oneof![Just(Value::Null), any_json()],
        prop_oneof![Just(Value::Null), text.prop_map(Value::from), any_json()],
        any::<bool>(),
    )
        .prop_map(|(id, kind, body, document, data, as_button)| {
            let from = json!({"id": id, "is_bot": false, "first_name": "Иван", "language_code": "ru"});
            let message = json!({"message_id": 1, "date": 0, "from": from,
                                 "chat": {"id": id, "type": kind}, "text": body, "document": document});
            if as_button {
                json!({"update_id": id, "callback_query": {"id": "q", "from": from, "message": message, "data": data}})
            } else {
                json!({"update_id": id, "message": message})
            }
        })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn check_vk(vk: &Vk, body: &[u8]) {
    let given_secret = serde_json::from_slice::<Value>(body)
        .ok()
        .is_some_and(|v| v["secret"] == SECRET && v["group_id"] == 1);
    match vk.callback("club1", body) {
        Ok(Callback::Event(_) | Callback::Confirm(_)) => {
            assert!(given_secret, "taken without the secret");
        }
        Ok(Callback::Ignore) | Err(_) => {}
    }
    assert!(vk.callback("club2", body).is_err(), "another community");
}

fn check_telegram(rt: &tokio::runtime::Runtime, telegram: &Telegram, body: &[u8]) {
    let Ok(update) = serde_json::from_slice::<Update>(body) else {
        return;
    };
    let sink = Recorder::default();
    let _ = rt.block_on(telegram.handle("support_bot", &update, &sink));
    for event in sink.0.lock().unwrap().iter() {
        assert_eq!(event.endpoint, "support_bot");
        assert!(event.event_id.starts_with("support_bot:"));
    }
    assert!(
        rt.block_on(telegram.handle("other_bot", &update, &sink))
            .is_err()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn vk_callbacks_from_raw_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        check_vk(&vk(), &bytes);
    }

    #[test]
    fn vk_callbacks_near_real_ones_never_panic(event in near_vk_event()) {
        check_vk(&vk(), event.to_string().as_bytes());
    }

    #[test]
    fn telegram_updates_from_raw_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        check_telegram(&runtime(), &telegram(), &bytes);
    }

    #[test]
    fn telegram_updates_near_real_ones_never_panic(update in near_update()) {
        check_telegram(&runtime(), &telegram(), update.to_string().as_bytes());
    }
}
