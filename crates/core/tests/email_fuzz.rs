//! Mail is outside input: a bounded property test over `Intake::take` with
//! the real core behind it (SQLite, or PostgreSQL with `TEST_DATABASE_URL`).
//! Arbitrary bytes, and real mails of the corpus mutated (bytes changed,
//! cut, inserted, repeated, spliced from another mail), each get a clear
//! outcome: stored (and then the store has a message a person can read), a
//! drop, a bounce, a refusal or an over-size rejection. Never a panic, never
//! an error: the store is up. Bounded: a few hundred cases, in the normal
//! test command.

mod support;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use switchboard_channels::{EmailConfig, Intake, Taken};
use switchboard_core::sink::CoreSink;
use switchboard_domain::attachment::AttachmentPolicy;
use switchboard_domain::bot::MAX_MESSAGE_CHARS;

/// One change to a mail.
#[derive(Debug, Clone)]
enum Mutation {
    Set(Index, u8),
    Cut(Index),
    Insert(Index, Vec<u8>),
    Repeat(Index, usize),
    Splice(Index, Index, Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        any::<Index>().prop_map(Mutation::Cut),
        (
            any::<Index>(),
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 1..40),
                Just(b"\r\n".to_vec()),
                Just(b"\r\n\r\n".to_vec()),
                Just(b"\r\nContent-Type: multipart/mixed; boundary=x\r\n".to_vec()),
                Just(b"=?koi8-r?B?8NLJ1w==?=".to_vec()),
            ]
        )
            .prop_map(|(i, bytes)| Mutation::Insert(i, bytes)),
        (any::<Index>(), 1..2000usize).prop_map(|(i, n)| Mutation::Repeat(i, n)),
        (any::<Index>(), any::<Index>(), any::<Index>())
            .prop_map(|(at, other, from)| Mutation::Splice(at, other, from)),
    ]
}

fn mutate(corpus: &[Vec<u8>], mut raw: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let at = |i: &Index, raw: &Vec<u8>| i.index(raw.len() + 1);
    match m {
        Mutation::Set(i, b) if !raw.is_empty() => {
            let i = i.index(raw.len());
            raw[i] = *b;
        }
        Mutation::Set(..) => {}
        Mutation::Cut(i) => raw.truncate(at(i, &raw)),
        Mutation::Insert(i, bytes) => {
            let i = at(i, &raw);
            raw.splice(i..i, bytes.iter().copied());
        }
        Mutation::Repeat(i, n) => {
            let i = at(i, &raw);
            let end = (i + n).min(raw.len());
            let copy = raw[i..end].to_vec();
            raw.splice(end..end, copy);
        }
        Mutation::Splice(i, other, from) => {
            let other = &corpus[other.index(corpus.len())];
            let from = from.index(other.len() + 1);
            raw.truncate(at(i, &raw));
            raw.extend_from_slice(&other[from..]);
        }
    }
    raw
}

/// Takes `raw` and checks its outcome; what happened, for the counts.
async fn take(n: &support::Node, intake: &Intake, raw: &[u8]) -> Result<&'static str, String> {
    let sink = CoreSink(n.core.clone());
    let mailbox = intake.config().mailboxes[0].clone();
    let taken = intake
        .take(&mailbox, raw, &sink)
        .await
        .map_err(|e| format!("an error with the store up: {e}"))?;
    let Taken::Stored(receipt) = taken else {
        return Ok(match taken {
            Taken::Dropped(_) => "dropped",
            Taken::Bounce(_) => "bounce",
            Taken::Refused(_) => "refused",
            _ => "too large",
        });
    };
    let messages = n
        .store
        .messages(receipt.ticket.id(), receipt.seq - 1, 1, false)
        .await
        .map_err(|e| e.to_string())?;
    let [message] = &messages[..] else {
        return Err(format!(
            "stored as {receipt:?}, but the store has no such message"
        ));
    };
    let chars = message.body.chars().count();
    if chars > MAX_MESSAGE_CHARS
        || (message.body.trim().is_empty() && message.attachments.is_empty())
    {
        return Err(format!(
            "stored a message nobody can read ({chars} characters)"
        ));
    }
    Ok("stored")
}

/// Runs `strategy`'s cases through the intake of one fresh node.
fn run<S: Strategy>(cases: u32, strategy: S, raw_of: impl Fn(S::Value) -> Vec<u8>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let n = rt.block_on(support::node());
    let intake = Intake::new(EmailConfig::default(), AttachmentPolicy::default());
    let outcomes = std::cell::RefCell::new(std::collections::BTreeMap::<&str, u32>::new());
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |value| {
        let raw = raw_of(value);
        let outcome = rt
            .block_on(take(&n, &intake, &raw))
            .map_err(TestCaseError::fail)?;
        *outcomes.borrow_mut().entry(outcome).or_default() += 1;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    println!("outcomes: {:?}", outcomes.borrow());
}

#[test]
fn arbitrary_bytes_get_a_clear_outcome() {
    run(
        200,
        proptest::collection::vec(any::<u8>(), 0..2000),
        |raw| raw,
    );
}

#[test]
fn mutated_real_mails_get_a_clear_outcome() {
    let corpus: Vec<Vec<u8>> = support::corpus::mails()
        .iter()
        .map(|p| std::fs::read(p).expect("readable"))
        .collect();
    let strategy = (any::<Index>(), proptest::collection::vec(mutation(), 1..6));
    run(400, strategy, |(which, mutations)| {
        let raw = corpus[which.index(corpus.len())].clone();
        mutations.iter().fold(raw, |raw, m| mutate(&corpus, raw, m))
    });
}
