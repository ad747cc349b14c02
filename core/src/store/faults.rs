//! Injectable failures of the write path's I/O steps, for tests.
//!
//! A local write goes through five I/O steps, each of which a full or failing disk can
//! refuse: the change journal's write, the journal's sync, SQLite's writes of the
//! transaction, SQLite's commit, and the WAL work that follows a commit. Tests arm one
//! [`FaultPoint`] for a store file; the next time the write path reaches that step for that
//! file it fails there the way the disk would (an `EIO` from the journal's `write` or
//! `fdatasync`, an I/O error from SQLite), once.
//!
//! The journal points fail inside [`super::journal::Journal`] itself (a write that reaches
//! the file only in part, a sync that fails after the bytes were written). The SQLite points
//! use SQLite's own machinery: the commit is vetoed through a commit hook (SQLite then rolls
//! the transaction back, as when its commit cannot be written), and the WAL point answers
//! the WAL hook (which runs after the commit is in the WAL, where SQLite's automatic
//! checkpoint runs) with `SQLITE_IOERR_FSYNC`, so the `COMMIT` statement reports an error
//! although the transaction is in the WAL, exactly as a failed checkpoint sync does.
//!
//! Outside tests, [`hit`] is a constant `false` and nothing is armed.

use std::path::Path;

/// A step of a local write that can be made to fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(not(test), allow(dead_code, reason = "the SQLite points are hit only through the hooks tests install"))]
pub(crate) enum FaultPoint {
    /// The journal record's `write`: part of the record reaches the file, then `EIO`.
    JournalWrite,
    /// The journal's `fdatasync` after the record was written: `EIO`.
    JournalSync,
    /// A statement of the SQLite transaction (after the write's chunks were inserted).
    SqliteWrite,
    /// SQLite's commit (vetoed: SQLite rolls the transaction back).
    Commit,
    /// The WAL step after the commit (a failed checkpoint sync): the commit is in the WAL
    /// but `COMMIT` reports an I/O error.
    WalSync,
}

/// Armed faults by the file they belong to (a store's path or its journal's).
#[cfg(test)]
static ARMED: std::sync::Mutex<std::collections::BTreeSet<(std::path::PathBuf, FaultPoint)>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// Makes the write path fail once at `point` for the file at `path`.
#[cfg(test)]
pub(crate) fn arm(path: &Path, point: FaultPoint) {
    if let Ok(mut armed) = ARMED.lock() {
        armed.insert((path.to_path_buf(), point));
    }
}

/// Whether the write path at `point` for the file at `path` must fail now (consumes the
/// armed fault). Always `false` outside tests.
#[cfg(test)]
pub(crate) fn hit(path: &Path, point: FaultPoint) -> bool {
    ARMED.lock().map(|mut armed| armed.remove(&(path.to_path_buf(), point))).unwrap_or(false)
}

/// Whether the write path at `point` for the file at `path` must fail now (consumes the
/// armed fault). Always `false` outside tests.
#[cfg(not(test))]
#[inline(always)]
pub(crate) fn hit(_path: &Path, _point: FaultPoint) -> bool {
    false
}

/// The error a failing disk gives.
pub(crate) fn eio() -> std::io::Error {
    std::io::Error::from_raw_os_error(5)
}
