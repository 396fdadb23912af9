//! The ZIP: the PDF, each file once under `files/`, and `SHA256SUMS`.

use std::io::{Cursor, Write};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::pdf::{Listed, render};
use crate::{CaseFile, CaseFileError};

/// The archive and the name to offer it under.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The case file as one ZIP.
pub fn bundle(case: &CaseFile) -> Result<Bundle, CaseFileError> {
    let mut files: Vec<(String, String, &crate::Attachment)> = Vec::new();
    for a in &case.attachments {
        let sha = hex::encode(Sha256::digest(&a.bytes));
        if files.iter().any(|(s, _, _)| *s == sha) {
            continue;
        }
        let path = format!("files/{}-{}", &sha[..12], safe_name(&a.file_name));
        files.push((sha, path, a));
    }
    let listed: Vec<Listed<'_>> = files
        .iter()
        .map(|(sha, path, a)| Listed {
            file_name: &a.file_name,
            content_type: &a.content_type,
            size: a.bytes.len(),
            sha256: sha,
            path,
        })
        .collect();
    let pdf = render(case, &listed)?;
    let pdf_name = format!("{}.pdf", safe_name(&case.number));

    let civil = case.generated_at.to_zoned(case.zone.clone()).datetime();
    let mut options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    if let Ok(t) = zip::DateTime::from_date_and_time(
        u16::try_from(civil.year()).unwrap_or(1980),
        civil.month().unsigned_abs(),
        civil.day().unsigned_abs(),
        civil.hour().unsigned_abs(),
        civil.minute().unsigned_abs(),
        civil.second().unsigned_abs(),
    ) {
        options = options.last_modified_time(t);
    }
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let mut sums = format!("{}  {pdf_name}\n", hex::encode(Sha256::digest(&pdf)));
    zip.start_file(pdf_name.as_str(), options)?;
    zip.write_all(&pdf)?;
    for (sha, path, a) in &files {
        zip.start_file(path.as_str(), options)?;
        zip.write_all(&a.bytes)?;
        sums.push_str(&format!("{sha}  {path}\n"));
    }
    zip.start_file("SHA256SUMS", options)?;
    zip.write_all(sums.as_bytes())?;
    let bytes = zip.finish()?.into_inner();
    Ok(Bundle {
        file_name: format!("case-{}.zip", safe_name(&case.number)),
        bytes,
    })
}

/// A file name safe in any archive tool: no directories, no control or
/// reserved characters, no leading dot, at most 80 characters.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(80)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn names_cannot_escape_the_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("..\\boot.ini"), "_boot.ini");
        assert_eq!(safe_name("чек\u{0}.pdf"), "чек_.pdf");
        assert_eq!(safe_name("   "), "file");
        assert_eq!(safe_name(&"я".repeat(200)).chars().count(), 80);
    }
}
