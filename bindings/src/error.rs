//! The one error type apps see, converted from the core's error in one place, and the guard
//! that keeps a Rust panic from crossing the FFI boundary.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use delbar_core::domain::DomainError;
use delbar_core::store::StoreError;

use crate::records::{BookingAction, BookingState, Role};

/// What went wrong in a Delbar call. Nothing was changed when a call fails.
///
/// In Kotlin this is the sealed class `DelbarException` (one subclass per variant, with the
/// fields below as properties); in Swift the enum `DelbarError`. `toString()` (Kotlin) and
/// `description` (Swift) give the readable sentence of the Rust `Display`.
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum DelbarError {
    /// No such group, member, item or booking on this device.
    #[error("no {what} with id {id}")]
    NotFound {
        /// What was looked for: `group`, `member`, `item` or `booking`.
        what: String,
        /// The id asked for.
        id: String,
    },
    /// The input is malformed: a bad id, an empty or too long text, a zero quantity, a
    /// booking that ends before it starts, a value out of range.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What is wrong, in a sentence.
        reason: String,
    },
    /// The member's role does not allow the action.
    #[error("a {role} may not {action}")]
    NotPermitted {
        /// What was attempted ("add items", "confirm a booking").
        action: String,
        /// The role of the member who tried.
        role: Role,
    },
    /// This device does not belong to a current member of the group.
    #[error("this device is not a member's device in group {group_id}")]
    NotAMember {
        /// The group.
        group_id: String,
    },
    /// The item cannot be lent for that window: not enough free units, retired or out of
    /// service.
    #[error("unavailable: {reason}")]
    Unavailable {
        /// Why, in a sentence naming the item.
        reason: String,
    },
    /// The booking breaks one of the item's loan rules (too long, too far ahead, too short
    /// notice, too many bookings held).
    #[error("loan rule: {reason}")]
    LoanRule {
        /// Which rule, in a sentence naming the item.
        reason: String,
    },
    /// A booking cannot make that move from its current state.
    #[error("cannot {action} a booking that is {state}")]
    IllegalTransition {
        /// What was attempted.
        action: BookingAction,
        /// The booking's current state.
        state: BookingState,
    },
    /// The change would leave the group in a state it must not be in (no steward left).
    #[error("conflict: {reason}")]
    Conflict {
        /// What rule would be broken.
        reason: String,
    },
    /// The store file could not be read or written (disk full, permissions, locked).
    #[error("storage error: {reason}")]
    Storage {
        /// The underlying message.
        reason: String,
    },
    /// The store file, or a document received from another device, is damaged or not Delbar's.
    #[error("corrupt data: {reason}")]
    Corrupt {
        /// What was found.
        reason: String,
    },
    /// The store was written by a newer Delbar: update the app.
    #[error("the store has schema version {found}; this Delbar reads up to {supported}")]
    NewerStore {
        /// Schema version in the file.
        found: i64,
        /// Newest version this build reads.
        supported: i64,
    },
    /// A bug in Delbar (a panic was caught); the store stays usable.
    #[error("internal error: {reason}")]
    Internal {
        /// The panic or failure message.
        reason: String,
    },
}

/// The one place where the core's errors become the public error.
impl From<delbar_core::Error> for DelbarError {
    fn from(error: delbar_core::Error) -> Self {
        use delbar_core::Error as E;
        match error {
            E::Domain(domain) => from_domain(domain),
            E::Store(store) => from_store(store),
            // Sync errors are not yet exported as their own variants (next step of the sync issue).
            E::Sync(sync) => DelbarError::Corrupt { reason: sync.to_string() },
            E::GroupNotFound { id } => not_found("group", id),
            E::ItemNotFound { id } => not_found("item", id),
            E::BookingNotFound { id } => not_found("booking", id),
            E::MemberNotFound { id } => not_found("member", id),
            E::NotAMember { group } => DelbarError::NotAMember { group_id: group },
        }
    }
}

/// Ids are parsed at the boundary; their errors take the same path as the core's.
impl From<DomainError> for DelbarError {
    fn from(error: DomainError) -> Self {
        DelbarError::from(delbar_core::Error::Domain(error))
    }
}

fn not_found(what: &str, id: String) -> DelbarError {
    DelbarError::NotFound { what: what.to_owned(), id }
}

fn from_domain(error: DomainError) -> DelbarError {
    use DomainError as D;
    let reason = error.to_string();
    match error {
        D::InvalidId { .. }
        | D::EmptyField { .. }
        | D::FieldTooLong { .. }
        | D::InvalidQuantity { .. }
        | D::InvalidUnits { .. }
        | D::BookingEndsBeforeStart { .. }
        | D::StartsInPast { .. }
        | D::InvalidCoordinates { .. }
        | D::InvalidPhotoHash { .. }
        | D::InvalidRule { .. }
        | D::DateOutOfRange { .. }
        | D::InvalidKit { .. } => DelbarError::InvalidInput { reason },
        D::NoOffer { .. } | D::NoNeedToWait { .. } => DelbarError::Conflict { reason },
        D::NotQualified { .. } => DelbarError::LoanRule { reason },
        D::NotEnoughUnits { .. } | D::Unavailable { .. } | D::ItemNotBookable { .. } => {
            DelbarError::Unavailable { reason }
        }
        D::LoanTooLong { .. } | D::TooFarAhead { .. } | D::NoticeTooShort { .. } | D::TooManyBookings { .. } => {
            DelbarError::LoanRule { reason }
        }
        D::NotPermitted { action, role } => DelbarError::NotPermitted { action: action.to_owned(), role: role.into() },
        D::IllegalTransition { action, state } => {
            DelbarError::IllegalTransition { action: action.into(), state: state.into() }
        }
        D::LastSteward => DelbarError::Conflict { reason },
    }
}

fn from_store(error: StoreError) -> DelbarError {
    use StoreError as S;
    let reason = error.to_string();
    match error {
        S::Storage { .. } | S::Io { .. } | S::InUse { .. } => DelbarError::Storage { reason },
        S::Corrupt { .. } | S::Document { .. } | S::MalformedDocument { .. } | S::InvalidData { .. } => {
            DelbarError::Corrupt { reason }
        }
        S::NewerSchema { found, supported } => DelbarError::NewerStore { found, supported },
        S::Encode { .. } => DelbarError::Internal { reason },
    }
}

/// Runs `op`, turning a panic into [`DelbarError::Internal`] so it never unwinds into the
/// foreign caller.
pub(crate) fn guard<T>(op: impl FnOnce() -> Result<T, DelbarError>) -> Result<T, DelbarError> {
    catch_unwind(AssertUnwindSafe(op)).unwrap_or_else(|payload| Err(panic_error(payload.as_ref())))
}

/// The error for a caught panic, with the panic's message when it has one.
pub(crate) fn panic_error(payload: &(dyn Any + Send)) -> DelbarError {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned());
    DelbarError::Internal { reason: format!("panic: {message}") }
}
