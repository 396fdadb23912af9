//! IMAP in: one connection per mailbox (async-imap over tokio, TLS through
//! tokio-rustls with the ring provider), fetching by UID after the last one
//! taken, with `BODY.PEEK[]` so flags a person sees are left alone.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::config::{ImapSecurity, MailboxConfig};
use crate::error_chain;

/// Why a mailbox could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImapError {
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("login refused: {0}")]
    Login(String),
    #[error("IMAP: {0}")]
    Protocol(String),
    #[error("timed out")]
    Timeout,
}

impl From<async_imap::error::Error> for ImapError {
    fn from(e: async_imap::error::Error) -> Self {
        ImapError::Protocol(error_chain(&e))
    }
}

/// A plain or TLS connection, as async-imap wants one type.
#[derive(Debug)]
pub enum MailStream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for MailStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for MailStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_flush(cx),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

pub type Session = async_imap::Session<MailStream>;

/// One mail fetched: its UID in the folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub uid: u32,
    pub raw: Vec<u8>,
}

async fn within<T>(
    secs: u64,
    f: impl Future<Output = Result<T, ImapError>>,
) -> Result<T, ImapError> {
    tokio::time::timeout(Duration::from_secs(secs.max(1)), f)
        .await
        .unwrap_or(Err(ImapError::Timeout))
}

fn tls_connector() -> TlsConnector {
    crate::install_crypto_provider();
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

async fn tls(host: &str, tcp: TcpStream) -> Result<MailStream, ImapError> {
    let name = rustls::pki_types::ServerName::try_from(host.to_owned())
        .map_err(|e| ImapError::Tls(e.to_string()))?;
    let stream = tls_connector()
        .connect(name, tcp)
        .await
        .map_err(|e| ImapError::Tls(error_chain(&e)))?;
    Ok(MailStream::Tls(Box::new(stream)))
}

/// Connects, protects the connection as configured, logs in.
pub async fn connect(mailbox: &MailboxConfig) -> Result<Session, ImapError> {
    let imap = &mailbox.imap;
    within(imap.timeout_secs, async {
        let host = imap.host.trim();
        let tcp = TcpStream::connect((host, imap.port))
            .await
            .map_err(|e| ImapError::Connect(error_chain(&e)))?;
        let stream = match imap.security {
            ImapSecurity::Tls => tls(host, tcp).await?,
            ImapSecurity::None | ImapSecurity::StartTls => MailStream::Plain(tcp),
        };
        let mut client = async_imap::Client::new(stream);
        client
            .read_response()
            .await
            .map_err(|e| ImapError::Connect(error_chain(&e)))?
            .ok_or_else(|| ImapError::Connect("closed before the greeting".into()))?;
        if imap.security == ImapSecurity::StartTls {
            client.run_command_and_check_ok("STARTTLS", None).await?;
            let MailStream::Plain(tcp) = client.into_inner() else {
                return Err(ImapError::Tls("STARTTLS on a TLS connection".into()));
            };
            client = async_imap::Client::new(tls(host, tcp).await?);
        }
        let user = if imap.username.trim().is_empty() {
            mailbox.address.trim()
        } else {
            imap.username.trim()
        };
        let password = imap.password.as_ref().map(|p| p.expose()).unwrap_or("");
        client
            .login(user, password)
            .await
            .map_err(|(e, _)| ImapError::Login(error_chain(&e)))
    })
    .await
}

/// Selects the folder: its UIDVALIDITY, and whether the server offers IDLE.
pub async fn select(
    session: &mut Session,
    mailbox: &MailboxConfig,
) -> Result<(u32, bool), ImapError> {
    within(mailbox.imap.timeout_secs, async {
        let idle = session.capabilities().await?.has_str("IDLE");
        let folder = session.select(&mailbox.imap.folder).await?;
        Ok((folder.uid_validity.unwrap_or(0), idle))
    })
    .await
}

/// Up to `limit` mails with a UID above `after`, oldest first.
pub async fn fetch_after(
    session: &mut Session,
    mailbox: &MailboxConfig,
    after: u32,
    limit: usize,
) -> Result<Vec<Fetched>, ImapError> {
    within(mailbox.imap.timeout_secs.saturating_mul(4), async {
        let uids = session
            .uid_search(format!("UID {}:*", after.saturating_add(1)))
            .await?;
        // `n:*` always matches the last mail, even below `n`.
        let mut uids: Vec<u32> = uids.into_iter().filter(|u| *u > after).collect();
        uids.sort_unstable();
        uids.truncate(limit.max(1));
        let Some(last) = uids.last() else {
            return Ok(Vec::new());
        };
        let set = format!("{}:{last}", uids[0]);
        let fetched: Vec<_> = session
            .uid_fetch(set, "(UID BODY.PEEK[])")
            .await?
            .try_collect()
            .await?;
        let mut out: Vec<Fetched> = fetched
            .iter()
            .filter_map(|f| {
                let uid = f.uid?;
                (uid > after && uid <= *last).then(|| Fetched {
                    uid,
                    raw: f.body().unwrap_or_default().to_vec(),
                })
            })
            .collect();
        out.sort_by_key(|f| f.uid);
        Ok(out)
    })
    .await
}

/// Waits in IDLE until the server reports a change or `wait` passes.
pub async fn idle(session: Session, wait: Duration) -> Result<Session, ImapError> {
    let mut handle = session.idle();
    handle.init().await?;
    let (done, _stop) = handle.wait_with_timeout(wait);
    done.await?;
    Ok(handle.done().await?)
}
