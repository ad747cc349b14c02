//! Sync over iroh: authenticated QUIC connections between devices, found by their device
//! key (the iroh endpoint id is the device's ed25519 public key).
//!
//! - [`frame`]: length-prefixed frames carrying the hello, a refusal, or a
//!   [`sync::Message`](crate::sync::Message).
//! - [`invite`]: invite codes (and their QR codes), redeemed over [`INVITE_ALPN`].
//! - [`service`]: [`SyncService`], the handle that owns the tokio runtime, the iroh endpoint
//!   and the [`Router`](iroh::protocol::Router) serving [`ALPN`]; stopping or dropping it
//!   stops everything.
//!
//! A session runs on one bidirectional stream per group. The dialling side sends a hello
//! naming the group and its summary; the accepting side checks the peer's **authenticated**
//! identity (`Connection::remote_id`, from its TLS certificate) against the group's current
//! member devices before it sends anything: a stranger, a removed member, or a peer naming a
//! group this device does not hold all get the same bare refusal and learn nothing.

pub mod frame;
mod handler;
pub mod invite;
pub mod service;

pub use invite::{INVITE_ALPN, Invite, create_invite};
pub use service::{BindMode, ServiceStatus, SyncConfig, SyncService};

/// The ALPN of Delbar's sync protocol, version 1.
pub const ALPN: &[u8] = b"delbar/sync/1";
