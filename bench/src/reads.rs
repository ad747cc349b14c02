//! `--reads-during-merge PATH`: what a screen waits for while the device merges a week of
//! bookings from another device: an item list (the first 100 items by name) and an
//! availability question, asked every [`CADENCE`] while a bundle of `--week` bookings is
//! imported, each from a thread of its own as an app's calls come, two ways:
//!
//! - **through the store's lock**, as every call of the bindings went before their reads
//!   had connections of their own: the merge holds the `Mutex<Store>`, a read waits for it;
//! - **through a reader** ([`delbar_core::store::Reader`], the bindings' reads now), a
//!   read-only SQLite connection beside the store's.
//!
//! The merge is [`delbar_core::sync::import_bundle`] of exactly the week's changes (a bundle
//! of what the source holds beyond the receiving device's heads), on a copy of a kept store
//! that has met the source; each round books a new week, and the two ways take turns.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use delbar_core::Store;
use delbar_core::store::{ItemFilter, ReaderPool, Reads};
use delbar_core::sync::KnownHeads;

use crate::history::Built;
use crate::stats::{self, Latencies, Question};
use crate::{kept, sync};

/// How often a read is asked while the merge runs.
pub const CADENCE: Duration = Duration::from_millis(5);

/// How a read reaches the store.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Way {
    /// Through the store's lock, which the merge holds.
    Locked,
    /// On a reader's connection of its own.
    Reader,
}

/// The figures of one way: reads asked during the merges, in milliseconds from asking to
/// the answer.
pub struct WayFigures {
    pub items: Latencies,
    pub availability: Latencies,
}

/// Every figure of a run.
pub struct Figures {
    /// Each merge's time (ms), both ways.
    pub merges: Latencies,
    pub locked: WayFigures,
    pub reader: WayFigures,
}

fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|p| p.into_inner())
}

/// One read, the way given; its time in ms and whether it was an item list.
fn one_read(
    way: Way,
    store: &Mutex<Store>,
    readers: &ReaderPool,
    built: &Built,
    question: &Question,
    list: bool,
) -> Result<f64, String> {
    let (item, start, end) = question;
    let ask = |reads: Reads<'_>| {
        if list {
            reads.items(&built.group, &ItemFilter::default()).map(drop)
        } else {
            reads.availability(&built.group, item, *start, *end).map(drop)
        }
    };
    let started = Instant::now();
    match way {
        Way::Locked => ask(lock(store).reads()),
        Way::Reader => readers.read(ask),
    }
    .map_err(|e| e.to_string())?;
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

/// Merges one week into the device behind `peer` while reads are asked the way given;
/// returns the merge's time and each read's (item list or not, ms).
fn round(
    way: Way,
    peer: &Arc<Mutex<Store>>,
    readers: &Arc<ReaderPool>,
    built: &Arc<Built>,
    bundle: Vec<u8>,
    questions: &[Question],
) -> Result<(f64, Vec<(bool, f64)>), String> {
    let done = Arc::new(AtomicBool::new(false));
    let (held, holding) = std::sync::mpsc::channel();
    let merging = {
        let (peer, built, done) = (Arc::clone(peer), Arc::clone(built), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut store = lock(&peer);
            let _ = held.send(());
            let started = Instant::now();
            let merged = delbar_core::sync::import_bundle(&mut store, &built.group, &bundle);
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            done.store(true, Ordering::SeqCst);
            merged.map(|_| ms).map_err(|e| e.to_string())
        })
    };
    holding.recv().map_err(|_| "the merge never started")?;
    let mut reading = Vec::new();
    let mut k = 0usize;
    // At least one read is asked, however short the merge.
    loop {
        let question = questions[k % questions.len()].clone();
        let list = k.is_multiple_of(2);
        k += 1;
        let (peer, readers, built) = (Arc::clone(peer), Arc::clone(readers), Arc::clone(built));
        reading.push(std::thread::spawn(move || {
            one_read(way, &peer, &readers, &built, &question, list).map(|ms| (list, ms))
        }));
        std::thread::sleep(CADENCE);
        if done.load(Ordering::SeqCst) {
            break;
        }
    }
    let merge_ms = merging.join().map_err(|_| "the merge panicked")??;
    let mut reads = Vec::with_capacity(reading.len());
    for thread in reading {
        reads.push(thread.join().map_err(|_| "a read panicked")??);
    }
    Ok((merge_ms, reads))
}

/// Measures `rounds` rounds of each way, each merging `week` new bookings, on copies of the
/// store at `path`.
pub fn measure(path: &Path, week: usize, rounds: usize) -> Result<Figures, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let (mut source, peer, built) = kept::pair(path, dir.path())?;
    let readers = Arc::new(ReaderPool::new(peer.reader().map_err(|e| e.to_string())?));
    let peer = Arc::new(Mutex::new(peer));
    let built = Arc::new(built);
    let questions = stats::availability_questions(&built, 1_000);
    let mut merges = Vec::new();
    let mut figures = [(Way::Locked, Vec::new(), Vec::new()), (Way::Reader, Vec::new(), Vec::new())];
    for _ in 0..rounds {
        for (way, items, availability) in &mut figures {
            // Exactly the week's changes: what the source holds beyond the peer's heads.
            let held = KnownHeads::of(&lock(&peer), &built.group).map_err(|e| e.to_string())?;
            sync::book_many(&mut source, &built, week)?;
            source.upkeep();
            let bundle =
                delbar_core::sync::export_bundle(&source, &built.group, Some(&held)).map_err(|e| e.to_string())?;
            let bundle_kb = bundle.len() as f64 / 1000.0;
            let (merge_ms, reads) = round(*way, &peer, &readers, &built, bundle, &questions)?;
            eprintln!(
                "{week} bookings ({bundle_kb:.1} KB) merged in {merge_ms:.0} ms, {} reads {} meanwhile",
                reads.len(),
                if *way == Way::Locked { "through the lock" } else { "through readers" }
            );
            merges.push(merge_ms);
            for (list, ms) in reads {
                if list { items.push(ms) } else { availability.push(ms) }
            }
            lock(&peer).upkeep();
        }
    }
    let [(_, li, la), (_, ri, ra)] = figures;
    Ok(Figures {
        merges: Latencies(merges),
        locked: WayFigures { items: Latencies(li), availability: Latencies(la) },
        reader: WayFigures { items: Latencies(ri), availability: Latencies(ra) },
    })
}

/// Runs [`measure`] and prints the percentiles.
pub fn print(path: &Path, week: usize, rounds: usize) -> Result<(), String> {
    let figures = measure(path, week, rounds)?;
    println!(
        "reads during a merge of {week} bookings, {rounds} rounds each way, on a copy of {}: merge p50 {:.0} ms, max {:.0} ms",
        path.display(),
        figures.merges.percentile(50.0),
        figures.merges.percentile(100.0)
    );
    for (name, way) in [("through the store's lock", &figures.locked), ("through a reader", &figures.reader)] {
        for (what, l) in [("item list", &way.items), ("availability", &way.availability)] {
            println!(
                "  {what}, {name}: {} reads, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
                l.0.len(),
                l.percentile(50.0),
                l.percentile(99.0),
                l.percentile(100.0)
            );
        }
    }
    Ok(())
}
