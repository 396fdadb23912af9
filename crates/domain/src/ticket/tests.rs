use std::sync::{Arc, LazyLock};

use super::*;
use crate::calendar::Calendars;
use crate::catalog::Catalog;
use crate::deadline::SlaPolicies;
use crate::ids::CustomerId;
use jiff::SignedDuration;

fn at(h: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + h * 3600).unwrap()
}

static RULES: LazyLock<DeadlineRules> = LazyLock::new(|| {
    let catalog =
        Catalog::from_toml(include_str!("../../../../profiles/demo/catalog.toml")).unwrap();
    let calendars =
        Calendars::from_toml(include_str!("../../../../profiles/demo/calendars.toml")).unwrap();
    let policies = SlaPolicies::from_toml(
        include_str!("../../../../profiles/demo/sla.toml"),
        &calendars,
        &catalog,
    )
    .unwrap();
    DeadlineRules::new(Arc::new(catalog), Arc::new(policies))
});

fn rules() -> DeadlineRules {
    RULES.clone()
}

/// A form ticket on the demo's standard policy (24 hours), opened at `at(0)`.
fn ticket(status: Status) -> Ticket {
    let mut t = bare(status);
    let p = rules().policy_for(&t).unwrap();
    let sla = TicketSla::start(&p, at(0));
    let next = sla.next_deadline(&p).unwrap();
    t.due_at = Some(next.due_at);
    t.at_risk_at = Some(next.at_risk_at);
    t.sla = Some(sla);
    t
}

fn bare(status: Status) -> Ticket {
    Ticket {
        id: TicketId(7),
        number: TicketNumber::from_id(TicketId(7)),
        requester: Requester::Customer(CustomerId::parse("buyer-1").unwrap()),
        kind: TicketKind::Request,
        channel: Channel::Form,
        origin: None,
        line: "marketplace".into(),
        topic: "delivery".into(),
        problem: ProblemChoice::Listed("late".into()),
        order_number: None,
        subject: "Доставка".into(),
        status,
        priority: Priority::Normal,
        reply_channel: ReplyChannel::Email,
        assignee: None,
        due_at: None,
        at_risk_at: None,
        priority_rule: None,
        sla: None,
        first_response_at: None,
        resolved_at: None,
        created_at: at(0),
        updated_at: at(0),
        version: 1,
    }
}

const OP: Actor = Actor::Operator(OperatorId(3));

fn customer() -> Actor {
    Actor::Customer(CustomerId::parse("buyer-1").unwrap())
}

#[test]
fn operator_takes_replies_and_resolves() {
    let t = ticket(Queued);
    let taken = t
        .apply(&Action::Assign(OperatorId(3)), &OP, &rules(), at(1))
        .unwrap();
    assert_eq!(taken.ticket.status, Assigned);
    assert_eq!(taken.ticket.assignee, Some(OperatorId(3)));
    assert!(taken.events.contains(&TicketEvent::Assigned {
        from: None,
        to: Some(OperatorId(3))
    }));

    let replied = taken
        .ticket
        .apply(&Action::ReplyPublic, &OP, &rules(), at(2))
        .unwrap();
    assert_eq!(replied.ticket.status, WaitingForCustomer);
    assert_eq!(replied.ticket.first_response_at, Some(at(2)));
    assert_eq!(
        replied.ticket.due_at, None,
        "the clock stops while the customer has the ball"
    );

    let back = replied
        .ticket
        .apply(&Action::CustomerReply, &customer(), &rules(), at(3))
        .unwrap();
    assert_eq!(back.ticket.status, Assigned);
    assert_eq!(
        back.ticket.due_at,
        Some(at(27)),
        "a new 24-hour reply deadline starts"
    );

    let done = back
        .ticket
        .apply(&Action::Resolve, &OP, &rules(), at(4))
        .unwrap();
    assert_eq!(done.ticket.status, Resolved);
    assert_eq!(done.ticket.resolved_at, Some(at(4)));
    assert!(done.events.contains(&TicketEvent::StatusChanged {
        from: Assigned,
        to: Resolved
    }));
}

#[test]
fn replying_to_an_unassigned_ticket_assigns_the_replier() {
    let out = ticket(Queued)
        .apply(&Action::ReplyPublic, &OP, &rules(), at(1))
        .unwrap();
    assert_eq!(out.ticket.assignee, Some(OperatorId(3)));
    assert_eq!(out.ticket.status, WaitingForCustomer);
}

#[test]
fn reopen_returns_to_the_same_operator_with_a_new_deadline() {
    let t = ticket(Queued)
        .apply(&Action::ReplyPublic, &OP, &rules(), at(1))
        .unwrap()
        .ticket
        .apply(&Action::Resolve, &OP, &rules(), at(2))
        .unwrap()
        .ticket;
    assert_eq!(t.due_at, None);
    let out = t
        .apply(&Action::Reopen, &customer(), &rules(), at(10))
        .unwrap();
    assert_eq!(out.ticket.status, Assigned);
    assert_eq!(out.ticket.due_at, Some(at(34)));
    assert!(out.events.contains(&TicketEvent::Reopened));
}

#[test]
fn a_claim_gets_ten_days_and_at_least_high_priority() {
    let out = ticket(Resolved)
        .apply(&Action::FileClaim, &customer(), &rules(), at(0))
        .unwrap();
    assert_eq!(out.ticket.kind, TicketKind::Claim);
    assert_eq!(out.ticket.status, Queued);
    assert_eq!(out.ticket.priority, Priority::High);
    assert_eq!(out.ticket.due_at, Some(at(240)));
    assert_eq!(
        out.ticket
            .apply(&Action::FileClaim, &customer(), &rules(), at(1)),
        Err(TransitionError::AlreadyClaim)
    );
}

#[test]
fn illegal_transitions_are_errors_and_change_nothing() {
    let cases: &[(Status, Action)] = &[
        (Queued, Action::Reopen),
        (Assigned, Action::Close),
        (Queued, Action::HandToPerson),
        (Resolved, Action::ReplyPublic),
        (Resolved, Action::CustomerReply),
        (Resolved, Action::Resolve),
        (Closed, Action::Reopen),
        (Closed, Action::FileClaim),
        (Closed, Action::AddNote),
        (Closed, Action::Assign(OperatorId(3))),
        (WithBot, Action::ReplyPublic),
        (Resolved, Action::ChangePriority(Priority::High)),
        (Queued, Action::Unassign),
    ];
    for (status, action) in cases {
        let t = ticket(*status);
        let err = t.apply(action, &OP, &rules(), at(1)).unwrap_err();
        assert_eq!(err.code(), "illegal_transition", "{status} / {action:?}");
    }
}

#[test]
fn no_op_changes_are_refused() {
    let mut t = ticket(Assigned);
    t.assignee = Some(OperatorId(3));
    assert_eq!(
        t.apply(&Action::Assign(OperatorId(3)), &OP, &rules(), at(1)),
        Err(TransitionError::AlreadyAssigned)
    );
    assert_eq!(
        t.apply(
            &Action::ChangePriority(Priority::Normal),
            &OP,
            &rules(),
            at(1)
        ),
        Err(TransitionError::Unchanged)
    );
}

#[test]
fn transfer_moves_topic_and_requeues() {
    let mut t = ticket(Assigned);
    t.assignee = Some(OperatorId(3));
    let action = Action::ChangeTopic {
        line: "sellers".into(),
        topic: "payouts".into(),
        problem: ProblemChoice::Other("выплата".into()),
        assignee: None,
        transfer: true,
    };
    let out = t.apply(&action, &OP, &rules(), at(1)).unwrap();
    assert_eq!(out.ticket.status, Queued);
    assert_eq!(out.ticket.assignee, None);
    assert_eq!(out.ticket.line, "sellers");
    assert!(
        out.events
            .iter()
            .any(|e| matches!(e, TicketEvent::TopicChanged { .. }))
    );
    assert!(
        out.events
            .iter()
            .any(|e| matches!(e, TicketEvent::Assigned { to: None, .. }))
    );
}

#[test]
fn notes_are_logged_without_changing_state() {
    let t = ticket(Resolved);
    let out = t.apply(&Action::AddNote, &OP, &rules(), at(1)).unwrap();
    assert_eq!(out.ticket.status, Resolved);
    assert_eq!(out.events, vec![TicketEvent::InternalNote]);
}

#[test]
fn status_codes_round_trip() {
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Some(*s));
    }
    assert_eq!(Status::parse("done"), None);
    assert!(Priority::Urgent > Priority::High && Priority::High > Priority::Normal);
}

#[test]
fn the_deadline_starts_at_the_hand_over_of_a_chat_and_follows_chat_messages() {
    let mut chat = bare(WithBot);
    chat.channel = Channel::Chat;
    let queued = chat
        .apply(&Action::HandToPerson, &customer(), &rules(), at(1))
        .unwrap();
    let sla = queued.ticket.sla.as_ref().unwrap();
    assert_eq!(sla.policy, "chat");
    assert_eq!(
        queued.ticket.due_at,
        Some(at(1) + SignedDuration::from_mins(10))
    );
    let held = queued
        .ticket
        .apply(
            &Action::Assign(OperatorId(3)),
            &Actor::System,
            &rules(),
            at(1),
        )
        .unwrap()
        .ticket;
    let replied = held.append(&said(OP), &rules(), at(1)).unwrap();
    assert_eq!(replied.ticket.first_response_at, Some(at(1)));
    assert_eq!(
        replied.ticket.status, Assigned,
        "a live chat stays with its operator"
    );
    // The resolution target (24 h) is the only one left.
    assert_eq!(replied.ticket.due_at, Some(at(25)));
    // The customer's next message owes a next response within 10 minutes…
    let later = at(1) + SignedDuration::from_mins(5);
    let owed = replied
        .ticket
        .append(&said(customer()), &rules(), later)
        .unwrap();
    assert_eq!(
        owed.ticket.due_at,
        Some(later + SignedDuration::from_mins(10))
    );
    // …and one more before the answer changes nothing at all.
    let again = owed
        .ticket
        .append(
            &said(customer()),
            &rules(),
            later + SignedDuration::from_mins(1),
        )
        .unwrap();
    assert_eq!(again.ticket, owed.ticket);
    assert!(again.events.is_empty());
}

fn said(author: Actor) -> Append {
    Append {
        author,
        internal: false,
        supervisor: false,
    }
}

#[test]
fn who_may_write_to_a_conversation() {
    let mut chat = ticket(Assigned);
    chat.channel = Channel::Chat;
    chat.assignee = Some(OperatorId(3));
    let stranger = Actor::Customer(CustomerId::parse("buyer-2").unwrap());
    let colleague = Actor::Operator(OperatorId(4));
    let r = rules();
    assert_eq!(
        chat.append(&said(stranger), &r, at(1)).unwrap_err(),
        AppendRefusal::NotFound
    );
    assert_eq!(
        chat.append(&said(colleague.clone()), &r, at(1))
            .unwrap_err(),
        AppendRefusal::NotAssignee
    );
    let supervisor = Append {
        supervisor: true,
        ..said(colleague.clone())
    };
    assert!(chat.append(&supervisor, &r, at(1)).is_ok());
    let note = Append {
        internal: true,
        ..said(colleague.clone())
    };
    assert!(
        chat.append(&note, &r, at(1)).is_ok(),
        "any colleague may leave a note"
    );
    let mut done = chat.clone();
    done.status = Resolved;
    assert_eq!(
        done.append(&said(customer()), &r, at(1)).unwrap_err(),
        AppendRefusal::Closed
    );
    assert!(
        done.append(&note, &r, at(1)).is_ok(),
        "notes until it is closed"
    );
    done.status = Closed;
    assert_eq!(
        done.append(&note, &r, at(1)).unwrap_err(),
        AppendRefusal::Closed
    );
    assert!(done.append(&said(Actor::Bot), &r, at(1)).is_ok());

    // Off live channels an operator answering an unassigned ticket takes it,
    // and the ball passes to the customer.
    let form = ticket(Queued);
    let answered = form.append(&said(colleague.clone()), &r, at(1)).unwrap();
    assert_eq!(answered.ticket.assignee, Some(OperatorId(4)));
    assert_eq!(answered.ticket.status, WaitingForCustomer);
    assert!(answered.events.contains(&TicketEvent::PublicReply));
    assert_eq!(
        answered.ticket.append(&said(OP), &r, at(2)).unwrap_err(),
        AppendRefusal::NotAssignee
    );
    let back = answered
        .ticket
        .append(&said(customer()), &r, at(2))
        .unwrap();
    assert_eq!(back.ticket.status, Assigned);
    assert!(back.events.contains(&TicketEvent::CustomerMessage));
}

#[test]
fn escalations_fire_once_with_their_actions() {
    let mut t = ticket(Assigned);
    t.assignee = Some(OperatorId(3));
    assert_eq!(
        t.apply(&Action::Escalate, &Actor::System, &rules(), at(19)),
        Err(TransitionError::Unchanged),
        "nothing is due before 80% of 24 hours"
    );
    let warned = t
        .apply(&Action::Escalate, &Actor::System, &rules(), at(20))
        .unwrap();
    assert!(warned.events.iter().any(|e| matches!(
        e,
        TicketEvent::SlaAtRisk { target: crate::deadline::TargetKind::FirstResponse, due_at, .. }
            if *due_at == at(24)
    )));
    assert_eq!(
        warned
            .ticket
            .apply(&Action::Escalate, &Actor::System, &rules(), at(21)),
        Err(TransitionError::Unchanged),
        "raised once"
    );
    let breached = warned
        .ticket
        .apply(&Action::Escalate, &Actor::System, &rules(), at(24))
        .unwrap();
    assert!(breached.events.iter().any(|e| matches!(
        e,
        TicketEvent::SlaBreached { actions, .. }
            if actions.contains(&crate::deadline::EscalationAction::RaisePriority)
    )));
    assert_eq!(breached.ticket.priority, Priority::High);
}

#[test]
fn a_merge_closes_the_ticket_and_unmerging_restores_its_status() {
    let t = ticket(Queued);
    let target = TicketNumber::from_id(TicketId(8));
    let merged = t
        .apply(&Action::MergeInto { target }, &OP, &rules(), at(1))
        .unwrap();
    assert_eq!(merged.ticket.status, Closed);
    assert!(merged.events.contains(&TicketEvent::Merged {
        source: t.number,
        target
    }));
    // Not into itself, and not twice.
    assert!(matches!(
        t.apply(
            &Action::MergeInto { target: t.number },
            &OP,
            &rules(),
            at(1)
        ),
        Err(TransitionError::Illegal { .. })
    ));
    assert!(matches!(
        merged
            .ticket
            .apply(&Action::MergeInto { target }, &OP, &rules(), at(2)),
        Err(TransitionError::Illegal { .. })
    ));
    let back = merged
        .ticket
        .apply(
            &Action::Unmerge {
                target,
                status: Queued,
            },
            &OP,
            &rules(),
            at(2),
        )
        .unwrap();
    assert_eq!(back.ticket.status, Queued);
    assert!(back.events.contains(&TicketEvent::Unmerged {
        source: t.number,
        target
    }));
    // Only a closed ticket can be unmerged, and never back to closed.
    assert!(
        t.apply(
            &Action::Unmerge {
                target,
                status: Queued
            },
            &OP,
            &rules(),
            at(2)
        )
        .is_err()
    );
    assert!(
        merged
            .ticket
            .apply(
                &Action::Unmerge {
                    target,
                    status: Closed
                },
                &OP,
                &rules(),
                at(2)
            )
            .is_err()
    );
}
