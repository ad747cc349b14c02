//! Acknowledged writes survive a power loss. A local write commits its SQLite transaction
//! without syncing it and is made durable by one synced record in the store's change
//! journal (`core/src/store/journal.rs`); these tests put a store back into the state a
//! power cut can leave (SQLite's file as it was before the last writes, the journal as it
//! was synced) and check that opening it brings every acknowledged write back.

use std::path::{Path, PathBuf};

use delbar_core::domain::{BookingAction, BookingState, ItemDraft, ItemPatch, Location};
use delbar_core::ids::BookingId;
use delbar_tests::{Fixture, assert_clean, open_store};

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// The store's change journal as it is on disk now.
fn read_journal(fx: &Fixture) -> Vec<u8> {
    std::fs::read(with_suffix(&fx.path, ".journal")).unwrap()
}

/// The ids of the group's bookings.
fn booking_ids(fx: &Fixture) -> Vec<BookingId> {
    fx.view().bookings.into_iter().map(|b| b.id).collect()
}

/// A copy of the store's database file as it is on disk now (its WAL folded in first).
fn copy_database(fx: &mut Fixture, to: &Path) {
    fx.reopen();
    std::fs::copy(&fx.path, to).unwrap();
}

/// Closes the store and puts back `database` with no WAL, and `journal` as the journal: what
/// the disk holds after a power cut that lost every commit since `database` was copied.
fn lose_power(fx: &mut Fixture, database: &Path, journal: &[u8]) {
    drop(std::mem::replace(&mut fx.store, open_store(Path::new(":memory:"), &fx.clock)));
    std::fs::copy(database, &fx.path).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(&fx.path, suffix));
    }
    std::fs::write(with_suffix(&fx.path, ".journal"), journal).unwrap();
    fx.store = open_store(&fx.path, &fx.clock);
}

#[test]
fn writes_whose_commits_were_lost_come_back_from_the_journal() {
    let mut fx = Fixture::new();
    let tiller = fx.item("Jordfräs", 2);
    let g = fx.group.clone();
    let before = fx.dir.path().join("before.db");
    copy_database(&mut fx, &before);

    // Acknowledged after the copy: a booking, its check-out, a new item, an edit.
    let booking = fx.book(&tiller.id, 24, 30, 1).unwrap();
    fx.store.act_on_booking(&g, &booking.id, BookingAction::CheckOut).unwrap();
    let drill = fx.store.add_item(&g, ItemDraft::named("Såmaskin")).unwrap();
    let barn = Location { text: "Ladan".into(), ..Location::default() };
    fx.store.update_item(&g, &drill.id, &ItemPatch { location: Some(barn), ..ItemPatch::default() }).unwrap();
    let acknowledged = fx.view();
    let journal = read_journal(&fx);

    lose_power(&mut fx, &before, &journal);
    assert_eq!(fx.view(), acknowledged);
    assert_eq!(fx.store.booking(&g, &booking.id).unwrap().state, BookingState::CheckedOut);
    assert_eq!(fx.store.item(&g, &drill.id).unwrap().location.text, "Ladan");
    assert_clean(&mut fx.store);

    // Opening again (the journal started over) changes nothing, and the store goes on.
    fx.reopen();
    assert_eq!(fx.view(), acknowledged);
    fx.book(&tiller.id, 48, 50, 2).unwrap();
    fx.reopen();
    assert_eq!(fx.view().bookings.len(), 2);
    assert_clean(&mut fx.store);
}

#[test]
fn a_journal_the_store_already_holds_changes_nothing() {
    let mut fx = Fixture::new();
    let tiller = fx.item("Jordfräs", 1);
    fx.book(&tiller.id, 24, 30, 1).unwrap();
    let journal = read_journal(&fx);
    let current = fx.dir.path().join("current.db");
    copy_database(&mut fx, &current);
    let (view, rows) = (fx.view(), fx.fingerprint());

    // The same records again, over a store whose commits all reached the disk.
    lose_power(&mut fx, &current, &journal);
    assert_eq!(fx.view(), view);
    fx.reopen();
    assert_eq!(fx.fingerprint(), rows);
}

#[test]
fn a_record_cut_off_by_the_power_cut_is_ignored() {
    let mut fx = Fixture::new();
    let tiller = fx.item("Jordfräs", 2);
    let before = fx.dir.path().join("before.db");
    copy_database(&mut fx, &before);
    let first = fx.book(&tiller.id, 24, 30, 1).unwrap();
    let after_first = read_journal(&fx);
    fx.book(&tiller.id, 40, 44, 1).unwrap();
    let mut journal = read_journal(&fx);
    // The second record (it starts where the two files first differ) only partly reached
    // the disk: a byte of its payload is not what was written.
    let second = after_first.iter().zip(&journal).position(|(a, b)| a != b).unwrap();
    journal[second + 40] ^= 0xff;

    lose_power(&mut fx, &before, &journal);
    assert_eq!(booking_ids(&fx), vec![first.id]);
    assert_clean(&mut fx.store);
}

#[test]
fn a_write_that_failed_after_its_record_was_synced_never_comes_back() {
    let mut fx = Fixture::new();
    let tiller = fx.item("Jordfräs", 2);
    let before = fx.dir.path().join("before.db");
    copy_database(&mut fx, &before);
    let kept = fx.book(&tiller.id, 24, 30, 1).unwrap();
    // SQLite refuses the next write's transaction (the journal record was already synced
    // alongside it), from a connection of its own.
    let refuse = "CREATE TRIGGER refuse BEFORE INSERT ON document_chunks BEGIN SELECT RAISE(ABORT, 'no'); END;";
    rusqlite::Connection::open(&fx.path).unwrap().execute_batch(refuse).unwrap();
    assert!(fx.book(&tiller.id, 40, 44, 1).is_err());
    let journal = read_journal(&fx);

    lose_power(&mut fx, &before, &journal);
    assert_eq!(booking_ids(&fx), vec![kept.id]);
    assert_clean(&mut fx.store);
}

#[test]
fn a_journal_left_beside_a_store_made_anew_is_not_applied() {
    let mut fx = Fixture::new();
    let tiller = fx.item("Jordfräs", 2);
    fx.book(&tiller.id, 24, 30, 1).unwrap();
    let journal = read_journal(&fx);
    drop(std::mem::replace(&mut fx.store, open_store(Path::new(":memory:"), &fx.clock)));
    // The store file is gone (a new device identity is made); the old journal stays.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(&fx.path, suffix));
    }
    std::fs::write(with_suffix(&fx.path, ".journal"), journal).unwrap();
    fx.store = open_store(&fx.path, &fx.clock);
    assert!(fx.store.groups().unwrap().is_empty());
}
