//! `PipeSession`: one sync session over any byte pipe the app has (Nearby Connections,
//! Bluetooth, Wi-Fi Aware, a socket). The app moves bytes; the core runs the Noise handshake,
//! the member checks, the frames and the sync. See the core's `sync::pipe` module.
//!
//! ```text
//! val s = PipeSession.initiator(store, groupId, 30_000u)   // or PipeSession.responder(store, null, 30_000u)
//! send(s.start())                                         // empty for the responder
//! on bytes received: for (frame in s.receive(bytes)) send(frame); if (s.isDone()) finish(s.report())
//! on an error: for (frame in s.closingFrames()) send(frame); close the pipe
//! every second or so: s.checkTimeout()                    // throws when the peer went silent
//! ```

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use delbar_core::sync::{self, PipeSession as CoreSession};

use crate::error::guard;
use crate::records::ids;
use crate::store::run_blocking;
use crate::{DelbarError, DelbarStore, SyncReport};

/// What a completed pipe session did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PipeReport {
    /// The group synced.
    pub group_id: String,
    /// The other device, as the handshake authenticated it.
    pub peer_device_id: String,
    /// What the sync did (documents differing and changed, change bytes each way).
    pub sync: SyncReport,
    /// Bytes this device put on the pipe, handshake and frames included.
    pub bytes_sent: u64,
    /// Bytes this device took from the pipe.
    pub bytes_received: u64,
    /// Frames sent.
    pub frames_sent: u32,
    /// Frames received.
    pub frames_received: u32,
}

impl From<sync::PipeReport> for PipeReport {
    fn from(r: sync::PipeReport) -> Self {
        PipeReport {
            group_id: r.group.to_string(),
            peer_device_id: r.peer.to_string(),
            sync: r.session.into(),
            bytes_sent: r.bytes_sent,
            bytes_received: r.bytes_received,
            frames_sent: r.frames_sent,
            frames_received: r.frames_received,
        }
    }
}

/// The largest frame a pipe session sends or accepts, in bytes (its 2-byte length
/// included): every frame fits one Bluetooth LE GATT attribute value, one Nearby
/// Connections byte payload and one write to any stream.
#[uniffi::export]
pub fn pipe_max_frame() -> u32 {
    u32::try_from(sync::pipe::MAX_FRAME).unwrap_or(u32::MAX)
}

/// One side of a sync session over a byte pipe. Its methods work on the store: call them
/// off the main thread.
#[derive(uniffi::Object)]
pub struct PipeSession {
    store: Arc<DelbarStore>,
    inner: Mutex<CoreSession>,
    first: Mutex<Vec<Vec<u8>>>,
}

impl std::fmt::Debug for PipeSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PipeSession").finish_non_exhaustive()
    }
}

impl PipeSession {
    fn session(&self) -> MutexGuard<'_, CoreSession> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn timeout(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

#[uniffi::export(async_runtime = "tokio")]
impl PipeSession {
    /// The side that starts the session, for `group_id`. It gives up when the other side
    /// is silent for `timeout_ms` (see `checkTimeout`).
    #[uniffi::constructor(default(timeout_ms = 30000))]
    pub fn initiator(store: Arc<DelbarStore>, group_id: String, timeout_ms: u64) -> Result<Arc<Self>, DelbarError> {
        guard(|| {
            let group = ids::group(&group_id)?;
            let (session, first) = CoreSession::initiator(&group, Instant::now(), timeout(timeout_ms))?;
            Ok(Arc::new(PipeSession { store, inner: Mutex::new(session), first: Mutex::new(first) }))
        })
    }

    /// The side that answers. Without `group_id`, any group of this device the other side
    /// is a member's device of; with it, only that group (and a group this device does not
    /// hold yet, from a device its catalogue lists: first contact).
    #[uniffi::constructor(default(group_id = None, timeout_ms = 30000))]
    pub fn responder(
        store: Arc<DelbarStore>,
        group_id: Option<String>,
        timeout_ms: u64,
    ) -> Result<Arc<Self>, DelbarError> {
        guard(|| {
            let group = ids::opt(group_id.as_deref(), ids::group)?;
            let session = CoreSession::responder(group.as_ref(), Instant::now(), timeout(timeout_ms))?;
            Ok(Arc::new(PipeSession { store, inner: Mutex::new(session), first: Mutex::new(Vec::new()) }))
        })
    }

    /// The bytes to send first (the initiator's first frame; empty for the responder).
    pub fn start(&self) -> Vec<u8> {
        let mut first = self.first.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        std::mem::take(&mut *first).concat()
    }

    /// Takes bytes received from the pipe (any split) and returns the frames to send, in
    /// order, each at most `pipeMaxFrame()` bytes. Throws when the session fails (damaged,
    /// reordered or cut bytes, a refusal, a stranger); nothing of the failed message was
    /// applied; then send `closingFrames()` and close the pipe.
    pub async fn receive(self: Arc<Self>, bytes: Vec<u8>) -> Result<Vec<Vec<u8>>, DelbarError> {
        run_blocking(move || {
            let mut session = self.session();
            self.store.with(|s| Ok(session.receive(s, &bytes, Instant::now())?))
        })
        .await
    }

    /// Throws `DelbarError.Sync` when the other side has been silent longer than the
    /// timeout; the session is then over. Call it from a timer.
    pub fn check_timeout(&self) -> Result<(), DelbarError> {
        guard(|| Ok(self.session().check(Instant::now()).map_err(delbar_core::Error::from)?))
    }

    /// Tells the session the pipe closed; throws if it was not done.
    pub fn closed(&self) -> Result<(), DelbarError> {
        guard(|| Ok(self.session().closed().map_err(delbar_core::Error::from)?))
    }

    /// Frames to send after a failure, so the other side learns it was refused (often
    /// none).
    pub fn closing_frames(&self) -> Vec<Vec<u8>> {
        self.session().take_closing_frames()
    }

    /// Whether the session completed.
    pub fn is_done(&self) -> bool {
        self.session().is_done()
    }

    /// Whether the session is over (completed or failed).
    pub fn is_over(&self) -> bool {
        self.session().is_over()
    }

    /// What the session did, once it is done.
    pub fn report(&self) -> Option<PipeReport> {
        self.session().report().cloned().map(PipeReport::from)
    }

    /// The other device's id, once the handshake authenticated it.
    pub fn peer_device_id(&self) -> Option<String> {
        self.session().peer().map(|d| d.to_string())
    }
}
