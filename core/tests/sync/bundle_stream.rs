//! Bundles read as streams: a file that is not a bundle is refused after its first bytes
//! whatever its size, every length is checked before anything is read for it, an import
//! holds one document at a time, and a bundle that fails a check applies nothing.

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use delbar_core::domain::Role;
use delbar_core::ids::{GroupId, ItemId};
use delbar_core::sync::bundle::{MAGIC, MAX_DOCUMENT, VERSION};
use delbar_core::sync::{
    KnownHeads, SyncError, export_bundle, import_bundle, import_bundle_file, import_bundle_from, inspect_bundle,
    inspect_bundle_file, read_bundle_header, write_bundle_file,
};
use delbar_core::{Error, Store};
use ed25519_dalek::Signer;

use crate::fixtures::{Lab, add_member, assert_converged, book, bookings};

/// A reader that counts the bytes read through it.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R> Counting<R> {
    fn new(inner: R) -> (Self, Arc<AtomicU64>) {
        let read = Arc::new(AtomicU64::new(0));
        (Counting { inner, read: read.clone() }, read)
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Endless bytes: what a pipe from a device that never stops sending looks like.
struct Endless(u8);

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        buf.fill(self.0);
        Ok(buf.len())
    }
}

fn sync_error(e: Error) -> SyncError {
    match e {
        Error::Sync(s) => s,
        other => panic!("expected a sync error, got {other:?}"),
    }
}

/// Where the header ends (the records begin).
fn header_end(bundle: &[u8]) -> usize {
    12 + usize::from(u16::from_le_bytes([bundle[10], bundle[11]]))
}

/// Each record of a bundle: (kind, where its bytes start, their length).
fn records(bundle: &[u8]) -> Vec<(u8, usize, usize)> {
    let mut at = header_end(bundle);
    let mut out = Vec::new();
    loop {
        let kind = bundle[at];
        let len = u32::from_le_bytes(bundle[at + 1..at + 5].try_into().unwrap()) as usize;
        if kind == 0 {
            return out;
        }
        out.push((kind, at + 5, len));
        at += 5 + len;
    }
}

/// Signs `bundle` again after its content was changed, as its exporter would: a valid
/// checksum and signature over different content.
fn resign(store: &Store, bundle: &mut [u8]) {
    let signed = bundle.len() - 96;
    let checksum = *blake3::hash(&bundle[..signed]).as_bytes();
    let mut message = b"delbar bundle v4".to_vec();
    message.extend_from_slice(&checksum);
    let signature = store.device_signing_key().sign(&message).to_bytes();
    bundle[signed..signed + 32].copy_from_slice(&checksum);
    bundle[signed + 32..].copy_from_slice(&signature);
}

/// A steward with a member's device that knows the group, and bookings over several
/// months (so a bundle carries several documents).
fn group_with_months(lab: &mut Lab) -> (Store, Store, GroupId, ItemId) {
    let (mut a, g, item) = lab.steward();
    let b = lab.device();
    add_member(&mut a, &g, &b, "Olle", Role::Member);
    for m in 0..3 {
        book(lab, &mut a, &g, &item, 24 * 31 * m + 24);
    }
    (a, b, g, item)
}

#[test]
fn a_3_gb_file_that_is_not_a_bundle_is_refused_after_its_first_bytes() {
    let mut lab = Lab::new();
    let mut b = lab.device();
    let g = GroupId::generate();
    let path = lab.dir.path().join("holiday.mkv");
    // A sparse file: 3 GiB long, no disk used.
    std::fs::File::create(&path).unwrap().set_len(3 << 30).unwrap();

    let (reader, read) = Counting::new(std::fs::File::open(&path).unwrap());
    assert!(matches!(inspect_bundle(reader, Some(3 << 30)).unwrap_err(), SyncError::NotABundle));
    assert!(read.load(Ordering::Relaxed) <= 16, "read {} bytes", read.load(Ordering::Relaxed));

    let (reader, read) = Counting::new(std::fs::File::open(&path).unwrap());
    assert!(matches!(sync_error(import_bundle_from(&mut b, &g, reader).unwrap_err()), SyncError::NotABundle));
    assert!(read.load(Ordering::Relaxed) <= 16, "read {} bytes", read.load(Ordering::Relaxed));

    // The same through the file paths the CLI and the bindings use.
    assert!(matches!(sync_error(inspect_bundle_file(&path).unwrap_err()), SyncError::NotABundle));
    assert!(matches!(sync_error(import_bundle_file(&mut b, None, &path).unwrap_err()), SyncError::NotABundle));
    assert!(matches!(sync_error(import_bundle_file(&mut b, Some(&g), &path).unwrap_err()), SyncError::NotABundle));
    assert!(b.groups().unwrap().is_empty());

    // An endless stream is refused as soon, and its header is never read further.
    let (reader, read) = Counting::new(Endless(b'x'));
    assert!(matches!(inspect_bundle(reader, None).unwrap_err(), SyncError::NotABundle));
    assert!(read.load(Ordering::Relaxed) <= 16, "read {} bytes", read.load(Ordering::Relaxed));
    let (reader, read) = Counting::new(Endless(0));
    assert!(matches!(read_bundle_header(reader).unwrap_err(), SyncError::NotABundle));
    assert!(read.load(Ordering::Relaxed) <= 16, "read {} bytes", read.load(Ordering::Relaxed));
}

#[test]
fn lengths_are_checked_against_their_bound_and_what_is_left_before_reading() {
    let mut lab = Lab::new();
    let (a, g, _) = lab.steward();
    let good = export_bundle(&a, &g, None).unwrap();
    let end = header_end(&good);
    let path = lab.dir.path().join("big.delbar");

    // A bundle header, then a document record naming more than a document may hold, then
    // 3 GiB of nothing: refused at that length.
    let mut head = good[..end].to_vec();
    head.push(1);
    head.extend_from_slice(&u32::MAX.to_le_bytes());
    std::fs::write(&path, &head).unwrap();
    std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(3 << 30).unwrap();
    let (reader, read) = Counting::new(std::fs::File::open(&path).unwrap());
    assert!(matches!(
        inspect_bundle(reader, Some(3 << 30)).unwrap_err(),
        SyncError::FrameTooLarge { len, max: MAX_DOCUMENT } if len == u32::MAX as usize
    ));
    assert!(read.load(Ordering::Relaxed) <= head.len() as u64, "read {} bytes", read.load(Ordering::Relaxed));

    // A length within the bound but beyond the end of the file: refused before reading.
    let mut short = good[..end].to_vec();
    short.push(1);
    short.extend_from_slice(&(MAX_DOCUMENT as u32).to_le_bytes());
    short.extend_from_slice(&[0; 100]);
    std::fs::write(&path, &short).unwrap();
    let (reader, read) = Counting::new(std::fs::File::open(&path).unwrap());
    let err = inspect_bundle(reader, Some(short.len() as u64)).unwrap_err();
    assert!(matches!(err, SyncError::Truncated { found, .. } if found == short.len()), "{err:?}");
    assert!(read.load(Ordering::Relaxed) <= (end + 5) as u64, "read {} bytes", read.load(Ordering::Relaxed));
    assert!(matches!(sync_error(inspect_bundle_file(&path).unwrap_err()), SyncError::Truncated { .. }));

    // On a stream of unknown size the false length costs no memory up front: the stream
    // ends, and the bundle is truncated.
    let err = inspect_bundle(Cursor::new(short), None).unwrap_err();
    assert!(matches!(err, SyncError::Truncated { .. }), "{err:?}");

    // An unknown record kind and an oversized header are refused by their first bytes.
    let mut unknown = good[..end].to_vec();
    unknown.extend_from_slice(&[9, 0, 0, 0, 0]);
    assert!(matches!(inspect_bundle(Cursor::new(unknown), None).unwrap_err(), SyncError::Malformed { .. }));
    let mut big_header = good[..10].to_vec();
    big_header.extend_from_slice(&u16::MAX.to_le_bytes());
    assert!(matches!(inspect_bundle(Cursor::new(big_header), None).unwrap_err(), SyncError::FrameTooLarge { .. }));
}

#[test]
fn the_first_ten_bytes_decide_magic_and_version() {
    let mut lab = Lab::new();
    let (a, g, _) = lab.steward();
    let good = export_bundle(&a, &g, None).unwrap();
    assert_eq!(&good[..8], MAGIC);
    assert_eq!(u16::from_le_bytes([good[8], good[9]]), VERSION);
    // Versions 2 and 3 (the whole-body formats) and a newer one are named as such.
    for version in [2u16, 3, 5] {
        let mut other = good.clone();
        other[8..10].copy_from_slice(&version.to_le_bytes());
        let (reader, read) = Counting::new(Cursor::new(other));
        assert!(matches!(
            inspect_bundle(reader, None).unwrap_err(),
            SyncError::UnsupportedVersion { found, supported: VERSION } if found == version
        ));
        assert_eq!(read.load(Ordering::Relaxed), 10);
    }
    // A short file that starts like a bundle is truncated; one that does not is no bundle.
    assert!(matches!(inspect_bundle(Cursor::new(&good[..5]), None).unwrap_err(), SyncError::Truncated { .. }));
    assert!(matches!(inspect_bundle(Cursor::new(b"DELX"), None).unwrap_err(), SyncError::NotABundle));
    assert!(matches!(inspect_bundle(Cursor::new(b""), None).unwrap_err(), SyncError::Truncated { .. }));
}

#[test]
fn a_bundle_file_round_trips_as_a_stream_and_a_second_import_changes_nothing() {
    let mut lab = Lab::new();
    let (mut a, mut b, g, _) = group_with_months(&mut lab);
    let path = lab.dir.path().join("group.delbar");
    let written = write_bundle_file(&a, &g, None, &path).unwrap();
    assert_eq!(written, std::fs::metadata(&path).unwrap().len());
    assert_eq!(std::fs::read(&path).unwrap().len() as u64, written);

    let outline = inspect_bundle_file(&path).unwrap();
    assert_eq!(outline.group, g);
    assert_eq!(&outline.device, a.device_id());
    assert_eq!(outline.bytes, written);
    assert_eq!(outline.documents.first().map(|d| d.0.as_str()), Some("catalogue"));
    assert!(outline.documents.len() >= 5, "{:?}", outline.documents);
    assert_eq!(outline.heads_documents, KnownHeads::of(&a, &g).unwrap().docs.len());

    // First contact: the group comes from the header.
    let imported = import_bundle_file(&mut b, None, &path).unwrap();
    assert_eq!(imported.group, g);
    assert_eq!(&imported.device, a.device_id());
    assert_eq!(imported.report.documents_changed as usize, outline.documents.len());
    assert_eq!(bookings(&b, &g).len(), 3);
    assert_converged(&mut a, &mut b, &g);
    let again = import_bundle_file(&mut b, Some(&g), &path).unwrap();
    assert_eq!(again.report.documents_changed, 0);

    // A bundle b writes records b's heads at a: the next bundle for b carries nothing.
    let from_b = lab.dir.path().join("from-b.delbar");
    write_bundle_file(&b, &g, None, &from_b).unwrap();
    import_bundle_file(&mut a, Some(&g), &from_b).unwrap();
    let delta = lab.dir.path().join("delta.delbar");
    delbar_core::sync::write_bundle_file_for(&a, &g, b.device_id(), &delta).unwrap();
    assert!(inspect_bundle_file(&delta).unwrap().documents.is_empty());
}

#[test]
fn a_bundle_cut_anywhere_is_refused_as_truncated_and_applies_nothing() {
    let mut lab = Lab::new();
    let (a, mut b, g, _) = group_with_months(&mut lab);
    let good = export_bundle(&a, &g, None).unwrap();
    let path = lab.dir.path().join("cut.delbar");
    // Every cut of the first bytes, at every record boundary, and spread over the rest.
    let mut cuts: Vec<usize> = (0..=16).collect();
    for (_, start, len) in records(&good) {
        cuts.extend([start - 5, start - 1, start, start + len / 2, start + len]);
    }
    cuts.extend((0..good.len()).step_by(211));
    cuts.extend(good.len() - 96..good.len());
    for cut in cuts {
        std::fs::write(&path, &good[..cut]).unwrap();
        let err = sync_error(import_bundle_file(&mut b, Some(&g), &path).unwrap_err());
        assert!(matches!(err, SyncError::Truncated { .. }), "cut at {cut}: {err:?}");
        let err = import_bundle(&mut b, &g, &good[..cut]).unwrap_err();
        assert!(matches!(sync_error(err), SyncError::Truncated { .. }), "cut at {cut}");
    }
    assert!(b.groups().unwrap().is_empty(), "a truncated bundle changed the store");
    // Bytes after the end are refused too.
    let mut longer = good.clone();
    longer.push(0);
    assert!(matches!(sync_error(import_bundle(&mut b, &g, &longer).unwrap_err()), SyncError::Malformed { .. }));
    assert!(b.groups().unwrap().is_empty());
}

#[test]
fn a_document_damaged_in_the_middle_applies_nothing() {
    let mut lab = Lab::new();
    let (mut a, mut b, g, item) = group_with_months(&mut lab);
    import_bundle(&mut b, &g, &export_bundle(&a, &g, None).unwrap()).unwrap();
    for m in 0..3 {
        book(&lab, &mut a, &g, &item, 24 * 31 * m + 48);
    }
    let good = export_bundle(&a, &g, Some(&KnownHeads::of(&b, &g).unwrap())).unwrap();
    let docs: Vec<_> = records(&good).into_iter().filter(|r| r.0 == 1).collect();
    assert!(docs.len() >= 3, "{docs:?}");
    let before = KnownHeads::of(&b, &g).unwrap();
    let (_, start, len) = docs[docs.len() / 2];

    // Damaged on the way: the checksum catches it.
    let mut damaged = good.clone();
    damaged[start + len / 2] ^= 0x40;
    assert!(matches!(sync_error(import_bundle(&mut b, &g, &damaged).unwrap_err()), SyncError::Corrupted));

    // Damaged before it was signed (a broken exporter): checksum and signature verify, the
    // document does not load, and nothing of the documents before it is applied either.
    let mut broken = good.clone();
    broken[start + len / 2] ^= 0x40;
    resign(&a, &mut broken);
    let err = sync_error(import_bundle(&mut b, &g, &broken).unwrap_err());
    assert!(matches!(err, SyncError::Malformed { .. }), "{err:?}");
    assert_eq!(KnownHeads::of(&b, &g).unwrap(), before, "a refused bundle changed the store");
    assert_eq!(bookings(&b, &g).len(), 3);

    // The good bundle still imports.
    import_bundle(&mut b, &g, &good).unwrap();
    assert_eq!(bookings(&b, &g).len(), 6);
    assert_converged(&mut a, &mut b, &g);
}

/// A reader whose bytes are replaced at its `at`-th seek (a file rewritten while it is
/// imported).
struct ChangesAtSeek {
    bytes: Cursor<Vec<u8>>,
    replacement: Option<Vec<u8>>,
    seeks: usize,
    at: usize,
}

impl Read for ChangesAtSeek {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.bytes.read(buf)
    }
}

impl Seek for ChangesAtSeek {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.seeks += 1;
        if self.seeks == self.at
            && let Some(other) = self.replacement.take()
        {
            let position = self.bytes.position();
            self.bytes = Cursor::new(other);
            self.bytes.set_position(position);
        }
        self.bytes.seek(pos)
    }
}

#[test]
fn a_file_that_changes_during_the_import_is_refused_and_a_second_import_completes_it() {
    let mut lab = Lab::new();
    let (mut a, mut b, g, _) = group_with_months(&mut lab);
    let good = export_bundle(&a, &g, None).unwrap();
    let docs: Vec<_> = records(&good).into_iter().filter(|r| r.0 == 1).collect();
    let (_, start, len) = *docs.last().unwrap();
    let mut swapped = good.clone();
    swapped[start + len / 2] ^= 0x40;

    // Changed after the first pass (seeks: position, end, start; then one before each later
    // pass): refused before anything is applied.
    let reader =
        ChangesAtSeek { bytes: Cursor::new(good.clone()), replacement: Some(swapped.clone()), seeks: 0, at: 4 };
    assert!(matches!(sync_error(import_bundle_from(&mut b, &g, reader).unwrap_err()), SyncError::Corrupted));
    assert!(b.groups().unwrap().is_empty());

    // Changed while the documents are applied: refused at the changed document; the
    // documents before it are applied, each whole and checked, and importing the file
    // again applies the rest.
    let reader = ChangesAtSeek { bytes: Cursor::new(good.clone()), replacement: Some(swapped), seeks: 0, at: 5 };
    assert!(matches!(sync_error(import_bundle_from(&mut b, &g, reader).unwrap_err()), SyncError::Corrupted));
    let held = KnownHeads::of(&b, &g).unwrap();
    assert_eq!(held.docs.len(), docs.len() - 1, "every document but the changed one is applied");
    import_bundle(&mut b, &g, &good).unwrap();
    assert_converged(&mut a, &mut b, &g);
}
