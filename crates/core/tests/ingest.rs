//! The use cases without HTTP: one `ingest` for every channel, and what
//! support writes back through the outbound contract. Each test runs a
//! node's core on a fresh database (SQLite; PostgreSQL with
//! `TEST_DATABASE_URL`).

mod support;

use switchboard_core::conversation::StaffMessage;
use switchboard_core::{CoreError, IngestOutcome};
use switchboard_domain::conversation::{
    Address, ExternalRefs, Inbound, Medium, OutboundKind, Request, Sender, Target,
};
use switchboard_domain::ids::{CustomerId, TicketNumber};
use switchboard_domain::ticket::{Actor, Channel, Priority, Requester, Status, TicketEvent};
use switchboard_store::Role;

use support::node;

fn customer(id: &str) -> Sender {
    Sender::Customer(CustomerId::parse(id).expect("customer id"))
}

fn form(text: &str) -> Inbound {
    Inbound {
        sender: customer("buyer-1001"),
        channel: Channel::Form,
        refs: ExternalRefs::default(),
        target: Target::New(Request {
            line: "marketplace".into(),
            topic: "delivery".into(),
            problem: "delivery_late".into(),
            order_number: Some("MP-10001".into()),
            reply_channel: Some("email".into()),
            ..Request::default()
        }),
        text: text.into(),
        files: Vec::new(),
        locale: None,
    }
}

fn mail(from: &str, message_id: &str, in_reply_to: &[&str], text: &str) -> Inbound {
    Inbound {
        sender: Sender::Address(Address {
            channel: Channel::Email,
            value: from.into(),
            name: Some("Пётр Сидоров".into()),
        }),
        channel: Channel::Email,
        refs: ExternalRefs {
            endpoint: Some("help@demo.example".into()),
            message_id: Some(message_id.into()),
            in_reply_to: in_reply_to.iter().map(|s| (*s).to_owned()).collect(),
            ..ExternalRefs::default()
        },
        target: Target::Find {
            line: "marketplace".into(),
            topic: None,
            subject: Some("Не пришёл заказ".into()),
        },
        text: text.into(),
        files: Vec::new(),
        locale: None,
    }
}

#[tokio::test]
async fn a_form_opens_a_ticket_with_its_priority_clock_and_confirmation() {
    let n = node().await;
    let done = n
        .ingest(form(
            "Заказ должен был прийти вчера, трекинг стоит. Карта 4111 1111 1111 1111",
        ))
        .await
        .expect("ingest");
    assert_eq!(done.outcome, IngestOutcome::Opened { created: true });
    assert_eq!(done.seq, 1);
    assert_eq!(done.warning.map(|w| w.code), Some("sensitive_data_masked"));
    let t = n.store.ticket(done.ticket).await.expect("ticket");
    assert_eq!(t.status, Status::Queued);
    assert_eq!(
        t.requester,
        Requester::Customer(CustomerId::parse("buyer-1001").unwrap())
    );
    assert!(
        t.due_at.is_some() && t.sla.is_some(),
        "the SLA clock runs from the start"
    );
    let first = &n
        .store
        .messages(t.id, 0, 10, false)
        .await
        .expect("messages")[0];
    assert!(
        !first.body.contains("4111 1111 1111 1111"),
        "{}",
        first.body
    );
    let sent = n.store.ticket_outbound(t.id).await.expect("outbox");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].outbound.kind, OutboundKind::Confirmation);
    assert_eq!(sent[0].outbound.route.medium, Medium::Email);
    assert_eq!(sent[0].outbound.route.recipient, "anna@demo.example");
    assert!(sent[0].outbound.subject.contains(&t.number.to_string()));
}

#[tokio::test]
async fn a_chat_message_goes_through_the_writer_and_the_bot_answers() {
    let mut n = node().await;
    let opened = n
        .ingest(Inbound {
            sender: customer("buyer-1001"),
            channel: Channel::Chat,
            refs: ExternalRefs {
                client_id: Some("c-1".into()),
                ..ExternalRefs::default()
            },
            target: Target::New(Request {
                line: "marketplace".into(),
                topic: "delivery".into(),
                order_number: Some("MP-10001".into()),
                ..Request::default()
            }),
            text: "Где мой заказ?".into(),
            files: Vec::new(),
            locale: None,
        })
        .await
        .expect("open");
    assert_eq!(opened.outcome, IngestOutcome::Opened { created: true });
    let t = n.store.ticket(opened.ticket).await.expect("ticket");
    assert_eq!((t.channel, t.status), (Channel::Chat, Status::WithBot));
    let answer = n.message_where(t.id, |m| m.author == Actor::Bot).await;
    assert!(answer.meta.is_some(), "the bot offers its suggestions");

    let more = n
        .ingest(Inbound {
            sender: customer("buyer-1001"),
            channel: Channel::Chat,
            refs: ExternalRefs {
                client_id: Some("c-2".into()),
                ..ExternalRefs::default()
            },
            target: Target::Existing(t.number),
            text: "Трек не обновляется".into(),
            files: Vec::new(),
            locale: None,
        })
        .await
        .expect("message");
    assert_eq!(more.outcome, IngestOutcome::Continued);
    assert!(more.seq > answer.seq);
    // Another customer's conversation looks absent.
    let stranger = n
        .ingest(Inbound {
            sender: customer("buyer-1002"),
            channel: Channel::Chat,
            refs: ExternalRefs::default(),
            target: Target::Existing(t.number),
            text: "hi".into(),
            files: Vec::new(),
            locale: None,
        })
        .await;
    assert!(matches!(stranger, Err(CoreError::NotFound)), "{stranger:?}");
}

#[tokio::test]
async fn a_repeated_question_joins_the_open_request_on_another_channel() {
    let n = node().await;
    let first = n
        .ingest(form(
            "Заказ должен был прийти вчера, но трекинг не обновляется",
        ))
        .await
        .expect("form");
    let again = n
        .ingest(Inbound {
            sender: customer("buyer-1001"),
            channel: Channel::Chat,
            refs: ExternalRefs {
                client_id: Some("q".into()),
                ..ExternalRefs::default()
            },
            target: Target::New(Request {
                line: "marketplace".into(),
                topic: "delivery".into(),
                order_number: Some("MP-10001".into()),
                ..Request::default()
            }),
            text: "трекинг не обновляется, заказ должен был прийти вчера".into(),
            files: Vec::new(),
            locale: None,
        })
        .await
        .expect("chat");
    assert_eq!(again.outcome, IngestOutcome::Joined);
    assert_eq!(again.ticket, first.ticket);
    assert_eq!(again.notices[0].code, "joined_open_request");
    let events = n.store.events(first.ticket).await.expect("events");
    assert!(events.iter().any(|e| e.event
        == TicketEvent::DuplicateJoined {
            channel: Channel::Chat
        }));
    assert_eq!(
        n.store
            .list_tickets(&Default::default())
            .await
            .expect("list")
            .len(),
        1
    );
}

#[tokio::test]
async fn an_unknown_sender_becomes_a_contact_and_a_reply_threads_back() {
    let n = node().await;
    let first = n
        .ingest(mail(
            "petr@elsewhere.example",
            "<m1@elsewhere.example>",
            &[],
            "Где мой заказ?",
        ))
        .await
        .expect("mail");
    assert_eq!(first.outcome, IngestOutcome::Opened { created: true });
    let t = n.store.ticket(first.ticket).await.expect("ticket");
    let Requester::Contact(contact) = t.requester else {
        panic!("a stranger is a contact: {:?}", t.requester);
    };
    assert_eq!(
        n.store.contact(contact).await.expect("contact").name,
        "Пётр Сидоров"
    );
    let origin = t.origin.clone().expect("the mail thread");
    assert_eq!(
        (origin.endpoint.as_str(), origin.address.as_str()),
        ("help@demo.example", "petr@elsewhere.example")
    );
    // The acknowledgement goes back to the sender, in their thread.
    let ack = &n.store.ticket_outbound(t.id).await.expect("outbox")[0];
    assert_eq!(ack.outbound.route.recipient, "petr@elsewhere.example");
    assert_eq!(
        ack.outbound.route.thread.as_deref(),
        Some("<m1@elsewhere.example>")
    );

    // Support answers: the reply is routed back to the mail thread.
    let op = n.store.operators().await.expect("staff").into_iter().next();
    let op = match op {
        Some(op) => op,
        None => n
            .store
            .create_operator(&switchboard_store::NewOperator {
                login: switchboard_domain::ids::Login::parse("op").unwrap(),
                name: "Оператор".into(),
                role: Role::Operator,
                skills: vec!["marketplace".into()],
                capacity: 3,
                password_hash: "x".into(),
            })
            .await
            .expect("operator"),
    };
    let reply = StaffMessage {
        operator: op.id,
        supervisor: false,
        text: "Заказ передан курьеру".into(),
        files: Vec::new(),
        internal: false,
        client_id: None,
    };
    let ack = n
        .core
        .post_staff(&t, reply)
        .await
        .expect("post")
        .wait(&n.core)
        .await
        .expect("stored");
    let sent = n.store.ticket_outbound(t.id).await.expect("outbox");
    let out = sent
        .iter()
        .find(|r| r.outbound.kind == OutboundKind::Reply)
        .expect("reply");
    assert_eq!(out.outbound.route.recipient, "petr@elsewhere.example");
    assert_eq!(
        out.outbound.text.lines().next(),
        Some("Заказ передан курьеру")
    );
    assert_eq!(
        n.store.ticket(t.id).await.unwrap().status,
        Status::WaitingForCustomer
    );

    // Their answer quotes our mail: it continues the ticket.
    let claimed = n
        .store
        .claim_outbound(support::noon(), jiff::SignedDuration::from_secs(60), 10)
        .await
        .expect("claim");
    let ours = claimed
        .iter()
        .find(|i| i.seq == Some(ack.seq))
        .expect("the reply");
    n.store
        .outbound_delivered(ours.id, Some("<r1@demo.example>"), support::noon())
        .await
        .expect("delivered");
    let answer = n
        .ingest(mail(
            "petr@elsewhere.example",
            "<m2@elsewhere.example>",
            &["<r1@demo.example>"],
            "Спасибо, жду",
        ))
        .await
        .expect("answer");
    assert_eq!(
        (answer.ticket, answer.outcome),
        (t.id, IngestOutcome::Continued)
    );
    assert_eq!(n.store.ticket(t.id).await.unwrap().status, Status::Assigned);
    // Someone else quoting the same mail never joins Пётр's ticket.
    let other = n
        .ingest(mail(
            "ivan@elsewhere.example",
            "<m3@elsewhere.example>",
            &["<r1@demo.example>"],
            "А у меня другой вопрос про возврат",
        ))
        .await
        .expect("other");
    assert_ne!(other.ticket, t.id);
}

#[tokio::test]
async fn a_redelivery_with_the_same_outside_id_is_stored_once() {
    let n = node().await;
    let first = n
        .ingest(mail(
            "anna@demo.example",
            "<same@mail>",
            &[],
            "Вопрос о возврате",
        ))
        .await
        .expect("first");
    let t = n.store.ticket(first.ticket).await.expect("ticket");
    assert_eq!(
        t.requester,
        Requester::Customer(CustomerId::parse("buyer-1001").unwrap()),
        "the address in the customer's profile is theirs"
    );
    let again = n
        .ingest(mail(
            "anna@demo.example",
            "<same@mail>",
            &[],
            "Вопрос о возврате",
        ))
        .await
        .expect("again");
    assert_eq!(again.outcome, IngestOutcome::Redelivered);
    assert!(again.duplicate);
    assert_eq!((again.ticket, again.seq), (first.ticket, first.seq));
    assert_eq!(n.store.messages(t.id, 0, 100, true).await.unwrap().len(), 1);
    assert_eq!(
        n.store
            .list_tickets(&Default::default())
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn fraud_is_urgent_and_an_operator_asking_for_a_code_stores_nothing() {
    let n = node().await;
    let done = n
        .ingest(form("Мошенники позвонили и списали все деньги с карты!"))
        .await
        .expect("form");
    let t = n.store.ticket(done.ticket).await.expect("ticket");
    assert_eq!(t.priority, Priority::Urgent);
    assert_eq!(done.notices[0].code, "out_of_scope_fraud");
    let op = n
        .store
        .create_operator(&switchboard_store::NewOperator {
            login: switchboard_domain::ids::Login::parse("op-x").unwrap(),
            name: "Оператор".into(),
            role: Role::Operator,
            skills: vec!["marketplace".into()],
            capacity: 3,
            password_hash: "x".into(),
        })
        .await
        .expect("operator");
    let asking = StaffMessage {
        operator: op.id,
        supervisor: false,
        text: "Назовите, пожалуйста, код из СМС".into(),
        files: Vec::new(),
        internal: false,
        client_id: None,
    };
    let refused = n.core.post_staff(&t, asking).await;
    assert!(
        matches!(&refused, Err(CoreError::Refused(r)) if r.code == "operator_request_blocked"),
        "{:?}",
        refused.err()
    );
    assert_eq!(n.store.messages(t.id, 0, 100, true).await.unwrap().len(), 1);
    let number = TicketNumber::from_id(t.id);
    assert_eq!(
        n.store.ticket(number.id()).await.unwrap().version,
        t.version
    );
}
