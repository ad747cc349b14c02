//! The activity history.

use delbar_core::domain as core;
use delbar_core::store::{ActivityFilter as CoreActivityFilter, ActivityPage as CoreActivityPage};

use super::{ActivityAction, Timestamp, ids};
use crate::DelbarError;

/// One entry of the activity history.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ActivityEntry {
    /// Its id.
    pub id: String,
    /// When it happened (device clock of the author).
    pub at: Timestamp,
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
            at: e.at,
            actor_id: e.actor.to_string(),
            device_id: e.device.to_string(),
            action: e.action,
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
