//! `EmailSender` against a real SMTP server: aiosmtpd, driven by `smtp_sink.py`
//! (needs `python3` with `pip install aiosmtpd`; `PYTHON` overrides the interpreter).

use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use switchboard_channels::{
    Adapter, Delivered, Delivery, EmailSender, SendError, SmtpConfig, SmtpSecurity,
};
use switchboard_domain::conversation::{Medium, Outbound, OutboundKind, Route};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use tokio::time::timeout;

/// The message under test, as the outbox would hand it over.
#[derive(Debug, Clone)]
struct Notification {
    channel: Medium,
    recipient: String,
    subject: String,
    body: String,
}

impl Notification {
    fn delivery(&self) -> Delivery {
        Delivery {
            id: 1,
            ticket: None,
            outbound: Outbound {
                kind: OutboundKind::Confirmation,
                route: Route {
                    medium: self.channel,
                    recipient: self.recipient.clone(),
                    endpoint: None,
                    thread: None,
                },
                subject: self.subject.clone(),
                text: self.body.clone(),
                attachments: Vec::new(),
                sensitive: false,
                buttons: Vec::new(),
            },
            files: Vec::new(),
        }
    }
}

/// `adapter.send(&n)`: one delivery attempt of `n`.
trait SendExt {
    async fn send(&self, n: &Notification) -> Result<Delivered, SendError>;
}

impl<A: Adapter> SendExt for A {
    async fn send(&self, n: &Notification) -> Result<Delivered, SendError> {
        self.deliver(&n.delivery()).await
    }
}

/// A guard against a hung sink, not a wait: every read returns as soon as the line arrives.
const PATIENCE: Duration = Duration::from_secs(30);

/// One message as the sink received and decoded it (see `smtp_sink.py`).
#[derive(Debug, Deserialize)]
struct Received {
    mail_from: String,
    rcpt_tos: Vec<String>,
    data: String,
    subject: Option<String>,
    from: Option<String>,
    to: Option<String>,
    message_id: Option<String>,
    content_type: String,
    charset: Option<String>,
    body: Option<String>,
}

struct Sink {
    // Held for kill_on_drop; also keeps the sink's stdin open, which it watches.
    _child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    port: u16,
}

impl Sink {
    async fn start() -> Sink {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let mut child = Command::new(&python)
            .arg("-u")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let first = timeout(PATIENCE, lines.next_line())
            .await
            .expect("smtp_sink.py did not report its port")
            .expect("reading smtp_sink.py's stdout");
        let Some(first) = first else {
            panic!(
                "smtp_sink.py exited before listening; is aiosmtpd installed? (pip install aiosmtpd)"
            );
        };
        let port = first.trim().parse().expect("first line is the port");
        Sink {
            _child: child,
            lines,
            port,
        }
    }

    async fn next_message(&mut self) -> Received {
        let line = timeout(PATIENCE, self.lines.next_line())
            .await
            .expect("the sink reported no message")
            .expect("reading smtp_sink.py's stdout")
            .expect("smtp_sink.py exited");
        serde_json::from_str(&line).expect("the sink prints JSON")
    }

    fn config(&self) -> SmtpConfig {
        config(self.port)
    }
}

fn config(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        from: "Служба поддержки <help@demo.example>".into(),
        timeout_secs: 5,
        ..SmtpConfig::default()
    }
}

fn email_to(recipient: &str) -> Notification {
    Notification {
        channel: Medium::Email,
        recipient: recipient.into(),
        subject: "Обращение SB-000123 принято: не пришёл заказ".into(),
        body: "Здравствуйте, Алёна!\n\nМы получили ваше обращение и присвоили ему номер SB-000123.\nОтвет придёт на этот адрес, а вся переписка — в разделе «Мои обращения».\n\nСлужба поддержки".into(),
    }
}

/// A port nothing listens on: bound by the OS, then released.
async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn delivers_russian_plain_text_that_decodes_back() {
    let mut sink = Sink::start().await;
    let sender = EmailSender::new(&sink.config()).unwrap();
    let n = email_to("alena@demo.example");

    let delivery = sender.send(&n).await.unwrap();
    let got = sink.next_message().await;

    assert_eq!(got.mail_from, "help@demo.example");
    assert_eq!(got.rcpt_tos, ["alena@demo.example"]);
    assert_eq!(got.to.as_deref(), Some("alena@demo.example"));
    assert_eq!(
        got.from.as_deref(),
        Some("Служба поддержки <help@demo.example>")
    );
    assert_eq!(got.subject.as_deref(), Some(n.subject.as_str()));
    assert_eq!(got.content_type, "text/plain");
    assert_eq!(got.charset.as_deref(), Some("utf-8"));
    // SMTP mandates CRLF; what the customer reads is the same text.
    let body = got.body.expect("a text/plain body").replace("\r\n", "\n");
    assert_eq!(body.trim_end(), n.body);
    // Transfer-encoded, so relays without 8BITMIME cannot mangle it.
    assert!(
        got.data.is_ascii(),
        "raw message is not 7-bit:\n{}",
        got.data
    );
    assert!(got.data.contains("MIME-Version: 1.0\r\n"), "{}", got.data);
    let id = delivery.provider_id.expect("the Message-ID we set");
    assert_eq!(got.message_id.as_deref(), Some(id.as_str()));
    assert!(
        id.starts_with('<') && id.ends_with("@demo.example>"),
        "{id}"
    );
}

#[tokio::test]
async fn a_recipient_refused_with_5xx_is_permanent_and_the_sender_keeps_working() {
    let mut sink = Sink::start().await;
    let sender = EmailSender::new(&sink.config()).unwrap();

    let err = sender
        .send(&email_to("reject@demo.example"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SendError::Permanent(m) if m.contains("550")),
        "{err:?}"
    );

    // The pooled connection must not be left mid-transaction by the refusal.
    sender.send(&email_to("next@demo.example")).await.unwrap();
    assert_eq!(sink.next_message().await.rcpt_tos, ["next@demo.example"]);
}

#[tokio::test]
async fn a_4xx_reply_is_transient() {
    let sink = Sink::start().await;
    let sender = EmailSender::new(&sink.config()).unwrap();

    let err = sender
        .send(&email_to("busy@demo.example"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SendError::Transient(m) if m.contains("451")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_closed_port_is_transient() {
    let sender = EmailSender::new(&config(closed_port().await)).unwrap();

    let err = sender
        .send(&email_to("alena@demo.example"))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
}

#[tokio::test]
async fn an_invalid_address_is_permanent_without_connecting() {
    // Nothing listens: a Permanent answer proves the address was checked first.
    let sender = EmailSender::new(&config(closed_port().await)).unwrap();

    for bad in ["not an address", "", "two@@demo.example"] {
        let err = sender.send(&email_to(bad)).await.unwrap_err();
        assert!(matches!(err, SendError::Permanent(_)), "{bad:?}: {err:?}");
    }
}

#[tokio::test]
async fn a_notification_for_another_channel_is_refused() {
    let sender = EmailSender::new(&config(closed_port().await)).unwrap();
    let n = Notification {
        channel: Medium::Sms,
        ..email_to("alena@demo.example")
    };

    let err = sender.send(&n).await.unwrap_err();
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
}
