//! What messenger adapters keep: per-endpoint values, handled events, and
//! messages that go out before any ticket exists (menus with buttons).

use switchboard_domain::conversation::{Button, Medium};
use switchboard_domain::ticket::Channel;
use switchboard_store::testing::fresh_store;

use crate::support::*;

#[tokio::test]
async fn channel_state_is_kept_per_channel_endpoint_and_key() {
    let store = fresh_store().await;
    let tg = Channel::Telegram;
    assert_eq!(
        store.channel_state(tg, "bot_a", "menu:1").await.unwrap(),
        None
    );
    store
        .set_channel_state(tg, "bot_a", "menu:1", Some("first"), at(0))
        .await
        .unwrap();
    store
        .set_channel_state(tg, "bot_a", "menu:1", Some("second"), at(1))
        .await
        .unwrap();
    store
        .set_channel_state(tg, "bot_b", "menu:1", Some("other bot"), at(1))
        .await
        .unwrap();
    assert_eq!(
        store
            .channel_state(tg, "bot_a", "menu:1")
            .await
            .unwrap()
            .as_deref(),
        Some("second")
    );
    assert_eq!(
        store
            .channel_state(tg, "bot_b", "menu:1")
            .await
            .unwrap()
            .as_deref(),
        Some("other bot")
    );
    assert_eq!(
        store
            .channel_state(Channel::Vk, "bot_a", "menu:1")
            .await
            .unwrap(),
        None
    );
    store
        .set_channel_state(tg, "bot_a", "menu:1", None, at(2))
        .await
        .unwrap();
    assert_eq!(
        store.channel_state(tg, "bot_a", "menu:1").await.unwrap(),
        None
    );
}

#[tokio::test]
async fn an_event_is_recorded_once() {
    let store = fresh_store().await;
    let vk = Channel::Vk;
    assert!(!store.event_seen(vk, "club1", "ev-1").await.unwrap());
    assert!(
        store
            .record_event(vk, "club1", "ev-1", at(0))
            .await
            .unwrap()
    );
    assert!(
        !store
            .record_event(vk, "club1", "ev-1", at(1))
            .await
            .unwrap()
    );
    assert!(store.event_seen(vk, "club1", "ev-1").await.unwrap());
    assert!(!store.event_seen(vk, "club2", "ev-1").await.unwrap());
}

#[tokio::test]
async fn messages_without_a_ticket_are_delivered_with_their_buttons() {
    let store = fresh_store().await;
    let mut menu = notification("501", "menu");
    menu.route.medium = Medium::Telegram;
    menu.route.endpoint = Some("bot_a".into());
    menu.route.thread = Some("501".into());
    menu.buttons = vec![
        vec![Button::new("Маркетплейс", "l:marketplace")],
        vec![
            Button::new("Банк", "l:bank"),
            Button::new("« Все темы", "m"),
        ],
    ];
    store.queue_outbound(&[menu.clone()], at(0)).await.unwrap();
    let claimed = store.claim_outbound(at(0), secs(60), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].ticket_id, None);
    assert_eq!(claimed[0].outbound, menu);
}
