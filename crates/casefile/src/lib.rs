//! The case file of one ticket (SPEC §5: for escalation outside the company
//! the customer needs the dialogue, the ticket number and the documents).
//!
//! [`bundle`] turns a [`CaseFile`] — what the caller has already chosen to
//! show: facts, parties, the claim, the public dialogue and the files — into
//! one ZIP: a PDF (DejaVu Sans embedded and subsetted, so Cyrillic renders
//! and extracts everywhere), every attached file once, and `SHA256SUMS` in
//! `sha256sum -c` format over the PDF and the files. The PDF lists each file
//! with its SHA-256 and its path in the archive.
//!
//! This crate does no IO, reads no clock and decides nothing about who may
//! see what: the caller hands it only the public dialogue.

mod bundle;
mod layout;
mod pdf;

pub use bundle::{Bundle, bundle};

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// One ticket's case file, as it is to be shown.
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// The ticket number, e.g. `SB-000123`; also names the PDF.
    pub number: String,
    pub subject: String,
    /// The zone every time is shown in (stated once at the top).
    pub zone: TimeZone,
    pub generated_at: Timestamp,
    /// The ticket's facts: status, kind, classification, order, dates…
    pub facts: Vec<Fact>,
    /// Who is involved: the customer, the support service.
    pub parties: Vec<Fact>,
    /// The claim and its deadline; `None` when no claim was filed.
    pub claim: Option<Vec<Fact>>,
    /// The public dialogue across channels (merged tickets too), in time order.
    pub entries: Vec<Entry>,
    /// Every file of the dialogue; a file attached twice is stored once.
    pub attachments: Vec<Attachment>,
}

/// A labelled value (labels are bilingual: "Статус / Status").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

impl Fact {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Fact {
        Fact {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// One message of the dialogue.
#[derive(Debug, Clone)]
pub struct Entry {
    pub at: Timestamp,
    /// Who wrote it, as the reader should see it ("Клиент / Customer").
    pub author: String,
    /// The channel it came or went through ("Telegram", "Эл. почта / E-mail").
    pub channel: String,
    /// The ticket it was written in, when that is another (merged) one.
    pub merged_from: Option<String>,
    pub body: String,
    /// The SHA-256 (hex) of each file sent with it; see [`CaseFile::attachments`].
    pub files: Vec<String>,
}

/// A file of the dialogue with its bytes.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl CaseFile {
    /// A time as the case file shows it, in its zone.
    pub fn when(&self, at: Timestamp) -> String {
        at.to_zoned(self.zone.clone())
            .strftime("%d.%m.%Y %H:%M:%S")
            .to_string()
    }

    /// The zone line at the top: its name and its offset now.
    fn zone_name(&self) -> String {
        let zoned = self.generated_at.to_zoned(self.zone.clone());
        let name = self.zone.iana_name().unwrap_or("UTC");
        format!("{name} (UTC{})", zoned.strftime("%:z"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CaseFileError {
    #[error("the embedded font cannot be read")]
    Font,
    #[error("the PDF cannot be written: {0}")]
    Pdf(String),
    #[error("the archive cannot be written")]
    Zip(#[from] zip::result::ZipError),
    #[error("the archive cannot be written")]
    Io(#[from] std::io::Error),
}
