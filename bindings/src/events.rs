//! Reactive data: subscriptions to a store's change events, notifications and sync events,
//! any number of each, every one a [`Subscription`] the app cancels.
//!
//! `DelbarStore.events()` hands out a [`DelbarEvents`] object. It holds only the store's
//! feeds (core `feed::Feed`), not the store, so subscribing and cancelling never touch the
//! store object: after the store is closed they still work (a subscription made then ends at
//! once) and never throw. Closing the store (Kotlin `close()`, Swift releasing it) ends every
//! subscription: each observer hears `onEnd` once, then nothing more.
//!
//! Observers are called after the store call that caused the event has released the store,
//! on that call's thread (a write's caller, a sync service thread, the thread of a merge
//! call), so they may call the store back; post to the UI thread yourself. Kotlin `Flow`s and
//! Swift `AsyncSequence`s are built over these in a few lines (see `bindings/README.md` and
//! the Android library's `DelbarFlows`).

use std::sync::Arc;

use delbar_core::feed::{Feed, Subscriber};
use delbar_core::net;
use delbar_core::store::{self as core, ChangeOrigin as CoreOrigin};

use crate::records::{Notification, SyncEvent};
use crate::store::DelbarStore;

/// Where the changes of a [`ChangeEvent`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChangeOrigin {
    /// A write made on this device.
    Local,
    /// Changes merged from another device (a sync session, a bundle, a pipe).
    Merged,
}

/// What a write or a merge changed in one group, by id: re-read what a screen shows when
/// one of its ids is here. Events may list more than changed (a change of the roster
/// lists the whole catalogue), never less.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChangeEvent {
    /// The group.
    pub group_id: String,
    /// Where the changes came from.
    pub origin: ChangeOrigin,
    /// The group's own record changed (name, description, rules, sync settings).
    pub group_changed: bool,
    /// Members added or changed.
    pub member_ids: Vec<String>,
    /// Items added or changed (details, condition, retirement, photos, maintenance).
    pub item_ids: Vec<String>,
    /// Bookings added or changed, including those whose state changed because of another
    /// booking (bumped, promoted from a waitlist).
    pub booking_ids: Vec<String>,
    /// The items of those bookings: their availability may have changed.
    pub booked_item_ids: Vec<String>,
    /// Activity entries were added.
    pub activity: bool,
}

impl From<&core::ChangeEvent> for ChangeEvent {
    fn from(e: &core::ChangeEvent) -> Self {
        let ids = |set: &std::collections::BTreeSet<_>| set.iter().map(ToString::to_string).collect();
        ChangeEvent {
            group_id: e.group.to_string(),
            origin: match e.origin {
                CoreOrigin::Local => ChangeOrigin::Local,
                CoreOrigin::Merged => ChangeOrigin::Merged,
            },
            group_changed: e.group_changed,
            member_ids: e.members.iter().map(ToString::to_string).collect(),
            item_ids: ids(&e.items),
            booking_ids: e.bookings.iter().map(ToString::to_string).collect(),
            booked_item_ids: ids(&e.booked_items),
            activity: e.activity,
        }
    }
}

/// Hears a store's change events. Implement it in Kotlin or Swift and pass it to
/// `DelbarEvents.subscribeChanges`.
#[uniffi::export(with_foreign)]
pub trait ChangeObserver: Send + Sync {
    /// Called once for each change event, in order.
    fn on_change(&self, event: ChangeEvent);
    /// Called once when the store is closed while subscribed (or at once, subscribing to a
    /// closed store's events); nothing is called after it. Not called after `cancel`.
    fn on_end(&self);
}

/// Hears every notification the store creates (for any member: compare `memberId`).
/// Implement it in Kotlin or Swift and pass it to `DelbarEvents.subscribeNotifications`.
#[uniffi::export(with_foreign)]
pub trait NotificationObserver: Send + Sync {
    /// Called once for each new notification, in order.
    fn on_notification(&self, notification: Notification);
    /// Called once when the store is closed while subscribed (see `ChangeObserver.onEnd`).
    fn on_end(&self);
}

/// Hears the sync service's events: sessions started, progress, completed, refused,
/// failed, each with its peer and group. Implement it in Kotlin or Swift and pass it to
/// `DelbarEvents.subscribeSyncEvents`.
#[uniffi::export(with_foreign)]
pub trait SyncObserver: Send + Sync {
    /// Called once for each event, in order within a session.
    fn on_sync_event(&self, event: SyncEvent);
    /// Called once when the store is closed while subscribed (see `ChangeObserver.onEnd`).
    fn on_end(&self);
}

/// One observer's subscription: keep it while the observer should hear events, and
/// `cancel()` it when done (releasing it cancels it too). Once `cancel()` returns, the
/// observer is not called again: a call under way on another thread is waited for, so an
/// observer must not itself wait for a thread that cancels (post to it instead, as a
/// `trySend` or a `yield` does). Cancelling twice, or after the store was closed, does
/// nothing.
#[derive(Debug, uniffi::Object)]
pub struct Subscription {
    inner: delbar_core::feed::Subscription,
}

#[uniffi::export]
impl Subscription {
    /// Stops delivery to this subscription's observer (idempotent, never throws).
    pub fn cancel(&self) {
        self.inner.cancel();
    }

    /// Whether the observer still hears events: not cancelled, store not closed.
    pub fn is_active(&self) -> bool {
        self.inner.is_active()
    }
}

/// A store's event streams, to subscribe to any number of times. Holds no reference to the
/// store: it keeps working (ended) after the store is closed.
#[derive(Debug, uniffi::Object)]
pub struct DelbarEvents {
    changes: Feed<core::ChangeEvent>,
    notifications: Feed<core::Notification>,
    sync: Feed<net::SyncEvent>,
}

struct Changes(Arc<dyn ChangeObserver>);

impl Subscriber<core::ChangeEvent> for Changes {
    fn on_event(&self, event: &core::ChangeEvent) {
        self.0.on_change(event.into());
    }
    fn on_end(&self) {
        self.0.on_end();
    }
}

struct Notifications(Arc<dyn NotificationObserver>);

impl Subscriber<core::Notification> for Notifications {
    fn on_event(&self, n: &core::Notification) {
        self.0.on_notification(n.clone().into());
    }
    fn on_end(&self) {
        self.0.on_end();
    }
}

struct SyncEvents(Arc<dyn SyncObserver>);

impl Subscriber<net::SyncEvent> for SyncEvents {
    fn on_event(&self, event: &net::SyncEvent) {
        self.0.on_sync_event(event.into());
    }
    fn on_end(&self) {
        self.0.on_end();
    }
}

#[uniffi::export]
impl DelbarEvents {
    /// Subscribes to change events: after every write on this device and every merge of
    /// changes from another, what changed in which group. Events from before subscribing
    /// are not replayed.
    pub fn subscribe_changes(&self, observer: Arc<dyn ChangeObserver>) -> Arc<Subscription> {
        Arc::new(Subscription { inner: self.changes.subscribe(Arc::new(Changes(observer))) })
    }

    /// Subscribes to notifications as the store creates them (after local writes, merges
    /// and `tick`). Pending ones from before stay listed by `notifications(groupId)`.
    pub fn subscribe_notifications(&self, observer: Arc<dyn NotificationObserver>) -> Arc<Subscription> {
        Arc::new(Subscription { inner: self.notifications.subscribe(Arc::new(Notifications(observer))) })
    }

    /// Subscribes to the sync service's events (while it runs; across restarts of the
    /// service).
    pub fn subscribe_sync_events(&self, observer: Arc<dyn SyncObserver>) -> Arc<Subscription> {
        Arc::new(Subscription { inner: self.sync.subscribe(Arc::new(SyncEvents(observer))) })
    }

    /// Whether the store was closed (every subscription has ended).
    pub fn is_closed(&self) -> bool {
        self.changes.is_closed()
    }
}

#[uniffi::export]
impl DelbarStore {
    /// The store's event streams (change events, notifications, sync events), for any
    /// number of subscribers. Get it once, while the store is open; it stays usable after
    /// `close()` (subscriptions then end at once).
    pub fn events(&self) -> Arc<DelbarEvents> {
        Arc::new(DelbarEvents {
            changes: self.delivery.changes.clone(),
            notifications: self.delivery.notifications.clone(),
            sync: self.delivery.sync.clone(),
        })
    }
}

impl Drop for DelbarStore {
    /// Closing the store ends every subscription to its events.
    fn drop(&mut self) {
        self.delivery.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    use crate::item_draft;
    use crate::records::{NewBooking, Timestamp};
    use crate::tests::wait;

    #[derive(Default)]
    struct Log {
        changes: Mutex<Vec<ChangeEvent>>,
        ends: Mutex<u32>,
    }

    impl ChangeObserver for Log {
        fn on_change(&self, event: ChangeEvent) {
            self.changes.lock().unwrap().push(event);
        }
        fn on_end(&self) {
            *self.ends.lock().unwrap() += 1;
        }
    }

    fn open(dir: &tempfile::TempDir) -> Arc<DelbarStore> {
        wait(DelbarStore::open(dir.path().join("events.db").display().to_string())).unwrap()
    }

    #[test]
    fn observers_hear_writes_and_end_when_the_store_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir);
        let events = store.events();
        let (a, b) = (Arc::new(Log::default()), Arc::new(Log::default()));
        let sa = events.subscribe_changes(a.clone());
        let sb = events.subscribe_changes(b.clone());
        let gid = wait(store.clone().create_group("Odlingsakademin".into(), String::new(), "Karin".into())).unwrap().id;
        let item = wait(store.clone().add_item(gid.clone(), item_draft("Jordfräs".into()))).unwrap();
        let heard = a.changes.lock().unwrap().last().cloned().unwrap();
        assert_eq!(heard.item_ids, vec![item.id.clone()]);
        assert_eq!((heard.group_id.as_str(), heard.origin), (gid.as_str(), ChangeOrigin::Local));
        assert_eq!(*b.changes.lock().unwrap(), *a.changes.lock().unwrap());

        sb.cancel();
        let start = store.now().unwrap().0 + 48 * 3_600_000;
        let booking = wait(store.clone().book(
            gid.clone(),
            NewBooking {
                item_id: item.id.clone(),
                units: 1,
                start: Timestamp(start),
                end: Timestamp(start + 3_600_000),
                note: String::new(),
                for_member_id: None,
            },
        ))
        .unwrap();
        let heard = a.changes.lock().unwrap().last().cloned().unwrap();
        assert_eq!(heard.booking_ids, vec![booking.id.to_string()]);
        assert_eq!(heard.booked_item_ids, vec![item.id]);
        assert_eq!(b.changes.lock().unwrap().len(), 2, "nothing after cancel");

        drop(store);
        assert!(events.is_closed());
        assert_eq!((*a.ends.lock().unwrap(), *b.ends.lock().unwrap()), (1, 0), "ended once; cancelled is not ended");
        assert!(!sa.is_active());
        sa.cancel();
        let late = Arc::new(Log::default());
        let sl = events.subscribe_changes(late.clone());
        assert!(!sl.is_active());
        assert_eq!(*late.ends.lock().unwrap(), 1, "a subscription to a closed store ends at once");
    }

    /// Reads the store from its callback, as a screen re-reading what changed does.
    struct Rereads {
        store: Mutex<std::sync::Weak<DelbarStore>>,
        names: Mutex<Vec<Vec<String>>>,
    }

    impl ChangeObserver for Rereads {
        fn on_change(&self, event: ChangeEvent) {
            let store = self.store.lock().unwrap().upgrade().unwrap();
            let items = wait(store.clone().list_items(event.group_id, crate::ItemFilter::default())).unwrap();
            self.names.lock().unwrap().push(items.into_iter().map(|i| i.name).collect());
        }
        fn on_end(&self) {}
    }

    #[test]
    fn an_observer_may_read_the_store_from_its_callback() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir);
        let observer = Arc::new(Rereads { store: Mutex::new(Arc::downgrade(&store)), names: Mutex::default() });
        let _sub = store.events().subscribe_changes(observer.clone());
        let gid = wait(store.clone().create_group("Verkstan".into(), String::new(), "Anna".into())).unwrap().id;
        wait(store.clone().add_item(gid.clone(), item_draft("Motorsåg".into()))).unwrap();
        wait(store.clone().add_item(gid, item_draft("Bandsåg".into()))).unwrap();
        let names = observer.names.lock().unwrap().clone();
        assert_eq!(names.last().unwrap(), &vec!["Bandsåg".to_string(), "Motorsåg".to_string()]);
        assert_eq!(names.len(), 3, "one read per event: the group, then each item");
    }
}
