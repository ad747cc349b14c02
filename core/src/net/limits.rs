//! Resource bounds of the sync service: how many connections it holds, how long it waits for
//! a peer, and how fast a peer must send what it announced.
//!
//! Before a peer is authorised (the hello of a sync session, an invite redemption) it may
//! send one frame of at most [`MAX_HANDSHAKE_FRAME`](super::frame::MAX_HANDSHAKE_FRAME)
//! bytes, within [`SyncLimits::handshake_timeout`]; a larger announced length is refused
//! before anything is allocated for it. After authorisation every frame is bounded by
//! [`MAX_FRAME`](super::frame::MAX_FRAME), must start within [`SyncLimits::idle_timeout`]
//! and arrive at [`SyncLimits::min_bytes_per_second`] at least. A peer that sends nothing,
//! or trickles bytes, is cut off although iroh's keep-alives would hold the connection
//! open. Connections are admitted up to [`SyncLimits::max_connections`] in all and
//! [`SyncLimits::max_connections_per_peer`] per device; one more is closed at once. Of
//! them, at most [`SyncLimits::max_stranger_connections`] come from devices not known as a
//! current member's device: keys cost nothing to make, so without that bound a crowd of
//! strangers could fill every place and keep members out for as long as a handshake may
//! wait. A connection is counted with the strangers until their places are full; only
//! then is its device looked up, and a member's device takes one of the other places.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::ids::DeviceId;
use crate::sync::SyncError;

/// The resource bounds of a [`SyncService`](super::SyncService).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncLimits {
    /// Connections served at once, over every peer and both protocols (sync and invites).
    pub max_connections: usize,
    /// Connections served at once to one device.
    pub max_connections_per_peer: usize,
    /// Of [`max_connections`](Self::max_connections), how many may be held by devices not
    /// shown to be a current member's device (strangers, a device redeeming an invite);
    /// the rest stay free for members.
    pub max_stranger_connections: usize,
    /// How long a new connection may take to open its stream and send its hello (or invite
    /// redemption).
    pub handshake_timeout: Duration,
    /// How long an authorised session may wait for the next frame to start (or to be taken
    /// by the peer), and a connection for its next session.
    pub idle_timeout: Duration,
    /// The slowest a frame may travel once its length is announced: a frame of `n` bytes
    /// must arrive within the wait above plus `n` divided by this.
    pub min_bytes_per_second: u32,
}

impl Default for SyncLimits {
    fn default() -> Self {
        SyncLimits {
            max_connections: 64,
            max_connections_per_peer: 4,
            max_stranger_connections: 16,
            handshake_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            min_bytes_per_second: 16 * 1024,
        }
    }
}

impl SyncLimits {
    /// The time allowed for a frame of `len` bytes after a first wait of `wait`.
    pub(crate) fn transfer_time(&self, wait: Duration, len: usize) -> Duration {
        let rate = u64::from(self.min_bytes_per_second.max(1));
        let ms = (len as u64).saturating_mul(1000) / rate;
        wait.saturating_add(Duration::from_millis(ms))
    }
}

/// Runs `f` for at most `limit`; a timeout is a [`SyncError::TimedOut`] (`what` goes to the
/// log).
pub(crate) async fn within<T>(
    limit: Duration,
    what: &'static str,
    f: impl Future<Output = Result<T, SyncError>>,
) -> Result<T, SyncError> {
    match tokio::time::timeout(limit, f).await {
        Ok(result) => result,
        Err(_) => {
            tracing::debug!(waiting_for = what, "sync peer timed out");
            Err(SyncError::TimedOut { idle_ms: u64::try_from(limit.as_millis()).unwrap_or(u64::MAX) })
        }
    }
}

/// Counts the connections being served, in all, per device, and those not shown to be a
/// member's.
#[derive(Debug)]
pub(crate) struct Admission {
    limits: SyncLimits,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    unverified: usize,
    per_peer: HashMap<DeviceId, usize>,
}

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Full {
    /// The service, or the peer, holds as many connections as it may.
    Closed,
    /// The places for devices not known as members' are taken; a member's device may still
    /// have one.
    StrangersFull,
}

/// A connection admitted by [`Admission::admit`]; dropping it frees its place.
#[derive(Debug)]
pub(crate) struct Admitted {
    admission: Arc<Admission>,
    peer: DeviceId,
    unverified: bool,
}

impl Admission {
    pub(crate) fn new(limits: SyncLimits) -> Arc<Self> {
        Arc::new(Admission { limits, open: Mutex::new(Open::default()) })
    }

    /// A place for one more connection from `peer`: among the strangers' places unless
    /// `member` (the peer was shown to be a current member's device).
    pub(crate) fn admit(self: &Arc<Self>, peer: &DeviceId, member: bool) -> Result<Admitted, Full> {
        let mut open = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mine = open.per_peer.get(peer).copied().unwrap_or(0);
        if open.total >= self.limits.max_connections || mine >= self.limits.max_connections_per_peer {
            return Err(Full::Closed);
        }
        if !member && open.unverified >= self.limits.max_stranger_connections {
            return Err(Full::StrangersFull);
        }
        open.total += 1;
        if !member {
            open.unverified += 1;
        }
        open.per_peer.insert(peer.clone(), mine + 1);
        Ok(Admitted { admission: self.clone(), peer: peer.clone(), unverified: !member })
    }

    /// Connections being served now.
    #[cfg(test)]
    pub(crate) fn open(&self) -> usize {
        self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner).total
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut open = self.admission.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        open.total = open.total.saturating_sub(1);
        if self.unverified {
            open.unverified = open.unverified.saturating_sub(1);
        }
        if let Some(n) = open.per_peer.get_mut(&self.peer) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.per_peer.remove(&self.peer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(n: u8) -> DeviceId {
        DeviceId::from_public_key(&[n; 32])
    }

    #[test]
    fn connections_are_admitted_up_to_the_caps_and_freed_on_drop() {
        let limits = SyncLimits { max_connections: 3, max_connections_per_peer: 2, ..SyncLimits::default() };
        let admission = Admission::new(limits);
        let a1 = admission.admit(&device(1), false);
        let a2 = admission.admit(&device(1), false);
        assert!(a1.is_ok() && a2.is_ok());
        assert_eq!(admission.admit(&device(1), true).err(), Some(Full::Closed), "a third connection of one peer");
        let b1 = admission.admit(&device(2), false);
        assert!(b1.is_ok());
        assert_eq!(admission.admit(&device(3), true).err(), Some(Full::Closed), "a fourth connection in all");
        assert_eq!(admission.open(), 3);
        drop(a1);
        assert!(admission.admit(&device(3), false).is_ok());
        drop((a2, b1));
        assert_eq!(admission.open(), 0);
    }

    #[test]
    fn strangers_fill_only_their_places_and_members_take_the_others() {
        let limits = SyncLimits {
            max_connections: 4,
            max_connections_per_peer: 2,
            max_stranger_connections: 2,
            ..SyncLimits::default()
        };
        let admission = Admission::new(limits);
        let strangers: Vec<_> = (10..12).map(|n| admission.admit(&device(n), false)).collect();
        assert!(strangers.iter().all(Result::is_ok));
        assert_eq!(admission.admit(&device(12), false).err(), Some(Full::StrangersFull));
        let member = admission.admit(&device(1), true);
        let member2 = admission.admit(&device(2), true);
        assert!(member.is_ok() && member2.is_ok());
        assert_eq!(admission.admit(&device(3), true).err(), Some(Full::Closed), "every place is taken");
        drop(strangers);
        assert!(admission.admit(&device(12), false).is_ok(), "a stranger's place freed");
        drop((member, member2));
    }

    #[test]
    fn a_frame_gets_the_wait_plus_its_length_at_the_minimum_rate() {
        let limits = SyncLimits { min_bytes_per_second: 1000, ..SyncLimits::default() };
        assert_eq!(limits.transfer_time(Duration::from_secs(1), 500), Duration::from_millis(1500));
        assert_eq!(limits.transfer_time(Duration::ZERO, 0), Duration::ZERO);
    }
}
