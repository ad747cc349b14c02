//! Kits: booking a kit books its parts; a part booked alone makes the kit unavailable for
//! that window; and conflicts between a kit and its parts resolve alike on every device.

use delbar_core::Error;
use delbar_core::domain::{BookingState, BumpReason, DomainError, ItemDraft, Role};
use delbar_core::store::BusyInterval;
use delbar_tests::{Fixture, at_hours, exchange_all, open_rules, request, resolved};
use std::collections::BTreeMap;

/// Tents (3) and a stove (1), and a camping kit of two tents and the stove.
fn camp(fx: &mut Fixture) -> (delbar_core::domain::Item, delbar_core::domain::Item, delbar_core::domain::Item) {
    let tent = fx.item_from(ItemDraft { rules: open_rules(), quantity: 3, ..ItemDraft::named("Tält") });
    let stove = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Kamin") });
    let kit = fx.item_from(ItemDraft {
        rules: open_rules(),
        kit_parts: BTreeMap::from([(tent.id.clone(), 2), (stove.id.clone(), 1)]),
        ..ItemDraft::named("Lägerpaket")
    });
    (tent, stove, kit)
}

#[test]
fn booking_a_kit_books_its_parts_and_a_part_blocks_the_kit() {
    let mut fx = Fixture::new();
    let (tent, stove, kit) = camp(&mut fx);
    let g = fx.group.clone();
    fx.book(&kit.id, 24, 30, 1).unwrap();
    let tents = fx.store.availability(&g, &tent.id, at_hours(20), at_hours(34)).unwrap();
    assert_eq!(tents.free_units, 1);
    assert_eq!(tents.busy, vec![BusyInterval { start: at_hours(24), end: at_hours(30), units: 2 }]);
    assert_eq!(fx.store.availability(&g, &stove.id, at_hours(24), at_hours(30)).unwrap().free_units, 0);
    // The third tent is still free; the stove is not.
    fx.book(&tent.id, 25, 26, 1).unwrap();
    let e = fx.book(&stove.id, 25, 26, 1).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::Unavailable { .. })), "{e:?}");
    // A stove booked alone makes the kit unavailable for that window only.
    fx.book(&stove.id, 40, 44, 1).unwrap();
    assert_eq!(fx.store.availability(&g, &kit.id, at_hours(40), at_hours(44)).unwrap().free_units, 0);
    let before = fx.fingerprint();
    let e = fx.book(&kit.id, 42, 48, 1).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::Unavailable { .. })), "{e:?}");
    assert_eq!(fx.fingerprint(), before);
    fx.book(&kit.id, 44, 48, 1).unwrap();
    let free: Vec<_> = fx
        .store
        .free_items(&g, None, at_hours(40), at_hours(44), 1)
        .unwrap()
        .into_iter()
        .map(|(i, n)| (i.name, n))
        .collect();
    assert_eq!(free, [("Tält".to_owned(), 3)]);
    assert_eq!(
        fx.store.next_free_window(&g, &kit.id, at_hours(24), 4 * 3_600_000, 1).unwrap(),
        Some((at_hours(30), at_hours(34)))
    );
    fx.assert_clean();
}

#[test]
fn a_kit_and_its_part_booked_apart_resolve_alike() {
    let mut fx = Fixture::new();
    let (_tent, stove, kit) = camp(&mut fx);
    let mut olle = fx.join("Olle", Role::Member);
    let mut eva = fx.join("Eva", Role::Member);
    let g = fx.group.clone();
    let k = olle.store.book(&g, &request(&kit.id, at_hours(24), at_hours(48), 1)).unwrap();
    let s = eva.store.book(&g, &request(&stove.id, at_hours(40), at_hours(50), 1)).unwrap();
    exchange_all(&mut [&mut olle.store, &mut eva.store, &mut fx.store], &g);
    let r = resolved(&fx.store, &g);
    assert_eq!(resolved(&olle.store, &g), r);
    assert_eq!(resolved(&eva.store, &g), r);
    let (kb, sb) = (fx.store.booking(&g, &k.id).unwrap(), fx.store.booking(&g, &s.id).unwrap());
    let (winner, loser) =
        if (kb.hlc.as_str(), &kb.id) < (sb.hlc.as_str(), &sb.id) { (k.id, s.id) } else { (s.id, k.id) };
    assert_eq!(r[&winner], (BookingState::Confirmed, None));
    assert_eq!(r[&loser].0, BookingState::Bumped);
    let bump = r[&loser].1.clone().unwrap();
    assert_eq!((bump.reason, bump.winner), (BumpReason::Overbooked, Some(winner)));
    delbar_tests::assert_clean(&mut eva.store);
}

#[test]
fn changing_a_kits_parts_moves_what_its_bookings_hold() {
    let mut fx = Fixture::new();
    let (tent, stove, kit) = camp(&mut fx);
    let g = fx.group.clone();
    fx.book(&kit.id, 24, 30, 1).unwrap();
    // The kit no longer includes the stove; a lamp joins it.
    let lamp = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Lykta") });
    let parts = BTreeMap::from([(tent.id.clone(), 2), (lamp.id.clone(), 1)]);
    fx.store
        .update_item(&g, &kit.id, &delbar_core::domain::ItemPatch { kit_parts: Some(parts), ..Default::default() })
        .unwrap();
    fx.assert_clean();
    assert_eq!(fx.store.availability(&g, &stove.id, at_hours(24), at_hours(30)).unwrap().free_units, 1);
    assert_eq!(fx.store.availability(&g, &lamp.id, at_hours(24), at_hours(30)).unwrap().free_units, 0);
}
