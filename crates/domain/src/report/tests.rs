use jiff::tz::TimeZone;

use super::*;
use crate::calendar::{Calendar, DaySchedule, Period};

fn at(min: i64) -> Timestamp {
    Timestamp::from_second(1_780_000_000 + min * 60).unwrap()
}

fn head(channel: Channel, status: Status) -> TicketHead {
    TicketHead {
        id: TicketId(7),
        channel,
        line: "marketplace".into(),
        topic: "delivery".into(),
        priority: Priority::Normal,
        kind: TicketKind::Request,
        status,
        assignee: None,
        created_at: at(0),
    }
}

fn ev(min: i64, actor: Actor, event: TicketEvent) -> LogEvent {
    LogEvent {
        at: at(min),
        actor,
        event,
    }
}

fn msg(min: i64, speaker: Speaker) -> LogMessage {
    LogMessage {
        at: at(min),
        speaker,
        public: true,
        operator: (speaker == Speaker::Staff).then_some(OperatorId(3)),
    }
}

fn created(policy: bool) -> LogEvent {
    ev(
        0,
        Actor::System,
        TicketEvent::Created {
            status: Status::Queued,
            priority: Priority::Normal,
            due_at: None,
            priority_rule: None,
            sla_policy: policy.then(|| "standard".into()),
        },
    )
}

#[test]
fn a_form_ticket_measures_first_and_next_responses_and_resolution() {
    let cal = Calendar::always("always", TimeZone::UTC);
    let events = [
        created(true),
        ev(
            90,
            Actor::Operator(OperatorId(3)),
            TicketEvent::StatusChanged {
                from: Status::Assigned,
                to: Status::Resolved,
            },
        ),
    ];
    let messages = [
        msg(0, Speaker::Customer),
        msg(10, Speaker::Staff),
        msg(20, Speaker::Customer),
        msg(25, Speaker::Customer),
        msg(50, Speaker::Staff),
    ];
    let f = ticket_facts(
        &head(Channel::Form, Status::Resolved),
        &events,
        &messages,
        &cal,
    );
    assert_eq!(f.first_response.unwrap().calendar_ms, 10 * 60_000);
    assert_eq!(f.next_responses, 1);
    assert_eq!(f.next_response_total.calendar_ms, 30 * 60_000);
    assert_eq!(f.resolution.unwrap().calendar_ms, 90 * 60_000);
    assert_eq!(f.sla_first, SlaOutcome::Met);
    assert_eq!(f.sla_resolution, SlaOutcome::Met);
    assert_eq!(f.operator, Some(OperatorId(3)));
}

#[test]
fn a_chat_counts_from_the_hand_over_and_a_breach_is_a_breach() {
    let cal = Calendar::always("always", TimeZone::UTC);
    let events = [
        created(true),
        ev(
            5,
            Actor::Customer("c".parse().unwrap()),
            TicketEvent::StatusChanged {
                from: Status::WithBot,
                to: Status::Queued,
            },
        ),
        ev(
            20,
            Actor::System,
            TicketEvent::SlaBreached {
                target: TargetKind::FirstResponse,
                due_at: at(15),
                actions: vec![],
            },
        ),
    ];
    let messages = [
        msg(0, Speaker::Customer),
        msg(1, Speaker::Bot),
        msg(25, Speaker::Staff),
    ];
    let f = ticket_facts(
        &head(Channel::Chat, Status::Assigned),
        &events,
        &messages,
        &cal,
    );
    assert_eq!(f.first_response.unwrap().calendar_ms, 20 * 60_000);
    assert_eq!(f.sla_first, SlaOutcome::Breached);
    assert!(f.handed_over && !f.bot_resolved);
    assert_eq!(f.resolution, None);
}

#[test]
fn business_time_skips_the_closed_hours() {
    let nine_to_six = DaySchedule::new(vec![Period::new(9 * 3600, 18 * 3600).unwrap()]).unwrap();
    let week = std::array::from_fn(|_| nine_to_six.clone());
    let cal = Calendar::new("office", TimeZone::UTC, week, Default::default()).unwrap();
    // 17:00 → next day 10:00: 17 hours on the clock, 2 working hours.
    let start = "2026-12-01T17:00:00Z".parse().unwrap();
    let span = Span::between(&cal, start, "2026-12-02T10:00:00Z".parse().unwrap());
    assert_eq!(span.calendar_ms, 17 * 3_600_000);
    assert_eq!(span.business_ms, 2 * 3_600_000);
}

#[test]
fn quantiles_by_nearest_rank() {
    let v: Vec<i64> = (1..=10).collect();
    assert_eq!(quantile(&v, 0.5), Some(5));
    assert_eq!(quantile(&v, 0.9), Some(9));
    assert_eq!(quantile(&[], 0.5), None);
}
