//! Sync between devices: file bundles, the sans-IO protocol, and iroh over loopback.
//! One test binary with shared fixtures.

// Test code: a failed unwrap is a failed test (clippy's allow-*-in-tests does not reach
// the fixtures, which are not `#[test]` functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod bundle;
mod bundle_stream;
mod corpus;
mod events;
mod fixtures;
mod hostile;
mod invites;
mod net;
mod photos;
mod pipe;
mod protocol;
mod relays;
mod trust;
