//! Reads that never wait behind the store's lock: a small pool of read-only SQLite
//! connections to the store's file ([`delbar_core::store::Reader`]), so that a list screen
//! is answered while sync merges, a compaction folds documents or a write commits.
//!
//! A read takes an idle reader from the pool (opening another when every one is in use),
//! runs in one read transaction on it, and gives it back. A store without a file (in
//! memory) has no readers; its reads go through the store's lock like every other call.

use std::sync::{Mutex, MutexGuard};

use delbar_core::store::{Reader, Reads};

use crate::error::{DelbarError, guard};

/// Readers kept idle at most; more may be open at once while calls run concurrently.
const MAX_IDLE: usize = 4;

/// The idle readers; the last one left is the template new ones are opened from.
#[derive(Debug, Default)]
pub(crate) struct Readers {
    idle: Mutex<Vec<Reader>>,
}

impl Readers {
    /// A pool starting with `first`, or an empty one (every read through the store's lock).
    pub(crate) fn new(first: Option<Reader>) -> Self {
        Readers { idle: Mutex::new(first.into_iter().collect()) }
    }

    fn idle(&self) -> MutexGuard<'_, Vec<Reader>> {
        self.idle.lock().unwrap_or_else(|poisoned| {
            self.idle.clear_poison();
            poisoned.into_inner()
        })
    }

    /// An idle reader, or a new one opened beside the last; `None` when the store has no
    /// reader at all or another cannot be opened (the read then takes the store's lock).
    fn take(&self) -> Option<Reader> {
        let mut idle = self.idle();
        if idle.len() > 1 {
            return idle.pop();
        }
        let template = idle.last()?;
        // A reader that cannot be opened (no file handles left, say) is no failure: the
        // read goes through the store's lock instead.
        template.open_another().ok()
    }

    fn give_back(&self, reader: Reader) {
        let mut idle = self.idle();
        if idle.len() < MAX_IDLE {
            idle.push(reader);
        }
    }

    /// Runs `op` on a reader of the pool, in one read transaction, with panics caught; on
    /// the store's own connection, through `locked`, when no reader is to be had.
    pub(crate) fn read<T>(
        &self,
        op: impl FnOnce(Reads<'_>) -> Result<T, DelbarError>,
        locked: impl FnOnce(Box<dyn FnOnce(Reads<'_>) -> Result<T, DelbarError> + '_>) -> Result<T, DelbarError>,
    ) -> Result<T, DelbarError> {
        let Some(reader) = self.take() else {
            return locked(Box::new(op));
        };
        let result = guard(|| reader.read(op));
        // A reader whose read panicked may hold a half-read statement: it is not reused.
        if !matches!(result, Err(DelbarError::Internal { .. })) {
            self.give_back(reader);
        }
        result
    }
}
