//! The binary as an operator runs it: `token` finds the service's secret or
//! fails clearly; log lines written to a file carry no terminal colour codes.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use switchboard_domain::identity::IdentitySigner;

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sb-cli-{tag}-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The command with no configuration from the caller's environment.
fn switchboard(dir: &PathBuf) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("SWITCHBOARD") || k == "RUST_LOG" {
            cmd.env_remove(k);
        }
    }
    cmd
}

#[test]
fn token_outside_the_service_directory_fails_clearly_and_makes_no_secret() {
    let dir = temp_dir("token-none");
    let out = switchboard(&dir)
        .args(["token", "buyer-1001"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "a token was printed");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no identity secret"), "{err}");
    assert!(err.contains("--config"), "{err}");
    assert!(
        !dir.join("data").exists(),
        "the command created a data directory (and a secret the service would not use)"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn token_signs_with_the_services_secret() {
    let dir = temp_dir("token-file");
    let secret = "0123456789abcdef0123456789abcdef";
    std::fs::create_dir_all(dir.join("svc/data")).unwrap();
    std::fs::write(dir.join("svc/data/identity.secret"), secret).unwrap();
    // Elsewhere, pointed at the service's data directory by its configuration.
    std::fs::write(
        dir.join("svc.toml"),
        format!("[storage]\ndata_dir = {:?}\n", dir.join("svc/data")),
    )
    .unwrap();
    let out = switchboard(&dir)
        .args(["--config", "svc.toml", "token", "buyer-1001"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap();
    let verified = IdentitySigner::new(secret.as_bytes(), 86_400)
        .verify(token.trim(), jiff::Timestamp::now())
        .expect("the service accepts the token");
    assert_eq!(verified.as_str(), "buyer-1001");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn log_lines_to_a_file_have_no_colour_codes() {
    let dir = temp_dir("logs");
    let mut child = switchboard(&dir)
        .env("SWITCHBOARD__SERVER__LISTEN", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let done = line.starts_with("Switchboard is listening");
        lines.push(line);
        if done {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let logged: Vec<&String> = lines.iter().filter(|l| l.contains("INFO")).collect();
    assert!(!logged.is_empty(), "no log line was written: {lines:#?}");
    for line in &lines {
        assert!(!line.contains('\u{1b}'), "a colour code in {line:?}");
    }
}
