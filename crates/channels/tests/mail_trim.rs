//! Quote and signature trimming on labelled replies.
//!
//! Our own fixtures (`data/replies/`: Gmail, Outlook, Apple Mail, iPhone,
//! Yandex, Mail.ru, Thunderbird, forwards, `>` quotes, `--` signatures, in
//! Russian and English): the development part was tuned on, the held-out part
//! never was; both scores are printed, the development part has a floor.
//! Then talon's standard replies (Apache-2.0, fetched from PyPI into a
//! temporary directory at test time, never committed; skipped with a message
//! when PyPI cannot be reached): each mail parsed by our parser, its quoted
//! history cut, compared with talon's expected reply text.

use std::path::{Path, PathBuf};
use std::process::Command;

use switchboard_channels::{ParsedMail, trim};

const SEPARATOR: &str = "\n==== expected ====\n";

fn data(part: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/replies")
        .join(part)
}

/// (right, total) over one part's fixtures; prints each miss.
fn score(part: &str) -> (usize, usize) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data(part))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut right = 0;
    for f in &files {
        let content = std::fs::read_to_string(f).expect("fixture");
        let (mail, expected) = content
            .split_once(SEPARATOR)
            .unwrap_or_else(|| panic!("{} has no expected part", f.display()));
        let got = trim::own_text(mail);
        if got == expected.trim_end() {
            right += 1;
        } else {
            println!("{part} miss {}:\n{got}\n----", f.display());
        }
    }
    (right, files.len())
}

#[test]
fn own_fixtures_lose_their_quotes_and_signatures() {
    let (dev, dev_total) = score("dev");
    let (held, held_total) = score("heldout");
    println!(
        "trimming: development {dev}/{dev_total}, held-out {held}/{held_total} fixtures exactly right"
    );
    assert!(
        dev_total >= 20 && held_total >= 10,
        "the fixtures are complete"
    );
    assert!(
        dev * 10 >= dev_total * 9,
        "development fixtures fell below 90%"
    );
}

/// talon's source package unpacked into a fresh temporary directory, or why not.
fn talon() -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("sb-talon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let pip = Command::new("python3")
        .args(["-m", "pip", "download", "talon==1.4.4", "--no-deps"])
        .args(["--no-binary", ":all:", "--quiet", "-d"])
        .arg(&dir)
        .status()
        .map_err(|e| format!("pip: {e}"))?;
    if !pip.success() {
        return Err(format!("pip download failed: {pip}"));
    }
    let tar = Command::new("tar")
        .arg("xzf")
        .arg(dir.join("talon-1.4.4.tar.gz"))
        .arg("-C")
        .arg(&dir)
        .status()
        .map_err(|e| format!("tar: {e}"))?;
    if !tar.success() {
        return Err(format!("tar failed: {tar}"));
    }
    Ok(dir)
}

#[test]
fn talons_standard_replies_lose_their_quotes() {
    let dir = match talon() {
        Ok(dir) => dir,
        Err(why) => {
            println!("SKIPPED: talon's fixtures are unavailable ({why})");
            return;
        }
    };
    let replies = dir.join("talon-1.4.4/tests/fixtures/standard_replies");
    let mut mails: Vec<PathBuf> = std::fs::read_dir(&replies)
        .expect("talon's standard replies")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    mails.sort();
    let mut right = 0;
    for m in &mails {
        let raw = std::fs::read(m).expect("mail");
        let parsed = ParsedMail::parse(&raw).expect("talon's mail parses");
        // talon's expected text: a `_reply_text` file, else "Hello".
        let expected = std::fs::read_to_string(m.with_extension("").with_file_name(format!(
            "{}_reply_text",
            m.file_stem().and_then(|s| s.to_str()).unwrap_or_default()
        )))
        .unwrap_or_else(|_| "Hello".into());
        let got = trim::without_quote(&parsed.text);
        if got.trim() == expected.trim() {
            right += 1;
        } else {
            println!("talon miss {}:\n{got}\n----", m.display());
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "talon's standard replies: {right}/{} exactly right",
        mails.len()
    );
    // Reported, not floored: nothing was tuned on talon's replies.
    assert!(mails.len() >= 10, "talon's fixtures are all there");
}
