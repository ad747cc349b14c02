//! The error every public operation of the core returns.

use crate::domain::DomainError;
use crate::inventory::InventoryError;
use crate::net::NetError;
use crate::store::StoreError;
use crate::sync::SyncError;

/// What went wrong in a core operation. Every variant reads well on its own; nothing was
/// changed when an operation returns one.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input broke a rule of the domain (validation, permission, lifecycle).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The store could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A bundle or a sync session was refused; nothing of it was applied.
    #[error(transparent)]
    Sync(#[from] SyncError),
    /// An invite, a relay setting or a peer address was refused.
    #[error(transparent)]
    Net(#[from] NetError),
    /// An import, export or statistics request was refused; nothing was changed.
    #[error(transparent)]
    Inventory(#[from] InventoryError),
    /// No group with this id on this device.
    #[error("no group with id {id}")]
    GroupNotFound {
        /// The id asked for.
        id: String,
    },
    /// No item with this id in the group.
    #[error("no item with id {id}")]
    ItemNotFound {
        /// The id asked for.
        id: String,
    },
    /// No booking with this id in the group.
    #[error("no booking with id {id}")]
    BookingNotFound {
        /// The id asked for.
        id: String,
    },
    /// No member with this id in the group.
    #[error("no member with id {id}")]
    MemberNotFound {
        /// The id asked for.
        id: String,
    },
    /// No maintenance plan with this id on the item.
    #[error("no maintenance plan with id {id}")]
    PlanNotFound {
        /// The id asked for.
        id: String,
    },
    /// This device does not belong to a current member of the group.
    #[error("this device is not a member's device in group {group}")]
    NotAMember {
        /// The group.
        group: String,
    },
}

/// Result of a core operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store(StoreError::from(e))
    }
}

impl From<crate::docs::DocError> for Error {
    fn from(e: crate::docs::DocError) -> Self {
        Error::Store(StoreError::from(e))
    }
}

impl From<automerge::AutomergeError> for Error {
    fn from(e: automerge::AutomergeError) -> Self {
        Error::Store(StoreError::from(e))
    }
}
