//! Running one sync session on a stream, for either side: the message loop, byte counts,
//! progress events, and recording the peer's status when the session completes.

use std::sync::{Arc, Mutex};

use iroh::endpoint::{RecvStream, SendStream};

use crate::Store;
use crate::error::{Error, Result};
use crate::ids::{DeviceId, GroupId};
use crate::net::events::{Direction, Events, FailureKind, SyncEvent, SyncedReport};
use crate::net::frame::{Frame, MAX_FRAME, Refusal, read_frame, write_frame};
use crate::net::handler::with_store;
use crate::net::limits::SyncLimits;
use crate::net::status;
use crate::sync::{Message, Session, SessionReport, SyncError};

/// Who a session is with, and where its events go.
pub(crate) struct SessionContext {
    pub store: Arc<Mutex<Store>>,
    pub events: Arc<Events>,
    pub group: GroupId,
    pub peer: DeviceId,
    pub direction: Direction,
    pub limits: SyncLimits,
}

/// Bytes moved on a session's stream, frames included.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Meter {
    pub sent: u64,
    pub received: u64,
}

impl SessionContext {
    /// Announces the start of an authorised session (and records the peer as seen).
    pub(crate) async fn started(&self) -> Result<()> {
        let (group, peer) = (self.group.clone(), self.peer.clone());
        with_store(&self.store, move |s| status::record_seen(s, &group, &peer)).await??;
        self.events.emit(SyncEvent::Started {
            peer: self.peer.clone(),
            group: self.group.clone(),
            direction: self.direction,
        });
        Ok(())
    }

    /// Writes a frame, counting its bytes.
    pub(crate) async fn write(&self, meter: &mut Meter, send: &mut SendStream, frame: &Frame) -> Result<()> {
        meter.sent += write_frame(send, frame, &self.limits, self.limits.idle_timeout).await? as u64;
        Ok(())
    }

    /// Exchanges messages until the session is done; records the peer as synced when it is.
    pub(crate) async fn drive(
        &self,
        mut session: Session,
        meter: &mut Meter,
        send: &mut SendStream,
        recv: &mut RecvStream,
    ) -> Result<Session> {
        while !session.is_done() {
            let (frame, n) = read_frame(recv, MAX_FRAME, &self.limits, self.limits.idle_timeout).await?;
            meter.received += n as u64;
            let message: Message = match frame {
                Frame::Sync(m) => m,
                Frame::Refused(r) => return Err(SyncError::Refused { reason: r.as_str().to_owned() }.into()),
                Frame::Hello { .. } | Frame::Redeem { .. } | Frame::Welcome => {
                    return Err(
                        SyncError::UnexpectedMessage { expected: "a sync message", received: "another frame" }.into()
                    );
                }
            };
            let (group, peer) = (self.group.clone(), self.peer.clone());
            let (back, out) = with_store(&self.store, move |s| {
                let out = session.handle(s, message);
                if out.is_ok() && session.is_done() {
                    // Both sides now hold the same documents; a failure to note it only
                    // costs the status display.
                    if let Err(e) = status::record_synced(s, &group, &peer) {
                        tracing::debug!(%e, "could not record the sync in the peer status");
                    }
                }
                (session, out)
            })
            .await?;
            session = back;
            for m in out? {
                self.write(meter, send, &Frame::Sync(m)).await?;
            }
            // Changes go one chunk at a time, each computed once the previous one has gone,
            // so a large first contact is never held whole.
            loop {
                let (back, next) = with_store(&self.store, move |s| {
                    let next = session.next_message(s);
                    (session, next)
                })
                .await?;
                session = back;
                let Some(m) = next? else { break };
                self.write(meter, send, &Frame::Sync(m)).await?;
            }
            let total = session.report().documents_differing;
            self.events.emit(SyncEvent::Progress {
                peer: self.peer.clone(),
                group: self.group.clone(),
                direction: self.direction,
                documents_done: if session.is_done() { total } else { 0 },
                documents_total: total,
                bytes: meter.sent + meter.received,
            });
        }
        Ok(session)
    }

    /// Announces how the session ended.
    pub(crate) fn finish(&self, meter: Meter, result: &Result<SessionReport>) {
        let event = match result {
            Ok(report) => SyncEvent::Synced {
                peer: self.peer.clone(),
                group: self.group.clone(),
                direction: self.direction,
                report: SyncedReport {
                    documents_differing: report.documents_differing,
                    documents_changed: report.merged.documents_changed,
                    bytes_sent: meter.sent,
                    bytes_received: meter.received,
                },
            },
            Err(e) => failure_event(&self.peer, Some(&self.group), self.direction, e),
        };
        self.events.emit(event);
    }
}

/// The event for a session that ended with `error`: a refusal by the peer, or a failure.
pub(crate) fn failure_event(
    peer: &DeviceId,
    group: Option<&GroupId>,
    direction: Direction,
    error: &Error,
) -> SyncEvent {
    if let Error::Sync(SyncError::Refused { reason }) = error {
        return SyncEvent::Refused {
            peer: peer.clone(),
            group: group.cloned(),
            direction,
            reason: Refusal::from_str_code(reason).unwrap_or(Refusal::NotAuthorized),
        };
    }
    SyncEvent::Failed {
        peer: peer.clone(),
        group: group.cloned(),
        direction,
        kind: FailureKind::of(error),
        message: error.to_string(),
    }
}
