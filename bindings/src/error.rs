//! The one error type apps see, converted from the core's error in one place, and the guard
//! that keeps a Rust panic from crossing the FFI boundary.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use delbar_core::domain::DomainError;
use delbar_core::i18n;
use delbar_core::net::NetError;
use delbar_core::store::StoreError;
use delbar_core::sync::SyncError;

use crate::locale;
use crate::records::{BookingAction, BookingState, Role};

/// What went wrong in a Delbar call. Nothing was changed when a call fails.
///
/// In Kotlin this is the sealed class `DelbarException` (one subclass per variant, with the
/// fields below as properties); in Swift the enum `DelbarError`. Every variant has a `text`:
/// the sentence to show a person, in the language set with `setLocale` (English by default);
/// `userMessage()` gives it from any variant. `toString()` (Kotlin) and `description` (Swift)
/// give the English sentence of the Rust `Display`, for logs.
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
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The input is malformed: a bad id, an empty or too long text, a zero quantity, a
    /// booking that ends before it starts, a date outside 1970 to 9999, an invalid kit, a
    /// value out of range.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What is wrong, in a sentence.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The member's role does not allow the action.
    #[error("a {role} may not {action}")]
    NotPermitted {
        /// What was attempted ("add items", "confirm a booking").
        action: String,
        /// The role of the member who tried.
        role: Role,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// This device does not belong to a current member of the group.
    #[error("this device is not a member's device in group {group_id}")]
    NotAMember {
        /// The group.
        group_id: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The item cannot be lent for that window: not enough free units, retired or out of
    /// service.
    #[error("unavailable: {reason}")]
    Unavailable {
        /// Why, in a sentence naming the item.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The booking breaks one of the item's loan rules (too long, too far ahead, too short
    /// notice, too many bookings held).
    #[error("loan rule: {reason}")]
    LoanRule {
        /// Which rule, in a sentence naming the item.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The item may only be borrowed by members a steward has qualified for it
    /// (`DelbarStore.setQualified`).
    #[error("'{item_name}' may only be borrowed by members a steward has qualified for it")]
    NotQualified {
        /// The item's name.
        item_name: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// Units are free for that window: book it (`book`) instead of joining the waitlist.
    #[error("'{item_name}' is free for that window: book it instead of joining the waitlist")]
    NoNeedToWait {
        /// The item's name.
        item_name: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// A waitlist move is not possible now: claiming when no units are offered to the
    /// booking, or reordering a booking that is not waitlisted.
    #[error("{reason}")]
    NoOffer {
        /// Why, in a sentence.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// A booking cannot make that move from its current state.
    #[error("cannot {action} a booking that is {state}")]
    IllegalTransition {
        /// What was attempted.
        action: BookingAction,
        /// The booking's current state.
        state: BookingState,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The change would leave the group in a state it must not be in (no steward left).
    #[error("conflict: {reason}")]
    Conflict {
        /// What rule would be broken.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The store file is open in another process, or through another `DelbarStore` of this
    /// one: close that first (one store object per file and process).
    #[error("the store at {path} is open elsewhere")]
    InUse {
        /// The store file.
        path: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// Data received from another device is not valid Delbar data; none of it was applied.
    /// The local store is fine: the sender or the transfer is at fault.
    #[error("received data is not valid: {reason}")]
    InvalidData {
        /// What is wrong.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The store file could not be read or written (disk full, permissions).
    #[error("storage error: {reason}")]
    Storage {
        /// The underlying message.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The store file, or a document in it, is damaged or not Delbar's.
    #[error("corrupt data: {reason}")]
    Corrupt {
        /// What was found.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The file at the store's path is not a Delbar store (empty, too short, another format
    /// or another app's database). It was left untouched and no new store was made.
    #[error("{path} is not a Delbar store: {reason}")]
    NotAStore {
        /// The file.
        path: String,
        /// What was found instead.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The store was written by a newer Delbar: update the app.
    #[error("the store has schema version {found}; this Delbar reads up to {supported}")]
    NewerStore {
        /// Schema version in the file.
        found: i64,
        /// Newest version this build reads.
        supported: i64,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// Syncing with another device or importing a bundle failed (refused, unreachable, a
    /// bad bundle); nothing of it was applied.
    #[error("{reason}")]
    Sync {
        /// What went wrong.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// A bundle is damaged, truncated, not a Delbar bundle, from a newer Delbar, signed
    /// wrongly or for another group; none of it was applied.
    #[error("bad bundle: {reason}")]
    BadBundle {
        /// What is wrong.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The other device refused to sync (this device is not, or no longer, a member's device
    /// there), or this device refused the other's data for the same reason.
    #[error("sync refused: {reason}")]
    SyncRefused {
        /// Why.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The other device could not be reached, or the connection broke; nothing of the
    /// interrupted step was applied.
    #[error("network error: {reason}")]
    Network {
        /// What failed.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The sync service is not running: call `startSync` first.
    #[error("the sync service is not running")]
    SyncNotRunning {
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The invite's expiry has passed.
    #[error("the invite has expired")]
    InviteExpired {
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The invite was redeemed as many times as it allows.
    #[error("the invite has been used as many times as it allows")]
    InviteUsedUp {
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The invite was revoked.
    #[error("the invite was revoked")]
    InviteRevoked {
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// The invite is not valid: not an invite code, or not known to the device it names.
    #[error("the invite is not known")]
    InviteUnknown {
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
    /// A bug in Delbar (a panic was caught); the store stays usable.
    #[error("internal error: {reason}")]
    Internal {
        /// The panic or failure message.
        reason: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
}

#[uniffi::export]
impl DelbarError {
    /// The sentence to show a person, in the language set with `setLocale` when the error
    /// happened: the `text` of whichever variant this is.
    pub fn user_message(&self) -> String {
        use DelbarError as E;
        match self {
            E::NotFound { text, .. }
            | E::InvalidInput { text, .. }
            | E::NotPermitted { text, .. }
            | E::NotAMember { text, .. }
            | E::Unavailable { text, .. }
            | E::LoanRule { text, .. }
            | E::NotQualified { text, .. }
            | E::NoNeedToWait { text, .. }
            | E::NoOffer { text, .. }
            | E::IllegalTransition { text, .. }
            | E::Conflict { text, .. }
            | E::InUse { text, .. }
            | E::InvalidData { text, .. }
            | E::Storage { text, .. }
            | E::Corrupt { text, .. }
            | E::NotAStore { text, .. }
            | E::NewerStore { text, .. }
            | E::Sync { text, .. }
            | E::BadBundle { text, .. }
            | E::SyncRefused { text, .. }
            | E::Network { text, .. }
            | E::SyncNotRunning { text }
            | E::InviteExpired { text }
            | E::InviteUsedUp { text }
            | E::InviteRevoked { text }
            | E::InviteUnknown { text }
            | E::Internal { text, .. } => text.clone(),
        }
    }
}

impl DelbarError {
    /// An internal error with the localised text of one.
    pub(crate) fn internal(reason: String) -> Self {
        DelbarError::Internal { reason, text: i18n::internal_error_message(locale::current()).to_owned() }
    }
}

/// The one place where the core's errors become the public error.
impl From<delbar_core::Error> for DelbarError {
    fn from(error: delbar_core::Error) -> Self {
        use delbar_core::Error as E;
        let text = i18n::error_message_in(&error, locale::current(), &crate::zone::current());
        match error {
            E::Domain(domain) => from_domain(domain, text),
            E::Store(store) => from_store(store, text),
            E::Sync(sync) => from_sync(sync, text),
            E::Net(net) => from_net(net, text),
            E::GroupNotFound { id } => not_found("group", id, text),
            E::ItemNotFound { id } => not_found("item", id, text),
            E::BookingNotFound { id } => not_found("booking", id, text),
            E::MemberNotFound { id } => not_found("member", id, text),
            E::PlanNotFound { id } => not_found("maintenance plan", id, text),
            E::NotAMember { group } => DelbarError::NotAMember { group_id: group, text },
            E::Inventory(inventory) => from_inventory(inventory, text),
        }
    }
}

/// Ids are parsed at the boundary; their errors take the same path as the core's.
impl From<DomainError> for DelbarError {
    fn from(error: DomainError) -> Self {
        DelbarError::from(delbar_core::Error::Domain(error))
    }
}

fn from_inventory(error: delbar_core::inventory::InventoryError, text: String) -> DelbarError {
    use delbar_core::inventory::InventoryError as I;
    let reason = error.to_string();
    match error {
        I::Write { .. } => DelbarError::Internal { reason, text },
        _ => DelbarError::InvalidInput { reason, text },
    }
}

fn not_found(what: &str, id: String, text: String) -> DelbarError {
    DelbarError::NotFound { what: what.to_owned(), id, text }
}

fn from_domain(error: DomainError, text: String) -> DelbarError {
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
        | D::PhotoTooLarge { .. }
        | D::PhotoFormatNotAccepted { .. }
        | D::PhotoTooManyPixels { .. }
        | D::PhotoUnreadable { .. }
        | D::PhotoNotOnItem { .. }
        | D::NoReturnPhoto { .. }
        | D::InvalidRule { .. }
        | D::DateOutOfRange { .. }
        | D::InvalidKit { .. }
        | D::InvalidDate { .. }
        | D::LabelCount { .. }
        | D::LabelText { .. }
        | D::DisallowedCharacter { .. }
        | D::TooMany { .. }
        | D::OutOfRange { .. } => DelbarError::InvalidInput { reason, text },
        D::NotQualified { item } => DelbarError::NotQualified { item_name: item, text },
        D::NoNeedToWait { item } => DelbarError::NoNeedToWait { item_name: item, text },
        D::NoOffer { .. } => DelbarError::NoOffer { reason, text },
        D::NotEnoughUnits { .. } | D::Unavailable { .. } | D::ItemNotBookable { .. } | D::MaintenanceDue { .. } => {
            DelbarError::Unavailable { reason, text }
        }
        D::LoanTooLong { .. } | D::TooFarAhead { .. } | D::NoticeTooShort { .. } | D::TooManyBookings { .. } => {
            DelbarError::LoanRule { reason, text }
        }
        D::NotPermitted { action, role } => DelbarError::NotPermitted { action: action.to_owned(), role, text },
        D::IllegalTransition { action, state } => DelbarError::IllegalTransition { action, state, text },
        D::LastSteward | D::CannotExtend { .. } => DelbarError::Conflict { reason, text },
    }
}

fn from_sync(error: SyncError, text: String) -> DelbarError {
    use SyncError as S;
    let reason = error.to_string();
    match error {
        S::Truncated { .. }
        | S::NotABundle
        | S::UnsupportedVersion { .. }
        | S::Corrupted
        | S::PhotoMismatch { .. }
        | S::BadSignature { .. }
        | S::ForeignGroup { .. } => DelbarError::BadBundle { reason, text },
        S::Refused { .. } | S::NotAMemberDevice { .. } => DelbarError::SyncRefused { reason, text },
        S::Network { .. } | S::TimedOut { .. } => DelbarError::Network { reason, text },
        S::NotRunning => DelbarError::SyncNotRunning { text },
        S::Io { .. } => DelbarError::Storage { reason, text },
        _ => DelbarError::Sync { reason, text },
    }
}

fn from_net(error: NetError, text: String) -> DelbarError {
    use NetError as N;
    match error {
        N::InviteExpired => DelbarError::InviteExpired { text },
        N::InviteUsedUp => DelbarError::InviteUsedUp { text },
        N::InviteRevoked => DelbarError::InviteRevoked { text },
        N::InviteUnknown => DelbarError::InviteUnknown { text },
        N::InvalidRelayUrl { .. } | N::InvalidPeerAddress { .. } | N::InvalidQrScale { .. } => {
            DelbarError::InvalidInput { reason: error.to_string(), text }
        }
        N::PhotoNotFetched { .. } => DelbarError::Network { reason: error.to_string(), text },
    }
}

fn from_store(error: StoreError, text: String) -> DelbarError {
    use StoreError as S;
    let reason = error.to_string();
    match error {
        S::InUse { path } => DelbarError::InUse { path, text },
        S::InvalidData { reason } => DelbarError::InvalidData { reason, text },
        S::Storage { .. } | S::Io { .. } => DelbarError::Storage { reason, text },
        S::Corrupt { .. } | S::Document { .. } | S::MalformedDocument { .. } => DelbarError::Corrupt { reason, text },
        S::NewerSchema { found, supported } => DelbarError::NewerStore { found, supported, text },
        S::Encode { .. } => DelbarError::Internal { reason, text },
        S::NotAStore { path, reason } => DelbarError::NotAStore { path, reason, text },
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
    DelbarError::internal(format!("panic: {message}"))
}
