//! What the sync service tells the app while it works: a [`SyncEventListener`] the app
//! registers on the [`SyncService`](super::SyncService) hears every session, dialled or
//! served, as [`SyncEvent`]s; the same events are logged with `tracing` (sessions that
//! completed, were refused or failed at `info`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, RwLock};

use crate::error::Error;
use crate::ids::{DeviceId, GroupId};
use crate::net::frame::Refusal;
use crate::sync::SyncError;

/// Which side of a session this device was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// This device dialled the peer.
    Dialled,
    /// The peer dialled this device.
    Served,
}

impl Direction {
    /// `dialled` or `served`, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Dialled => "dialled",
            Direction::Served => "served",
        }
    }
}

/// What a completed session did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncedReport {
    /// Documents that differed between the two devices when the session started.
    pub documents_differing: u32,
    /// Documents of this device that received new changes.
    pub documents_changed: u32,
    /// Bytes this device sent (frames included).
    pub bytes_sent: u64,
    /// Bytes this device received (frames included).
    pub bytes_received: u64,
}

/// What kind of failure ended a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The connection failed or the service stopped.
    Network,
    /// The peer broke the protocol (unexpected or malformed messages, oversized frames).
    Protocol,
    /// The peer is not (or no longer) a current member's device of the group.
    NotAMember,
    /// What the peer sent is not valid Delbar data; none of it was applied.
    InvalidData,
    /// This device's store could not be read or written.
    Storage,
    /// Anything else.
    Other,
}

impl FailureKind {
    /// The kind of a session's error.
    pub fn of(error: &Error) -> Self {
        match error {
            Error::Sync(SyncError::Network { .. } | SyncError::NotRunning | SyncError::TimedOut { .. }) => {
                FailureKind::Network
            }
            Error::Sync(
                SyncError::UnexpectedMessage { .. } | SyncError::FrameTooLarge { .. } | SyncError::Malformed { .. },
            ) => FailureKind::Protocol,
            Error::Sync(SyncError::NotAMemberDevice { .. } | SyncError::MissingCatalogue { .. })
            | Error::NotAMember { .. } => FailureKind::NotAMember,
            Error::Sync(_) => FailureKind::InvalidData,
            Error::Store(crate::store::StoreError::InvalidData { .. }) => FailureKind::InvalidData,
            Error::Store(_) => FailureKind::Storage,
            _ => FailureKind::Other,
        }
    }

    /// A short name for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Network => "network",
            FailureKind::Protocol => "protocol",
            FailureKind::NotAMember => "not a member",
            FailureKind::InvalidData => "invalid data",
            FailureKind::Storage => "storage",
            FailureKind::Other => "other",
        }
    }
}

/// One thing that happened in a sync session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    /// A session with an authorised member device started.
    Started {
        /// The other device.
        peer: DeviceId,
        /// The group synced.
        group: GroupId,
        /// Which side this device is.
        direction: Direction,
    },
    /// A message of the session was handled. Documents are done once their changes were
    /// exchanged and applied (all at once, at the end of the session).
    Progress {
        /// The other device.
        peer: DeviceId,
        /// The group synced.
        group: GroupId,
        /// Which side this device is.
        direction: Direction,
        /// Differing documents exchanged and applied so far.
        documents_done: u32,
        /// Documents that differ (0 until the summaries were compared).
        documents_total: u32,
        /// Bytes sent and received so far.
        bytes: u64,
    },
    /// The session completed: both devices now hold the same documents of the group.
    Synced {
        /// The other device.
        peer: DeviceId,
        /// The group synced.
        group: GroupId,
        /// Which side this device is.
        direction: Direction,
        /// What it did.
        report: SyncedReport,
    },
    /// The session was refused: by the peer (dialled) or by this device (served: a stranger,
    /// a removed member, an unknown group).
    Refused {
        /// The other device.
        peer: DeviceId,
        /// The group asked for, when it was a valid group id.
        group: Option<GroupId>,
        /// Which side this device is.
        direction: Direction,
        /// Why.
        reason: Refusal,
    },
    /// The session failed midway; nothing of the failed step was applied.
    Failed {
        /// The other device.
        peer: DeviceId,
        /// The group, when known.
        group: Option<GroupId>,
        /// Which side this device is.
        direction: Direction,
        /// What kind of failure.
        kind: FailureKind,
        /// The error's message (ids only, never names).
        message: String,
    },
}

/// Hears the sync service's events. Called on the service's threads, never while the
/// store is locked, so it may call the store; it should return quickly. A panic in it is
/// caught and ignored.
pub trait SyncEventListener: Send + Sync {
    /// Called for every event, in order within a session.
    fn on_sync_event(&self, event: &SyncEvent);
}

/// The listener slot the service and its handlers share; logs every event.
#[derive(Default)]
pub(crate) struct Events {
    listener: RwLock<Option<Arc<dyn SyncEventListener>>>,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events").finish_non_exhaustive()
    }
}

impl Events {
    /// Sets or clears the listener.
    pub(crate) fn set(&self, listener: Option<Arc<dyn SyncEventListener>>) {
        *self.listener.write().unwrap_or_else(std::sync::PoisonError::into_inner) = listener;
    }

    /// Logs the event and hands it to the listener.
    pub(crate) fn emit(&self, event: SyncEvent) {
        log(&event);
        let listener = self.listener.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        if let Some(listener) = listener {
            let _ignored = catch_unwind(AssertUnwindSafe(|| listener.on_sync_event(&event)));
        }
    }
}

fn log(event: &SyncEvent) {
    let group = |g: &Option<GroupId>| g.as_ref().map(|g| g.to_string()).unwrap_or_default();
    match event {
        SyncEvent::Started { peer, group, direction } => {
            tracing::debug!(peer = peer.short(), %group, direction = direction.as_str(), "sync session started");
        }
        SyncEvent::Progress { .. } => {}
        SyncEvent::Synced { peer, group, direction, report } => tracing::info!(
            peer = peer.short(),
            %group,
            direction = direction.as_str(),
            differing = report.documents_differing,
            changed = report.documents_changed,
            sent = report.bytes_sent,
            received = report.bytes_received,
            "sync session completed"
        ),
        SyncEvent::Refused { peer, group: g, direction, reason } => tracing::info!(
            peer = peer.short(),
            group = group(g),
            direction = direction.as_str(),
            reason = reason.as_str(),
            "sync session refused"
        ),
        SyncEvent::Failed { peer, group: g, direction, kind, message } => tracing::info!(
            peer = peer.short(),
            group = group(g),
            direction = direction.as_str(),
            kind = kind.as_str(),
            %message,
            "sync session failed"
        ),
    }
}
