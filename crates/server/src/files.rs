//! Attachment bytes on disk, content-addressed: `<root>/ab/cd/<sha256>`.
//!
//! The same file uploaded twice is stored once. A file is written to a
//! temporary name and renamed into place, so a reader never sees half a file.
//! Bytes are written before the database row that refers to them: a crash in
//! between leaves an unreferenced file, never a row without its file.

use std::io;
use std::path::{Path, PathBuf};

use switchboard_domain::ids::ContentHash;

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
