//! Message hygiene for Switchboard: the judgement applied to every customer
//! and operator message before it is stored or shown.
//!
//! Pure functions over text, no IO. For a customer message it finds card
//! numbers, CVV/CVC codes, one-time codes, PINs and passwords and masks them
//! (the masked text is what gets stored — raw values never leave this call),
//! finds obscene words (masked for operators, kept in the stored copy for the
//! audit log), and recognises questions support does not handle (trade
//! secrets, fraud and theft investigations, outside disputes) with a polite
//! answer. For an operator message it blocks requests for such data. It also
//! decides whether a new question repeats an earlier one. Patterns are
//! compiled once, on first use; each call is a few linear passes over the
//! text. Every detector ships with a labelled example set (`data/`) and the
//! `hygiene-eval` command prints its precision and recall.

use std::ops::Range;

pub mod duplicates;
pub mod eval;
pub mod normalize;
pub mod obscenity;
pub mod operator;
pub mod scope;
pub mod texts;

mod cards;
mod keywords;
mod lex;
mod mask;
mod secrets;

pub use cards::luhn_valid;
pub use duplicates::{DuplicateDetector, Fingerprint, is_duplicate, similarity};
pub use obscenity::ObsceneFinding;
pub use operator::{OperatorBlock, RequestedData};
pub use scope::{OutOfScope, ScopeCategory};
pub use texts::{Bilingual, Lang};

/// What kind of secret a customer put in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SensitiveKind {
    CardNumber,
    Cvv,
    OneTimeCode,
    Pin,
    Password,
}

impl SensitiveKind {
    /// A stable name for logs and the labelled data sets.
    pub fn as_str(self) -> &'static str {
        match self {
            SensitiveKind::CardNumber => "card",
            SensitiveKind::Cvv => "cvv",
            SensitiveKind::OneTimeCode => "otp",
            SensitiveKind::Pin => "pin",
            SensitiveKind::Password => "password",
        }
    }
}

/// One secret found in a message: its kind and byte span in the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SensitiveFinding {
    pub kind: SensitiveKind,
    pub span: Range<usize>,
}

/// The verdict on a customer's message.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerMessageReport {
    /// The text to store, index and send on: secrets masked, everything else
    /// as written (obscene words included — this is the audit log's copy).
    pub masked_text: String,
    /// The text operators see: `masked_text` with obscene words masked too.
    pub display_text: String,
    /// Secrets found, sorted by position, with spans in the original text.
    pub findings: Vec<SensitiveFinding>,
    /// Obscene words, with spans in the original text.
    pub obscene: Vec<ObsceneFinding>,
    /// Set when the question is one support does not handle.
    pub out_of_scope: Option<OutOfScope>,
}

impl CustomerMessageReport {
    /// The warning to show the customer when their message carried secrets.
    pub fn warning(&self) -> Option<Bilingual> {
        (!self.findings.is_empty()).then_some(texts::SENSITIVE_DATA_WARNING)
    }
}

/// The verdict on an operator's message.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorMessageReport {
    /// Set when the message asks the customer for secrets: it must not be sent.
    pub blocked: Option<OperatorBlock>,
    /// Secrets masked (an operator should not paste a card number either).
    pub masked_text: String,
    /// `masked_text` with obscene words masked: what the customer would see.
    pub display_text: String,
    pub findings: Vec<SensitiveFinding>,
    pub obscene: Vec<ObsceneFinding>,
}

/// Finds the secrets in `text`, sorted by position.
pub fn find_sensitive(text: &str) -> Vec<SensitiveFinding> {
    let folded = normalize::fold(text);
    let digits = count_digits(text);
    find_sensitive_folded(text, &folded, &keywords::scan(&folded), digits, None)
}

/// `digits`: how many ASCII digits the text has (a card needs 13, a code 3);
/// `hints`: what the lexer saw, for the secrets' second reading (computed
/// here when there is no lexer pass).
fn find_sensitive_folded(
    text: &str,
    folded: &str,
    hits: &[keywords::Hit],
    digits: usize,
    hints: Option<secrets::Hints>,
) -> Vec<SensitiveFinding> {
    let mut findings = Vec::new();
    if digits >= cards::MIN_DIGITS {
        cards::find(text, folded, &mut findings);
    }
    secrets::find(text, folded, hits, digits >= 3, &mut findings);
    if digits >= 3 {
        let hints = hints.unwrap_or_else(|| secrets::Hints {
            may_hide: obscenity::scan::may_hide_a_word(folded.as_bytes()),
            stretched: None,
        });
        secrets::find_disguised(text, hints, &mut findings);
    }
    findings.sort_by_key(|f| (f.span.start, f.span.end));
    findings
}

/// `text` with its secrets masked: what may be stored.
pub fn mask_sensitive(text: &str) -> String {
    mask::render(text, &find_sensitive(text), &[])
}

/// The whole customer-message pipeline: secrets, obscenity, scope.
pub fn inspect_customer_message(text: &str) -> CustomerMessageReport {
    let lex::Lexed {
        folded,
        word_starts,
        may_hide,
        digits,
        stretched,
    } = lex::lex(text);
    let hits = keywords::scan_at(&folded, word_starts);
    let hints = secrets::Hints {
        may_hide,
        stretched: Some(stretched),
    };
    let findings = find_sensitive_folded(text, &folded, &hits, digits, Some(hints));
    let obscene = obscenity::find_lexed(text, &folded, may_hide);
    let masked_text = mask::render(text, &findings, &[]);
    CustomerMessageReport {
        display_text: display(text, &findings, &obscene, &masked_text),
        masked_text,
        out_of_scope: scope::classify_hits(&folded, &hits),
        findings,
        obscene,
    }
}

/// The whole operator-message pipeline: requests for secrets, obscenity.
pub fn inspect_operator_message(text: &str) -> OperatorMessageReport {
    let folded = normalize::fold(text);
    let findings = find_sensitive_folded(
        text,
        &folded,
        &keywords::scan(&folded),
        count_digits(text),
        None,
    );
    let obscene = obscenity::find_folded(text, &folded);
    let masked_text = mask::render(text, &findings, &[]);
    OperatorMessageReport {
        blocked: operator::check_folded(&folded),
        display_text: display(text, &findings, &obscene, &masked_text),
        masked_text,
        findings,
        obscene,
    }
}

/// The operator's copy: the stored copy when there is nothing obscene.
fn display(
    text: &str,
    findings: &[SensitiveFinding],
    obscene: &[ObsceneFinding],
    masked: &str,
) -> String {
    if obscene.is_empty() {
        return masked.to_owned();
    }
    let words: Vec<Range<usize>> = obscene.iter().map(|o| o.span.clone()).collect();
    mask::render(text, findings, &words)
}

fn count_digits(text: &str) -> usize {
    text.bytes().filter(u8::is_ascii_digit).count()
}
