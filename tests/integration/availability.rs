//! Availability: units taken over time by bookings that hold them, with partial overlaps,
//! the item's buffer, and loans that come back late.

use delbar_core::Error;
use delbar_core::domain::{BookingAction, BookingState, DomainError, ItemDraft, LoanRules, Role};
use delbar_core::store::BusyInterval;
use delbar_core::time::{HOUR_MS, MINUTE_MS, Timestamp};
use delbar_tests::{Fixture, at_hours, request};

fn busy(list: &[(i64, i64, u32)]) -> Vec<BusyInterval> {
    list.iter().map(|&(s, e, units)| BusyInterval { start: at_hours(s), end: at_hours(e), units }).collect()
}

#[test]
fn partial_overlaps_add_up_per_interval() {
    let mut fx = Fixture::new();
    let ladder = fx.item("Stege", 2);
    fx.book(&ladder.id, 10, 14, 1).unwrap();
    fx.book(&ladder.id, 12, 16, 1).unwrap();
    let a = fx.store.availability(&fx.group, &ladder.id, at_hours(9), at_hours(17)).unwrap();
    assert_eq!((a.quantity, a.free_units), (2, 0));
    assert_eq!(a.busy, busy(&[(10, 12, 1), (12, 14, 2), (14, 16, 1)]));
    // Windows cut the intervals.
    let a = fx.store.availability(&fx.group, &ladder.id, at_hours(13), at_hours(15)).unwrap();
    assert_eq!(a.free_units, 0);
    assert_eq!(a.busy, busy(&[(13, 14, 2), (14, 15, 1)]));
    let a = fx.store.availability(&fx.group, &ladder.id, at_hours(14), at_hours(20)).unwrap();
    assert_eq!((a.free_units, a.busy.clone()), (1, busy(&[(14, 16, 1)])));
    let a = fx.store.availability(&fx.group, &ladder.id, at_hours(16), at_hours(20)).unwrap();
    assert_eq!((a.free_units, a.busy.clone()), (2, vec![]));
    // Back to back is not an overlap.
    fx.book(&ladder.id, 16, 18, 2).unwrap();
    fx.book(&ladder.id, 8, 10, 2).unwrap();
    assert!(matches!(fx.book(&ladder.id, 13, 15, 1), Err(Error::Domain(DomainError::Unavailable { free: 0, .. }))));
    fx.book(&ladder.id, 14, 16, 1).unwrap();
    let a = fx.store.availability(&fx.group, &ladder.id, at_hours(0), at_hours(24)).unwrap();
    assert_eq!(a.busy, busy(&[(8, 10, 2), (10, 12, 1), (12, 18, 2)]));
    fx.assert_clean();
}

#[test]
fn a_request_holds_its_unit_until_declined_or_cancelled() {
    let mut fx = Fixture::new();
    let rules = LoanRules { requires_approval: true, ..LoanRules::default() };
    let press = fx.item_from(ItemDraft { rules, ..ItemDraft::named("Äppelpress") });
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let asked = olle.store.book(&g, &request(&press.id, at_hours(24), at_hours(28), 1)).unwrap();
    assert_eq!(asked.state, BookingState::Requested);
    let a = olle.store.availability(&g, &press.id, at_hours(20), at_hours(30)).unwrap();
    assert_eq!((a.free_units, a.busy), (0, busy(&[(24, 28, 1)])));
    assert!(matches!(
        olle.store.book(&g, &request(&press.id, at_hours(27), at_hours(29), 1)),
        Err(Error::Domain(DomainError::Unavailable { .. }))
    ));
    // The steward sees the request, which holds the unit there too, and declines it.
    delbar_tests::sync(&mut olle.store, &mut fx.store, &g);
    assert!(fx.book(&press.id, 25, 26, 1).is_err());
    fx.store.act_on_booking(&g, &asked.id, BookingAction::Decline).unwrap();
    assert_eq!(fx.store.availability(&g, &press.id, at_hours(20), at_hours(30)).unwrap().free_units, 1);
    // A second request, cancelled by the member, frees the unit as well.
    let again = olle.store.book(&g, &request(&press.id, at_hours(40), at_hours(44), 1)).unwrap();
    assert_eq!(olle.store.availability(&g, &press.id, at_hours(40), at_hours(41)).unwrap().free_units, 0);
    olle.store.act_on_booking(&g, &again.id, BookingAction::Cancel).unwrap();
    assert_eq!(olle.store.availability(&g, &press.id, at_hours(40), at_hours(41)).unwrap().free_units, 1);
    delbar_tests::assert_clean(&mut olle.store);
    fx.assert_clean();
}

#[test]
fn cancelled_and_returned_bookings_free_their_units() {
    let mut fx = Fixture::new();
    let tiller = fx.item("Jordfräs", 1);
    let g = fx.group.clone();
    let b = fx.book(&tiller.id, 24, 30, 1).unwrap();
    assert!(fx.book(&tiller.id, 25, 26, 1).is_err());
    fx.store.act_on_booking(&g, &b.id, BookingAction::Cancel).unwrap();
    let b = fx.book(&tiller.id, 25, 26, 1).unwrap();
    fx.store.act_on_booking(&g, &b.id, BookingAction::CheckOut).unwrap();
    assert_eq!(fx.store.availability(&g, &tiller.id, at_hours(25), at_hours(26)).unwrap().free_units, 0);
    fx.store.act_on_booking(&g, &b.id, BookingAction::Return).unwrap();
    let a = fx.store.availability(&g, &tiller.id, at_hours(0), at_hours(48)).unwrap();
    assert_eq!((a.free_units, a.busy), (1, vec![]));
    fx.book(&tiller.id, 25, 26, 1).unwrap();
    fx.assert_clean();
}

/// A loan that is out past its end: overdue, and the unit stays taken until it comes back.
fn overdue_fixture() -> (Fixture, delbar_core::domain::Item, delbar_core::domain::Booking) {
    let mut fx = Fixture::new();
    let saw = fx.item("Motorsåg", 1);
    let g = fx.group.clone();
    let b = fx.book(&saw.id, 1, 3, 1).unwrap();
    fx.store.act_on_booking(&g, &b.id, BookingAction::CheckOut).unwrap();
    fx.clock.set(at_hours(6));
    (fx, saw, b)
}

#[test]
fn an_overdue_loan_is_listed_and_holds_its_unit_until_returned() {
    let (mut fx, saw, b) = overdue_fixture();
    let g = fx.group.clone();
    let overdue = fx.store.overdue(&g).unwrap();
    assert_eq!(overdue.iter().map(|b| &b.id).collect::<Vec<_>>(), [&b.id]);
    assert!(overdue[0].is_overdue(fx.store.now()));
    assert_eq!(overdue[0].display_state(fx.store.now()), "overdue");
    // The loan holds its unit, from its start, for every window after its end until it
    // comes back: no one knows when it will.
    let a = fx.store.availability(&g, &saw.id, at_hours(4), at_hours(8)).unwrap();
    assert_eq!((a.free_units, a.busy), (0, busy(&[(4, 8, 1)])));
    let a = fx.store.availability(&g, &saw.id, at_hours(200), at_hours(204)).unwrap();
    assert_eq!((a.free_units, a.busy), (0, busy(&[(200, 204, 1)])));
    let e = fx.store.book(&g, &request(&saw.id, at_hours(100), at_hours(102), 1)).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::Unavailable { free: 0, .. })), "{e:?}");
    assert_eq!(fx.store.next_free_window(&g, &saw.id, at_hours(6), HOUR_MS, 1).unwrap(), None);
    // A booking that started a few minutes ago (within the grace) overlaps the loan.
    let start = Timestamp(fx.store.now().0 - 10 * MINUTE_MS);
    let e = fx.store.book(&g, &request(&saw.id, start, at_hours(8), 1)).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::Unavailable { free: 0, .. })), "{e:?}");
    fx.store.act_on_booking(&g, &b.id, BookingAction::Return).unwrap();
    assert!(fx.store.overdue(&g).unwrap().is_empty());
    let a = fx.store.availability(&g, &saw.id, at_hours(2), at_hours(8)).unwrap();
    assert_eq!((a.free_units, a.busy), (1, busy(&[])));
    fx.store.book(&g, &request(&saw.id, start, at_hours(8), 1)).unwrap();
    fx.assert_clean();
}

#[test]
fn an_overdue_loan_is_busy_through_a_window_that_contains_its_end() {
    let (fx, saw, _) = overdue_fixture();
    // The loan ran 1..3 h and is still out at 6 h: busy from its start on, past now.
    let a = fx.store.availability(&fx.group, &saw.id, at_hours(2), at_hours(8)).unwrap();
    assert_eq!((a.free_units, a.busy), (0, busy(&[(2, 8, 1)])));
}

#[test]
fn an_overdue_loan_blocks_a_booking_starting_now() {
    let (mut fx, saw, _) = overdue_fixture();
    let g = fx.group.clone();
    let now = fx.store.now();
    let e = fx.store.book(&g, &request(&saw.id, now, now.plus_ms(2 * HOUR_MS), 1));
    assert!(matches!(e, Err(Error::Domain(DomainError::Unavailable { .. }))), "{e:?}");
}

#[test]
fn the_buffer_keeps_time_free_between_loans() {
    let mut fx = Fixture::new();
    let rules = LoanRules { buffer_minutes: 30, ..LoanRules::default() };
    let trailer = fx.item_from(ItemDraft { rules, ..ItemDraft::named("Släpvagn") });
    let g = fx.group.clone();
    fx.book(&trailer.id, 10, 12, 1).unwrap();
    let r = |s: i64, e: i64| {
        request(&trailer.id, at_hours(10).plus_ms(s * MINUTE_MS), at_hours(10).plus_ms(e * MINUTE_MS), 1)
    };
    // Starting 10 minutes after the end, or ending 10 minutes before the start: too close.
    for (s, e) in [(130, 180), (-60, -10), (60, 90)] {
        let err = fx.store.book(&g, &r(s, e)).unwrap_err();
        assert!(matches!(err, Error::Domain(DomainError::Unavailable { .. })), "{s}..{e}: {err:?}");
    }
    // Exactly the buffer apart: fine, on both sides.
    fx.store.book(&g, &r(150, 180)).unwrap();
    fx.store.book(&g, &r(-90, -30)).unwrap();
    // The buffer is not shown as busy: availability reports the loans themselves.
    let a = fx.store.availability(&g, &trailer.id, at_hours(0), at_hours(24)).unwrap();
    let m = |min: i64| at_hours(10).plus_ms(min * MINUTE_MS);
    assert_eq!(
        a.busy,
        vec![
            BusyInterval { start: m(-90), end: m(-30), units: 1 },
            BusyInterval { start: m(0), end: m(120), units: 1 },
            BusyInterval { start: m(150), end: m(180), units: 1 },
        ]
    );
    fx.assert_clean();
}

#[test]
fn availability_matches_a_brute_force_count() {
    let mut fx = Fixture::new();
    let item = fx.item("Bord", 3);
    let g = fx.group.clone();
    let mut rng = delbar_tests::Rng::new(11);
    let mut held: Vec<(i64, i64, u32)> = Vec::new();
    for _ in 0..40 {
        let s = rng.range(1, 60);
        let e = s + rng.range(1, 12);
        let units = rng.range(1, 2);
        if let Ok(b) = fx.book(&item.id, s, e, units) {
            if rng.below(4) == 0 {
                fx.store.act_on_booking(&g, &b.id, BookingAction::Cancel).unwrap();
            } else {
                held.push((s, e, units as u32));
            }
        }
    }
    assert!(held.len() > 5);
    for h in 0..80 {
        let taken: u32 = held.iter().filter(|(s, e, _)| *s <= h && h < *e).map(|(_, _, u)| u).sum();
        assert!(taken <= 3, "over capacity at hour {h}");
        let a = fx.store.availability(&g, &item.id, at_hours(h), at_hours(h + 1)).unwrap();
        assert_eq!(a.free_units, 3 - taken, "hour {h}");
        let shown = a.busy.first().map(|b| b.units).unwrap_or(0);
        assert_eq!(shown, taken, "hour {h}");
    }
    fx.assert_clean();
}

#[test]
fn confirming_a_request_that_no_longer_fits_is_refused() {
    let mut fx = Fixture::new();
    let rules = LoanRules { requires_approval: true, ..LoanRules::default() };
    let trailer = fx.item_from(ItemDraft { rules, ..ItemDraft::named("Släpvagn") });
    let mut olle = fx.join("Olle", Role::Member);
    let mut eva = fx.join("Eva", Role::Member);
    let g = fx.group.clone();
    // Both ask for the only unit while apart; each device sees it free. After the merge the
    // rule keeps one request and bumps the other, so the steward can confirm only one.
    let first = olle.store.book(&g, &request(&trailer.id, at_hours(24), at_hours(28), 1)).unwrap();
    let second = eva.store.book(&g, &request(&trailer.id, at_hours(26), at_hours(30), 1)).unwrap();
    delbar_tests::sync(&mut olle.store, &mut fx.store, &g);
    delbar_tests::sync(&mut eva.store, &mut fx.store, &g);
    let states = [&first.id, &second.id].map(|id| fx.store.booking(&g, id).unwrap());
    let (kept, lost) = if states[0].state == BookingState::Bumped { (&second, &first) } else { (&first, &second) };
    let before = fx.fingerprint();
    let e = fx.store.act_on_booking(&g, &lost.id, BookingAction::Confirm).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::IllegalTransition { state: BookingState::Bumped, .. })), "{e:?}");
    assert_eq!(fx.fingerprint(), before);
    fx.store.act_on_booking(&g, &kept.id, BookingAction::Confirm).unwrap();
    assert_eq!(fx.store.booking(&g, &lost.id).unwrap().state, BookingState::Bumped);
    fx.assert_clean();
}

#[test]
fn confirming_a_request_rechecks_availability() {
    // A request made while the unit was free for its window; then the gear before it comes
    // back late and holds the unit: confirming now must be refused.
    let mut fx = Fixture::new();
    let rules = LoanRules { requires_approval: true, ..LoanRules::default() };
    let trailer = fx.item_from(ItemDraft { rules, ..ItemDraft::named("Släpvagn") });
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let out = fx.book(&trailer.id, 1, 3, 1).unwrap();
    fx.store.act_on_booking(&g, &out.id, BookingAction::CheckOut).unwrap();
    delbar_tests::sync(&mut fx.store, &mut olle.store, &g);
    let asked = olle.store.book(&g, &request(&trailer.id, at_hours(10), at_hours(12), 1)).unwrap();
    assert_eq!(asked.state, BookingState::Requested);
    delbar_tests::sync(&mut olle.store, &mut fx.store, &g);
    fx.clock.set(at_hours(9));
    let before = fx.fingerprint();
    let e = fx.store.act_on_booking(&g, &asked.id, BookingAction::Confirm).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::Unavailable { free: 0, .. })), "{e:?}");
    assert_eq!(fx.fingerprint(), before);
    fx.store.act_on_booking(&g, &out.id, BookingAction::Return).unwrap();
    assert_eq!(fx.store.act_on_booking(&g, &asked.id, BookingAction::Confirm).unwrap().state, BookingState::Confirmed);
    fx.assert_clean();
}
