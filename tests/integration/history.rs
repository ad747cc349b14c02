//! The activity history: every operation makes exactly one entry; lists per group, item and
//! member, newest first, and pages that cover every entry exactly once.

use std::collections::BTreeSet;

use delbar_core::domain::{ActivityAction as A, ActivityEntry, BookingAction, Condition, ItemPatch, Role};
use delbar_core::ids::DeviceId;
use delbar_core::store::ActivityFilter;
use delbar_core::time::MINUTE_MS;
use delbar_tests::{Fixture, all_activity, at_hours, request};

/// Runs one operation of each kind, a minute apart; returns the fixture and the actions in
/// the order they were made.
fn busy_group() -> (Fixture, Vec<A>, delbar_core::ids::ItemId, delbar_core::ids::MemberId) {
    let mut fx = Fixture::new();
    let g = fx.group.clone();
    let mut done = vec![A::GroupCreated];
    let tick = |fx: &mut Fixture, a: A, done: &mut Vec<A>| {
        fx.clock.advance(MINUTE_MS);
        done.push(a);
    };
    tick(&mut fx, A::GroupEdited, &mut done);
    fx.store.update_group(&g, None, Some("Verktyg och maskiner"), Some(48)).unwrap();
    tick(&mut fx, A::MemberAdded, &mut done);
    let olle = fx.store.add_member(&g, "Olle", Role::Member, None).unwrap();
    tick(&mut fx, A::DeviceAdded, &mut done);
    fx.store.add_device(&g, &olle.id, &DeviceId::from_public_key(&[7; 32]), "Olles telefon").unwrap();
    tick(&mut fx, A::ItemAdded, &mut done);
    let saw = fx.store.add_item(&g, delbar_core::domain::ItemDraft::named("Motorsåg")).unwrap();
    tick(&mut fx, A::ItemAdded, &mut done);
    fx.store.add_item(&g, delbar_core::domain::ItemDraft::named("Stege")).unwrap();
    tick(&mut fx, A::ItemEdited, &mut done);
    fx.store.update_item(&g, &saw.id, &ItemPatch { quantity: Some(2), ..ItemPatch::default() }).unwrap();
    tick(&mut fx, A::MaintenanceLogged, &mut done);
    fx.store.log_maintenance(&g, &saw.id, "ny kedja", Condition::Good, None).unwrap();
    tick(&mut fx, A::BookingRequested, &mut done);
    let mut r = request(&saw.id, at_hours(24), at_hours(30), 1);
    r.for_member = Some(olle.id.clone());
    let b = fx.store.book(&g, &r).unwrap();
    for (action, entry) in
        [(BookingAction::CheckOut, A::BookingCheckedOut), (BookingAction::Return, A::BookingReturned)]
    {
        tick(&mut fx, entry, &mut done);
        fx.store.act_on_booking(&g, &b.id, action).unwrap();
    }
    tick(&mut fx, A::BookingRequested, &mut done);
    let b2 = fx.store.book(&g, &request(&saw.id, at_hours(40), at_hours(42), 1)).unwrap();
    tick(&mut fx, A::BookingCancelled, &mut done);
    fx.store.act_on_booking(&g, &b2.id, BookingAction::Cancel).unwrap();
    tick(&mut fx, A::MemberRoleChanged, &mut done);
    fx.store.set_role(&g, &olle.id, Role::Steward).unwrap();
    tick(&mut fx, A::MemberRemoved, &mut done);
    fx.store.remove_member(&g, &olle.id).unwrap();
    tick(&mut fx, A::ItemRetired, &mut done);
    fx.store.update_item(&g, &saw.id, &ItemPatch { retired: Some(true), ..ItemPatch::default() }).unwrap();
    (fx, done, saw.id, olle.id)
}

fn actions(entries: &[ActivityEntry]) -> Vec<A> {
    entries.iter().map(|e| e.action).collect()
}

#[test]
fn every_operation_makes_one_entry_newest_first() {
    let (mut fx, done, _, _) = busy_group();
    let all = all_activity(&fx.store, &fx.group, &ActivityFilter::default(), 1000);
    let mut expected = done.clone();
    expected.reverse();
    assert_eq!(actions(&all), expected);
    assert!(all.windows(2).all(|w| w[0].at > w[1].at));
    assert!(all.iter().all(|e| e.actor == fx.me && &e.device == fx.store.device_id()));
    assert!(all.iter().all(|e| !e.summary.is_empty()));
    // A no-op edit and a refused operation add nothing.
    let g = fx.group.clone();
    let item = all.iter().find_map(|e| e.item.clone()).unwrap();
    fx.store.update_item(&g, &item, &ItemPatch::default()).unwrap();
    assert!(fx.book(&item, -5, -4, 1).is_err());
    assert_eq!(all_activity(&fx.store, &g, &ActivityFilter::default(), 1000), all);
    fx.reopen();
    assert_eq!(all_activity(&fx.store, &g, &ActivityFilter::default(), 1000), all);
    fx.assert_clean();
}

#[test]
fn history_per_item_and_per_member() {
    let (fx, _, saw, olle) = busy_group();
    let g = &fx.group;
    let of_saw = all_activity(&fx.store, g, &ActivityFilter { item: Some(saw.clone()), member: None }, 1000);
    assert_eq!(
        actions(&of_saw),
        [
            A::ItemRetired,
            A::BookingCancelled,
            A::BookingRequested,
            A::BookingReturned,
            A::BookingCheckedOut,
            A::BookingRequested,
            A::MaintenanceLogged,
            A::ItemEdited,
            A::ItemAdded
        ]
    );
    assert!(of_saw.iter().all(|e| e.item.as_ref() == Some(&saw)));
    // Olle acted on nothing; he is the subject of his membership and of the loan to him.
    let of_olle = all_activity(&fx.store, g, &ActivityFilter { item: None, member: Some(olle.clone()) }, 1000);
    assert_eq!(
        actions(&of_olle),
        [
            A::MemberRemoved,
            A::MemberRoleChanged,
            A::BookingReturned,
            A::BookingCheckedOut,
            A::BookingRequested,
            A::DeviceAdded,
            A::MemberAdded
        ]
    );
    // The steward is actor of everything.
    let of_me = all_activity(&fx.store, g, &ActivityFilter { item: None, member: Some(fx.me.clone()) }, 1000);
    assert_eq!(of_me, all_activity(&fx.store, g, &ActivityFilter::default(), 1000));
}

/// Pages of every size cover the history exactly once, in order.
fn assert_pages_cover(fx: &Fixture, filter: &ActivityFilter) {
    let whole = all_activity(&fx.store, &fx.group, filter, 10_000);
    for size in [1, 2, 3, 5, 7, 100] {
        let mut seen = Vec::new();
        let mut before: Option<String> = None;
        let mut pages = 0;
        loop {
            let page = fx.store.activity(&fx.group, filter, before.as_deref(), size).unwrap();
            pages += 1;
            assert!(page.entries.len() <= size as usize);
            seen.extend(page.entries.iter().map(|e| e.id.clone()));
            match page.next {
                Some(n) => {
                    assert_eq!(page.entries.len(), size as usize, "a page before the last is full");
                    before = Some(n);
                }
                None => break,
            }
        }
        let ids: Vec<_> = whole.iter().map(|e| e.id.clone()).collect();
        assert_eq!(seen, ids, "page size {size}");
        assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), seen.len());
        assert!(pages >= whole.len().div_ceil(size as usize));
    }
}

#[test]
fn pages_cover_every_entry_exactly_once() {
    let (fx, _, saw, olle) = busy_group();
    assert_pages_cover(&fx, &ActivityFilter::default());
    assert_pages_cover(&fx, &ActivityFilter { item: Some(saw), member: None });
    assert_pages_cover(&fx, &ActivityFilter { item: None, member: Some(olle) });
}

#[test]
fn pages_cover_entries_made_in_the_same_millisecond() {
    // The clock stands still: every entry has the same instant, ties broken by id.
    let mut fx = Fixture::new();
    for n in 0..12 {
        let item = fx.item(&format!("Spade {n}"), 2);
        fx.book(&item.id, 24, 26, 1).unwrap();
    }
    let all = all_activity(&fx.store, &fx.group, &ActivityFilter::default(), 10_000);
    assert_eq!(all.len(), 25);
    assert_pages_cover(&fx, &ActivityFilter::default());
    assert_pages_cover(&fx, &ActivityFilter { item: None, member: Some(fx.me.clone()) });
}

#[test]
fn history_spans_months_in_order() {
    // Entries fall in monthly documents; the history reads across them.
    let mut fx = Fixture::new();
    fx.clock.advance(MINUTE_MS);
    let item = fx.item("Snöslunga", 1);
    for month in 0..4 {
        fx.clock.advance(31 * 24 * 60 * MINUTE_MS);
        let g = fx.group.clone();
        fx.store
            .update_item(
                &g,
                &item.id,
                &ItemPatch { description: Some(format!("Säsong {month}")), ..ItemPatch::default() },
            )
            .unwrap();
    }
    let all = all_activity(&fx.store, &fx.group, &ActivityFilter::default(), 2);
    assert_eq!(
        actions(&all),
        [A::ItemEdited, A::ItemEdited, A::ItemEdited, A::ItemEdited, A::ItemAdded, A::GroupCreated]
    );
    assert!(all.windows(2).all(|w| w[0].at > w[1].at));
    let months: BTreeSet<_> = all.iter().map(|e| e.at.year_month()).collect();
    assert_eq!(months.len(), 5);
    // An item's history is read month by month (newest first), across months where the
    // item has nothing: another item's entries two months later.
    fx.clock.advance(62 * 24 * 60 * MINUTE_MS);
    fx.item("Vedklyv", 1);
    let of_item = ActivityFilter { item: Some(item.id.clone()), member: None };
    let of_snow = all_activity(&fx.store, &fx.group, &of_item, 2);
    assert_eq!(actions(&of_snow), [A::ItemEdited, A::ItemEdited, A::ItemEdited, A::ItemEdited, A::ItemAdded]);
    assert!(of_snow.windows(2).all(|w| w[0].at > w[1].at));
    assert_pages_cover(&fx, &of_item);
    fx.assert_clean();
}

/// A booking action is one change of one document: the booking's month, which keeps the
/// entry about the action beside the booking; the month's activity document does not
/// change. A member's device receives the entry with the booking.
#[test]
fn a_booking_action_changes_only_the_bookings_document() {
    use delbar_core::docs::{DocKey, EntityRef, all_entities};
    use std::collections::BTreeMap;

    let mut fx = Fixture::new();
    let g = fx.group.clone();
    let saw = fx.item("Motorsåg", 1);
    let documents = |fx: &mut Fixture| -> BTreeMap<String, Vec<u8>> {
        fx.store.export_group(&g).unwrap().into_iter().map(|d| (d.key, d.data)).collect()
    };
    let before = documents(&mut fx);
    // Forty days ahead: a month whose booking document does not exist yet.
    let booking = fx.book(&saw.id, 40 * 24, 40 * 24 + 2, 1).unwrap();
    fx.clock.advance(MINUTE_MS);
    fx.store.act_on_booking(&g, &booking.id, BookingAction::Cancel).unwrap();
    let after = documents(&mut fx);
    let key = DocKey::bookings_at(booking.start);
    let changed: Vec<&String> =
        after.iter().filter(|(k, data)| before.get(*k) != Some(*data)).map(|(k, _)| k).collect();
    assert_eq!(changed, [&key.to_string()]);

    let entries = all_activity(&fx.store, &g, &ActivityFilter::default(), 100);
    assert_eq!(actions(&entries[..2]), [A::BookingCancelled, A::BookingRequested]);
    assert!(entries[..2].iter().all(|e| e.booking.as_ref() == Some(&booking.id)));
    let doc = automerge::AutoCommit::load(&after[&key.to_string()]).unwrap();
    let held: BTreeSet<EntityRef> = all_entities(&doc, &key).unwrap().into_iter().collect();
    let expected: BTreeSet<EntityRef> = [EntityRef::Booking(booking.id.clone())]
        .into_iter()
        .chain(entries[..2].iter().map(|e| EntityRef::Activity(e.id.clone())))
        .collect();
    assert_eq!(held, expected);

    let mut olle = fx.join("Olle", Role::Member);
    let of_saw = ActivityFilter { item: Some(saw.id.clone()), member: None };
    assert_eq!(all_activity(&olle.store, &g, &of_saw, 100), all_activity(&fx.store, &g, &of_saw, 100));
    let all = all_activity(&fx.store, &g, &ActivityFilter::default(), 100);
    fx.reopen();
    assert_eq!(all_activity(&fx.store, &g, &ActivityFilter::default(), 100), all);
    fx.assert_clean();
    delbar_tests::assert_clean(&mut olle.store);
}

/// When a member's standing changes, what they wrote is judged again where it lives: the
/// entry about their booking, kept beside the booking, stays in the history.
#[test]
fn entries_beside_a_members_bookings_stay_when_their_role_changes() {
    let mut fx = Fixture::new();
    let g = fx.group.clone();
    let saw = fx.item("Motorsåg", 1);
    let mut olle = fx.join("Olle", Role::Member);
    let booking = olle.store.book(&g, &request(&saw.id, at_hours(24), at_hours(26), 1)).unwrap();
    delbar_tests::sync(&mut olle.store, &mut fx.store, &g);
    let about_it = |fx: &Fixture| -> Vec<ActivityEntry> {
        all_activity(&fx.store, &g, &ActivityFilter::default(), 100)
            .into_iter()
            .filter(|e| e.booking.as_ref() == Some(&booking.id))
            .collect()
    };
    let before = about_it(&fx);
    assert_eq!(actions(&before), [A::BookingRequested]);
    assert_eq!(before[0].actor, olle.member);
    fx.clock.advance(MINUTE_MS);
    fx.store.set_role(&g, &olle.member, Role::Steward).unwrap();
    fx.clock.advance(MINUTE_MS);
    fx.store.remove_member(&g, &olle.member).unwrap();
    assert_eq!(about_it(&fx), before);
    fx.reopen();
    assert_eq!(about_it(&fx), before);
    fx.assert_clean();
}
