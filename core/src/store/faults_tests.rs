//! A write whose I/O fails at any step is reported as failed and never comes back, even
//! after a crash right after the failure; the next write succeeds. Each test arms one
//! injected failure (`faults`) on a real store file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::Error;
use crate::domain::{ItemDraft, NewBooking};
use crate::ids::{GroupId, ItemId};
use crate::store::faults::{self, FaultPoint};
use crate::store::{BookingFilter, Store, StoreError, journal};
use crate::time::{Clock, HOUR_MS, ManualClock, Timestamp};

struct Setup {
    _dir: tempfile::TempDir,
    path: PathBuf,
    clock: ManualClock,
    store: Store,
    group: GroupId,
    item: ItemId,
}

fn open(path: &Path, clock: &ManualClock) -> Store {
    Store::open_with_clock(path, Arc::new(clock.clone())).unwrap()
}

/// A store with a group and an item, reopened so that its journal starts over (the next
/// write's record is the first in the file).
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("delbar.db");
    let clock = ManualClock::new(Timestamp::from_civil(2026, 11, 22, 12, 0).unwrap());
    let mut store = open(&path, &clock);
    let group = store.create_group("Verkstan", "", "Karin").unwrap().id;
    let item = store.add_item(&group, ItemDraft::named("Jordfräs")).unwrap().id;
    drop(store);
    let store = open(&path, &clock);
    Setup { _dir: dir, path, clock, store, group, item }
}

fn booking_at(s: &Setup, hours: i64) -> NewBooking {
    let start = s.clock.now().plus_ms(hours * HOUR_MS);
    NewBooking {
        item: s.item.clone(),
        units: 1,
        start,
        end: start.plus_ms(2 * HOUR_MS),
        note: String::new(),
        for_member: None,
    }
}

fn booking_count(store: &Store, group: &GroupId) -> usize {
    store.bookings(group, &BookingFilter::default()).unwrap().len()
}

/// The file `point` fails in: the journal's steps are the journal's, SQLite's the store's.
fn armed_file(path: &Path, point: FaultPoint) -> PathBuf {
    match point {
        FaultPoint::JournalWrite | FaultPoint::JournalSync => journal::path_for(path),
        _ => path.to_path_buf(),
    }
}

/// Arms `point`, attempts a booking, and checks what it reports against what the store
/// holds after a crash right after the attempt (the journal kept as it was then) and after
/// a clean reopen. Returns whether the attempt was reported as failed.
fn attempt_with_fault(point: FaultPoint) -> bool {
    let mut s = setup();
    let journal_path = journal::path_for(&s.path);
    faults::arm(&armed_file(&s.path, point), point);
    let outcome = s.store.book(&s.group, &booking_at(&s, 24));
    // Nothing left armed: the write reached the step.
    assert!(!faults::hit(&armed_file(&s.path, point), point), "{point:?} was never reached");
    let failed = outcome.is_err();
    if let Err(e) = &outcome {
        assert!(matches!(e, Error::Store(StoreError::Io { .. } | StoreError::Storage { .. })), "{point:?}: {e:?}");
    }
    let expected = usize::from(!failed);
    assert_eq!(booking_count(&s.store, &s.group), expected, "{point:?}: in memory");
    // A crash now: the journal stays as the failure left it.
    let journal_now = std::fs::read(&journal_path).unwrap();
    drop(std::mem::replace(&mut s.store, open(Path::new(":memory:"), &s.clock)));
    std::fs::write(&journal_path, &journal_now).unwrap();
    s.store = open(&s.path, &s.clock);
    assert_eq!(booking_count(&s.store, &s.group), expected, "{point:?}: after a crash and reopening");
    // The next write succeeds and stays.
    s.store.book(&s.group, &booking_at(&s, 48)).unwrap();
    drop(std::mem::replace(&mut s.store, open(Path::new(":memory:"), &s.clock)));
    s.store = open(&s.path, &s.clock);
    assert_eq!(booking_count(&s.store, &s.group), expected + 1, "{point:?}: the next write");
    assert!(s.store.check(None).unwrap().is_clean());
    failed
}

#[test]
fn a_failed_journal_write_never_comes_back() {
    assert!(attempt_with_fault(FaultPoint::JournalWrite));
}

#[test]
fn a_failed_journal_sync_never_comes_back() {
    assert!(attempt_with_fault(FaultPoint::JournalSync));
}

#[test]
fn a_failed_sqlite_write_never_comes_back() {
    assert!(attempt_with_fault(FaultPoint::SqliteWrite));
}

#[test]
fn a_failed_commit_never_comes_back() {
    assert!(attempt_with_fault(FaultPoint::Commit));
}

#[test]
fn a_commit_that_landed_before_the_wal_step_failed_is_acknowledged() {
    // SQLite reports the failed checkpoint from `COMMIT`, but the transaction is in the WAL
    // and its journal record synced: the write is reported as done, and it stays.
    assert!(!attempt_with_fault(FaultPoint::WalSync));
}
