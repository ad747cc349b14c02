//! [`SyncService`]: the handle owning the tokio runtime, the iroh endpoint and its router;
//! [`Dialer`]: what dials peers, usable from any async runtime.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use iroh::endpoint::presets;
use iroh::protocol::Router;
use iroh::{Endpoint, EndpointAddr, SecretKey};

use crate::Store;
use crate::error::Result;
use crate::ids::{BookingId, DeviceId, GroupId, ItemId};
use crate::net::events::{Direction, Events, SyncEventListener};
use crate::net::frame::MAX_HANDSHAKE_FRAME;
use crate::net::frame::{Frame, PROTOCOL_VERSION, Refusal, read_frame, write_frame};
use crate::net::handler::{InviteHandler, Stats, SyncHandler, lock, with_store};
use crate::net::invite::{INVITE_ALPN, Invite};
use crate::net::limits::{Admission, SyncLimits};
use crate::net::photos::{self, BlobFetchReport, PhotoFetcher, PhotoProvider};
use crate::net::relay::{RelayChoice, Relays};
use crate::net::session::{Meter, SessionContext};
use crate::net::status::{self, PeerStatus};
use crate::net::{ALPN, NetError};
use crate::store::{PhotoContent, PhotoSize};
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
    /// Which relays to use; none by default.
    pub relay: RelayChoice,
    /// Bounds on connections, frame sizes and waits.
    pub limits: SyncLimits,
    /// After each sync session this device dials, fetch every full photo the group's items
    /// reference that is not here yet (a hub keeps all); thumbnails are fetched always.
    pub fetch_photos: bool,
}

/// What the service is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceStatus {
    /// Whether it is running.
    pub running: bool,
    /// This device (its iroh endpoint id).
    pub device: DeviceId,
    /// Sessions served to other devices (completed or failed midway).
    pub sessions_served: u64,
    /// Sessions this device dialled that completed.
    pub sessions_dialled: u64,
    /// Sessions refused (strangers, removed members, unknown groups).
    pub sessions_refused: u64,
    /// Sessions that failed midway (network, protocol errors, timeouts), served or dialled.
    pub sessions_failed: u64,
    /// Connections closed at once because the service, or the dialling device, already held
    /// as many as [`SyncLimits`] allows.
    pub connections_turned_away: u64,
    /// The relays the endpoint uses (empty: none).
    pub relays: Vec<String>,
}

struct Running {
    runtime: tokio::runtime::Runtime,
    router: Router,
}

/// A device's sync service: serves sessions to member devices and dials peers.
///
/// It owns a tokio runtime; its blocking methods (`sync_with`, `redeem`) must not be called
/// from inside an async runtime: use [`SyncService::dialer`] there. [`SyncService::stop`]
/// (or dropping it) shuts the router, the endpoint and the runtime down.
pub struct SyncService {
    store: Arc<Mutex<Store>>,
    device: DeviceId,
    stats: Arc<Stats>,
    events: Arc<Events>,
    relays: Relays,
    limits: SyncLimits,
    blobs: iroh_blobs::api::Store,
    fetch_photos: bool,
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
        let (secret, device, relays, blobs) = {
            let s = lock(&store);
            let relays = Relays::resolve(&config.relay, &s)?;
            let blobs = photos::blob_api(&s)?;
            (SecretKey::from_bytes(&s.device_signing_key().to_bytes()), s.device_id().clone(), relays, blobs)
        };
        // The store's work (`with_store`) runs on one blocking thread: the store is behind
        // one lock anyway, and the memory one merge frees is then reused by the next rather
        // than kept in the allocator arena of another thread (a first contact with the 50k
        // benchmark group peaked at 206 MB of RSS spread over several threads' arenas, 117 MB
        // in one arena). iroh's own blocking work (closing sockets) is short.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(1)
            .thread_name("delbar-sync")
            .enable_all()
            .build()
            .map_err(SyncError::network)?;
        let stats = Arc::new(Stats::default());
        let events = Arc::new(Events::default());
        let limits = config.limits;
        let admission = Admission::new(limits);
        let mut handler = SyncHandler {
            store: store.clone(),
            stats: stats.clone(),
            events: events.clone(),
            limits,
            admission: admission.clone(),
            photos: None,
        };
        let invites = InviteHandler { store: store.clone(), stats: stats.clone(), limits, admission };
        let relay_mode = relays.relay_mode();
        let (provider_store, provider_blobs) = (store.clone(), blobs.clone());
        let fetch_photos = config.fetch_photos;
        let router = runtime.block_on(async move {
            let mut builder = Endpoint::builder(presets::Minimal).secret_key(secret).relay_mode(relay_mode);
            if config.bind == BindMode::Loopback {
                builder = builder.clear_ip_transports().bind_addr("127.0.0.1:0").map_err(SyncError::network)?;
            }
            if config.mdns {
                builder = builder.address_lookup(iroh_mdns_address_lookup::MdnsAddressLookup::builder());
            }
            let endpoint = builder.bind().await.map_err(SyncError::network)?;
            handler.photos = Some(PhotoFetcher {
                endpoint: endpoint.clone(),
                blobs: provider_blobs.clone(),
                store: provider_store.clone(),
                full: fetch_photos,
            });
            let provider = PhotoProvider::new(provider_store, provider_blobs);
            Ok::<_, SyncError>(
                Router::builder(endpoint)
                    .accept(ALPN, handler)
                    .accept(INVITE_ALPN, invites)
                    .accept(iroh_blobs::ALPN, provider)
                    .spawn(),
            )
        })?;
        tracing::info!(device = device.short(), relays = ?relays.urls(), "sync service started");
        Ok(SyncService {
            store,
            device,
            stats,
            events,
            relays,
            limits,
            blobs,
            fetch_photos,
            running: Some(Running { runtime, router }),
        })
    }

    /// This device's id, also its iroh endpoint id.
    pub fn device_id(&self) -> &DeviceId {
        &self.device
    }

    /// The store the service works on.
    pub fn store(&self) -> &Arc<Mutex<Store>> {
        &self.store
    }

    /// The relays the endpoint was started with.
    pub fn relays(&self) -> &Relays {
        &self.relays
    }

    /// Sets (or clears) the listener that hears every session's events.
    pub fn set_event_listener(&self, listener: Option<Arc<dyn SyncEventListener>>) {
        self.events.set(listener);
    }

    /// The address other devices dial.
    pub fn addr(&self) -> Result<EndpointAddr> {
        let running = self.running.as_ref().ok_or(SyncError::NotRunning)?;
        Ok(running.router.endpoint().addr())
    }

    /// A handle that dials peers from any async runtime (the work runs on the service's).
    pub fn dialer(&self) -> Result<Dialer> {
        let running = self.running.as_ref().ok_or(SyncError::NotRunning)?;
        Ok(Dialer {
            runtime: running.runtime.handle().clone(),
            endpoint: running.router.endpoint().clone(),
            store: self.store.clone(),
            events: self.events.clone(),
            stats: self.stats.clone(),
            limits: self.limits,
            blobs: self.blobs.clone(),
            fetch_photos: self.fetch_photos,
        })
    }

    /// Runs one sync session for `group` with the device at `peer`, and returns what it did.
    /// If this device knows the group, the peer must be a current member's device. Blocks.
    pub fn sync_with(&self, peer: EndpointAddr, group: &GroupId) -> Result<SessionReport> {
        let dialer = self.dialer()?;
        let running = self.running.as_ref().ok_or(SyncError::NotRunning)?;
        running.runtime.block_on(dialer.sync_with(peer, group.clone()))
    }

    /// Redeems an invite: the inviter adds this device as a new member named `name`, then
    /// this device receives the group in a first-contact sync session. Returns the group.
    /// Blocks.
    pub fn redeem(&self, invite: &Invite, name: &str, label: &str) -> Result<GroupId> {
        let dialer = self.dialer()?;
        let running = self.running.as_ref().ok_or(SyncError::NotRunning)?;
        running.runtime.block_on(dialer.redeem(invite.clone(), name.to_owned(), label.to_owned()))
    }

    /// Makes a photo of an item (or its thumbnail) present here, fetching it from the
    /// device at `peer` if it is not here yet (see [`Dialer::fetch_item_photo`]). Blocks.
    pub fn fetch_item_photo(
        &self,
        peer: EndpointAddr,
        group: &GroupId,
        item: &ItemId,
        hash: &str,
        size: PhotoSize,
    ) -> Result<BlobFetchReport> {
        let dialer = self.dialer()?;
        let running = self.running.as_ref().ok_or(SyncError::NotRunning)?;
        running.runtime.block_on(dialer.fetch_item_photo(peer, group.clone(), item.clone(), hash.to_owned(), size))
    }

    /// Makes the photo taken when a booking came back (or its thumbnail) present here,
    /// fetching it from the device at `peer` if it is not here yet (see
    /// [`Dialer::fetch_return_photo`]). Blocks.
    pub fn fetch_return_photo(
        &self,
        peer: EndpointAddr,
        group: &GroupId,
        booking: &BookingId,
        size: PhotoSize,
    ) -> Result<BlobFetchReport> {
        let dialer = self.dialer()?;
        let running = self.running.as_ref().ok_or(SyncError::NotRunning)?;
        running.runtime.block_on(dialer.fetch_return_photo(peer, group.clone(), booking.clone(), size))
    }

    /// Fetches the blobs named by their hashes (hex) from the device at `peer`, which
    /// serves each only if an item of a group this device is a current member of there
    /// references it. Blocks.
    pub fn fetch_blobs(&self, peer: EndpointAddr, hashes: &[String]) -> Result<BlobFetchReport> {
        let dialer = self.dialer()?;
        let running = self.running.as_ref().ok_or(SyncError::NotRunning)?;
        running.runtime.block_on(dialer.fetch_blobs(peer, hashes.to_vec()))
    }

    /// What the service is doing.
    pub fn status(&self) -> ServiceStatus {
        ServiceStatus {
            running: self.running.is_some(),
            device: self.device.clone(),
            sessions_served: self.stats.served.load(Ordering::Relaxed),
            sessions_dialled: self.stats.dialled.load(Ordering::Relaxed),
            sessions_refused: self.stats.refused.load(Ordering::Relaxed),
            sessions_failed: self.stats.failed.load(Ordering::Relaxed),
            connections_turned_away: self.stats.turned_away.load(Ordering::Relaxed),
            relays: self.relays.urls(),
        }
    }

    /// The peers of `group` (or of every group) this device has met, with their last sync
    /// and the documents changed since. Also readable with the service stopped
    /// ([`status::peers`]).
    pub fn peers(&self, group: Option<&GroupId>) -> Result<Vec<PeerStatus>> {
        status::peers(&lock(&self.store), group)
    }

    /// Stops serving, closes the endpoint and the runtime. Idempotent. Called from inside
    /// an async runtime (where it cannot wait), it lets everything stop in the background.
    pub fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                drop(running.router);
                running.runtime.shutdown_background();
            } else {
                if let Err(e) = running.runtime.block_on(running.router.shutdown()) {
                    tracing::debug!(%e, "sync router did not shut down cleanly");
                }
                running.runtime.shutdown_timeout(Duration::from_secs(2));
            }
            tracing::info!(device = self.device.short(), "sync service stopped");
        }
    }
}

impl Drop for SyncService {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Dials peers for a running [`SyncService`], from any async runtime; the sessions run on
/// the service's runtime. Once the service stops, dialling fails with a network error.
#[derive(Clone)]
pub struct Dialer {
    runtime: tokio::runtime::Handle,
    endpoint: Endpoint,
    store: Arc<Mutex<Store>>,
    events: Arc<Events>,
    stats: Arc<Stats>,
    limits: SyncLimits,
    blobs: iroh_blobs::api::Store,
    fetch_photos: bool,
}

impl std::fmt::Debug for Dialer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dialer").field("endpoint", &self.endpoint.id()).finish_non_exhaustive()
    }
}

impl Dialer {
    /// Runs one sync session for `group` with the device at `peer` (see
    /// [`SyncService::sync_with`]).
    pub async fn sync_with(&self, peer: EndpointAddr, group: GroupId) -> Result<SessionReport> {
        let this = self.clone();
        self.runtime.spawn(async move { this.dial(peer, group).await }).await.map_err(SyncError::network)?
    }

    /// Redeems an invite (see [`SyncService::redeem`]). An expired invite is refused before
    /// dialling; a refusal by the inviter comes back typed ([`NetError::InviteExpired`],
    /// [`NetError::InviteUsedUp`], [`NetError::InviteRevoked`], [`NetError::InviteUnknown`]).
    pub async fn redeem(&self, invite: Invite, name: String, label: String) -> Result<GroupId> {
        let now = lock(&self.store).now();
        if invite.expires <= now {
            return Err(NetError::InviteExpired.into());
        }
        crate::domain::item::clean_name("member name", &name)?;
        let this = self.clone();
        self.runtime
            .spawn(async move {
                this.ask_to_join(&invite, name, label).await?;
                this.dial(invite.inviter.clone(), invite.group.clone()).await?;
                Ok(invite.group)
            })
            .await
            .map_err(SyncError::network)?
    }

    async fn ask_to_join(&self, invite: &Invite, name: String, label: String) -> Result<()> {
        let request = Frame::Redeem { group: invite.group.to_string(), secret: invite.secret, name, label };
        let connection =
            self.endpoint.connect(invite.inviter.clone(), INVITE_ALPN).await.map_err(SyncError::network)?;
        let answer = async {
            let (mut send, mut recv) = connection.open_bi().await.map_err(SyncError::network)?;
            let limits = &self.limits;
            write_frame(&mut send, &request, limits, limits.handshake_timeout).await?;
            send.finish().map_err(SyncError::network)?;
            read_frame(&mut recv, MAX_HANDSHAKE_FRAME, limits, limits.idle_timeout).await
        }
        .await;
        connection.close(0u32.into(), b"done");
        match answer?.0 {
            Frame::Welcome => Ok(()),
            Frame::Refused(Refusal::InviteExpired) => Err(NetError::InviteExpired.into()),
            Frame::Refused(Refusal::InviteUsedUp) => Err(NetError::InviteUsedUp.into()),
            Frame::Refused(Refusal::InviteRevoked) => Err(NetError::InviteRevoked.into()),
            Frame::Refused(Refusal::InviteUnknown) => Err(NetError::InviteUnknown.into()),
            Frame::Refused(r) => Err(SyncError::Refused { reason: r.as_str().to_owned() }.into()),
            _ => Err(SyncError::UnexpectedMessage { expected: "welcome", received: "another frame" }.into()),
        }
    }

    /// The dialling side of one session, reported as events.
    async fn dial(&self, addr: EndpointAddr, group: GroupId) -> Result<SessionReport> {
        let context = SessionContext {
            store: self.store.clone(),
            events: self.events.clone(),
            group,
            peer: DeviceId::from_public_key(addr.id.as_bytes()),
            direction: Direction::Dialled,
            limits: self.limits,
        };
        let mut meter = Meter::default();
        let result = self.run(&context, &mut meter, addr.clone()).await;
        context.finish(meter, &result);
        let counter = if result.is_ok() { &self.stats.dialled } else { &self.stats.failed };
        counter.fetch_add(1, Ordering::Relaxed);
        if result.is_ok() {
            // What the merged catalogue references and this device lacks: thumbnails always,
            // full photos on a device set to keep them all. A failure leaves them for later.
            match self.fetch_group_photos(addr, context.group.clone()).await {
                Ok(r) if r.fetched > 0 => tracing::info!(blobs = r.fetched, bytes = r.bytes, "fetched photo blobs"),
                Ok(_) => {}
                Err(e) => tracing::info!(%e, "photo blobs not fetched after the session"),
            }
        }
        result
    }

    /// Fetches from `peer` the blobs that items of `group` reference and this device lacks:
    /// thumbnails, and full photos too on a device set to fetch them.
    pub async fn fetch_group_photos(&self, peer: EndpointAddr, group: GroupId) -> Result<BlobFetchReport> {
        let full = self.fetch_photos;
        let missing = with_store(&self.store, move |s| s.missing_photo_blobs(&group, full)).await??;
        let this = self.clone();
        self.runtime
            .spawn(async move { photos::fetch_blobs(&this.endpoint, &this.blobs, peer, &missing).await })
            .await
            .map_err(SyncError::network)?
    }

    /// Fetches the blobs named (see [`SyncService::fetch_blobs`]).
    pub async fn fetch_blobs(&self, peer: EndpointAddr, hashes: Vec<String>) -> Result<BlobFetchReport> {
        let this = self.clone();
        self.runtime
            .spawn(async move { photos::fetch_blobs(&this.endpoint, &this.blobs, peer, &hashes).await })
            .await
            .map_err(SyncError::network)?
    }

    /// Makes a photo of an item (or its thumbnail) present here: if it is not, fetches it
    /// from the device at `peer`, which serves it only to a current member of the item's
    /// group. Returns what travelled (nothing when it was already here).
    pub async fn fetch_item_photo(
        &self,
        peer: EndpointAddr,
        group: GroupId,
        item: ItemId,
        hash: String,
        size: PhotoSize,
    ) -> Result<BlobFetchReport> {
        let wanted = with_store(&self.store, move |s| -> Result<Option<String>> {
            let photo = s.item_photo_ref(&group, &item, &hash)?;
            let blob = match size {
                PhotoSize::Full => photo.hash,
                PhotoSize::Thumbnail => photo.thumbnail,
            };
            Ok(match s.item_photo(&group, &item, &hash, size)? {
                PhotoContent::Here(_) => None,
                PhotoContent::NotHereYet if blob.is_empty() => None,
                PhotoContent::NotHereYet => Some(blob),
            })
        })
        .await??;
        self.fetch_wanted(peer, wanted).await
    }

    /// Makes the photo taken when a booking came back (or its thumbnail) present here,
    /// fetching it from the device at `peer` if it is not here yet. The peer serves it only
    /// to a current member's device of the booking's group.
    pub async fn fetch_return_photo(
        &self,
        peer: EndpointAddr,
        group: GroupId,
        booking: BookingId,
        size: PhotoSize,
    ) -> Result<BlobFetchReport> {
        let wanted = with_store(&self.store, move |s| -> Result<Option<String>> {
            let (photo, thumbnail) = s.return_photo_hashes(&group, &booking)?;
            let blob = match size {
                PhotoSize::Full => Some(photo),
                PhotoSize::Thumbnail => thumbnail,
            };
            Ok(match s.return_photo(&group, &booking, size)? {
                PhotoContent::Here(_) => None,
                PhotoContent::NotHereYet => blob,
            })
        })
        .await??;
        self.fetch_wanted(peer, wanted).await
    }

    /// Fetches the blob `wanted` names from the device at `peer`; nothing when it names none
    /// (the photo is here, or there is none to fetch).
    async fn fetch_wanted(&self, peer: EndpointAddr, wanted: Option<String>) -> Result<BlobFetchReport> {
        let Some(blob) = wanted else { return Ok(BlobFetchReport::default()) };
        let this = self.clone();
        self.runtime
            .spawn(async move { photos::fetch_blobs(&this.endpoint, &this.blobs, peer, &[blob]).await })
            .await
            .map_err(SyncError::network)?
    }

    async fn run(&self, context: &SessionContext, meter: &mut Meter, addr: EndpointAddr) -> Result<SessionReport> {
        let (g, p) = (context.group.clone(), context.peer.clone());
        let (session, first) = with_store(&context.store, move |s| Session::start(s, &g, &p)).await??;
        let connection = self.endpoint.connect(addr, ALPN).await.map_err(SyncError::network)?;
        let result = async {
            let (mut send, mut recv) = connection.open_bi().await.map_err(SyncError::network)?;
            let hello = Frame::Hello { version: PROTOCOL_VERSION, group: context.group.to_string() };
            context.write(meter, &mut send, &hello).await?;
            context.write(meter, &mut send, &Frame::Sync(first)).await?;
            context.started().await?;
            let session = context.drive(session, meter, &mut send, &mut recv).await?;
            send.finish().map_err(SyncError::network)?;
            // The accepting side finishes its half once it has everything it needs: wait for
            // that before closing, so that the close cannot overtake the last frames.
            let _ = tokio::time::timeout(self.limits.idle_timeout, recv.read_to_end(1024)).await;
            Ok::<_, crate::Error>(session.report().clone())
        }
        .await;
        connection.close(0u32.into(), b"done");
        result
    }
}
