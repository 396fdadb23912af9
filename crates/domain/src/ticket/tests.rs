use super::*;
use crate::catalog::SlaClass;
use crate::sla::SlaPolicy;

fn at(h: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + h * 3600).unwrap()
}

fn rules() -> DeadlineRules {
    DeadlineRules {
        sla: SlaPolicy::spec_defaults(),
        topic_class: SlaClass::Standard,
    }
}

fn ticket(status: Status) -> Ticket {
    Ticket {
        id: TicketId(7),
        number: TicketNumber::from_id(TicketId(7)),
        customer_id: CustomerId::parse("buyer-1").unwrap(),
        kind: TicketKind::Request,
        channel: Channel::Form,
        line: "marketplace".into(),
        topic: "delivery".into(),
        problem: ProblemChoice::Listed("late".into()),
        order_number: None,
        subject: "Доставка".into(),
        status,
        priority: Priority::Normal,
        reply_channel: ReplyChannel::Email,
        assignee: None,
        due_at: Some(at(24)),
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
    let mut t = ticket(Resolved);
    t.assignee = Some(OperatorId(3));
    t.due_at = None;
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
