//! Starting this device's [`SyncService`] from the command line's network options.

use std::sync::{Arc, Mutex, MutexGuard};

use delbar_core::Store;
use delbar_core::net::{BindMode, RelayChoice, SyncConfig, SyncService};

use crate::args::{Listen, NetArgs};
use crate::error::CliResult;

impl NetArgs {
    /// The service configuration these options ask for. mDNS is on for every interface
    /// unless `--no-mdns`, and off on loopback unless `--mdns`.
    pub fn config(&self) -> SyncConfig {
        let bind = match self.listen {
            Listen::All => BindMode::AllInterfaces,
            Listen::Loopback => BindMode::Loopback,
        };
        let mdns = if self.no_mdns { false } else { self.mdns || self.listen == Listen::All };
        let relay = match self.relay.trim() {
            "" | "none" => RelayChoice::None,
            "group" => RelayChoice::Groups,
            "public" => RelayChoice::Public,
            url => RelayChoice::Url(url.to_owned()),
        };
        SyncConfig { bind, mdns, relay, fetch_photos: false, ..SyncConfig::default() }
    }

    /// `all interfaces` or `loopback`, with `, mDNS` when it is on.
    pub fn describe(&self) -> String {
        let config = self.config();
        let bind = match config.bind {
            BindMode::AllInterfaces => "all interfaces",
            BindMode::Loopback => "loopback",
        };
        if config.mdns { format!("{bind}, mDNS") } else { bind.to_owned() }
    }
}

/// Starts the sync service on `store` (which it then owns).
pub fn start(store: Store, net: &NetArgs) -> CliResult<SyncService> {
    Ok(SyncService::start(Arc::new(Mutex::new(store)), net.config())?)
}

/// Starts the sync service on `store` for a device that keeps every photo (a hub): after
/// each session it fetches the full photos the group's items reference, not only thumbnails.
pub fn start_keeping_photos(store: Store, net: &NetArgs) -> CliResult<SyncService> {
    Ok(SyncService::start(Arc::new(Mutex::new(store)), SyncConfig { fetch_photos: true, ..net.config() })?)
}

/// The service's store, locked. A poisoned lock (a panic elsewhere) is taken over: the store
/// drops interrupted writes.
pub fn store(service: &SyncService) -> MutexGuard<'_, Store> {
    service.store().lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
