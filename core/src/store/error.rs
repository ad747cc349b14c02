//! Errors of the storage layer.

/// The store file or a document in it could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("storage error: {message}")]
    Storage {
        /// SQLite's message.
        message: String,
    },
    /// The file is not a Delbar store or is damaged.
    #[error("the store file is corrupt or not a Delbar store: {reason}")]
    Corrupt {
        /// What was found.
        reason: String,
    },
    /// Another process (or another handle in this one) has the store open.
    #[error("the store at {path} is open elsewhere; close the other Delbar first")]
    InUse {
        /// The store file.
        path: String,
    },
    /// Data received from another device (a sync message, a bundle) is not valid; nothing
    /// of it was applied.
    #[error("received data is not valid: {reason}")]
    InvalidData {
        /// What is wrong.
        reason: String,
    },
    /// The store was written by a newer Delbar.
    #[error("the store has schema version {found}; this Delbar reads up to {supported}")]
    NewerSchema {
        /// Version in the file.
        found: i64,
        /// Newest version this code knows.
        supported: i64,
    },
    /// An automerge document could not be decoded or changed.
    #[error("document error: {message}")]
    Document {
        /// Automerge's message.
        message: String,
    },
    /// A document does not have the shape Delbar writes.
    #[error("malformed document: {reason}")]
    MalformedDocument {
        /// What is wrong.
        reason: String,
    },
    /// A value could not be encoded.
    #[error("could not encode a value: {message}")]
    Encode {
        /// The encoder's message.
        message: String,
    },
    /// A file could not be read or written.
    #[error("file error at {path}: {message}")]
    Io {
        /// Which file.
        path: String,
        /// The OS message.
        message: String,
    },
    /// The file at the store's path exists but is not a Delbar store (empty, too short, not
    /// an SQLite database, or the database of another app). Nothing was written to it.
    #[error("{path} is not a Delbar store: {reason}")]
    NotAStore {
        /// The file.
        path: String,
        /// What was found instead.
        reason: String,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { reason: e.to_string() },
            _ => StoreError::Storage { message: e.to_string() },
        }
    }
}

impl From<crate::docs::DocError> for StoreError {
    fn from(e: crate::docs::DocError) -> Self {
        use crate::docs::DocError;
        match e {
            DocError::Document { message } => StoreError::Document { message },
            DocError::MalformedDocument { reason } => StoreError::MalformedDocument { reason },
            DocError::Encode { message } => StoreError::Encode { message },
        }
    }
}

impl From<automerge::AutomergeError> for StoreError {
    fn from(e: automerge::AutomergeError) -> Self {
        StoreError::Document { message: e.to_string() }
    }
}
