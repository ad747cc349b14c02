//! File bundles: a group's changes in one signed file, for when devices cannot meet on a
//! network (a USB stick, a messenger attachment, a mail).
//!
//! Layout (all integers little-endian):
//!
//! | bytes | field |
//! | --- | --- |
//! | 8 | magic `DELBARBN` |
//! | 2 | format version (1) |
//! | 4 | body length `n` |
//! | n | body: postcard of group id, exporting device's public key, export time, and per document its key and automerge's compressed changes |
//! | 32 | blake3 of everything before |
//! | 64 | ed25519 signature by the exporting device of `delbar bundle v1` followed by the checksum |
//!
//! An import checks, in order: length, magic, version, checksum, signature, group, and that
//! the signer is a current member's device of the group (or, at first contact, listed as one
//! by the catalogue the bundle brings); then every document is validated, and only then is
//! anything applied, through [`Store::merge_documents`]. Importing a bundle twice changes
//! nothing the second time.

use ed25519_dalek::{Signature, Signer, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::error::Result;
use crate::ids::{DeviceId, GroupId};
use crate::store::{DocumentExport, MergeReport};
use crate::sync::summary::{KnownHeads, changes_after, local_heads};
use crate::sync::{SyncError, authorize_sender, merge_received, validate_documents};
use crate::time::Timestamp;
use crate::trust::attest::Attestation;

/// First bytes of every bundle.
pub const MAGIC: &[u8; 8] = b"DELBARBN";
/// The format version this code writes and reads.
pub const VERSION: u16 = 2;
/// What the signature covers before the checksum (domain separation).
const SIGNING_CONTEXT: &[u8] = b"delbar bundle v2";
const HEADER_LEN: usize = 8 + 2 + 4;
const CHECKSUM_LEN: usize = 32;
const SIGNATURE_LEN: usize = 64;

#[derive(Serialize, Deserialize)]
struct Body {
    group: String,
    device: [u8; 32],
    created: i64,
    documents: Vec<(String, Vec<u8>, Vec<Attestation>)>,
}

/// A bundle whose checksum and signature verified (not yet checked against a store).
#[derive(Debug, Clone, PartialEq)]
pub struct BundleInfo {
    /// The group it is for.
    pub group: GroupId,
    /// The device that exported and signed it.
    pub device: DeviceId,
    /// When it was exported (the exporting device's clock).
    pub created: Timestamp,
    /// The documents it carries.
    pub documents: Vec<DocumentExport>,
}

/// Exports `group` as a signed bundle: every document in full when `peer` is `None`,
/// otherwise only the changes a device holding `peer`'s heads lacks (documents it is up to
/// date with are left out).
pub fn export_bundle(store: &Store, group: &GroupId, peer: Option<&KnownHeads>) -> Result<Vec<u8>> {
    store.group(group)?;
    let mut documents = Vec::new();
    for (key, heads) in local_heads(store, group)? {
        let name = key.to_string();
        let theirs = peer.map(|p| p.heads(&name)).unwrap_or_default();
        if peer.is_some() && !theirs.is_empty() && heads.iter().all(|h| theirs.contains(h)) {
            continue;
        }
        let (data, attestations) = changes_after(store, group, key, &theirs)?;
        if !data.is_empty() {
            documents.push((name, data, attestations));
        }
    }
    let key = store.device_signing_key();
    let body =
        Body { group: group.to_string(), device: key.verifying_key().to_bytes(), created: store.now().0, documents };
    let body = postcard::to_stdvec(&body).map_err(SyncError::malformed)?;
    let body_len = u32::try_from(body.len())
        .map_err(|_| SyncError::Malformed { reason: "the bundle is larger than 4 GiB".into() })?;
    let mut out = Vec::with_capacity(HEADER_LEN + body.len() + CHECKSUM_LEN + SIGNATURE_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&body_len.to_le_bytes());
    out.extend_from_slice(&body);
    let checksum = blake3::hash(&out);
    out.extend_from_slice(checksum.as_bytes());
    let signature = key.sign(&signed_message(checksum.as_bytes()));
    out.extend_from_slice(&signature.to_bytes());
    Ok(out)
}

fn signed_message(checksum: &[u8; 32]) -> Vec<u8> {
    let mut m = SIGNING_CONTEXT.to_vec();
    m.extend_from_slice(checksum);
    m
}

/// Reads a bundle and verifies its format, checksum and signature. Says nothing about
/// whether any store should accept it: [`import_bundle`] checks that.
pub fn read_bundle(bytes: &[u8]) -> Result<BundleInfo, SyncError> {
    let truncated = |needed: usize| SyncError::Truncated { needed, found: bytes.len() };
    let header = bytes.get(..HEADER_LEN).ok_or_else(|| truncated(HEADER_LEN))?;
    let (magic, rest) = header.split_at(8);
    if magic != MAGIC {
        return Err(SyncError::NotABundle);
    }
    let (version, len) = rest.split_at(2);
    let version = u16::from_le_bytes([version[0], version[1]]);
    if version != VERSION {
        return Err(SyncError::UnsupportedVersion { found: version, supported: VERSION });
    }
    let body_len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let signed_end = HEADER_LEN.saturating_add(body_len);
    let total = signed_end.saturating_add(CHECKSUM_LEN + SIGNATURE_LEN);
    if bytes.len() < total {
        return Err(truncated(total));
    }
    if bytes.len() > total {
        return Err(SyncError::Malformed { reason: format!("{} bytes after the end", bytes.len() - total) });
    }
    let signed = bytes.get(..signed_end).ok_or_else(|| truncated(total))?;
    let body = bytes.get(HEADER_LEN..signed_end).ok_or_else(|| truncated(total))?;
    let checksum: [u8; 32] = bytes
        .get(signed_end..signed_end + CHECKSUM_LEN)
        .and_then(|c| c.try_into().ok())
        .ok_or_else(|| truncated(total))?;
    let signature: [u8; 64] =
        bytes.get(signed_end + CHECKSUM_LEN..).and_then(|s| s.try_into().ok()).ok_or_else(|| truncated(total))?;
    if blake3::hash(signed).as_bytes() != &checksum {
        return Err(SyncError::Corrupted);
    }
    let body: Body = postcard::from_bytes(body).map_err(SyncError::malformed)?;
    let device = DeviceId::from_public_key(&body.device);
    let bad_signature = || SyncError::BadSignature { device: device.to_string() };
    let key = VerifyingKey::from_bytes(&body.device).map_err(|_| bad_signature())?;
    key.verify(&signed_message(&checksum), &Signature::from_bytes(&signature)).map_err(|_| bad_signature())?;
    let group = GroupId::parse(&body.group).map_err(SyncError::malformed)?;
    let documents = body
        .documents
        .into_iter()
        .map(|(key, data, attestations)| DocumentExport { key, data, attestations })
        .collect();
    Ok(BundleInfo { group, device, created: Timestamp(body.created), documents })
}

/// Imports a bundle into `group`: verifies it ([`read_bundle`]), checks it is for `group`
/// and signed by a current member's device of it (at first contact: listed as one by the
/// catalogue it brings), validates every document, then merges them. On any error nothing
/// is applied.
pub fn import_bundle(store: &mut Store, group: &GroupId, bytes: &[u8]) -> Result<MergeReport> {
    let info = read_bundle(bytes)?;
    if &info.group != group {
        return Err(SyncError::ForeignGroup { expected: group.to_string(), found: info.group.to_string() }.into());
    }
    let documents = validate_documents(info.documents)?;
    authorize_sender(store, group, &info.device, &documents)?;
    merge_received(store, group, &documents)
}
