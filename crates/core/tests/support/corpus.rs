//! The corpus of real-world mail nobody on this project wrote: the `.eml`
//! files shipped in the mail-parser crate's package and the e-mail test data
//! of Debian's `libpython3.11-testsuite` (`.ci/run` installs it).

use std::path::{Path, PathBuf};

const PYTHON_DATA: &str = "/usr/lib/python3.11/test/test_email/data";

/// mail-parser's package directory: the version the lock file pins, in
/// cargo's registry sources (it is there, since the crate is built from it).
/// Not `cargo metadata`, which wants every platform's packages downloaded.
fn mail_parser_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).expect("the workspace's Cargo.lock");
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("\nname = \"mail-parser\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .and_then(|v| v.strip_suffix('"'))
        .expect("mail-parser is in Cargo.lock")
        .to_owned();
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let registries =
        std::fs::read_dir(home.join("registry/src")).expect("cargo's registry sources");
    registries
        .flatten()
        .map(|r| r.path().join(format!("mail-parser-{version}")))
        .find(|dir| dir.join("Cargo.toml").is_file())
        .expect("mail-parser's sources in cargo's registry")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>, pick: &dyn Fn(&Path) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            files_under(&path, out, pick);
        } else if pick(&path) {
            out.push(path);
        }
    }
}

/// Every mail of the corpus; fails when a part of it is missing.
pub fn mails() -> Vec<PathBuf> {
    let mut mails = Vec::new();
    files_under(&mail_parser_dir().join("resources"), &mut mails, &|p| {
        p.extension().is_some_and(|e| e == "eml")
    });
    let from_parser = mails.len();
    assert!(
        from_parser >= 100,
        "mail-parser ships ~107 mails, found {from_parser}"
    );
    files_under(Path::new(PYTHON_DATA), &mut mails, &|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("msg_"))
    });
    assert!(
        mails.len() >= from_parser + 40,
        "Python's e-mail test data is missing under {PYTHON_DATA}: run .ci/run (libpython3.11-testsuite)"
    );
    mails
}
