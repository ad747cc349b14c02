//! Persistence of automerge documents: a snapshot plus appended incremental chunks.
//!
//! A write appends only the changes it made (`save_after` of the heads already persisted,
//! a few hundred bytes), in the same SQLite transaction as the projection update, so an
//! acknowledged write is durable and the projection never disagrees with the documents.
//! When a document's chunks grow past a threshold they are folded into a new snapshot
//! (compaction), again in one transaction. The snapshot lives in its own table: the
//! document's row, which every write updates, stays a few dozen bytes whatever the
//! document's size.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ReadDoc};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;

use crate::docs::{DocKey, actor_of};
use crate::ids::{DeviceId, GroupId};
use crate::store::StoreError;

/// Compact a document when it has this many chunks...
const COMPACT_CHUNKS: i64 = 256;
/// ...or when its chunks add up to more than this many bytes beyond the snapshot size.
const COMPACT_SLACK_BYTES: i64 = 256 * 1024;
/// How many documents stay loaded in memory at most...
const CACHE_CAPACITY: usize = 32;
/// ...and how much memory they may take together, by [`estimated_bytes`]. The document in
/// use stays loaded whatever its size; the least recently used others are dropped to make
/// room. A month of 4,000 bookings takes about 6.5 MB loaded, so a few of the busiest
/// months stay loaded, and a device receiving a whole group holds no more than this while
/// it merges one document after another. The crate's unit tests keep nothing beyond the
/// document in use and those holding a write in progress, so that every test runs with
/// documents dropped and loaded again between uses.
#[cfg(not(test))]
const CACHE_BUDGET_BYTES: u64 = 24 * 1024 * 1024;
#[cfg(test)]
const CACHE_BUDGET_BYTES: u64 = 0;
/// Memory a loaded automerge document takes per operation (measured: 6.5 MB for the 43,000
/// operations of a month of 4,000 bookings).
const BYTES_PER_OP: u64 = 160;

/// An estimate of the memory a loaded document takes, from its number of operations.
fn estimated_bytes(doc: &AutoCommit) -> u64 {
    doc.stats().num_ops.saturating_mul(BYTES_PER_OP)
}

/// What [`DocCache::get`] does when the store does not have the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    /// Return `None`.
    Skip,
    /// Create a new document this device starts (a catalogue gets its containers).
    CreateNew,
    /// Create an empty document, to merge changes received from another device into.
    CreateEmpty,
}

/// A document loaded in memory.
pub(crate) struct LoadedDoc {
    /// The document.
    pub doc: AutoCommit,
    /// Heads already written to SQLite.
    pub persisted_heads: Vec<ChangeHash>,
    last_used: u64,
}

impl LoadedDoc {
    /// Whether everything the document holds is in SQLite (nothing uncommitted, no heads
    /// beyond the persisted ones).
    fn is_persisted(&mut self) -> bool {
        self.doc.pending_ops() == 0 && self.doc.get_heads() == self.persisted_heads
    }
}

/// Documents loaded in memory, least recently used dropped first.
#[derive(Default)]
pub(crate) struct DocCache {
    docs: HashMap<(GroupId, DocKey), LoadedDoc>,
    tick: u64,
}

impl DocCache {
    /// The document, loaded from SQLite if needed; what to do when the store does not have
    /// it is `missing`.
    pub fn get(
        &mut self,
        conn: &Connection,
        group: &GroupId,
        key: DocKey,
        device: &DeviceId,
        missing: Missing,
    ) -> Result<Option<&mut LoadedDoc>, StoreError> {
        self.tick += 1;
        let tick = self.tick;
        let cache_key = (group.clone(), key);
        if !self.docs.contains_key(&cache_key) {
            let (doc, persisted_heads) = match load(conn, group, key)? {
                Some(mut doc) => {
                    let heads = doc.get_heads();
                    (doc.with_actor(actor_of(device)), heads)
                }
                None => match missing {
                    Missing::Skip => return Ok(None),
                    Missing::CreateNew => (crate::docs::new_document(&key, device)?, Vec::new()),
                    Missing::CreateEmpty => (AutoCommit::new().with_actor(actor_of(device)), Vec::new()),
                },
            };
            self.docs.insert(cache_key.clone(), LoadedDoc { doc, persisted_heads, last_used: tick });
        }
        self.make_room(&cache_key);
        let entry = self.docs.get_mut(&cache_key);
        if let Some(e) = entry {
            e.last_used = tick;
            return Ok(Some(e));
        }
        Ok(None)
    }

    /// Forgets a loaded document (after a failed write, so it is reloaded from SQLite).
    pub fn evict(&mut self, group: &GroupId, key: DocKey) {
        self.docs.remove(&(group.clone(), key));
    }

    /// Drops the least recently used documents other than `keep` until the rest fit
    /// [`CACHE_CAPACITY`] and [`CACHE_BUDGET_BYTES`]. Sizes are taken now: documents grow
    /// as changes are written and merged into them. A document holding anything not yet
    /// in SQLite (changes of a write in progress) is never dropped: its changes would be
    /// lost.
    fn make_room(&mut self, keep: &(GroupId, DocKey)) {
        let mut total: u64 = self.docs.values().map(|d| estimated_bytes(&d.doc)).sum();
        while self.docs.len() > CACHE_CAPACITY || total > CACHE_BUDGET_BYTES {
            let oldest = self
                .docs
                .iter_mut()
                .filter_map(|(k, d)| (k != keep && d.is_persisted()).then_some((k, d.last_used)))
                .min_by_key(|(_, used)| *used)
                .map(|(k, _)| k.clone());
            match oldest.and_then(|k| self.docs.remove(&k)) {
                Some(dropped) => total = total.saturating_sub(estimated_bytes(&dropped.doc)),
                None => break,
            }
        }
    }
}

fn encode_heads(heads: &[ChangeHash]) -> Vec<u8> {
    let mut sorted = heads.to_vec();
    sorted.sort();
    sorted.iter().flat_map(|h| h.0).collect()
}

/// Decodes heads stored by [`append`].
pub(crate) fn decode_heads(bytes: &[u8]) -> Vec<ChangeHash> {
    bytes.chunks_exact(32).filter_map(|c| <[u8; 32]>::try_from(c).ok().map(ChangeHash)).collect()
}

/// Loads a document from its snapshot and chunks; `None` if the store has no such document.
pub(crate) fn load(conn: &Connection, group: &GroupId, key: DocKey) -> Result<Option<AutoCommit>, StoreError> {
    let row: Option<(i64, Option<Vec<u8>>)> = conn
        .prepare_cached(
            "SELECT d.id, s.data FROM documents d LEFT JOIN document_snapshots s ON s.doc = d.id
             WHERE d.group_id = ?1 AND d.key = ?2",
        )?
        .query_row(params![group.as_str(), key.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((id, snapshot)) = row else {
        return Ok(None);
    };
    let snapshot = snapshot.unwrap_or_default();
    let corrupt = |e: automerge::AutomergeError| StoreError::Corrupt {
        reason: format!("document {key} of group {group} does not load: {e}"),
    };
    // The snapshot and the chunks after it form one valid byte stream: load it at once (one
    // pass is many times faster than applying the chunks one by one).
    let mut bytes = snapshot;
    let mut stmt = conn.prepare_cached("SELECT data FROM document_chunks WHERE doc = ?1 ORDER BY seq")?;
    let mut rows = stmt.query([id])?;
    while let Some(r) = rows.next()? {
        let data: Vec<u8> = r.get(0)?;
        bytes.extend_from_slice(&data);
    }
    if bytes.is_empty() {
        return Ok(Some(AutoCommit::new()));
    }
    let options = automerge::LoadOptions::new().on_partial_load(automerge::OnPartialLoad::Error);
    let doc = AutoCommit::load_with_options(&bytes, options).map_err(corrupt)?;
    Ok(Some(doc))
}

/// Appends the changes of `doc` not yet persisted as a new chunk. Returns the heads to
/// record as persisted once the surrounding transaction commits, or `None` if there was
/// nothing new.
pub(crate) fn append(
    conn: &Connection,
    group: &GroupId,
    key: DocKey,
    loaded: &mut LoadedDoc,
) -> Result<Option<Vec<ChangeHash>>, StoreError> {
    let data = loaded.doc.save_after(&loaded.persisted_heads);
    if data.is_empty() {
        return Ok(None);
    }
    let heads = loaded.doc.get_heads();
    append_chunk(conn, group, key, &data, &heads)?;
    Ok(Some(heads))
}

/// Appends `data` (changes taken with `save_after` of the persisted heads) as a new chunk of
/// the document, whose heads are then `heads`.
pub(crate) fn append_chunk(
    conn: &Connection,
    group: &GroupId,
    key: DocKey,
    data: &[u8],
    heads: &[ChangeHash],
) -> Result<(), StoreError> {
    let id = document_id(conn, group, key)?;
    conn.prepare_cached(
        "INSERT INTO document_chunks (doc, seq, data)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM document_chunks WHERE doc = ?1), ?2)",
    )?
    .execute(params![id, data])?;
    conn.prepare_cached(
        "UPDATE documents SET heads = ?2, chunk_count = chunk_count + 1, chunk_bytes = chunk_bytes + ?3 WHERE id = ?1",
    )?
    .execute(params![id, encode_heads(heads), data.len() as i64])?;
    Ok(())
}

/// How urgently a document's chunks should be folded into its snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compaction {
    /// Not yet.
    NotNeeded,
    /// Its chunks passed the threshold: fold them when the device has a moment.
    Due,
    /// Its chunks passed four times the threshold (nobody folded them): fold them now.
    Overdue,
}

/// Whether a document's chunks have grown enough to fold them into its snapshot.
pub(crate) fn needs_compaction(conn: &Connection, group: &GroupId, key: DocKey) -> Result<bool, StoreError> {
    Ok(compaction(conn, group, key)? != Compaction::NotNeeded)
}

/// How urgently a document needs compaction.
pub(crate) fn compaction(conn: &Connection, group: &GroupId, key: DocKey) -> Result<Compaction, StoreError> {
    let row: Option<(i64, i64, i64)> = conn
        .prepare_cached(
            "SELECT chunk_count, chunk_bytes, snapshot_bytes FROM documents WHERE group_id = ?1 AND key = ?2",
        )?
        .query_row(params![group.as_str(), key.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((count, bytes, snapshot)) if count >= 4 * COMPACT_CHUNKS || bytes > snapshot + 4 * COMPACT_SLACK_BYTES => {
            Compaction::Overdue
        }
        Some((count, bytes, snapshot)) if count >= COMPACT_CHUNKS || bytes > snapshot + COMPACT_SLACK_BYTES => {
            Compaction::Due
        }
        _ => Compaction::NotNeeded,
    })
}

/// Replaces a document's snapshot and chunks with one full save, in one transaction.
pub(crate) fn compact(
    conn: &mut Connection,
    group: &GroupId,
    key: DocKey,
    doc: &mut AutoCommit,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    put_snapshot(&tx, group, key, doc)?;
    tx.commit()?;
    Ok(())
}

/// Stores a full save of `doc` as the document's snapshot, in place of its snapshot and
/// chunks, adding the document if the store does not have it (a document received whole
/// is stored at once as its snapshot, rather than as one large chunk folded right after).
/// Returns the heads to record as persisted once the surrounding transaction commits.
pub(crate) fn put_snapshot(
    conn: &Connection,
    group: &GroupId,
    key: DocKey,
    doc: &mut AutoCommit,
) -> Result<Vec<ChangeHash>, StoreError> {
    let snapshot = doc.save();
    let heads = doc.get_heads();
    let id = document_id(conn, group, key)?;
    conn.prepare_cached(
        "INSERT INTO document_snapshots (doc, data) VALUES (?1, ?2) ON CONFLICT (doc) DO UPDATE SET data = excluded.data",
    )?
    .execute(params![id, snapshot])?;
    conn.prepare_cached(
        "UPDATE documents SET snapshot_bytes = ?2, heads = ?3, chunk_count = 0, chunk_bytes = 0 WHERE id = ?1",
    )?
    .execute(params![id, snapshot.len() as i64, encode_heads(&heads)])?;
    conn.prepare_cached("DELETE FROM document_chunks WHERE doc = ?1")?.execute([id])?;
    Ok(heads)
}

/// The row id of a document, added if the store does not have it.
fn document_id(conn: &Connection, group: &GroupId, key: DocKey) -> Result<i64, StoreError> {
    let key = key.to_string();
    let known: Option<i64> = conn
        .prepare_cached("SELECT id FROM documents WHERE group_id = ?1 AND key = ?2")?
        .query_row(params![group.as_str(), key], |r| r.get(0))
        .optional()?;
    match known {
        Some(id) => Ok(id),
        None => Ok(conn
            .prepare_cached("INSERT INTO documents (group_id, key) VALUES (?1, ?2) RETURNING id")?
            .query_row(params![group.as_str(), key], |r| r.get(0))?),
    }
}

/// The documents of a group present in the store, with their stored heads.
pub(crate) fn list(conn: &Connection, group: &GroupId) -> Result<Vec<(DocKey, Vec<ChangeHash>)>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT key, heads FROM documents WHERE group_id = ?1 ORDER BY key")?;
    let rows = stmt.query_map([group.as_str()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (key, heads) = row?;
        match DocKey::parse(&key) {
            Some(k) => out.push((k, decode_heads(&heads))),
            None => return Err(StoreError::Corrupt { reason: format!("unknown document key '{key}'") }),
        }
    }
    Ok(out)
}
