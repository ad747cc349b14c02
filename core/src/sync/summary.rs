//! What a device holds of a group, in forms cheap to exchange.
//!
//! - [`Summary`]: document key -> 16-byte hash of its heads, read from the stored heads
//!   without loading any document. Two devices compare summaries first, so a document
//!   neither changed costs 25 bytes or so and no work.
//! - [`KnownHeads`]: document key -> heads, what a device holds of the documents that
//!   differ; the other side answers with exactly the changes those heads lack.

use automerge::ChangeHash;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

use crate::Store;
use crate::docs::DocKey;
use crate::error::Result;
use crate::ids::{DeviceId, GroupId};
use crate::store::doc_log;
use crate::trust::attest::{self, Attestation};

/// Hash of a document's heads (order-independent), truncated to 16 bytes.
pub type HeadsHash = [u8; 16];

/// A compact digest of the documents a device holds of one group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Document key (`catalogue`, `bookings/2026-11`, ...) -> hash of its heads.
    pub docs: BTreeMap<String, HeadsHash>,
}

impl Summary {
    /// The summary of what `store` holds of `group` (no document is loaded).
    pub fn of(store: &Store, group: &GroupId) -> Result<Self> {
        let docs = doc_log::list(store.conn(), group)?
            .into_iter()
            .map(|(key, heads)| (key.to_string(), heads_hash(&heads)))
            .collect();
        Ok(Summary { docs })
    }

    /// The keys of the documents that differ between two summaries (present on one side
    /// only, or with other heads), sorted. Both sides compute the same list.
    pub fn differing(&self, other: &Summary) -> Vec<String> {
        let mut keys: Vec<String> = self
            .docs
            .iter()
            .filter(|(k, h)| other.docs.get(*k) != Some(h))
            .map(|(k, _)| k.clone())
            .chain(other.docs.keys().filter(|k| !self.docs.contains_key(*k)).cloned())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// The hash of a set of heads, independent of their order.
pub fn heads_hash(heads: &[ChangeHash]) -> HeadsHash {
    let mut sorted = heads.to_vec();
    sorted.sort();
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"delbar heads v1");
    for h in &sorted {
        hasher.update(&h.0);
    }
    let mut out = [0u8; 16];
    out.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
    out
}

/// What a device holds of some documents of a group: document key -> heads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownHeads {
    /// Document key -> the heads held (as raw 32-byte change hashes).
    pub docs: BTreeMap<String, Vec<[u8; 32]>>,
}

impl KnownHeads {
    /// The heads `store` holds of every document of `group` (no document is loaded).
    pub fn of(store: &Store, group: &GroupId) -> Result<Self> {
        let docs = doc_log::list(store.conn(), group)?
            .into_iter()
            .map(|(key, heads)| (key.to_string(), heads.iter().map(|h| h.0).collect()))
            .collect();
        Ok(KnownHeads { docs })
    }

    /// The heads of one document; empty if unknown.
    pub fn heads(&self, key: &str) -> Vec<ChangeHash> {
        self.docs.get(key).map(|hs| hs.iter().map(|h| ChangeHash(*h)).collect()).unwrap_or_default()
    }
}

/// The heads this device holds of each document of `group`, by key.
pub(crate) fn local_heads(store: &Store, group: &GroupId) -> Result<BTreeMap<DocKey, Vec<ChangeHash>>> {
    Ok(doc_log::list(store.conn(), group)?.into_iter().collect())
}

/// The changes of one document that a device holding `their_heads` lacks, compressed (a full
/// save when it holds nothing of it, else an automerge bundle of the changes), with the
/// attestations of their authors; empty if there are none or this device lacks the document. Heads this device does not know are ignored
/// (the answer then may repeat changes the other side has, which applying ignores).
pub(crate) fn changes_after(
    store: &Store,
    group: &GroupId,
    key: DocKey,
    their_heads: &[ChangeHash],
) -> Result<(Vec<u8>, Vec<Attestation>)> {
    changes_after_with(store, group, key, their_heads, &[])
}

/// [`changes_after`] for a peer that also announced `recorded` in an earlier session. Those
/// are taken as held only when `their_heads` include changes this device does not know (both
/// sides changed the document): otherwise `their_heads` say exactly what the peer holds, and a
/// peer whose store was restored from an older copy no longer holds what it announced then.
pub(crate) fn changes_after_with(
    store: &Store,
    group: &GroupId,
    key: DocKey,
    their_heads: &[ChangeHash],
    recorded: &[ChangeHash],
) -> Result<(Vec<u8>, Vec<Attestation>)> {
    let Some(mut doc) = doc_log::load(store.conn(), group, key)? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut assumed = their_heads.to_vec();
    if their_heads.iter().any(|h| doc.get_change_by_hash(h).is_none()) {
        assumed.extend(recorded.iter().filter(|h| !assumed.contains(h)).copied().collect::<Vec<_>>());
    }
    let their_heads = assumed.as_slice();
    if !their_heads.is_empty() && doc.get_heads().iter().all(|h| their_heads.contains(h)) {
        return Ok((Vec::new(), Vec::new()));
    }
    let known: Vec<ChangeHash> = their_heads.iter().filter(|h| doc.get_change_by_hash(h).is_some()).copied().collect();
    if known.is_empty() {
        return Ok((doc.save(), attest::for_document(store.conn(), group, key, None)?));
    }
    // `save_after` would give the raw changes one after another (several times larger); a
    // bundle holds the same changes in the columnar compression of a save.
    let hashes: Vec<ChangeHash> = doc.get_changes(&known).iter().map(|c| c.hash()).collect();
    let sent: HashSet<ChangeHash> = hashes.iter().copied().collect();
    let data = doc.bundle(hashes).map_err(crate::store::StoreError::from)?.bytes().to_vec();
    Ok((data, attest::for_document(store.conn(), group, key, Some(&sent))?))
}

/// The heads `peer` last announced for one document of `group`.
pub(crate) fn peer_heads(store: &Store, group: &GroupId, peer: &DeviceId, key: DocKey) -> Result<Vec<ChangeHash>> {
    let bytes: Option<Vec<u8>> = store
        .conn()
        .prepare_cached("SELECT heads FROM sync_peer_heads WHERE group_id = ?1 AND peer_device = ?2 AND doc_key = ?3")?
        .query_row(params![group.as_str(), peer.as_str(), key.to_string()], |r| r.get(0))
        .optional()?;
    Ok(bytes.map(|b| doc_log::decode_heads(&b)).unwrap_or_default())
}

/// Records this device's heads of `keys` (from `local`, its [`local_heads`]) as `peer`'s,
/// for documents whose heads hash the peer's summary gave equal to this device's: only those
/// whose recorded heads differ are written, in one transaction (a session with nothing new
/// writes nothing once recorded). What is recorded is read in one query.
pub(crate) fn record_equal_heads(
    store: &Store,
    group: &GroupId,
    peer: &DeviceId,
    local: &BTreeMap<DocKey, Vec<ChangeHash>>,
    keys: &[DocKey],
) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    let recorded = crate::sync::peers::known_heads_of(store, group, peer)?;
    let mut stale = Vec::new();
    for key in keys {
        if let Some(heads) = local.get(key)
            && recorded.heads(&key.to_string()) != *heads
        {
            stale.push((*key, heads));
        }
    }
    if stale.is_empty() {
        return Ok(());
    }
    let tx = store.conn().unchecked_transaction()?;
    for (key, heads) in stale {
        record_peer_heads(store, group, peer, key, heads)?;
    }
    tx.commit()?;
    Ok(())
}

/// Records the heads `peer` announced for one document of `group`.
pub(crate) fn record_peer_heads(
    store: &Store,
    group: &GroupId,
    peer: &DeviceId,
    key: DocKey,
    heads: &[ChangeHash],
) -> Result<()> {
    let bytes: Vec<u8> = heads.iter().flat_map(|h| h.0).collect();
    store
        .conn()
        .prepare_cached(
            "INSERT INTO sync_peer_heads (group_id, peer_device, doc_key, heads, updated) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (group_id, peer_device, doc_key) DO UPDATE SET heads = excluded.heads, updated = excluded.updated",
        )?
        .execute(params![group.as_str(), peer.as_str(), key.to_string(), bytes, store.now().0])?;
    Ok(())
}
