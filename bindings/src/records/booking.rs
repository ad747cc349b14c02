//! Bookings, their lifecycle and availability.

use delbar_core::domain as core;
use delbar_core::store::{
    Availability as CoreAvailability, BookingFilter as CoreBookingFilter, WaitlistEntry as CoreWaitlistEntry,
};

use super::{Booking, BookingState, BusyInterval, Item, Timestamp, ids};
use crate::DelbarError;

/// What a member gives to book an item.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NewBooking {
    /// The item.
    pub item_id: String,
    /// Units (at least 1).
    pub units: u32,
    /// Start of the loan.
    pub start: Timestamp,
    /// End of the loan (after `start`).
    pub end: Timestamp,
    /// A note.
    #[uniffi(default = "")]
    pub note: String,
    /// Book on behalf of this member (stewards only); `null`/`nil` books for oneself.
    #[uniffi(default = None)]
    pub for_member_id: Option<String>,
}

impl TryFrom<NewBooking> for core::NewBooking {
    type Error = DelbarError;

    fn try_from(b: NewBooking) -> Result<Self, DelbarError> {
        Ok(Self {
            item: ids::item(&b.item_id)?,
            units: i64::from(b.units),
            start: b.start,
            end: b.end,
            note: b.note,
            for_member: ids::opt(b.for_member_id.as_deref(), ids::member)?,
        })
    }
}

/// Which bookings to list. Every field is optional; the default lists the first 100
/// bookings by start.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct BookingFilter {
    /// Only bookings of this item.
    #[uniffi(default = None)]
    pub item_id: Option<String>,
    /// Only bookings of this member.
    #[uniffi(default = None)]
    pub member_id: Option<String>,
    /// Only bookings in these states (empty means all).
    #[uniffi(default)]
    pub states: Vec<BookingState>,
    /// Only bookings ending after this instant.
    #[uniffi(default = None)]
    pub from: Option<Timestamp>,
    /// Only bookings starting before this instant.
    #[uniffi(default = None)]
    pub to: Option<Timestamp>,
    /// At most this many (0 means 100).
    #[uniffi(default = 0)]
    pub limit: u32,
}

impl TryFrom<BookingFilter> for CoreBookingFilter {
    type Error = DelbarError;

    fn try_from(f: BookingFilter) -> Result<Self, DelbarError> {
        Ok(Self {
            item: ids::opt(f.item_id.as_deref(), ids::item)?,
            member: ids::opt(f.member_id.as_deref(), ids::member)?,
            states: f.states,
            from: f.from,
            to: f.to,
            limit: f.limit,
        })
    }
}

/// How much of an item is free over a window.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Availability {
    /// The item.
    pub item_id: String,
    /// Its quantity.
    pub quantity: u32,
    /// Units free over the whole window (0 when the item cannot be lent at all).
    pub free_units: u32,
    /// Window start.
    pub start: Timestamp,
    /// Window end.
    pub end: Timestamp,
    /// Busy spans inside the window, in order, with the units taken.
    pub busy: Vec<BusyInterval>,
}

impl From<CoreAvailability> for Availability {
    fn from(a: CoreAvailability) -> Self {
        Self {
            item_id: a.item.to_string(),
            quantity: a.quantity,
            free_units: a.free_units,
            start: a.start,
            end: a.end,
            busy: a.busy.into_iter().collect(),
        }
    }
}

/// A window of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct TimeWindow {
    /// Start.
    pub start: Timestamp,
    /// End, after `start`.
    pub end: Timestamp,
}

/// The offer standing for a waitlisted booking: units are free for its window and it is its
/// turn. Claim it (`actOnBooking(..., CLAIM)`) before `until`, or it passes to the next in line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct WaitlistOffer {
    /// Since when the units are offered.
    pub from: Timestamp,
    /// Until when the offer stands (`from` plus the group's pickup window).
    pub until: Timestamp,
}

/// One booking waiting in an item's queue.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WaitlistEntry {
    /// The waiting booking (state `WAITLISTED`).
    pub booking: Booking,
    /// Its place in the queue, from 1.
    pub position: u32,
    /// The item's name.
    pub item_name: String,
    /// The offer standing now, if it is this booking's turn and units are free.
    pub offer: Option<WaitlistOffer>,
}

impl From<CoreWaitlistEntry> for WaitlistEntry {
    fn from(e: CoreWaitlistEntry) -> Self {
        Self {
            booking: e.booking,
            position: e.position,
            item_name: e.item_name,
            offer: e.offer.map(|(from, until)| WaitlistOffer { from, until }),
        }
    }
}

/// An item with enough free units over a window (`DelbarStore.freeItems`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FreeItem {
    /// The item.
    pub item: Item,
    /// Units free over the whole window.
    pub free_units: u32,
}
