//! Real-world mail nobody on this project wrote, through the whole intake:
//! the `.eml` files shipped in the mail-parser crate's package (found with
//! `cargo metadata`) and the e-mail test data of Debian's
//! `libpython3.11-testsuite` (`.ci/run` installs it). Every one is parsed,
//! judged for loops and taken by the core without an error or a panic.

mod support;

use switchboard_channels::{EmailConfig, Intake, Taken};
use switchboard_core::sink::CoreSink;
use switchboard_domain::attachment::AttachmentPolicy;

#[tokio::test]
async fn every_corpus_mail_goes_through_the_intake_without_an_error() {
    let mails = support::corpus::mails();
    let n = support::node().await;
    let intake = Intake::new(EmailConfig::default(), AttachmentPolicy::default());
    let sink = CoreSink(n.core.clone());
    let mailbox = intake.config().mailboxes[0].clone();
    let (mut stored, mut dropped, mut refused) = (0, 0, Vec::new());
    for path in &mails {
        let raw = std::fs::read(path).expect("readable");
        match intake.take(&mailbox, &raw, &sink).await {
            Ok(Taken::Stored(_)) => stored += 1,
            Ok(Taken::Dropped(_) | Taken::Bounce(_) | Taken::TooLarge(_)) => dropped += 1,
            Ok(Taken::Refused(why)) => refused.push(format!("{}: {why}", path.display())),
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }
    assert!(refused.is_empty(), "refused:\n{}", refused.join("\n"));
    // Most of the corpus is mail a person wrote.
    assert!(
        stored > mails.len() / 2,
        "stored {stored}, dropped {dropped} of {}",
        mails.len()
    );
}
