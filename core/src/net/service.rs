//! [`SyncService`]: the handle owning the tokio runtime, the iroh endpoint and its router.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use iroh::endpoint::presets;
use iroh::protocol::Router;
use iroh::{Endpoint, EndpointAddr, SecretKey};

use crate::Store;
use crate::error::Result;
use crate::ids::{DeviceId, GroupId};
use crate::net::ALPN;
use crate::net::frame::read_frame;
use crate::net::frame::{Frame, PROTOCOL_VERSION, write_frame};
use crate::net::handler::{InviteHandler, Stats, SyncHandler, drive, lock, with_store};
use crate::net::invite::{INVITE_ALPN, Invite};
use crate::sync::{Session, SessionReport, SyncError};

/// Which addresses the endpoint binds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BindMode {
    /// `127.0.0.1` only: tests and same-machine use.
    #[default]
    Loopback,
    /// Every interface (a phone on the workshop's Wi-Fi).
    AllInterfaces,
}

/// How to start the service.
#[derive(Debug, Clone, Default)]
pub struct SyncConfig {
    /// Which addresses to bind.
    pub bind: BindMode,
    /// Find and announce devices on the local network with mDNS, so a peer can be dialled
    /// by its device id alone.
    pub mdns: bool,
}

/// What the service is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceStatus {
    /// Whether it is running.
    pub running: bool,
    /// This device (its iroh endpoint id).
    pub device: DeviceId,
    /// Sessions served to other devices.
    pub sessions_served: u64,
    /// Sessions refused (strangers, removed members, unknown groups).
    pub sessions_refused: u64,
    /// Sessions that failed midway (network, protocol errors).
    pub sessions_failed: u64,
}

struct Running {
    runtime: tokio::runtime::Runtime,
    router: Router,
}

/// A device's sync service: serves sessions to member devices and dials peers.
///
/// It owns a tokio runtime; its methods block and must not be called from inside an async
/// runtime. [`SyncService::stop`] (or dropping it) shuts the router, the endpoint and the
/// runtime down.
pub struct SyncService {
    store: Arc<Mutex<Store>>,
    device: DeviceId,
    stats: Arc<Stats>,
    running: Option<Running>,
}

impl std::fmt::Debug for SyncService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncService")
            .field("device", &self.device)
            .field("running", &self.running.is_some())
            .finish_non_exhaustive()
    }
}

impl SyncService {
    /// Binds an iroh endpoint with the store's device key and starts serving.
    pub fn start(store: Arc<Mutex<Store>>, config: SyncConfig) -> Result<Self> {
        let (secret, device) = {
            let s = lock(&store);
            (SecretKey::from_bytes(&s.device_signing_key().to_bytes()), s.device_id().clone())
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("delbar-sync")
            .enable_all()
            .build()
            .map_err(SyncError::network)?;
        let stats = Arc::new(Stats::default());
        let handler = SyncHandler { store: store.clone(), stats: stats.clone() };
        let invites = InviteHandler { store: store.clone() };
        let router = runtime.block_on(async move {
            let mut builder = Endpoint::builder(presets::Minimal).secret_key(secret);
            if config.bind == BindMode::Loopback {
                builder = builder.clear_ip_transports().bind_addr("127.0.0.1:0").map_err(SyncError::network)?;
            }
            if config.mdns {
                builder = builder.address_lookup(iroh_mdns_address_lookup::MdnsAddressLookup::builder());
            }
            let endpoint = builder.bind().await.map_err(SyncError::network)?;
            Ok::<_, SyncError>(Router::builder(endpoint).accept(ALPN, handler).accept(INVITE_ALPN, invites).spawn())
        })?;
        Ok(SyncService { store, device, stats, running: Some(Running { runtime, router }) })
    }

    /// This device's id, also its iroh endpoint id.
    pub fn device_id(&self) -> &DeviceId {
        &self.device
    }

    /// The store the service works on.
    pub fn store(&self) -> &Arc<Mutex<Store>> {
        &self.store
    }

    /// The address other devices dial.
    pub fn addr(&self) -> Result<EndpointAddr> {
        let running = self.running.as_ref().ok_or(SyncError::NotRunning)?;
        Ok(running.router.endpoint().addr())
    }

    /// Runs one sync session for `group` with the device at `peer`, and returns what it did.
    /// If this device knows the group, the peer must be a current member's device.
    pub fn sync_with(&self, peer: EndpointAddr, group: &GroupId) -> Result<SessionReport> {
        let running = self.running.as_ref().ok_or(SyncError::NotRunning)?;
        let endpoint = running.router.endpoint().clone();
        running.runtime.block_on(dial(endpoint, self.store.clone(), peer, group.clone()))
    }

    /// Redeems an invite: the inviter adds this device as a new member named `name`, then
    /// this device receives the group in a first-contact sync session. Returns the group.
    pub fn redeem(&self, invite: &Invite, name: &str, label: &str) -> Result<GroupId> {
        let running = self.running.as_ref().ok_or(SyncError::NotRunning)?;
        let now = lock(&self.store).now();
        if invite.expires <= now {
            return Err(SyncError::Refused { reason: "the invite has expired".into() }.into());
        }
        let endpoint = running.router.endpoint().clone();
        let request = Frame::Redeem {
            group: invite.group.to_string(),
            secret: invite.secret,
            name: name.to_owned(),
            label: label.to_owned(),
        };
        running.runtime.block_on(async {
            let connection = endpoint.connect(invite.inviter.clone(), INVITE_ALPN).await.map_err(SyncError::network)?;
            let answer = async {
                let (mut send, mut recv) = connection.open_bi().await.map_err(SyncError::network)?;
                write_frame(&mut send, &request).await?;
                send.finish().map_err(SyncError::network)?;
                read_frame(&mut recv).await
            }
            .await;
            connection.close(0u32.into(), b"done");
            match answer?.0 {
                Frame::Welcome => Ok(()),
                Frame::Refused(r) => Err(SyncError::Refused { reason: r.as_str().to_owned() }),
                _ => Err(SyncError::UnexpectedMessage { expected: "welcome", received: "another frame" }),
            }
        })?;
        self.sync_with(invite.inviter.clone(), &invite.group)?;
        Ok(invite.group.clone())
    }

    /// What the service is doing.
    pub fn status(&self) -> ServiceStatus {
        ServiceStatus {
            running: self.running.is_some(),
            device: self.device.clone(),
            sessions_served: self.stats.served.load(Ordering::Relaxed),
            sessions_refused: self.stats.refused.load(Ordering::Relaxed),
            sessions_failed: self.stats.failed.load(Ordering::Relaxed),
        }
    }

    /// Stops serving, closes the endpoint and the runtime. Idempotent.
    pub fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            if let Err(e) = running.runtime.block_on(running.router.shutdown()) {
                tracing::debug!(%e, "sync router did not shut down cleanly");
            }
            running.runtime.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

impl Drop for SyncService {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The dialling side of one session.
async fn dial(
    endpoint: Endpoint,
    store: Arc<Mutex<Store>>,
    addr: EndpointAddr,
    group: GroupId,
) -> Result<SessionReport> {
    let peer = DeviceId::from_public_key(addr.id.as_bytes());
    let (g, p) = (group.clone(), peer.clone());
    let (session, first) = with_store(&store, move |s| Session::start(s, &g, &p)).await??;
    let connection = endpoint.connect(addr, ALPN).await.map_err(SyncError::network)?;
    let result = async {
        let (mut send, mut recv) = connection.open_bi().await.map_err(SyncError::network)?;
        write_frame(&mut send, &Frame::Hello { version: PROTOCOL_VERSION, group: group.to_string() }).await?;
        write_frame(&mut send, &Frame::Sync(first)).await?;
        let session = drive(&store, session, &mut send, &mut recv).await?;
        send.finish().map_err(SyncError::network)?;
        // The accepting side finishes its half once it has everything it needs: wait for
        // that before closing, so that the close cannot overtake the last frames.
        let _ = recv.read_to_end(1024).await;
        Ok::<_, crate::Error>(session.report().clone())
    }
    .await;
    connection.close(0u32.into(), b"done");
    result
}
