//! Conflicts found after a merge: devices that booked, handed out, cancelled, retired or
//! removed while apart all derive the same winner and the same bumped bookings (with reason
//! and winner), and the people concerned are told.

use delbar_core::Store;
use delbar_core::domain::{BookingAction, BookingState, BumpReason, Condition, ItemDraft, ItemPatch, LoanRules, Role};
use delbar_core::ids::{BookingId, GroupId};
use delbar_core::store::NotificationKind;
use delbar_tests::{Fixture, at_hours, exchange_all, open_rules, request, resolved, sync};

fn kinds(store: &Store, group: &GroupId) -> Vec<NotificationKind> {
    store.notifications(group, false).unwrap().into_iter().map(|n| n.kind).collect()
}

/// The booking the rule serves first among two of the same class: the earlier request.
fn first_by_rule(store: &Store, group: &GroupId, a: &BookingId, b: &BookingId) -> (BookingId, BookingId) {
    let (ba, bb) = (store.booking(group, a).unwrap(), store.booking(group, b).unwrap());
    if (ba.hlc.as_str(), &ba.id) < (bb.hlc.as_str(), &bb.id) { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) }
}

#[test]
fn two_offline_bookings_of_the_last_unit_resolve_alike_everywhere() {
    let mut fx = Fixture::new();
    let tiller = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Jordfräs") });
    let mut olle = fx.join("Olle", Role::Member);
    let mut eva = fx.join("Eva", Role::Member);
    let g = fx.group.clone();
    // Apart: both see the unit free and book overlapping days.
    let o = olle.store.book(&g, &request(&tiller.id, at_hours(24), at_hours(72), 1)).unwrap();
    let e = eva.store.book(&g, &request(&tiller.id, at_hours(48), at_hours(96), 1)).unwrap();
    assert_eq!((o.state, e.state), (BookingState::Confirmed, BookingState::Confirmed));
    exchange_all(&mut [&mut olle.store, &mut eva.store, &mut fx.store], &g);
    let (winner, loser) = first_by_rule(&fx.store, &g, &o.id, &e.id);
    let expected = resolved(&fx.store, &g);
    for s in [&olle.store, &eva.store] {
        assert_eq!(resolved(s, &g), expected, "device {}", s.device_id().short());
    }
    assert_eq!(expected[&winner].0, BookingState::Confirmed);
    let (state, bump) = &expected[&loser];
    assert_eq!(*state, BookingState::Bumped);
    let bump = bump.as_ref().unwrap();
    assert_eq!((bump.reason, bump.winner.as_ref()), (BumpReason::Overbooked, Some(&winner)));
    // The loser is told on their own device, with the winner and the next free window.
    let loser_peer = if loser == o.id { &olle } else { &eva };
    let winner_name = if winner == o.id { "Olle" } else { "Eva" };
    let notes = loser_peer.store.notifications(&g, false).unwrap();
    let bumped: Vec<_> = notes.iter().filter(|n| n.kind == NotificationKind::Bumped).collect();
    assert_eq!(bumped.len(), 1, "{notes:#?}");
    let n = bumped[0];
    assert_eq!(n.booking.as_ref(), Some(&loser));
    assert_eq!(n.detail.reason, Some(BumpReason::Overbooked));
    assert_eq!(n.detail.winner.as_ref(), Some(&winner));
    assert_eq!(n.detail.winner_member.as_deref(), Some(winner_name));
    let lost = loser_peer.store.booking(&g, &loser).unwrap();
    let won = loser_peer.store.booking(&g, &winner).unwrap();
    let suggested = (n.detail.suggested_start.unwrap(), n.detail.suggested_end.unwrap());
    assert_eq!(suggested.1.0 - suggested.0.0, lost.end.0 - lost.start.0, "same length");
    assert!(suggested.0 >= won.end, "after the winner's loan");
    let free = loser_peer.store.availability(&g, &tiller.id, suggested.0, suggested.1).unwrap();
    assert_eq!(free.free_units, 1, "the suggested window is free");
    assert!(n.message().contains("bumped"), "{}", n.message());
    // The loser can book the suggestion.
    let mut retry = request(&tiller.id, suggested.0, suggested.1, 1);
    retry.note = "nästa lediga".into();
    let (loser_store, winner_store) =
        if loser == o.id { (&mut olle.store, &mut eva.store) } else { (&mut eva.store, &mut olle.store) };
    loser_store.book(&g, &retry).unwrap();
    // A late change from the third device (the steward cancels the winner while apart)
    // re-resolves the same way everywhere: the loser gets the unit back.
    fx.store.act_on_booking(&g, &winner, BookingAction::Cancel).unwrap();
    sync(&mut fx.store, winner_store, &g);
    exchange_all(&mut [&mut *winner_store, &mut *loser_store, &mut fx.store], &g);
    let expected = resolved(&fx.store, &g);
    assert_eq!(resolved(winner_store, &g), expected);
    assert_eq!(resolved(loser_store, &g), expected);
    assert_eq!(expected[&loser], (BookingState::Confirmed, None));
    assert_eq!(expected[&winner].0, BookingState::Cancelled);
    assert!(kinds(loser_store, &g).contains(&NotificationKind::BookingConfirmed));
    for s in [&mut fx.store, winner_store, loser_store] {
        delbar_tests::assert_clean(s);
    }
}

#[test]
fn the_same_unit_checked_out_twice_keeps_the_earlier_check_out() {
    let mut fx = Fixture::new();
    let saw = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Motorsåg") });
    let mut anna = fx.join("Anna", Role::Steward);
    let g = fx.group.clone();
    let a = fx.book(&saw.id, 2, 10, 1).unwrap();
    fx.store.act_on_booking(&g, &a.id, BookingAction::CheckOut).unwrap();
    let b = anna.store.book(&g, &request(&saw.id, at_hours(4), at_hours(8), 1)).unwrap();
    anna.store.act_on_booking(&g, &b.id, BookingAction::CheckOut).unwrap();
    exchange_all(&mut [&mut fx.store, &mut anna.store], &g);
    let (winner, loser) = first_by_rule(&fx.store, &g, &a.id, &b.id);
    let r = resolved(&fx.store, &g);
    assert_eq!(resolved(&anna.store, &g), r);
    assert_eq!(r[&winner], (BookingState::CheckedOut, None));
    let bump = r[&loser].1.clone().unwrap();
    assert_eq!(r[&loser].0, BookingState::Bumped);
    assert_eq!((bump.reason, bump.winner), (BumpReason::CheckedOutTwice, Some(winner)));
}

#[test]
fn a_check_out_beats_a_cancel_made_on_another_phone() {
    let mut fx = Fixture::new();
    let ladder = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Stege") });
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let b = olle.store.book(&g, &request(&ladder.id, at_hours(1), at_hours(5), 1)).unwrap();
    sync(&mut olle.store, &mut fx.store, &g);
    // Olle cancels on his phone while the steward hands the ladder over.
    olle.store.act_on_booking(&g, &b.id, BookingAction::Cancel).unwrap();
    fx.store.act_on_booking(&g, &b.id, BookingAction::CheckOut).unwrap();
    exchange_all(&mut [&mut olle.store, &mut fx.store], &g);
    for s in [&olle.store, &fx.store] {
        assert_eq!(s.booking(&g, &b.id).unwrap().state, BookingState::CheckedOut);
    }
    // It still comes back normally.
    olle.store.act_on_booking(&g, &b.id, BookingAction::Cancel).unwrap_err();
    fx.store.act_on_booking(&g, &b.id, BookingAction::Return).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    assert_eq!(olle.store.booking(&g, &b.id).unwrap().state, BookingState::Returned);
}

#[test]
fn retiring_an_item_bumps_its_bookings_but_not_gear_that_is_out() {
    let mut fx = Fixture::new();
    let press = fx.item_from(ItemDraft { rules: open_rules(), quantity: 2, ..ItemDraft::named("Äppelpress") });
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let out = fx.book(&press.id, 1, 4, 1).unwrap();
    fx.store.act_on_booking(&g, &out.id, BookingAction::CheckOut).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    // Olle books while the steward retires the press.
    let b = olle.store.book(&g, &request(&press.id, at_hours(30), at_hours(34), 1)).unwrap();
    fx.store.update_item(&g, &press.id, &ItemPatch { retired: Some(true), ..ItemPatch::default() }).unwrap();
    exchange_all(&mut [&mut olle.store, &mut fx.store], &g);
    let r = resolved(&fx.store, &g);
    assert_eq!(resolved(&olle.store, &g), r);
    assert_eq!(r[&out.id], (BookingState::CheckedOut, None));
    assert_eq!(r[&b.id].0, BookingState::Bumped);
    let bump = r[&b.id].1.clone().unwrap();
    assert_eq!((bump.reason, bump.winner), (BumpReason::ItemRetired, None));
    let notes = olle.store.notifications(&g, false).unwrap();
    let n = notes.iter().find(|n| n.booking.as_ref() == Some(&b.id)).expect("Olle is told");
    assert_eq!((n.kind, n.detail.reason), (NotificationKind::ItemOutOfService, Some(BumpReason::ItemRetired)));
}

#[test]
fn removing_a_member_bumps_what_they_hold_unless_it_is_out() {
    let mut fx = Fixture::new();
    let rules = open_rules();
    let saw = fx.item_from(ItemDraft { rules: rules.clone(), ..ItemDraft::named("Såg") });
    let drill = fx.item_from(ItemDraft { rules, ..ItemDraft::named("Borr") });
    let mut olle = fx.join("Olle", Role::Member);
    let mut anna = fx.join("Anna", Role::Steward);
    let g = fx.group.clone();
    let held = olle.store.book(&g, &request(&saw.id, at_hours(24), at_hours(30), 1)).unwrap();
    let out = olle.store.book(&g, &request(&drill.id, at_hours(1), at_hours(30), 1)).unwrap();
    sync(&mut olle.store, &mut fx.store, &g);
    fx.store.act_on_booking(&g, &out.id, BookingAction::CheckOut).unwrap();
    sync(&mut fx.store, &mut anna.store, &g);
    // Anna removes Olle while Olle, apart, books once more.
    anna.store.remove_member(&g, &olle.member).unwrap();
    fx.clock.advance(60_000);
    let late = olle.store.book(&g, &request(&saw.id, at_hours(48), at_hours(50), 1)).unwrap();
    exchange_all(&mut [&mut olle.store, &mut fx.store, &mut anna.store], &g);
    let r = resolved(&fx.store, &g);
    assert_eq!(resolved(&anna.store, &g), r);
    assert_eq!(resolved(&olle.store, &g), r);
    assert_eq!(r[&held.id].0, BookingState::Bumped);
    assert_eq!(r[&held.id].1.as_ref().map(|b| (b.reason, b.winner.clone())), Some((BumpReason::MemberRemoved, None)));
    // The booking Olle made once removed is no booking at all, on every device.
    assert!(!r.contains_key(&late.id));
    assert_eq!(r[&out.id], (BookingState::CheckedOut, None));
    // The saw is free again for others.
    assert_eq!(fx.store.availability(&g, &saw.id, at_hours(24), at_hours(50)).unwrap().free_units, 1);
    delbar_tests::assert_clean(&mut anna.store);
}

#[test]
fn stewards_are_asked_to_approve_requests() {
    let mut fx = Fixture::new();
    let rules = LoanRules { requires_approval: true, ..open_rules() };
    let trailer = fx.item_from(ItemDraft { rules, ..ItemDraft::named("Släpvagn") });
    let mut anna = fx.join("Anna", Role::Steward);
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let asked = olle.store.book(&g, &request(&trailer.id, at_hours(24), at_hours(28), 1)).unwrap();
    assert_eq!(asked.state, BookingState::Requested);
    assert!(kinds(&olle.store, &g).is_empty(), "a member is not asked to approve their own request");
    sync(&mut olle.store, &mut fx.store, &g);
    let notes = fx.store.notifications(&g, false).unwrap();
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert_eq!((notes[0].kind, notes[0].booking.as_ref()), (NotificationKind::ApprovalNeeded, Some(&asked.id)));
    assert_eq!(notes[0].detail.member_name.as_deref(), Some("Olle"));
    // The same store keeps it for the other steward too; merging again does not repeat it.
    let annas = fx.store.notifications_for(&g, &anna.member, false).unwrap();
    assert_eq!(annas.iter().map(|n| n.kind).collect::<Vec<_>>(), [NotificationKind::ApprovalNeeded]);
    sync(&mut olle.store, &mut fx.store, &g);
    assert_eq!(fx.store.notifications(&g, false).unwrap().len(), 1);
    // The steward confirms; Olle's phone tells him.
    fx.store.act_on_booking(&g, &asked.id, BookingAction::Confirm).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    assert_eq!(kinds(&olle.store, &g), [NotificationKind::BookingConfirmed]);
    sync(&mut fx.store, &mut anna.store, &g);
    delbar_tests::assert_clean(&mut anna.store);
}

#[test]
fn time_brings_due_tomorrow_then_overdue() {
    let mut fx = Fixture::new();
    let saw = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Motorsåg") });
    let g = fx.group.clone();
    let b = fx.book(&saw.id, 1, 30, 1).unwrap();
    fx.store.act_on_booking(&g, &b.id, BookingAction::CheckOut).unwrap();
    assert!(fx.store.tick().unwrap().is_empty(), "due in more than a day");
    fx.clock.set(at_hours(10));
    let due = fx.store.tick().unwrap();
    assert_eq!(
        due.iter().map(|n| (n.kind, n.booking.clone())).collect::<Vec<_>>(),
        [(NotificationKind::DueTomorrow, Some(b.id.clone()))]
    );
    assert!(fx.store.tick().unwrap().is_empty(), "told once");
    fx.clock.set(at_hours(31));
    let late = fx.store.tick().unwrap();
    assert_eq!(late.iter().map(|n| n.kind).collect::<Vec<_>>(), [NotificationKind::Overdue]);
    assert_eq!(kinds(&fx.store, &g), [NotificationKind::DueTomorrow, NotificationKind::Overdue]);
    fx.store.act_on_booking(&g, &b.id, BookingAction::Return).unwrap();
    fx.clock.set(at_hours(60));
    assert!(fx.store.tick().unwrap().is_empty(), "nothing once returned");
}

#[test]
fn gear_going_out_of_service_tells_borrowers() {
    let mut fx = Fixture::new();
    let rules = open_rules();
    let tiller = fx.item_from(ItemDraft { rules, quantity: 2, ..ItemDraft::named("Jordfräs") });
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let out = olle.store.book(&g, &request(&tiller.id, at_hours(1), at_hours(5), 1)).unwrap();
    let later = olle.store.book(&g, &request(&tiller.id, at_hours(24), at_hours(30), 1)).unwrap();
    sync(&mut olle.store, &mut fx.store, &g);
    fx.store.act_on_booking(&g, &out.id, BookingAction::CheckOut).unwrap();
    fx.store.log_maintenance(&g, &tiller.id, "motorn skär", Condition::OutOfService, None).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    let notes = olle.store.notifications(&g, false).unwrap();
    let about: Vec<_> = notes.iter().map(|n| (n.kind, n.booking.clone().unwrap())).collect();
    assert!(about.contains(&(NotificationKind::ItemOutOfService, out.id.clone())), "{about:?}");
    assert!(about.contains(&(NotificationKind::ItemOutOfService, later.id.clone())), "{about:?}");
    assert_eq!(olle.store.booking(&g, &out.id).unwrap().state, BookingState::CheckedOut);
    let bumped = olle.store.booking(&g, &later.id).unwrap();
    assert_eq!(bumped.bump.map(|b| b.reason), Some(BumpReason::ItemOutOfService));
    // Acknowledged notifications are no longer pending but still listed when asked.
    let ids: Vec<i64> = notes.iter().map(|n| n.id).collect();
    assert_eq!(olle.store.acknowledge(&ids).unwrap(), ids.len() as u32);
    assert!(olle.store.notifications(&g, false).unwrap().is_empty());
    let all = olle.store.notifications(&g, true).unwrap();
    assert_eq!(all.len(), ids.len());
    assert!(all.iter().all(|n| n.acknowledged));
    assert_eq!(olle.store.acknowledge(&ids).unwrap(), 0, "acknowledging twice changes nothing");
    assert_eq!(olle.store.acknowledge(&[i64::MAX]).unwrap(), 0, "unknown ids are ignored");
}

#[derive(Default)]
struct Collect(std::sync::Mutex<Vec<delbar_core::store::Notification>>);

impl delbar_core::store::NotificationListener for Collect {
    fn on_notification(&self, n: &delbar_core::store::Notification) {
        self.0.lock().unwrap().push(n.clone());
    }
}

#[test]
fn the_listener_receives_what_is_stored() {
    let mut fx = Fixture::new();
    let rules = LoanRules { requires_approval: true, ..open_rules() };
    let trailer = fx.item_from(ItemDraft { rules, ..ItemDraft::named("Släpvagn") });
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let heard = std::sync::Arc::new(Collect::default());
    olle.store.set_listener(Some(heard.clone()));
    let asked = olle.store.book(&g, &request(&trailer.id, at_hours(24), at_hours(28), 1)).unwrap();
    sync(&mut olle.store, &mut fx.store, &g);
    fx.store.act_on_booking(&g, &asked.id, BookingAction::Confirm).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    // The listener hears every notification the store records, whoever it is for (here
    // also the stewards' approval request); those for Olle are his pending ones.
    let got = heard.0.lock().unwrap().clone();
    assert_eq!(
        got.iter().map(|n| n.kind).collect::<Vec<_>>(),
        [NotificationKind::ApprovalNeeded, NotificationKind::BookingConfirmed]
    );
    assert_eq!(got[0].member, fx.me);
    let mine: Vec<_> = got.into_iter().filter(|n| n.member == olle.member).collect();
    assert_eq!(mine, olle.store.notifications(&g, false).unwrap());
    // Without a listener nothing is delivered, but it is still stored.
    olle.store.set_listener(None);
    let b = olle.store.book(&g, &request(&trailer.id, at_hours(40), at_hours(44), 1)).unwrap();
    sync(&mut olle.store, &mut fx.store, &g);
    fx.store.act_on_booking(&g, &b.id, BookingAction::Decline).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    assert_eq!(heard.0.lock().unwrap().len(), 2);
    assert_eq!(kinds(&olle.store, &g), [NotificationKind::BookingConfirmed, NotificationKind::BookingDeclined]);
}

#[test]
fn lowering_an_items_quantity_bumps_the_latest_booking() {
    let mut fx = Fixture::new();
    let ladders = fx.item_from(ItemDraft { rules: open_rules(), quantity: 2, ..ItemDraft::named("Stegar") });
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let a = fx.book(&ladders.id, 24, 30, 1).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    let b = olle.store.book(&g, &request(&ladders.id, at_hours(26), at_hours(28), 1)).unwrap();
    sync(&mut olle.store, &mut fx.store, &g);
    // One ladder broke for good: the quantity goes down while both are booked.
    fx.store.update_item(&g, &ladders.id, &ItemPatch { quantity: Some(1), ..ItemPatch::default() }).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    for s in [&fx.store, &olle.store] {
        let r = resolved(s, &g);
        assert_eq!(r[&a.id], (BookingState::Confirmed, None));
        let bump = r[&b.id].1.clone().unwrap();
        assert_eq!((bump.reason, bump.winner), (BumpReason::Overbooked, Some(a.id.clone())));
    }
    assert!(kinds(&olle.store, &g).contains(&NotificationKind::Bumped));
    fx.assert_clean();
}

#[test]
fn a_new_members_booking_arriving_with_their_membership_is_not_bumped_on_the_way() {
    // Anna adds Olle on her phone; Olle books; the steward's laptop receives Olle's
    // membership and booking in one exchange.
    let mut fx = Fixture::new();
    let saw = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Såg") });
    let mut anna = fx.join("Anna", Role::Steward);
    let g = fx.group.clone();
    let dir = tempfile::tempdir().unwrap();
    let mut olles = delbar_tests::open_store(&dir.path().join("olle.db"), &fx.clock);
    let olle = anna.store.add_member(&g, "Olle", Role::Member, Some((olles.device_id().clone(), "telefon"))).unwrap();
    sync(&mut anna.store, &mut olles, &g);
    let b = olles.book(&g, &request(&saw.id, at_hours(24), at_hours(30), 1)).unwrap();
    let heard = std::sync::Arc::new(Collect::default());
    fx.store.set_listener(Some(heard.clone()));
    sync(&mut olles, &mut fx.store, &g);
    assert_eq!(resolved(&fx.store, &g)[&b.id], (BookingState::Confirmed, None));
    let told = fx.store.notifications_for(&g, &olle.id, true).unwrap();
    assert!(told.is_empty(), "Olle was told of a conflict that never was: {told:#?}");
    assert!(heard.0.lock().unwrap().is_empty());
}

#[test]
fn the_suggested_window_fits_every_unit_the_bumped_booking_asked_for() {
    let mut fx = Fixture::new();
    let ladders = fx.item_from(ItemDraft { rules: open_rules(), quantity: 2, ..ItemDraft::named("Stegar") });
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    // Apart: the steward hands out one ladder; Olle books both for the same hours.
    let out = fx.book(&ladders.id, 1, 6, 1).unwrap();
    fx.store.act_on_booking(&g, &out.id, BookingAction::CheckOut).unwrap();
    let both = olle.store.book(&g, &request(&ladders.id, at_hours(2), at_hours(5), 2)).unwrap();
    exchange_all(&mut [&mut fx.store, &mut olle.store], &g);
    assert_eq!(olle.store.booking(&g, &both.id).unwrap().state, BookingState::Bumped);
    let notes = olle.store.notifications(&g, false).unwrap();
    let n = notes.iter().find(|n| n.kind == NotificationKind::Bumped).expect("Olle is told");
    let (s, e) = (n.detail.suggested_start.unwrap(), n.detail.suggested_end.unwrap());
    let free = olle.store.availability(&g, &ladders.id, s, e).unwrap().free_units;
    assert!(free >= 2, "suggested {s}..{e} has {free} free unit(s); 2 were asked");
}
