//! The growth pass: Delbar's figures whose growth the issue bounds (cold open, availability,
//! search, durable write, a week offline's sync time) measured again after every size is
//! built, with the sizes taking turns for several rounds.
//!
//! The main pass measures each size right after building it, so the sizes are measured tens
//! of minutes apart; on a shared machine its speed drifts by more than the bounds allow in
//! that time (a run on 2026-11-29: the naive design's append-and-fsync, whose cost does not depend on
//! the history, took 0.96 ms at 5k and 2.65 ms at 200k in the same run). Taking turns puts
//! every size under the same conditions; each figure is the median over the rounds.

use delbar_core::ids::GroupId;

use crate::history::{self, Built};
use crate::report::Row;
use crate::stats::{self, Latencies};
use crate::{probe, sync};

/// Rounds of the growth pass.
pub const ROUNDS: usize = 5;
/// Durable writes per size and round.
const WRITES: usize = 100;

/// A built size kept for the growth pass: its stores stay in `dir`.
pub struct Kept {
    pub dir: tempfile::TempDir,
    pub built: Built,
}

/// One round's figures for one size.
#[derive(Default, Clone)]
struct Figures {
    open: f64,
    avail: (f64, f64),
    search: (f64, f64),
    write: (f64, f64),
    week_ms: f64,
}

fn p50_p99(l: &Latencies) -> (f64, f64) {
    (l.percentile(50.0), l.percentile(99.0))
}

fn one_round(kept: &Kept, samples: usize, week: usize, in_process: bool) -> Result<Figures, String> {
    let err = |e: delbar_core::Error| e.to_string();
    let built = &kept.built;
    let open = probe::measure("delbar", &built.delbar_path, &built.group, in_process)?.open_ms;
    let mut store = history::reopen(built).map_err(err)?;
    let avail = stats::delbar_availability(&store, built, &stats::availability_questions(built, samples))?;
    let search = stats::delbar_search(&store, built, &stats::search_words(built, samples))?;
    let write = stats::delbar_writes(&mut store, built, WRITES)?;
    // A week offline against the device that met this one in the main pass (both apps were
    // opened again since, as in the main pass).
    sync::book_many(&mut store, built, week)?;
    let mut peer = open_peer(kept, &built.group)?;
    let week = sync::session(&mut store, &mut peer, &built.group)?;
    Ok(Figures { open, avail: p50_p99(&avail), search: p50_p99(&search), write: p50_p99(&write), week_ms: week.ms })
}

fn open_peer(kept: &Kept, group: &GroupId) -> Result<delbar_core::Store, String> {
    let path = kept.dir.path().join("peer.db");
    let peer = delbar_core::Store::open_with_clock(&path, std::sync::Arc::new(kept.built.clock.clone()))
        .map_err(|e| e.to_string())?;
    peer.me(group).map_err(|e| format!("the peer of the main pass is not ready: {e}"))?;
    Ok(peer)
}

/// Runs the rounds and returns, per kept size in order, its rows (named `turns: ...`).
pub fn measure(kept: &[Kept], samples: usize, week: usize, in_process: bool) -> Result<Vec<Vec<Row>>, String> {
    let mut rounds: Vec<Vec<Figures>> = vec![Vec::new(); kept.len()];
    for round in 0..ROUNDS {
        eprintln!("growth pass, round {} of {ROUNDS}...", round + 1);
        for (k, figures) in kept.iter().zip(rounds.iter_mut()) {
            figures.push(one_round(k, samples, week, in_process)?);
        }
    }
    Ok(rounds
        .into_iter()
        .map(|f| {
            let m = |pick: fn(&Figures) -> f64| Latencies(f.iter().map(pick).collect()).percentile(50.0);
            let latency = |what: &str, p50: fn(&Figures) -> f64, p99: fn(&Figures) -> f64| Row {
                what: what.to_owned(),
                delbar: vec![("p50".into(), m(p50)), ("p99".into(), m(p99))],
                naive: vec![("p50".into(), f64::NAN), ("p99".into(), f64::NAN)],
            };
            vec![
                Row::single(TURNS_OPEN, m(|f| f.open), f64::NAN),
                latency(TURNS_AVAIL, |f| f.avail.0, |f| f.avail.1),
                latency(TURNS_SEARCH, |f| f.search.0, |f| f.search.1),
                latency(TURNS_WRITE, |f| f.write.0, |f| f.write.1),
                Row::single(TURNS_WEEK, m(|f| f.week_ms), f64::NAN),
            ]
        })
        .collect())
}

/// Row names of the growth pass.
pub const TURNS_OPEN: &str = "turns: cold open to first item list (ms)";
pub const TURNS_AVAIL: &str = "turns: availability query (ms)";
pub const TURNS_SEARCH: &str = "turns: item text search (ms)";
pub const TURNS_WRITE: &str = "turns: durable booking write (ms)";
pub const TURNS_WEEK: &str = "turns: week offline: time (ms)";
