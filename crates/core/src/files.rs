//! Attachment bytes on disk, content-addressed: `<root>/ab/cd/<sha256>`.
//!
//! The same file uploaded twice is stored once. A file is written to a
//! temporary name and renamed into place, so a reader never sees half a file.
//! Bytes are written before the database row that refers to them: a crash in
//! between leaves an unreferenced file, never a row without its file.

use std::io;
use std::path::{Path, PathBuf};

use switchboard_domain::attachment::{self, AttachmentMeta, CheckedFile};
use switchboard_domain::conversation::InboundFile;
use switchboard_domain::ids::ContentHash;
use switchboard_domain::intake::FieldError;

use crate::{Core, CoreError, CoreResult};

#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FileStore { root: root.into() }
    }

    fn path_of(&self, hash: &ContentHash) -> PathBuf {
        let h = hash.as_str();
        self.root.join(&h[..2]).join(&h[2..4]).join(h)
    }

    pub async fn put(&self, hash: &ContentHash, bytes: &[u8]) -> io::Result<()> {
        let path = self.path_of(hash);
        if tokio::fs::try_exists(&path).await? {
            return Ok(());
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        tokio::fs::create_dir_all(dir).await?;
        let tmp = dir.join(format!(
            ".{}.{}",
            hash.as_str(),
            uuid::Uuid::now_v7().simple()
        ));
        tokio::fs::write(&tmp, bytes).await?;
        let file = tokio::fs::File::open(&tmp).await?;
        file.sync_all().await?;
        tokio::fs::rename(&tmp, &path).await
    }

    pub async fn get(&self, hash: &ContentHash) -> io::Result<Vec<u8>> {
        tokio::fs::read(self.path_of(hash)).await
    }

    /// Whether the directory can be written; for readiness checks.
    pub async fn writable(&self) -> bool {
        tokio::fs::create_dir_all(&self.root).await.is_ok()
            && tokio::fs::metadata(&self.root)
                .await
                .map(|m| !m.permissions().readonly())
                .unwrap_or(false)
    }
}

fn field_error(e: &attachment::AttachmentError) -> FieldError {
    FieldError {
        field: "attachments",
        code: e.code(),
        message: e.message(),
    }
}

impl Core {
    /// Checks every file by content and size; all problems are reported together.
    pub fn check_files(&self, files: &[InboundFile]) -> Result<Vec<CheckedFile>, Vec<FieldError>> {
        if let Err(e) = attachment::check_count(&self.attachments, files.len()) {
            return Err(vec![field_error(&e)]);
        }
        let mut checked = Vec::with_capacity(files.len());
        let mut errors = Vec::new();
        for f in files {
            match attachment::check_file(&self.attachments, &f.name, &f.bytes) {
                Ok(c) => checked.push(c),
                Err(e) => errors.push(field_error(&e)),
            }
        }
        if errors.is_empty() {
            Ok(checked)
        } else {
            Err(errors)
        }
    }

    /// Writes checked files under their hashes (idempotent): called only
    /// once the change they belong to is known to be allowed.
    pub async fn save_files(
        &self,
        checked: &[CheckedFile],
        files: &[InboundFile],
    ) -> CoreResult<Vec<AttachmentMeta>> {
        for (c, f) in checked.iter().zip(files) {
            self.files
                .put(&c.hash, &f.bytes)
                .await
                .map_err(|e| CoreError::internal("storing an attachment", e))?;
        }
        Ok(checked.iter().map(AttachmentMeta::from).collect())
    }
}
