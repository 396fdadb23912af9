//! A real IMAP server for tests and the benchmark: Debian's Dovecot
//! (`dovecot-imapd`, which `.ci/run` installs), run unprivileged from a
//! temporary directory on a free loopback port with a plain-text users
//! file, plus IMAP APPEND to seed mail. Nothing of the system's
//! configuration is read or touched.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use crate::email::{ImapConfig, ImapSecurity, MailboxConfig};
use crate::{Secret, error_chain};

/// A running Dovecot; stopped (and its directory removed) when dropped.
pub struct Dovecot {
    child: Child,
    pub dir: PathBuf,
    pub port: u16,
}

/// The password of every test user.
pub const PASSWORD: &str = "secret";

const EXITED: &str = "dovecot exited";

impl Dovecot {
    /// Starts Dovecot with these users and waits until it accepts
    /// connections. Tried again on a new port when the server exits at once
    /// (a process elsewhere took the port between choosing and binding it).
    pub async fn start(users: &[&str]) -> Result<Dovecot, String> {
        let mut tries = 0;
        loop {
            tries += 1;
            match Self::start_once(users).await {
                Err(e) if tries < 3 && e.starts_with(EXITED) => continue,
                done => return done,
            }
        }
    }

    async fn start_once(users: &[&str]) -> Result<Dovecot, String> {
        let dir = std::env::temp_dir().join(format!("sb-dovecot-{}", unique()));
        for sub in ["mail", "home", "run"] {
            std::fs::create_dir_all(dir.join(sub)).map_err(|e| e.to_string())?;
        }
        // The mail processes run as `nobody`.
        for sub in ["", "mail", "home"] {
            set_mode(&dir.join(sub), 0o777)?;
        }
        let port = free_port()?;
        let d = dir.display();
        let config = format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/run/state\n\
             log_path = {d}/dovecot.log\nssl = no\ndisable_plaintext_auth = no\n\
             auth_mechanisms = plain login\ndefault_internal_user = nobody\n\
             default_login_user = nobody\ndefault_internal_group = nogroup\n\
             mail_location = maildir:{d}/mail/%u\n\
             passdb {{\n driver = passwd-file\n args = scheme=PLAIN username_format=%u {d}/users\n}}\n\
             userdb {{\n driver = static\n args = uid=nobody gid=nogroup home={d}/home/%u\n}}\n\
             service imap-login {{\n chroot =\n inet_listener imap {{\n  port = {port}\n }}\n \
             inet_listener imaps {{\n  port = 0\n }}\n}}\nservice anvil {{\n chroot =\n}}\n"
        );
        std::fs::write(dir.join("dovecot.conf"), config).map_err(|e| e.to_string())?;
        let lines: String = users
            .iter()
            .map(|u| format!("{u}:{{PLAIN}}{PASSWORD}\n"))
            .collect();
        std::fs::write(dir.join("users"), lines).map_err(|e| e.to_string())?;
        let binary = ["/usr/sbin/dovecot", "dovecot"]
            .into_iter()
            .find(|b| !b.starts_with('/') || std::path::Path::new(b).exists())
            .unwrap_or("dovecot");
        let child = Command::new(binary)
            .arg("-F")
            .arg("-c")
            .arg(dir.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot run dovecot (apt-get install dovecot-imapd): {e}"))?;
        let mut server = Dovecot { child, dir, port };
        // Wait for the listener: the event, bounded, no fixed sleep. A
        // connection only counts while our own server still runs (another
        // process may have taken the port first: ours then exits at once).
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                let log =
                    std::fs::read_to_string(server.dir.join("dovecot.log")).unwrap_or_default();
                return Err(format!("{EXITED} ({status}) on port {port}:\n{log}"));
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
                && matches!(server.child.try_wait(), Ok(None))
            {
                break;
            }
            if Instant::now() > deadline {
                let log =
                    std::fs::read_to_string(server.dir.join("dovecot.log")).unwrap_or_default();
                return Err(format!("dovecot did not listen on {port}:\n{log}"));
            }
            tokio::task::yield_now().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(server)
    }

    /// A mailbox fetched from this server (plain IMAP on loopback).
    pub fn mailbox(&self, address: &str, line: &str) -> MailboxConfig {
        MailboxConfig {
            address: address.into(),
            name: "Поддержка".into(),
            line: line.into(),
            topic: None,
            imap: ImapConfig {
                host: "127.0.0.1".into(),
                port: self.port,
                security: ImapSecurity::None,
                username: String::new(),
                password: Some(Secret::new(PASSWORD)),
                folder: "INBOX".into(),
                poll_secs: 1,
                timeout_secs: 10,
            },
            smtp: None,
        }
    }

    /// Puts mails into a user's INBOX with IMAP APPEND.
    pub async fn append(&self, user: &str, mails: &[Vec<u8>]) -> Result<(), String> {
        let mut session = crate::email::imap_connect(&self.mailbox(user, ""))
            .await
            .map_err(|e| e.to_string())?;
        for raw in mails {
            session
                .append("INBOX", None, None, raw)
                .await
                .map_err(|e| error_chain(&e))?;
        }
        let _ = session.logout().await;
        Ok(())
    }

    /// Stops the server now (the mailbox goes down).
    pub async fn stop(&mut self) {
        let _ = self.child.kill().await;
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn unique() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{}-{n}-{nanos}", std::process::id())
}

fn set_mode(path: &std::path::Path, mode: u32) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| e.to_string())
}

/// A port nothing listens on: bound by the OS, then released. The OS may
/// hand a released port out again at once, so this process never gives the
/// same one to two of its servers (tests start theirs in parallel).
fn free_port() -> Result<u16, String> {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    for _ in 0..100 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        if !given.contains(&port) {
            given.push(port);
            return Ok(port);
        }
    }
    Err("no free loopback port".into())
}
