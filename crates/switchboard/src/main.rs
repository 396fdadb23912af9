//! The `switchboard` binary: a thin shell over `switchboard-server`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use switchboard_server::{Application, Config};

mod bench;
mod bench_email;
mod bench_messenger;
mod bench_phone;
mod bench_reports;

#[derive(Parser)]
#[command(name = "switchboard", version, about = "Omnichannel customer support")]
struct Cli {
    /// A TOML configuration file; `SWITCHBOARD__SECTION__KEY` variables override it.
    #[arg(long, short, global = true, env = "SWITCHBOARD_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service (the default).
    Serve,
    /// Print the default configuration.
    Config,
    /// Print the OpenAPI document.
    Openapi,
    /// Mint a customer identity token, as the host site would, for trying the customer API.
    Token {
        /// The customer's account id, e.g. buyer-1001.
        customer: String,
        /// How long the token is valid.
        #[arg(long, default_value_t = 3600)]
        ttl_secs: i64,
    },
    /// Load-test the chat on loopback: throughput, latency, memory per connection, and a
    /// naive-write baseline on the same database. Starts its own server unless given --url.
    Bench(bench::BenchArgs),
    /// Benchmark the phone CTI: decision latency at a paced rate of new calls, and calls
    /// per second through Kamailio + SIPp with Switchboard deciding against a fixed answer.
    BenchPhone(bench_phone::PhoneBenchArgs),
    /// Benchmark taking mail: mails per second from a Dovecot of its own to a stored ticket
    /// with its acknowledgement queued, against a raw IMAP FETCH of the same mails.
    BenchEmail(bench_email::EmailBenchArgs),
    /// Benchmark the reports: seed a million lifelike tickets in bulk, let the server derive
    /// their facts, then time every report and the month's CSV against a plain count.
    BenchReports(bench_reports::ReportBenchArgs),
    /// Benchmark the Telegram channel: inbound updates/s from a local Bot API to stored
    /// messages and outbound replies/s through sendMessage, against the web chat's rates.
    BenchMessenger(bench_messenger::MessengerBenchArgs),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Config => {
            print!("{}", Config::default_toml());
            Ok(())
        }
        Command::Openapi => {
            let doc = switchboard_server::http::openapi();
            println!("{}", serde_json::to_string_pretty(&doc)?);
            Ok(())
        }
        Command::Token { customer, ttl_secs } => {
            let config = load(cli.config)?;
            let secret = token_secret(&config)?;
            let id = switchboard_domain::ids::CustomerId::parse(&customer)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let signer =
                switchboard_domain::identity::IdentitySigner::new(&secret, ttl_secs.max(1));
            let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(ttl_secs.max(1));
            println!("{}", signer.sign(&id, expires));
            Ok(())
        }
        Command::Bench(args) => bench::run(args).await,
        Command::BenchPhone(args) => bench_phone::run(args).await,
        Command::BenchEmail(args) => bench_email::run(args).await,
        Command::BenchReports(args) => bench_reports::run(args).await,
        Command::BenchMessenger(args) => bench_messenger::run(args).await,
        Command::Serve => {
            let config = load(cli.config)?;
            switchboard_server::telemetry::init(&config.log);
            let app = Application::build(config).await?;
            println!("Switchboard is listening on http://{}", app.address());
            println!("API description: http://{}/api/openapi.json", app.address());
            app.run_until_stopped().await
        }
    }
}

/// The service's identity secret for `token`, or a clear failure: minting
/// with a fresh secret would give tokens the service refuses.
fn token_secret(config: &Config) -> anyhow::Result<Vec<u8>> {
    let dir = &config.storage.data_dir;
    switchboard_server::app::existing_identity_secret(config, dir)?.ok_or_else(|| {
        let shown = std::path::absolute(dir).unwrap_or_else(|_| dir.clone());
        anyhow::anyhow!(
            "no identity secret: neither identity.secret in the configuration nor the file {} \
             (the service writes it on first start). Run this command from the service's \
             working directory, or give the service's configuration with --config \
             (or SWITCHBOARD__STORAGE__DATA_DIR / SWITCHBOARD__IDENTITY__SECRET)",
            shown.join("identity.secret").display()
        )
    })
}

fn load(path: Option<PathBuf>) -> anyhow::Result<Config> {
    Config::load(path.as_deref()).context("reading the configuration")
}
