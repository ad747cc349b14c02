//! The accepting side: one [`ProtocolHandler`] serving [`ALPN`](super::ALPN) and one serving
//! [`INVITE_ALPN`](super::INVITE_ALPN).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use iroh::endpoint::{Connection, RecvStream, SendStream};
use iroh::protocol::{AcceptError, ProtocolHandler};

use crate::Store;
use crate::error::Result;
use crate::ids::{DeviceId, GroupId};
use crate::net::events::{Direction, Events, SyncEvent};
use crate::net::frame::{Frame, MAX_FRAME, PROTOCOL_VERSION, Refusal, read_frame, write_frame};
use crate::net::session::{Meter, SessionContext, failure_event};
use crate::sync::{Session, SessionReport, SyncError, is_member_device, knows_group};

/// Counters the service reports in its status.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub served: AtomicU64,
    pub dialled: AtomicU64,
    pub refused: AtomicU64,
    pub failed: AtomicU64,
}

/// Locks the store. A panic while it was held (a bug) leaves no half-written state behind
/// (the store drops interrupted writes), so a poisoned lock is taken over.
pub(crate) fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `f` on the store on a blocking thread, holding the lock only for `f`.
pub(crate) async fn with_store<T: Send + 'static>(
    store: &Arc<Mutex<Store>>,
    f: impl FnOnce(&mut Store) -> T + Send + 'static,
) -> Result<T, SyncError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = lock(&store);
        f(&mut guard)
    })
    .await
    .map_err(SyncError::network)
}

/// Serves sync sessions to authenticated member devices.
#[derive(Debug, Clone)]
pub(crate) struct SyncHandler {
    pub store: Arc<Mutex<Store>>,
    pub stats: Arc<Stats>,
    pub events: Arc<Events>,
    /// Fetches the photo blobs a served session's catalogue references from the peer.
    pub photos: Option<crate::net::photos::PhotoFetcher>,
}

/// How one served stream ended.
enum Served {
    /// The session ran; the group, when it completed.
    Done(Option<GroupId>),
    Refused,
}

impl ProtocolHandler for SyncHandler {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        // The peer's identity comes from its TLS certificate: it holds this key.
        let peer = DeviceId::from_public_key(connection.remote_id().as_bytes());
        loop {
            let Ok((mut send, mut recv)) = connection.accept_bi().await else {
                return Ok(());
            };
            match self.serve(&peer, &mut send, &mut recv).await {
                Served::Done(Some(group)) => {
                    if let Some(photos) = &self.photos {
                        photos.after_session(iroh::EndpointAddr::from(connection.remote_id()), group);
                    }
                }
                Served::Done(None) => {}
                Served::Refused => {
                    self.stats.refused.fetch_add(1, Ordering::Relaxed);
                    // Let the refusal reach the peer, which closes the connection.
                    let _ = tokio::time::timeout(Duration::from_secs(5), connection.closed()).await;
                    return Ok(());
                }
            }
        }
    }
}

impl SyncHandler {
    /// One session on one stream; reports its outcome as an event. A failed session closes
    /// the connection.
    async fn serve(&self, peer: &DeviceId, send: &mut SendStream, recv: &mut RecvStream) -> Served {
        let mut group = None;
        match self.authorize(peer, &mut group, send, recv).await {
            Ok(Some(context)) => {
                let mut meter = Meter::default();
                let result = run_served(&context, &mut meter, send, recv).await;
                let completed = result.is_ok().then(|| context.group.clone());
                // Counted before the event goes out, so a listener that hears it and asks
                // for the status sees this session.
                self.stats.served.fetch_add(1, Ordering::Relaxed);
                if result.is_err() {
                    self.stats.failed.fetch_add(1, Ordering::Relaxed);
                }
                context.finish(meter, &result);
                if result.is_err() {
                    // The peer sees the stream end; nothing more to say on this connection.
                    let _ = send.reset(1u32.into());
                }
                Served::Done(completed)
            }
            Ok(None) => {
                self.events.emit(SyncEvent::Refused {
                    peer: peer.clone(),
                    group,
                    direction: Direction::Served,
                    reason: Refusal::NotAuthorized,
                });
                Served::Refused
            }
            Err(e) => {
                self.stats.failed.fetch_add(1, Ordering::Relaxed);
                self.events.emit(failure_event(peer, group.as_ref(), Direction::Served, &e));
                Served::Refused
            }
        }
    }

    /// Reads the hello and checks the peer before anything is sent: `None` (after sending a
    /// bare refusal) unless the peer is a current member's device of a group this device
    /// holds.
    async fn authorize(
        &self,
        peer: &DeviceId,
        group_seen: &mut Option<GroupId>,
        send: &mut SendStream,
        recv: &mut RecvStream,
    ) -> Result<Option<SessionContext>> {
        let (hello, _) = read_frame(recv).await?;
        let Frame::Hello { version, group } = hello else {
            refuse(send, Refusal::NotAuthorized).await?;
            return Ok(None);
        };
        if version != PROTOCOL_VERSION {
            refuse(send, Refusal::UnsupportedVersion).await?;
            return Ok(None);
        }
        let Ok(group) = GroupId::parse(&group) else {
            refuse(send, Refusal::NotAuthorized).await?;
            return Ok(None);
        };
        *group_seen = Some(group.clone());
        let (g, who) = (group.clone(), peer.clone());
        // Nothing is sent before this check; an unknown group and a stranger look the same.
        let allowed = with_store(&self.store, move |s| -> Result<bool> {
            Ok(knows_group(s, &g)? && is_member_device(s, &g, &who)?)
        })
        .await??;
        if !allowed {
            refuse(send, Refusal::NotAuthorized).await?;
            return Ok(None);
        }
        Ok(Some(SessionContext {
            store: self.store.clone(),
            events: self.events.clone(),
            group,
            peer: peer.clone(),
            direction: Direction::Served,
        }))
    }
}

/// The authorised part of a served session: the session's messages.
async fn run_served(
    context: &SessionContext,
    meter: &mut Meter,
    send: &mut SendStream,
    recv: &mut RecvStream,
) -> Result<SessionReport> {
    context.started().await?;
    let (g, p) = (context.group.clone(), context.peer.clone());
    let (session, first) = with_store(&context.store, move |s| Session::start(s, &g, &p)).await??;
    context.write(meter, send, &Frame::Sync(first)).await?;
    let session = context.drive(session, meter, send, recv).await?;
    send.finish().map_err(SyncError::network)?;
    // The dialling side finishes its half once it is done too, then closes the connection;
    // the session is complete either way.
    let _ = recv.read_to_end(MAX_FRAME).await;
    Ok(session.report().clone())
}

async fn refuse(send: &mut SendStream, why: Refusal) -> Result<()> {
    write_frame(send, &Frame::Refused(why)).await?;
    send.finish().map_err(SyncError::network)?;
    Ok(())
}

/// Redeems invites: adds the authenticated dialling device as a new member's device when it
/// shows a valid invite secret.
#[derive(Debug, Clone)]
pub(crate) struct InviteHandler {
    pub store: Arc<Mutex<Store>>,
}

impl ProtocolHandler for InviteHandler {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        let peer = DeviceId::from_public_key(connection.remote_id().as_bytes());
        let Ok((mut send, mut recv)) = connection.accept_bi().await else {
            return Ok(());
        };
        match redeem(&self.store, peer.clone(), &mut send, &mut recv).await {
            Ok(None) => tracing::info!(peer = peer.short(), "invite redeemed"),
            Ok(Some(refusal)) => tracing::info!(peer = peer.short(), reason = refusal.as_str(), "invite refused"),
            Err(e) => tracing::info!(peer = peer.short(), %e, "invite redemption failed"),
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), connection.closed()).await;
        Ok(())
    }
}

/// Answers one redemption: a welcome, or the refusal it returns.
async fn redeem(
    store: &Arc<Mutex<Store>>,
    peer: DeviceId,
    send: &mut SendStream,
    recv: &mut RecvStream,
) -> Result<Option<Refusal>> {
    let (frame, _) = read_frame(recv).await?;
    let refusal = match frame {
        Frame::Redeem { group, secret, name, label } => match GroupId::parse(&group) {
            Ok(group) => {
                with_store(store, move |s| crate::net::invite::accept_invite(s, &group, &secret, &peer, &name, &label))
                    .await??
                    .err()
            }
            Err(_) => Some(Refusal::InviteUnknown),
        },
        _ => Some(Refusal::InviteUnknown),
    };
    match refusal {
        None => write_frame(send, &Frame::Welcome).await?,
        Some(r) => write_frame(send, &Frame::Refused(r)).await?,
    };
    send.finish().map_err(SyncError::network)?;
    Ok(refusal)
}
