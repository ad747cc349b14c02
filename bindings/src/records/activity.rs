//! The activity history.

use delbar_core::domain as core;
use delbar_core::store::{ActivityFilter as CoreActivityFilter, ActivityPage as CoreActivityPage};

use super::{Instant, ids};
use crate::DelbarError;

/// What kind of change an activity entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
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
    /// A steward changed a member's qualification for an item.
    QualificationChanged,
}

impl From<core::ActivityAction> for ActivityAction {
    fn from(a: core::ActivityAction) -> Self {
        use core::ActivityAction as A;
        match a {
            A::GroupCreated => ActivityAction::GroupCreated,
            A::GroupEdited => ActivityAction::GroupEdited,
            A::MemberAdded => ActivityAction::MemberAdded,
            A::MemberRoleChanged => ActivityAction::MemberRoleChanged,
            A::MemberRemoved => ActivityAction::MemberRemoved,
            A::DeviceAdded => ActivityAction::DeviceAdded,
            A::ItemAdded => ActivityAction::ItemAdded,
            A::ItemEdited => ActivityAction::ItemEdited,
            A::ItemRetired => ActivityAction::ItemRetired,
            A::MaintenanceLogged => ActivityAction::MaintenanceLogged,
            A::BookingRequested => ActivityAction::BookingRequested,
            A::BookingConfirmed => ActivityAction::BookingConfirmed,
            A::BookingDeclined => ActivityAction::BookingDeclined,
            A::BookingCancelled => ActivityAction::BookingCancelled,
            A::BookingCheckedOut => ActivityAction::BookingCheckedOut,
            A::BookingReturned => ActivityAction::BookingReturned,
            A::BookingExtended => ActivityAction::BookingExtended,
            A::WaitlistJoined => ActivityAction::WaitlistJoined,
            A::WaitlistClaimed => ActivityAction::WaitlistClaimed,
            A::WaitlistReordered => ActivityAction::WaitlistReordered,
            A::QualificationChanged => ActivityAction::QualificationChanged,
        }
    }
}

/// One entry of the activity history.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ActivityEntry {
    /// Its id.
    pub id: String,
    /// When it happened (device clock of the author).
    pub at: Instant,
    /// The member who made the change.
    pub actor_id: String,
    /// The device the change was made on.
    pub device_id: String,
    /// What kind of change.
    pub action: ActivityAction,
    /// The item concerned, if any.
    pub item_id: Option<String>,
    /// The booking concerned, if any.
    pub booking_id: Option<String>,
    /// The member the change is about (the borrower, the member added), if any.
    pub subject_id: Option<String>,
    /// A short readable summary ("Jordfräs: 2026-11-28 09:00Z to 2026-11-29 18:00Z").
    pub summary: String,
}

impl From<core::ActivityEntry> for ActivityEntry {
    fn from(e: core::ActivityEntry) -> Self {
        Self {
            id: e.id.to_string(),
            at: e.at.into(),
            actor_id: e.actor.to_string(),
            device_id: e.device.to_string(),
            action: e.action.into(),
            item_id: e.item.map(|i| i.to_string()),
            booking_id: e.booking.map(|b| b.to_string()),
            subject_id: e.subject.map(|m| m.to_string()),
            summary: e.summary,
        }
    }
}

/// Whose history to list; the default lists the whole group's.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct ActivityFilter {
    /// Only entries about this item.
    #[uniffi(default = None)]
    pub item_id: Option<String>,
    /// Only entries by or about this member.
    #[uniffi(default = None)]
    pub member_id: Option<String>,
}

impl TryFrom<ActivityFilter> for CoreActivityFilter {
    type Error = DelbarError;

    fn try_from(f: ActivityFilter) -> Result<Self, DelbarError> {
        Ok(Self {
            item: ids::opt(f.item_id.as_deref(), ids::item)?,
            member: ids::opt(f.member_id.as_deref(), ids::member)?,
        })
    }
}

/// One page of the activity history, newest first.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ActivityPage {
    /// The entries.
    pub entries: Vec<ActivityEntry>,
    /// Pass this as `before` to get the next (older) page; `null`/`nil` at the end.
    pub next: Option<String>,
}

impl From<CoreActivityPage> for ActivityPage {
    fn from(p: CoreActivityPage) -> Self {
        Self { entries: p.entries.into_iter().map(Into::into).collect(), next: p.next }
    }
}
