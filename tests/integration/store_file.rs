//! The store file itself: a file that is not a Delbar store is refused and nothing beside it
//! is touched; a missing file makes a new store whole.

use std::path::{Path, PathBuf};

use delbar_core::Error;
use delbar_core::store::{Store, StoreError};
use delbar_tests::{Fixture, open_store};

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Closes the fixture's store, puts `bytes` in place of its file (no WAL) and `journal`
/// beside it, and opens it: the open must be refused as not a store, leaving both files as
/// they were.
fn assert_refused_with_journal_kept(fx: &mut Fixture, bytes: &[u8], journal: &[u8]) {
    drop(std::mem::replace(&mut fx.store, open_store(Path::new(":memory:"), &fx.clock)));
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(&fx.path, suffix));
    }
    std::fs::write(&fx.path, bytes).unwrap();
    let journal_path = with_suffix(&fx.path, ".journal");
    std::fs::write(&journal_path, journal).unwrap();
    for _ in 0..2 {
        let err = Store::open(&fx.path).unwrap_err();
        assert!(matches!(err, Error::Store(StoreError::NotAStore { .. })), "{err:?}");
        assert_eq!(std::fs::read(&fx.path).unwrap(), bytes, "the file was changed");
        assert_eq!(std::fs::read(&journal_path).unwrap(), journal, "the journal was changed");
    }
    assert!(!with_suffix(&fx.path, ".new").exists());
}

/// A store with acknowledged writes in its journal, and those journal bytes.
fn store_with_journal() -> (Fixture, Vec<u8>) {
    let mut fx = Fixture::new();
    let tiller = fx.item("Jordfräs", 1);
    fx.book(&tiller.id, 24, 30, 1).unwrap();
    let journal = std::fs::read(with_suffix(&fx.path, ".journal")).unwrap();
    assert!(journal.starts_with(b"DJR1"), "the journal holds records");
    (fx, journal)
}

#[test]
fn an_empty_store_file_is_refused_and_its_journal_kept() {
    let (mut fx, journal) = store_with_journal();
    assert_refused_with_journal_kept(&mut fx, b"", &journal);
}

#[test]
fn a_one_byte_store_file_is_refused_and_its_journal_kept() {
    let (mut fx, journal) = store_with_journal();
    assert_refused_with_journal_kept(&mut fx, b"S", &journal);
}

#[test]
fn a_store_file_cut_to_its_first_page_is_refused() {
    let (mut fx, journal) = store_with_journal();
    fx.reopen();
    let head = std::fs::read(&fx.path).unwrap()[..100].to_vec();
    assert_refused_with_journal_kept(&mut fx, &head, &journal);
}

#[test]
fn an_empty_sqlite_database_is_not_a_store() {
    let (mut fx, journal) = store_with_journal();
    let other = fx.dir.path().join("empty.db");
    // A database with a header and no tables, as another app may leave one.
    rusqlite::Connection::open(&other).unwrap().execute_batch("PRAGMA user_version = 3; VACUUM;").unwrap();
    let bytes = std::fs::read(&other).unwrap();
    assert!(bytes.starts_with(b"SQLite format 3\0"));
    assert_refused_with_journal_kept(&mut fx, &bytes, &journal);
}

#[test]
fn a_missing_store_file_makes_a_whole_new_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("delbar.db");
    // What a crash while making a store would have left.
    std::fs::write(with_suffix(&path, ".new"), b"half a store").unwrap();
    let device = {
        let store = Store::open(&path).unwrap();
        store.device_id().clone()
    };
    assert!(!with_suffix(&path, ".new").exists());
    assert!(std::fs::read(&path).unwrap().starts_with(b"SQLite format 3\0"));
    assert_eq!(Store::open(&path).unwrap().device_id(), &device);
}

#[test]
fn a_journal_of_another_device_is_kept_aside_unread() {
    let (mut fx, journal) = store_with_journal();
    drop(std::mem::replace(&mut fx.store, open_store(Path::new(":memory:"), &fx.clock)));
    // The store file is gone: a new device identity is made; the old journal is not its own.
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(with_suffix(&fx.path, suffix)).ok();
    }
    std::fs::write(with_suffix(&fx.path, ".journal"), &journal).unwrap();
    fx.store = open_store(&fx.path, &fx.clock);
    assert!(fx.store.groups().unwrap().is_empty());
    let aside: Vec<_> = std::fs::read_dir(fx.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".journal.foreign-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(std::fs::read(&aside[0]).unwrap(), journal);
}

/// Flips 16 bytes in the last page of `index` in the (closed) store file at `path`, inside
/// the cells at the end of the page.
fn damage_index(path: &Path, index: &str) {
    let (page, page_size): (i64, i64) = {
        let conn = rusqlite::Connection::open(path).unwrap();
        let page = conn.query_row("SELECT MAX(pageno) FROM dbstat WHERE name = ?1", [index], |r| r.get(0)).unwrap();
        (page, conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap())
    };
    let mut bytes = std::fs::read(path).unwrap();
    let end = (page * page_size) as usize;
    for b in &mut bytes[end - 64..end - 48] {
        *b ^= 0x5a;
    }
    std::fs::write(path, bytes).unwrap();
}

fn item_names(fx: &Fixture) -> Vec<String> {
    fx.view().items.into_iter().map(|i| i.name).collect()
}

#[test]
fn a_damaged_index_is_found_by_check_and_mended_by_repair() {
    let mut fx = Fixture::new();
    let tiller = fx.item("Jordfräs", 1);
    for i in 0..30 {
        fx.item(&format!("Verktyg {i:02}"), 1);
    }
    let booking = fx.book(&tiller.id, 24, 30, 1).unwrap();
    let names = item_names(&fx);
    let device = fx.store.device_id().clone();
    let g = fx.group.clone();
    drop(std::mem::replace(&mut fx.store, open_store(Path::new(":memory:"), &fx.clock)));
    damage_index(&fx.path, "items_by_name");

    fx.store = open_store(&fx.path, &fx.clock);
    let report = fx.store.check(None).unwrap();
    assert!(!report.is_clean());
    assert!(
        report.file_problems.iter().any(|p| matches!(p.object.as_deref(), Some("items" | "items_by_name"))),
        "{:?}",
        report.file_problems
    );

    drop(std::mem::replace(&mut fx.store, open_store(Path::new(":memory:"), &fx.clock)));
    let repaired = Store::repair(&fx.path, std::sync::Arc::new(fx.clock.clone())).unwrap();
    assert!(repaired.unreadable_tables.is_empty(), "{repaired:?}");
    assert_eq!(repaired.groups, 1);
    assert!(Path::new(&repaired.damaged_copy).exists());
    fx.store = open_store(&fx.path, &fx.clock);
    let report = fx.store.check(None).unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(fx.store.device_id(), &device);
    assert_eq!(item_names(&fx), names);
    assert_eq!(fx.store.booking(&g, &booking.id).unwrap().item, tiller.id);
    // The repaired store goes on taking writes.
    fx.item("Kratta", 1);
    fx.reopen();
    assert_eq!(fx.view().items.len(), names.len() + 1);
}

#[test]
fn repair_keeps_journalled_writes_the_damaged_file_never_committed() {
    let mut fx = Fixture::new();
    let tiller = fx.item("Jordfräs", 2);
    let before = fx.dir.path().join("before.db");
    fx.reopen();
    std::fs::copy(&fx.path, &before).unwrap();
    let booking = fx.book(&tiller.id, 24, 30, 1).unwrap();
    let journal = std::fs::read(with_suffix(&fx.path, ".journal")).unwrap();
    // A power cut lost the booking's commit; its journal record is on disk.
    drop(std::mem::replace(&mut fx.store, open_store(Path::new(":memory:"), &fx.clock)));
    std::fs::copy(&before, &fx.path).unwrap();
    std::fs::write(with_suffix(&fx.path, ".journal"), &journal).unwrap();
    Store::repair(&fx.path, std::sync::Arc::new(fx.clock.clone())).unwrap();
    fx.store = open_store(&fx.path, &fx.clock);
    assert_eq!(fx.view().bookings.into_iter().map(|b| b.id).collect::<Vec<_>>(), vec![booking.id]);
    assert!(fx.store.check(None).unwrap().is_clean());
}
