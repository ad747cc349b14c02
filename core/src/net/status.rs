//! What a device knows of its sync peers. The bookkeeping lives in the sync layer
//! ([`crate::sync::peers`]), below both transports (iroh here, byte pipes in
//! [`crate::sync::pipe`]); this module keeps its names where the network layer's users
//! find them.

pub use crate::sync::peers::{PeerStatus, has_synced_with, known_heads_of, peers};
pub(crate) use crate::sync::peers::{record_seen, record_synced};
