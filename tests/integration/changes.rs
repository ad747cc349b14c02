//! Change events: each committed write and each merge names the groups, items, members and
//! bookings it changed; nothing is published for a refused write or while nobody listens.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use delbar_core::domain::{BookingState, ItemDraft, ItemPatch, Role};
use delbar_core::feed::Subscriber;
use delbar_core::ids::ItemId;
use delbar_core::store::{ChangeEvent, ChangeOrigin};
use delbar_tests::{Fixture, at_hours, open_rules, request, session, sync};

/// Collects the events it hears.
#[derive(Default)]
struct Heard {
    events: Mutex<Vec<ChangeEvent>>,
    ended: Mutex<bool>,
}

impl Subscriber<ChangeEvent> for Heard {
    fn on_event(&self, event: &ChangeEvent) {
        self.events.lock().unwrap().push(event.clone());
    }
    fn on_end(&self) {
        *self.ended.lock().unwrap() = true;
    }
}

impl Heard {
    fn take(&self) -> Vec<ChangeEvent> {
        std::mem::take(&mut *self.events.lock().unwrap())
    }
}

fn set<T: Ord + Clone>(items: &[&T]) -> BTreeSet<T> {
    items.iter().map(|t| (*t).clone()).collect()
}

#[test]
fn a_local_write_names_what_it_changed() {
    let mut fx = Fixture::new();
    let feed = fx.store.changes();
    let heard = Arc::new(Heard::default());
    let _sub = feed.subscribe(heard.clone());

    let tiller = fx.item("Jordfräs", 1);
    assert!(heard.take().is_empty(), "queued until the owner flushes");
    feed.flush();
    let events = heard.take();
    assert_eq!(events.len(), 1, "{events:#?}");
    let e = &events[0];
    assert_eq!((&e.group, e.origin), (&fx.group, ChangeOrigin::Local));
    assert_eq!(e.items, set(&[&tiller.id]));
    assert!(e.bookings.is_empty() && e.members.is_empty() && !e.group_changed);
    assert!(e.activity, "adding an item is logged");

    let b = fx.book(&tiller.id, 24, 30, 1).unwrap();
    feed.flush();
    let events = heard.take();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].bookings, set(&[&b.id]));
    assert_eq!(events[0].booked_items, set(&[&tiller.id]), "the booked item's availability changed");
    assert!(events[0].items.is_empty(), "the item's own record did not change");

    let bo = fx.store.add_member(&fx.group, "Bo", Role::Member, None).unwrap();
    fx.store.update_group(&fx.group, Some("Odlingsakademin Ale"), None, None).unwrap();
    feed.flush();
    let events = heard.take();
    assert_eq!(events.len(), 1, "two writes before a flush reach a subscriber as one event");
    // A change of the roster re-projects the whole catalogue, so the event may list more
    // than Bo (never less).
    assert!(events[0].members.contains(&bo.id), "{:#?}", events[0]);
    assert!(events[0].group_changed);
}

#[test]
fn a_refused_write_and_a_write_nobody_hears_publish_nothing() {
    let mut fx = Fixture::new();
    let tiller = fx.item("Jordfräs", 1);
    let feed = fx.store.changes();
    // Written with no subscriber: nothing is kept for a later one.
    fx.book(&tiller.id, 24, 30, 1).unwrap();
    let heard = Arc::new(Heard::default());
    let sub = feed.subscribe(heard.clone());
    feed.flush();
    assert!(heard.take().is_empty());
    // Refused: the unit is taken.
    assert!(fx.book(&tiller.id, 25, 26, 1).is_err());
    assert!(fx.store.update_item(&fx.group, &ItemId::generate(), &ItemPatch::default()).is_err());
    feed.flush();
    assert!(heard.take().is_empty(), "a refused write changed nothing");
    // Cancelled: the next write is not heard.
    sub.cancel();
    fx.item("Såmaskin", 2);
    feed.flush();
    assert!(heard.take().is_empty());
    assert_eq!(feed.subscribers(), 0);
}

#[test]
fn a_merge_names_the_bookings_it_resolved_on_the_receiving_device() {
    let mut fx = Fixture::new();
    let tiller = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Jordfräs") });
    let mut olle = fx.join("Olle", Role::Member);
    let mut eva = fx.join("Eva", Role::Member);
    let g = fx.group.clone();
    // Apart, both book the last unit for overlapping days.
    let o = olle.store.book(&g, &request(&tiller.id, at_hours(24), at_hours(72), 1)).unwrap();
    let e = eva.store.book(&g, &request(&tiller.id, at_hours(48), at_hours(96), 1)).unwrap();
    // Olle's device learns of Eva's (she joined after him).
    sync(&mut fx.store, &mut olle.store, &g);

    let feed = olle.store.changes();
    let heard = Arc::new(Heard::default());
    let _sub = feed.subscribe(heard.clone());
    // Olle's device receives Eva's booking in a sync session.
    session(&mut eva.store, &mut olle.store, &g).unwrap();
    feed.flush();
    let events = heard.take();
    assert_eq!(events.len(), 1, "one event for the whole merge: {events:#?}");
    let ev = &events[0];
    assert_eq!((&ev.group, ev.origin), (&g, ChangeOrigin::Merged));
    // Eva's booking arrived; whichever loses, both bookings' resolution was looked at and
    // the loser's state changed.
    let loser = [&o, &e]
        .into_iter()
        .find(|b| olle.store.booking(&g, &b.id).unwrap().state == BookingState::Bumped)
        .expect("one of the two is bumped");
    assert!(ev.bookings.contains(&e.id), "the booking that arrived: {ev:#?}");
    assert!(ev.bookings.contains(&loser.id), "the booking bumped by it: {ev:#?}");
    assert_eq!(ev.booked_items, set(&[&tiller.id]));
    assert!(ev.items.is_empty() && ev.members.is_empty());

    // A merge that brings nothing new publishes nothing.
    sync(&mut eva.store, &mut olle.store, &g);
    feed.flush();
    assert!(heard.take().is_empty());

    // A steward's change to an item reaches Olle's device as that item's change.
    fx.store
        .update_item(&g, &tiller.id, &ItemPatch { name: Some("Jordfräs Honda".into()), ..ItemPatch::default() })
        .unwrap();
    // Carried by a bundle this time.
    let bundle = delbar_core::sync::export_bundle(&fx.store, &g, None).unwrap();
    delbar_core::sync::import_bundle(&mut olle.store, &g, &bundle).unwrap();
    feed.flush();
    let events = heard.take();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert!(events[0].items.contains(&tiller.id), "{:#?}", events[0]);
    assert_eq!(events[0].origin, ChangeOrigin::Merged);
}

#[test]
fn closing_the_feed_ends_every_subscription() {
    let mut fx = Fixture::new();
    let feed = fx.store.changes();
    let (a, b) = (Arc::new(Heard::default()), Arc::new(Heard::default()));
    let sa = feed.subscribe(a.clone());
    let _sb = feed.subscribe(b.clone());
    fx.item("Jordfräs", 1);
    feed.close();
    fx.item("Såmaskin", 1);
    feed.flush();
    sa.cancel();
    for heard in [&a, &b] {
        assert!(heard.take().is_empty(), "nothing after close, not even what was queued");
        assert!(*heard.ended.lock().unwrap(), "told once that the feed ended");
    }
    assert!(!feed.is_watched(), "the store builds no more events");
}
