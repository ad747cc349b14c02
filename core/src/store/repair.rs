//! `repair`: rebuilds a damaged store file from what it holds that cannot be derived.
//!
//! The documents (with their attestations), the device identity and the local state that
//! no document holds (sync peers, invites, notifications) are copied, table by table and
//! reading each table's own rows rather than through any index, into a new file made with
//! the same schema. The new file then takes the damaged one's name (the damaged file is
//! kept beside it, renamed), the store is opened (which applies any change-journal record
//! the damaged file had not committed) and every group's projection is rebuilt from its
//! documents. The device keeps its identity, and every acknowledged write whose document
//! rows could be read survives; a bundle or a peer can then bring back what could not.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::schema::{self, PROJECTION_TABLES};
use crate::store::{Store, StoreError, lock_store, store_file};
use crate::time::Clock;

/// What `repair` did.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RepairReport {
    /// Tables copied into the new file.
    pub tables_copied: u32,
    /// Rows copied.
    pub rows_copied: u64,
    /// Tables whose rows could not be read (their data is lost from this device unless a
    /// bundle or a peer brings it back).
    pub unreadable_tables: Vec<String>,
    /// Groups whose projection was rebuilt.
    pub groups: u32,
    /// Where the damaged file was kept.
    pub damaged_copy: String,
}

/// Tables whose rows are derived from the documents (the projection and the search
/// index's own tables): rebuilt, never copied.
fn is_derived(table: &str) -> bool {
    table.starts_with("sqlite_")
        || table.starts_with("item_search")
        || PROJECTION_TABLES.iter().any(|(name, _)| *name == table)
}

fn columns(conn: &Connection, schema_name: &str, table: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1, ?2)")?;
    let names = stmt.query_map([table, schema_name], |r| r.get::<_, String>(0))?.collect::<Result<_, _>>()?;
    Ok(names)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Store {
    /// Rebuilds the store file at `path` from its documents (see the module doc), and
    /// returns what it did. The store must not be open. The store then opens as usual.
    pub fn repair(path: impl AsRef<Path>, clock: Arc<dyn Clock>) -> Result<RepairReport> {
        let path = path.as_ref().to_path_buf();
        let lock = lock_store(&path)?;
        if store_file::inspect(&path)? == store_file::Found::Nothing {
            return Err(
                StoreError::Io { path: path.display().to_string(), message: "no store file there".into() }.into()
            );
        }
        let mut report = RepairReport::default();
        let temp = store_file::with_suffix(&path, ".repairing");
        for leftover in [temp.clone(), store_file::with_suffix(&temp, "-journal")] {
            if leftover.exists() {
                std::fs::remove_file(&leftover)
                    .map_err(|e| StoreError::Io { path: leftover.display().to_string(), message: e.to_string() })?;
            }
        }
        copy_into(&path, &temp, &mut report)?;

        // The damaged file (and its WAL, if closing left one) is kept, renamed.
        let damaged = store_file::with_suffix(&path, &format!(".damaged-{}", clock.now().0));
        let rename = |from: &Path, to: &Path| {
            std::fs::rename(from, to)
                .map_err(|e| StoreError::Io { path: from.display().to_string(), message: e.to_string() })
        };
        for suffix in ["-wal", "-shm"] {
            let side = store_file::with_suffix(&path, suffix);
            if side.exists() {
                rename(&side, &store_file::with_suffix(&damaged, suffix))?;
            }
        }
        rename(&path, &damaged)?;
        rename(&temp, &path)?;
        store_file::sync_parent(&path)?;
        report.damaged_copy = damaged.display().to_string();
        drop(lock);

        let mut store = Store::open_with_clock(&path, clock)?;
        for group in store.stored_group_ids()? {
            store.rebuild_projection(&group)?;
            report.groups += 1;
        }
        Ok(report)
    }
}

/// Makes `temp` a store of the damaged file's schema version holding its copied tables.
fn copy_into(path: &Path, temp: &PathBuf, report: &mut RepairReport) -> Result<(), StoreError> {
    let mut conn = Connection::open(temp)?;
    conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;")?;
    conn.execute("ATTACH DATABASE ?1 AS damaged", [path.display().to_string()])?;
    let version: i64 = conn.query_row("PRAGMA damaged.user_version", [], |r| r.get(0))?;
    if version > schema::latest_version() {
        return Err(StoreError::NewerSchema { found: version, supported: schema::latest_version() });
    }
    conn.execute("DETACH DATABASE damaged", [])?;
    // The same schema as the damaged file: opening the result migrates it as usual.
    schema::migrate(&mut conn, version)?;
    conn.execute("ATTACH DATABASE ?1 AS damaged", [path.display().to_string()])?;
    let tables: Vec<String> = {
        let mut stmt = conn.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' ORDER BY name")?;
        stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<_, _>>()?
    };
    conn.execute_batch("PRAGMA foreign_keys = OFF; BEGIN;")?;
    for table in tables.iter().filter(|t| !is_derived(t)) {
        let theirs = columns(&conn, "damaged", table)?;
        let shared: Vec<String> =
            columns(&conn, "main", table)?.into_iter().filter(|c| theirs.contains(c)).map(|c| quoted(&c)).collect();
        if shared.is_empty() {
            continue;
        }
        let list = shared.join(", ");
        // NOT INDEXED: the rows are read from the table itself, never through an index
        // that may be the damaged part.
        let sql = format!(
            "INSERT OR IGNORE INTO main.{t} ({list}) SELECT {list} FROM damaged.{t} NOT INDEXED",
            t = quoted(table)
        );
        match conn.execute(&sql, []) {
            Ok(rows) => {
                report.tables_copied += 1;
                report.rows_copied += rows as u64;
            }
            Err(e) => {
                tracing::error!(%table, %e, "a table of the damaged store could not be read");
                report.unreadable_tables.push(table.clone());
            }
        }
    }
    conn.execute_batch("COMMIT;")?;
    conn.execute("DETACH DATABASE damaged", [])?;
    let identity: i64 = conn.query_row("SELECT COUNT(*) FROM local_device", [], |r| r.get(0))?;
    if identity != 1 {
        return Err(StoreError::Corrupt {
            reason: "the device identity could not be read from the damaged store; it cannot be repaired".into(),
        });
    }
    conn.close().map_err(|(_, e)| StoreError::from(e))?;
    std::fs::File::open(temp)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::Io { path: temp.display().to_string(), message: e.to_string() })?;
    Ok(())
}
