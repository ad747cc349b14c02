//! # delbar-ffi
//!
//! The uniffi layer that exposes the Delbar core to the Android (Kotlin) and iOS (Swift)
//! apps. It holds no product logic: each exported function delegates to one call of
//! [`delbar_core::Store`] and converts its arguments and result.
//!
//! - [`DelbarStore`] (`store`): the store object, one method per core operation.
//! - [`records`]: records and enums mirroring the core's types. Ids are `String`s;
//!   instants are [`Timestamp`] (`java.time.Instant` in Kotlin, `Date` in Swift).
//! - [`DelbarError`] (`error`): the one public error, converted from the core's error in
//!   one place; panics come back as `DelbarError::Internal`, never across the boundary.
//! - `locale`: the language of the texts a person reads ([`set_locale`]); the translations
//!   themselves live in the core's `i18n` module.
//! - [`NotificationListener`] (`listener`): the callback interface apps implement to hear
//!   notifications as they are created.
//! - [`DelbarEvents`] (`events`): change events, notifications and sync events for any
//!   number of subscribers, each a cancellable [`Subscription`].
//! - `inventory`: item import from CSV, exports, the steward's numbers and their chart.
//! - `repair`: [`repair_store`], rebuilding a damaged store file from its documents.
//! - `sync`: the sync service, invites and bundles on `DelbarStore`, and the
//!   [`SyncEventListener`] apps implement to hear sync sessions.
//! - [`PipeSession`] (`pipe`): a sync session over any byte pipe the app has (Nearby
//!   Connections, Bluetooth, the Network framework).
//!
//! Generate bindings with the workspace's `uniffi-bindgen` binary; see `bindings/README.md`.

mod error;
mod events;
mod inventory;
mod labels;
mod listener;
mod locale;
pub mod maintenance;
mod photos;
mod pipe;
mod readers;
pub mod records;
mod repair;
mod store;
mod sync;
#[cfg(test)]
mod tests;
mod zone;

pub use error::DelbarError;
pub use events::{
    ChangeEvent, ChangeObserver, ChangeOrigin, DelbarEvents, NotificationObserver, Subscription, SyncObserver,
};
pub use inventory::{
    AttentionItem, CategoryUsage, ExportKind, ImportPlan, ImportRow, ImportRowKind, ItemUsage, MonthLoans,
    OverdueMember, Stats,
};
pub use labels::{ScanAction, ScanMatch, ScanNote, ScanNoteKind, ScanOutcome, item_code, label_text};
pub use listener::NotificationListener;
pub use locale::{bump_reason_text, current_locale, notification_text, set_locale};
pub use photos::{PhotoBytes, PhotoFetchReport, PhotoState};
pub use pipe::{PipeReport, PipeSession, pipe_max_frame};
pub use records::*;
pub use repair::{RepairReport, repair_store};
pub use store::DelbarStore;
pub use sync::{SyncEventListener, invite_qr_png, invite_qr_svg};
pub use zone::{TimeZoneError, current_time_zone, set_time_zone};

uniffi::setup_scaffolding!();

/// The loan rules a new item gets when none are given (the core's defaults).
#[uniffi::export]
pub fn default_loan_rules() -> LoanRules {
    delbar_core::domain::LoanRules::default()
}

/// A draft of an item with just a name: one unit, good condition, owned by the group, default
/// loan rules. Change fields with Kotlin's `copy(...)` or Swift's `var`.
#[uniffi::export]
pub fn item_draft(name: String) -> ItemDraft {
    delbar_core::domain::ItemDraft::named(&name).into()
}
