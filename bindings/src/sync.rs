//! Sync, invites and bundles on `DelbarStore`: one delegating method per core call, the
//! foreign [`SyncEventListener`] and the adapter that feeds it.
//!
//! The sync service owns its own tokio runtime (in the core). Async methods here only wait
//! for work that runs there, so nothing blocks the caller's thread; `startSync` and
//! `stopSync` bind and close the endpoint and return within milliseconds.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, MutexGuard};

use delbar_core::net::{self, Dialer, SyncService};
use delbar_core::sync;

use crate::error::{DelbarError, guard};
use crate::listener::Delivery;
use crate::records::{
    Group, Invite, InviteInfo, MergeReport, Role, SyncConfig, SyncEvent, SyncPeer, SyncReport, SyncStatus, Timestamp,
    ids,
};
use crate::store::{DelbarStore, run_blocking};

/// Hears what the sync service does: sessions started, progress, "synced with" (a
/// completed session), refusals and failures, for sessions this device dialled and
/// sessions it served. Implement it in Kotlin or Swift and pass it to
/// `DelbarStore.setSyncListener`.
///
/// It is called on the sync service's threads (post to the UI thread yourself), never
/// while the store is locked, so it may call the store. An exception it throws is ignored.
#[uniffi::export(with_foreign)]
pub trait SyncEventListener: Send + Sync {
    /// Called for every event, in order within a session.
    fn on_sync_event(&self, event: SyncEvent);
}

/// The running service and the app's listener.
#[derive(Default)]
pub(crate) struct SyncSlot {
    service: Mutex<Option<SyncService>>,
    listener: Arc<Mutex<Option<Arc<dyn SyncEventListener>>>>,
}

fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| {
        m.clear_poison();
        poisoned.into_inner()
    })
}

/// The core's listener: hands notifications created by merged changes to the app's
/// notification listener once a session is over, then the event to the app's sync listener.
struct Forward {
    delivery: Arc<Delivery>,
    listener: Arc<Mutex<Option<Arc<dyn SyncEventListener>>>>,
}

impl net::SyncEventListener for Forward {
    fn on_sync_event(&self, event: &net::SyncEvent) {
        if matches!(event, net::SyncEvent::Synced { .. } | net::SyncEvent::Failed { .. }) {
            self.delivery.flush();
        }
        self.delivery.sync.publish(event.clone());
        self.delivery.sync.flush();
        let listener = relock(&self.listener).clone();
        if let Some(listener) = listener {
            let record = SyncEvent::from(event);
            // A foreign exception becomes a panic in uniffi's callback code.
            let _ignored = catch_unwind(AssertUnwindSafe(|| listener.on_sync_event(record)));
        }
    }
}

impl DelbarStore {
    pub(crate) fn dialer(&self) -> Result<Dialer, DelbarError> {
        let service = relock(&self.sync.service);
        let service = service.as_ref().ok_or(delbar_core::Error::from(sync::SyncError::NotRunning))?;
        Ok(service.dialer()?)
    }

    fn status_now(&self) -> Result<SyncStatus, DelbarError> {
        let service = relock(&self.sync.service);
        let peers = self.with(|s| Ok(net::status::peers(s, None)?))?;
        let device_id = self.with(|s| Ok(s.device_id().to_string()))?;
        let peers = peers.into_iter().map(SyncPeer::from).collect();
        Ok(match service.as_ref() {
            Some(service) => {
                let status = service.status();
                SyncStatus {
                    running: status.running,
                    device_id,
                    address: Some(net::format_peer_addr(&service.addr()?).map_err(delbar_core::Error::from)?),
                    sessions_served: status.sessions_served,
                    sessions_dialled: status.sessions_dialled,
                    sessions_refused: status.sessions_refused,
                    sessions_failed: status.sessions_failed,
                    relays: status.relays,
                    peers,
                }
            }
            None => SyncStatus {
                running: false,
                device_id,
                address: None,
                sessions_served: 0,
                sessions_dialled: 0,
                sessions_refused: 0,
                sessions_failed: 0,
                relays: Vec::new(),
                peers,
            },
        })
    }
}

impl DelbarStore {
    /// Starts (or restarts) the sync service on the calling thread; see `start_sync`.
    fn start_sync_now(&self, config: SyncConfig) -> Result<SyncStatus, DelbarError> {
        guard(|| {
            let mut slot = relock(&self.sync.service);
            if let Some(mut old) = slot.take() {
                old.stop();
            }
            let service = SyncService::start(self.store.clone(), config.into())?;
            service.set_event_listener(Some(Arc::new(Forward {
                delivery: self.delivery.clone(),
                listener: self.sync.listener.clone(),
            })));
            *slot = Some(service);
            Ok(())
        })?;
        self.status_now()
    }
}

fn core_err(e: impl Into<delbar_core::Error>) -> DelbarError {
    DelbarError::from(e.into())
}

#[uniffi::export(async_runtime = "tokio")]
impl DelbarStore {
    // ---- sync service ----

    /// Starts the sync service: binds this device's iroh endpoint and serves sessions to
    /// member devices. Restarts it with the new configuration if it was running.
    pub async fn start_sync(self: Arc<Self>, config: SyncConfig) -> Result<SyncStatus, DelbarError> {
        run_blocking(move || self.start_sync_now(config)).await
    }

    /// Stops the sync service (idempotent).
    pub fn stop_sync(&self) {
        let service = relock(&self.sync.service).take();
        if let Some(mut service) = service {
            service.stop();
        }
    }

    /// What the sync service is doing and every peer this device has met (also when
    /// stopped).
    pub async fn sync_status(self: Arc<Self>) -> Result<SyncStatus, DelbarError> {
        run_blocking(move || self.status_now()).await
    }

    /// The peers of one group this device has met, with their last sync and the documents
    /// changed since.
    pub async fn sync_peers(self: Arc<Self>, group_id: String) -> Result<Vec<SyncPeer>, DelbarError> {
        self.blocking(move |s| {
            Ok(net::status::peers(s, Some(&ids::group(&group_id)?))?.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// This device's address for other devices' `syncWith` (a `DELBARPEER1...` text), while
    /// the service runs.
    pub fn sync_address(&self) -> Result<String, DelbarError> {
        guard(|| {
            let service = relock(&self.sync.service);
            let service = service.as_ref().ok_or_else(|| core_err(sync::SyncError::NotRunning))?;
            net::format_peer_addr(&service.addr()?).map_err(core_err)
        })
    }

    /// Sets (or, with `null`/`nil`, clears) the listener that hears sync events.
    pub fn set_sync_listener(&self, listener: Option<Arc<dyn SyncEventListener>>) {
        *relock(&self.sync.listener) = listener;
    }

    /// Syncs a group with the device at `peer_address` (its `syncAddress`, or its device id
    /// when mDNS finds it on the local network). The service must be running.
    pub async fn sync_with(self: Arc<Self>, peer_address: String, group_id: String) -> Result<SyncReport, DelbarError> {
        let (dialer, addr, group) = guard(|| {
            let addr = net::parse_peer_addr(&peer_address).map_err(core_err)?;
            Ok((self.dialer()?, addr, ids::group(&group_id)?))
        })?;
        let report = dialer.sync_with(addr, group).await;
        self.delivery.flush();
        Ok(report?.into())
    }

    /// Changes a group's sync settings (stewards): `relay_url` names the relay its devices
    /// use with `RelayChoice.Groups` (`clear_relay` removes it); `members_may_invite` lets
    /// members create invites. `null`/`nil` keeps a setting.
    #[uniffi::method(default(relay_url = None, clear_relay = false, members_may_invite = None))]
    pub async fn update_group_sync(
        self: Arc<Self>,
        group_id: String,
        relay_url: Option<String>,
        clear_relay: bool,
        members_may_invite: Option<bool>,
    ) -> Result<Group, DelbarError> {
        self.blocking(move |s| {
            let relay = if clear_relay { Some(None) } else { relay_url.as_deref().map(Some) };
            Ok(s.update_group_sync(&ids::group(&group_id)?, relay, members_may_invite)?.into())
        })
        .await
    }

    // ---- invites ----

    /// Creates an invite to a group, redeemable at this device until `expires` by up to
    /// `uses` devices (stewards; members too, for the member role, when the group allows
    /// it). The sync service must be running: the invite carries this device's address.
    pub async fn create_invite(
        self: Arc<Self>,
        group_id: String,
        role: Role,
        expires: Timestamp,
        uses: u32,
    ) -> Result<Invite, DelbarError> {
        let addr = guard(|| {
            let service = relock(&self.sync.service);
            let service = service.as_ref().ok_or_else(|| core_err(sync::SyncError::NotRunning))?;
            Ok(service.addr()?)
        })?;
        self.blocking(move |s| {
            let invite = net::create_invite(s, &ids::group(&group_id)?, addr, role, expires, uses)?;
            Ok(Invite {
                id: invite.id(),
                code: invite.to_code().map_err(core_err)?,
                group_id: invite.group.to_string(),
                role: invite.role,
                expires: invite.expires,
                uses: invite.uses,
                qr_version: invite.qr_version().map_err(core_err)?,
            })
        })
        .await
    }

    /// The invites to a group made on this device that can still be redeemed, newest first.
    pub async fn list_invites(self: Arc<Self>, group_id: String) -> Result<Vec<InviteInfo>, DelbarError> {
        self.blocking(move |s| Ok(net::list_invites(s, &ids::group(&group_id)?)?.into_iter().map(Into::into).collect()))
            .await
    }

    /// Revokes an invite made on this device; redeeming it then fails with `InviteRevoked`.
    pub async fn revoke_invite(self: Arc<Self>, group_id: String, invite_id: String) -> Result<(), DelbarError> {
        self.blocking(move |s| Ok(net::revoke_invite(s, &ids::group(&group_id)?, &invite_id)?)).await
    }

    /// Redeems an invite code: the inviting device adds this device as a new member named
    /// `my_name`, then this device receives the group. Returns the group's id. The sync
    /// service must be running. Fails with `InviteExpired`, `InviteUsedUp`, `InviteRevoked`
    /// or `InviteUnknown` when the invite does not hold.
    #[uniffi::method(default(device_label = ""))]
    pub async fn redeem_invite(
        self: Arc<Self>,
        code: String,
        my_name: String,
        device_label: String,
    ) -> Result<String, DelbarError> {
        let (dialer, invite) = guard(|| {
            let invite = net::Invite::parse(&code).map_err(|_| core_err(net::NetError::InviteUnknown))?;
            Ok((self.dialer()?, invite))
        })?;
        let group = dialer.redeem(invite, my_name, device_label).await;
        self.delivery.flush();
        Ok(group?.to_string())
    }

    // ---- bundles ----

    /// A signed bundle of a group's changes: everything, or, with `for_device_id`, only what
    /// that device lacks as far as this device knows from their last sync.
    #[uniffi::method(default(for_device_id = None))]
    pub async fn export_bundle(
        self: Arc<Self>,
        group_id: String,
        for_device_id: Option<String>,
    ) -> Result<Vec<u8>, DelbarError> {
        self.blocking(move |s| export(s, &group_id, for_device_id.as_deref())).await
    }

    /// Writes a bundle (see `exportBundle`) to a file; returns its size in bytes.
    #[uniffi::method(default(for_device_id = None))]
    pub async fn export_bundle_to_file(
        self: Arc<Self>,
        group_id: String,
        path: String,
        for_device_id: Option<String>,
    ) -> Result<u64, DelbarError> {
        self.blocking(move |s| export_to_file(s, &group_id, &path, for_device_id.as_deref())).await
    }

    /// Imports a bundle: checks it whole (format, checksum, signature, group, the signer a
    /// member's device), then applies it; on any error nothing is applied. `group_id`
    /// defaults to the bundle's group (a device joining through a bundle does not know it
    /// yet). Importing the same bundle twice changes nothing.
    #[uniffi::method(default(group_id = None))]
    pub async fn import_bundle(
        self: Arc<Self>,
        bytes: Vec<u8>,
        group_id: Option<String>,
    ) -> Result<MergeReport, DelbarError> {
        self.blocking(move |s| import(s, &bytes, group_id.as_deref())).await
    }

    /// Imports a bundle from a file (see `importBundle`), read as a stream: a file that is not
    /// a bundle is refused after its first bytes, and memory stays bounded by one document.
    #[uniffi::method(default(group_id = None))]
    pub async fn import_bundle_from_file(
        self: Arc<Self>,
        path: String,
        group_id: Option<String>,
    ) -> Result<MergeReport, DelbarError> {
        self.blocking(move |s| {
            let group = ids::opt(group_id.as_deref(), ids::group)?;
            Ok(sync::import_bundle_file(s, group.as_ref(), std::path::Path::new(&path))?.report.into())
        })
        .await
    }
}

fn export(s: &mut delbar_core::Store, group_id: &str, for_device: Option<&str>) -> Result<Vec<u8>, DelbarError> {
    let group = ids::group(group_id)?;
    let known = ids::opt(for_device, ids::device)?.map(|d| net::status::known_heads_of(s, &group, &d)).transpose()?;
    Ok(sync::export_bundle(s, &group, known.as_ref())?)
}

fn export_to_file(
    s: &mut delbar_core::Store,
    group_id: &str,
    path: &str,
    for_device: Option<&str>,
) -> Result<u64, DelbarError> {
    let group = ids::group(group_id)?;
    let known = ids::opt(for_device, ids::device)?.map(|d| net::status::known_heads_of(s, &group, &d)).transpose()?;
    Ok(sync::write_bundle_file(s, &group, known.as_ref(), std::path::Path::new(path))?)
}

fn import(s: &mut delbar_core::Store, bytes: &[u8], group_id: Option<&str>) -> Result<MergeReport, DelbarError> {
    let group = match group_id {
        Some(g) => ids::group(g)?,
        None => sync::read_bundle_header(bytes).map_err(core_err)?.group,
    };
    Ok(sync::import_bundle(s, &group, bytes)?.into())
}

/// An invite code's QR code as an SVG document.
#[uniffi::export]
pub fn invite_qr_svg(code: String) -> Result<String, DelbarError> {
    guard(|| {
        let invite = net::Invite::parse(&code).map_err(|_| core_err(net::NetError::InviteUnknown))?;
        invite.qr_svg().map_err(core_err)
    })
}

/// An invite code's QR code as a grayscale PNG, `scale` pixels per module (1 to 64; 8 makes
/// a code of about 400 pixels), quiet zone included.
#[uniffi::export(default(scale = 8))]
pub fn invite_qr_png(code: String, scale: u32) -> Result<Vec<u8>, DelbarError> {
    guard(|| {
        let invite = net::Invite::parse(&code).map_err(|_| core_err(net::NetError::InviteUnknown))?;
        Ok(invite.qr_png(scale)?)
    })
}
