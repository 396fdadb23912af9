//! The e-mail intake on the core: raw mails, as a mail server hands them
//! over, through `channels::Intake` and `CoreSink` into tickets. One test per
//! failure issue 9 names: replies opening new conversations, Outlook's
//! References-only threading, broadcast replies merged, auto-reply loops,
//! charsets, Outlook attachments, one mail to two mailboxes.

mod support;

use support::{Node, node};
use switchboard_channels::{EmailConfig, Intake, MailboxConfig, Taken};
use switchboard_core::sink::CoreSink;
use switchboard_domain::attachment::AttachmentPolicy;
use switchboard_domain::conversation::OutboundKind;
use switchboard_domain::ids::{TicketId, TicketNumber};
use switchboard_domain::ticket::TicketEvent;

struct Mail {
    from: String,
    to: String,
    id: Option<String>,
    subject: String,
    headers: Vec<String>,
    content_type: String,
    body: Vec<u8>,
}

fn mail(from: &str, id: &str, subject: &str, body: &str) -> Mail {
    Mail {
        from: from.into(),
        to: "help@demo.example".into(),
        id: Some(id.into()),
        subject: subject.into(),
        headers: Vec::new(),
        content_type: "text/plain; charset=utf-8".into(),
        body: body.as_bytes().to_vec(),
    }
}

impl Mail {
    fn header(mut self, h: &str) -> Self {
        self.headers.push(h.into());
        self
    }

    fn raw(&self) -> Vec<u8> {
        let mut out = format!("From: {}\r\nTo: {}\r\n", self.from, self.to);
        if let Some(id) = &self.id {
            out.push_str(&format!("Message-ID: {id}\r\n"));
        }
        out.push_str(&format!(
            "Subject: {}\r\nDate: Tue, 24 Nov 2026 12:00:00 +0300\r\nMIME-Version: 1.0\r\n",
            self.subject
        ));
        for h in &self.headers {
            out.push_str(h);
            out.push_str("\r\n");
        }
        out.push_str(&format!("Content-Type: {}\r\n\r\n", self.content_type));
        let mut raw = out.into_bytes();
        raw.extend_from_slice(&self.body);
        raw
    }
}

struct Desk {
    n: Node,
    intake: Intake,
    sink: CoreSink,
}

async fn desk() -> Desk {
    let n = node().await;
    let config = EmailConfig::default();
    Desk {
        sink: CoreSink(n.core.clone()),
        intake: Intake::new(config, AttachmentPolicy::default()),
        n,
    }
}

impl Desk {
    fn mailbox(&self, address: &str) -> MailboxConfig {
        self.intake
            .config()
            .mailbox(address)
            .expect("demo mailbox")
            .clone()
    }

    async fn take_at(&self, address: &str, m: &Mail) -> Taken {
        let mailbox = self.mailbox(address);
        self.intake
            .take(&mailbox, &m.raw(), &self.sink)
            .await
            .expect("taken")
    }

    async fn take(&self, m: &Mail) -> Taken {
        self.take_at("help@demo.example", m).await
    }

    /// Takes a mail a person wrote at `address`; its ticket is on `line` and `topic`.
    async fn filed(&self, address: &str, m: &Mail, line: &str, topic: &str) {
        let Taken::Stored(r) = self.take_at(address, m).await else {
            panic!("not stored")
        };
        let t = self.n.store.ticket(r.ticket.id()).await.expect("ticket");
        assert_eq!((t.line.as_str(), t.topic.as_str()), (line, topic));
    }

    /// Takes a mail a person wrote; the ticket it is stored on.
    async fn stored(&self, m: &Mail) -> TicketId {
        match self.take(m).await {
            Taken::Stored(r) => r.ticket.id(),
            other => panic!("not stored: {other:?}"),
        }
    }

    /// Our reply on `ticket`, delivered as `<id>` (what SMTP gave it).
    async fn reply(&self, ticket: TicketId, id: &str) {
        let t = self.n.store.ticket(ticket).await.expect("ticket");
        let op = operator(&self.n).await;
        let reply = switchboard_core::conversation::StaffMessage {
            operator: op,
            supervisor: false,
            text: "Заказ передан курьеру".into(),
            files: Vec::new(),
            internal: false,
            client_id: None,
        };
        let ack = self
            .n
            .core
            .post_staff(&t, reply)
            .await
            .expect("post")
            .wait(&self.n.core)
            .await
            .expect("stored");
        let claimed = self
            .n
            .store
            .claim_outbound(support::noon(), jiff::SignedDuration::from_secs(60), 50)
            .await
            .expect("claim");
        let ours = claimed
            .iter()
            .find(|i| i.ticket_id == Some(ticket) && i.seq == Some(ack.seq))
            .expect("the reply in the outbox");
        self.n
            .store
            .outbound_delivered(ours.id, Some(id), support::noon())
            .await
            .expect("delivered");
    }

    async fn acks(&self, ticket: TicketId) -> usize {
        self.n
            .store
            .ticket_outbound(ticket)
            .await
            .expect("outbox")
            .iter()
            .filter(|o| o.outbound.kind == OutboundKind::Confirmation)
            .count()
    }

    async fn stored_messages(&self, ticket: TicketId) -> Vec<switchboard_store::StoredMessage> {
        self.n
            .store
            .messages(ticket, 0, 100, false)
            .await
            .expect("messages")
    }

    async fn messages(&self, ticket: TicketId) -> Vec<String> {
        let all = self.stored_messages(ticket).await;
        all.into_iter().map(|m| m.body).collect()
    }

    async fn ticket_count(&self) -> usize {
        let filter = switchboard_store::TicketFilter {
            limit: 100,
            ..Default::default()
        };
        self.n
            .store
            .list_tickets(&filter)
            .await
            .expect("list")
            .len()
    }
}

async fn operator(n: &Node) -> switchboard_domain::ids::OperatorId {
    if let Some(op) = n.store.operators().await.expect("staff").into_iter().next() {
        return op.id;
    }
    n.store
        .create_operator(&switchboard_store::NewOperator {
            login: switchboard_domain::ids::Login::parse("op").expect("login"),
            name: "Оператор".into(),
            role: switchboard_store::Role::Operator,
            skills: vec!["marketplace".into()],
            capacity: 3,
            password_hash: "x".into(),
        })
        .await
        .expect("operator")
        .id
}

#[tokio::test]
async fn a_mail_opens_a_ticket_on_its_line_with_an_acknowledgement_in_its_thread() {
    let d = desk().await;
    let t = d
        .stored(&mail(
            "Пётр <Petr@Elsewhere.example>",
            "<m1@elsewhere.example>",
            "Где мой заказ?",
            "Заказ не пришёл уже неделю.",
        ))
        .await;
    let ticket = d.n.store.ticket(t).await.expect("ticket");
    // The subject names the topic (the line's first would be "ordering").
    assert_eq!(
        (ticket.line.as_str(), ticket.topic.as_str()),
        ("marketplace", "delivery")
    );
    assert_eq!(d.messages(t).await, ["Заказ не пришёл уже неделю."]);
    let out = d.n.store.ticket_outbound(t).await.expect("outbox");
    let ack = &out[0].outbound;
    assert_eq!(ack.kind, OutboundKind::Confirmation);
    assert_eq!(ack.route.recipient, "petr@elsewhere.example");
    assert_eq!(ack.route.endpoint.as_deref(), Some("help@demo.example"));
    assert_eq!(ack.route.thread.as_deref(), Some("<m1@elsewhere.example>"));
    assert!(
        ack.text.contains(&ticket.number.to_string()),
        "{}",
        ack.text
    );
    // A team's mailbox opens on its team's topic, whatever the subject says.
    let pr = mail(
        "fund@invest.example",
        "<i0@invest.example>",
        "Финансовая отчётность",
        "Просим прислать отчётность",
    );
    d.filed("pr@demo.example", &pr, "partners", "press").await;
    // A subject that names no topic keeps the line's first.
    let vague = mail(
        "anna@elsewhere.example",
        "<v1@elsewhere.example>",
        "Вопрос",
        "Здравствуйте, подскажите, пожалуйста.",
    );
    d.filed("help@demo.example", &vague, "marketplace", "ordering")
        .await;
    let q3 = mail(
        "fund@invest.example",
        "<i1@invest.example>",
        "Q3",
        "Отчёт за квартал",
    );
    d.filed("ir@demo.example", &q3, "partners", "investors")
        .await;
}

#[tokio::test]
async fn replies_continue_the_ticket_with_headers_kept_dropped_or_a_new_subject() {
    let d = desk().await;
    let from = "petr@elsewhere.example";
    let t = d
        .stored(&mail(
            from,
            "<m1@elsewhere.example>",
            "Где мой заказ?",
            "Не пришёл",
        ))
        .await;
    let number = TicketNumber::from_id(t);
    d.reply(t, "<r1@demo.example>").await;
    // Headers kept, subject changed.
    let kept = mail(from, "<m2@elsewhere.example>", "Другая тема", "Спасибо")
        .header("In-Reply-To: <r1@demo.example>")
        .header("References: <m1@elsewhere.example> <r1@demo.example>");
    assert_eq!(d.stored(&kept).await, t);
    // Headers dropped: the number in the subject, from the same sender.
    let dropped = mail(
        from,
        "<m3@elsewhere.example>",
        &format!("RE: [{number}] Где мой заказ?"),
        "Ещё вопрос",
    );
    assert_eq!(d.stored(&dropped).await, t);
    assert_eq!(d.messages(t).await.len(), 4);
}

#[tokio::test]
async fn an_outlook_reply_threads_by_references_when_in_reply_to_is_unknown() {
    let d = desk().await;
    let from = "olga@corp.example";
    let t = d
        .stored(&mail(
            from,
            "<o1@corp.example>",
            "Возврат",
            "Хочу вернуть товар",
        ))
        .await;
    d.reply(t, "<r1@demo.example>").await;
    let outlook = mail(
        from,
        "<o2@corp.example>",
        "RE: Возврат",
        "Когда вернут деньги?",
    )
    .header("In-Reply-To: <AM0PR07MB1234@eurprd07.prod.outlook.com>")
    .header("References: <o1@corp.example>\r\n <r1@demo.example>")
    .header("Thread-Index: AQHXxyz");
    assert_eq!(d.stored(&outlook).await, t);
}

#[tokio::test]
async fn replies_to_a_broadcast_or_a_similar_subject_never_join_another_persons_ticket() {
    let d = desk().await;
    let t = d
        .stored(&mail(
            "anna@a.example",
            "<a1@a.example>",
            "Где мой заказ?",
            "Не пришёл",
        ))
        .await;
    let number = TicketNumber::from_id(t);
    d.reply(t, "<r1@demo.example>").await;
    // Someone else answering the same mail (it was forwarded to them).
    let broadcast = mail(
        "boris@b.example",
        "<b1@b.example>",
        "Re: Где мой заказ?",
        "И мой",
    )
    .header("In-Reply-To: <r1@demo.example>");
    let b = d.stored(&broadcast).await;
    assert_ne!(b, t);
    // Someone else quoting Anna's ticket number in the subject.
    let quoted = mail(
        "vera@c.example",
        "<c1@c.example>",
        &format!("[{number}] Где мой заказ?"),
        "Не пришёл",
    );
    let c = d.stored(&quoted).await;
    assert!(c != t && c != b);
    assert_eq!(d.messages(t).await.len(), 2);
}

#[tokio::test]
async fn automatic_mail_is_never_taken_nor_answered() {
    let d = desk().await;
    let cases = [
        mail("anna@a.example", "<x1@a.example>", "Re: заказ", "I am away")
            .header("Auto-Submitted: auto-replied"),
        mail("list@lists.example", "<x2@a.example>", "Digest", "news")
            .header("Precedence: list")
            .header("List-Id: <news.lists.example>"),
        mail("promo@shop.example", "<x3@a.example>", "Скидки", "Скидки!")
            .header("Precedence: bulk"),
        mail("anna@a.example", "<x4@a.example>", "Re: заказ", "away").header("X-Autoreply: yes"),
        mail("anna@a.example", "<x5@a.example>", "Re: заказ", "away").header("X-Autorespond: yes"),
        mail(
            "anna@a.example",
            "<x6@a.example>",
            "Автоответ: Re: заказ",
            "Я в отпуске",
        ),
        mail(
            "anna@a.example",
            "<x7@a.example>",
            "Out of Office: заказ",
            "Back Monday",
        ),
        mail(
            "help@demo.example",
            "<x8@demo.example>",
            "Ваше обращение",
            "Мы ответим",
        ),
        mail(
            "MAILER-DAEMON@mx.example",
            "<x9@mx.example>",
            "Undelivered",
            "failed",
        ),
    ];
    for m in &cases {
        let taken = d.take(m).await;
        assert!(
            matches!(taken, Taken::Dropped(_)),
            "{}: {taken:?}",
            m.subject
        );
    }
    assert_eq!(
        d.ticket_count().await,
        0,
        "no ticket opened by automatic mail"
    );
}

#[tokio::test]
async fn a_bounce_of_our_reply_is_recorded_on_its_ticket_once() {
    let d = desk().await;
    let t = d
        .stored(&mail(
            "typo@nowhere.example",
            "<m1@nowhere.example>",
            "Вопрос",
            "Текст",
        ))
        .await;
    d.reply(t, "<r1@demo.example>").await;
    let mut dsn = mail(
        "MAILER-DAEMON@mx.demo.example",
        "<dsn1@mx.demo.example>",
        "Undelivered Mail Returned to Sender",
        "",
    );
    dsn.content_type = "multipart/report; report-type=delivery-status; boundary=\"B\"".into();
    dsn.body = b"--B\r\nContent-Type: text/plain\r\n\r\nThe mail system: <typo@nowhere.example>: host not found\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.demo.example\r\n\r\nFinal-Recipient: rfc822; typo@nowhere.example\r\nAction: failed\r\nStatus: 5.1.2\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: help@demo.example\r\nTo: typo@nowhere.example\r\nMessage-ID: <r1@demo.example>\r\nSubject: Re: question\r\n--B--\r\n".to_vec();
    let number = TicketNumber::from_id(t);
    assert_eq!(d.take(&dsn).await, Taken::Bounce(Some(number)));
    assert_eq!(d.take(&dsn).await, Taken::Bounce(Some(number)));
    let failures: Vec<_> =
        d.n.store
            .events(t)
            .await
            .expect("events")
            .into_iter()
            .filter(|e| matches!(e.event, TicketEvent::DeliveryFailed { .. }))
            .collect();
    assert_eq!(failures.len(), 1, "{failures:?}");
    let TicketEvent::DeliveryFailed { message_id, reason } = &failures[0].event else {
        unreachable!()
    };
    assert_eq!(message_id, "<r1@demo.example>");
    assert!(reason.contains("host not found"), "{reason}");
    assert_eq!(d.messages(t).await.len(), 2, "a bounce is not a message");
}

#[tokio::test]
async fn russian_charsets_and_a_lying_charset_are_read() {
    let d = desk().await;
    let text = "Здравствуйте, заказ не пришёл";
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    let (koi8, _, _) = encoding_rs::KOI8_R.encode(text);
    let mut a = mail(
        "a@a.example",
        "<c1@a.example>",
        "=?windows-1251?B?wu7v8O7x?=",
        "",
    );
    a.content_type = "text/plain; charset=windows-1251".into();
    a.body = cp1251.to_vec();
    let mut b = mail(
        "b@b.example",
        "<c2@b.example>",
        "=?koi8-r?Q?=F7=CF=D0=D2=CF=D3?=",
        "",
    );
    b.content_type = "text/plain; charset=koi8-r".into();
    b.body = koi8.to_vec();
    // Declared ASCII, sent UTF-8.
    let mut c = mail("c@c.example", "<c3@c.example>", "Вопрос", "");
    c.content_type = "text/plain; charset=us-ascii".into();
    c.body = text.as_bytes().to_vec();
    for m in [&a, &b, &c] {
        let t = d.stored(m).await;
        assert_eq!(d.messages(t).await, [text], "{}", m.content_type);
        let subject = d.n.store.ticket(t).await.expect("ticket").subject;
        assert!(subject.contains("Вопрос"), "{subject}");
    }
}

#[tokio::test]
async fn outlook_attachments_are_kept_and_tnef_is_listed() {
    let d = desk().await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";
    let b64 = |b: &[u8]| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(b)
    };
    let mut m = mail("olga@corp.example", "<att1@corp.example>", "Скриншот", "");
    m.content_type = "multipart/mixed; boundary=\"_004_\"".into();
    m.body = format!(
        "--_004_\r\nContent-Type: multipart/alternative; boundary=\"_000_\"\r\n\r\n--_000_\r\nContent-Type: text/plain; charset=\"koi8-r\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=F3=CD=2E =D7=CF =D7=CC=CF=D6=C5=CE=C9=C9\r\n--_000_\r\nContent-Type: text/html; charset=\"koi8-r\"\r\n\r\n<html><body>x</body></html>\r\n--_000_--\r\n\r\n--_004_\r\nContent-Type: image/png; name=\"=?koi8-r?B?68HS1MnOy8E=?=.png\"\r\nContent-Description: image\r\nContent-Disposition: attachment; filename*=utf-8''%D0%9A%D0%B0%D1%80%D1%82%D0%B8%D0%BD%D0%BA%D0%B0.png; size=70\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--_004_\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Disposition: attachment; filename=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--_004_--\r\n",
        b64(png),
        b64(b"\x78\x9f\x3e\x22\x01\x00\x01\x06\x90\x08\x00\x04\x00\x00\x00")
    )
    .into_bytes();
    let t = d.stored(&m).await;
    let all = d.stored_messages(t).await;
    let first = &all[0];
    assert_eq!(first.attachments.len(), 1, "{:?}", first.attachments);
    assert_eq!(first.attachments[0].file_name, "Картинка.png");
    assert!(first.body.starts_with("См. во вложении"), "{}", first.body);
    assert!(first.body.contains("winmail.dat"), "{}", first.body);
}

#[tokio::test]
async fn operators_see_the_own_text_and_the_whole_mail_stays_with_secrets_masked() {
    let d = desk().await;
    let body = "Карта не подошла, что делать?\n-- \nАнна Петрова\n\nOn Mon, Dec 1, 2026 at 10:15 AM Anna <anna@a.example> wrote:\n> Оплачиваю картой 4111 1111 1111 1111, срок 12/29\n> Заказ 123\n";
    let m = mail("anna@a.example", "<q1@a.example>", "Оплата", body);
    let t = d.stored(&m).await;
    let all = d.stored_messages(t).await;
    let first = &all[0];
    assert_eq!(first.body, "Карта не подошла, что делать?");
    let [original] = &first.attachments[..] else {
        panic!("the whole mail is kept: {:?}", first.attachments)
    };
    assert_eq!(original.file_name, "original.txt");
    let kept =
        d.n.core
            .files
            .get(&original.hash)
            .await
            .expect("stored file");
    let kept = String::from_utf8(kept).expect("text");
    assert!(
        kept.contains("Анна Петрова") && kept.contains("Заказ 123"),
        "{kept}"
    );
    assert!(!kept.contains("4111 1111 1111 1111"), "{kept}");
    assert!(!kept.contains("1111 1111"), "{kept}");
    // A mail with nothing to trim keeps no copy.
    let plain = mail(
        "boris@b.example",
        "<q2@b.example>",
        "Доставка",
        "Где мой заказ?",
    );
    let t = d.stored(&plain).await;
    assert!(d.stored_messages(t).await[0].attachments.is_empty());
}

#[tokio::test]
async fn a_mail_is_judged_and_a_repeated_question_joins_the_open_request() {
    let d = desk().await;
    let first = mail(
        "anna@demo.example",
        "<j1@demo-customer.example>",
        "Оплата",
        "Списали деньги дважды, карта 4111 1111 1111 1111",
    );
    let t = d.stored(&first).await;
    let body = &d.messages(t).await[0];
    assert!(!body.contains("4111 1111 1111 1111"), "{body}");
    let events = d.n.store.events(t).await.expect("events");
    assert!(
        events
            .iter()
            .any(|e| matches!(e.event, TicketEvent::SensitiveDataMasked { .. }))
    );
    // The customer's profile address: the ticket is theirs.
    let ticket = d.n.store.ticket(t).await.expect("ticket");
    assert_eq!(
        ticket.requester.customer().map(|c| c.as_str()),
        Some("buyer-1001")
    );
    // The same question again, a new mail without threading headers.
    let again = mail(
        "anna@demo.example",
        "<j2@demo-customer.example>",
        "Опять про оплату",
        "Списали деньги дважды, карта 4111 1111 1111 1111",
    );
    assert_eq!(d.stored(&again).await, t);
    let events = d.n.store.events(t).await.expect("events");
    assert!(events.iter().any(|e| e.event
        == TicketEvent::DuplicateJoined {
            channel: switchboard_domain::ticket::Channel::Email
        }));
    assert_eq!(d.ticket_count().await, 1);
}

#[tokio::test]
async fn an_acknowledgement_out_of_hours_says_when_a_person_replies() {
    let d = desk().await;
    // Saturday 28 November 2026, 20:00 Moscow: the marketplace works Mon–Fri 09–18.
    d.n.clock.set("2026-11-28T17:00:00Z".parse().expect("time"));
    let t = d
        .stored(&mail(
            "petr@elsewhere.example",
            "<oh1@elsewhere.example>",
            "Где мой заказ?",
            "Заказ не пришёл",
        ))
        .await;
    let out = d.n.store.ticket_outbound(t).await.expect("outbox");
    let ack = &out[0].outbound;
    assert_eq!(ack.kind, OutboundKind::Confirmation);
    assert!(ack.text.contains("30.11.2026 09:00"), "{}", ack.text);
}

#[tokio::test]
async fn html_only_mail_inline_images_and_mail_without_text_are_read() {
    let d = desk().await;
    let mut html = mail("h@h.example", "<h1@h.example>", "Вопрос", "");
    html.content_type = "text/html; charset=utf-8".into();
    html.body = "<html><body><p>Здравствуйте,<br>заказ <b>не пришёл</b></p></body></html>"
        .as_bytes()
        .to_vec();
    let t = d.stored(&html).await;
    let body = &d.messages(t).await[0];
    assert!(
        body.contains("заказ не пришёл") && !body.contains('<'),
        "{body}"
    );

    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";
    let b64 = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(png)
    };
    let mut inline = mail("i@i.example", "<i1@i.example>", "Скриншот ошибки", "");
    inline.content_type = "multipart/related; boundary=\"rel\"".into();
    inline.body = format!(
        "--rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Вот ошибка: <img src=\"cid:shot\"></p>\r\n--rel\r\nContent-Type: image/png\r\nContent-ID: <shot>\r\nContent-Disposition: inline; filename=\"shot.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--rel--\r\n"
    )
    .into_bytes();
    let t = d.stored(&inline).await;
    let first = &d.stored_messages(t).await[0];
    assert!(first.body.contains("Вот ошибка"), "{}", first.body);
    assert_eq!(first.attachments.len(), 1, "{:?}", first.attachments);
    assert_eq!(first.attachments[0].content_type, "image/png");

    let mut bare = mail("f@f.example", "<f1@f.example>", "Файл", "");
    bare.content_type = "multipart/mixed; boundary=\"mx\"".into();
    bare.body = format!(
        "--mx\r\nContent-Type: image/png; name=\"photo.png\"\r\nContent-Disposition: attachment; filename=\"photo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--mx--\r\n"
    )
    .into_bytes();
    let t = d.stored(&bare).await;
    let first = &d.stored_messages(t).await[0];
    assert_eq!(first.attachments[0].file_name, "photo.png");
    let subject = d.n.store.ticket(t).await.expect("ticket").subject;
    assert!(subject.ends_with("Файл"), "{subject}");
}

#[tokio::test]
async fn one_mail_to_two_of_our_mailboxes_is_one_ticket() {
    let d = desk().await;
    let mut m = mail(
        "anna@a.example",
        "<both@a.example>",
        "Вопрос",
        "Текст вопроса",
    );
    m.to = "help@demo.example, sellersup@demo.example".into();
    let a = d.take_at("help@demo.example", &m).await;
    let b = d.take_at("sellersup@demo.example", &m).await;
    let (Taken::Stored(a), Taken::Stored(b)) = (a, b) else {
        panic!("stored twice?")
    };
    assert_eq!(a.ticket, b.ticket);
    assert!(!a.duplicate && b.duplicate);
    assert_eq!(d.acks(a.ticket.id()).await, 1);
    // Without a Message-ID the content is the id: fetched again, stored once.
    let mut bare = mail("anna@a.example", "", "Ещё", "Без идентификатора");
    bare.id = None;
    let first = d.take(&bare).await;
    let again = d.take(&bare).await;
    let (Taken::Stored(x), Taken::Stored(y)) = (first, again) else {
        panic!("not stored")
    };
    assert_eq!(x.ticket, y.ticket);
    assert!(y.duplicate);
}

#[tokio::test]
async fn garbage_is_dropped_without_an_error() {
    let d = desk().await;
    let mailbox = d.mailbox("help@demo.example");
    for raw in [&b""[..], b"\0\0\0", b"\r\n\r\n", b"From: \r\n\r\n"] {
        let taken = d
            .intake
            .take(&mailbox, raw, &d.sink)
            .await
            .expect("no error");
        assert!(matches!(taken, Taken::Dropped(_)), "{raw:?}: {taken:?}");
    }
}
