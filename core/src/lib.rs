//! # Delbar core
//!
//! The whole product logic of Delbar, an offline-first core for sharing tools and gear inside
//! community groups. Apps reach it through the `delbar-ffi` uniffi crate; stewards and hubs
//! through the `delbar` command.
//!
//! Layers, from the bottom up:
//!
//! - [`domain`]: the group, member, item, booking and activity types and the pure rules that
//!   validate them (who may do what, which transitions are legal, loan rules). No I/O.
//! - [`docs`]: how that state lives in automerge documents, partitioned so that no document
//!   grows with the group's age (a catalogue plus monthly booking and activity documents).
//! - [`store`]: one SQLite file per device holding the documents (snapshot plus appended
//!   incremental changes) and the indexed projection tables every query reads.
//! - [`trust`]: who wrote each change (signed attestations) and which changes count (the
//!   rules of who may write what, applied when projecting).
//! - [`sync`] and [`net`]: moving changes between member devices (sessions, bundles, iroh).
//! - [`inventory`]: importing an item list from a spreadsheet, exporting tables, and the
//!   steward's numbers (pure; the store runs them).
//!
//! - [`feed`]: event streams with any number of cancellable subscribers; the store's change
//!   events ([`store::ChangeEvent`]: what each write and merge changed) go through one.
//!
//! The entry point is [`Store`].

// The uniffi scaffolding of the core's own types (namespace `delbar_core`), built only for
// the bindings; see `bindings/uniffi.toml` and `core/uniffi.toml`.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

pub mod doc_key;
pub mod docs;
pub mod domain;
pub mod error;
pub mod feed;
/// Entry points for fuzzing untrusted input (see `fuzz/`); not part of the product's API.
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod ids;
pub mod inventory;
pub mod label_sheet;
pub mod net;
pub mod store;
pub mod sync;
pub mod time;
pub mod trust;

pub use error::{Error, Result};
pub use store::Store;
