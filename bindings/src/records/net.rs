//! Sync, invites and their status: records mirroring `delbar_core::net`.

use delbar_core::net as core;

use super::{Role, Timestamp};

/// Which relays the sync service uses. Relays carry (end-to-end encrypted) connections
/// between devices that cannot reach each other directly; none are used by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Enum)]
pub enum RelayChoice {
    /// No relay: devices on the same network (or the same machine) only. The default.
    #[default]
    Disabled,
    /// One named relay, such as a self-hosted `iroh-relay` (`https://relay.example.org`).
    Url {
        /// The relay's URL.
        url: String,
    },
    /// The relays the groups on this device name (`updateGroupSync`); none if none does.
    Groups,
    /// iroh's public relays (needs the internet).
    PublicRelays,
}

impl From<RelayChoice> for core::RelayChoice {
    fn from(r: RelayChoice) -> Self {
        match r {
            RelayChoice::Disabled => core::RelayChoice::None,
            RelayChoice::Url { url } => core::RelayChoice::Url(url),
            RelayChoice::Groups => core::RelayChoice::Groups,
            RelayChoice::PublicRelays => core::RelayChoice::Public,
        }
    }
}

/// How to start the sync service.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncConfig {
    /// Listen on every network interface (a phone on the workshop's Wi-Fi); `false` listens
    /// on the loopback interface only (tests, same machine).
    #[uniffi(default = true)]
    pub all_interfaces: bool,
    /// Find and announce devices on the local network with mDNS, so a peer can be dialled
    /// by its device id alone.
    #[uniffi(default = true)]
    pub mdns: bool,
    /// Which relays to use (`RelayChoice.Disabled` unless relays are wanted).
    pub relay: RelayChoice,
    /// After each sync session this device starts, fetch every full photo not here yet (a
    /// hub's or a steward's laptop); thumbnails are fetched always.
    #[uniffi(default = false)]
    pub fetch_photos: bool,
}

impl From<SyncConfig> for core::SyncConfig {
    fn from(c: SyncConfig) -> Self {
        Self {
            bind: if c.all_interfaces { core::BindMode::AllInterfaces } else { core::BindMode::Loopback },
            mdns: c.mdns,
            relay: c.relay.into(),
            fetch_photos: c.fetch_photos,
            ..core::SyncConfig::default()
        }
    }
}

/// What this device knows of one peer device in one group.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncPeer {
    /// The group.
    pub group_id: String,
    /// The peer's device id.
    pub device_id: String,
    /// The current member the device belongs to (`null`/`nil` if removed since).
    pub member_id: Option<String>,
    /// That member's name.
    pub member_name: Option<String>,
    /// When a session with it last started.
    pub last_seen: Timestamp,
    /// When a session with it last completed (`null`/`nil`: never).
    pub last_sync: Option<Timestamp>,
    /// Documents of the group that changed on this device since that sync (all of them if
    /// never synced).
    pub pending_documents: u32,
}

impl From<core::PeerStatus> for SyncPeer {
    fn from(p: core::PeerStatus) -> Self {
        Self {
            group_id: p.group.to_string(),
            device_id: p.device.to_string(),
            member_id: p.member.map(|m| m.to_string()),
            member_name: p.member_name,
            last_seen: p.last_seen,
            last_sync: p.last_sync,
            pending_documents: p.pending_documents,
        }
    }
}

/// What the sync service is doing, and whom this device has synced with.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncStatus {
    /// Whether the service is running.
    pub running: bool,
    /// This device's id.
    pub device_id: String,
    /// This device's address for other devices (`syncWith`), while running.
    pub address: Option<String>,
    /// Sessions served to other devices since the service started.
    pub sessions_served: u64,
    /// Sessions this device dialled that completed.
    pub sessions_dialled: u64,
    /// Sessions refused (strangers, removed members).
    pub sessions_refused: u64,
    /// Sessions that failed midway.
    pub sessions_failed: u64,
    /// The relays in use (empty: none).
    pub relays: Vec<String>,
    /// Every peer this device has met, most recently seen first (kept across restarts).
    pub peers: Vec<SyncPeer>,
}

/// What one sync session did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncReport {
    /// Documents that differed between the two devices.
    pub documents_differing: u32,
    /// Documents of this device that received new changes.
    pub documents_changed: u32,
    /// Entities (items, bookings, members...) updated on this device.
    pub entities_updated: u32,
    /// Bytes of changes sent.
    pub change_bytes_sent: u64,
    /// Bytes of changes received.
    pub change_bytes_received: u64,
}

impl From<delbar_core::sync::SessionReport> for SyncReport {
    fn from(r: delbar_core::sync::SessionReport) -> Self {
        Self {
            documents_differing: r.documents_differing,
            documents_changed: r.merged.documents_changed,
            entities_updated: r.merged.entities_updated,
            change_bytes_sent: r.change_bytes_sent,
            change_bytes_received: r.change_bytes_received,
        }
    }
}

/// Which side of a session this device was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SyncDirection {
    /// This device dialled the peer.
    Dialled,
    /// The peer dialled this device.
    Served,
}

impl From<core::Direction> for SyncDirection {
    fn from(d: core::Direction) -> Self {
        match d {
            core::Direction::Dialled => SyncDirection::Dialled,
            core::Direction::Served => SyncDirection::Served,
        }
    }
}

/// Why a session was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SyncRefusal {
    /// Not a current member's device of a group the other device holds.
    NotAuthorized,
    /// The devices speak different protocol versions: update the app.
    UnsupportedVersion,
    /// An invite was refused (expired, used up, revoked or unknown).
    Invite,
}

impl From<core::frame::Refusal> for SyncRefusal {
    fn from(r: core::frame::Refusal) -> Self {
        use core::frame::Refusal as R;
        match r {
            R::NotAuthorized => SyncRefusal::NotAuthorized,
            R::UnsupportedVersion => SyncRefusal::UnsupportedVersion,
            R::InviteExpired | R::InviteUsedUp | R::InviteRevoked | R::InviteUnknown => SyncRefusal::Invite,
        }
    }
}

/// What kind of failure ended a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SyncFailure {
    /// The connection failed or the service stopped.
    Network,
    /// The other device broke the protocol.
    Protocol,
    /// The other device is not (or no longer) a current member's device.
    NotAMember,
    /// What the other device sent is not valid; none of it was applied.
    InvalidData,
    /// This device's store could not be read or written.
    Storage,
    /// Anything else.
    Other,
}

impl From<core::FailureKind> for SyncFailure {
    fn from(k: core::FailureKind) -> Self {
        use core::FailureKind as K;
        match k {
            K::Network => SyncFailure::Network,
            K::Protocol => SyncFailure::Protocol,
            K::NotAMember => SyncFailure::NotAMember,
            K::InvalidData => SyncFailure::InvalidData,
            K::Storage => SyncFailure::Storage,
            K::Other => SyncFailure::Other,
        }
    }
}

/// Something that happened in a sync session, dialled or served.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SyncEvent {
    /// A session with a member device started.
    Started {
        /// The other device.
        peer_device_id: String,
        /// The group.
        group_id: String,
        /// Which side this device is.
        direction: SyncDirection,
    },
    /// A message was handled: documents done of the total, bytes moved so far.
    Progress {
        /// The other device.
        peer_device_id: String,
        /// The group.
        group_id: String,
        /// Which side this device is.
        direction: SyncDirection,
        /// Differing documents exchanged and applied so far.
        documents_done: u32,
        /// Documents that differ (0 until the summaries were compared).
        documents_total: u32,
        /// Bytes sent and received so far.
        bytes: u64,
    },
    /// "Synced with X": both devices now hold the same documents of the group.
    Synced {
        /// The other device.
        peer_device_id: String,
        /// The group.
        group_id: String,
        /// Which side this device is.
        direction: SyncDirection,
        /// Documents that differed.
        documents_differing: u32,
        /// Documents of this device that received new changes.
        documents_changed: u32,
        /// Bytes sent.
        bytes_sent: u64,
        /// Bytes received.
        bytes_received: u64,
    },
    /// The session was refused, by the other device (dialled) or by this one (served).
    Refused {
        /// The other device.
        peer_device_id: String,
        /// The group asked for, when known.
        group_id: Option<String>,
        /// Which side this device is.
        direction: SyncDirection,
        /// Why.
        reason: SyncRefusal,
    },
    /// The session failed midway; nothing of the failed step was applied.
    Failed {
        /// The other device.
        peer_device_id: String,
        /// The group, when known.
        group_id: Option<String>,
        /// Which side this device is.
        direction: SyncDirection,
        /// What kind of failure.
        kind: SyncFailure,
        /// The error's message, for logs.
        message: String,
    },
}

impl From<&core::SyncEvent> for SyncEvent {
    fn from(e: &core::SyncEvent) -> Self {
        use core::SyncEvent as E;
        match e.clone() {
            E::Started { peer, group, direction } => SyncEvent::Started {
                peer_device_id: peer.to_string(),
                group_id: group.to_string(),
                direction: direction.into(),
            },
            E::Progress { peer, group, direction, documents_done, documents_total, bytes } => SyncEvent::Progress {
                peer_device_id: peer.to_string(),
                group_id: group.to_string(),
                direction: direction.into(),
                documents_done,
                documents_total,
                bytes,
            },
            E::Synced { peer, group, direction, report } => SyncEvent::Synced {
                peer_device_id: peer.to_string(),
                group_id: group.to_string(),
                direction: direction.into(),
                documents_differing: report.documents_differing,
                documents_changed: report.documents_changed,
                bytes_sent: report.bytes_sent,
                bytes_received: report.bytes_received,
            },
            E::Refused { peer, group, direction, reason } => SyncEvent::Refused {
                peer_device_id: peer.to_string(),
                group_id: group.map(|g| g.to_string()),
                direction: direction.into(),
                reason: reason.into(),
            },
            E::Failed { peer, group, direction, kind, message } => SyncEvent::Failed {
                peer_device_id: peer.to_string(),
                group_id: group.map(|g| g.to_string()),
                direction: direction.into(),
                kind: kind.into(),
                message,
            },
        }
    }
}

/// An invite to a group, as created on the inviting device.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Invite {
    /// Its id, for `revokeInvite`.
    pub id: String,
    /// The code to hand over (text or QR code): uppercase letters and digits.
    pub code: String,
    /// The group.
    pub group_id: String,
    /// The role the new member gets.
    pub role: Role,
    /// When it stops working.
    pub expires: Timestamp,
    /// How many devices may redeem it.
    pub uses: u32,
    /// The version (size, 1 to 40) of its QR code at error correction level M.
    pub qr_version: i16,
}

/// An invite made on this device that can still be redeemed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InviteInfo {
    /// Its id.
    pub id: String,
    /// The group.
    pub group_id: String,
    /// The role it gives.
    pub role: Role,
    /// When it was made.
    pub created: Timestamp,
    /// When it stops working.
    pub expires: Timestamp,
    /// How many devices may still redeem it.
    pub uses_left: u32,
}

impl From<core::InviteInfo> for InviteInfo {
    fn from(i: core::InviteInfo) -> Self {
        Self {
            id: i.id,
            group_id: i.group.to_string(),
            role: i.role,
            created: i.created,
            expires: i.expires,
            uses_left: i.uses_left,
        }
    }
}
