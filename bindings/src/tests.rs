//! Rust-side tests of what the Kotlin suite cannot provoke: panics and a poisoned lock.

use std::sync::Arc;

use crate::error::guard;
use crate::{DelbarError, DelbarStore, ItemFilter};

fn open(dir: &tempfile::TempDir) -> Arc<DelbarStore> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(DelbarStore::open(dir.path().join("delbar.db").display().to_string())).unwrap()
}

#[test]
fn a_panic_becomes_an_internal_error() {
    let result: Result<(), DelbarError> = guard(|| panic!("boom at {}", 42));
    assert_eq!(result, Err(DelbarError::Internal { reason: "panic: boom at 42".into() }));
    let result: Result<(), DelbarError> = guard(|| std::panic::panic_any(7_u8));
    assert_eq!(result, Err(DelbarError::Internal { reason: "panic: a panic without a message".into() }));
}

#[test]
fn a_panic_inside_a_store_call_leaves_the_store_usable() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let group = store.create_group("Verkstan".into(), String::new(), "Anna".into()).unwrap();
    let result: Result<(), DelbarError> = store.with_for_test(|_| panic!("bug in the core"));
    assert!(matches!(result, Err(DelbarError::Internal { reason }) if reason.contains("bug in the core")));
    assert_eq!(store.list_groups().unwrap(), vec![group]);
}

#[test]
fn a_poisoned_lock_is_taken_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let group = store.create_group("Verkstan".into(), String::new(), "Anna".into()).unwrap();
    let other = Arc::clone(&store);
    let joined = std::thread::spawn(move || other.poison_for_test()).join();
    assert!(joined.is_err(), "the thread panicked while holding the lock");
    assert!(store.is_poisoned_for_test());
    let items = store.list_items(group.id.clone(), ItemFilter::default()).unwrap();
    assert!(items.is_empty());
    assert!(!store.is_poisoned_for_test(), "the poison is cleared");
    assert_eq!(store.get_group(group.id.clone()).unwrap(), group);
}

#[test]
fn async_operations_run_off_the_calling_thread() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let group = store.create_group("Verkstan".into(), String::new(), "Anna".into()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let docs = runtime.block_on(Arc::clone(&store).export_group(group.id.clone())).unwrap();
    assert!(!docs.is_empty());
    let report = runtime.block_on(Arc::clone(&store).check(None)).unwrap();
    assert!(report.clean);
    let bad = runtime.block_on(Arc::clone(&store).export_group("Not An Id".into()));
    assert!(matches!(bad, Err(DelbarError::InvalidInput { .. })));
}
