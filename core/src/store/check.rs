//! `check`: rebuilds the projection from the documents into a scratch database and compares
//! it, row by row, with the projection the store maintained incrementally.

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

/// What `check` found.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CheckReport {
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
    /// Whether the projection equals the rebuild.
    pub fn is_clean(&self) -> bool {
        self.differences.is_empty()
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
    pub fn check(&mut self, only: Option<&GroupId>) -> Result<CheckReport> {
        let mut scratch = Connection::open_in_memory()?;
        schema::migrate(&mut scratch, schema::latest_version())?;
        let groups: Vec<GroupId> = match only {
            Some(g) => {
                self.group(g)?;
                vec![g.clone()]
            }
            None => self.stored_group_ids()?,
        };
        let mut report = CheckReport::default();
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
