//! File bundles: a group's changes in one signed file, for when devices cannot meet on a
//! network (a USB stick, a messenger attachment, a mail).
//!
//! Layout, format version 4 (all integers little-endian):
//!
//! | bytes | field |
//! | --- | --- |
//! | 8 | magic `DELBARBN` |
//! | 2 | format version (4) |
//! | 2 | header length `h`, at most [`MAX_HEADER`] |
//! | h | header: postcard of group id, exporting device's public key, export time |
//! | 1 + 4 + r | records, each a kind byte, a length `r` and `r` bytes: kind 1, one document (postcard of its key, automerge's compressed changes and their attestations; 1 to [`MAX_DOCUMENT`] bytes; the catalogue, if present, first); kind 2, once, the exporter's heads of every document of the group (postcard, at most [`MAX_HEADS`] bytes); kind 3, after the heads, only in a bundle written with photos: one photo or thumbnail blob, its 32-byte blake3 hash then its bytes (at most [`MAX_PHOTO`] bytes in all) |
//! | 1 + 4 | kind 0, length 0: the end of the records |
//! | 32 | blake3 of everything before |
//! | 64 | ed25519 signature by the exporting device of `delbar bundle v4` followed by the checksum |
//!
//! A bundle is read as a stream, never whole. The first ten bytes decide whether it is a
//! bundle of a version this code reads, so a file that is not one is refused after reading
//! only them, whatever its size. Every length is checked against its bound (and against
//! what is left of a file of known size) before anything is allocated for it, and at most
//! [`MAX_DOCUMENTS`] documents are accepted, so memory stays bounded by one document
//! whatever the file holds. Older formats (versions 2 and 3 held the whole body in one
//! record) are refused with [`SyncError::UnsupportedVersion`].
//!
//! An import ([`import_bundle_from`]) reads the file three times, holding one document at a
//! time:
//! 1. the whole stream: magic, version, the shape of every record, checksum and signature,
//!    remembering each record's hash; then the group, and that the signer is a current
//!    member's device of the group (at first contact: that the catalogue comes first);
//! 2. every document is checked against the store (valid data, nothing missing it builds
//!    on, every new change attested by its author; at first contact the catalogue must list
//!    the signer as a member's device) without applying anything;
//! 3. the documents are applied one by one through the store's merge, each in its own
//!    transaction, the catalogue first.
//!
//! Passes 2 and 3 check that each record hashes as it did in pass 1. A bundle that fails
//! any check of passes 1 and 2 (truncated, damaged, forged, foreign, invalid) applies
//! nothing. Pass 3 fails only if the file changes while it is read or the store cannot be
//! written: the documents applied before stay, each a complete, checked set of a member's
//! changes (merging is additive, so nothing the store held is lost), and importing the
//! file again applies the rest. Importing a bundle twice changes nothing the second time.
//!
//! Photos (`bundle export --with-photos`): every photo and thumbnail blob the group's items
//! reference that is on the exporting device. Pass 1 checks each blob against its hash (one
//! that does not match refuses the whole file before anything is applied:
//! [`SyncError::PhotoMismatch`]); pass 3 keeps, once the documents are in, the blobs an item
//! of the group references. A photo is a blob like any other record: one in memory at a time.
//!
//! Bundles are deltas: an import records the exporter's heads (what it held when it wrote
//! the bundle) as that device's peer heads, as a sync session does, so the next bundle
//! exported for that device ([`export_bundle_for`]) carries only what it lacks, with no
//! heads file carried back.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::Path;

use ed25519_dalek::{Signature, Signer, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::docs::DocKey;
use crate::error::Result;
use crate::ids::{DeviceId, GroupId};
use crate::store::{DocumentExport, MergeReport, StoreError};
use crate::sync::summary::{KnownHeads, changes_after, local_heads, record_peer_heads};
use crate::sync::{SyncError, catalogue_lists_device, is_member_device, knows_group};
use crate::time::Timestamp;
use crate::trust::attest::{Attestation, Verified};

/// First bytes of every bundle.
pub const MAGIC: &[u8; 8] = b"DELBARBN";
/// The format version this code writes and reads.
pub const VERSION: u16 = 4;
/// The largest header accepted.
pub const MAX_HEADER: usize = 4 * 1024;
/// The largest document record accepted (a group's documents are bounded by design: the
/// catalogue, and one month of bookings or activity each).
pub const MAX_DOCUMENT: usize = 64 * 1024 * 1024;
/// The largest heads record accepted (32 bytes a head: half a million heads).
pub const MAX_HEADS: usize = 16 * 1024 * 1024;
/// The largest photo record accepted: its hash and the blob (a stored photo is a re-encoded
/// JPEG of at most 2048 px, a few MB at most).
pub const MAX_PHOTO: usize = 16 * 1024 * 1024;
/// The most documents one bundle may carry.
pub const MAX_DOCUMENTS: usize = 65_536;
/// What the signature covers before the checksum (domain separation).
const SIGNING_CONTEXT: &[u8] = b"delbar bundle v4";
/// Magic and version: what is read before anything else is decided.
const PREFIX_LEN: usize = 8 + 2;
const CHECKSUM_LEN: usize = 32;
const SIGNATURE_LEN: usize = 64;
/// Record kinds.
const END: u8 = 0;
const DOCUMENT: u8 = 1;
const HEADS: u8 = 2;
const PHOTO: u8 = 3;
/// What is allocated up front for a record of a stream of unknown size (it grows as the
/// bytes arrive, so a false length costs no memory).
const UNKNOWN_SIZE_CHUNK: usize = 64 * 1024;

#[derive(Serialize, Deserialize)]
struct Header {
    group: String,
    device: [u8; 32],
    created: i64,
}

/// One document as written; read back borrowing its bytes ([`RecordRef`]).
#[derive(Serialize)]
struct Record<'a> {
    key: &'a str,
    data: &'a [u8],
    attestations: &'a [Attestation],
}

#[derive(Deserialize)]
struct RecordRef<'a> {
    key: &'a str,
    data: &'a [u8],
    attestations: Vec<Attestation>,
}

/// What a bundle's header says, before anything else of it is verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleHeader {
    /// The group it claims to be for.
    pub group: GroupId,
    /// The device that claims to have exported and signed it.
    pub device: DeviceId,
    /// When it claims to have been exported (the exporting device's clock).
    pub created: Timestamp,
}

/// A bundle whose checksum and signature verified (not yet checked against a store), with
/// its documents in memory: for bundles already held in memory.
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
    /// What the exporter held of every document of the group when it wrote the bundle.
    pub heads: Option<KnownHeads>,
}

/// What a verified bundle carries, read as a stream without keeping its documents: for
/// showing a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleOutline {
    /// The group it is for.
    pub group: GroupId,
    /// The device that exported and signed it.
    pub device: DeviceId,
    /// When it was exported (the exporting device's clock).
    pub created: Timestamp,
    /// Per document, its key and the bytes of its changes.
    pub documents: Vec<(String, u64)>,
    /// How many documents of the group the exporter's heads cover.
    pub heads_documents: usize,
    /// The bundle's size in bytes.
    pub bytes: u64,
    /// How many photo and thumbnail blobs it carries.
    pub photos: usize,
    /// Their bytes.
    pub photo_bytes: u64,
}

/// What importing a bundle file did.
#[derive(Debug, Clone, PartialEq)]
pub struct BundleImport {
    /// The group it was imported into.
    pub group: GroupId,
    /// The device that exported and signed it.
    pub device: DeviceId,
    /// When it was exported (the exporting device's clock).
    pub created: Timestamp,
    /// What the merge changed.
    pub report: MergeReport,
    /// The photo blobs kept (those an item of the group references).
    pub photos_kept: usize,
}

// ---- writing ----

/// Exports `group` as a signed bundle in memory: every document in full when `peer` is
/// `None`, otherwise only the changes a device holding `peer`'s heads lacks (documents it is
/// up to date with are left out). [`write_bundle`] writes the same to a stream.
pub fn export_bundle(store: &Store, group: &GroupId, peer: Option<&KnownHeads>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_bundle(store, group, peer, &mut out)?;
    Ok(out)
}

/// Writes the bundle [`export_bundle`] makes to `out`, one document at a time (only one is
/// in memory at once); returns the bytes written.
pub fn write_bundle(store: &Store, group: &GroupId, peer: Option<&KnownHeads>, out: impl Write) -> Result<u64> {
    write_bundle_with(store, group, peer, false, out)
}

/// [`write_bundle`], followed when `photos` is set by every photo and thumbnail blob the
/// group's items reference that is on this device (a photo not here yet is left out), one
/// at a time.
pub fn write_bundle_with(
    store: &Store,
    group: &GroupId,
    peer: Option<&KnownHeads>,
    photos: bool,
    out: impl Write,
) -> Result<u64> {
    store.group(group)?;
    let key = store.device_signing_key();
    let header = Header { group: group.to_string(), device: key.verifying_key().to_bytes(), created: store.now().0 };
    let header = postcard::to_stdvec(&header).map_err(SyncError::malformed)?;
    let header_len = u16::try_from(header.len())
        .ok()
        .filter(|n| usize::from(*n) <= MAX_HEADER)
        .ok_or(SyncError::FrameTooLarge { len: header.len(), max: MAX_HEADER })?;
    let mut out = HashingWriter { inner: out, hasher: blake3::Hasher::new(), written: 0 };
    out.put(MAGIC)?;
    out.put(&VERSION.to_le_bytes())?;
    out.put(&header_len.to_le_bytes())?;
    out.put(&header)?;
    // Local heads come in key order, the catalogue first.
    for (doc, heads) in local_heads(store, group)? {
        let name = doc.to_string();
        let theirs = peer.map(|p| p.heads(&name)).unwrap_or_default();
        if peer.is_some() && !theirs.is_empty() && heads.iter().all(|h| theirs.contains(h)) {
            continue;
        }
        let (data, attestations) = changes_after(store, group, doc, &theirs)?;
        if data.is_empty() {
            continue;
        }
        let record = Record { key: &name, data: &data, attestations: &attestations };
        let record = postcard::to_stdvec(&record).map_err(SyncError::malformed)?;
        drop(data);
        out.record(DOCUMENT, &record, MAX_DOCUMENT)?;
    }
    let heads = postcard::to_stdvec(&KnownHeads::of(store, group)?).map_err(SyncError::malformed)?;
    out.record(HEADS, &heads, MAX_HEADS)?;
    if photos {
        let blobs = store.photo_blobs()?;
        for hash in store.referenced_photo_hashes(Some(group))? {
            let Ok(raw) = blake3::Hash::from_hex(&hash) else {
                continue;
            };
            if let Some(bytes) = blobs.read(&hash)? {
                let mut record = Vec::with_capacity(32 + bytes.len());
                record.extend_from_slice(raw.as_bytes());
                record.extend_from_slice(&bytes);
                drop(bytes);
                out.record(PHOTO, &record, MAX_PHOTO)?;
            }
        }
    }
    out.record(END, &[], 0)?;
    let checksum = *out.hasher.finalize().as_bytes();
    out.put(&checksum)?;
    let signature = key.sign(&signed_message(&checksum));
    out.put(&signature.to_bytes())?;
    out.inner.flush().map_err(SyncError::io)?;
    Ok(out.written)
}

/// Writes the bundle [`export_bundle`] makes to the file at `path`, as a stream: to a
/// temporary file beside it, synced, then renamed over `path`, so `path` is never left
/// half written. Returns the bytes written.
pub fn write_bundle_file(store: &Store, group: &GroupId, peer: Option<&KnownHeads>, path: &Path) -> Result<u64> {
    write_bundle_file_with(store, group, peer, false, path)
}

/// [`write_bundle_file`], with the group's photos when `photos` is set (see
/// [`write_bundle_with`]).
pub fn write_bundle_file_with(
    store: &Store,
    group: &GroupId,
    peer: Option<&KnownHeads>,
    photos: bool,
    path: &Path,
) -> Result<u64> {
    let io = |e: std::io::Error| StoreError::Io { path: path.display().to_string(), message: e.to_string() };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "bundle".into());
    let partial = path.with_file_name(format!(".{name}.partial"));
    let written = (|| {
        let file = File::create(&partial).map_err(io)?;
        let mut writer = BufWriter::new(file);
        let n = write_bundle_with(store, group, peer, photos, &mut writer)?;
        let file = writer.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&partial, path).map_err(io)?;
        Ok(n)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// Writes, hashing what it writes and counting it.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: blake3::Hasher,
    written: u64,
}

impl<W: Write> HashingWriter<W> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SyncError> {
        self.hasher.update(bytes);
        self.inner.write_all(bytes).map_err(SyncError::io)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    fn record(&mut self, kind: u8, bytes: &[u8], max: usize) -> Result<(), SyncError> {
        let too_large = || SyncError::FrameTooLarge { len: bytes.len(), max };
        if bytes.len() > max {
            return Err(too_large());
        }
        let len = u32::try_from(bytes.len()).map_err(|_| too_large())?;
        self.put(&[kind])?;
        self.put(&len.to_le_bytes())?;
        self.put(bytes)
    }
}

pub(crate) fn signed_message(checksum: &[u8; 32]) -> Vec<u8> {
    let mut m = SIGNING_CONTEXT.to_vec();
    m.extend_from_slice(checksum);
    m
}

// ---- reading ----

/// Reads from a bundle, counting bytes, so that a short read reports where it stopped and
/// a length can be checked against what is left of a stream of known size.
struct Source<R: Read> {
    inner: R,
    position: u64,
    size: Option<u64>,
}

fn truncated(needed: u64, found: u64) -> SyncError {
    SyncError::Truncated {
        needed: usize::try_from(needed).unwrap_or(usize::MAX),
        found: usize::try_from(found).unwrap_or(usize::MAX),
    }
}

impl<R: Read> Source<R> {
    fn new(inner: R, size: Option<u64>) -> Self {
        Source { inner, position: 0, size }
    }

    /// Reads as much of `buf` as the stream holds; returns how much.
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, SyncError> {
        let mut filled = 0;
        while let Some(rest) = buf.get_mut(filled..).filter(|r| !r.is_empty()) {
            match self.inner.read(rest) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(SyncError::io(e)),
            }
        }
        self.position += filled as u64;
        Ok(filled)
    }

    /// Fills `buf`, or reports the bundle truncated.
    fn exact(&mut self, buf: &mut [u8]) -> Result<(), SyncError> {
        let start = self.position;
        let n = self.fill(buf)?;
        if n < buf.len() {
            return Err(truncated(start + buf.len() as u64, self.position));
        }
        Ok(())
    }

    /// Reads `len` bytes (already checked against a bound). On a stream of known size the
    /// length is checked against what is left first; on one of unknown size the buffer
    /// grows as bytes arrive rather than trusting the length.
    fn bytes(&mut self, len: usize) -> Result<Vec<u8>, SyncError> {
        let needed = self.position + len as u64;
        if let Some(size) = self.size
            && needed > size
        {
            return Err(truncated(needed, size));
        }
        let initial = if self.size.is_some() { len } else { len.min(UNKNOWN_SIZE_CHUNK) };
        let mut out = Vec::with_capacity(initial);
        (&mut self.inner).take(len as u64).read_to_end(&mut out).map_err(SyncError::io)?;
        self.position += out.len() as u64;
        if out.len() < len {
            return Err(truncated(needed, self.position));
        }
        Ok(out)
    }

    /// Whether the stream has ended.
    fn at_end(&mut self) -> Result<bool, SyncError> {
        let mut b = [0u8; 1];
        Ok(self.fill(&mut b)? == 0)
    }
}

/// Reads magic, version and header length, then the header, feeding them to `hasher`;
/// returns the header's bytes. A stream that does not start with the magic is refused
/// after at most [`PREFIX_LEN`] bytes.
fn read_prefix<R: Read>(src: &mut Source<R>, hasher: &mut blake3::Hasher) -> Result<Vec<u8>, SyncError> {
    let mut prefix = [0u8; PREFIX_LEN];
    let got = src.fill(&mut prefix)?;
    let (magic, version) = prefix.split_at(MAGIC.len());
    let seen = got.min(MAGIC.len());
    if magic.get(..seen) != MAGIC.get(..seen) {
        return Err(SyncError::NotABundle);
    }
    if got < PREFIX_LEN {
        return Err(truncated(PREFIX_LEN as u64, got as u64));
    }
    let version = u16::from_le_bytes([version.first().copied().unwrap_or(0), version.get(1).copied().unwrap_or(0)]);
    if version != VERSION {
        return Err(SyncError::UnsupportedVersion { found: version, supported: VERSION });
    }
    let mut len = [0u8; 2];
    src.exact(&mut len)?;
    let header_len = usize::from(u16::from_le_bytes(len));
    if header_len > MAX_HEADER {
        return Err(SyncError::FrameTooLarge { len: header_len, max: MAX_HEADER });
    }
    let header = src.bytes(header_len)?;
    hasher.update(&prefix);
    hasher.update(&len);
    hasher.update(&header);
    Ok(header)
}

fn decode_header(bytes: &[u8]) -> Result<BundleHeader, SyncError> {
    let header: Header = postcard::from_bytes(bytes).map_err(SyncError::malformed)?;
    let group = GroupId::parse(&header.group).map_err(SyncError::malformed)?;
    Ok(BundleHeader { group, device: DeviceId::from_public_key(&header.device), created: Timestamp(header.created) })
}

/// Reads only a bundle's magic, version and header: what it claims (nothing of it is
/// verified). A stream that is not a bundle is refused after its first ten bytes.
pub fn read_bundle_header(reader: impl Read) -> Result<BundleHeader, SyncError> {
    let mut src = Source::new(reader, None);
    let header = read_prefix(&mut src, &mut blake3::Hasher::new())?;
    decode_header(&header)
}

/// Reads the next record's kind and length, checking the length against the kind's bound.
fn record_head<R: Read>(src: &mut Source<R>) -> Result<(u8, usize, [u8; 5]), SyncError> {
    let mut head = [0u8; 5];
    src.exact(&mut head)?;
    let [kind, l0, l1, l2, l3] = head;
    let len = u32::from_le_bytes([l0, l1, l2, l3]) as usize;
    let max = match kind {
        END => 0,
        DOCUMENT => MAX_DOCUMENT,
        HEADS => MAX_HEADS,
        PHOTO => MAX_PHOTO,
        other => return Err(SyncError::Malformed { reason: format!("unknown record kind {other}") }),
    };
    if len > max {
        return Err(SyncError::FrameTooLarge { len, max });
    }
    Ok((kind, len, head))
}

/// One record as pass 1 saw it.
struct SeenRecord {
    kind: u8,
    hash: [u8; 32],
}

/// What the first pass over a bundle verified.
struct Walked {
    header: BundleHeader,
    header_hash: [u8; 32],
    records: Vec<SeenRecord>,
    /// The documents' keys and sizes, in order.
    documents: Vec<(DocKey, u64)>,
    heads: Option<KnownHeads>,
    bytes: u64,
    photos: usize,
    photo_bytes: u64,
}

/// The first pass: reads the whole bundle as a stream, one record at a time, checking its
/// shape, checksum and signature. Problems inside a record are reported only once the
/// checksum has matched, so damage reads as damage.
fn walk<R: Read>(mut src: Source<R>) -> Result<Walked, SyncError> {
    let mut hasher = blake3::Hasher::new();
    let header_bytes = read_prefix(&mut src, &mut hasher)?;
    let header_hash = *blake3::hash(&header_bytes).as_bytes();
    let mut records = Vec::new();
    let mut documents = Vec::new();
    let mut keys = BTreeSet::new();
    let mut heads: Option<KnownHeads> = None;
    let mut problem: Option<SyncError> = None;
    let (mut photos, mut photo_bytes) = (0, 0);
    loop {
        let (kind, len, head) = record_head(&mut src)?;
        hasher.update(&head);
        if kind == END {
            break;
        }
        if kind == DOCUMENT && documents.len() >= MAX_DOCUMENTS {
            return Err(SyncError::Malformed { reason: format!("more than {MAX_DOCUMENTS} documents") });
        }
        let bytes = src.bytes(len)?;
        hasher.update(&bytes);
        records.push(SeenRecord { kind, hash: *blake3::hash(&bytes).as_bytes() });
        if problem.is_some() {
            continue;
        }
        let checked = if kind == DOCUMENT {
            check_document(&bytes, &mut keys).map(|(key, size)| documents.push((key, size)))
        } else if kind == PHOTO {
            check_photo(&bytes, heads.is_some()).map(|size| {
                photos += 1;
                photo_bytes += size;
            })
        } else if photos > 0 {
            Err(SyncError::Malformed { reason: "the heads come after a photo".into() })
        } else if heads.is_some() {
            Err(SyncError::Malformed { reason: "the heads appear twice".into() })
        } else {
            postcard::from_bytes::<KnownHeads>(&bytes).map(|h| heads = Some(h)).map_err(SyncError::malformed)
        };
        if let Err(e) = checked {
            problem = Some(e);
        }
    }
    let mut checksum = [0u8; CHECKSUM_LEN];
    src.exact(&mut checksum)?;
    let mut signature = [0u8; SIGNATURE_LEN];
    src.exact(&mut signature)?;
    let bytes = src.position;
    if !src.at_end()? {
        return Err(SyncError::Malformed { reason: "data after the end of the bundle".into() });
    }
    if hasher.finalize().as_bytes() != &checksum {
        return Err(SyncError::Corrupted);
    }
    let header = decode_header(&header_bytes)?;
    let bad_signature = || SyncError::BadSignature { device: header.device.to_string() };
    let raw: Header = postcard::from_bytes(&header_bytes).map_err(SyncError::malformed)?;
    let key = VerifyingKey::from_bytes(&raw.device).map_err(|_| bad_signature())?;
    key.verify(&signed_message(&checksum), &Signature::from_bytes(&signature)).map_err(|_| bad_signature())?;
    if let Some(problem) = problem {
        return Err(problem);
    }
    Ok(Walked { header, header_hash, records, documents, heads, bytes, photos, photo_bytes })
}

/// Checks one photo record: it follows the heads, and its bytes hash to the hash it names.
/// Returns the blob's size.
fn check_photo(bytes: &[u8], after_heads: bool) -> Result<u64, SyncError> {
    if !after_heads {
        return Err(SyncError::Malformed { reason: "a photo before the heads".into() });
    }
    let (hash, blob) = bytes
        .split_at_checked(32)
        .ok_or_else(|| SyncError::Malformed { reason: "a photo record shorter than its hash".into() })?;
    if blake3::hash(blob).as_bytes().as_slice() != hash {
        return Err(SyncError::PhotoMismatch { hash: data_encoding::HEXLOWER.encode(hash) });
    }
    Ok(blob.len() as u64)
}

/// A record a later pass hands on.
enum Replayed {
    /// A document, with its index among the documents.
    Document(usize, DocKey, DocumentExport),
    /// A photo blob (checked against its hash in the first pass), its hash in hex.
    Photo(String, Vec<u8>),
}

/// Checks one document record's shape: it decodes, its key is known and new, and the
/// catalogue comes first. Returns its key and the size of its changes.
fn check_document(bytes: &[u8], keys: &mut BTreeSet<DocKey>) -> Result<(DocKey, u64), SyncError> {
    let record: RecordRef<'_> = postcard::from_bytes(bytes).map_err(SyncError::malformed)?;
    let key = DocKey::parse(record.key).ok_or_else(|| SyncError::Malformed {
        reason: format!("unknown document key '{}'", crate::domain::input::echo(record.key)),
    })?;
    if key == DocKey::Catalogue && !keys.is_empty() {
        return Err(SyncError::Malformed { reason: "the catalogue is not the first document".into() });
    }
    if !keys.insert(key) {
        return Err(SyncError::Malformed { reason: format!("document {key} appears twice") });
    }
    Ok((key, record.data.len() as u64))
}

/// A later pass: reads the bundle again from its start and hands `apply` each document
/// (with its index) and photo, after checking that every record hashes as in the first
/// pass (a file that changed in between is refused as damaged).
fn replay<R: Read>(mut src: Source<R>, walked: &Walked, mut apply: impl FnMut(Replayed) -> Result<()>) -> Result<()> {
    let changed = || SyncError::Corrupted;
    let header = read_prefix(&mut src, &mut blake3::Hasher::new())?;
    if blake3::hash(&header).as_bytes() != &walked.header_hash {
        return Err(changed().into());
    }
    let mut index = 0;
    for seen in &walked.records {
        let (kind, len, _) = record_head(&mut src)?;
        if kind != seen.kind {
            return Err(changed().into());
        }
        let bytes = src.bytes(len)?;
        if blake3::hash(&bytes).as_bytes() != &seen.hash {
            return Err(changed().into());
        }
        if kind == PHOTO {
            let mut bytes = bytes;
            let blob = bytes.split_off(32.min(bytes.len()));
            apply(Replayed::Photo(data_encoding::HEXLOWER.encode(&bytes), blob))?;
            continue;
        }
        if kind != DOCUMENT {
            continue;
        }
        let record: RecordRef<'_> = postcard::from_bytes(&bytes).map_err(SyncError::malformed)?;
        let key = walked.documents.get(index).map(|(k, _)| *k).ok_or_else(changed)?;
        let export = DocumentExport {
            key: record.key.to_owned(),
            data: record.data.to_vec(),
            attestations: record.attestations,
        };
        drop(bytes);
        apply(Replayed::Document(index, key, export))?;
        index += 1;
    }
    Ok(())
}

/// Reads a bundle held in memory, verifies its format, checksum and signature, and returns
/// it with its documents. Says nothing about whether any store should accept it:
/// [`import_bundle`] checks that.
pub fn read_bundle(bytes: &[u8]) -> Result<BundleInfo, SyncError> {
    let walked = walk(Source::new(bytes, Some(bytes.len() as u64)))?;
    let mut documents = Vec::new();
    replay(Source::new(bytes, Some(bytes.len() as u64)), &walked, |r| {
        if let Replayed::Document(_, _, d) = r {
            documents.push(d);
        }
        Ok(())
    })
    .map_err(|e| match e {
        crate::Error::Sync(s) => s,
        other => SyncError::malformed(other),
    })?;
    let BundleHeader { group, device, created } = walked.header;
    Ok(BundleInfo { group, device, created, documents, heads: walked.heads })
}

/// Reads a bundle from a stream and verifies its format, checksum and signature, keeping
/// only each document's key and size: memory stays bounded by one document. `size`, when
/// known, lets every length be checked against what is left before it is read. A stream
/// that is not a bundle is refused after its first ten bytes.
pub fn inspect_bundle(reader: impl Read, size: Option<u64>) -> Result<BundleOutline, SyncError> {
    let walked = walk(Source::new(reader, size))?;
    Ok(BundleOutline {
        group: walked.header.group,
        device: walked.header.device,
        created: walked.header.created,
        documents: walked.documents.iter().map(|(k, n)| (k.to_string(), *n)).collect(),
        heads_documents: walked.heads.as_ref().map(|h| h.docs.len()).unwrap_or(0),
        bytes: walked.bytes,
        photos: walked.photos,
        photo_bytes: walked.photo_bytes,
    })
}

fn open(path: &Path) -> Result<(File, u64)> {
    let io = |e: std::io::Error| StoreError::Io {
        path: path.display().to_string(),
        message: format!("cannot read it: {e}"),
    };
    let file = File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    Ok((file, size))
}

/// [`inspect_bundle`] of the file at `path`, read as a stream.
pub fn inspect_bundle_file(path: &Path) -> Result<BundleOutline> {
    let (file, size) = open(path)?;
    Ok(inspect_bundle(file, Some(size))?)
}

/// Imports a bundle held in memory into `group` (see [`import_bundle_from`]).
pub fn import_bundle(store: &mut Store, group: &GroupId, bytes: &[u8]) -> Result<MergeReport> {
    Ok(import_bundle_from(store, group, std::io::Cursor::new(bytes))?.report)
}

/// Imports the bundle file at `path`, read as a stream, into `group`, or, when `group` is
/// `None`, into the group its header names (a device joining through a bundle does not
/// know it yet). See [`import_bundle_from`].
pub fn import_bundle_file(store: &mut Store, group: Option<&GroupId>, path: &Path) -> Result<BundleImport> {
    let (mut file, _) = open(path)?;
    let group = match group {
        Some(g) => g.clone(),
        None => {
            let header = read_bundle_header(&mut file)?;
            file.seek(SeekFrom::Start(0)).map_err(SyncError::io)?;
            header.group
        }
    };
    import_bundle_from(store, &group, file)
}

/// Imports a bundle from a seekable stream (a file) into `group`, reading it three times
/// and holding one document at a time (see the module documentation): verifies it whole,
/// checks it is for `group` and signed by a current member's device of it (at first
/// contact: listed as one by the catalogue it brings first), checks every document
/// against the store, then applies them one by one. When a check fails nothing is applied.
/// Then it records the exporter's heads as that device's peer heads, so
/// [`export_bundle_for`] that device carries only what it lacks.
pub fn import_bundle_from<R: Read + Seek>(store: &mut Store, group: &GroupId, mut reader: R) -> Result<BundleImport> {
    let start = reader.stream_position().map_err(SyncError::io)?;
    let end = reader.seek(SeekFrom::End(0)).map_err(SyncError::io)?;
    let size = end.saturating_sub(start);
    let rewind = |r: &mut R| r.seek(SeekFrom::Start(start)).map(|_| ()).map_err(SyncError::io);
    rewind(&mut reader)?;
    let walked = walk(Source::new(&mut reader, Some(size)))?;
    let sender = walked.header.device.clone();
    if &walked.header.group != group {
        return Err(
            SyncError::ForeignGroup { expected: group.to_string(), found: walked.header.group.to_string() }.into()
        );
    }
    let not_member = || SyncError::NotAMemberDevice { device: sender.to_string(), group: group.to_string() };
    let first_contact = !knows_group(store, group)?;
    if first_contact {
        if walked.documents.first().map(|(k, _)| *k) != Some(DocKey::Catalogue) {
            return Err(SyncError::MissingCatalogue { group: group.to_string() }.into());
        }
    } else if !is_member_device(store, group, &sender)? {
        return Err(not_member().into());
    }

    // Pass 2: every document checked against the store, nothing applied.
    rewind(&mut reader)?;
    let mut verified: Vec<Vec<Verified>> = Vec::with_capacity(walked.documents.len());
    replay(Source::new(&mut reader, Some(size)), &walked, |r| {
        let Replayed::Document(_, key, export) = r else {
            return Ok(());
        };
        if first_contact && key == DocKey::Catalogue && !catalogue_lists_device(&export.data, &sender)? {
            return Err(not_member().into());
        }
        verified.push(if export.data.is_empty() {
            Vec::new()
        } else {
            invalid_as_malformed(store.check_received(group, key, &export))?
        });
        Ok(())
    })?;

    // Pass 3: applied one by one, the catalogue first; then the photos the group's items
    // now reference are kept.
    rewind(&mut reader)?;
    let mut report = MergeReport::default();
    let mut referenced: Option<BTreeSet<String>> = None;
    let mut photos_kept = 0;
    replay(Source::new(&mut reader, Some(size)), &walked, |r| {
        let (index, key, export) = match r {
            Replayed::Document(index, key, export) => (index, key, export),
            Replayed::Photo(hash, blob) => {
                let referenced = match &mut referenced {
                    Some(r) => r,
                    None => referenced.insert(store.referenced_photo_hashes(Some(group))?),
                };
                if referenced.contains(&hash) {
                    store.photo_blobs()?.put(&blob)?;
                    photos_kept += 1;
                }
                return Ok(());
            }
        };
        if export.data.is_empty() {
            return Ok(());
        }
        let checked = verified.get(index).map(Vec::as_slice).unwrap_or_default();
        let changed = invalid_as_malformed(store.apply_received(group, key, &export, checked))?;
        if changed > 0 {
            report.documents_changed += 1;
            report.entities_updated += changed;
        }
        Ok(())
    })?;

    if let Some(heads) = &walked.heads
        && &sender != store.device_id()
        && let Err(e) = record_exporter_heads(store, group, &sender, heads)
    {
        // The changes are applied; missing peer heads only make the next bundle larger.
        tracing::debug!(%e, "could not record the heads of the bundle's exporter");
    }
    let BundleHeader { group, device, created } = walked.header;
    Ok(BundleImport { group, device, created, report, photos_kept })
}

/// Invalid received data is reported as [`SyncError::Malformed`].
fn invalid_as_malformed<T>(result: Result<T>) -> Result<T> {
    result.map_err(|e| match e {
        crate::Error::Store(StoreError::InvalidData { reason }) => SyncError::Malformed { reason }.into(),
        other => other,
    })
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

/// What `device` lacks of `group` as far as this device knows: by the heads it announced in
/// its last sync session, or held when it wrote the last bundle imported here. Nothing
/// known, if this device never heard from it.
fn known_heads_of(store: &Store, group: &GroupId, device: &DeviceId) -> Result<KnownHeads> {
    super::peers::known_heads_of(store, group, device)
}

/// Exports `group` as a bundle of what `device` lacks as far as this device knows: by the
/// heads it announced in its last sync session, or held when it wrote the last bundle
/// imported here. Everything, if this device never heard from it.
pub fn export_bundle_for(store: &Store, group: &GroupId, device: &DeviceId) -> Result<Vec<u8>> {
    let known = known_heads_of(store, group, device)?;
    export_bundle(store, group, Some(&known))
}

/// [`export_bundle_for`] written to the file at `path` as a stream (see
/// [`write_bundle_file`]); returns the bytes written.
pub fn write_bundle_file_for(store: &Store, group: &GroupId, device: &DeviceId, path: &Path) -> Result<u64> {
    let known = known_heads_of(store, group, device)?;
    write_bundle_file(store, group, Some(&known), path)
}
