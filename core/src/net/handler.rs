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
use crate::net::frame::{Frame, MAX_HANDSHAKE_FRAME, PROTOCOL_VERSION, Refusal, read_frame, write_frame};
use crate::net::limits::{Admission, Admitted, Full, SyncLimits};
use crate::net::session::{Meter, SessionContext, failure_event};
use crate::sync::{Session, SessionReport, SyncError, is_member_device, knows_group};

/// Counters the service reports in its status.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub served: AtomicU64,
    pub dialled: AtomicU64,
    pub refused: AtomicU64,
    pub failed: AtomicU64,
    /// Connections closed at once because the service or the peer held too many.
    pub turned_away: AtomicU64,
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
    pub limits: SyncLimits,
    pub admission: Arc<Admission>,
    /// Fetches the photo blobs a served session's catalogue references from the peer.
    pub photos: Option<crate::net::photos::PhotoFetcher>,
}

/// How one served stream ended.
enum Served {
    /// The session ran to its end, for this group.
    Done(GroupId),
    /// The session failed; the connection is closed.
    Failed,
    Refused,
}

/// The application code a connection is closed with when the service or the peer holds too
/// many connections.
pub(crate) const BUSY: u32 = 2;

/// Closes a connection the admission refused.
fn turn_away(connection: &Connection, stats: &Stats) {
    stats.turned_away.fetch_add(1, Ordering::Relaxed);
    connection.close(BUSY.into(), b"busy");
}

/// A place for a connection from `peer`: among the strangers' while they have room, else,
/// if the device is a current member's, among the members'. `None` when it gets none.
async fn admit(store: &Arc<Mutex<Store>>, admission: &Arc<Admission>, peer: &DeviceId) -> Option<Admitted> {
    match admission.admit(peer, false) {
        Ok(admitted) => Some(admitted),
        Err(Full::Closed) => None,
        Err(Full::StrangersFull) => {
            let device = peer.clone();
            let member = with_store(store, move |s| s.is_current_member_device(&device)).await.ok()?.ok()?;
            if member { admission.admit(peer, true).ok() } else { None }
        }
    }
}

/// Waits (briefly) for the peer to close after the last frame, so that it reads it.
async fn linger(connection: &Connection) {
    let _ = tokio::time::timeout(Duration::from_secs(5), connection.closed()).await;
}

impl ProtocolHandler for SyncHandler {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        // The peer's identity comes from its TLS certificate: it holds this key.
        let peer = DeviceId::from_public_key(connection.remote_id().as_bytes());
        let Some(_admitted) = admit(&self.store, &self.admission, &peer).await else {
            turn_away(&connection, &self.stats);
            return Ok(());
        };
        let mut wait = self.limits.handshake_timeout;
        loop {
            // A connection that opens no stream (iroh's keep-alives hold it) is closed.
            let Ok(Ok((mut send, mut recv))) = tokio::time::timeout(wait, connection.accept_bi()).await else {
                connection.close(0u32.into(), b"idle");
                return Ok(());
            };
            match self.serve(&peer, &mut send, &mut recv).await {
                Served::Done(group) => {
                    if let Some(photos) = &self.photos {
                        photos.after_session(iroh::EndpointAddr::from(connection.remote_id()), group);
                    }
                    wait = self.limits.idle_timeout;
                }
                Served::Failed => {
                    // A failed session closes the connection.
                    connection.close(1u32.into(), b"failed");
                    return Ok(());
                }
                Served::Refused => {
                    self.stats.refused.fetch_add(1, Ordering::Relaxed);
                    // Let the refusal reach the peer, which closes the connection.
                    linger(&connection).await;
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
                    return Served::Failed;
                }
                Served::Done(context.group.clone())
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
                Served::Failed
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
        let limits = &self.limits;
        // Before the member check: a few KB, within the handshake's time.
        let (hello, _) = read_frame(recv, MAX_HANDSHAKE_FRAME, limits, limits.handshake_timeout).await?;
        let Frame::Hello { version, group } = hello else {
            refuse(send, Refusal::NotAuthorized, limits).await?;
            return Ok(None);
        };
        if version != PROTOCOL_VERSION {
            refuse(send, Refusal::UnsupportedVersion, limits).await?;
            return Ok(None);
        }
        let Ok(group) = GroupId::parse(&group) else {
            refuse(send, Refusal::NotAuthorized, limits).await?;
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
            refuse(send, Refusal::NotAuthorized, limits).await?;
            return Ok(None);
        }
        Ok(Some(SessionContext {
            store: self.store.clone(),
            events: self.events.clone(),
            group,
            peer: peer.clone(),
            direction: Direction::Served,
            limits: self.limits,
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
    let _ = tokio::time::timeout(context.limits.idle_timeout, recv.read_to_end(MAX_HANDSHAKE_FRAME)).await;
    Ok(session.report().clone())
}

async fn refuse(send: &mut SendStream, why: Refusal, limits: &SyncLimits) -> Result<()> {
    write_frame(send, &Frame::Refused(why), limits, limits.handshake_timeout).await?;
    send.finish().map_err(SyncError::network)?;
    Ok(())
}

/// Redeems invites: adds the authenticated dialling device as a new member's device when it
/// shows a valid invite secret.
#[derive(Debug, Clone)]
pub(crate) struct InviteHandler {
    pub store: Arc<Mutex<Store>>,
    pub stats: Arc<Stats>,
    pub limits: SyncLimits,
    pub admission: Arc<Admission>,
}

impl ProtocolHandler for InviteHandler {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        let peer = DeviceId::from_public_key(connection.remote_id().as_bytes());
        let Some(_admitted) = admit(&self.store, &self.admission, &peer).await else {
            turn_away(&connection, &self.stats);
            return Ok(());
        };
        let Ok(Ok((mut send, mut recv))) =
            tokio::time::timeout(self.limits.handshake_timeout, connection.accept_bi()).await
        else {
            connection.close(0u32.into(), b"idle");
            return Ok(());
        };
        match redeem(&self.store, peer.clone(), &self.limits, &mut send, &mut recv).await {
            Ok(None) => tracing::info!(peer = peer.short(), "invite redeemed"),
            Ok(Some(refusal)) => tracing::info!(peer = peer.short(), reason = refusal.as_str(), "invite refused"),
            Err(e) => {
                tracing::info!(peer = peer.short(), %e, "invite redemption failed");
                connection.close(1u32.into(), b"failed");
                return Ok(());
            }
        }
        linger(&connection).await;
        Ok(())
    }
}

/// Answers one redemption: a welcome, or the refusal it returns.
async fn redeem(
    store: &Arc<Mutex<Store>>,
    peer: DeviceId,
    limits: &SyncLimits,
    send: &mut SendStream,
    recv: &mut RecvStream,
) -> Result<Option<Refusal>> {
    // The redeeming device is not authorised yet: a few KB, within the handshake's time.
    let (frame, _) = read_frame(recv, MAX_HANDSHAKE_FRAME, limits, limits.handshake_timeout).await?;
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
    let answer = match refusal {
        None => Frame::Welcome,
        Some(r) => Frame::Refused(r),
    };
    write_frame(send, &answer, limits, limits.handshake_timeout).await?;
    send.finish().map_err(SyncError::network)?;
    Ok(refusal)
}
