//! The domain: groups, members, items, bookings and activity, and the pure rules over them.
//!
//! Nothing here does I/O. The store calls these functions to validate an operation before it
//! touches a document, so a rejected operation changes nothing.

mod activity;
mod booking;
mod error;
mod group;
pub mod hlc;
pub mod input;
pub mod item;
pub mod label;
pub mod limits;
pub mod maintenance;
pub mod permissions;
pub mod photo;
pub mod resolution;
pub mod text;

pub use activity::{ActivityAction, ActivityEntry};
pub use booking::{
    Booking, BookingAction, BookingEvent, BookingRecord, BookingState, Bump, BumpReason, NewBooking, event,
};
pub use error::DomainError;
pub use group::{Device, Founder, Group, Member, Role, RoleChange};
pub use item::{Condition, ConditionReport, Item, ItemDraft, ItemPatch, LoanRules, Location, MaintenanceEntry, Owner};
pub use maintenance::{MaintenanceDue, MaintenancePlan, PlanStatus, ReturnReport, Schedule};
pub use photo::ItemPhoto;
