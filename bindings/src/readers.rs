//! Reads that never wait behind the store's lock: a pool of read-only SQLite connections to
//! the store's file ([`delbar_core::store::ReaderPool`]), so that a list screen is answered
//! while sync merges, a compaction folds documents or a write commits.
//!
//! A store without a file (in memory) has no readers, and neither has a read when no other
//! connection can be opened: such reads go through the store's lock like every other call.

use delbar_core::store::{Reader, ReaderPool, Reads};

use crate::error::{DelbarError, guard};

/// The store's readers, if it has a file.
#[derive(Debug)]
pub(crate) struct Readers {
    pool: Option<ReaderPool>,
}

impl Readers {
    /// A pool starting with `first`, or none (every read through the store's lock).
    pub(crate) fn new(first: Option<Reader>) -> Self {
        Readers { pool: first.map(ReaderPool::new) }
    }

    /// Runs `op` on a reader of the pool, in one read transaction, with panics caught; on
    /// the store's own connection, through `locked`, when no reader is to be had.
    pub(crate) fn read<T>(
        &self,
        op: impl FnOnce(Reads<'_>) -> Result<T, DelbarError>,
        locked: impl FnOnce(Box<dyn FnOnce(Reads<'_>) -> Result<T, DelbarError> + '_>) -> Result<T, DelbarError>,
    ) -> Result<T, DelbarError> {
        let Some((pool, reader)) = self.pool.as_ref().and_then(|pool| Some((pool, pool.take()?))) else {
            return locked(Box::new(op));
        };
        let result = guard(|| reader.read(op));
        // A reader whose read panicked may hold a half-read statement: it is not reused.
        if !matches!(result, Err(DelbarError::Internal { .. })) {
            pool.give_back(reader);
        }
        result
    }
}
