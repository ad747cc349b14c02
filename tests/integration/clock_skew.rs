//! Device clocks that are days apart: resolution never reads a device clock, so every
//! device still derives the same winners; and a phone whose clock is behind cannot jump
//! ahead of a booking it had already synced (the hybrid logical clock).

use delbar_core::domain::{BookingAction, BookingState, BumpReason, ItemDraft, Role};
use delbar_core::time::{DAY_MS, ManualClock};
use delbar_tests::{Fixture, at_hours, exchange_all, open_rules, projection_rows, request, resolved, sync};

#[test]
fn devices_with_clocks_days_apart_resolve_alike() {
    let mut fx = Fixture::new();
    let tiller = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Jordfräs") });
    let pair = fx.item_from(ItemDraft { rules: open_rules(), quantity: 2, ..ItemDraft::named("Stegar") });
    let behind = ManualClock::new(delbar_tests::start().plus_ms(-3 * DAY_MS));
    let ahead = ManualClock::new(delbar_tests::start().plus_ms(2 * DAY_MS));
    let mut olle = fx.join_with_clock("Olle", Role::Member, &behind);
    let mut eva = fx.join_with_clock("Eva", Role::Steward, &ahead);
    let g = fx.group.clone();
    // Apart, each books overlapping windows of both items (after Eva's "now").
    let mut ids = Vec::new();
    for (k, store) in [&mut fx.store, &mut olle.store, &mut eva.store].into_iter().enumerate() {
        let k = k as i64;
        ids.push(store.book(&g, &request(&tiller.id, at_hours(100 + 4 * k), at_hours(110 + 4 * k), 1)).unwrap().id);
        ids.push(store.book(&g, &request(&pair.id, at_hours(100 + 2 * k), at_hours(106 + 2 * k), 1)).unwrap().id);
    }
    // Eva hands her ladder out at once.
    let evas_ladder = ids[5].clone();
    eva.store.act_on_booking(&g, &evas_ladder, BookingAction::CheckOut).unwrap();
    exchange_all(&mut [&mut olle.store, &mut eva.store, &mut fx.store], &g);
    let r = resolved(&fx.store, &g);
    assert_eq!(resolved(&olle.store, &g), r);
    assert_eq!(resolved(&eva.store, &g), r);
    assert_eq!(projection_rows(&olle.path), projection_rows(&fx.path));
    assert_eq!(projection_rows(&eva.path), projection_rows(&fx.path));
    // The three tiller bookings overlap pairwise: one wins, the request stamped earliest.
    // Nobody had seen another's request, so Olle's, made when his clock read three days
    // earlier, comes first.
    let tillers: Vec<_> =
        [&ids[0], &ids[2], &ids[4]].into_iter().filter(|id| r[*id].0 != BookingState::Bumped).collect();
    assert_eq!(tillers, [&ids[2]], "{r:#?}");
    // The ladders: two units, three overlapping bookings; the checked-out one stands.
    assert_eq!(r[&evas_ladder], (BookingState::CheckedOut, None));
    let ladders_bumped = [&ids[1], &ids[3]].into_iter().filter(|id| r[*id].0 == BookingState::Bumped).count();
    assert_eq!(ladders_bumped, 1, "{r:#?}");
    for (state, bump) in r.values() {
        if let Some(b) = bump {
            assert_eq!((*state, b.reason), (BookingState::Bumped, BumpReason::Overbooked));
            assert!(b.winner.is_some());
        }
    }
    delbar_tests::assert_clean(&mut olle.store);
    delbar_tests::assert_clean(&mut eva.store);
}

#[test]
fn a_phone_days_behind_cannot_jump_ahead_of_a_booking_it_had_synced() {
    let mut fx = Fixture::new();
    let tiller = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Jordfräs") });
    let behind = ManualClock::new(delbar_tests::start().plus_ms(-5 * DAY_MS));
    let mut olle = fx.join_with_clock("Olle", Role::Member, &behind);
    let g = fx.group.clone();
    // The steward books first; Olle's phone receives it.
    let first = fx.book(&tiller.id, 24, 30, 1).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    // Olle books the window right after, which his phone sees free; meanwhile the steward
    // extends the first booking over it.
    let second = olle.store.book(&g, &request(&tiller.id, at_hours(30), at_hours(36), 1)).unwrap();
    fx.store.extend_booking(&g, &first.id, at_hours(34)).unwrap();
    exchange_all(&mut [&mut olle.store, &mut fx.store], &g);
    // By device clocks Olle's request is five days older; by what his phone had seen it is
    // later, and that is what counts.
    let (a, b) = (fx.store.booking(&g, &first.id).unwrap(), fx.store.booking(&g, &second.id).unwrap());
    assert!(b.created < a.created, "Olle's clock is behind");
    assert!(b.hlc > a.hlc, "but his request is ordered after the one he had seen");
    for s in [&fx.store, &olle.store] {
        let r = resolved(s, &g);
        assert_eq!(r[&first.id], (BookingState::Confirmed, None));
        let bump = r[&second.id].1.clone().unwrap();
        assert_eq!(
            (r[&second.id].0, bump.reason, bump.winner),
            (BookingState::Bumped, BumpReason::Overbooked, Some(first.id.clone()))
        );
    }
    // Two more requests made apart are ordered by their stamps, the same on every device.
    let mut eva_clock_behind = fx.join_with_clock("Eva", Role::Member, &behind);
    let early = eva_clock_behind.store.book(&g, &request(&tiller.id, at_hours(60), at_hours(62), 1)).unwrap();
    let late = fx.book(&tiller.id, 61, 63, 1).unwrap();
    exchange_all(&mut [&mut eva_clock_behind.store, &mut fx.store, &mut olle.store], &g);
    let r = resolved(&fx.store, &g);
    assert_eq!(resolved(&eva_clock_behind.store, &g), r);
    let eb = fx.store.booking(&g, &early.id).unwrap();
    let lb = fx.store.booking(&g, &late.id).unwrap();
    let (winner, loser) =
        if (eb.hlc.as_str(), &eb.id) < (lb.hlc.as_str(), &lb.id) { (early.id, late.id) } else { (late.id, early.id) };
    assert_eq!(r[&winner].0, BookingState::Confirmed);
    assert_eq!(r[&loser].1.clone().map(|b| b.winner), Some(Some(winner)));
}

#[test]
fn a_phone_days_behind_cannot_jump_the_waitlist_it_had_synced() {
    let mut fx = Fixture::new();
    let tiller = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Jordfräs") });
    let behind = ManualClock::new(delbar_tests::start().plus_ms(-5 * DAY_MS));
    let mut eva = fx.join("Eva", Role::Member);
    let mut olle = fx.join_with_clock("Olle", Role::Member, &behind);
    let g = fx.group.clone();
    fx.book(&tiller.id, 200, 204, 1).unwrap();
    sync(&mut fx.store, &mut eva.store, &g);
    let first = eva.store.join_waitlist(&g, &request(&tiller.id, at_hours(200), at_hours(204), 1)).unwrap();
    sync(&mut eva.store, &mut olle.store, &g);
    // Olle sees Eva in the queue, then joins it with his slow clock.
    assert_eq!(olle.store.waitlist(&g, &tiller.id).unwrap().len(), 1);
    let second = olle.store.join_waitlist(&g, &request(&tiller.id, at_hours(200), at_hours(204), 1)).unwrap();
    exchange_all(&mut [&mut olle.store, &mut eva.store, &mut fx.store], &g);
    for s in [&fx.store, &olle.store, &eva.store] {
        let order: Vec<_> = s.waitlist(&g, &tiller.id).unwrap().into_iter().map(|q| q.booking.id).collect();
        assert_eq!(order, [first.id.clone(), second.id.clone()], "Eva joined first");
    }
}
