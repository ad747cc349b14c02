//! Telling a store file from anything else before opening it, and making a new one whole.
//!
//! A store file that exists is opened only if it is an SQLite database holding a Delbar
//! schema and a device identity. An empty file, a file too short to be a database, a file
//! of another format or the SQLite database of another app is refused with
//! [`StoreError::NotAStore`]: never taken as a new store, which would give the device a new
//! identity and leave the change journal beside it unread.
//!
//! A new store is therefore made whole before it appears under its name: it is built
//! under a temporary name (schema and device key), closed, synced, and renamed into place.
//! A crash while making it leaves the temporary file, which the next attempt replaces, and
//! never a store file without a schema.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};

use crate::store::{StoreError, schema};

/// The first 16 bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
/// SQLite's database header is 100 bytes; its smallest page is 512.
const MIN_DATABASE_BYTES: u64 = 512;

/// What is at a store's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    /// Nothing: a new store is made there.
    Nothing,
    /// An SQLite database (whether it is a Delbar store is checked once it is open).
    Database,
}

fn not_a_store(path: &Path, reason: impl Into<String>) -> StoreError {
    StoreError::NotAStore { path: path.display().to_string(), reason: reason.into() }
}

/// Looks at the file at `path` without opening it as a database.
pub(crate) fn inspect(path: &Path) -> Result<Found, StoreError> {
    let io = |e: std::io::Error| StoreError::Io { path: path.display().to_string(), message: e.to_string() };
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(io(e)),
    };
    let len = file.metadata().map_err(io)?.len();
    if len == 0 {
        return Err(not_a_store(path, "the file is empty"));
    }
    if len < MIN_DATABASE_BYTES {
        return Err(not_a_store(path, format!("the file has only {len} bytes, too few for a database")));
    }
    let mut header = [0u8; 16];
    file.read_exact(&mut header).map_err(io)?;
    if &header != SQLITE_HEADER {
        return Err(not_a_store(path, "the file is not an SQLite database"));
    }
    Ok(Found::Database)
}

/// Checks that an open database is a Delbar store: a schema version, the documents table
/// and a device identity.
pub(crate) fn verify(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let version = schema::current_version(conn)?;
    let table = |name: &str| -> Result<bool, StoreError> {
        Ok(conn
            .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", [name], |_| Ok(true))
            .optional()?
            .unwrap_or(false))
    };
    if version <= 0 || !table("documents")? || !table("local_device")? {
        return Err(not_a_store(path, "the file is an SQLite database but not a Delbar store"));
    }
    let identity: Option<i64> =
        conn.query_row("SELECT id FROM local_device WHERE id = 1", [], |r| r.get(0)).optional()?;
    if identity.is_none() {
        return Err(not_a_store(path, "the Delbar store has no device identity"));
    }
    Ok(())
}

/// `path` with `suffix` appended to its file name.
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Makes a new store at `path` (which must not exist): `build` creates its schema and
/// device identity on a connection to a temporary file, which is then closed, synced and
/// renamed to `path`.
pub(crate) fn create(
    path: &Path,
    build: impl FnOnce(&mut Connection) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let io = |at: &Path| {
        let at = at.display().to_string();
        move |e: std::io::Error| StoreError::Io { path: at.clone(), message: e.to_string() }
    };
    let temp = with_suffix(path, ".new");
    for leftover in [temp.clone(), with_suffix(&temp, "-wal"), with_suffix(&temp, "-shm")] {
        match std::fs::remove_file(&leftover) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&leftover)(e)),
            _ => {}
        }
    }
    {
        let mut conn = Connection::open(&temp)?;
        // A rollback journal (not WAL) while it is built: closing leaves one whole file.
        conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;")?;
        build(&mut conn)?;
        conn.close().map_err(|(_, e)| StoreError::from(e))?;
    }
    File::open(&temp).and_then(|f| f.sync_all()).map_err(io(&temp))?;
    std::fs::rename(&temp, path).map_err(io(path))?;
    sync_parent(path)
}

/// Syncs the directory holding `path`, so that a rename into it survives a power loss.
pub(crate) fn sync_parent(path: &Path) -> Result<(), StoreError> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(parent)
        .and_then(|d| d.sync_all())
        .map_err(|e| StoreError::Io { path: parent.display().to_string(), message: e.to_string() })
}
