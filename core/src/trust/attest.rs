//! Attestations: a device's signature over the latest change it wrote to a document.
//!
//! Every change names its author (the automerge actor is the device's ed25519 public key),
//! but anyone can write a change under any actor id. So each device signs, after each local
//! write, the hash of its newest change in that document. A change hash covers the change's
//! content and the hashes it depends on, and a device's changes in one document form a
//! chain (each new local change depends on the device's previous one), so one signature
//! over the newest change vouches for every earlier change of that device in the document.
//!
//! A receiver accepts a set of new changes only if, for every device that authored one of
//! them, an attestation of that device is among the new changes and every new change of
//! that device is reachable from it. A forged change (another device's actor id, written
//! by someone without its key) can never be reached from a genuine attestation, because
//! the real device never built on it: it would have refused it.
//!
//! Only the newest attestation per device and document is kept (`attestations` table), and
//! a sync or bundle carries the attestations of the devices whose changes it carries.

use automerge::{AutoCommit, ChangeHash};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::docs::{DocKey, device_of_actor};
use crate::ids::{DeviceId, GroupId};
use crate::store::StoreError;
use crate::sync::SyncError;

/// What every attestation signature covers before the group, document and hash.
const CONTEXT: &[u8] = b"delbar change attestation v1";

/// A device's signature over one change hash of one document of one group. The signing
/// device is the author of that change (its actor id is the device's public key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    /// The attested change.
    pub hash: [u8; 32],
    /// Ed25519 signature (64 bytes).
    pub signature: Vec<u8>,
}

fn message(group: &GroupId, key: DocKey, hash: &ChangeHash) -> Vec<u8> {
    let mut m = CONTEXT.to_vec();
    m.push(0);
    m.extend_from_slice(group.as_str().as_bytes());
    m.push(0);
    m.extend_from_slice(key.to_string().as_bytes());
    m.push(0);
    m.extend_from_slice(&hash.0);
    m
}

/// Signs `hash` (a change of this device) in `group`/`key`.
pub fn sign(signing_key: &SigningKey, group: &GroupId, key: DocKey, hash: &ChangeHash) -> Attestation {
    Attestation { hash: hash.0, signature: signing_key.sign(&message(group, key, hash)).to_bytes().to_vec() }
}

/// Signs the newest change the document's own actor wrote, if it wrote any. For documents
/// built outside a store (imports, benchmarks) before merging them into one.
pub fn attest_document(
    doc: &mut AutoCommit,
    group: &GroupId,
    key: DocKey,
    signing_key: &SigningKey,
) -> Option<Attestation> {
    let change = doc.get_last_local_change()?;
    Some(sign(signing_key, group, key, &change.hash()))
}

/// An attestation that verified, with what it says.
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    pub device: DeviceId,
    pub hash: ChangeHash,
    pub seq: u64,
    pub signature: Vec<u8>,
}

/// Checks that every change `doc` holds beyond `before` (the heads it had before the
/// received changes were loaded into it) is vouched for by one of `attestations`. Returns
/// the attestations that verified and cover new changes.
pub(crate) fn verify_new_changes(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    group: &GroupId,
    key: DocKey,
    attestations: &[Attestation],
) -> Result<Vec<Verified>, SyncError> {
    // The changes' metadata alone: their operations are not needed here.
    let new: HashMap<ChangeHash, (Vec<u8>, u64, Vec<ChangeHash>)> = doc
        .get_changes_meta(before)
        .into_iter()
        .map(|c| (c.hash, (c.actor.to_bytes().to_vec(), c.seq, c.deps)))
        .collect();
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let mut covered: HashSet<ChangeHash> = HashSet::new();
    let mut verified = Vec::new();
    for a in attestations {
        let hash = ChangeHash(a.hash);
        // Attestations of changes this device already held vouch for nothing new.
        let Some((actor, seq, _)) = new.get(&hash) else { continue };
        let device = device_of_actor(actor);
        let bad = || SyncError::BadAttestation { device: device.to_string() };
        let public: [u8; 32] = actor.as_slice().try_into().map_err(|_| bad())?;
        let signature: [u8; 64] = a.signature.as_slice().try_into().map_err(|_| bad())?;
        VerifyingKey::from_bytes(&public)
            .and_then(|k| k.verify(&message(group, key, &hash), &Signature::from_bytes(&signature)))
            .map_err(|_| bad())?;
        // Every new change of the same device reachable from the attested one is genuine.
        let mut stack = vec![hash];
        let mut seen = HashSet::new();
        while let Some(h) = stack.pop() {
            if !seen.insert(h) {
                continue;
            }
            if let Some((author, _, deps)) = new.get(&h) {
                if author == actor {
                    covered.insert(h);
                }
                stack.extend(deps.iter().copied());
            }
        }
        verified.push(Verified { device, hash, seq: *seq, signature: a.signature.clone() });
    }
    let mut unvouched: BTreeMap<String, usize> = BTreeMap::new();
    for (hash, (actor, _, _)) in &new {
        if !covered.contains(hash) {
            *unvouched.entry(device_of_actor(actor).to_string()).or_default() += 1;
        }
    }
    if let Some((device, count)) = unvouched.into_iter().next() {
        return Err(SyncError::UnattestedChanges { device, count });
    }
    Ok(verified)
}

/// Keeps `a` as the newest attestation of its device in `group`/`key` unless a newer one is
/// already kept.
pub(crate) fn record(
    conn: &Connection,
    group: &GroupId,
    key: DocKey,
    device: &DeviceId,
    hash: &ChangeHash,
    seq: u64,
    signature: &[u8],
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO attestations (group_id, doc_key, device_id, seq, hash, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (group_id, doc_key, device_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
         signature = excluded.signature WHERE excluded.seq > attestations.seq",
    )?
    .execute(params![group.as_str(), key.to_string(), device.as_str(), seq as i64, hash.0.to_vec(), signature])?;
    Ok(())
}

/// Signs and keeps the newest change this device wrote to a document (after a local write).
pub(crate) fn record_own(
    conn: &Connection,
    group: &GroupId,
    key: DocKey,
    device: &DeviceId,
    signing_key: &SigningKey,
    doc: &mut AutoCommit,
) -> Result<(), StoreError> {
    let Some(change) = doc.get_last_local_change() else { return Ok(()) };
    let a = sign(signing_key, group, key, &change.hash());
    record(conn, group, key, device, &change.hash(), change.seq(), &a.signature)
}

/// The attestations kept for one document. With `only`, just those of the given change
/// hashes (the attestations covering a set of changes being sent).
pub(crate) fn for_document(
    conn: &Connection,
    group: &GroupId,
    key: DocKey,
    only: Option<&HashSet<ChangeHash>>,
) -> Result<Vec<Attestation>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT hash, signature FROM attestations WHERE group_id = ?1 AND doc_key = ?2 ORDER BY device_id",
    )?;
    let rows = stmt.query_map(params![group.as_str(), key.to_string()], |r| {
        Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (hash, signature) = row?;
        let Ok(hash) = <[u8; 32]>::try_from(hash.as_slice()) else { continue };
        if only.is_none_or(|set| set.contains(&ChangeHash(hash))) {
            out.push(Attestation { hash, signature });
        }
    }
    Ok(out)
}
