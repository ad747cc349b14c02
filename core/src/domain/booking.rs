//! Bookings and their lifecycle.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::domain::DomainError;
use crate::ids::{BookingId, DeviceId, ItemId, MemberId};
use crate::time::Timestamp;

/// Where a booking is in its lifecycle. `overdue` is not a state: it is derived
/// ([`Booking::is_overdue`]).
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingState {
    /// Asked for; waits for a steward when the item's rules require approval.
    Requested,
    /// Confirmed: the units are promised.
    Confirmed,
    /// A steward said no.
    Declined,
    /// Called off by the borrower or a steward.
    Cancelled,
    /// The gear is out with the borrower.
    CheckedOut,
    /// The gear came back.
    Returned,
    /// Waiting in the item's queue for units to free up; holds nothing.
    Waitlisted,
    /// Lost a conflict found after a merge (see [`Bump`]); holds nothing. Not stored: every
    /// device derives it with the same rule.
    Bumped,
}

impl BookingState {
    /// Every state, in lifecycle order.
    pub const ALL: [BookingState; 8] = [
        BookingState::Requested,
        BookingState::Confirmed,
        BookingState::Declined,
        BookingState::Cancelled,
        BookingState::CheckedOut,
        BookingState::Returned,
        BookingState::Waitlisted,
        BookingState::Bumped,
    ];

    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingState::Requested => "requested",
            BookingState::Confirmed => "confirmed",
            BookingState::Declined => "declined",
            BookingState::Cancelled => "cancelled",
            BookingState::CheckedOut => "checked_out",
            BookingState::Returned => "returned",
            BookingState::Waitlisted => "waitlisted",
            BookingState::Bumped => "bumped",
        }
    }

    /// Parses a stored state name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether a booking in this state holds its units (keeps others from booking them).
    pub fn holds_units(self) -> bool {
        matches!(self, BookingState::Requested | BookingState::Confirmed | BookingState::CheckedOut)
    }

    /// Whether the booking can still change.
    pub fn is_open(self) -> bool {
        self.holds_units() || matches!(self, BookingState::Waitlisted | BookingState::Bumped)
    }
}

impl fmt::Display for BookingState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BookingState::CheckedOut => "checked out",
            other => other.as_str(),
        })
    }
}

/// Something a person does to a booking.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingAction {
    /// A steward confirms a request.
    Confirm,
    /// A steward declines a request.
    Decline,
    /// The borrower or a steward calls it off.
    Cancel,
    /// The gear is handed out.
    CheckOut,
    /// The gear comes back.
    Return,
    /// A waitlisted member takes the units offered to them.
    Claim,
}

impl BookingAction {
    /// Every action.
    pub const ALL: [BookingAction; 6] = [
        BookingAction::Confirm,
        BookingAction::Decline,
        BookingAction::Cancel,
        BookingAction::CheckOut,
        BookingAction::Return,
        BookingAction::Claim,
    ];

    /// The name used in the CLI and the activity history.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingAction::Confirm => "confirm",
            BookingAction::Decline => "decline",
            BookingAction::Cancel => "cancel",
            BookingAction::CheckOut => "check out",
            BookingAction::Return => "return",
            BookingAction::Claim => "claim",
        }
    }

    /// Parses an action name (`confirm`, `decline`, `cancel`, `checkout`, `return`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
            "confirm" => Some(BookingAction::Confirm),
            "decline" => Some(BookingAction::Decline),
            "cancel" => Some(BookingAction::Cancel),
            "checkout" => Some(BookingAction::CheckOut),
            "return" | "checkin" => Some(BookingAction::Return),
            "claim" => Some(BookingAction::Claim),
            _ => None,
        }
    }

    /// The state a booking in `from` reaches by this action, or the typed refusal.
    pub fn next_state(self, from: BookingState) -> Result<BookingState, DomainError> {
        use BookingAction as A;
        use BookingState as S;
        let to = match (self, from) {
            (A::Confirm, S::Requested) => S::Confirmed,
            (A::Decline, S::Requested) => S::Declined,
            (A::Cancel, S::Requested | S::Confirmed | S::Waitlisted | S::Bumped) => S::Cancelled,
            (A::CheckOut, S::Confirmed) => S::CheckedOut,
            (A::Return, S::CheckedOut) => S::Returned,
            (A::Claim, S::Waitlisted) => S::Requested,
            _ => return Err(DomainError::IllegalTransition { action: self, state: from }),
        };
        Ok(to)
    }
}

impl fmt::Display for BookingAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a booking lost a conflict found after a merge.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BumpReason {
    /// Two devices promised the same units for overlapping times; the other booking came
    /// first by the resolution rule.
    Overbooked,
    /// The same units were handed out twice; the other check-out came first.
    CheckedOutTwice,
    /// The item was retired while booked.
    ItemRetired,
    /// The item went out of service while booked.
    ItemOutOfService,
    /// The borrower was removed from the group while holding the booking.
    MemberRemoved,
    /// A maintenance plan that blocks bookings fell due before the booking starts (the item,
    /// or a part of the kit booked).
    MaintenanceDue,
}

impl BumpReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            BumpReason::Overbooked => "overbooked",
            BumpReason::CheckedOutTwice => "checked_out_twice",
            BumpReason::ItemRetired => "item_retired",
            BumpReason::ItemOutOfService => "item_out_of_service",
            BumpReason::MemberRemoved => "member_removed",
            BumpReason::MaintenanceDue => "maintenance_due",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            BumpReason::Overbooked,
            BumpReason::CheckedOutTwice,
            BumpReason::ItemRetired,
            BumpReason::ItemOutOfService,
            BumpReason::MemberRemoved,
            BumpReason::MaintenanceDue,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

impl fmt::Display for BumpReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BumpReason::Overbooked => "another booking of the same units came first",
            BumpReason::CheckedOutTwice => "the same units were checked out twice; the other check-out came first",
            BumpReason::ItemRetired => "the item was retired",
            BumpReason::ItemOutOfService => "the item went out of service",
            BumpReason::MemberRemoved => "the borrower was removed from the group",
            BumpReason::MaintenanceDue => "the item is due for maintenance",
        })
    }
}

/// How a booking lost a conflict.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bump {
    /// Why.
    pub reason: BumpReason,
    /// The booking that kept the units, when another booking won.
    pub winner: Option<BookingId>,
}

/// A booking of some units of an item for a window of time, as apps see it.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Booking {
    /// Its id.
    pub id: BookingId,
    /// The item booked.
    pub item: ItemId,
    /// The member who borrows.
    pub member: MemberId,
    /// Units booked (at least 1).
    pub units: u32,
    /// Start of the loan (UTC).
    pub start: Timestamp,
    /// End of the loan (UTC), after `start`.
    pub end: Timestamp,
    /// A note from the borrower.
    #[serde(default)]
    pub note: String,
    /// Where it is in its lifecycle, conflicts resolved (`bumped` when it lost one).
    pub state: BookingState,
    /// When it was requested (device clock of the requester).
    pub created: Timestamp,
    /// The device that made the request.
    pub created_by: DeviceId,
    /// When it last changed.
    pub updated: Timestamp,
    /// Its place in the resolution order (hybrid logical clock of the request).
    pub hlc: String,
    /// Why it lost a conflict, when it is bumped.
    pub bump: Option<Bump>,
    /// Its rank in the item's waitlist (lower first), when waitlisted.
    pub queue_rank: Option<f64>,
}

impl Booking {
    /// Whether the gear is out and should have been back by now.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.state == BookingState::CheckedOut && now > self.end
    }

    /// The state as a person sees it, with overdue derived.
    pub fn display_state(&self, now: Timestamp) -> &'static str {
        if self.is_overdue(now) { "overdue" } else { self.state.as_str() }
    }
}

/// One lifecycle event of a booking as stored: who did it, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingEvent {
    /// When (device clock).
    pub at: Timestamp,
    /// The member who did it.
    pub by: MemberId,
    /// The device it was done on.
    pub device: DeviceId,
    /// On a return: the condition the gear came back in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<crate::domain::Condition>,
    /// On a return: what was noted about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// On a return: the blake3 hash (hex) of a photo taken, stored like an item's photo
    /// (metadata stripped, at most 2048 px).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    /// On a return: the blake3 hash (hex) of that photo's thumbnail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
}

impl BookingEvent {
    /// An event done by `by` on `device` at `at`, with nothing reported.
    pub fn new(at: Timestamp, by: MemberId, device: DeviceId) -> Self {
        Self { at, by, device, condition: None, note: None, photo: None, thumbnail: None }
    }
}

/// Names of the stored lifecycle events.
pub mod event {
    /// A steward (or the rules) confirmed.
    pub const CONFIRMED: &str = "confirmed";
    /// A steward declined.
    pub const DECLINED: &str = "declined";
    /// Someone cancelled.
    pub const CANCELLED: &str = "cancelled";
    /// The gear went out.
    pub const CHECKED_OUT: &str = "checked_out";
    /// The gear came back.
    pub const RETURNED: &str = "returned";
    /// A waitlisted member took an offer.
    pub const CLAIMED: &str = "claimed";
}

/// A booking as it lives in its monthly document. The lifecycle is a set of events, one key
/// each, so concurrent actions on two devices (a cancel here, a check-out there) both
/// survive the merge and [`BookingRecord::stored_state`] decides with one rule: physical
/// facts first (returned, checked out), then cancelled, declined, confirmed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingRecord {
    /// Its id.
    pub id: BookingId,
    /// The item booked.
    pub item: ItemId,
    /// The member who borrows.
    pub member: MemberId,
    /// Units booked.
    pub units: u32,
    /// Start (UTC).
    pub start: Timestamp,
    /// End (UTC); an extension changes it.
    pub end: Timestamp,
    /// A note.
    #[serde(default)]
    pub note: String,
    /// Whether it started on the waitlist.
    #[serde(default)]
    pub waitlisted: bool,
    /// Lifecycle events by name (see [`event`]).
    #[serde(default)]
    pub events: std::collections::BTreeMap<String, BookingEvent>,
    /// When it was requested (device clock).
    pub created: Timestamp,
    /// The requesting device.
    pub created_by: DeviceId,
    /// When it last changed (device clock).
    pub updated: Timestamp,
    /// Hybrid logical clock of the request: the resolution order.
    #[serde(default)]
    pub hlc: String,
    /// Waitlist rank set by a steward; `None` keeps request order.
    #[serde(default)]
    pub queue_rank: Option<f64>,
}

impl BookingRecord {
    /// The lifecycle state the stored events give, before conflict resolution.
    pub fn stored_state(&self) -> BookingState {
        let has = |e: &str| self.events.contains_key(e);
        if has(event::RETURNED) {
            BookingState::Returned
        } else if has(event::CHECKED_OUT) {
            BookingState::CheckedOut
        } else if has(event::CANCELLED) {
            BookingState::Cancelled
        } else if has(event::DECLINED) {
            BookingState::Declined
        } else if has(event::CONFIRMED) {
            BookingState::Confirmed
        } else if self.waitlisted && !has(event::CLAIMED) {
            BookingState::Waitlisted
        } else {
            BookingState::Requested
        }
    }

    /// The stored event an action records.
    pub fn event_of(action: BookingAction) -> &'static str {
        match action {
            BookingAction::Confirm => event::CONFIRMED,
            BookingAction::Decline => event::DECLINED,
            BookingAction::Cancel => event::CANCELLED,
            BookingAction::CheckOut => event::CHECKED_OUT,
            BookingAction::Return => event::RETURNED,
            BookingAction::Claim => event::CLAIMED,
        }
    }
}

/// What a member gives to book an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewBooking {
    /// The item.
    pub item: ItemId,
    /// Units (at least 1).
    pub units: i64,
    /// Start (UTC).
    pub start: Timestamp,
    /// End (UTC).
    pub end: Timestamp,
    /// A note.
    pub note: String,
    /// Book on behalf of this member (stewards only); `None` books for oneself.
    pub for_member: Option<MemberId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_and_action_has_a_defined_outcome() {
        let legal = [
            (BookingAction::Cancel, BookingState::Waitlisted, BookingState::Cancelled),
            (BookingAction::Cancel, BookingState::Bumped, BookingState::Cancelled),
            (BookingAction::Claim, BookingState::Waitlisted, BookingState::Requested),
            (BookingAction::Confirm, BookingState::Requested, BookingState::Confirmed),
            (BookingAction::Decline, BookingState::Requested, BookingState::Declined),
            (BookingAction::Cancel, BookingState::Requested, BookingState::Cancelled),
            (BookingAction::Cancel, BookingState::Confirmed, BookingState::Cancelled),
            (BookingAction::CheckOut, BookingState::Confirmed, BookingState::CheckedOut),
            (BookingAction::Return, BookingState::CheckedOut, BookingState::Returned),
        ];
        for action in BookingAction::ALL {
            for state in BookingState::ALL {
                let expected = legal.iter().find(|(a, s, _)| *a == action && *s == state).map(|(_, _, to)| *to);
                match expected {
                    Some(to) => assert_eq!(action.next_state(state), Ok(to)),
                    None => assert_eq!(action.next_state(state), Err(DomainError::IllegalTransition { action, state })),
                }
            }
        }
    }
}
