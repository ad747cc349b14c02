//! `--writes-on PATH`: durable booking writes measured again on a copy of a store an earlier
//! run kept (`--keep DIR`), without building its history again (200k bookings take about
//! twelve minutes to build). The same writes as the main pass's: `book` from 40 days ahead
//! of the benchmark's "now", `upkeep` after each, the first write (loading the month's
//! document) not counted.

use std::path::Path;
use std::sync::Arc;

use delbar_core::Store;
use delbar_core::store::ItemFilter;
use delbar_core::time::ManualClock;

use crate::history::{self, Built};
use crate::stats::{self, Latencies};

/// Measures `count` durable writes on a copy of the store at `path`.
pub fn writes(path: &Path, count: usize) -> Result<Latencies, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let copy = dir.path().join("delbar.db");
    stats::copy_store(path, &copy)?;
    let now = history::now();
    let clock = ManualClock::new(now);
    let mut store = Store::open_with_clock(&copy, Arc::new(clock.clone())).map_err(|e| e.to_string())?;
    let group = store.groups().map_err(|e| e.to_string())?.into_iter().next().ok_or("the store holds no group")?.id;
    let all = ItemFilter { limit: u32::MAX, ..ItemFilter::default() };
    let items: Vec<_> =
        store.items(&group, &all).map_err(|e| e.to_string())?.into_iter().map(|i| (i.id, i.name)).collect();
    if items.is_empty() {
        return Err("the store's group has no items".into());
    }
    let built = Built { delbar_path: copy.clone(), naive_path: copy, group, items, now, clock };
    stats::delbar_writes(&mut store, &built, count)
}

/// Runs [`writes`] and prints the percentiles.
pub fn print_writes(path: &Path, count: usize) -> Result<(), String> {
    let writes = writes(path, count)?;
    println!(
        "durable booking write (ms), {} writes on a copy of {}: p50 {:.3}, p90 {:.3}, p99 {:.3}",
        writes.0.len(),
        path.display(),
        writes.percentile(50.0),
        writes.percentile(90.0),
        writes.percentile(99.0)
    );
    Ok(())
}
