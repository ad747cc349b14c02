//! Errors of the domain layer: bad input and rule violations, each with what a person needs
//! to understand it.

use crate::domain::{BookingAction, BookingState, Role};
use crate::time::Timestamp;

/// A rule of the domain was broken by the input; nothing was changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    /// The text is not a valid id.
    #[error("'{given}' is not a valid {kind} id")]
    InvalidId {
        /// What kind of id was expected.
        kind: &'static str,
        /// What was given.
        given: String,
    },
    /// A required text field was empty.
    #[error("{field} must not be empty")]
    EmptyField {
        /// Which field.
        field: &'static str,
    },
    /// A text field is longer than allowed.
    #[error("{field} is too long ({len} characters, at most {max})")]
    FieldTooLong {
        /// Which field.
        field: &'static str,
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// An item's quantity is outside 1 to [`crate::domain::limits::MAX_QUANTITY`].
    #[error("quantity must be between 1 and {max} (given {given})", max = crate::domain::limits::MAX_QUANTITY)]
    InvalidQuantity {
        /// What was given.
        given: i64,
    },
    /// A booking's units are outside 1 to [`crate::domain::limits::MAX_UNITS`].
    #[error("a booking must be for between 1 and {max} units (given {given})", max = crate::domain::limits::MAX_UNITS)]
    InvalidUnits {
        /// What was given.
        given: i64,
    },
    /// More units were asked than the item has.
    #[error("'{item}' has {quantity} unit(s); {requested} requested")]
    NotEnoughUnits {
        /// The item's name.
        item: String,
        /// Its quantity.
        quantity: u32,
        /// Units asked for.
        requested: u32,
    },
    /// The units are already booked for (part of) the window.
    #[error("'{item}' has only {free} free unit(s) between {start} and {end}; {requested} requested")]
    Unavailable {
        /// The item's name.
        item: String,
        /// Free units over the window.
        free: u32,
        /// Units asked for.
        requested: u32,
        /// Window start.
        start: Timestamp,
        /// Window end.
        end: Timestamp,
    },
    /// The end of a booking is not after its start.
    #[error("a booking must end after it starts (start {start}, end {end})")]
    BookingEndsBeforeStart {
        /// Start given.
        start: Timestamp,
        /// End given.
        end: Timestamp,
    },
    /// The loan is longer than the item's rules allow.
    #[error("'{item}' may be borrowed for at most {max_hours} hours (asked {asked_hours})")]
    LoanTooLong {
        /// The item's name.
        item: String,
        /// Rule limit.
        max_hours: i64,
        /// Length asked.
        asked_hours: i64,
    },
    /// The booking starts further ahead than the rules allow.
    #[error("'{item}' can be booked at most {max_days} days ahead")]
    TooFarAhead {
        /// The item's name.
        item: String,
        /// Rule limit.
        max_days: i64,
    },
    /// The booking starts sooner than the minimum notice.
    #[error("'{item}' must be booked at least {min_hours} hours ahead")]
    NoticeTooShort {
        /// The item's name.
        item: String,
        /// Rule limit.
        min_hours: i64,
    },
    /// A booking may not start in the past.
    #[error("a booking cannot start in the past ({start})")]
    StartsInPast {
        /// Start given.
        start: Timestamp,
    },
    /// The member already holds as many bookings of the item as allowed.
    #[error("a member may hold at most {max} booking(s) of '{item}' at a time")]
    TooManyBookings {
        /// The item's name.
        item: String,
        /// Rule limit.
        max: u32,
    },
    /// The item is retired or out of service.
    #[error("'{item}' cannot be booked: {reason}")]
    ItemNotBookable {
        /// The item's name.
        item: String,
        /// Why not.
        reason: &'static str,
    },
    /// The actor's role does not allow the action.
    #[error("a {role} may not {action}")]
    NotPermitted {
        /// What was attempted.
        action: &'static str,
        /// The actor's role.
        role: Role,
    },
    /// The booking's state does not allow the action.
    #[error("cannot {action} a booking that is {state}")]
    IllegalTransition {
        /// What was attempted.
        action: BookingAction,
        /// The booking's current state.
        state: BookingState,
    },
    /// A coordinate is outside the valid range.
    #[error("invalid coordinates ({lat}, {lon})")]
    InvalidCoordinates {
        /// Latitude given.
        lat: f64,
        /// Longitude given.
        lon: f64,
    },
    /// A photo reference is not a content hash.
    #[error("'{given}' is not a photo content hash (64 hex characters)")]
    InvalidPhotoHash {
        /// What was given.
        given: String,
    },
    /// A photo file is larger than the core accepts.
    #[error("the photo is {bytes} bytes; the largest accepted is {max} bytes")]
    PhotoTooLarge {
        /// Its size.
        bytes: u64,
        /// The limit.
        max: u64,
    },
    /// A file is not a JPEG, PNG or WebP image (told by its content).
    #[error("a photo must be a JPEG, PNG or WebP image (this is {format})")]
    PhotoFormatNotAccepted {
        /// The format found ("gif", "unknown").
        format: String,
    },
    /// A photo would decode to more pixels than the core accepts.
    #[error("the photo is {width} x {height} pixels; the most accepted is {max_pixels} pixels")]
    PhotoTooManyPixels {
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
        /// The limit.
        max_pixels: u64,
    },
    /// A photo file does not decode (truncated or damaged).
    #[error("the photo cannot be read: {reason}")]
    PhotoUnreadable {
        /// What the decoder said.
        reason: String,
    },
    /// The item does not reference that photo.
    #[error("the item has no photo {hash}")]
    PhotoNotOnItem {
        /// The photo's hash.
        hash: String,
    },
    /// The booking has not come back with a photo.
    #[error("booking {booking} came back without a photo")]
    NoReturnPhoto {
        /// The booking's id.
        booking: String,
    },
    /// A value given for a rule (a loan rule, the pickup window, a maintenance plan's
    /// interval, an invite's uses) is out of its range ([`crate::domain::limits`]).
    #[error("{rule} must be {expected} (given {given})")]
    InvalidRule {
        /// Which rule.
        rule: &'static str,
        /// What is allowed.
        expected: &'static str,
        /// What was given.
        given: i64,
    },
    /// Only requested, confirmed or checked-out bookings can be extended.
    #[error("cannot extend a booking that is {state}")]
    CannotExtend {
        /// The booking's current state.
        state: BookingState,
    },
    /// A date outside the years Delbar handles (1970 to 9999).
    #[error("the date is outside the years 1970 to 9999 ({given} ms)")]
    DateOutOfRange {
        /// The instant given, in milliseconds.
        given: i64,
    },
    /// A kit's parts are not valid.
    #[error("invalid kit: {reason}")]
    InvalidKit {
        /// What is wrong.
        reason: &'static str,
    },
    /// The item needs a qualification the member does not have.
    #[error("'{item}' may only be borrowed by members a steward has qualified for it")]
    NotQualified {
        /// The item's name.
        item: String,
    },
    /// The waitlist action is not possible now.
    #[error("{reason}")]
    NoOffer {
        /// Why.
        reason: &'static str,
    },
    /// Units are free, so there is no need to queue.
    #[error("'{item}' is free for that window: book it instead of joining the waitlist")]
    NoNeedToWait {
        /// The item's name.
        item: String,
    },
    /// The last steward cannot be removed or demoted.
    #[error("a group must keep at least one steward")]
    LastSteward,
    /// A date given as month and day (`MM-DD`) does not exist.
    #[error("'{given}' is not a month and day (MM-DD)")]
    InvalidDate {
        /// What was given.
        given: String,
    },
    /// A maintenance plan that blocks bookings falls due before the booking would start, and
    /// no maintenance has been logged since.
    #[error("'{item}' is due for maintenance from {due}: it cannot be booked from then until maintenance is logged")]
    MaintenanceDue {
        /// The item's name (the kit part's, when a part is due).
        item: String,
        /// When the plan fell (or falls) due.
        due: Timestamp,
    },
    /// A label sheet was asked for no items or too many.
    #[error("a label sheet holds 1 to {max} items ({given} asked for)")]
    LabelCount {
        /// Items asked for.
        given: usize,
        /// The most one sheet holds.
        max: usize,
    },
    /// A label's text could not be made into a QR code.
    #[error("cannot make a QR code of the label: {reason}")]
    LabelText {
        /// Why.
        reason: String,
    },
    /// A text field holds a character it may not hold: a control character (ESC, BEL, a
    /// line break in a one-line field), a bidirectional override or an invisible character
    /// (see [`crate::domain::input`]).
    #[error("{field} must not contain the control or invisible character U+{code_point:04X} (character {position})")]
    DisallowedCharacter {
        /// Which field.
        field: &'static str,
        /// The character's code point (shown as `U+202E`).
        code_point: u32,
        /// Its place in the text, counted in characters from 1.
        position: usize,
    },
    /// More of something was given at once than allowed (tags of an item, parts of a kit).
    #[error("at most {max} {what} may be given ({given} given)")]
    TooMany {
        /// What was given (`tags`, `kit parts`).
        what: &'static str,
        /// How many were given.
        given: usize,
        /// The most allowed.
        max: usize,
    },
    /// A number is outside a range that depends on the data (a place in a waitlist) or on
    /// the clock (how long an invite lasts).
    #[error("{field} must be between {min} and {max} (given {given})")]
    OutOfRange {
        /// What the number is.
        field: &'static str,
        /// The least allowed.
        min: i64,
        /// The most allowed.
        max: i64,
        /// What was given.
        given: i64,
    },
}
