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
//! | n | body: postcard of group id, exporting device's public key, export time, per document its key and automerge's compressed changes, and (since version 3) the exporter's heads of every document of the group |
//! | 32 | blake3 of everything before |
//! | 64 | ed25519 signature by the exporting device of `delbar bundle v3` (`v2` in version 2) followed by the checksum |
//!
//! An import checks, in order: length, magic, version, checksum, signature, group, and that
//! the signer is a current member's device of the group (or, at first contact, listed as one
//! by the catalogue the bundle brings); then every document is validated, and only then is
//! anything applied, through [`Store::merge_documents`]. Importing a bundle twice changes
//! nothing the second time.
//!
//! Bundles are deltas: an import records the exporter's heads (what it held when it wrote
//! the bundle) as that device's peer heads, as a sync session does, so the next bundle
//! exported for that device ([`export_bundle_for`]) carries only what it lacks, with no
//! heads file carried back. Version 2 bundles (without heads) are still read.

use ed25519_dalek::{Signature, Signer, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::docs::DocKey;
use crate::error::Result;
use crate::ids::{DeviceId, GroupId};
use crate::store::{DocumentExport, MergeReport};
use crate::sync::summary::{KnownHeads, changes_after, local_heads, record_peer_heads};
use crate::sync::{SyncError, authorize_sender, merge_received, validate_documents};
use crate::time::Timestamp;
use crate::trust::attest::Attestation;

/// First bytes of every bundle.
pub const MAGIC: &[u8; 8] = b"DELBARBN";
/// The format version this code writes (it also reads [`VERSION_WITHOUT_HEADS`]).
pub const VERSION: u16 = 3;
/// The previous format version, whose bundles carry no heads; still read.
pub const VERSION_WITHOUT_HEADS: u16 = 2;
const HEADER_LEN: usize = 8 + 2 + 4;
const CHECKSUM_LEN: usize = 32;
const SIGNATURE_LEN: usize = 64;

#[derive(Serialize, Deserialize)]
struct Body {
    group: String,
    device: [u8; 32],
    created: i64,
    documents: Vec<(String, Vec<u8>, Vec<Attestation>)>,
    heads: KnownHeads,
}

/// The body of a version 2 bundle.
#[derive(Deserialize)]
struct BodyWithoutHeads {
    group: String,
    device: [u8; 32],
    created: i64,
    documents: Vec<(String, Vec<u8>, Vec<Attestation>)>,
}

/// What the signature covers before the checksum (domain separation).
fn signing_context(version: u16) -> Vec<u8> {
    format!("delbar bundle v{version}").into_bytes()
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
    /// What the exporter held of every document of the group when it wrote the bundle
    /// (`None` in a version 2 bundle).
    pub heads: Option<KnownHeads>,
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
    let body = Body {
        group: group.to_string(),
        device: key.verifying_key().to_bytes(),
        created: store.now().0,
        documents,
        heads: KnownHeads::of(store, group)?,
    };
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
    let signature = key.sign(&signed_message(VERSION, checksum.as_bytes()));
    out.extend_from_slice(&signature.to_bytes());
    Ok(out)
}

fn signed_message(version: u16, checksum: &[u8; 32]) -> Vec<u8> {
    let mut m = signing_context(version);
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
    if version != VERSION && version != VERSION_WITHOUT_HEADS {
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
    let body: Body = if version == VERSION_WITHOUT_HEADS {
        let old: BodyWithoutHeads = postcard::from_bytes(body).map_err(SyncError::malformed)?;
        Body {
            group: old.group,
            device: old.device,
            created: old.created,
            documents: old.documents,
            heads: KnownHeads::default(),
        }
    } else {
        postcard::from_bytes(body).map_err(SyncError::malformed)?
    };
    let device = DeviceId::from_public_key(&body.device);
    let bad_signature = || SyncError::BadSignature { device: device.to_string() };
    let key = VerifyingKey::from_bytes(&body.device).map_err(|_| bad_signature())?;
    key.verify(&signed_message(version, &checksum), &Signature::from_bytes(&signature)).map_err(|_| bad_signature())?;
    let group = GroupId::parse(&body.group).map_err(SyncError::malformed)?;
    let documents = body
        .documents
        .into_iter()
        .map(|(key, data, attestations)| DocumentExport { key, data, attestations })
        .collect();
    let heads = (version != VERSION_WITHOUT_HEADS).then_some(body.heads);
    Ok(BundleInfo { group, device, created: Timestamp(body.created), documents, heads })
}

/// Imports a bundle into `group`: verifies it ([`read_bundle`]), checks it is for `group`
/// and signed by a current member's device of it (at first contact: listed as one by the
/// catalogue it brings), validates every document, then merges them. On any error nothing
/// is applied. Then it records the exporter's heads as that device's peer heads, so
/// [`export_bundle_for`] that device carries only what it lacks.
pub fn import_bundle(store: &mut Store, group: &GroupId, bytes: &[u8]) -> Result<MergeReport> {
    let info = read_bundle(bytes)?;
    if &info.group != group {
        return Err(SyncError::ForeignGroup { expected: group.to_string(), found: info.group.to_string() }.into());
    }
    let documents = validate_documents(info.documents)?;
    authorize_sender(store, group, &info.device, &documents)?;
    let report = merge_received(store, group, &documents)?;
    if let Some(heads) = &info.heads
        && &info.device != store.device_id()
        && let Err(e) = record_exporter_heads(store, group, &info.device, heads)
    {
        // The changes are applied; missing peer heads only make the next bundle larger.
        tracing::debug!(%e, "could not record the heads of the bundle's exporter");
    }
    Ok(report)
}

/// Records what the exporter of a bundle held, document by document, as its peer heads.
fn record_exporter_heads(store: &Store, group: &GroupId, exporter: &DeviceId, heads: &KnownHeads) -> Result<()> {
    for (name, hs) in &heads.docs {
        let Some(key) = DocKey::parse(name) else {
            continue;
        };
        let hs: Vec<automerge::ChangeHash> = hs.iter().map(|h| automerge::ChangeHash(*h)).collect();
        record_peer_heads(store, group, exporter, key, &hs)?;
    }
    Ok(())
}

/// Exports `group` as a bundle of what `device` lacks as far as this device knows: by the
/// heads it announced in its last sync session, or held when it wrote the last bundle
/// imported here. Everything, if this device never heard from it.
pub fn export_bundle_for(store: &Store, group: &GroupId, device: &DeviceId) -> Result<Vec<u8>> {
    let known = crate::net::status::known_heads_of(store, group, device)?;
    export_bundle(store, group, Some(&known))
}
