//! The e-mail channel end to end, against real servers: Dovecot (IMAP,
//! seeded with APPEND) and aiosmtpd (SMTP). A mail becomes a ticket, the
//! sender is acknowledged, an operator answers through the API, the answer
//! leaves as a proper mail, and the customer's replies — headers kept,
//! headers dropped, subject changed — land on the same ticket.

use std::time::Duration;

use serde_json::{Value, json};
use switchboard_channels::testing::Dovecot;
use switchboard_channels::{SmtpConfig, SmtpSecurity};

use crate::helpers::*;
use crate::outbox::SmtpSink;

const CUSTOMER: &str = "petr@elsewhere.example";

fn customer_mail(id: &str, subject: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Пётр <{CUSTOMER}>\r\nTo: help@demo.example\r\nMessage-ID: {id}\r\n\
         Subject: {subject}\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// A Dovecot with help@ (the marketplace line), an SMTP sink, and the
/// service fetching the one and sending through the other.
async fn mail_app(max_mail_bytes: Option<usize>) -> (Dovecot, SmtpSink, TestApp) {
    let server = Dovecot::start(&["help@demo.example"])
        .await
        .expect("dovecot");
    let smtp = SmtpSink::start().await;
    let (imap_box, port) = (
        server.mailbox("help@demo.example", "marketplace"),
        smtp.port,
    );
    let app = TestApp::spawn_with(move |s| {
        s.config.email.mailboxes = vec![imap_box];
        if let Some(max) = max_mail_bytes {
            s.config.email.max_mail_bytes = max;
        }
        s.config.smtp = SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            from: "Поддержка <noreply@demo.example>".into(),
            timeout_secs: 5,
            ..SmtpConfig::default()
        };
    })
    .await;
    (server, smtp, app)
}

/// The operator's view of the customer's open tickets on the mailbox's line.
async fn tickets(app: &TestApp, op: &str) -> Vec<Value> {
    app.get("/api/v1/tickets?line=marketplace", op)
        .await
        .json::<Vec<Value>>()
        .await
        .unwrap()
}

/// Waits (bounded) until the ticket list satisfies `done`.
async fn until(app: &TestApp, op: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let list = tickets(app, op).await;
        if done(&list) {
            return list;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out: {list:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn message_count(app: &TestApp, op: &str, number: &str) -> usize {
    let t: Value = app
        .get(&format!("/api/v1/tickets/{number}"), op)
        .await
        .json()
        .await
        .unwrap();
    t["messages"].as_array().map(Vec::len).unwrap_or_default()
}

#[tokio::test]
async fn a_mail_conversation_runs_through_imap_the_api_and_smtp() {
    let (server, mut smtp, app) = mail_app(None).await;
    let op = app.login("operator").await;

    // In: a mail becomes a ticket; the acknowledgement answers it.
    server
        .append(
            "help@demo.example",
            &[customer_mail(
                "<c1@elsewhere.example>",
                "Где мой заказ?",
                "",
                "Заказ не пришёл",
            )],
        )
        .await
        .unwrap();
    let list = until(&app, &op, |l| l.len() == 1).await;
    let number = list[0]["number"].as_str().unwrap().to_owned();
    assert_eq!(app.outbox.run_once().await.unwrap().delivered, 1);
    let ack = smtp.next_message().await;
    assert_eq!(ack["rcpt_tos"], json!([CUSTOMER]));
    assert_eq!(ack["in_reply_to"], "<c1@elsewhere.example>");
    assert!(
        ack["from"].as_str().unwrap().contains("help@demo.example"),
        "{ack}"
    );
    assert!(ack["subject"].as_str().unwrap().contains(&number), "{ack}");

    // Out: the operator's reply through the API leaves as a proper mail.
    app.post(&format!("/api/v1/tickets/{number}/take"), &op, json!({}))
        .await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{number}/replies"),
            &op,
            json!({"body": "Заказ передан курьеру, завтра привезут."}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    assert_eq!(app.outbox.run_once().await.unwrap().delivered, 1);
    let reply = smtp.next_message().await;
    assert_eq!(reply["rcpt_tos"], json!([CUSTOMER]));
    assert_eq!(reply["mail_from"], "help@demo.example");
    assert_eq!(reply["in_reply_to"], "<c1@elsewhere.example>");
    // The subject carries the number the API gave (as the notification
    // writes it, `… SB-000001: …`), and our own subject parser finds it there.
    let subject = reply["subject"].as_str().unwrap().to_owned();
    assert_eq!(
        switchboard_domain::ids::TicketNumber::find_in(&subject).map(|n| n.to_string()),
        Some(number.clone()),
        "{reply}"
    );
    assert_eq!(reply["content_type"], "multipart/alternative");
    assert!(
        reply["html"].as_str().unwrap().contains("передан курьеру"),
        "{reply}"
    );
    let reply_id = reply["message_id"].as_str().unwrap().to_owned();

    // The customer answers three ways; all land on the ticket.
    server
        .append(
            "help@demo.example",
            &[
                customer_mail(
                    "<c2@elsewhere.example>",
                    &format!("Re: {subject}"),
                    &format!("In-Reply-To: {reply_id}\r\nReferences: <c1@elsewhere.example> {reply_id}\r\n"),
                    "Спасибо!",
                ),
                customer_mail(
                    "<c3@elsewhere.example>",
                    &format!("RE: {subject}"),
                    "",
                    "А во сколько?",
                ),
                customer_mail(
                    "<c4@elsewhere.example>",
                    "Курьер",
                    &format!("In-Reply-To: {reply_id}\r\n"),
                    "Курьер не позвонил",
                ),
            ],
        )
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while message_count(&app, &op, &number).await < 5 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "replies not threaded"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(tickets(&app, &op).await.len(), 1, "no second ticket");

    // The mailbox is healthy, and its password is nowhere in the answers.
    let ready: Value = app.get("/readyz", &op).await.json().await.unwrap();
    assert_eq!(ready["mailboxes"]["help@demo.example"], "ok");
    let metrics = app.get("/metrics", &op).await.text().await.unwrap();
    assert!(
        metrics.contains("switchboard_mailbox_up{mailbox=\"help@demo.example\"} 1"),
        "{metrics}"
    );
    assert!(
        !ready
            .to_string()
            .contains(switchboard_channels::testing::PASSWORD)
    );
}

#[tokio::test]
async fn an_oversized_mail_gets_one_polite_rejection_and_machines_none() {
    let (server, mut smtp, app) = mail_app(Some(4096)).await;
    let op = app.login("operator").await;

    let big = "Фото во вложении. ".repeat(400);
    let photo = customer_mail("<big1@elsewhere.example>", "Фото товара", "", &big);
    let auto = customer_mail(
        "<big2@elsewhere.example>",
        "Re: Фото товара",
        "Auto-Submitted: auto-replied\r\n",
        &big,
    );
    let no_reply = format!(
        "From: no-reply@shop.example\r\nMessage-ID: <big3@shop.example>\r\n\
         Subject: Рассылка\r\n\r\n{big}\r\n"
    )
    .into_bytes();
    let small = customer_mail("<c9@elsewhere.example>", "Где мой заказ?", "", "Не пришёл");
    // The same oversized mail twice (a second copy gets a new UID).
    let mails = [photo.clone(), auto, no_reply, photo, small];
    server.append("help@demo.example", &mails).await.unwrap();
    // The small mail is fetched last: when its ticket exists, all were taken.
    let list = until(&app, &op, |l| l.len() == 1).await;
    assert_eq!(list.len(), 1, "no ticket for an oversized mail");

    let rejection = tokio::time::timeout(Duration::from_secs(30), smtp.next_message())
        .await
        .expect("the sender of the oversized mail is told");
    assert_eq!(rejection["rcpt_tos"], json!([CUSTOMER]));
    assert_eq!(rejection["in_reply_to"], "<big1@elsewhere.example>");
    let from = rejection["from"].as_str().unwrap();
    assert!(from.contains("help@demo.example"), "{rejection}");
    let body = rejection["body"].as_str().unwrap();
    assert!(body.contains("слишком большое"), "{body}");
    assert!(body.contains("too large"), "{body}");

    // The next mail out is the small mail's acknowledgement: no second
    // rejection for the copy, none to the auto-reply or the no-reply sender.
    assert_eq!(app.outbox.run_once().await.unwrap().delivered, 1);
    let ack = smtp.next_message().await;
    assert_eq!(ack["in_reply_to"], "<c9@elsewhere.example>", "{ack}");
}
