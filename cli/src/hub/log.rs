//! The hub's log: `tracing` lines on stderr (journald keeps them under systemd), at info
//! level for Delbar and warnings only for the libraries; `RUST_LOG` replaces the default
//! (`RUST_LOG=debug` shows why sessions failed).

use tracing_subscriber::EnvFilter;

/// The filter used when `RUST_LOG` is not set. automerge logs an error for every received
/// change whose dependencies arrive in the same batch, which the merge path expects and
/// handles; it is silenced here.
pub const DEFAULT_FILTER: &str = "warn,delbar=info,delbar_core=info,automerge=off";

/// Installs the log subscriber once; later calls do nothing.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    // A second init (tests running the hub twice in one process) keeps the first one.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi).try_init();
}
