//! The activity history: one entry for every change a person makes.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::ids::{ActivityId, BookingId, DeviceId, ItemId, MemberId};
use crate::time::Timestamp;

/// What kind of change an activity entry records.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityAction {
    /// The group was created.
    GroupCreated,
    /// The group's name or description changed.
    GroupEdited,
    /// A member was added.
    MemberAdded,
    /// A member's role changed.
    MemberRoleChanged,
    /// A member was removed.
    MemberRemoved,
    /// A device was added to a member.
    DeviceAdded,
    /// An item was added to the catalogue.
    ItemAdded,
    /// An item's fields changed.
    ItemEdited,
    /// An item was retired.
    ItemRetired,
    /// A maintenance-log entry was written.
    MaintenanceLogged,
    /// A booking was requested.
    BookingRequested,
    /// A booking was confirmed.
    BookingConfirmed,
    /// A booking was declined.
    BookingDeclined,
    /// A booking was cancelled.
    BookingCancelled,
    /// Gear was checked out.
    BookingCheckedOut,
    /// Gear was returned.
    BookingReturned,
    /// A loan's end moved.
    BookingExtended,
    /// A member joined a waitlist.
    WaitlistJoined,
    /// A waitlisted member claimed an offer.
    WaitlistClaimed,
    /// A steward reordered a waitlist.
    WaitlistReordered,
    /// A steward marked a member qualified (or not) for an item.
    QualificationChanged,
}

impl ActivityAction {
    /// Every action.
    pub const ALL: [ActivityAction; 21] = [
        ActivityAction::GroupCreated,
        ActivityAction::GroupEdited,
        ActivityAction::MemberAdded,
        ActivityAction::MemberRoleChanged,
        ActivityAction::MemberRemoved,
        ActivityAction::DeviceAdded,
        ActivityAction::ItemAdded,
        ActivityAction::ItemEdited,
        ActivityAction::ItemRetired,
        ActivityAction::MaintenanceLogged,
        ActivityAction::BookingRequested,
        ActivityAction::BookingConfirmed,
        ActivityAction::BookingDeclined,
        ActivityAction::BookingCancelled,
        ActivityAction::BookingCheckedOut,
        ActivityAction::BookingReturned,
        ActivityAction::BookingExtended,
        ActivityAction::WaitlistJoined,
        ActivityAction::WaitlistClaimed,
        ActivityAction::WaitlistReordered,
        ActivityAction::QualificationChanged,
    ];

    /// The stored name (`item_added`).
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityAction::GroupCreated => "group_created",
            ActivityAction::GroupEdited => "group_edited",
            ActivityAction::MemberAdded => "member_added",
            ActivityAction::MemberRoleChanged => "member_role_changed",
            ActivityAction::MemberRemoved => "member_removed",
            ActivityAction::DeviceAdded => "device_added",
            ActivityAction::ItemAdded => "item_added",
            ActivityAction::ItemEdited => "item_edited",
            ActivityAction::ItemRetired => "item_retired",
            ActivityAction::MaintenanceLogged => "maintenance_logged",
            ActivityAction::BookingRequested => "booking_requested",
            ActivityAction::BookingConfirmed => "booking_confirmed",
            ActivityAction::BookingDeclined => "booking_declined",
            ActivityAction::BookingCancelled => "booking_cancelled",
            ActivityAction::BookingCheckedOut => "booking_checked_out",
            ActivityAction::BookingReturned => "booking_returned",
            ActivityAction::BookingExtended => "booking_extended",
            ActivityAction::WaitlistJoined => "waitlist_joined",
            ActivityAction::WaitlistClaimed => "waitlist_claimed",
            ActivityAction::WaitlistReordered => "waitlist_reordered",
            ActivityAction::QualificationChanged => "qualification_changed",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

impl fmt::Display for ActivityAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

/// One entry of the activity history.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityEntry {
    /// Its id.
    pub id: ActivityId,
    /// When it happened (device clock of the author).
    pub at: Timestamp,
    /// The member who made the change.
    pub actor: MemberId,
    /// The device the change was made on.
    pub device: DeviceId,
    /// What kind of change.
    pub action: ActivityAction,
    /// The item concerned, if any.
    #[serde(default)]
    pub item: Option<ItemId>,
    /// The booking concerned, if any.
    #[serde(default)]
    pub booking: Option<BookingId>,
    /// The member the change is about (the borrower, the member added), if any.
    #[serde(default)]
    pub subject: Option<MemberId>,
    /// A short readable summary ("Jordfräs: 2026-11-28 09:00Z to 2026-11-29 18:00Z").
    #[serde(default)]
    pub summary: String,
}
