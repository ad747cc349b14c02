//! Rust-side tests of what the Kotlin suite cannot provoke: panics, a poisoned lock, a
//! listener that panics or calls the store back; and the process-wide locale.

use std::sync::{Arc, Mutex, MutexGuard, Weak};

use crate::error::guard;
use crate::{
    Booking, BookingAction, DelbarError, DelbarStore, ItemFilter, ItemPatch, KitPart, NewBooking, Notification,
    NotificationKind, NotificationListener, item_draft, set_locale,
};

/// Serialises the tests that set or read the process-wide locale.
static LOCALE: Mutex<()> = Mutex::new(());

fn locale_lock() -> MutexGuard<'static, ()> {
    LOCALE.lock().unwrap_or_else(|p| p.into_inner())
}

/// The runtime the tests' calls run on, as an app's coroutines or tasks would.
static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> =
    std::sync::LazyLock::new(|| tokio::runtime::Runtime::new().unwrap());

/// Waits for an async call of the bindings, from any thread.
pub(crate) fn wait<F: std::future::Future>(call: F) -> F::Output {
    RUNTIME.block_on(call)
}

pub(crate) fn open(dir: &tempfile::TempDir) -> Arc<DelbarStore> {
    wait(DelbarStore::open(dir.path().join("delbar.db").display().to_string())).unwrap()
}

#[test]
fn a_panic_becomes_an_internal_error() {
    let _locale = locale_lock();
    let result: Result<(), DelbarError> = guard(|| panic!("boom at {}", 42));
    assert_eq!(result, Err(DelbarError::internal("panic: boom at 42".into())));
    let result: Result<(), DelbarError> = guard(|| std::panic::panic_any(7_u8));
    assert_eq!(result, Err(DelbarError::internal("panic: a panic without a message".into())));
    assert_eq!(
        result.unwrap_err().user_message(),
        "Something went wrong inside Delbar. Please try again.",
        "English by default"
    );
}

#[test]
fn a_panic_inside_a_store_call_leaves_the_store_usable() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let group = wait(store.clone().create_group("Verkstan".into(), String::new(), "Anna".into())).unwrap();
    let result: Result<(), DelbarError> = store.with_for_test(|_| panic!("bug in the core"));
    assert!(matches!(result, Err(DelbarError::Internal { reason, .. }) if reason.contains("bug in the core")));
    assert_eq!(wait(store.clone().list_groups()).unwrap(), vec![group]);
}

#[test]
fn documents_a_write_leaves_due_are_folded_after_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let group = wait(store.clone().create_group("Verkstan".into(), String::new(), "Anna".into())).unwrap();
    let item = wait(store.clone().add_item(group.id.clone(), item_draft("Motorsåg".into()))).unwrap();
    // 256 chunks make the catalogue due; each write returns without folding it.
    for n in 0..260 {
        let patch = ItemPatch { description: Some(format!("Servad {n} gånger")), ..ItemPatch::default() };
        wait(store.clone().update_item(group.id.clone(), item.id.clone(), patch)).unwrap();
    }
    // The background thread takes the lock once the write has released it: wait for it
    // (bounded), then the catalogue is a snapshot again.
    let folded = (0..500).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(10));
        !store.with_for_test(|s| Ok(s.has_pending_upkeep())).unwrap()
    });
    assert!(folded, "the due documents were never folded");
    let conn = rusqlite::Connection::open(dir.path().join("delbar.db")).unwrap();
    let (chunks, snapshot): (i64, i64) = conn
        .query_row("SELECT chunk_count, snapshot_bytes FROM documents WHERE key = 'catalogue'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(chunks < 256 && snapshot > 0, "{chunks} chunks, snapshot of {snapshot} bytes");
    assert_eq!(
        wait(store.clone().get_item(group.id.clone(), item.id.clone())).unwrap().description,
        "Servad 259 gånger"
    );
}

#[test]
fn a_poisoned_lock_is_taken_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let group = wait(store.clone().create_group("Verkstan".into(), String::new(), "Anna".into())).unwrap();
    let other = Arc::clone(&store);
    let joined = std::thread::spawn(move || other.poison_for_test()).join();
    assert!(joined.is_err(), "the thread panicked while holding the lock");
    assert!(store.is_poisoned_for_test());
    // A write takes the store's lock, and takes it back (reads have connections of their own).
    let saw = wait(store.clone().add_item(group.id.clone(), item_draft("Motorsåg".into()))).unwrap();
    assert!(!store.is_poisoned_for_test(), "the poison is cleared");
    let items = wait(store.clone().list_items(group.id.clone(), ItemFilter::default())).unwrap();
    assert_eq!(items, vec![saw]);
    assert_eq!(wait(store.clone().get_group(group.id.clone())).unwrap(), group);
}

#[test]
fn async_operations_run_off_the_calling_thread() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let group = wait(store.clone().create_group("Verkstan".into(), String::new(), "Anna".into())).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let docs = runtime.block_on(Arc::clone(&store).export_group(group.id.clone())).unwrap();
    assert!(!docs.is_empty());
    let report = runtime.block_on(Arc::clone(&store).check(None)).unwrap();
    assert!(report.clean);
    let bad = runtime.block_on(Arc::clone(&store).export_group("Not An Id".into()));
    assert!(matches!(bad, Err(DelbarError::InvalidInput { .. })));
}

/// A store with a group, a one-unit item and a checked-out loan that ended five minutes ago.
fn overdue_loan(store: &Arc<DelbarStore>) -> (String, Booking) {
    let group = wait(store.clone().create_group("Verkstan".into(), String::new(), "Anna".into())).unwrap();
    let saw = wait(store.clone().add_item(group.id.clone(), item_draft("Motorsåg".into()))).unwrap();
    let now = store.now().unwrap().0;
    let request = NewBooking {
        item_id: saw.id,
        units: 1,
        start: crate::Timestamp(now - 600_000),
        end: crate::Timestamp(now - 300_000),
        note: String::new(),
        for_member_id: None,
    };
    let booking = wait(store.clone().book(group.id.clone(), request)).unwrap();
    wait(store.clone().act_on_booking(group.id.clone(), booking.id.to_string(), BookingAction::CheckOut)).unwrap();
    (group.id, booking)
}

/// Panics on every notification, the way an exception thrown by a Kotlin listener arrives.
struct Exploding;

impl NotificationListener for Exploding {
    fn on_notification(&self, _n: Notification) {
        panic!("the app's listener threw");
    }
}

#[test]
fn a_panicking_listener_does_not_reach_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let (group_id, booking) = overdue_loan(&store);
    store.set_listener(Some(Arc::new(Exploding)));
    let created = wait(store.clone().tick()).unwrap();
    assert_eq!(created.iter().map(|n| n.kind).collect::<Vec<_>>(), vec![NotificationKind::Overdue]);
    assert_eq!(created[0].booking_id.as_deref(), Some(booking.id.as_str()));
    assert_eq!(
        wait(store.clone().notifications(group_id.clone(), false)).unwrap(),
        created,
        "stored despite the panic"
    );
    assert!(wait(store.clone().tick()).unwrap().is_empty(), "notified once");
    store.set_listener(None);
    assert_eq!(wait(store.clone().list_groups()).unwrap().len(), 1, "store usable");
}

/// Calls the store back from inside the callback and records what it saw.
struct Reentrant {
    store: Mutex<Weak<DelbarStore>>,
    seen: Mutex<Vec<(Notification, usize)>>,
}

impl NotificationListener for Reentrant {
    fn on_notification(&self, n: Notification) {
        let store = self.store.lock().unwrap().upgrade().unwrap();
        let pending = wait(store.clone().notifications(n.group_id.clone(), false)).unwrap().len();
        wait(store.clone().acknowledge(vec![n.id])).unwrap();
        self.seen.lock().unwrap().push((n, pending));
    }
}

#[test]
fn a_listener_may_call_the_store_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let (group_id, _booking) = overdue_loan(&store);
    let listener = Arc::new(Reentrant { store: Mutex::new(Arc::downgrade(&store)), seen: Mutex::default() });
    store.set_listener(Some(listener.clone()));
    let created = wait(store.clone().tick()).unwrap();
    let seen = listener.seen.lock().unwrap().clone();
    assert_eq!(seen, vec![(created[0].clone(), 1)], "heard once, with the store released");
    assert!(
        wait(store.clone().notifications(group_id.clone(), false)).unwrap().is_empty(),
        "acknowledged from the callback"
    );
    assert_eq!(wait(store.clone().notifications(group_id, true)).unwrap().len(), 1);
}

#[test]
fn errors_and_notifications_follow_the_locale() {
    let _locale = locale_lock();
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let (group_id, _booking) = overdue_loan(&store);
    assert_eq!(set_locale("sv-SE".into()), "sv");
    let missing = wait(store.clone().get_item(group_id.clone(), "aaaaaaaaaaaaaaaa".into())).unwrap_err();
    assert_eq!(missing.user_message(), "Föremålet hittades inte.");
    assert!(matches!(&missing, DelbarError::NotFound { what, .. } if what == "item"));
    assert_eq!(missing.to_string(), "no item with id aaaaaaaaaaaaaaaa", "Display stays English, for logs");
    let overdue = wait(store.clone().tick()).unwrap().remove(0);
    assert_eq!(overdue.title, "Försenad återlämning");
    assert!(overdue.body.starts_with("Motorsåg skulle ha lämnats tillbaka senast "), "{}", overdue.body);
    assert_eq!(crate::set_time_zone("europe/oslo".into()).unwrap(), "Europe/Oslo");
    let nb = crate::notification_text(overdue.clone(), "nb".into()).unwrap();
    let unknown = crate::set_time_zone("Europe/Osло".into()).unwrap_err();
    assert!(matches!(&unknown, crate::TimeZoneError::Unknown { name, .. } if name == "Europe/Osло"));
    assert_eq!(crate::current_time_zone(), "Europe/Oslo", "a refused zone changes nothing");
    assert_eq!(crate::set_time_zone("UTC".into()).unwrap(), "UTC");
    assert_eq!(nb.title, "Forsinket innlevering");
    assert!(nb.body.starts_with("Motorsåg skulle vært levert tilbake senest ") && !nb.body.contains("UTC"));
    assert_eq!(set_locale("fr".into()), "en", "an unknown language falls back to English");
    assert_eq!(wait(store.clone().notifications(group_id, false)).unwrap()[0].title, "Overdue");
    let refused = guard(|| -> Result<(), DelbarError> { panic!("x") }).unwrap_err();
    assert_eq!(refused.user_message(), "Something went wrong inside Delbar. Please try again.");
}

#[test]
fn a_kit_part_listed_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let group = wait(store.clone().create_group("Verkstan".into(), String::new(), "Anna".into())).unwrap();
    let tent = wait(store.clone().add_item(group.id.clone(), item_draft("Tält".into()))).unwrap();
    let part = KitPart { part_id: tent.id.clone(), units: 1 };
    let mut draft = item_draft("Lägerkit".into());
    draft.kit_parts = vec![part.clone(), part.clone()];
    let refused = wait(store.clone().add_item(group.id.clone(), draft.clone())).unwrap_err();
    assert!(matches!(&refused, DelbarError::InvalidInput { reason, .. } if reason.contains("listed once")));
    draft.kit_parts = vec![part.clone()];
    let kit = wait(store.clone().add_item(group.id.clone(), draft)).unwrap();
    assert_eq!(kit.kit_parts, vec![part]);
    let plain = ItemPatch { kit_parts: Some(Vec::new()), ..ItemPatch::default() };
    assert!(wait(store.clone().update_item(group.id, kit.id, plain)).unwrap().kit_parts.is_empty());
}

#[test]
fn a_running_sync_service_dropped_inside_an_async_task_stops_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let config = crate::SyncConfig {
        all_interfaces: false,
        mdns: false,
        relay: crate::RelayChoice::Disabled,
        fetch_photos: false,
    };
    let status = wait(store.clone().start_sync(config.clone())).unwrap();
    assert!(status.running && status.address.is_some());
    // Starting again restarts with the new configuration.
    assert!(wait(store.clone().start_sync(config)).unwrap().running);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // The last reference goes inside the runtime, where the service cannot block to stop.
    runtime.block_on(async move { drop(store) });
    // The background shutdown may still hold the file for a moment: nothing to reopen here.
    drop(runtime);
}

#[test]
fn the_pipe_s_failures_come_with_their_texts_in_the_locale() {
    let _locale = locale_lock();
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    assert_eq!(set_locale("sv".into()), "sv");
    // A 10-byte frame where the handshake's first message (32 bytes) is due.
    let responder = crate::pipe::PipeSession::responder(store.clone(), None, 30_000).unwrap();
    let mut bogus = vec![0u8, 10];
    bogus.extend_from_slice(b"not delbar");
    let handshake = wait(responder.clone().receive(bogus)).unwrap_err();
    assert!(matches!(&handshake, DelbarError::Sync { .. }), "{handshake:?}");
    assert!(handshake.user_message().starts_with("Den andra änden visade inte"), "{}", handshake.user_message());
    // A pipe closed before anything arrived.
    let closed = crate::pipe::PipeSession::responder(store.clone(), None, 30_000).unwrap().closed().unwrap_err();
    assert!(
        closed.user_message().starts_with("Anslutningen till den andra enheten stängdes"),
        "{}",
        closed.user_message()
    );
    // A peer silent for longer than the timeout.
    let silent = crate::pipe::PipeSession::responder(store.clone(), None, 1).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let timed_out = silent.check_timeout().unwrap_err();
    assert!(matches!(&timed_out, DelbarError::Network { .. }), "{timed_out:?}");
    assert!(timed_out.user_message().starts_with("Den andra enheten slutade svara"), "{}", timed_out.user_message());
    set_locale("en".into());
}

#[test]
fn reads_are_answered_while_another_call_holds_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let group = wait(store.clone().create_group("Verkstan".into(), String::new(), "Anna".into())).unwrap();
    let item = wait(store.clone().add_item(group.id.clone(), item_draft("Motorsåg".into()))).unwrap();
    let start = crate::records::Timestamp(store.now().unwrap().0 + 24 * 3_600_000);
    let end = crate::records::Timestamp(start.0 + 3_600_000);
    // A merge, a compaction or a write holds the store's lock for as long as it runs; the
    // calls that only read go on beside it, on connections of their own.
    let held = store.store.lock().unwrap();
    let (answers, heard) = std::sync::mpsc::channel();
    let reading = Arc::clone(&store);
    let (gid, iid) = (group.id.clone(), item.id.clone());
    std::thread::spawn(move || {
        let items = wait(reading.clone().list_items(gid.clone(), ItemFilter::default()));
        let free = wait(reading.clone().availability(gid.clone(), iid, start, end));
        let groups = wait(reading.clone().list_groups());
        let _ = answers.send((items, free, groups));
    });
    let (items, free, groups) =
        heard.recv_timeout(std::time::Duration::from_secs(60)).expect("the reads waited for the store's lock");
    drop(held);
    assert_eq!(items.unwrap(), vec![item.clone()]);
    assert_eq!(free.unwrap().free_units, 1);
    assert_eq!(groups.unwrap(), vec![group]);
}

#[test]
fn a_store_in_memory_reads_through_its_lock() {
    let store = wait(DelbarStore::open(":memory:".into())).unwrap();
    let group = wait(store.clone().create_group("Verkstan".into(), String::new(), "Anna".into())).unwrap();
    assert_eq!(wait(store.clone().list_groups()).unwrap(), vec![group]);
}
