//! The accepting side: one [`ProtocolHandler`] serving [`ALPN`](super::ALPN), and the
//! message loop both sides share.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use iroh::endpoint::{Connection, RecvStream, SendStream};
use iroh::protocol::{AcceptError, ProtocolHandler};

use crate::Store;
use crate::error::Result;
use crate::ids::{DeviceId, GroupId};
use crate::net::frame::{Frame, MAX_FRAME, PROTOCOL_VERSION, Refusal, read_frame, write_frame};
use crate::sync::{Message, Session, SyncError, is_member_device, knows_group};

/// Counters the service reports in its status.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub served: AtomicU64,
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

/// Exchanges messages until the session is done.
pub(crate) async fn drive(
    store: &Arc<Mutex<Store>>,
    mut session: Session,
    send: &mut SendStream,
    recv: &mut RecvStream,
) -> Result<Session> {
    while !session.is_done() {
        let (frame, _) = read_frame(recv).await?;
        let message: Message = match frame {
            Frame::Sync(m) => m,
            Frame::Refused(r) => return Err(SyncError::Refused { reason: r.as_str().to_owned() }.into()),
            Frame::Hello { .. } | Frame::Redeem { .. } | Frame::Welcome => {
                return Err(
                    SyncError::UnexpectedMessage { expected: "a sync message", received: "another frame" }.into()
                );
            }
        };
        let (back, out) = with_store(store, move |s| {
            let out = session.receive(s, message);
            (session, out)
        })
        .await?;
        session = back;
        for m in out? {
            write_frame(send, &Frame::Sync(m)).await?;
        }
    }
    Ok(session)
}

/// Serves sync sessions to authenticated member devices.
#[derive(Debug, Clone)]
pub(crate) struct SyncHandler {
    pub store: Arc<Mutex<Store>>,
    pub stats: Arc<Stats>,
}

enum Served {
    Done,
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
            match serve(&self.store, &peer, &mut send, &mut recv).await {
                Ok(Served::Done) => {
                    self.stats.served.fetch_add(1, Ordering::Relaxed);
                }
                Ok(Served::Refused) => {
                    self.stats.refused.fetch_add(1, Ordering::Relaxed);
                    // Let the refusal reach the peer, which closes the connection.
                    let _ = tokio::time::timeout(Duration::from_secs(5), connection.closed()).await;
                    return Ok(());
                }
                Err(e) => {
                    self.stats.failed.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(peer = peer.short(), %e, "sync session failed");
                    connection.close(1u32.into(), b"error");
                    return Ok(());
                }
            }
        }
    }
}

async fn refuse(send: &mut SendStream, why: Refusal) -> Result<Served> {
    write_frame(send, &Frame::Refused(why)).await?;
    send.finish().map_err(SyncError::network)?;
    Ok(Served::Refused)
}

/// One session on one stream: hello, authorization, then the session's messages.
async fn serve(
    store: &Arc<Mutex<Store>>,
    peer: &DeviceId,
    send: &mut SendStream,
    recv: &mut RecvStream,
) -> Result<Served> {
    let (hello, _) = read_frame(recv).await?;
    let Frame::Hello { version, group } = hello else {
        return refuse(send, Refusal::NotAuthorized).await;
    };
    if version != PROTOCOL_VERSION {
        return refuse(send, Refusal::UnsupportedVersion).await;
    }
    let Ok(group) = GroupId::parse(&group) else {
        return refuse(send, Refusal::NotAuthorized).await;
    };
    let who = peer.clone();
    // Nothing is sent before this check; an unknown group and a stranger look the same.
    let started = with_store(store, move |s| -> Result<Option<(Session, Message)>> {
        if !knows_group(s, &group)? || !is_member_device(s, &group, &who)? {
            return Ok(None);
        }
        Session::start(s, &group, &who).map(Some)
    })
    .await??;
    let Some((session, first)) = started else {
        return refuse(send, Refusal::NotAuthorized).await;
    };
    write_frame(send, &Frame::Sync(first)).await?;
    drive(store, session, send, recv).await?;
    send.finish().map_err(SyncError::network)?;
    // The dialling side finishes its half once it is done too, then closes the connection;
    // the session is complete either way.
    let _ = recv.read_to_end(MAX_FRAME).await;
    Ok(Served::Done)
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
        if let Err(e) = redeem(&self.store, peer, &mut send, &mut recv).await {
            tracing::debug!(%e, "invite redemption failed");
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), connection.closed()).await;
        Ok(())
    }
}

async fn redeem(store: &Arc<Mutex<Store>>, peer: DeviceId, send: &mut SendStream, recv: &mut RecvStream) -> Result<()> {
    let (frame, _) = read_frame(recv).await?;
    let Frame::Redeem { group, secret, name, label } = frame else {
        refuse(send, Refusal::NotAuthorized).await?;
        return Ok(());
    };
    let Ok(group) = GroupId::parse(&group) else {
        refuse(send, Refusal::NotAuthorized).await?;
        return Ok(());
    };
    let accepted =
        with_store(store, move |s| crate::net::invite::accept_invite(s, &group, &secret, &peer, &name, &label)).await?;
    match accepted {
        Ok(Some(())) => {
            write_frame(send, &Frame::Welcome).await?;
            send.finish().map_err(SyncError::network)?;
        }
        Ok(None) => {
            refuse(send, Refusal::NotAuthorized).await?;
        }
        Err(e) => {
            refuse(send, Refusal::NotAuthorized).await?;
            return Err(e);
        }
    }
    Ok(())
}
