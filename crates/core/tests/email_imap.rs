//! Fetching from a real IMAP server (Dovecot, started unprivileged by the
//! test; `.ci/run` installs `dovecot-imapd`), seeded with IMAP APPEND:
//! at-least-once fetching with idempotent processing, IDLE, and a mailbox
//! that is down not stopping the others.

mod support;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use switchboard_channels::testing::Dovecot;
use switchboard_channels::{
    EmailConfig, InboundSink, Intake, MailboxHealth, Poller, Receipt, SinkError,
};
use switchboard_core::sink::CoreSink;
use switchboard_domain::attachment::AttachmentPolicy;
use switchboard_domain::conversation::Inbound;
use switchboard_domain::ticket::Channel;
use switchboard_store::TicketFilter;
use tokio::sync::Mutex;

fn mail(n: usize) -> Vec<u8> {
    format!(
        "From: Покупатель {n} <buyer{n}@shop.example>\r\nTo: help@demo.example\r\n\
         Message-ID: <m{n}@shop.example>\r\nSubject: Вопрос {n}\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nГде мой заказ номер {n}?\r\n"
    )
    .into_bytes()
}

async fn tickets(n: &support::Node) -> usize {
    let filter = TicketFilter {
        limit: 500,
        ..Default::default()
    };
    n.store.list_tickets(&filter).await.expect("list").len()
}

fn poller(n: &support::Node, sink: Arc<dyn InboundSink>) -> Poller {
    let mut config = EmailConfig::default();
    config.mailboxes.clear();
    Poller {
        intake: Arc::new(Intake::new(config, AttachmentPolicy::default())),
        sink,
        cursors: Arc::new(CoreSink(n.core.clone())),
        health: MailboxHealth::default(),
        replies: None,
    }
}

/// The core's sink that goes down after `ok` mails, as storage would.
struct Flaky {
    inner: CoreSink,
    ok: Mutex<usize>,
}

#[async_trait]
impl InboundSink for Flaky {
    async fn ingest(&self, inbound: Inbound) -> Result<Receipt, SinkError> {
        let mut left = self.ok.lock().await;
        if *left == 0 {
            return Err(SinkError::Unavailable("database restarting".into()));
        }
        *left -= 1;
        self.inner.ingest(inbound).await
    }
}

#[tokio::test]
async fn fetching_is_at_least_once_and_taking_is_idempotent() {
    let server = Dovecot::start(&["help@demo.example"])
        .await
        .expect("dovecot");
    let mails: Vec<_> = (1..=5).map(mail).collect();
    server
        .append("help@demo.example", &mails)
        .await
        .expect("append");
    let n = support::node().await;
    let mailbox = server.mailbox("help@demo.example", "marketplace");

    // Storage fails after two mails: the fetch stops there, the position
    // stays after the second.
    let flaky = Arc::new(Flaky {
        inner: CoreSink(n.core.clone()),
        ok: Mutex::new(2),
    });
    let err = poller(&n, flaky).poll_once(&mailbox).await.unwrap_err();
    assert!(err.to_string().contains("restarting"), "{err}");
    assert_eq!(tickets(&n).await, 2);

    // Back up: the rest is taken, nothing twice.
    let p = poller(&n, Arc::new(CoreSink(n.core.clone())));
    let round = p.poll_once(&mailbox).await.expect("poll");
    assert_eq!(round.taken, 3);
    assert_eq!(tickets(&n).await, 5);
    assert_eq!(p.poll_once(&mailbox).await.expect("poll").taken, 0);

    // A crash after storing but before moving the position: the mails come
    // again and are recognised by their Message-ID.
    let (email, mailbox_address, key) = (Channel::Email, "help@demo.example", "imap:INBOX");
    let cursor = n
        .store
        .channel_state(email, mailbox_address, key)
        .await
        .unwrap();
    let cursor = cursor.expect("a position");
    let validity = cursor.split(':').next().unwrap();
    let earlier = format!("{validity}:1");
    n.store
        .set_channel_state(email, mailbox_address, key, Some(&earlier), support::noon())
        .await
        .unwrap();
    let again = p.poll_once(&mailbox).await.expect("poll");
    assert_eq!(again.taken, 4);
    assert_eq!(tickets(&n).await, 5, "nothing stored twice");
    assert!(p.health.snapshot()["help@demo.example"].up);
}

#[tokio::test]
async fn a_mailbox_that_is_down_is_unhealthy_and_the_others_go_on() {
    let server = Dovecot::start(&["help@demo.example"])
        .await
        .expect("dovecot");
    server
        .append("help@demo.example", &[mail(1)])
        .await
        .expect("append");
    let n = support::node().await;
    let p = poller(&n, Arc::new(CoreSink(n.core.clone())));
    let good = server.mailbox("help@demo.example", "marketplace");
    let mut down = server.mailbox("pr@demo.example", "partners");
    down.imap.port = closed_port();
    down.imap.timeout_secs = 2;

    let stop = tokio::sync::watch::channel(false);
    let task = tokio::spawn(p.clone().run(down.clone(), stop.1.clone()));
    assert_eq!(p.poll_once(&good).await.expect("the good one").taken, 1);
    wait_for(|| {
        p.health
            .snapshot()
            .get("pr@demo.example")
            .is_some_and(|s| !s.up && s.failures >= 1)
    })
    .await;
    let health = p.health.snapshot();
    assert!(health["help@demo.example"].up);
    let error = health["pr@demo.example"].error.clone().unwrap_or_default();
    assert!(error.contains("connect"), "{error}");
    assert!(!error.contains("secret"), "{error}");
    stop.0.send(true).unwrap();
    task.await.unwrap();
}

#[tokio::test]
async fn with_idle_a_new_mail_is_taken_while_the_connection_waits() {
    let server = Dovecot::start(&["help@demo.example"])
        .await
        .expect("dovecot");
    let n = support::node().await;
    let p = poller(&n, Arc::new(CoreSink(n.core.clone())));
    let mut mailbox = server.mailbox("help@demo.example", "marketplace");
    // Longer than the test: only IDLE can wake the task in time.
    mailbox.imap.poll_secs = 600;
    let stop = tokio::sync::watch::channel(false);
    let task = tokio::spawn(p.clone().run(mailbox, stop.1.clone()));
    wait_for(|| {
        p.health
            .snapshot()
            .get("help@demo.example")
            .is_some_and(|s| s.up)
    })
    .await;
    server
        .append("help@demo.example", &[mail(7)])
        .await
        .expect("append");
    wait_for(|| {
        p.health
            .snapshot()
            .get("help@demo.example")
            .is_some_and(|s| s.taken == 1)
    })
    .await;
    assert_eq!(tickets(&n).await, 1);
    stop.0.send(true).unwrap();
    task.await.unwrap();
}

/// Waits until `done` holds (checked as events happen, bounded at 30 s).
async fn wait_for(done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}
