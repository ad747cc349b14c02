//! Notifications: events addressed to members, kept in the store until acknowledged.

use delbar_core::i18n::{self, Locale};
use delbar_core::store::{Notification as CoreNotification, NotificationDetail as CoreDetail, NotificationKind};

use super::{BumpReason, Timestamp, ids};
use crate::{DelbarError, locale};

/// The details a notification carries; which are set depends on the kind.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NotificationDetail {
    /// The item's name.
    pub item_name: String,
    /// The booking's start.
    pub start: Option<Timestamp>,
    /// The booking's end.
    pub end: Option<Timestamp>,
    /// Why the booking was bumped (`BUMPED`, `ITEM_OUT_OF_SERVICE`).
    pub reason: Option<BumpReason>,
    /// The booking that kept the units (`BUMPED`).
    pub winner_id: Option<String>,
    /// The name of the member holding the winning booking (`BUMPED`).
    pub winner_member: Option<String>,
    /// Start of the next free window of the same length, suggested after a bump.
    pub suggested_start: Option<Timestamp>,
    /// End of the suggested window.
    pub suggested_end: Option<Timestamp>,
    /// Until when a waitlist offer stands (`WAITLIST_OFFER`).
    pub offer_until: Option<Timestamp>,
    /// The name of the member concerned (the borrower, in `APPROVAL_NEEDED` and
    /// `LOAN_OVERDUE`).
    pub member_name: Option<String>,
    /// When a maintenance plan fell due (`MAINTENANCE_DUE`).
    #[uniffi(default = None)]
    pub due: Option<Timestamp>,
    /// The plan's schedule (`MAINTENANCE_DUE`).
    #[uniffi(default = None)]
    pub schedule: Option<crate::maintenance::Schedule>,
    /// What is to be done (`MAINTENANCE_DUE`) or what was reported (`NEEDS_REPAIR`).
    #[uniffi(default = None)]
    pub note: Option<String>,
}

impl From<CoreDetail> for NotificationDetail {
    fn from(d: CoreDetail) -> Self {
        Self {
            item_name: d.item_name,
            start: d.start,
            end: d.end,
            reason: d.reason,
            winner_id: d.winner.map(|w| w.to_string()),
            winner_member: d.winner_member,
            suggested_start: d.suggested_start,
            suggested_end: d.suggested_end,
            offer_until: d.offer_until,
            member_name: d.member_name,
            due: d.due,
            schedule: d.schedule,
            note: d.note,
        }
    }
}

impl TryFrom<NotificationDetail> for CoreDetail {
    type Error = DelbarError;

    fn try_from(d: NotificationDetail) -> Result<Self, DelbarError> {
        Ok(Self {
            item_name: d.item_name,
            start: d.start,
            end: d.end,
            reason: d.reason,
            winner: ids::opt(d.winner_id.as_deref(), ids::booking)?,
            winner_member: d.winner_member,
            suggested_start: d.suggested_start,
            suggested_end: d.suggested_end,
            offer_until: d.offer_until,
            member_name: d.member_name,
            due: d.due,
            schedule: d.schedule,
            note: d.note,
        })
    }
}

/// One notification for one member, with its text ready to show.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Notification {
    /// Its id in this store (pass it to `acknowledge`).
    pub id: i64,
    /// The group.
    pub group_id: String,
    /// The member it is for (a listener also hears notifications for other members, such as
    /// a bump this device derived for someone else: compare with `me(groupId).id`).
    pub member_id: String,
    /// What it is about.
    pub kind: NotificationKind,
    /// The booking concerned.
    pub booking_id: Option<String>,
    /// The item concerned.
    pub item_id: Option<String>,
    /// The typed details, for an app's own layout.
    pub detail: NotificationDetail,
    /// When this device noticed.
    pub created: Timestamp,
    /// Whether the app acknowledged it.
    pub acknowledged: bool,
    /// A short title, in the language set with `setLocale`.
    pub title: String,
    /// The text, in the language set with `setLocale`.
    pub body: String,
}

impl From<CoreNotification> for Notification {
    fn from(n: CoreNotification) -> Self {
        let text = NotificationText::of(&n, locale::current(), &crate::zone::current());
        Self {
            id: n.id,
            group_id: n.group.to_string(),
            member_id: n.member.to_string(),
            kind: n.kind,
            booking_id: n.booking.map(|b| b.to_string()),
            item_id: n.item.map(|i| i.to_string()),
            detail: n.detail.into(),
            created: n.created,
            acknowledged: n.acknowledged,
            title: text.title,
            body: text.body,
        }
    }
}

impl TryFrom<Notification> for CoreNotification {
    type Error = DelbarError;

    fn try_from(n: Notification) -> Result<Self, DelbarError> {
        Ok(Self {
            id: n.id,
            group: ids::group(&n.group_id)?,
            member: ids::member(&n.member_id)?,
            kind: n.kind,
            booking: ids::opt(n.booking_id.as_deref(), ids::booking)?,
            item: ids::opt(n.item_id.as_deref(), ids::item)?,
            detail: n.detail.try_into()?,
            created: n.created,
            acknowledged: n.acknowledged,
        })
    }
}

/// A notification's title and body in one language (`notificationText`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NotificationText {
    /// The short title.
    pub title: String,
    /// The text.
    pub body: String,
}

impl NotificationText {
    /// The texts of a core notification.
    pub(crate) fn of(n: &CoreNotification, locale: Locale, zone: &i18n::TimeZone) -> Self {
        Self {
            title: i18n::notification_title(n.kind, locale).to_owned(),
            body: i18n::notification_body_in(n, locale, zone),
        }
    }
}
