//! Photo blobs over iroh: the iroh-blobs provider (ALPN [`iroh_blobs::ALPN`], next to the
//! sync protocol on the same endpoint), gated by membership, and fetching blobs from a peer.
//!
//! The provider answers a device only if it is a current member's device of a group this
//! store holds (checked when it connects, by its **authenticated** endpoint id), and each
//! request only for a blob that an item of a group the device belongs to references (a
//! photo or its thumbnail): a stranger, a removed member, or a member of another group
//! gets nothing. Requests for many blobs at once, observing a blob and pushing blobs are
//! refused. What arrives is verified against its hash while it streams (BLAKE3 verified
//! streaming), so bytes that do not match are never kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use iroh::endpoint::Connection;
use iroh::protocol::{AcceptError, ProtocolHandler};
use iroh::{Endpoint, EndpointAddr};
use iroh_blobs::provider::events::{
    AbortReason, ConnectMode, EventMask, EventSender, ObserveMode, ProviderMessage, RequestMode,
};

use crate::Store;
use crate::error::Result;
use crate::ids::DeviceId;
use crate::net::NetError;
use crate::net::handler::with_store;
use crate::store::photo_blobs::{PhotoBlobs, to_hash};

/// What fetching blobs from a peer did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlobFetchReport {
    /// Blobs fetched (complete and verified).
    pub fetched: u32,
    /// Payload bytes received.
    pub bytes: u64,
    /// Bytes received in all (payload, hashes and sizes).
    pub wire_bytes: u64,
    /// How long it took, connecting included.
    pub elapsed: Duration,
}

/// The photo provider: iroh-blobs' connection handler with the membership gate. It does
/// not shut the blob store down with the router (the store keeps using it).
#[derive(Debug, Clone)]
pub(crate) struct PhotoProvider {
    api: iroh_blobs::api::Store,
    events: EventSender,
}

impl PhotoProvider {
    /// A provider serving `api` to the devices `store` lets in. Must be called inside the
    /// runtime that will serve (it spawns the task answering the gate's questions).
    pub(crate) fn new(store: Arc<Mutex<Store>>, api: iroh_blobs::api::Store) -> Self {
        let mask = EventMask {
            connected: ConnectMode::Intercept,
            get: RequestMode::Intercept,
            get_many: RequestMode::Disabled,
            push: RequestMode::Disabled,
            observe: ObserveMode::Intercept,
            ..EventMask::DEFAULT
        };
        let (events, mut rx) = EventSender::channel(32, mask);
        tokio::spawn(async move {
            let connections: Arc<Mutex<HashMap<u64, DeviceId>>> = Arc::default();
            while let Some(message) = rx.recv().await {
                match message {
                    ProviderMessage::ClientConnected(msg) => {
                        let device = msg.endpoint_id.map(|id| DeviceId::from_public_key(id.as_bytes()));
                        let allowed = match &device {
                            Some(d) => {
                                let d = d.clone();
                                with_store(&store, move |s| s.is_current_member_device(&d).unwrap_or(false))
                                    .await
                                    .unwrap_or(false)
                            }
                            None => false,
                        };
                        if let (true, Some(d)) = (allowed, device.clone()) {
                            lock_map(&connections).insert(msg.connection_id, d);
                        } else {
                            tracing::info!(device = ?device.as_ref().map(DeviceId::short), "photo provider refused a device");
                        }
                        msg.tx.send(if allowed { Ok(()) } else { Err(AbortReason::Permission) }).await.ok();
                    }
                    ProviderMessage::ConnectionClosed(msg) => {
                        lock_map(&connections).remove(&msg.connection_id);
                    }
                    ProviderMessage::GetRequestReceived(msg) => {
                        let device = lock_map(&connections).get(&msg.connection_id).cloned();
                        let hex = msg.request.hash.to_hex();
                        let allowed = match device {
                            Some(d) if msg.request.ranges.is_blob() => {
                                with_store(&store, move |s| s.photo_visible_to(&d, &hex).unwrap_or(false))
                                    .await
                                    .unwrap_or(false)
                            }
                            _ => false,
                        };
                        msg.tx.send(if allowed { Ok(()) } else { Err(AbortReason::Permission) }).await.ok();
                    }
                    ProviderMessage::ObserveRequestReceived(msg) => {
                        msg.tx.send(Err(AbortReason::Permission)).await.ok();
                    }
                    ProviderMessage::GetManyRequestReceived(msg) => {
                        msg.tx.send(Err(AbortReason::Permission)).await.ok();
                    }
                    ProviderMessage::PushRequestReceived(msg) => {
                        msg.tx.send(Err(AbortReason::Permission)).await.ok();
                    }
                    ProviderMessage::Throttle(msg) => {
                        msg.tx.send(Ok(())).await.ok();
                    }
                    _ => {}
                }
            }
        });
        PhotoProvider { api, events }
    }
}

fn lock_map(m: &Mutex<HashMap<u64, DeviceId>>) -> std::sync::MutexGuard<'_, HashMap<u64, DeviceId>> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl ProtocolHandler for PhotoProvider {
    async fn accept(&self, connection: Connection) -> std::result::Result<(), AcceptError> {
        iroh_blobs::provider::handle_connection(connection, self.api.clone(), self.events.clone()).await;
        Ok(())
    }
}

/// Fetches, after a session, the photo blobs the group's items reference and this device
/// lacks, from the peer it synced with: thumbnails always, full photos when `full` is set.
#[derive(Debug, Clone)]
pub(crate) struct PhotoFetcher {
    /// This device's endpoint.
    pub endpoint: Endpoint,
    /// The blob store.
    pub blobs: iroh_blobs::api::Store,
    /// The store (what the items reference).
    pub store: Arc<Mutex<Store>>,
    /// Fetch full photos too.
    pub full: bool,
}

impl PhotoFetcher {
    /// Fetches in the background (a served session's peer dialled us; it does not wait).
    pub(crate) fn after_session(&self, peer: EndpointAddr, group: crate::ids::GroupId) {
        let this = self.clone();
        tokio::spawn(async move {
            match this.fetch_group(peer, group).await {
                Ok(r) if r.fetched > 0 => tracing::info!(blobs = r.fetched, bytes = r.bytes, "fetched photo blobs"),
                Ok(_) => {}
                Err(e) => tracing::info!(%e, "photo blobs not fetched after the session"),
            }
        });
    }

    /// Fetches what the group's items reference and this device lacks from `peer`.
    pub(crate) async fn fetch_group(&self, peer: EndpointAddr, group: crate::ids::GroupId) -> Result<BlobFetchReport> {
        let full = self.full;
        let missing = with_store(&self.store, move |s| s.missing_photo_blobs(&group, full)).await??;
        fetch_blobs(&self.endpoint, &self.blobs, peer, &missing).await
    }
}

/// The blob store's API of `store` (opening the blob store if needed).
pub(crate) fn blob_api(store: &Store) -> Result<iroh_blobs::api::Store> {
    Ok(store.photo_blobs()?.api().clone())
}

/// Fetches the blobs `hashes` (hex) from the device at `peer` over one connection, keeps
/// each (tagged, durably) once complete and verified, and reports what travelled. Stops at
/// the first blob the peer refuses or does not have.
pub(crate) async fn fetch_blobs(
    endpoint: &Endpoint,
    api: &iroh_blobs::api::Store,
    peer: EndpointAddr,
    hashes: &[String],
) -> Result<BlobFetchReport> {
    let started = Instant::now();
    let mut report = BlobFetchReport::default();
    if hashes.is_empty() {
        return Ok(report);
    }
    let failed = |hash: &str, e: &dyn std::fmt::Display| NetError::PhotoNotFetched {
        hash: hash.to_owned(),
        reason: e.to_string(),
    };
    let first = hashes.first().map(String::as_str).unwrap_or_default();
    let connection = endpoint.connect(peer, iroh_blobs::ALPN).await.map_err(|e| failed(first, &e))?;
    let result = async {
        for hex in hashes {
            let hash = to_hash(hex).ok_or_else(|| failed(hex, &"not a content hash"))?;
            let stats = api.remote().fetch(connection.clone(), hash).complete().await.map_err(|e| failed(hex, &e))?;
            if !api.blobs().has(hash).await.map_err(|e| failed(hex, &e))? {
                return Err(failed(hex, &"the peer sent an incomplete blob"));
            }
            PhotoBlobs::keep(api, hash).await.map_err(|e| failed(hex, &e))?;
            report.fetched += 1;
            report.bytes += stats.payload_bytes_read;
            report.wire_bytes += stats.payload_bytes_read + stats.other_bytes_read;
        }
        Ok::<_, NetError>(())
    }
    .await;
    connection.close(0u32.into(), b"done");
    result?;
    report.elapsed = started.elapsed();
    Ok(report)
}
