//! The waitlist: no queue when units are free; units freed by a cancel are offered to the
//! first in line, who can claim them; an offer not claimed within the group's pickup window
//! passes to the next; stewards reorder the queue.

use delbar_core::Error;
use delbar_core::domain::{BookingAction, BookingState, DomainError, ItemDraft, Role};
use delbar_core::store::NotificationKind;
use delbar_core::time::HOUR_MS;
use delbar_tests::{Fixture, at_hours, open_rules, request, sync};

#[test]
fn the_waitlist_offers_claims_and_passes_on() {
    let mut fx = Fixture::new();
    let tiller = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Jordfräs") });
    let mut olle = fx.join("Olle", Role::Member);
    let mut eva = fx.join("Eva", Role::Member);
    let g = fx.group.clone();
    let window = request(&tiller.id, at_hours(48), at_hours(52), 1);
    // Free: no need to wait.
    let e = olle.store.join_waitlist(&g, &window).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::NoNeedToWait { .. })), "{e:?}");
    let held = fx.store.book(&g, &window).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    let o = olle.store.join_waitlist(&g, &window).unwrap();
    assert_eq!(o.state, BookingState::Waitlisted);
    fx.clock.advance(HOUR_MS);
    sync(&mut olle.store, &mut eva.store, &g);
    let e_wait = eva.store.join_waitlist(&g, &window).unwrap();
    // Waiting holds nothing: the calendar shows only the holder.
    assert_eq!(eva.store.availability(&g, &tiller.id, at_hours(48), at_hours(52)).unwrap().busy.len(), 1);
    sync(&mut eva.store, &mut fx.store, &g);
    let queue = fx.store.waitlist(&g, &tiller.id).unwrap();
    assert_eq!(
        queue.iter().map(|q| (q.booking.id.clone(), q.position)).collect::<Vec<_>>(),
        [(o.id.clone(), 1), (e_wait.id.clone(), 2)]
    );
    assert!(queue.iter().all(|q| q.offer.is_none()));
    // The holder cancels: the first in line gets an offer for the pickup window (24 h).
    let cancelled_at = fx.store.now();
    fx.store.act_on_booking(&g, &held.id, BookingAction::Cancel).unwrap();
    let queue = fx.store.waitlist(&g, &tiller.id).unwrap();
    assert_eq!(queue[0].offer, Some((cancelled_at, cancelled_at.plus_ms(24 * HOUR_MS))));
    assert!(queue[1].offer.is_none());
    let offers = fx.store.notifications_for(&g, &olle.member, false).unwrap();
    assert_eq!(offers.iter().map(|n| n.kind).collect::<Vec<_>>(), [NotificationKind::WaitlistOffer]);
    assert_eq!(offers[0].detail.offer_until, Some(cancelled_at.plus_ms(24 * HOUR_MS)));
    // Eva cannot claim Olle's offer, nor her own place that has none.
    sync(&mut fx.store, &mut eva.store, &g);
    let before = delbar_tests::fingerprint(&eva.path);
    let e = eva.store.act_on_booking(&g, &o.id, BookingAction::Claim).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::NotPermitted { .. })), "{e:?}");
    let e = eva.store.act_on_booking(&g, &e_wait.id, BookingAction::Claim).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::NoOffer { .. })), "{e:?}");
    assert_eq!(delbar_tests::fingerprint(&eva.path), before);
    // Olle lets the pickup window pass: the offer moves to Eva.
    fx.clock.advance(25 * HOUR_MS);
    let ticked = eva.store.tick().unwrap();
    assert!(ticked.iter().any(|n| n.kind == NotificationKind::WaitlistOffer && n.booking.as_ref() == Some(&e_wait.id)));
    let queue = eva.store.waitlist(&g, &tiller.id).unwrap();
    assert!(queue[0].offer.is_none());
    assert_eq!(queue[1].offer.map(|(from, _)| from), Some(cancelled_at.plus_ms(24 * HOUR_MS)));
    sync(&mut fx.store, &mut olle.store, &g);
    let e = olle.store.act_on_booking(&g, &o.id, BookingAction::Claim).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::NoOffer { .. })), "{e:?}");
    let claimed = eva.store.act_on_booking(&g, &e_wait.id, BookingAction::Claim).unwrap();
    assert_eq!(claimed.state, BookingState::Confirmed);
    assert_eq!(eva.store.availability(&g, &tiller.id, at_hours(48), at_hours(52)).unwrap().free_units, 0);
    // Olle's place stays, with nothing to offer, until he leaves the queue.
    assert_eq!(eva.store.waitlist(&g, &tiller.id).unwrap().len(), 1);
    sync(&mut eva.store, &mut olle.store, &g);
    olle.store.act_on_booking(&g, &o.id, BookingAction::Cancel).unwrap();
    assert!(olle.store.waitlist(&g, &tiller.id).unwrap().is_empty());
    delbar_tests::assert_clean(&mut olle.store);
    delbar_tests::assert_clean(&mut eva.store);
}

#[test]
fn a_steward_reorders_the_queue_and_the_offer_follows() {
    let mut fx = Fixture::new();
    let tiller = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Jordfräs") });
    let mut olle = fx.join("Olle", Role::Member);
    let eva = fx.join("Eva", Role::Member);
    let g = fx.group.clone();
    let held = fx.book(&tiller.id, 48, 52, 1).unwrap();
    let mut ids = Vec::new();
    for m in [&olle.member, &eva.member, &fx.me.clone()] {
        let mut r = request(&tiller.id, at_hours(48), at_hours(52), 1);
        r.for_member = Some(m.clone());
        ids.push(fx.store.join_waitlist(&g, &r).unwrap().id);
        fx.clock.advance(60_000);
    }
    let order = |fx: &Fixture| -> Vec<_> {
        fx.store.waitlist(&fx.group, &tiller.id).unwrap().into_iter().map(|q| q.booking.id).collect()
    };
    assert_eq!(order(&fx), ids);
    // A member may not reorder.
    sync(&mut fx.store, &mut olle.store, &g);
    let e = olle.store.move_in_waitlist(&g, &ids[1], 1).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::NotPermitted { .. })), "{e:?}");
    // Eva to the front, then the steward's own to the middle.
    let q = fx.store.move_in_waitlist(&g, &ids[1], 1).unwrap();
    assert_eq!(
        q.iter().map(|e| e.booking.id.clone()).collect::<Vec<_>>(),
        [ids[1].clone(), ids[0].clone(), ids[2].clone()]
    );
    fx.store.move_in_waitlist(&g, &ids[2], 2).unwrap();
    assert_eq!(order(&fx), [ids[1].clone(), ids[2].clone(), ids[0].clone()]);
    // The order reaches the other devices, and the offer goes to the new first.
    sync(&mut fx.store, &mut olle.store, &g);
    assert_eq!(
        olle.store.waitlist(&g, &tiller.id).unwrap().into_iter().map(|q| q.booking.id).collect::<Vec<_>>(),
        order(&fx)
    );
    fx.store.act_on_booking(&g, &held.id, BookingAction::Cancel).unwrap();
    let q = fx.store.waitlist(&g, &tiller.id).unwrap();
    assert!(q[0].offer.is_some() && q[1].offer.is_none() && q[2].offer.is_none());
    assert_eq!(q[0].booking.member, eva.member);
    // Only waiting bookings have a place.
    let e = fx.store.move_in_waitlist(&g, &held.id, 1).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::NoOffer { .. })), "{e:?}");
    fx.assert_clean();
}

#[test]
fn a_member_claiming_gear_that_needs_approval_asks_the_stewards() {
    let mut fx = Fixture::new();
    let rules = delbar_core::domain::LoanRules { requires_approval: true, ..open_rules() };
    let press = fx.item_from(ItemDraft { rules, ..ItemDraft::named("Äppelpress") });
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let held = fx.book(&press.id, 48, 52, 1).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    let waiting = olle.store.join_waitlist(&g, &request(&press.id, at_hours(48), at_hours(52), 1)).unwrap();
    sync(&mut olle.store, &mut fx.store, &g);
    fx.store.act_on_booking(&g, &held.id, BookingAction::Cancel).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    let claimed = olle.store.act_on_booking(&g, &waiting.id, BookingAction::Claim).unwrap();
    assert_eq!(claimed.state, BookingState::Requested);
    sync(&mut olle.store, &mut fx.store, &g);
    let asks: Vec<_> = fx
        .store
        .notifications(&g, false)
        .unwrap()
        .into_iter()
        .filter(|n| n.kind == NotificationKind::ApprovalNeeded)
        .map(|n| n.booking)
        .collect();
    assert_eq!(asks, [Some(waiting.id.clone())]);
    let confirmed = fx.store.act_on_booking(&g, &waiting.id, BookingAction::Confirm).unwrap();
    assert_eq!(confirmed.state, BookingState::Confirmed);
    fx.assert_clean();
}
