//! Structured logs through `tracing`: human-readable text or JSON lines.

use tracing_subscriber::EnvFilter;

use crate::config::LogConfig;

/// Installs the global subscriber once; later calls (tests) are ignored.
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if config.format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
