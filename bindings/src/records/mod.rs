//! Records and enums that mirror the core's types for Kotlin and Swift, with their
//! conversions. No rule lives here: only field-by-field copies and id parsing.
//!
//! Conventions of every record:
//! - ids are `String`s (the core's 16-character base32 ids, which for bookings and activity
//!   entries made since commit `86c3abf` begin with their document, as in `b202701-...`; device ids
//!   are 64 hex characters). Apps treat them as opaque text. A malformed id given to a call
//!   fails with `DelbarError::InvalidInput`.
//! - instants are [`Instant`]: `java.time.Instant` in Kotlin, `Date` in Swift (milliseconds
//!   since 1970-01-01T00:00:00Z, UTC, across the FFI; see `bindings/uniffi.toml`).

mod activity;
mod booking;
mod group;
mod item;
mod net;
mod notify;
mod sync;

pub use activity::{ActivityAction, ActivityEntry, ActivityFilter, ActivityPage};
pub use booking::{
    Availability, Booking, BookingAction, BookingFilter, BookingState, Bump, BumpReason, BusyInterval, FreeItem,
    NewBooking, TimeWindow, WaitlistEntry, WaitlistOffer,
};
pub use group::{Group, Member, MemberDevice, Qualification, Role};
pub use item::{
    CategoryCount, Condition, Item, ItemDraft, ItemFilter, ItemPatch, ItemPhoto, KitPart, LoanRules, Location,
    MaintenanceEntry, Owner,
};
pub use net::{
    Invite, InviteInfo, RelayChoice, SyncConfig, SyncDirection, SyncEvent, SyncFailure, SyncPeer, SyncRefusal,
    SyncReport, SyncStatus,
};
pub use notify::{Notification, NotificationDetail, NotificationKind, NotificationText};
pub use sync::{CheckReport, Difference, DocumentExport, MergeReport};

use delbar_core::time::Timestamp;

/// An instant: milliseconds since 1970-01-01T00:00:00Z, UTC. A `java.time.Instant` in Kotlin
/// and a `Date` in Swift (custom types in `bindings/uniffi.toml`; an instant finer than a
/// millisecond is cut to the millisecond).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub i64);

uniffi::custom_type!(Instant, i64, {
    lower: |t| t.0,
    try_lift: |ms| Ok(Instant(ms)),
});

impl From<Timestamp> for Instant {
    fn from(t: Timestamp) -> Self {
        Instant(t.millis())
    }
}

impl From<Instant> for Timestamp {
    fn from(t: Instant) -> Self {
        Timestamp(t.0)
    }
}

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
