//! Devices that exchange their documents, in any order, end with the same answers to every
//! query, and each one's projection equals its rebuild.

use std::path::Path;

use delbar_core::domain::{BookingAction, ItemPatch, Role};
use delbar_core::store::{DocumentExport, StoreError};
use delbar_core::{Error, Store};
use delbar_tests::{Fixture, Peer, assert_clean, at_hours, fingerprint, open_store, request, sync, view};

/// Copies a store file (its committed state, WAL included) to `to`.
fn copy_store(from: &Path, to: &Path) {
    let conn = rusqlite::Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.execute("VACUUM INTO ?1", [to.to_str().unwrap()]).unwrap();
}

/// Three devices of one group that each changed things while apart: a steward (A), a second
/// steward (B) and a member (C).
fn three_devices_apart() -> (Fixture, Peer, Peer) {
    let mut a = Fixture::new();
    let saw = a.item("Motorsåg", 2);
    let tiller = a.item("Jordfräs", 1);
    let mut b = a.join("Anna", Role::Steward);
    let mut c = a.join("Olle", Role::Member);
    let g = a.group.clone();
    sync(&mut a.store, &mut b.store, &g);
    // Apart from here on.
    a.store.add_item(&g, delbar_core::domain::ItemDraft::named("Stege")).unwrap();
    let booked = a.book(&tiller.id, 24, 30, 1).unwrap();
    a.store.act_on_booking(&g, &booked.id, BookingAction::CheckOut).unwrap();
    b.store.update_group(&g, None, Some("Vi delar verktyg"), Some(12)).unwrap();
    b.store.add_item(&g, delbar_core::domain::ItemDraft::named("Skottkärra")).unwrap();
    b.store.update_item(&g, &saw.id, &ItemPatch { category: Some("skog".into()), ..ItemPatch::default() }).unwrap();
    let olles = c.store.book(&g, &request(&saw.id, at_hours(48), at_hours(52), 1)).unwrap();
    c.store.act_on_booking(&g, &olles.id, BookingAction::Cancel).unwrap();
    c.store.book(&g, &request(&saw.id, at_hours(60), at_hours(62), 2)).unwrap();
    (a, b, c)
}

fn assert_converged(stores: &mut [&mut Store], group: &delbar_core::ids::GroupId) -> delbar_tests::View {
    let first = view(stores[0], group);
    for s in stores.iter_mut() {
        assert_eq!(view(s, group), first, "device {} differs", s.device_id().short());
        assert_clean(s);
    }
    first
}

#[test]
fn devices_converge_whatever_the_order_of_exchange() {
    let (mut a, mut b, mut c) = three_devices_apart();
    let g = a.group.clone();
    // A second copy of the three devices, to exchange in another order.
    let dir = tempfile::tempdir().unwrap();
    let copies: Vec<_> = ["a", "b", "c"].iter().map(|n| dir.path().join(format!("{n}.db"))).collect();
    for (from, to) in [&a.path, &b.path, &c.path].into_iter().zip(&copies) {
        copy_store(from, to);
    }
    let (mut a2, mut b2, mut c2) =
        (open_store(&copies[0], &a.clock), open_store(&copies[1], &a.clock), open_store(&copies[2], &a.clock));

    // Order 1: around the ring A -> B -> C -> A, then once more to B.
    sync(&mut a.store, &mut b.store, &g);
    sync(&mut b.store, &mut c.store, &g);
    sync(&mut c.store, &mut a.store, &g);
    sync(&mut a.store, &mut b.store, &g);
    let one = assert_converged(&mut [&mut a.store, &mut b.store, &mut c.store], &g);

    // Order 2: everyone to C first, then C to everyone.
    sync(&mut b2, &mut c2, &g);
    sync(&mut a2, &mut c2, &g);
    sync(&mut c2, &mut a2, &g);
    sync(&mut c2, &mut b2, &g);
    let two = assert_converged(&mut [&mut a2, &mut b2, &mut c2], &g);

    assert_eq!(one, two);
    // Everything made apart is there.
    assert_eq!(one.group.description, "Vi delar verktyg");
    assert_eq!(one.items.len(), 4);
    assert_eq!(one.bookings.len(), 3);
    assert!(one.items.iter().any(|i| i.name == "Motorsåg" && i.category == "skog"));
    // And survives reopening.
    a.reopen();
    assert_eq!(a.view(), one);
}

#[test]
fn importing_the_same_export_twice_changes_nothing() {
    let (mut a, mut b, _c) = three_devices_apart();
    let g = a.group.clone();
    let export = a.store.export_group(&g).unwrap();
    let first = b.store.merge_documents(&g, &export).unwrap();
    assert!(first.documents_changed > 0 && first.entities_updated > 0, "{first:?}");
    let (before, seen) = (fingerprint(&b.path), view(&b.store, &g));
    let again = b.store.merge_documents(&g, &export).unwrap();
    assert_eq!((again.documents_changed, again.entities_updated), (0, 0));
    // Nor does a device's own export, merged back into it.
    let own = b.store.export_group(&g).unwrap();
    let back = b.store.merge_documents(&g, &own).unwrap();
    assert_eq!((back.documents_changed, back.entities_updated), (0, 0));
    assert_eq!(fingerprint(&b.path), before);
    assert_eq!(view(&b.store, &g), seen);
    assert_clean(&mut b.store);
}

#[test]
fn concurrent_edits_of_different_fields_of_one_item_merge() {
    let mut a = Fixture::new();
    let saw = a.item("Motorsåg", 1);
    let mut b = a.join("Anna", Role::Steward);
    let g = a.group.clone();
    a.store
        .update_item(&g, &saw.id, &ItemPatch { name: Some("Motorsåg Husqvarna".into()), ..ItemPatch::default() })
        .unwrap();
    b.store
        .update_item(
            &g,
            &saw.id,
            &ItemPatch { quantity: Some(3), tags: Some(vec!["Skog".into(), "motor".into()]), ..ItemPatch::default() },
        )
        .unwrap();
    sync(&mut a.store, &mut b.store, &g);
    sync(&mut b.store, &mut a.store, &g);
    for store in [&a.store, &b.store] {
        let item = store.item(&g, &saw.id).unwrap();
        assert_eq!((item.name.as_str(), item.quantity), ("Motorsåg Husqvarna", 3));
        assert_eq!(item.tags, ["motor", "skog"]);
        assert_eq!(store.search_items(&g, "husqv", 10).unwrap().len(), 1);
    }
    assert_converged(&mut [&mut a.store, &mut b.store], &g);
}

#[test]
fn concurrent_edits_of_the_same_field_settle_on_one_value_everywhere() {
    let mut a = Fixture::new();
    let saw = a.item("Motorsåg", 1);
    let mut b = a.join("Anna", Role::Steward);
    let g = a.group.clone();
    let rename = |s: &mut Store, name: &str| {
        s.update_item(&g, &saw.id, &ItemPatch { name: Some(name.into()), ..ItemPatch::default() }).unwrap();
    };
    rename(&mut a.store, "Såg A");
    rename(&mut b.store, "Såg B");
    sync(&mut a.store, &mut b.store, &g);
    sync(&mut b.store, &mut a.store, &g);
    let settled = assert_converged(&mut [&mut a.store, &mut b.store], &g);
    let name = &settled.items[0].name;
    assert!(name == "Såg A" || name == "Såg B", "{name}");
    assert_eq!(a.store.search_items(&g, name, 10).unwrap().len(), 1);
}

#[test]
fn a_booking_lifecycle_spread_over_devices_converges() {
    let mut a = Fixture::new();
    let rules = delbar_core::domain::LoanRules { requires_approval: true, ..Default::default() };
    let press = a.item_from(delbar_core::domain::ItemDraft { rules, ..delbar_core::domain::ItemDraft::named("Press") });
    let mut c = a.join("Olle", Role::Member);
    let g = a.group.clone();
    let asked = c.store.book(&g, &request(&press.id, at_hours(24), at_hours(30), 1)).unwrap();
    sync(&mut c.store, &mut a.store, &g);
    a.store.act_on_booking(&g, &asked.id, BookingAction::Confirm).unwrap();
    a.store.act_on_booking(&g, &asked.id, BookingAction::CheckOut).unwrap();
    sync(&mut a.store, &mut c.store, &g);
    assert_eq!(c.store.booking(&g, &asked.id).unwrap().state, delbar_core::domain::BookingState::CheckedOut);
    a.store.act_on_booking(&g, &asked.id, BookingAction::Return).unwrap();
    sync(&mut a.store, &mut c.store, &g);
    let v = assert_converged(&mut [&mut a.store, &mut c.store], &g);
    assert_eq!(v.bookings[0].state, delbar_core::domain::BookingState::Returned);
}

fn garbage(seed: u64) -> Vec<u8> {
    let mut rng = delbar_tests::Rng::new(seed);
    (0..600).map(|_| rng.next_u64() as u8).collect()
}

#[test]
fn unreadable_exports_change_nothing() {
    let (mut a, mut b, _c) = three_devices_apart();
    let g = a.group.clone();
    let before = fingerprint(&b.path);
    let bad_key = [DocumentExport { key: "recipes/2026-11".into(), data: vec![1, 2, 3], attestations: vec![] }];
    let e = b.store.merge_documents(&g, &bad_key).unwrap_err();
    assert!(matches!(e, Error::Store(StoreError::InvalidData { .. })), "{e:?}");
    for (seed, key) in [(3, "catalogue"), (4, "bookings/2026-11"), (5, "activity/2026-12")] {
        let e = b
            .store
            .merge_documents(&g, &[DocumentExport { key: key.into(), data: garbage(seed), attestations: vec![] }])
            .unwrap_err();
        assert!(matches!(e, Error::Store(StoreError::InvalidData { .. })), "{key}: {e:?}");
    }
    assert_eq!(fingerprint(&b.path), before);
    // The device still merges good exports afterwards.
    sync(&mut a.store, &mut b.store, &g);
    assert_clean(&mut b.store);
}

#[test]
fn garbage_export_is_refused_as_invalid_data_and_nothing_is_applied() {
    let (mut a, mut b, _c) = three_devices_apart();
    let before = fingerprint(&b.path);
    let mut data = a.store.export_group(&a.group).unwrap().into_iter().find(|d| d.key == "catalogue").unwrap().data;
    // A valid export with its tail cut off, and one with bytes flipped in the middle.
    let cut = DocumentExport { key: "catalogue".into(), data: data[..data.len() / 2].to_vec(), attestations: vec![] };
    let mid = data.len() / 2;
    for byte in &mut data[mid..mid + 16] {
        *byte ^= 0x5a;
    }
    let flipped = DocumentExport { key: "catalogue".into(), data, attestations: vec![] };
    for bad in [DocumentExport { key: "catalogue".into(), data: garbage(3), attestations: vec![] }, cut, flipped] {
        let e = b.store.merge_documents(&a.group, &[bad]);
        assert!(matches!(e, Err(Error::Store(StoreError::InvalidData { .. }))), "{e:?}");
    }
    assert_eq!(fingerprint(&b.path), before);
}

#[test]
fn random_interleaved_edits_and_exchanges_converge() {
    // Two stewards and a member write in turn, and now and then exchange with one another,
    // in a seeded random order; at the end everyone exchanges and all agree.
    let mut rng = delbar_tests::Rng::new(0x000A_11CE);
    let mut a = Fixture::new();
    for n in 0..3 {
        a.item(&format!("Bord {n}"), 2);
    }
    let b = a.join("Anna", Role::Steward);
    let c = a.join("Olle", Role::Member);
    let g = a.group.clone();
    let clock = a.clock.clone();
    let mut stores: Vec<Store> =
        vec![std::mem::replace(&mut a.store, open_store(Path::new(":memory:"), &clock)), b.store, c.store];
    for _ in 0..120 {
        let who = rng.below(3);
        match rng.below(8) {
            0 if who < 2 => {
                let _ =
                    stores[who].add_item(&g, delbar_core::domain::ItemDraft::named(&format!("Sak {}", rng.below(99))));
            }
            1 if who < 2 => {
                let items = stores[who].items(&g, &Default::default()).unwrap();
                let item = rng.pick(&items).id.clone();
                let patch = match rng.below(3) {
                    0 => ItemPatch { name: Some(format!("Namn {}", rng.below(99))), ..ItemPatch::default() },
                    1 => ItemPatch { quantity: Some(rng.range(1, 4)), ..ItemPatch::default() },
                    _ => ItemPatch { tags: Some(vec![format!("t{}", rng.below(3))]), ..ItemPatch::default() },
                };
                let _ = stores[who].update_item(&g, &item, &patch);
            }
            2 | 3 => {
                let items = stores[who].items(&g, &Default::default()).unwrap();
                let item = rng.pick(&items).id.clone();
                let from = rng.range(1, 24 * 60);
                let _ = stores[who].book(&g, &request(&item, at_hours(from), at_hours(from + rng.range(1, 24)), 1));
            }
            4 => {
                let bookings = stores[who].bookings(&g, &Default::default()).unwrap();
                if !bookings.is_empty() {
                    let b = rng.pick(&bookings).id.clone();
                    let _ = stores[who].act_on_booking(&g, &b, *rng.pick(&BookingAction::ALL));
                }
            }
            _ => {
                let to = (who + 1 + rng.below(2)) % 3;
                let export = stores[who].export_group(&g).unwrap();
                stores[to].merge_documents(&g, &export).unwrap();
            }
        }
    }
    for (from, to) in [(0, 1), (1, 2), (2, 0), (0, 1)] {
        let export = stores[from].export_group(&g).unwrap();
        stores[to].merge_documents(&g, &export).unwrap();
    }
    let [s0, s1, s2] = &mut stores[..] else { unreachable!() };
    let v = assert_converged(&mut [s0, s1, s2], &g);
    assert!(v.bookings.len() > 5 && v.items.len() > 3, "the workload did too little: {} bookings", v.bookings.len());
}
