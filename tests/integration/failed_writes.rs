//! A write that SQLite refuses half-way leaves nothing behind: not in the file, not in the
//! documents the store keeps in memory (a later write must not carry it along), and a merge
//! that failed can be retried in full.

use delbar_core::Error;
use delbar_core::domain::{BookingAction, BookingState, ItemDraft, Role};
use delbar_core::store::StoreError;
use delbar_tests::{Fixture, assert_clean, fingerprint, sync, view};

const BLOCK: &str =
    "CREATE TRIGGER block_chunks BEFORE INSERT ON document_chunks BEGIN SELECT RAISE(ABORT, 'disk says no'); END;";
const UNBLOCK: &str = "DROP TRIGGER block_chunks;";

/// Makes every append of a document chunk fail, from a connection of its own.
fn set_blocked(path: &std::path::Path, blocked: bool) {
    rusqlite::Connection::open(path).unwrap().execute_batch(if blocked { BLOCK } else { UNBLOCK }).unwrap();
}

fn names(fx: &Fixture) -> Vec<String> {
    fx.view().items.into_iter().map(|i| i.name).collect()
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let mut fx = Fixture::new();
    let ladder = fx.item("Stege", 1);
    let booking = fx.book(&ladder.id, 24, 26, 1).unwrap();
    let g = fx.group.clone();
    let before = (fx.fingerprint(), fx.view());

    set_blocked(&fx.path, true);
    let e = fx.store.add_item(&g, ItemDraft::named("Spade")).unwrap_err();
    assert!(matches!(e, Error::Store(StoreError::Storage { .. })), "{e:?}");
    let e = fx.store.act_on_booking(&g, &booking.id, BookingAction::CheckOut).unwrap_err();
    assert!(matches!(e, Error::Store(StoreError::Storage { .. })), "{e:?}");
    assert!(fx.book(&ladder.id, 30, 32, 1).is_err());
    assert_eq!((fx.fingerprint(), fx.view()), before);
    set_blocked(&fx.path, false);

    // The next writes carry none of the failed ones along.
    fx.item("Kratta", 1);
    fx.book(&ladder.id, 40, 42, 1).unwrap();
    assert_eq!(names(&fx), ["Kratta", "Stege"]);
    assert_eq!(fx.store.booking(&g, &booking.id).unwrap().state, BookingState::Confirmed);
    assert_eq!(fx.view().bookings.len(), 2);
    assert_clean(&mut fx.store);
    fx.reopen();
    assert_eq!(names(&fx), ["Kratta", "Stege"]);
    assert_eq!(fx.store.booking(&g, &booking.id).unwrap().state, BookingState::Confirmed);
    assert_clean(&mut fx.store);
}

#[test]
fn a_failed_merge_can_be_retried_in_full() {
    let mut fx = Fixture::new();
    let mut peer = fx.join("Anna", Role::Steward);
    let g = fx.group.clone();
    fx.item("Motorsåg", 1);
    fx.item("Øksa", 1);
    let export = fx.store.export_group(&g).unwrap();
    let before = fingerprint(&peer.path);
    set_blocked(&peer.path, true);
    assert!(peer.store.merge_documents(&g, &export).is_err());
    assert_eq!(fingerprint(&peer.path), before);
    set_blocked(&peer.path, false);
    let report = peer.store.merge_documents(&g, &export).unwrap();
    assert!(report.documents_changed > 0, "{report:?}");
    assert_eq!(view(&peer.store, &g), fx.view());
    assert_clean(&mut peer.store);
    sync(&mut peer.store, &mut fx.store, &g);
    assert_eq!(view(&peer.store, &g), fx.view());
}
