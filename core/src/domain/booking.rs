//! Bookings and their lifecycle.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::domain::DomainError;
use crate::ids::{BookingId, DeviceId, ItemId, MemberId};
use crate::time::Timestamp;

/// Where a booking is in its lifecycle. `overdue` is not a state: it is derived
/// ([`Booking::is_overdue`]).
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
}

impl BookingState {
    /// Every state, in lifecycle order.
    pub const ALL: [BookingState; 6] = [
        BookingState::Requested,
        BookingState::Confirmed,
        BookingState::Declined,
        BookingState::Cancelled,
        BookingState::CheckedOut,
        BookingState::Returned,
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
        self.holds_units()
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
}

impl BookingAction {
    /// Every action.
    pub const ALL: [BookingAction; 5] = [
        BookingAction::Confirm,
        BookingAction::Decline,
        BookingAction::Cancel,
        BookingAction::CheckOut,
        BookingAction::Return,
    ];

    /// The name used in the CLI and the activity history.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingAction::Confirm => "confirm",
            BookingAction::Decline => "decline",
            BookingAction::Cancel => "cancel",
            BookingAction::CheckOut => "check out",
            BookingAction::Return => "return",
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
            (A::Cancel, S::Requested | S::Confirmed) => S::Cancelled,
            (A::CheckOut, S::Confirmed) => S::CheckedOut,
            (A::Return, S::CheckedOut) => S::Returned,
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

/// A booking of some units of an item for a window of time.
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
    /// Where it is in its lifecycle.
    pub state: BookingState,
    /// When it was requested (device clock of the requester).
    pub created: Timestamp,
    /// The device that made the request.
    pub created_by: DeviceId,
    /// When the state last changed.
    pub updated: Timestamp,
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
