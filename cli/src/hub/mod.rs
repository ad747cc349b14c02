//! `delbar hub`: an always-on member device (a workshop laptop, a Raspberry Pi).
//!
//! It serves sync sessions to every current member's device of the groups its store holds,
//! so phones that never meet converge through it. It writes its address to a file (phones
//! and scripts read it), logs what it does ([`log`], [`watch`]), and stops cleanly on
//! Ctrl-C or SIGTERM: the router and endpoint shut down, the address file is removed, and
//! the store closes. The store is durable (every acknowledged change is on disk), so a hub
//! killed at any moment restarts where it was; its lock file refuses a second hub on the same
//! store.

pub mod log;
pub mod watch;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::args::HubArgs;
use crate::context::{Ctx, STORE_FILE, data_dir};
use crate::error::CliResult;
use crate::files::{self, shown};
use crate::json;
use crate::net::{address, service};
use crate::output::{Outcome, Text};
use crate::stop::{self, Stopped};
use watch::Watch;

/// The address file's name next to the store when `--address-file` is not given.
pub const ADDRESS_FILE: &str = "hub.addr";

/// How often the hub looks at its counters.
const POLL: Duration = Duration::from_millis(200);

/// Runs the hub until a stop signal.
pub fn run(data: Option<&Path>, now: Option<&str>, json_output: bool, args: &HubArgs) -> CliResult<Outcome> {
    // An error ends the hub with `error: <message>` on stderr, like every command.
    log::init();
    let store_file = match &args.store {
        Some(path) => path.clone(),
        None => data_dir(data)?.join(STORE_FILE),
    };
    let address_file: PathBuf = args.address_file.clone().unwrap_or_else(|| files::sibling(&store_file, ADDRESS_FILE));
    let ctx = Ctx::open_file(&store_file, None, json_output, now)?;
    let groups = ctx.store.groups()?;
    let device = ctx.store.device_id().clone();
    if groups.is_empty() {
        tracing::warn!(
            "the store holds no group yet: every session is refused until it receives one \
             (add this device as a member, then `delbar bundle import` or `delbar sync` on this store)"
        );
    }
    for g in &groups {
        let members = ctx.store.members(&g.id).map(|m| m.len()).unwrap_or(0);
        tracing::info!(group = %g.id, members, "serving group {}", crate::escape::line(&g.name));
    }
    let started = Instant::now();
    let mut service = service::start_keeping_photos(ctx.store, &args.net)?;
    let addr = service.addr()?;
    let text = address::to_text(&addr)?;
    files::write_atomic(&address_file, format!("{text}\n").as_bytes())?;
    tracing::info!(
        device = %device,
        listen = %args.net.describe(),
        store = %shown(&store_file),
        address_file = %shown(&address_file),
        "hub started"
    );
    tracing::info!(direct = %address::ip_addrs(&addr).join(", "), "address {text}");
    let mut watch = Watch::new(Duration::from_millis(u64::try_from(args.status_every.0).unwrap_or(u64::MAX)));
    let stopped = stop::every_until_stopped(POLL, || {
        watch.step(&service.status());
        ControlFlow::<()>::Continue(())
    });
    let signal = match &stopped {
        Ok(Stopped::Signal(s)) => *s,
        Ok(Stopped::Done(())) => "done",
        Err(_) => "an error",
    };
    tracing::info!("stopping on {signal}");
    let totals = watch.step(&service.status());
    service.stop();
    drop(service);
    files::remove(&address_file)?;
    stopped?;
    let uptime = started.elapsed().as_secs();
    tracing::info!(
        served = totals.served,
        refused = totals.refused,
        failed = totals.failed,
        uptime_s = uptime,
        "hub stopped"
    );
    if json_output {
        return Ok(Outcome::json(json::object(vec![
            ("device_id", device.as_str().into()),
            ("stopped_by", signal.into()),
            ("sessions_served", totals.served.into()),
            ("sessions_refused", totals.refused.into()),
            ("sessions_failed", totals.failed.into()),
        ])));
    }
    let mut out = Text::new();
    out.line(format!(
        "Hub stopped ({signal}): {} sessions served, {} refused, {} failed.",
        totals.served, totals.refused, totals.failed
    ));
    Ok(Outcome::text(out))
}
