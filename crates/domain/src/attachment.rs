//! Which files customers and operators may attach, decided by content, not by name.
//!
//! A file's type is sniffed from its bytes: images (PNG, JPEG, GIF, WebP,
//! HEIC/HEIF), PDF, or plain UTF-8 text. Anything else — an executable renamed
//! `.png`, an archive, HTML — is refused, as is a file over the size limit or
//! a message with more than the allowed number of files.

use crate::i18n::Text;
use crate::ids::ContentHash;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentPolicy {
    pub max_files: usize,
    pub max_file_bytes: usize,
}

impl Default for AttachmentPolicy {
    fn default() -> Self {
        AttachmentPolicy {
            max_files: 5,
            max_file_bytes: 10 * 1024 * 1024,
        }
    }
}

/// A stored file as messages refer to it; the bytes live under their hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AttachmentMeta {
    pub hash: ContentHash,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
}

impl From<&CheckedFile> for AttachmentMeta {
    fn from(c: &CheckedFile) -> Self {
        AttachmentMeta {
            hash: c.hash.clone(),
            file_name: c.file_name.clone(),
            content_type: c.content_type.to_owned(),
            size: c.size as u64,
        }
    }
}

/// A file that passed the checks, ready to be stored under its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub hash: ContentHash,
    pub content_type: &'static str,
    pub file_name: String,
    pub size: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("at most {max} files may be attached, got {got}")]
    TooMany { max: usize, got: usize },
    #[error("file {name:?} is larger than {max} bytes")]
    TooLarge { name: String, max: usize },
    #[error("file {name:?} is empty")]
    Empty { name: String },
    #[error("file {name:?} is not an image, PDF or plain text ({detected})")]
    WrongType { name: String, detected: String },
}

impl AttachmentError {
    pub fn code(&self) -> &'static str {
        match self {
            AttachmentError::TooMany { .. } => "too_many_files",
            AttachmentError::TooLarge { .. } => "file_too_large",
            AttachmentError::Empty { .. } => "empty_file",
            AttachmentError::WrongType { .. } => "file_type_not_allowed",
        }
    }

    pub fn message(&self) -> Text {
        match self {
            AttachmentError::TooMany { max, .. } => Text::new(
                format!("Можно приложить не больше {max} файлов"),
                format!("At most {max} files may be attached"),
            ),
            AttachmentError::TooLarge { name, max } => Text::new(
                format!("Файл «{name}» больше {} МБ", max / (1024 * 1024)),
                format!("File \"{name}\" is larger than {} MiB", max / (1024 * 1024)),
            ),
            AttachmentError::Empty { name } => Text::new(
                format!("Файл «{name}» пустой"),
                format!("File \"{name}\" is empty"),
            ),
            AttachmentError::WrongType { name, .. } => Text::new(
                format!("Файл «{name}» не изображение, не PDF и не текст"),
                format!("File \"{name}\" is not an image, a PDF or plain text"),
            ),
        }
    }
}

const ALLOWED: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/heif",
    "image/heic",
    "application/pdf",
];

/// Checks the count before any file is read.
pub fn check_count(policy: &AttachmentPolicy, count: usize) -> Result<(), AttachmentError> {
    if count > policy.max_files {
        Err(AttachmentError::TooMany {
            max: policy.max_files,
            got: count,
        })
    } else {
        Ok(())
    }
}

pub fn check_file(
    policy: &AttachmentPolicy,
    raw_name: &str,
    bytes: &[u8],
) -> Result<CheckedFile, AttachmentError> {
    let file_name = clean_file_name(raw_name);
    if bytes.is_empty() {
        return Err(AttachmentError::Empty { name: file_name });
    }
    if bytes.len() > policy.max_file_bytes {
        return Err(AttachmentError::TooLarge {
            name: file_name,
            max: policy.max_file_bytes,
        });
    }
    let content_type = sniff(bytes).map_err(|detected| AttachmentError::WrongType {
        name: file_name.clone(),
        detected,
    })?;
    Ok(CheckedFile {
        hash: ContentHash::of(bytes),
        content_type,
        file_name,
        size: bytes.len(),
    })
}

fn sniff(bytes: &[u8]) -> Result<&'static str, String> {
    if let Some(kind) = infer::get(bytes) {
        let mime = kind.mime_type();
        return ALLOWED
            .iter()
            .find(|m| **m == mime)
            .copied()
            .ok_or_else(|| mime.to_owned());
    }
    if is_plain_text(bytes) {
        Ok("text/plain; charset=utf-8")
    } else {
        Err("unknown binary".to_owned())
    }
}

/// UTF-8 without control characters other than tab, CR, LF and form feed, and not markup.
fn is_plain_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let clean = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
    let head = text
        .trim_start()
        .get(..15)
        .unwrap_or("")
        .to_ascii_lowercase();
    let markup =
        head.starts_with("<!doctype") || head.starts_with("<html") || head.starts_with("<svg");
    clean && !markup
}

/// The name as shown and offered on download: no directories, no control characters.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "attachment".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
    const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0\xb8\0\0\0\0\0\0\0@\0\0\0\0\0\0\0";

    #[test]
    fn accepts_images_pdf_and_text_by_content() {
        let p = AttachmentPolicy::default();
        assert_eq!(
            check_file(&p, "a.png", PNG).unwrap().content_type,
            "image/png"
        );
        assert_eq!(
            check_file(&p, "scan.pdf", PDF).unwrap().content_type,
            "application/pdf"
        );
        let t = check_file(&p, "note.txt", "Заказ не пришёл\n".as_bytes()).unwrap();
        assert_eq!(t.content_type, "text/plain; charset=utf-8");
        // The name does not matter; the bytes do.
        assert_eq!(
            check_file(&p, "receipt.txt", PNG).unwrap().content_type,
            "image/png"
        );
    }

    #[test]
    fn refuses_renamed_executables_binaries_markup_and_oversize() {
        let p = AttachmentPolicy {
            max_files: 5,
            max_file_bytes: 64,
        };
        assert!(matches!(
            check_file(&p, "cat.png", EXE),
            Err(AttachmentError::WrongType { .. })
        ));
        assert!(matches!(
            check_file(&p, "x.txt", b"\0\x01\x02binary"),
            Err(AttachmentError::WrongType { .. })
        ));
        assert!(matches!(
            check_file(&p, "x.txt", b"<html><script>1</script>"),
            Err(AttachmentError::WrongType { .. })
        ));
        assert!(matches!(
            check_file(&p, "big.txt", &[b'a'; 65]),
            Err(AttachmentError::TooLarge { .. })
        ));
        assert!(matches!(
            check_file(&p, "e.txt", b""),
            Err(AttachmentError::Empty { .. })
        ));
        assert!(check_count(&p, 5).is_ok());
        assert_eq!(check_count(&p, 6).unwrap_err().code(), "too_many_files");
    }

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\Users\\a\\чек.pdf"), "чек.pdf");
        assert_eq!(clean_file_name("a\u{0}b\n.png"), "ab.png");
        assert_eq!(clean_file_name(".."), "attachment");
        assert_eq!(clean_file_name(""), "attachment");
    }
}
