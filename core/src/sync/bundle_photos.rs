//! Photos carried in a bundle (`bundle export --with-photos`): the blobs (full photos and
//! thumbnails) that the group's items reference, in a section after the signed bundle.
//!
//! Layout after the bundle's signature (integers little-endian):
//!
//! | bytes | field |
//! | --- | --- |
//! | 8 | magic `DELBARPH` |
//! | 4 | number of blobs `k` |
//! | k times | 32-byte blake3 hash, 4-byte length `n`, `n` bytes |
//!
//! The section is not signed: a blob is content-addressed, so its hash is all the proof it
//! needs. An import checks every blob against its hash **before** anything is applied (one
//! that does not match refuses the whole file, [`SyncError::PhotoMismatch`]), imports the
//! signed bundle as usual, then keeps only the blobs that an item of the group references
//! once the bundle's changes are in. A bundle without photos is exactly a plain bundle.

use std::collections::BTreeSet;

use crate::Store;
use crate::error::Result;
use crate::ids::GroupId;
use crate::store::MergeReport;
use crate::sync::SyncError;
use crate::sync::bundle::{MAGIC, export_bundle, import_bundle};
use crate::sync::summary::KnownHeads;

/// First bytes of the photo section.
pub const PHOTOS_MAGIC: &[u8; 8] = b"DELBARPH";
const BUNDLE_HEADER_LEN: usize = 8 + 2 + 4;
const BUNDLE_TRAILER_LEN: usize = 32 + 64;

/// What a bundle's photo section holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundlePhotos {
    /// The blobs: (hex hash, bytes).
    pub blobs: Vec<(String, Vec<u8>)>,
}

impl BundlePhotos {
    /// Their total size in bytes.
    pub fn bytes(&self) -> u64 {
        self.blobs.iter().map(|(_, b)| b.len() as u64).sum()
    }
}

/// Exports `group` as a bundle (see [`export_bundle`]) followed by every photo and thumbnail
/// blob its items reference that is on this device (a photo not here yet is left out).
pub fn export_bundle_with_photos(store: &Store, group: &GroupId, peer: Option<&KnownHeads>) -> Result<Vec<u8>> {
    let mut out = export_bundle(store, group, peer)?;
    let mut blobs = Vec::new();
    for hash in store.referenced_photo_hashes(Some(group))? {
        if let Some(bytes) = store.photo_blobs()?.read(&hash)? {
            blobs.push((hash, bytes));
        }
    }
    let too_large = || SyncError::Malformed { reason: "the photo section is larger than 4 GiB".into() };
    out.extend_from_slice(PHOTOS_MAGIC);
    out.extend_from_slice(&u32::try_from(blobs.len()).map_err(|_| too_large())?.to_le_bytes());
    for (hash, bytes) in &blobs {
        let raw = blake3::Hash::from_hex(hash).map_err(|_| too_large())?;
        out.extend_from_slice(raw.as_bytes());
        out.extend_from_slice(&u32::try_from(bytes.len()).map_err(|_| too_large())?.to_le_bytes());
        out.extend_from_slice(bytes);
    }
    Ok(out)
}

/// Splits a file into the signed bundle and its photo section (empty when it has none),
/// checking every blob against its hash.
pub fn split_bundle(bytes: &[u8]) -> Result<(&[u8], BundlePhotos), SyncError> {
    let truncated = |needed: usize| SyncError::Truncated { needed, found: bytes.len() };
    let header = bytes.get(..BUNDLE_HEADER_LEN).ok_or_else(|| truncated(BUNDLE_HEADER_LEN))?;
    if header.get(..8) != Some(MAGIC.as_slice()) {
        return Err(SyncError::NotABundle);
    }
    let len: [u8; 4] = header.get(10..14).and_then(|l| l.try_into().ok()).ok_or_else(|| truncated(14))?;
    let end = BUNDLE_HEADER_LEN.saturating_add(u32::from_le_bytes(len) as usize).saturating_add(BUNDLE_TRAILER_LEN);
    let bundle = bytes.get(..end).ok_or_else(|| truncated(end))?;
    let rest = bytes.get(end..).unwrap_or_default();
    if rest.is_empty() {
        return Ok((bundle, BundlePhotos::default()));
    }
    let malformed = |reason: &str| SyncError::Malformed { reason: format!("photo section: {reason}") };
    let mut at =
        rest.strip_prefix(PHOTOS_MAGIC.as_slice()).ok_or_else(|| malformed("unknown bytes after the bundle"))?;
    let mut take = |n: usize| -> Result<&[u8], SyncError> {
        let (head, tail) = at.split_at_checked(n).ok_or_else(|| malformed("cut short"))?;
        at = tail;
        Ok(head)
    };
    let count = u32::from_le_bytes(take(4)?.try_into().map_err(|_| malformed("count"))?);
    let mut blobs = Vec::new();
    for _ in 0..count {
        let hash = blake3::Hash::from_bytes(take(32)?.try_into().map_err(|_| malformed("hash"))?);
        let n = u32::from_le_bytes(take(4)?.try_into().map_err(|_| malformed("length"))?) as usize;
        let data = take(n)?;
        if blake3::hash(data) != hash {
            return Err(SyncError::PhotoMismatch { hash: hash.to_hex().to_string() });
        }
        blobs.push((hash.to_hex().to_string(), data.to_vec()));
    }
    if !at.is_empty() {
        return Err(malformed("bytes after the last photo"));
    }
    Ok((bundle, BundlePhotos { blobs }))
}

/// Imports a bundle that may carry photos: checks every photo against its hash first, then
/// imports the bundle ([`import_bundle`]; on any error nothing is applied), then keeps the
/// photos an item of the group references. Returns the merge report and how many blobs
/// were kept.
pub fn import_bundle_with_photos(store: &mut Store, group: &GroupId, bytes: &[u8]) -> Result<(MergeReport, usize)> {
    let (bundle, photos) = split_bundle(bytes)?;
    let report = import_bundle(store, group, bundle)?;
    let referenced: BTreeSet<String> = store.referenced_photo_hashes(Some(group))?;
    let mut kept = 0;
    for (hash, data) in &photos.blobs {
        if referenced.contains(hash) {
            store.photo_blobs()?.put(data)?;
            kept += 1;
        }
    }
    Ok((report, kept))
}
