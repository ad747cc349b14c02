//! Sync over iroh: authenticated QUIC connections between devices, found by their device
//! key (the iroh endpoint id is the device's ed25519 public key).
//!
//! - [`frame`]: length-prefixed frames carrying the hello, a refusal, or a
//!   [`sync::Message`](crate::sync::Message).
//! - [`invite`]: invite codes (and their QR codes), redeemed over [`INVITE_ALPN`]; listing
//!   and revoking them.
//! - [`service`]: [`SyncService`], the handle that owns the tokio runtime, the iroh endpoint
//!   and the [`Router`](iroh::protocol::Router) serving [`ALPN`]; stopping or dropping it
//!   stops everything. [`Dialer`] dials from any async runtime.
//! - [`events`]: the [`SyncEventListener`] the app registers to hear sessions start,
//!   progress, complete ("synced with"), be refused or fail.
//! - [`status`]: per peer and group, when it was last seen and synced, and what changed
//!   since (kept in the store).
//! - [`relay`]: relays are off by default; a named relay, the groups' relays, or iroh's
//!   public ones.
//! - [`limits`]: [`SyncLimits`], the bounds on connections, frame sizes and waits that keep
//!   a hostile or broken peer from exhausting the device.
//! - [`peer_addr`]: a peer's address as text; [`qr`]: QR codes as SVG, PNG or terminal text.
//!
//! A session runs on one bidirectional stream per group. The dialling side sends a hello
//! naming the group and its summary; the accepting side checks the peer's **authenticated**
//! identity (`Connection::remote_id`, from its TLS certificate) against the group's current
//! member devices before it sends anything: a stranger, a removed member, or a peer naming a
//! group this device does not hold all get the same bare refusal and learn nothing.

mod error;
pub mod events;
pub mod frame;
mod handler;
pub mod invite;
pub mod limits;
pub mod peer_addr;
pub mod photos;
pub mod qr;
pub mod relay;
pub mod service;
mod session;
pub mod status;

pub use error::NetError;
pub use events::{Direction, FailureKind, SyncEvent, SyncEventListener, SyncedReport};
pub use invite::{INVITE_ALPN, Invite, InviteInfo, create_invite, list_invites, revoke_invite};
pub use limits::SyncLimits;
pub use peer_addr::{PEER_PREFIX, format_peer_addr, parse_peer_addr};
pub use photos::BlobFetchReport;
pub use relay::{RelayChoice, Relays};
pub use service::{BindMode, Dialer, ServiceStatus, SyncConfig, SyncService};
pub use status::PeerStatus;

/// The ALPN of Delbar's sync protocol, version 1.
pub const ALPN: &[u8] = b"delbar/sync/1";
