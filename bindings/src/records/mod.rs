//! Records and enums that mirror the core's types for Kotlin and Swift, with their
//! conversions. No rule lives here: only field-by-field copies and id parsing.
//!
//! Conventions of every record:
//! - ids are `String`s (the core's 16-character base32 ids, which for bookings and activity
//!   entries made since commit `86c3abf` begin with their document, as in `b202701-...`; device ids
//!   are 64 hex characters). Apps treat them as opaque text. A malformed id given to a call
//!   fails with `DelbarError::InvalidInput`.
//! - instants are [`Timestamp`]: `java.time.Instant` in Kotlin, `Date` in Swift (milliseconds
//!   since 1970-01-01T00:00:00Z, UTC, across the FFI; see `core/uniffi.toml`).
//! - where the core's own type is what an app sees (conditions, states, actions, roles,
//!   locations, loan rules, photo references, bookings, activity and maintenance entries,
//!   instants), it crosses the FFI as it is: the core derives uniffi's traits on it (its
//!   `uniffi` feature) and nothing here copies it. Its ids are custom types lowered to their
//!   text; those records only go out, so no id reaches the core through them unparsed.
//! - what stays here are the records an app gives (drafts, filters: ids as text, parsed into
//!   `InvalidInput`) and the views that differ from the core's (an item with its current
//!   condition and plans, a notification with its texts).

mod activity;
mod booking;
mod group;
mod item;
mod net;
mod notify;
mod sync;

pub use activity::ActivityFilter;
pub use booking::{Availability, BookingFilter, FreeItem, NewBooking, TimeWindow, WaitlistEntry, WaitlistOffer};
pub use group::{Group, Member, MemberDevice, Qualification};
pub use item::{CategoryCount, Item, ItemDraft, ItemFilter, ItemPatch, KitPart, Owner};
pub use net::{
    Invite, InviteInfo, RelayChoice, SyncConfig, SyncDirection, SyncEvent, SyncFailure, SyncPeer, SyncRefusal,
    SyncReport, SyncStatus,
};
pub use notify::{Notification, NotificationDetail, NotificationText};
pub use sync::{CheckReport, Difference, DocumentExport, MergeReport};

pub use delbar_core::domain::{
    ActivityAction, ActivityEntry, Booking, BookingAction, BookingState, Bump, BumpReason, Condition, ItemPhoto,
    LoanRules, Location, MaintenanceEntry, Role,
};
pub use delbar_core::store::{ActivityPage, BusyInterval, NotificationKind};
/// An instant: milliseconds since 1970-01-01T00:00:00Z, UTC, across the FFI; a
/// `java.time.Instant` in Kotlin and a `Date` in Swift (custom type of the core, configured in
/// `core/uniffi.toml`).
pub use delbar_core::time::Timestamp;

/// Parsing of ids given by the app; a malformed id becomes `DelbarError::InvalidInput`.
pub(crate) mod ids {
    use delbar_core::ids::{BookingId, DeviceId, GroupId, ItemId, MemberId};

    use crate::DelbarError;

    /// A group id.
    pub(crate) fn group(s: &str) -> Result<GroupId, DelbarError> {
        Ok(GroupId::parse(s)?)
    }

    /// A member id.
    pub(crate) fn member(s: &str) -> Result<MemberId, DelbarError> {
        Ok(MemberId::parse(s)?)
    }

    /// An item id.
    pub(crate) fn item(s: &str) -> Result<ItemId, DelbarError> {
        Ok(ItemId::parse(s)?)
    }

    /// A booking id.
    pub(crate) fn booking(s: &str) -> Result<BookingId, DelbarError> {
        Ok(BookingId::parse(s)?)
    }

    /// A device id (64 hex characters of an ed25519 public key).
    pub(crate) fn device(s: &str) -> Result<DeviceId, DelbarError> {
        Ok(DeviceId::parse_key(s)?)
    }

    /// An optional id of any kind.
    pub(crate) fn opt<T>(
        s: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, DelbarError>,
    ) -> Result<Option<T>, DelbarError> {
        s.map(parse).transpose()
    }
}
