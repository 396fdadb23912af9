//! Building and running the service: open the store, load the catalog and
//! (on first start) the demo profile, bind the listener, start the outbox
//! worker, serve until told to stop.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use jiff::SignedDuration;
use switchboard_channels::telegram::{Telegram, UpdateMode};
use switchboard_channels::vk::{Vk, VkMode};
use switchboard_channels::{
    Adapter, EmailSender, GatewayChannel, GatewaySender, Intake, MailboxConfig, MailboxHealth,
    Poller, Registry,
};
use switchboard_core::clock::{Clock, SystemClock};
use switchboard_core::configuration;
use switchboard_core::deadlines::DeadlineWorker;
use switchboard_core::files::FileStore;
use switchboard_core::kb::Knowledge;
use switchboard_core::metrics::Metrics;
use switchboard_core::outbox::{OutboxParts, OutboxWorker};
use switchboard_core::rules::{ProfileTexts, Rules};
use switchboard_core::sink::CoreSink;
use switchboard_core::{Core, CoreParts};
use switchboard_domain::attachment::AttachmentPolicy;
use switchboard_domain::identity::IdentitySigner;
use switchboard_store::{ConnectOptions, Store};
use tokio::net::TcpListener;

use crate::config::Config;
use crate::state::AppState;

pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    state: AppState,
    outbox: OutboxWorker,
    run_outbox: bool,
    run_webhooks: bool,
    deadlines: DeadlineWorker,
    run_deadlines: bool,
    mail: MailFetching,
    /// How often to ask for ratings, when this process does.
    run_ratings: Option<std::time::Duration>,
    body_limit: usize,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with(config, Arc::new(SystemClock), None).await
    }

    /// Binds the listener first, so the port is known (and taken) before
    /// anything else starts. Tests pass their own clock and a store opened on a
    /// fresh database; otherwise the store is opened from the configured URL.
    pub async fn build_with(
        config: Config,
        clock: Arc<dyn Clock>,
        store: Option<Arc<dyn Store>>,
    ) -> anyhow::Result<Self> {
        switchboard_channels::install_crypto_provider();
        let listener = TcpListener::bind(config.server.listen)
            .await
            .with_context(|| format!("binding {}", config.server.listen))?;
        let address = listener.local_addr()?;
        let data_dir = &config.storage.data_dir;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating data folder {}", data_dir.display()))?;

        let store = match store {
            Some(s) => s,
            None => switchboard_store::connect(
                &config.database_url(),
                &ConnectOptions {
                    max_connections: config.database.max_connections,
                    sqlite_synchronous: config.database.sqlite_synchronous,
                },
            )
            .await
            .context("opening the database")?,
        };
        // The profile's files must load; on first start they become version
        // 1 of the stored configuration, which is what is live from then on.
        let profile = ProfileTexts::read(&config.profile)?;
        Rules::from_texts(&profile).context("the profile's files")?;
        let configured = configuration::edit::load_stored(store.as_ref(), &profile, clock.now())
            .await
            .context("loading the configuration")?;
        let rules = configured.rules.clone();
        let catalog = rules.catalog().clone();
        let guard = Arc::new(crate::security::Guard::new(&config, clock.clone()));
        if config.profile.demo
            && crate::demo::seed_if_empty(store.as_ref(), &catalog, &rules, clock.now()).await?
        {
            tracing::info!("first start: demo profile loaded");
        }
        let profile_kb = switchboard_core::kb::load_profile_kb(config.kb.dir.as_deref())?;
        let kb = Knowledge::start(
            store.clone(),
            config.kb.search.clone(),
            &profile_kb,
            config.kb.dir.is_some() || config.profile.demo,
            clock.now(),
        )
        .await
        .context("loading the knowledge base")?;
        if store.backend() == switchboard_store::Backend::Postgres {
            // Other nodes may edit it; SQLite runs as one node.
            tokio::spawn(kb.clone().run_refresh(std::time::Duration::from_millis(
                config.kb.refresh_interval_ms,
            )));
        }
        let secret = identity_secret(&config, data_dir)?;
        let metrics = Arc::new(Metrics::new());
        let files = FileStore::new(data_dir.join("attachments"));
        let core = Core::start(CoreParts {
            store: store.clone(),
            catalog,
            rules: rules.clone(),
            clock: clock.clone(),
            files: files.clone(),
            attachments: AttachmentPolicy {
                max_files: config.attachments.max_files,
                max_file_bytes: config.attachments.max_file_bytes,
            },
            metrics: metrics.clone(),
            knowledge: kb,
            config: switchboard_core::config::ConversationConfig {
                csat: config.csat.clone(),
                ..config.chat.conversations()
            },
            secret: secret.clone(),
        })
        .await
        .context("starting the use cases")?;
        core.install_config(configured);
        tokio::spawn(
            core.clone()
                .run_config_refresh(std::time::Duration::from_millis(
                    config.profile.refresh_interval_ms.max(10),
                )),
        );
        let telegram = if config.telegram.is_enabled() {
            Some(Arc::new(
                Telegram::new(&config.telegram).context("[telegram]")?,
            ))
        } else {
            None
        };
        let vk = if config.vk.is_enabled() {
            Some(Arc::new(Vk::new(&config.vk).context("[vk]")?))
        } else {
            None
        };
        let mut state = AppState::new(
            core.clone(),
            Arc::new(IdentitySigner::new(
                &secret,
                config.identity.max_token_lifetime_secs,
            )),
            SignedDuration::from_secs(config.staff.session_ttl_secs),
            config.server.body_limit_bytes,
            config.chat.clone(),
        );
        if let Some(t) = &config.phone.cti_token {
            anyhow::ensure!(
                t.expose().len() >= 16,
                "phone.cti_token must be at least 16 characters"
            );
            state.cti_token = Some(t.clone());
        }
        state.operator_uri = config.phone.operator_uri.clone();
        if config.phone.run_sweeper {
            tokio::spawn(
                state
                    .core
                    .clone()
                    .run_call_sweeper(std::time::Duration::from_secs(
                        config.phone.sweep_secs.max(1),
                    )),
            );
        }
        state.webhooks = switchboard_core::webhooks::Webhooks::new(
            state.store.clone(),
            state.clock.clone(),
            config.webhooks.clone(),
        );
        state.demo_sign_in = config.profile.demo;
        state.guard = guard;
        state.telegram = telegram.clone();
        state.vk = vk.clone();
        state.vk_communities = config
            .vk
            .communities
            .iter()
            .map(|c| c.name.clone())
            .collect();
        let deadlines = DeadlineWorker::start(
            store.clone(),
            clock.clone(),
            state.core.live.clone(),
            std::time::Duration::from_millis(config.deadlines.tick_ms.max(10)),
        )
        .await
        .context("starting the deadline worker")?;
        let policy = AttachmentPolicy {
            max_files: config.attachments.max_files,
            max_file_bytes: config.attachments.max_file_bytes,
        };
        let mail = mail_poller(&config, core, policy);
        state.mailboxes = mail.poller.health.clone();
        let outbox = OutboxWorker::new(OutboxParts {
            store,
            adapters: Arc::new(adapters(&config, telegram.as_ref(), vk.as_ref())?),
            files,
            clock,
            config: config.outbox.clone(),
            metrics,
        });
        Ok(Application {
            listener,
            address,
            state,
            outbox,
            run_outbox: config.outbox.run_worker,
            deadlines,
            run_deadlines: config.deadlines.run_worker,
            mail,
            run_webhooks: config.webhooks.run_worker,
            run_ratings: (config.csat.enabled && config.csat.run_worker)
                .then(|| std::time::Duration::from_millis(config.csat.interval_ms)),
            body_limit: config.server.body_limit_bytes,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The outbox worker, for driving it one step at a time in tests.
    pub fn outbox(&self) -> OutboxWorker {
        self.outbox.clone()
    }

    /// The deadline worker, for driving it one step at a time in tests.
    pub fn deadlines(&self) -> DeadlineWorker {
        self.deadlines.clone()
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_with_shutdown(shutdown_signal()).await
    }

    pub async fn run_with_shutdown(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let deadlines = self
            .run_deadlines
            .then(|| tokio::spawn(self.deadlines.clone().run(stop_rx.clone())));
        let fetchers: Vec<_> = self
            .mail
            .mailboxes
            .iter()
            .map(|m| tokio::spawn(self.mail.poller.clone().run(m.clone(), stop_rx.clone())))
            .collect();
        let messengers = self.start_messengers(&stop_rx).await;
        let rollup = tokio::spawn(
            self.state
                .core
                .clone()
                .run_report_rollup(std::time::Duration::from_secs(1), stop_rx.clone()),
        );
        let ratings = self
            .run_ratings
            .map(|every| tokio::spawn(self.state.core.clone().run_ratings(every, stop_rx.clone())));
        let webhooks = self
            .run_webhooks
            .then(|| tokio::spawn(self.state.webhooks.clone().run(stop_rx.clone())));
        let worker = self
            .run_outbox
            .then(|| tokio::spawn(self.outbox.clone().run(stop_rx)));
        let app = crate::http::router(self.state.clone(), self.body_limit);
        let served = axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        let _ = stop_tx.send(true);
        if let Some(w) = worker {
            let _ = w.await;
        }
        if let Some(w) = deadlines {
            let _ = w.await;
        }
        for f in fetchers {
            let _ = f.await;
        }
        for m in messengers {
            let _ = m.await;
        }
        let _ = rollup.await;
        if let Some(w) = webhooks {
            let _ = w.await;
        }
        if let Some(w) = ratings {
            let _ = w.await;
        }
        served.context("serving HTTP")
    }

    /// Long polling for every bot (the default), or the webhook registered
    /// with Telegram. A Bot API that cannot be reached is retried with
    /// backoff and shows in `/readyz`; it never stops the service.
    async fn start_messengers(
        &self,
        stop: &tokio::sync::watch::Receiver<bool>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        let mut tasks = Vec::new();
        let sink: Arc<dyn switchboard_channels::MessengerSink> = Arc::new(
            switchboard_core::messenger::CoreMessengerSink(self.state.core.clone()),
        );
        // VK: Bots Long Poll per community when so configured; otherwise
        // VK posts to the Callback API route.
        if let Some(vk) = self.state.vk.clone()
            && vk.mode() == VkMode::LongPoll
        {
            for community in vk.community_names() {
                tasks.push(tokio::spawn(vk.clone().poll(
                    community,
                    sink.clone(),
                    stop.clone(),
                )));
            }
        }
        let Some(telegram) = self.state.telegram.clone() else {
            return tasks;
        };
        for bot in telegram.bot_names() {
            match telegram.mode() {
                UpdateMode::Polling => {
                    tasks.push(tokio::spawn(telegram.clone().poll(
                        bot,
                        sink.clone(),
                        stop.clone(),
                    )));
                }
                UpdateMode::Webhook => {
                    if let Err(e) = telegram.set_webhook(&bot).await {
                        tracing::error!(bot, error = %e, "setWebhook failed: updates wait at Telegram");
                        telegram.health().failed(&e.to_string());
                    }
                }
            }
        }
        tasks
    }
}

/// The mailboxes to fetch (those with an IMAP host) and their poller.
struct MailFetching {
    poller: Poller,
    mailboxes: Vec<MailboxConfig>,
}

/// Mail in: every mailbox with an IMAP host gets a task when the service
/// runs; one that cannot be reached is retried with backoff and shown as
/// down in `/readyz` and `/metrics`, without holding up the others.
fn mail_poller(config: &Config, core: Arc<Core>, policy: AttachmentPolicy) -> MailFetching {
    let sink = Arc::new(CoreSink(core));
    let mailboxes: Vec<MailboxConfig> = config
        .email
        .mailboxes
        .iter()
        .filter(|m| !m.imap.host.trim().is_empty())
        .cloned()
        .collect();
    MailFetching {
        poller: Poller {
            intake: Arc::new(Intake::new(config.email.clone(), policy)),
            sink: sink.clone(),
            cursors: sink,
            health: MailboxHealth::default(),
            // Errors in [smtp] stop the start in `adapters`; here it is on or off.
            replies: EmailSender::with_mailboxes(&config.smtp, &config.email)
                .ok()
                .filter(|_| config.smtp.is_enabled())
                .map(|s| Arc::new(s) as Arc<dyn Adapter>),
        },
        mailboxes,
    }
}

/// The outbound adapter of every configured medium; a medium left
/// unconfigured is off (its messages wait in the outbox, retried).
fn adapters(
    config: &Config,
    telegram: Option<&Arc<Telegram>>,
    vk: Option<&Arc<Vk>>,
) -> anyhow::Result<Registry> {
    let mut registry = Registry::new();
    if let Some(t) = telegram {
        registry = registry.with(t.clone());
    }
    if let Some(v) = vk {
        registry = registry.with(v.clone());
    }
    if config.smtp.is_enabled() {
        registry = registry.with(Arc::new(
            EmailSender::with_mailboxes(&config.smtp, &config.email).context("[smtp], [email]")?,
        ));
    }
    if config.sms.is_enabled() {
        registry = registry.with(Arc::new(
            GatewaySender::new(GatewayChannel::Sms, &config.sms).context("[sms]")?,
        ));
    }
    if config.push.is_enabled() {
        registry = registry.with(Arc::new(
            GatewaySender::new(GatewayChannel::Push, &config.push).context("[push]")?,
        ));
    }
    Ok(registry)
}

/// The configured secret, or one generated on first start and kept in the data folder.
pub fn identity_secret(config: &Config, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = existing_identity_secret(config, data_dir)? {
        return Ok(secret);
    }
    let path = data_dir.join("identity.secret");
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let secret = hex::encode(raw);
    std::fs::create_dir_all(data_dir)?;
    std::fs::write(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a customer identity secret");
    Ok(secret.into_bytes())
}

/// The identity secret the service uses, without making one: the configured
/// `identity.secret`, else the file `identity.secret` in the data directory.
/// `None` when neither is there (a tool minting tokens must then fail, not
/// sign with a secret the service would never accept).
pub fn existing_identity_secret(
    config: &Config,
    data_dir: &Path,
) -> anyhow::Result<Option<Vec<u8>>> {
    if let Some(s) = &config.identity.secret {
        anyhow::ensure!(
            s.expose().len() >= 16,
            "identity.secret must be at least 16 characters"
        );
        return Ok(Some(s.expose().as_bytes().to_vec()));
    }
    let path = data_dir.join("identity.secret");
    match std::fs::read_to_string(&path) {
        Ok(s) if s.trim().len() >= 16 => Ok(Some(s.trim().as_bytes().to_vec())),
        Ok(_) => anyhow::bail!("{} is shorter than 16 characters", path.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
