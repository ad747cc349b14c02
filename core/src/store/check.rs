//! `check`: runs SQLite's `integrity_check` over the whole file, then rebuilds the
//! projection from the documents into a scratch database and compares it, row by row, with
//! the projection the store maintained incrementally.

use rusqlite::{Connection, types::Value as SqlValue};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::docs::{DocKey, all_entities};
use crate::error::Result;
use crate::ids::GroupId;
use crate::store::schema::{self, PROJECTION_TABLES};
use crate::store::{Store, StoreError, doc_log, projection, resolve};

/// One row where the incremental projection and the rebuilt one disagree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The table.
    pub table: String,
    /// The row's key.
    pub key: String,
    /// The row in the store's projection (`None`: missing there).
    pub stored: Option<String>,
    /// The row rebuilt from the documents (`None`: should not exist).
    pub rebuilt: Option<String>,
}

/// A fault SQLite's `integrity_check` found in the store file (a damaged page, an index that
/// disagrees with its table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileProblem {
    /// The index or table the problem is in, when SQLite names one.
    pub object: Option<String>,
    /// SQLite's description.
    pub message: String,
}

impl FileProblem {
    fn from_sqlite(message: String) -> Self {
        // SQLite names the object as "... in index NAME", "... from index NAME" or
        // "... of index NAME"; other messages name pages ("Tree 12 page 34 ...").
        let object = ["index ", "table "].iter().find_map(|marker| {
            message.find(marker).map(|at| {
                message
                    .get(at + marker.len()..)
                    .unwrap_or("")
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .next()
                    .unwrap_or("")
                    .to_owned()
            })
        });
        FileProblem { object: object.filter(|o| !o.is_empty()), message }
    }
}

/// What `check` found.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CheckReport {
    /// What SQLite's `integrity_check` found in the file (empty when the file is sound).
    pub file_problems: Vec<FileProblem>,
    /// Groups checked.
    pub groups: u32,
    /// Documents loaded.
    pub documents: u32,
    /// Rows compared.
    pub rows: u64,
    /// Every disagreement (empty when the projection is right).
    pub differences: Vec<Difference>,
}

impl CheckReport {
    /// Whether the file is sound and the projection equals the rebuild.
    pub fn is_clean(&self) -> bool {
        self.file_problems.is_empty() && self.differences.is_empty()
    }
}

fn rows_of(
    conn: &Connection,
    table: &str,
    keys: &str,
    group: &GroupId,
) -> Result<BTreeMap<String, String>, StoreError> {
    let (columns, filter) = match table {
        "item_search" => ("group_id, item_id, body", "group_id = ?1"),
        "groups" => ("*", "id = ?1"),
        _ => ("*", "group_id = ?1"),
    };
    let key_count = keys.split(',').count();
    let mut stmt = conn.prepare(&format!("SELECT {keys}, {columns} FROM {table} WHERE {filter}"))?;
    let width = stmt.column_count();
    let mut rows = stmt.query([group.as_str()])?;
    let mut out = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            let v: SqlValue = r.get(i)?;
            values.push(match v {
                SqlValue::Null => "null".to_owned(),
                SqlValue::Integer(i) => i.to_string(),
                SqlValue::Real(f) => f.to_string(),
                SqlValue::Text(t) => format!("{t:?}"),
                SqlValue::Blob(b) => format!("<{} bytes>", b.len()),
            });
        }
        let key = values[..key_count].join("/");
        out.insert(key, values[key_count..].join(", "));
    }
    Ok(out)
}

impl Store {
    /// Rebuilds the projection of every group (or one) from its stored documents and
    /// compares it with the incremental projection.
    ///
    /// First runs SQLite's `integrity_check` on the whole file (every page, every index
    /// against its table); what it finds is in [`CheckReport::file_problems`]. If the file is
    /// so damaged that the comparison cannot read it, the report holds the file's problems
    /// (and the comparison's error as one more) rather than failing. A damaged file is
    /// mended with [`Store::repair`].
    pub fn check(&mut self, only: Option<&GroupId>) -> Result<CheckReport> {
        let file_problems = integrity_problems(self.conn())?;
        if file_problems.is_empty() {
            return self.compare_projection(only, file_problems);
        }
        match self.compare_projection(only, file_problems.clone()) {
            Ok(report) => Ok(report),
            Err(crate::Error::Store(e)) => {
                let mut file_problems = file_problems;
                file_problems.push(FileProblem { object: None, message: format!("the comparison stopped: {e}") });
                Ok(CheckReport { file_problems, ..CheckReport::default() })
            }
            Err(e) => Err(e),
        }
    }

    fn compare_projection(&mut self, only: Option<&GroupId>, file_problems: Vec<FileProblem>) -> Result<CheckReport> {
        let mut scratch = Connection::open_in_memory()?;
        schema::migrate(&mut scratch, schema::latest_version())?;
        let groups: Vec<GroupId> = match only {
            Some(g) => {
                self.group(g)?;
                vec![g.clone()]
            }
            None => self.stored_group_ids()?,
        };
        let mut report = CheckReport { file_problems, ..CheckReport::default() };
        for group in &groups {
            report.groups += 1;
            // The catalogue first, as when rebuilding: the other documents are judged by it.
            let mut keys: Vec<DocKey> = doc_log::list(self.conn(), group)?.into_iter().map(|(key, _)| key).collect();
            keys.sort_by_key(|key| *key != DocKey::Catalogue);
            for key in keys {
                if let Some(doc) = doc_log::load(self.conn(), group, key)? {
                    report.documents += 1;
                    let refs = all_entities(&doc, &key)?;
                    projection::project(&scratch, group, key, &doc, refs.iter())?;
                }
            }
            resolve::resolve_all(&scratch, group)?;
            for (table, keys) in PROJECTION_TABLES {
                let stored = rows_of(self.conn(), table, keys, group)?;
                let rebuilt = rows_of(&scratch, table, keys, group)?;
                report.rows += stored.len().max(rebuilt.len()) as u64;
                for (key, row) in &stored {
                    if rebuilt.get(key) != Some(row) {
                        report.differences.push(Difference {
                            table: (*table).to_owned(),
                            key: key.clone(),
                            stored: Some(row.clone()),
                            rebuilt: rebuilt.get(key).cloned(),
                        });
                    }
                }
                for (key, row) in &rebuilt {
                    if !stored.contains_key(key) {
                        report.differences.push(Difference {
                            table: (*table).to_owned(),
                            key: key.clone(),
                            stored: None,
                            rebuilt: Some(row.clone()),
                        });
                    }
                }
            }
        }
        Ok(report)
    }
}

/// SQLite's `integrity_check` of the whole file: every fault it reports (at most 100).
pub(crate) fn integrity_problems(conn: &Connection) -> Result<Vec<FileProblem>, StoreError> {
    let run = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare("PRAGMA integrity_check(100)")?;
        stmt.query_map([], |r| r.get::<_, String>(0))?.collect()
    };
    let lines = match run() {
        Ok(lines) => lines,
        // So damaged that the whole check stops: check table by table (each with its
        // indexes) to tell where.
        Err(e) => match StoreError::from(e) {
            StoreError::Corrupt { reason } => return per_table(conn, reason),
            other => return Err(other),
        },
    };
    Ok(lines
        .into_iter()
        .filter(|line| line != "ok")
        .flat_map(|line| line.lines().map(str::to_owned).collect::<Vec<_>>())
        .filter(|line| !line.trim().is_empty() && !line.starts_with("*** in database"))
        .map(FileProblem::from_sqlite)
        .collect())
}

/// `integrity_check` of each table (with its indexes) on its own, after the whole check
/// stopped with `reason`: the tables it cannot finish are named.
fn per_table(conn: &Connection, reason: String) -> Result<Vec<FileProblem>, StoreError> {
    let tables: Vec<String> = match conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .and_then(|mut stmt| stmt.query_map([], |r| r.get::<_, String>(0))?.collect())
    {
        Ok(tables) => tables,
        Err(_) => return Ok(vec![FileProblem { object: None, message: reason }]),
    };
    let mut problems = Vec::new();
    for table in tables {
        let found = conn
            .prepare("SELECT * FROM pragma_integrity_check(?1)")
            .and_then(|mut stmt| stmt.query_map([&table], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>());
        match found {
            Ok(lines) => problems.extend(lines.into_iter().filter(|line| line != "ok").map(FileProblem::from_sqlite)),
            Err(e) => problems.push(FileProblem { object: Some(table), message: e.to_string() }),
        }
    }
    if problems.is_empty() {
        problems.push(FileProblem { object: None, message: reason });
    }
    Ok(problems)
}
