//! Errors of the documents layer.

/// Why a document could not be read or written. The store turns it into its own
/// error type (same variants), so this layer needs nothing from the store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
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
}

impl From<automerge::AutomergeError> for DocError {
    fn from(e: automerge::AutomergeError) -> Self {
        DocError::Document { message: e.to_string() }
    }
}
