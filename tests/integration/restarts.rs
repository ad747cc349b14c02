//! A device restarted many times at one instant never makes an id an earlier run made.
//!
//! Bookings and activity entries are keyed by time-ordered ids (the instant, then a number
//! that counts up within a process). The helper `kill_writer` is run again and again on one
//! store with a manual clock that stands still, so every run makes its ids at the same
//! millisecond: a count that started from zero in every run would make the same ids again,
//! and a booking or an entry would overwrite another one.

use std::collections::BTreeSet;
use std::process::Command;

use delbar_core::store::ActivityFilter;
use delbar_tests::{Fixture, all_activity, assert_clean, open_store};

/// Runs of the writer, and acknowledged writes in each.
const RUNS: usize = 12;
const WRITES_PER_RUN: usize = 40;

#[test]
fn runs_at_one_instant_never_reuse_an_id() {
    let mut fx = Fixture::new();
    fx.item("Såg", 2);
    let (path, group, clock) = (fx.path.clone(), fx.group.clone(), fx.clock.clone());
    let entries_before = all_activity(&fx.store, &group, &ActivityFilter::default(), 1000).len();
    drop(fx.store);
    let mut bookings = BTreeSet::new();
    let mut writes = 0;
    for run in 0..RUNS {
        let out = Command::new(env!("CARGO_BIN_EXE_kill_writer"))
            .arg(&path)
            .arg((run as u64 + 1).to_string())
            .arg(WRITES_PER_RUN.to_string())
            .output()
            .unwrap();
        assert!(out.status.success(), "run {run}: {}", String::from_utf8_lossy(&out.stderr));
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let parts: Vec<&str> = line.split(' ').collect();
            match parts.as_slice() {
                ["ACK", "book", id, _] => {
                    assert!(bookings.insert((*id).to_owned()), "run {run}: booking id {id} was made before");
                    writes += 1;
                }
                ["ACK", ..] => writes += 1,
                _ => {}
            }
        }
    }
    assert_eq!(writes, RUNS * WRITES_PER_RUN, "every run writes its share");
    let mut store = open_store(&path, &clock);
    let entries = all_activity(&store, &group, &ActivityFilter::default(), 1000);
    let ids: BTreeSet<_> = entries.iter().map(|e| e.id.clone()).collect();
    assert_eq!(ids.len(), entries.len(), "an entry id is listed twice");
    assert_eq!(entries.len(), entries_before + writes, "every write made its own entry; none overwrote another");
    assert_clean(&mut store);
}
