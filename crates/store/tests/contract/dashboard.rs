//! The supervisor dashboard's reads (issue 12): queues per line and topic,
//! every operator's presence and load, and the charts' aggregates.

use switchboard_domain::deadline::TargetKind;
use switchboard_domain::ticket::{Actor, Channel, Status, Ticket, TicketEvent};
use switchboard_store::testing::fresh_store;
use switchboard_store::{HourCount, MinuteCount, PresenceStatus, QueueFigure};

use crate::support::*;

const HOUR: i64 = 3_600_000;

async fn open_on(store: &dyn Store, topic: &str, channel: Channel, ms: i64) -> Ticket {
    let mut t = new_ticket("buyer-1", at(ms));
    t.topic = topic.into();
    t.channel = channel;
    store
        .create_ticket(
            &t,
            opening(customer_says("buyer-1", "Где заказ?"), no_notifications()),
        )
        .await
        .expect("create ticket")
        .ticket
}

#[tokio::test]
async fn queues_count_unassigned_waiting_tickets_per_line_and_topic() {
    let store = fresh_store().await;
    let first = open_on(&*store, "hotel", Channel::Email, 0).await;
    open_on(&*store, "hotel", Channel::Chat, 60_000).await;
    open_on(&*store, "flights", Channel::Form, 120_000).await;
    let taken = open_on(&*store, "flights", Channel::Form, 180_000).await;
    let op = operator(&*store, "olga").await;
    assign(&*store, &taken, op.id).await;
    let mut done = open_on(&*store, "rail", Channel::Form, 0).await;
    done.status = Status::Resolved;
    store
        .save_change(&touch(&done, Actor::System, at(5)))
        .await
        .expect("resolve");

    let queues = store.queue_figures().await.expect("queues");
    assert_eq!(
        queues,
        vec![
            QueueFigure {
                line: "travel".into(),
                topic: "flights".into(),
                live: 0,
                waiting: 1,
                oldest: at(120_000),
            },
            QueueFigure {
                line: "travel".into(),
                topic: "hotel".into(),
                live: 1,
                waiting: 2,
                oldest: first.created_at,
            },
        ]
    );
}

#[tokio::test]
async fn operator_states_show_presence_leases_and_load() {
    let store = fresh_store().await;
    let olga = operator(&*store, "olga").await;
    let ivan = operator(&*store, "ivan").await;
    let petr = operator(&*store, "petr").await;
    store
        .set_presence(olga.id, PresenceStatus::Online, at(10_000), at(0))
        .await
        .expect("presence");
    store
        .set_presence(ivan.id, PresenceStatus::Away, at(10_000), at(0))
        .await
        .expect("presence");
    // Petr's console went online, then its lease ran out.
    store
        .set_presence(petr.id, PresenceStatus::Online, at(1_000), at(0))
        .await
        .expect("presence");
    let chat = open_on(&*store, "hotel", Channel::Chat, 0).await;
    assign(&*store, &chat, olga.id).await;
    let mail = open_on(&*store, "hotel", Channel::Email, 0).await;
    assign(&*store, &mail, olga.id).await;

    let states = store.operator_states(at(5_000)).await.expect("states");
    let summary: Vec<_> = states
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.status,
                s.live_load,
                s.assigned,
                s.capacity,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Operator olga", PresenceStatus::Online, 1, 2, 7),
            ("Operator ivan", PresenceStatus::Away, 0, 0, 7),
            ("Operator petr", PresenceStatus::Offline, 0, 0, 7),
        ]
    );
}

#[tokio::test]
async fn chart_figures_are_grouped_per_hour_and_minute() {
    let store = fresh_store().await;
    // Before the window: not counted.
    open_on(&*store, "hotel", Channel::Chat, -2 * HOUR).await;
    let a = open_on(&*store, "hotel", Channel::Chat, 0).await;
    let b = open_on(&*store, "hotel", Channel::Chat, 60_000).await;
    let c = open_on(&*store, "hotel", Channel::Email, HOUR + 5).await;
    // a answered after 90 s, b after 3 days (capped), c never; b breached.
    let mut answered = a.clone();
    answered.first_response_at = Some(at(90_000));
    store
        .save_change(&touch(&answered, Actor::System, at(90_000)))
        .await
        .expect("answer a");
    let mut late = b.clone();
    late.first_response_at = Some(at(60_000 + 3 * 24 * HOUR));
    let mut change = touch(&late, Actor::System, at(2 * HOUR));
    change.events = vec![TicketEvent::SlaBreached {
        target: TargetKind::FirstResponse,
        due_at: at(HOUR),
        actions: Vec::new(),
    }];
    store.save_change(&change).await.expect("breach b");
    let _ = c;

    let since = at(0);
    let hour0 = at(0).as_millisecond().div_euclid(HOUR);
    let volume = store.volume_by_channel(since).await.expect("volume");
    let hc = |key: &str, hour: i64, count: u32, breached: u32| HourCount {
        key: key.into(),
        hour,
        count,
        breached,
    };
    // The fixture instant is not on an hour boundary: both chats share one hour
    // only if 60 s later is still in it.
    let hour_b = at(60_000).as_millisecond().div_euclid(HOUR);
    let hour_c = at(HOUR + 5).as_millisecond().div_euclid(HOUR);
    let mut expected = vec![hc("chat", hour0, 1, 0), hc("chat", hour_b, 1, 0)];
    if hour_b == hour0 {
        expected = vec![hc("chat", hour0, 2, 0)];
    }
    expected.push(hc("email", hour_c, 1, 0));
    assert_eq!(volume, expected);

    let sla = store.sla_by_line(since).await.expect("sla");
    let total: u32 = sla.iter().map(|h| h.count).sum();
    let breached: u32 = sla.iter().map(|h| h.breached).sum();
    assert_eq!((total, breached), (3, 1));
    assert!(sla.iter().all(|h| h.key == "travel"));

    let responses = store.first_responses(since).await.expect("first responses");
    assert_eq!(
        responses,
        vec![
            MinuteCount {
                minutes: 1,
                count: 1
            },
            MinuteCount {
                minutes: switchboard_store::FIRST_RESPONSE_CAP_MINUTES,
                count: 1
            },
        ]
    );
}

#[tokio::test]
async fn console_lists_filter_by_order_channel_and_waiting_oldest_first() {
    use switchboard_store::{AssigneeFilter, TicketFilter};
    let store = fresh_store().await;
    let a = open_on(&*store, "hotel", Channel::Chat, 0).await;
    let b = open_on(&*store, "hotel", Channel::Email, 1_000).await;
    let c = open_on(&*store, "hotel", Channel::Chat, 2_000).await;
    let op = operator(&*store, "olga").await;
    assign(&*store, &c, op.id).await;
    let ids = |filter: TicketFilter| {
        let store = store.clone();
        async move {
            store
                .list_tickets(&filter)
                .await
                .expect("list")
                .iter()
                .map(|t| t.id)
                .collect::<Vec<_>>()
        }
    };
    let waiting = TicketFilter {
        waiting: true,
        assignee: Some(AssigneeFilter::Unassigned),
        oldest_first: true,
        ..Default::default()
    };
    assert_eq!(ids(waiting.clone()).await, vec![a.id, b.id]);
    assert_eq!(
        ids(TicketFilter {
            channel: Some(Channel::Chat),
            ..waiting.clone()
        })
        .await,
        vec![a.id]
    );
    assert_eq!(
        ids(TicketFilter {
            order_number: Some("HT-5501".into()),
            ..Default::default()
        })
        .await,
        vec![c.id, b.id, a.id]
    );
    assert!(
        ids(TicketFilter {
            order_number: Some("HT-0000".into()),
            ..Default::default()
        })
        .await
        .is_empty()
    );
}
