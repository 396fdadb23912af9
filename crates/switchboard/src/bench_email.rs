//! `switchboard bench-email`: what taking mail costs (issue 9).
//!
//! Starts a Dovecot of its own (the test harness's: unprivileged, loopback,
//! a temporary folder), puts `--mails` mails into a mailbox with IMAP APPEND
//! (each from its own sender, a text with quoted history and a PDF
//! attachment, `--kb` KB on average), builds the service on a fresh SQLite
//! database in a temporary folder (not serving), then measures in one run:
//! 1. the baseline: a raw IMAP FETCH of all the mails, in the poller's
//!    batches, on a new connection;
//! 2. the pipeline: the service's poller on a new connection — fetch, parse,
//!    loop protection, trimming, the core's ingest — until every mail is a
//!    stored ticket with its acknowledgement queued in the outbox (checked
//!    afterwards: `--mails` tickets, `--mails` messages waiting);
//! 3. the baseline again (the server's caches are then as warm for both).

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use switchboard_channels::testing::Dovecot;
use switchboard_channels::{
    Intake, MailboxConfig, MailboxHealth, Poller, imap_connect, imap_fetch_after, imap_select,
};
use switchboard_core::sink::CoreSink;
use switchboard_server::{Application, Config};
use switchboard_store::TicketFilter;

/// The mailbox the mails go to (a demo address, on the marketplace line).
const ADDRESS: &str = "help@demo.example";
/// Mails fetched per IMAP round trip, as the poller does.
const BATCH: usize = 50;

#[derive(Debug, Clone, clap::Args)]
pub struct EmailBenchArgs {
    /// Mails put into the mailbox and taken.
    #[arg(long, default_value_t = 1000)]
    pub mails: usize,
    /// Average mail size in KB (mostly its attachment, base64-encoded).
    #[arg(long, default_value_t = 200)]
    pub kb: usize,
}

/// A small deterministic generator for attachment bytes (xorshift).
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Base64 in lines of 76 characters, as mail carries it.
fn base64_lines(bytes: &[u8]) -> String {
    use base64::Engine;
    let flat = base64::engine::general_purpose::STANDARD.encode(bytes);
    let lines: Vec<&str> = flat
        .as_bytes()
        .chunks(76)
        .map(|l| std::str::from_utf8(l).unwrap_or_default())
        .collect();
    lines.join("\r\n")
}

/// Mail `i` of run `run`: a customer's question with quoted history and a PDF.
fn mail(run: &str, i: usize, kb: usize) -> Vec<u8> {
    // Sizes vary ±50% around the average; base64 adds a third.
    let attachment = (kb * 1024 * 3 / 4) * (50 + (i * 37) % 101) / 100;
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend(noise(i as u64 + 1, attachment.max(64)));
    format!(
        "From: Покупатель {i} <buyer{i}.{run}@shop.example>\r\nTo: {ADDRESS}\r\n\
         Message-ID: <m{i}.{run}@shop.example>\r\nSubject: Где мой заказ {i}?\r\n\
         Date: Tue, 24 Nov 2026 12:00:00 +0300\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n\
         --b{i}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         Здравствуйте! Заказ {i} не пришёл, чек во вложении.\r\n-- \r\nПокупатель {i}\r\n\r\n\
         On Mon, Nov 23, 2026 at 10:15 AM Поддержка <{ADDRESS}> wrote:\r\n\
         > Уточните, пожалуйста, номер заказа.\r\n\
         --b{i}\r\nContent-Type: application/pdf; name=\"check-{i}.pdf\"\r\n\
         Content-Disposition: attachment; filename=\"check-{i}.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b{i}--\r\n",
        base64_lines(&pdf)
    )
    .into_bytes()
}

/// The baseline: every mail fetched raw, in batches; (mails, bytes).
async fn raw_fetch(mailbox: &MailboxConfig) -> anyhow::Result<(usize, usize)> {
    let mut session = imap_connect(mailbox).await?;
    imap_select(&mut session, mailbox).await?;
    let (mut after, mut mails, mut bytes) = (0, 0, 0);
    loop {
        let batch = imap_fetch_after(&mut session, mailbox, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.uid;
        mails += batch.len();
        bytes += batch.iter().map(|m| m.raw.len()).sum::<usize>();
    }
    let _ = session.logout().await;
    Ok((mails, bytes))
}

/// E-mail tickets in the store, counted page by page.
async fn email_tickets(store: &dyn switchboard_store::Store) -> anyhow::Result<usize> {
    let mut filter = TicketFilter {
        limit: 500,
        channel: Some(switchboard_domain::ticket::Channel::Email),
        ..Default::default()
    };
    let mut count = 0;
    loop {
        let page = store.list_tickets(&filter).await?;
        count += page.len();
        // The store may cap the page below the limit asked for: an empty
        // page is the end.
        match page.last() {
            Some(t) => filter.before = Some(t.id),
            None => return Ok(count),
        }
    }
}

pub async fn run(args: EmailBenchArgs) -> anyhow::Result<()> {
    let n = args.mails.max(1);
    let dovecot = Dovecot::start(&[ADDRESS])
        .await
        .map_err(|e| anyhow::anyhow!("starting Dovecot (apt-get install dovecot-imapd): {e}"))?;
    let mailbox = dovecot.mailbox(ADDRESS, "marketplace");
    let run = uuid::Uuid::now_v7().simple().to_string();
    let mails: Vec<Vec<u8>> = (0..n).map(|i| mail(&run, i, args.kb)).collect();
    let total: usize = mails.iter().map(Vec::len).sum();
    dovecot
        .append(ADDRESS, &mails)
        .await
        .map_err(|e| anyhow::anyhow!("IMAP APPEND: {e}"))?;
    drop(mails);

    let dir = std::env::temp_dir().join(format!("switchboard-bench-email-{run}"));
    let mut config = Config::default();
    config.server.listen = "127.0.0.1:0".parse()?;
    config.storage.data_dir = dir.clone();
    config.email.mailboxes = vec![mailbox.clone()];
    config.email.acks_per_sender_per_hour = 5;
    let app = Application::build(config.clone())
        .await
        .context("building the service")?;
    let core = app.state().core.clone();
    let store = app.state().store.clone();
    let sink = Arc::new(CoreSink(core));
    let poller = Poller {
        intake: Arc::new(Intake::new(
            config.email.clone(),
            switchboard_domain::attachment::AttachmentPolicy {
                max_files: config.attachments.max_files,
                max_file_bytes: config.attachments.max_file_bytes,
            },
        )),
        sink: sink.clone(),
        cursors: sink,
        health: MailboxHealth::default(),
        replies: None,
    };
    let queued_before = store.pending_outbound().await?;

    let started = Instant::now();
    let (fetched, bytes) = raw_fetch(&mailbox).await?;
    let raw_1 = started.elapsed().as_secs_f64();
    if fetched != n {
        bail!("the raw fetch saw {fetched} of {n} mails");
    }

    let started = Instant::now();
    let round = poller.poll_once(&mailbox).await?;
    let pipeline = started.elapsed().as_secs_f64();

    let started = Instant::now();
    raw_fetch(&mailbox).await?;
    let raw_2 = started.elapsed().as_secs_f64();

    let tickets = email_tickets(store.as_ref()).await?;
    let queued = store.pending_outbound().await? - queued_before;
    if round.taken != n || tickets < n || queued < n as u64 {
        bail!(
            "taken {} of {n} mails, {tickets} tickets, {queued} acknowledgements queued",
            round.taken
        );
    }
    let raw = (raw_1 + raw_2) / 2.0;
    println!(
        "bench-email: {n} mails, {:.0} KB average ({:.1} MB fetched), SQLite",
        bytes as f64 / n as f64 / 1024.0,
        total as f64 / 1_048_576.0
    );
    println!(
        "  raw IMAP FETCH:  {:.2} s and {:.2} s: {:.0} mails/s (mean)",
        raw_1,
        raw_2,
        n as f64 / raw
    );
    println!(
        "  pipeline:        {pipeline:.2} s: {:.0} mails/s to a stored ticket with its acknowledgement queued ({tickets} tickets, {queued} queued)",
        n as f64 / pipeline
    );
    println!("  pipeline / raw:  {:.2}×", pipeline / raw);
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
