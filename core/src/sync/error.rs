//! Errors of bundles and sync sessions.

/// Why a bundle or a sync session was refused. Nothing received was applied when one of
/// these is returned. Messages name devices and groups by id only, never by name.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The data ends before the format says it should.
    #[error("the data is truncated: {needed} bytes needed, {found} found")]
    Truncated {
        /// Bytes the format needs.
        needed: usize,
        /// Bytes present.
        found: usize,
    },
    /// The data does not start with the Delbar bundle marker.
    #[error("not a Delbar bundle")]
    NotABundle,
    /// The data was written by a newer (or unknown) version of the format.
    #[error("format version {found} is not supported (this Delbar reads version {supported})")]
    UnsupportedVersion {
        /// Version found.
        found: u16,
        /// Version this code reads.
        supported: u16,
    },
    /// The checksum does not match: the data was damaged.
    #[error("the checksum does not match: the data is damaged")]
    Corrupted,
    /// A photo carried in a bundle does not match its hash: nothing was applied.
    #[error("the photo {hash} does not match its hash")]
    PhotoMismatch {
        /// The hash it should have.
        hash: String,
    },
    /// The data could not be decoded although its checksum matched.
    #[error("malformed data: {reason}")]
    Malformed {
        /// What is wrong.
        reason: String,
    },
    /// The signature does not verify against the device that claims to have made it.
    #[error("the signature of device {device} does not verify")]
    BadSignature {
        /// The claimed signer.
        device: String,
    },
    /// The data belongs to another group than the one it was meant for.
    #[error("the data is for group {found}, not for group {expected}")]
    ForeignGroup {
        /// The group asked for.
        expected: String,
        /// The group found in the data.
        found: String,
    },
    /// The device is not a current member's device in the group.
    #[error("device {device} is not a current member's device in group {group}")]
    NotAMemberDevice {
        /// The device.
        device: String,
        /// The group.
        group: String,
    },
    /// A first contact with a group must bring its catalogue.
    #[error("this device does not know group {group} yet, and the data carries no catalogue for it")]
    MissingCatalogue {
        /// The group.
        group: String,
    },
    /// The peer sent a message the protocol does not allow at this point.
    #[error("protocol violation: expected {expected}, received {received}")]
    UnexpectedMessage {
        /// What the protocol expected.
        expected: &'static str,
        /// What arrived.
        received: &'static str,
    },
    /// The peer refused the session.
    #[error("the peer refused to sync: {reason}")]
    Refused {
        /// The reason the peer gave (a fixed code, never group data).
        reason: String,
    },
    /// A frame on the wire is larger than allowed.
    #[error("a frame of {len} bytes exceeds the limit of {max} bytes")]
    FrameTooLarge {
        /// Announced length.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// The network failed.
    #[error("network error: {message}")]
    Network {
        /// What failed.
        message: String,
    },
    /// An attestation's signature does not verify against the device that wrote the change
    /// it names.
    #[error("an attestation of device {device} does not verify")]
    BadAttestation {
        /// The device whose change it names.
        device: String,
    },
    /// Changes arrived under a device's name without that device's attestation covering
    /// them: forged, or sent without the proof of who wrote them.
    #[error("{count} change(s) under the name of device {device} are not vouched for by that device")]
    UnattestedChanges {
        /// The device the changes claim as author.
        device: String,
        /// How many such changes.
        count: usize,
    },
    /// The sync service is not running.
    #[error("the sync service is not running")]
    NotRunning,
    /// The secure handshake of a pipe session failed (not a Delbar peer, or a bad identity).
    #[error("the secure handshake failed: {reason}")]
    Handshake {
        /// What failed.
        reason: String,
    },
    /// A frame on a pipe did not authenticate: bytes were damaged, reordered, dropped, cut
    /// or replayed on the way.
    #[error("a frame did not authenticate: the bytes were damaged, reordered, cut or replayed")]
    Tampered,
    /// The peer was silent for longer than the session waits.
    #[error("the other device was silent for {idle_ms} ms; the session gave up")]
    TimedOut {
        /// How long the peer was silent, in milliseconds.
        idle_ms: u64,
    },
    /// The pipe closed before the session was done.
    #[error("the pipe closed before the session was done")]
    PipeClosed,
    /// A bundle could not be read or written (the stream failed, not its content).
    #[error("the bundle could not be read or written: {message}")]
    Io {
        /// The OS message.
        message: String,
    },
}

impl SyncError {
    pub(crate) fn network(e: impl std::fmt::Display) -> Self {
        SyncError::Network { message: e.to_string() }
    }

    pub(crate) fn io(e: impl std::fmt::Display) -> Self {
        SyncError::Io { message: e.to_string() }
    }

    pub(crate) fn malformed(e: impl std::fmt::Display) -> Self {
        SyncError::Malformed { reason: e.to_string() }
    }
}
