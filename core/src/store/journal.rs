//! The change journal: what makes a local write durable before SQLite's commit is.
//!
//! A local write (a booking, an item edit) is acknowledged once the automerge changes it
//! made are on disk. Making the whole SQLite transaction durable at that moment means
//! syncing every page it touched (the changes, the projection rows and their indexes, the
//! holds, the attestations: about 30 pages for a booking). Instead:
//!
//! 1. The write runs its SQLite transaction as before, with `synchronous = NORMAL`: in WAL
//!    mode the commit reaches the operating system (so a killed process loses nothing) but
//!    is not synced to the disk.
//! 2. Before that commit, one record holding exactly the new changes of each document and
//!    this device's attestations of them is appended to this journal, a small preallocated
//!    file beside the store, and synced with one `fdatasync` of a few hundred bytes. That
//!    is the acknowledgement.
//! 3. The transaction records the record's sequence number (`local_device.journal_seq`),
//!    so after a power loss the store knows which records it lost: on open, every record
//!    newer than that number is applied again through the ordinary merge path (the
//!    changes are this device's own, attested by its own key), and merging changes twice
//!    changes nothing.
//! 4. Once a checkpoint has copied the whole WAL into the database file and synced it,
//!    SQLite holds everything the journal does, and the journal starts over from its
//!    beginning ([`Journal::reset`]).
//!
//! Everything else that writes the store (merges of received changes, compaction, sync
//! status) commits with `synchronous = FULL` as before, which also syncs every earlier
//! commit in the WAL.
//!
//! A record is `MAGIC`, the payload's length (u32 LE), the first 8 bytes of the payload's
//! BLAKE3 hash, then the payload (postcard). Records are read from the start while each is
//! whole, checks out and carries the next sequence number; anything after (a torn last
//! record, or older records left from before a reset, whose numbers are lower) ends the
//! journal.

use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::store::StoreError;
use crate::store::faults::{self, FaultPoint};
use crate::store::merge::DocumentExport;

/// Marks the start of a record.
const MAGIC: &[u8; 4] = b"DJR1";
/// Header: magic, length, checksum.
const HEADER_LEN: usize = 4 + 4 + 8;
/// The journal file is filled to this size when created, so that appending a record
/// overwrites blocks the file already has and its sync carries no metadata update.
const PREALLOCATED_BYTES: u64 = 256 * 1024;
/// A write that leaves the journal longer than this checkpoints and resets it inline (a
/// store whose owner never calls `upkeep`).
pub(crate) const RESET_AFTER_BYTES: u64 = 1024 * 1024;
/// No record is larger than this (a record this large would be a corrupt length).
const MAX_RECORD_BYTES: usize = 64 * 1024 * 1024;

/// One local write: the changes it made to each document of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Record {
    /// Sequence number, one more than the previous record's.
    pub seq: u64,
    /// The device that wrote it (a journal left beside a store file made anew belongs to
    /// another identity, and is not applied).
    pub device: String,
    /// The group written.
    pub group: String,
    /// Each document's new changes with this device's attestation.
    pub docs: Vec<DocumentExport>,
}

/// The open journal file of a store.
pub(crate) struct Journal {
    file: File,
    path: PathBuf,
    /// Where the next record goes.
    end: u64,
    /// A record that failed to append may still be in the file at `end` (taking it back
    /// failed too): the next append overwrites it, and a reset clears it.
    unvoided: bool,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).field("end", &self.end).finish_non_exhaustive()
    }
}

/// The journal's path for a store file: the store's name with `.journal` appended (not
/// `-journal`: SQLite reads a file of that name as its own rollback journal and deletes it).
pub(crate) fn path_for(store: &Path) -> PathBuf {
    let mut p = store.as_os_str().to_owned();
    p.push(".journal");
    PathBuf::from(p)
}

impl Journal {
    /// Opens (or creates and preallocates) the journal and reads its records. The journal
    /// is positioned after the last valid record; records already applied by the store are
    /// returned too (the caller skips them by sequence number).
    pub fn open(path: PathBuf) -> Result<(Self, Vec<Record>), StoreError> {
        let io = |e: std::io::Error| StoreError::Io { path: path.display().to_string(), message: e.to_string() };
        let mut file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        let (records, end) = parse(&bytes);
        if (bytes.len() as u64) < PREALLOCATED_BYTES {
            file.seek(SeekFrom::Start(bytes.len() as u64)).map_err(io)?;
            let fill = vec![0u8; (PREALLOCATED_BYTES - bytes.len() as u64) as usize];
            file.write_all(&fill).map_err(io)?;
            file.sync_all().map_err(io)?;
        }
        Ok((Journal { file, path, end, unvoided: false }, records))
    }

    /// Appends a record and syncs it to disk. Returns where it starts (for [`Self::retract`]).
    pub fn append(&mut self, record: &Record) -> Result<u64, StoreError> {
        let payload = postcard::to_allocvec(record).map_err(|e| StoreError::Encode { message: e.to_string() })?;
        let len = u32::try_from(payload.len())
            .ok()
            .filter(|n| (*n as usize) <= MAX_RECORD_BYTES)
            .ok_or_else(|| StoreError::Encode { message: "a journal record is too large".into() })?;
        let mut frame = Vec::with_capacity(HEADER_LEN + payload.len());
        frame.extend_from_slice(MAGIC);
        frame.extend_from_slice(&len.to_le_bytes());
        frame.extend_from_slice(&checksum(&payload));
        frame.extend_from_slice(&payload);
        let start = self.end;
        if let Err(e) = self.write_record(start, &frame) {
            // The disk refused the write or its sync, yet the record may be in the file in
            // whole (a sync that fails after the write does not take the bytes back): left
            // there it would be read at the next open as an acknowledged write. Take it
            // back now; if that fails too, the next append overwrites it and a reset clears
            // it.
            self.unvoided = self.write_at(start, &[0u8; HEADER_LEN]).is_err();
            if self.unvoided {
                tracing::error!(start, "a journal record whose write failed could not be taken back yet");
            }
            return Err(e);
        }
        self.unvoided = false;
        self.end = start + frame.len() as u64;
        Ok(start)
    }

    /// Writes a record's frame at `at` and syncs it (the write path's two journal steps,
    /// each of which can be made to fail in tests: see `faults`).
    fn write_record(&mut self, at: u64, frame: &[u8]) -> Result<(), StoreError> {
        let io = |e: std::io::Error| StoreError::Io { path: self.path.display().to_string(), message: e.to_string() };
        self.file.seek(SeekFrom::Start(at)).map_err(io)?;
        self.file.write_all(frame).map_err(io)?;
        // The worst case of a failed write: every byte reached the file, then `EIO`.
        if faults::hit(&self.path, FaultPoint::JournalWrite) {
            return Err(io(faults::eio()));
        }
        if faults::hit(&self.path, FaultPoint::JournalSync) {
            return Err(io(faults::eio()));
        }
        self.file.sync_data().map_err(io)
    }

    /// Takes back the record that starts at `start` (its transaction failed to commit after
    /// it was synced), so that it is never replayed.
    pub fn retract(&mut self, start: u64) -> Result<(), StoreError> {
        self.write_at(start, &[0u8; HEADER_LEN])?;
        self.end = start;
        Ok(())
    }

    /// Starts the journal over (SQLite now durably holds every record in it).
    pub fn reset(&mut self) -> Result<(), StoreError> {
        if self.end == 0 && !self.unvoided {
            return Ok(());
        }
        self.write_at(0, &[0u8; HEADER_LEN])?;
        self.end = 0;
        self.unvoided = false;
        Ok(())
    }

    /// How many bytes of records the journal holds.
    pub fn len(&self) -> u64 {
        self.end
    }

    fn write_at(&mut self, at: u64, bytes: &[u8]) -> Result<(), StoreError> {
        let io = |e: std::io::Error| StoreError::Io { path: self.path.display().to_string(), message: e.to_string() };
        self.file.seek(SeekFrom::Start(at)).map_err(io)?;
        self.file.write_all(bytes).map_err(io)?;
        self.file.sync_data().map_err(io)
    }
}

fn checksum(payload: &[u8]) -> [u8; 8] {
    let hash = blake3::hash(payload);
    let mut out = [0u8; 8];
    out.copy_from_slice(&hash.as_bytes()[..8]);
    out
}

/// The records at the start of `bytes` that form an unbroken, consecutive chain, and where
/// the chain ends.
fn parse(bytes: &[u8]) -> (Vec<Record>, u64) {
    let mut records: Vec<Record> = Vec::new();
    let mut at = 0usize;
    while let Some(header) = bytes.get(at..at + HEADER_LEN) {
        if &header[..4] != MAGIC {
            break;
        }
        let mut len = [0u8; 4];
        len.copy_from_slice(&header[4..8]);
        let len = u32::from_le_bytes(len) as usize;
        if len > MAX_RECORD_BYTES {
            break;
        }
        let Some(payload) = bytes.get(at + HEADER_LEN..at + HEADER_LEN + len) else { break };
        if checksum(payload) != header[8..16] {
            break;
        }
        let Ok(record) = postcard::from_bytes::<Record>(payload) else { break };
        if records.last().is_some_and(|prev| record.seq != prev.seq + 1) {
            break;
        }
        records.push(record);
        at += HEADER_LEN + len;
    }
    (records, at as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: u64) -> Record {
        Record {
            seq,
            device: "d".into(),
            group: "g".into(),
            docs: vec![DocumentExport { key: "catalogue".into(), data: vec![seq as u8; 40], attestations: Vec::new() }],
        }
    }

    /// A new journal in a temporary directory (kept alive by the returned guard).
    fn fresh() -> (tempfile::TempDir, PathBuf, Journal) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.journal");
        let (j, none) = Journal::open(path.clone()).unwrap();
        assert!(none.is_empty());
        (dir, path, j)
    }

    #[test]
    fn records_read_back_in_order_after_reopening() {
        let (_dir, path, mut j) = fresh();
        for seq in 1..=3 {
            j.append(&record(seq)).unwrap();
        }
        drop(j);
        let (j, read) = Journal::open(path.clone()).unwrap();
        assert_eq!(read, vec![record(1), record(2), record(3)]);
        assert!(j.len() > 0);
        assert!(std::fs::metadata(&path).unwrap().len() >= PREALLOCATED_BYTES);
    }

    #[test]
    fn a_torn_last_record_ends_the_journal() {
        let (_dir, path, mut j) = fresh();
        j.append(&record(1)).unwrap();
        let second = j.append(&record(2)).unwrap();
        drop(j);
        // The second record's payload lost its last bytes (a power cut mid-write).
        let mut bytes = std::fs::read(&path).unwrap();
        let tail = second as usize + HEADER_LEN + 30;
        bytes[tail..tail + 20].fill(0);
        std::fs::write(&path, &bytes).unwrap();
        let (_, read) = Journal::open(path).unwrap();
        assert_eq!(read, vec![record(1)]);
    }

    #[test]
    fn after_a_reset_older_records_are_not_read_again() {
        let (_dir, path, mut j) = fresh();
        for seq in 1..=4 {
            j.append(&record(seq)).unwrap();
        }
        j.reset().unwrap();
        drop(j);
        assert!(Journal::open(path.clone()).unwrap().1.is_empty());
        // New records overwrite the start; the old ones after them break the chain.
        let (mut j, _) = Journal::open(path.clone()).unwrap();
        j.append(&record(5)).unwrap();
        drop(j);
        assert_eq!(Journal::open(path).unwrap().1, vec![record(5)]);
    }

    #[test]
    fn a_retracted_record_is_not_read_and_the_next_takes_its_place() {
        let (_dir, path, mut j) = fresh();
        j.append(&record(1)).unwrap();
        let second = j.append(&record(2)).unwrap();
        j.retract(second).unwrap();
        assert_eq!(Journal::open(path.clone()).unwrap().1, vec![record(1)]);
        j.append(&record(2)).unwrap();
        drop(j);
        assert_eq!(Journal::open(path).unwrap().1, vec![record(1), record(2)]);
    }
}
