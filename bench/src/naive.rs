//! The naive design measured against: one automerge document holding the whole group, and
//! queries that walk it. This is what the `GUIDE.md` baseline measures.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use automerge::transaction::CommitOptions;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, Value};
use delbar_core::docs::{DocKey, Entity, ITEMS_KEY, actor_of, new_document, read_json, write_entity_field_by_field};
use delbar_core::domain::{BookingRecord, Item, text};
use delbar_core::ids::DeviceId;
use delbar_core::store::StoreError;
use delbar_core::time::Timestamp;

/// One document with everything.
pub struct Naive {
    doc: AutoCommit,
}

impl Naive {
    /// An empty group document.
    pub fn new(device: &DeviceId) -> Result<Self, StoreError> {
        Ok(Self { doc: new_document(&DocKey::Catalogue, device)? })
    }

    /// Loads a saved document (what a cold open does).
    pub fn load(path: &Path) -> Result<Self, StoreError> {
        let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
        Ok(Self { doc: AutoCommit::load(&bytes)? })
    }

    pub fn add_item(&mut self, item: &Item) -> Result<(), StoreError> {
        write_entity_field_by_field(&mut self.doc, &Entity::Item(item.clone()))?;
        self.doc.commit();
        Ok(())
    }

    /// Adds a booking as its own change, as a phone would.
    pub fn add_booking(&mut self, b: &BookingRecord, device: &DeviceId) -> Result<(), StoreError> {
        self.write(&[Entity::Booking(b.clone())], device, b.created)
    }

    /// Writes the entities of one action (a booking and its activity entry) as one change
    /// by `device` at `at`.
    pub fn write(&mut self, entities: &[Entity], device: &DeviceId, at: Timestamp) -> Result<(), StoreError> {
        self.doc.set_actor(actor_of(device));
        for entity in entities {
            write_entity_field_by_field(&mut self.doc, entity)?;
        }
        self.doc.commit_with(CommitOptions::default().with_time(at.0.div_euclid(1000)));
        Ok(())
    }

    /// Writes a history: each device writes its own changes, in order, on its own copy of
    /// the document (as devices offline while they wrote), then all copies are merged in one
    /// batch. The same changes as writing them one after another into this document, at a
    /// cost that does not grow with the whole history.
    pub fn write_on_branches<'a>(
        &mut self,
        writes: impl Iterator<Item = (&'a DeviceId, Timestamp, &'a [Entity])>,
    ) -> Result<(), StoreError> {
        let base = self.doc.get_heads();
        let mut branches: BTreeMap<&DeviceId, AutoCommit> = BTreeMap::new();
        for (device, at, entities) in writes {
            let branch = branches.entry(device).or_insert_with(|| self.doc.fork().with_actor(actor_of(device)));
            for entity in entities {
                write_entity_field_by_field(branch, entity)?;
            }
            branch.commit_with(CommitOptions::default().with_time(at.0.div_euclid(1000)));
        }
        let mut bytes = Vec::new();
        for branch in branches.values_mut() {
            bytes.extend(branch.save_after(&base));
        }
        self.doc.load_incremental(&bytes)?;
        Ok(())
    }

    /// A copy, as another device holding the same document.
    pub fn fork(&mut self) -> Self {
        Self { doc: self.doc.fork() }
    }

    /// The document.
    pub fn doc_mut(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    pub fn save_to(&mut self, path: &Path) -> Result<(), StoreError> {
        std::fs::write(path, self.doc.save()).map_err(|e| io(path, e))
    }

    /// The item list, by name (walks every item).
    pub fn item_names(&self) -> Result<Vec<String>, StoreError> {
        let mut names = Vec::new();
        if let Some((Value::Object(ObjType::Map), items)) = self.doc.get(ROOT, ITEMS_KEY)? {
            for key in self.doc.keys(&items) {
                if let Some(serde_json::Value::Object(m)) = read_json(&self.doc, &items, key.as_str())?
                    && let Some(serde_json::Value::String(n)) = m.get("name")
                {
                    names.push(n.clone());
                }
            }
        }
        names.sort();
        Ok(names)
    }

    /// Units of `item` taken in `[start, end)` (walks every booking).
    pub fn busy_units(&self, item: &str, start: Timestamp, end: Timestamp) -> Result<u32, StoreError> {
        let mut units = 0;
        for key in self.doc.keys(ROOT) {
            if key == ITEMS_KEY || key == "group" || key == "members" {
                continue;
            }
            let Some((Value::Object(ObjType::Map), obj)) = self.doc.get(ROOT, key.as_str())? else { continue };
            let get_i = |k: &str| -> Result<i64, StoreError> {
                Ok(match self.doc.get(&obj, k)? {
                    Some((Value::Scalar(s), _)) => s.as_i64().unwrap_or(0),
                    _ => 0,
                })
            };
            let same_item =
                matches!(self.doc.get(&obj, "item")?, Some((Value::Scalar(s), _)) if s.as_str() == Some(item));
            if same_item && get_i("start")? < end.0 && get_i("end")? > start.0 {
                units += get_i("units")? as u32;
            }
        }
        Ok(units)
    }

    /// Items whose folded name has a word starting with `prefix` (walks every item).
    pub fn search(&self, prefix: &str) -> Result<usize, StoreError> {
        let prefix = text::fold(prefix);
        Ok(self.item_names()?.iter().filter(|n| text::fold(n).split(' ').any(|w| w.starts_with(&prefix))).count())
    }

    /// A durable write: one booking appended to the document's file and synced.
    pub fn durable_write(&mut self, path: &Path, b: &BookingRecord, device: &DeviceId) -> Result<(), StoreError> {
        let heads = self.doc.get_heads();
        self.add_booking(b, device)?;
        let bytes = self.doc.save_after(&heads);
        let mut f = OpenOptions::new().append(true).open(path).map_err(|e| io(path, e))?;
        f.write_all(&bytes).map_err(|e| io(path, e))?;
        f.sync_data().map_err(|e| io(path, e))
    }
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Io { path: path.display().to_string(), message: e.to_string() }
}
