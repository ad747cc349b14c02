//! `DelbarStore`: the core's `Store` behind a mutex, one delegating method per operation.
//!
//! Every call runs inside [`guard`], so a panic in the core comes back as
//! `DelbarError::Internal` instead of unwinding into the app, and a poisoned mutex is taken
//! back so the store stays usable. Every call that touches the file is `async` (Kotlin
//! `suspend`, Swift `async`) and runs on tokio's blocking pool, so it never blocks the
//! caller's (UI) thread. Writes, merges and compaction take the mutex; reads run on the
//! read-only connections of `readers` and never wait for it.
//!
//! Notifications the core creates during a call are handed to the app's
//! [`NotificationListener`] after the call has released the store (see `listener`).

use std::sync::{Arc, Mutex, MutexGuard};

use delbar_core::Store;
use delbar_core::store::Reads;

use crate::error::{DelbarError, guard, panic_error};
use crate::listener::{Delivery, NotificationListener};
use crate::readers::Readers;
use crate::records::{
    ActivityFilter, ActivityPage, Availability, Booking, BookingAction, BookingFilter, BusyInterval, CategoryCount,
    CheckReport, Condition, DocumentExport, FreeItem, Group, Item, ItemDraft, ItemFilter, ItemPatch, Member,
    MergeReport, NewBooking, Notification, Role, TimeWindow, Timestamp, WaitlistEntry, ids,
};

/// A device's Delbar store: one SQLite file holding every group this device belongs to.
/// Open it once per process (`DelbarStore.open(path)`) and share the object; writes from
/// several threads are serialised, reads go on beside them.
#[derive(uniffi::Object)]
pub struct DelbarStore {
    /// Shared with the sync service while it runs.
    pub(crate) store: Arc<Mutex<Store>>,
    pub(crate) delivery: Arc<Delivery>,
    /// The sync service and the app's sync listener (`sync`).
    pub(crate) sync: crate::sync::SyncSlot,
    /// Read-only connections for the calls that only read (`read`).
    readers: Readers,
}

impl std::fmt::Debug for DelbarStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DelbarStore").finish_non_exhaustive()
    }
}

impl DelbarStore {
    /// Locks the store, taking it back if an earlier call panicked while holding the lock.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Store> {
        lock_taking_back(&self.store)
    }

    /// Wraps a freshly opened core store, its notifications routed to [`Delivery`].
    fn new(mut store: Store) -> Self {
        let delivery = Arc::new(Delivery::new(store.changes()));
        store.set_listener(Some(delivery.outbox()));
        // An in-memory store has no file for a reader: its reads take the lock.
        let readers = Readers::new(store.reader().ok());
        DelbarStore { store: Arc::new(Mutex::new(store)), delivery, sync: crate::sync::SyncSlot::default(), readers }
    }

    /// Runs a read on a connection of its own, so that it never waits behind a merge, a
    /// compaction or a write holding the store (see `readers`); panics are caught.
    pub(crate) fn read<T>(&self, op: impl FnOnce(Reads<'_>) -> Result<T, DelbarError>) -> Result<T, DelbarError> {
        self.readers.read(op, |op| self.with(|s| op(s.reads())))
    }

    /// Runs `op` on the locked store with panics caught, then hands the notifications it
    /// created to the app's listener, with the store released.
    pub(crate) fn with<T>(&self, op: impl FnOnce(&mut Store) -> Result<T, DelbarError>) -> Result<T, DelbarError> {
        let (result, compaction_due) = guard(|| {
            let mut store = self.lock();
            let result = op(&mut store);
            Ok((result, store.has_pending_upkeep()))
        })
        .unwrap_or_else(|e| (Err(e), false));
        self.delivery.flush();
        if compaction_due {
            self.compact_in_background();
        }
        result
    }

    /// Folds the documents a write left due for compaction, on a thread of its own, after the
    /// write has been acknowledged. A call arriving meanwhile waits for the lock. The thread
    /// does not keep the store alive: closed before the thread runs, the store is not folded
    /// (its documents are found due again on the next write).
    fn compact_in_background(&self) {
        let store = Arc::downgrade(&self.store);
        let spawned = std::thread::Builder::new().name("delbar-compaction".into()).spawn(move || {
            let Some(store) = store.upgrade() else { return };
            let _ = guard(|| {
                lock_taking_back(&store).upkeep();
                Ok(())
            });
        });
        // Without a thread of its own the documents stay due, and a later write folds them.
        drop(spawned);
    }

    /// Runs `op` on the locked store on tokio's blocking pool.
    pub(crate) async fn blocking<T: Send + 'static>(
        self: Arc<Self>,
        op: impl FnOnce(&mut Store) -> Result<T, DelbarError> + Send + 'static,
    ) -> Result<T, DelbarError> {
        run_blocking(move || self.with(op)).await
    }

    /// Runs a read ([`Self::read`]) on tokio's blocking pool.
    pub(crate) async fn reading<T: Send + 'static>(
        self: Arc<Self>,
        op: impl FnOnce(Reads<'_>) -> Result<T, DelbarError> + Send + 'static,
    ) -> Result<T, DelbarError> {
        run_blocking(move || self.read(op)).await
    }
}

#[cfg(test)]
impl DelbarStore {
    /// [`Self::with`], for the crate's tests.
    pub(crate) fn with_for_test<T>(
        &self,
        op: impl FnOnce(&mut Store) -> Result<T, DelbarError>,
    ) -> Result<T, DelbarError> {
        self.with(op)
    }

    /// Panics while holding the lock, poisoning it.
    pub(crate) fn poison_for_test(&self) {
        let _held = self.store.lock();
        panic!("poisoning the store's lock on purpose");
    }

    /// Whether the lock is poisoned.
    pub(crate) fn is_poisoned_for_test(&self) -> bool {
        self.store.is_poisoned()
    }
}

/// Locks the store, taking it back if a call panicked while holding the lock.
fn lock_taking_back(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|poisoned| {
        store.clear_poison();
        poisoned.into_inner()
    })
}

/// Runs `op` on tokio's blocking pool; a panic there also becomes `DelbarError::Internal`.
pub(crate) async fn run_blocking<T: Send + 'static>(
    op: impl FnOnce() -> Result<T, DelbarError> + Send + 'static,
) -> Result<T, DelbarError> {
    match tokio::task::spawn_blocking(move || guard(op)).await {
        Ok(result) => result,
        Err(join) => Err(match join.try_into_panic() {
            Ok(payload) => panic_error(payload.as_ref()),
            Err(join) => DelbarError::internal(join.to_string()),
        }),
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl DelbarStore {
    // ---- store ----

    /// Opens (or creates) the store file at `path`. Runs the schema migrations, so it may take
    /// a moment on first start after an update.
    #[uniffi::constructor]
    pub async fn open(path: String) -> Result<Arc<Self>, DelbarError> {
        run_blocking(move || Ok(Arc::new(DelbarStore::new(Store::open(&path)?)))).await
    }

    /// This device's id: 64 hex characters of its ed25519 public key (also its iroh node id).
    pub fn device_id(&self) -> Result<String, DelbarError> {
        self.with(|s| Ok(s.device_id().to_string()))
    }

    /// The path of the store file.
    pub fn path(&self) -> Result<String, DelbarError> {
        self.with(|s| Ok(s.path().display().to_string()))
    }

    /// The device clock's current instant, as the store sees it.
    pub fn now(&self) -> Result<Timestamp, DelbarError> {
        self.with(|s| Ok(s.now()))
    }

    // ---- groups ----

    /// Creates a group with this device's owner (`my_name`) as its first steward.
    pub async fn create_group(
        self: Arc<Self>,
        name: String,
        description: String,
        my_name: String,
    ) -> Result<Group, DelbarError> {
        self.blocking(move |s| Ok(s.create_group(&name, &description, &my_name)?.into())).await
    }

    /// Every group this device holds, by name.
    pub async fn list_groups(self: Arc<Self>) -> Result<Vec<Group>, DelbarError> {
        self.reading(move |s| Ok(s.groups()?.into_iter().map(Into::into).collect())).await
    }

    /// One group.
    pub async fn get_group(self: Arc<Self>, group_id: String) -> Result<Group, DelbarError> {
        self.reading(move |s| Ok(s.group(&ids::group(&group_id)?)?.into())).await
    }

    /// Changes a group's name, description or pickup window (stewards); `null`/`nil` keeps
    /// a field.
    #[uniffi::method(default(name = None, description = None, pickup_window_hours = None))]
    pub async fn update_group(
        self: Arc<Self>,
        group_id: String,
        name: Option<String>,
        description: Option<String>,
        pickup_window_hours: Option<i64>,
    ) -> Result<Group, DelbarError> {
        self.blocking(move |s| {
            Ok(s.update_group(&ids::group(&group_id)?, name.as_deref(), description.as_deref(), pickup_window_hours)?
                .into())
        })
        .await
    }

    // ---- members ----

    /// The members of a group, current ones first, by name.
    pub async fn list_members(self: Arc<Self>, group_id: String) -> Result<Vec<Member>, DelbarError> {
        self.reading(move |s| Ok(s.members(&ids::group(&group_id)?)?.into_iter().map(Into::into).collect())).await
    }

    /// One member.
    pub async fn get_member(self: Arc<Self>, group_id: String, member_id: String) -> Result<Member, DelbarError> {
        self.reading(move |s| Ok(s.member(&ids::group(&group_id)?, &ids::member(&member_id)?)?.into())).await
    }

    /// The current member this device belongs to in a group.
    pub async fn me(self: Arc<Self>, group_id: String) -> Result<Member, DelbarError> {
        self.blocking(move |s| Ok(s.me(&ids::group(&group_id)?)?.into())).await
    }

    /// Adds a member (stewards), optionally with a first device and its label.
    #[uniffi::method(default(device_id = None, device_label = ""))]
    pub async fn add_member(
        self: Arc<Self>,
        group_id: String,
        name: String,
        role: Role,
        device_id: Option<String>,
        device_label: String,
    ) -> Result<Member, DelbarError> {
        self.blocking(move |s| {
            let device = ids::opt(device_id.as_deref(), ids::device)?.map(|d| (d, device_label.as_str()));
            Ok(s.add_member(&ids::group(&group_id)?, &name, role, device)?.into())
        })
        .await
    }

    /// Adds a device to a member (stewards, or the member for themself).
    #[uniffi::method(default(label = ""))]
    pub async fn add_device(
        self: Arc<Self>,
        group_id: String,
        member_id: String,
        device_id: String,
        label: String,
    ) -> Result<Member, DelbarError> {
        self.blocking(move |s| {
            Ok(s.add_device(&ids::group(&group_id)?, &ids::member(&member_id)?, &ids::device(&device_id)?, &label)?
                .into())
        })
        .await
    }

    /// Changes a member's role (stewards). The last steward cannot step down.
    pub async fn set_role(
        self: Arc<Self>,
        group_id: String,
        member_id: String,
        role: Role,
    ) -> Result<Member, DelbarError> {
        self.blocking(move |s| Ok(s.set_role(&ids::group(&group_id)?, &ids::member(&member_id)?, role)?.into())).await
    }

    /// Removes a member (stewards). Their devices can no longer act for the group.
    pub async fn remove_member(self: Arc<Self>, group_id: String, member_id: String) -> Result<Member, DelbarError> {
        self.blocking(move |s| Ok(s.remove_member(&ids::group(&group_id)?, &ids::member(&member_id)?)?.into())).await
    }

    // ---- items ----

    /// Adds an item to the catalogue (stewards).
    pub async fn add_item(self: Arc<Self>, group_id: String, draft: ItemDraft) -> Result<Item, DelbarError> {
        self.blocking(move |s| Ok(s.add_item(&ids::group(&group_id)?, draft.try_into()?)?.into())).await
    }

    /// One item.
    pub async fn get_item(self: Arc<Self>, group_id: String, item_id: String) -> Result<Item, DelbarError> {
        self.reading(move |s| Ok(s.item(&ids::group(&group_id)?, &ids::item(&item_id)?)?.into())).await
    }

    /// Changes an item's fields (stewards); only the fields set in the patch change.
    pub async fn update_item(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
        patch: ItemPatch,
    ) -> Result<Item, DelbarError> {
        self.blocking(move |s| {
            Ok(s.update_item(&ids::group(&group_id)?, &ids::item(&item_id)?, &patch.try_into()?)?.into())
        })
        .await
    }

    /// Items matching a filter (text, category, tag, condition, location); the default
    /// filter lists the first 100 current items by name.
    #[uniffi::method(default(filter))]
    pub async fn list_items(self: Arc<Self>, group_id: String, filter: ItemFilter) -> Result<Vec<Item>, DelbarError> {
        self.reading(move |s| {
            Ok(s.items(&ids::group(&group_id)?, &filter.into())?.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// Searches items by text: case- and diacritic-insensitive word prefixes, best matches
    /// first (`jordf` finds `Jordfräs`). A `limit` of 0 means 100.
    #[uniffi::method(default(limit = 0))]
    pub async fn search_items(
        self: Arc<Self>,
        group_id: String,
        text: String,
        limit: u32,
    ) -> Result<Vec<Item>, DelbarError> {
        self.reading(move |s| {
            Ok(s.search_items(&ids::group(&group_id)?, &text, limit)?.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// Categories in use with their item counts, by name.
    pub async fn categories(self: Arc<Self>, group_id: String) -> Result<Vec<CategoryCount>, DelbarError> {
        self.reading(move |s| {
            Ok(s.categories(&ids::group(&group_id)?)?
                .into_iter()
                .map(|(category, count)| CategoryCount { category, count })
                .collect())
        })
        .await
    }

    /// Writes a maintenance-log entry and sets the item's condition (stewards). `at`
    /// defaults to now.
    #[uniffi::method(default(at = None))]
    pub async fn log_maintenance(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
        note: String,
        condition_after: Condition,
        at: Option<Timestamp>,
    ) -> Result<Item, DelbarError> {
        self.blocking(move |s| {
            Ok(s.log_maintenance(&ids::group(&group_id)?, &ids::item(&item_id)?, &note, condition_after, at)?.into())
        })
        .await
    }

    // ---- bookings ----

    /// Books units of an item for a window. Confirmed at once unless the item's rules
    /// require a steward's approval.
    pub async fn book(self: Arc<Self>, group_id: String, request: NewBooking) -> Result<Booking, DelbarError> {
        self.blocking(move |s| Ok(s.book(&ids::group(&group_id)?, &request.try_into()?)?)).await
    }

    /// Moves a booking along its lifecycle (confirm, decline, cancel, check out, return).
    pub async fn act_on_booking(
        self: Arc<Self>,
        group_id: String,
        booking_id: String,
        action: BookingAction,
    ) -> Result<Booking, DelbarError> {
        self.blocking(move |s| Ok(s.act_on_booking(&ids::group(&group_id)?, &ids::booking(&booking_id)?, action)?))
            .await
    }

    /// One booking.
    pub async fn get_booking(self: Arc<Self>, group_id: String, booking_id: String) -> Result<Booking, DelbarError> {
        self.reading(move |s| Ok(s.booking(&ids::group(&group_id)?, &ids::booking(&booking_id)?)?)).await
    }

    /// Bookings matching a filter, by start; the default filter lists the first 100.
    #[uniffi::method(default(filter))]
    pub async fn list_bookings(
        self: Arc<Self>,
        group_id: String,
        filter: BookingFilter,
    ) -> Result<Vec<Booking>, DelbarError> {
        self.reading(move |s| Ok(s.bookings(&ids::group(&group_id)?, &filter.try_into()?)?)).await
    }

    /// Checked-out bookings past their end (by the device clock), by end.
    pub async fn overdue(self: Arc<Self>, group_id: String) -> Result<Vec<Booking>, DelbarError> {
        self.reading(move |s| Ok(s.overdue(&ids::group(&group_id)?)?)).await
    }

    /// Free units of an item over `[start, end)` and the busy spans inside it.
    pub async fn availability(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
        start: Timestamp,
        end: Timestamp,
    ) -> Result<Availability, DelbarError> {
        self.reading(move |s| Ok(s.availability(&ids::group(&group_id)?, &ids::item(&item_id)?, start, end)?.into()))
            .await
    }

    /// Joins an item's waitlist for a window with no free units (`NoNeedToWait` when units
    /// are free: book instead). The booking is `WAITLISTED` and holds nothing; when units
    /// free up, the first waiting booking whose window they cover gets an offer (a
    /// `WAITLIST_OFFER` notification) to claim with `actOnBooking(..., CLAIM)` within the
    /// group's pickup window.
    pub async fn join_waitlist(self: Arc<Self>, group_id: String, request: NewBooking) -> Result<Booking, DelbarError> {
        self.blocking(move |s| Ok(s.join_waitlist(&ids::group(&group_id)?, &request.try_into()?)?)).await
    }

    /// An item's waitlist in queue order, with the offer standing now.
    pub async fn waitlist(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
    ) -> Result<Vec<WaitlistEntry>, DelbarError> {
        self.reading(move |s| {
            Ok(s.waitlist(&ids::group(&group_id)?, &ids::item(&item_id)?)?.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// Moves a waitlisted booking to `position` (from 1) in its item's queue (stewards);
    /// returns the queue as it is now.
    pub async fn move_in_waitlist(
        self: Arc<Self>,
        group_id: String,
        booking_id: String,
        position: u32,
    ) -> Result<Vec<WaitlistEntry>, DelbarError> {
        self.blocking(move |s| {
            Ok(s.move_in_waitlist(&ids::group(&group_id)?, &ids::booking(&booking_id)?, i64::from(position))?
                .into_iter()
                .map(Into::into)
                .collect())
        })
        .await
    }

    /// Moves a loan's end to `new_end` (longer or shorter), if the item's rules allow the
    /// length and the units are free for the added time. The borrower or a steward may.
    pub async fn extend_booking(
        self: Arc<Self>,
        group_id: String,
        booking_id: String,
        new_end: Timestamp,
    ) -> Result<Booking, DelbarError> {
        self.blocking(move |s| Ok(s.extend_booking(&ids::group(&group_id)?, &ids::booking(&booking_id)?, new_end)?))
            .await
    }

    /// An item's calendar: the busy spans over `[from, to)`, with the units taken in each.
    pub async fn calendar(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyInterval>, DelbarError> {
        self.reading(move |s| Ok(s.calendar(&ids::group(&group_id)?, &ids::item(&item_id)?, from, to)?)).await
    }

    /// The first window of `length` (a `java.time.Duration` in Kotlin, a `TimeInterval` in
    /// Swift; counted in whole milliseconds) from `from` on with `units` free, looking up to a
    /// year ahead; `null`/`nil` when there is none.
    #[uniffi::method(default(units = 1))]
    pub async fn next_free_window(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
        from: Timestamp,
        length: std::time::Duration,
        units: u32,
    ) -> Result<Option<TimeWindow>, DelbarError> {
        let length_ms = i64::try_from(length.as_millis()).unwrap_or(i64::MAX);
        self.reading(move |s| {
            Ok(s.next_free_window(&ids::group(&group_id)?, &ids::item(&item_id)?, from, length_ms, units)?
                .map(|(start, end)| TimeWindow { start, end }))
        })
        .await
    }

    /// Items (of a category, or all) with at least `units` free over `[start, end)`, with
    /// their free units, by name.
    #[uniffi::method(default(category = None, units = 1))]
    pub async fn free_items(
        self: Arc<Self>,
        group_id: String,
        start: Timestamp,
        end: Timestamp,
        category: Option<String>,
        units: u32,
    ) -> Result<Vec<FreeItem>, DelbarError> {
        self.reading(move |s| {
            Ok(s.free_items(&ids::group(&group_id)?, category.as_deref(), start, end, units)?
                .into_iter()
                .map(|(item, free_units)| FreeItem { item: item.into(), free_units })
                .collect())
        })
        .await
    }

    // ---- qualifications ----

    /// Marks a member qualified (or no longer qualified) for an item whose rules require it
    /// (stewards). Without it the member's bookings of the item fail with `NotQualified`.
    pub async fn set_qualified(
        self: Arc<Self>,
        group_id: String,
        member_id: String,
        item_id: String,
        qualified: bool,
    ) -> Result<Member, DelbarError> {
        self.blocking(move |s| {
            Ok(s.set_qualified(&ids::group(&group_id)?, &ids::member(&member_id)?, &ids::item(&item_id)?, qualified)?
                .into())
        })
        .await
    }

    // ---- notifications ----

    /// Sets (or, with `null`/`nil`, clears) the listener that hears notifications as they
    /// are created. One listener per store; setting another replaces it.
    pub fn set_listener(&self, listener: Option<Arc<dyn NotificationListener>>) {
        self.delivery.set(listener);
    }

    /// This device's member's notifications in a group (for stewards also the approval
    /// requests), oldest first; acknowledged ones too when asked. Titles and bodies are in
    /// the language set with `setLocale`.
    #[uniffi::method(default(include_acknowledged = false))]
    pub async fn notifications(
        self: Arc<Self>,
        group_id: String,
        include_acknowledged: bool,
    ) -> Result<Vec<Notification>, DelbarError> {
        self.blocking(move |s| {
            Ok(s.notifications(&ids::group(&group_id)?, include_acknowledged)?.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// Any member's notifications (a steward's tablet or a hub showing everyone's).
    #[uniffi::method(default(include_acknowledged = false))]
    pub async fn notifications_for(
        self: Arc<Self>,
        group_id: String,
        member_id: String,
        include_acknowledged: bool,
    ) -> Result<Vec<Notification>, DelbarError> {
        self.blocking(move |s| {
            Ok(s.notifications_for(&ids::group(&group_id)?, &ids::member(&member_id)?, include_acknowledged)?
                .into_iter()
                .map(Into::into)
                .collect())
        })
        .await
    }

    /// Marks notifications acknowledged (no longer pending); returns how many were pending.
    /// Unknown ids are ignored.
    pub async fn acknowledge(self: Arc<Self>, ids: Vec<i64>) -> Result<u32, DelbarError> {
        self.blocking(move |s| Ok(s.acknowledge(&ids)?)).await
    }

    /// Creates the notifications that come with time: due tomorrow, overdue, waitlist
    /// offers moving on. Call it when the app opens and now and then (a periodic job);
    /// returns the new ones, which the listener also hears.
    pub async fn tick(self: Arc<Self>) -> Result<Vec<Notification>, DelbarError> {
        self.blocking(move |s| Ok(s.tick()?.into_iter().map(Into::into).collect())).await
    }

    // ---- activity ----

    /// A page of a group's activity history, newest first. Pass the previous page's `next`
    /// as `before` to continue; a `limit` of 0 means 100.
    #[uniffi::method(default(before = None, limit = 0, filter))]
    pub async fn activity(
        self: Arc<Self>,
        group_id: String,
        filter: ActivityFilter,
        before: Option<String>,
        limit: u32,
    ) -> Result<ActivityPage, DelbarError> {
        self.reading(move |s| Ok(s.activity(&ids::group(&group_id)?, &filter.try_into()?, before.as_deref(), limit)?))
            .await
    }

    // ---- maintenance and exchange (async) ----

    /// Rebuilds the projection of every group (or only `group_id`) from the stored
    /// documents and compares it with the store's; a clean report means they agree.
    #[uniffi::method(default(group_id = None))]
    pub async fn check(self: Arc<Self>, group_id: Option<String>) -> Result<CheckReport, DelbarError> {
        self.blocking(move |s| Ok(s.check(ids::opt(group_id.as_deref(), ids::group)?.as_ref())?.into())).await
    }

    /// Every document of a group as a full save, for another device's `mergeDocuments`.
    pub async fn export_group(self: Arc<Self>, group_id: String) -> Result<Vec<DocumentExport>, DelbarError> {
        self.blocking(move |s| Ok(s.export_group(&ids::group(&group_id)?)?.into_iter().map(Into::into).collect())).await
    }

    /// Merges documents received from another device. The group need not be known yet: a
    /// new member's device receives its catalogue this way.
    pub async fn merge_documents(
        self: Arc<Self>,
        group_id: String,
        documents: Vec<DocumentExport>,
    ) -> Result<MergeReport, DelbarError> {
        self.blocking(move |s| {
            let documents: Vec<_> = documents.into_iter().map(Into::into).collect();
            Ok(s.merge_documents(&ids::group(&group_id)?, &documents)?.into())
        })
        .await
    }

    /// Compacts every document whose appended changes have grown (for idle time); returns
    /// how many were compacted.
    pub async fn compact_all(self: Arc<Self>) -> Result<u32, DelbarError> {
        self.blocking(|s| Ok(u32::try_from(s.compact_all()?).unwrap_or(u32::MAX))).await
    }

    /// Rebuilds a group's projection from its documents.
    pub async fn rebuild_projection(self: Arc<Self>, group_id: String) -> Result<(), DelbarError> {
        self.blocking(move |s| Ok(s.rebuild_projection(&ids::group(&group_id)?)?)).await
    }
}
