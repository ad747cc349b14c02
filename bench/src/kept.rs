//! Measurements on copies of stores an earlier run kept (`--keep DIR`), without building
//! their history again (200k bookings take about twelve minutes to build):
//!
//! - `--writes-on PATH`: durable booking writes, the same as the main pass's: `book` from 40
//!   days ahead of the benchmark's "now", `upkeep` after each, the first write (loading the
//!   month's document) not counted;
//! - `--week-on PATH`: a week offline received by a device holding the whole history: a
//!   second copy of the store becomes another device (a key of its own, added as a member
//!   by the first), then `--week` bookings made on the first are synced to it, the session
//!   timed as the main pass times it. Used to compare sizes back to back, and to try a
//!   change of the receiving store's schema (`DELBAR_BENCH_RECEIVER_SQL`, run on the
//!   receiver's copy before it opens);
//! - `--rows-on PATH`: the rows added after the run of 2026-12-06 (`stats`, a week offline
//!   over a pipe beside the same week over the session, the peak memory of a device
//!   receiving the whole group), as `--new-rows` measures them on a store it builds;
//! - `--rss-on PATH`: only the peak memory of a device receiving the whole group (a full
//!   bundle import and a first contact over iroh, each in a child process).

use std::path::Path;
use std::sync::Arc;

use delbar_core::Store;
use delbar_core::store::ItemFilter;
use delbar_core::time::ManualClock;

use crate::history::{self, Built};
use crate::report::SizeReport;
use crate::stats::{self, Latencies};
use crate::sync;

/// Opens a copy, at `copy`, of the store at `path`, on the benchmark's clock at its "now",
/// with its group and items as the measurements need them.
fn open_copy(path: &Path, copy: &Path) -> Result<(Store, Built), String> {
    let err = |e: delbar_core::Error| e.to_string();
    stats::copy_store(path, copy)?;
    let now = history::now();
    let clock = ManualClock::new(now);
    let store = Store::open_with_clock(copy, Arc::new(clock.clone())).map_err(err)?;
    let group = store.groups().map_err(err)?.into_iter().next().ok_or("the store holds no group")?.id;
    let all = ItemFilter { limit: u32::MAX, ..ItemFilter::default() };
    let items: Vec<_> = store.items(&group, &all).map_err(err)?.into_iter().map(|i| (i.id, i.name)).collect();
    if items.is_empty() {
        return Err("the store's group has no items".into());
    }
    let built = Built { delbar_path: copy.to_path_buf(), naive_path: copy.to_path_buf(), group, items, now, clock };
    Ok((store, built))
}

/// Measures `count` durable writes on a copy of the store at `path`.
pub fn writes(path: &Path, count: usize) -> Result<Latencies, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let (mut store, built) = open_copy(path, &dir.path().join("delbar.db"))?;
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

/// Two devices holding the whole history of the store at `path`, which have met: a copy
/// (the source) and a second copy made another device (a key of its own, added as a member
/// by the first), synced once. Their files are in `dir`.
pub fn pair(path: &Path, dir: &Path) -> Result<(Store, Store, Built), String> {
    let err = |e: delbar_core::Error| e.to_string();
    let (mut source, built) = open_copy(path, &dir.join("source.db"))?;
    let peer_path = dir.join("peer.db");
    stats::copy_store(path, &peer_path)?;
    {
        // The copy becomes another device: a key of its own (its journal is the source's,
        // which it then does not apply).
        let conn = rusqlite::Connection::open(&peer_path).map_err(|e| e.to_string())?;
        conn.execute("UPDATE local_device SET secret_key = ?1", [[7u8; 32].to_vec()]).map_err(|e| e.to_string())?;
        if let Ok(sql) = std::env::var("DELBAR_BENCH_RECEIVER_SQL") {
            conn.execute_batch(&sql).map_err(|e| format!("DELBAR_BENCH_RECEIVER_SQL: {e}"))?;
        }
    }
    let mut peer = Store::open_with_clock(&peer_path, Arc::new(built.clock.clone())).map_err(err)?;
    let peer_device = peer.device_id().clone();
    source
        .add_member(
            &built.group,
            "Mätenhetens andra telefon",
            delbar_core::domain::Role::Member,
            Some((peer_device, "phone")),
        )
        .map_err(err)?;
    sync::session(&mut source, &mut peer, &built.group)?;
    Ok((source, peer, built))
}

/// The sessions that bring `week` bookings to another device holding the whole history of
/// the store at `path`, one for each of `rounds` weeks.
pub fn week(path: &Path, week: usize, rounds: usize) -> Result<Vec<sync::SyncCost>, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let (mut source, mut peer, built) = pair(path, dir.path())?;
    let mut costs = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        sync::book_many(&mut source, &built, week)?;
        source.upkeep();
        costs.push(sync::session(&mut source, &mut peer, &built.group)?);
        peer.upkeep();
    }
    Ok(costs)
}

/// Runs [`week`] and prints each session's time and bytes.
pub fn print_week(path: &Path, bookings: usize, rounds: usize) -> Result<(), String> {
    for (round, cost) in week(path, bookings, rounds)?.iter().enumerate() {
        println!(
            "week offline of {bookings} bookings received, round {} of {rounds}, on a copy of {}: {:.0} ms, {:.1} KB",
            round + 1,
            path.display(),
            cost.ms,
            cost.bytes() as f64 / 1000.0
        );
    }
    Ok(())
}

/// The rows added after the run of 2026-12-06 ([`crate::new_rows`]) on a copy of the store
/// at `path`; its size is read from its name ([`size_of`]).
pub fn new_rows(path: &Path, week: usize, samples: usize, in_process: bool) -> Result<SizeReport, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let (store, built) = open_copy(path, &dir.path().join("delbar.db"))?;
    drop(store);
    eprintln!("the rows added since 2026-12-06, on a copy of {}...", path.display());
    let rows = crate::new_rows(&built, dir.path(), week, samples, in_process)?;
    Ok(SizeReport { bookings: size_of(path), build_seconds: 0.0, rows })
}

/// The size of a kept store, read from its name (`delbar-<size>.db`, as `--keep` names
/// it; 0 if the name says none).
fn size_of(path: &Path) -> usize {
    path.file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.strip_prefix("delbar-"))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The peak memory rows alone ([`crate::rss::rows`]) on a copy of the store at `path`: a
/// full bundle import and a first contact over iroh, each in a child process.
pub fn rss_rows(path: &Path, in_process: bool) -> Result<SizeReport, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let (store, built) = open_copy(path, &dir.path().join("delbar.db"))?;
    drop(store);
    eprintln!("peak memory of a device receiving the group, on a copy of {}...", path.display());
    let rows = crate::rss::rows(&built, dir.path(), in_process)?;
    Ok(SizeReport { bookings: size_of(path), build_seconds: 0.0, rows })
}
