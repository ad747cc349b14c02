//! The timed operations, on a warm process, with percentiles.

use std::path::Path;
use std::time::Instant;

use delbar_core::Store;
use delbar_core::domain::NewBooking;
use delbar_core::time::{DAY_MS, HOUR_MS};

use crate::history::{Built, Rng, confirmed_booking};
use crate::naive::Naive;

/// Latencies in milliseconds.
pub struct Latencies(pub Vec<f64>);

impl Latencies {
    /// The `p`-th percentile (0-100), nearest rank.
    pub fn percentile(&self, p: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
        v[rank.clamp(1, v.len()) - 1]
    }
}

fn time<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let t = Instant::now();
    let out = f();
    (t.elapsed().as_secs_f64() * 1000.0, out)
}

/// An availability question: an item and a window.
pub type Question = (delbar_core::ids::ItemId, delbar_core::time::Timestamp, delbar_core::time::Timestamp);

/// "Is this item free then?": `samples` random items and 8-hour windows in the coming weeks,
/// the same for both designs.
pub fn availability_questions(built: &Built, samples: usize) -> Vec<Question> {
    let mut rng = Rng(11);
    (0..samples)
        .map(|_| {
            let (item, _) = &built.items[rng.below(built.items.len() as u64) as usize];
            let start = built.now.plus_ms(rng.below(60) as i64 * DAY_MS);
            (item.clone(), start, start.plus_ms(8 * HOUR_MS))
        })
        .collect()
}

/// Delbar answering `questions`. Each design answers in its own loop, and Delbar's run
/// before the naive document is loaded: gigabytes of another design's document in the same
/// process (walked between two queries, or only resident) would leave Delbar's queries with
/// cold caches, a cost of the naive design, not Delbar's.
pub fn delbar_availability(store: &Store, built: &Built, questions: &[Question]) -> Result<Latencies, String> {
    let mut d = Vec::new();
    for (item, start, end) in questions {
        let (ms, r) = time(|| store.availability(&built.group, item, *start, *end));
        r.map_err(|e| e.to_string())?;
        d.push(ms);
    }
    Ok(Latencies(d))
}

/// The naive design answering `questions` by walking its document.
pub fn naive_availability(naive: &Naive, questions: &[Question]) -> Result<Latencies, String> {
    let mut n = Vec::new();
    for (item, start, end) in questions {
        let (ms, r) = time(|| naive.busy_units(item.as_str(), *start, *end));
        r.map_err(|e| e.to_string())?;
        n.push(ms);
    }
    Ok(Latencies(n))
}

/// Text search words: the first 3 to 5 letters of random items' names.
pub fn search_words(built: &Built, samples: usize) -> Vec<String> {
    let mut rng = Rng(13);
    (0..samples)
        .map(|_| {
            let (_, name) = &built.items[rng.below(built.items.len() as u64) as usize];
            name.chars().take(3 + rng.below(3) as usize).collect()
        })
        .collect()
}

/// Delbar's text search for `words` (20 results each), before the naive document is loaded
/// (see [`delbar_availability`]).
pub fn delbar_search(store: &Store, built: &Built, words: &[String]) -> Result<Latencies, String> {
    let mut d = Vec::new();
    for word in words {
        let (ms, r) = time(|| store.search_items(&built.group, word, 20));
        r.map_err(|e| e.to_string())?;
        d.push(ms);
    }
    Ok(Latencies(d))
}

/// The steward's numbers (`Store::stats`) over the `days` before the group's `now`, `samples`
/// times. The history books the same number of loans every 30 days at every size, so a cost
/// that follows the window stays flat as the history grows.
pub fn delbar_stats(store: &Store, built: &Built, days: i64, samples: usize) -> Result<Latencies, String> {
    let to = built.now;
    let from = to.plus_ms(-days * DAY_MS);
    let mut d = Vec::new();
    for _ in 0..samples.max(1) {
        let (ms, r) = time(|| store.stats(&built.group, from, to));
        r.map_err(|e| e.to_string())?;
        d.push(ms);
    }
    Ok(Latencies(d))
}

/// The naive design's search: walking every item.
pub fn naive_search(naive: &Naive, words: &[String]) -> Result<Latencies, String> {
    let mut n = Vec::new();
    for word in words {
        let (ms, r) = time(|| naive.search(word));
        r.map_err(|e| e.to_string())?;
        n.push(ms);
    }
    Ok(Latencies(n))
}

/// Durable booking writes: Delbar's `book` and the naive append-and-fsync.
pub fn writes(store: &mut Store, built: &Built, count: usize) -> Result<(Latencies, Latencies), String> {
    let d = delbar_writes(store, built, count)?;
    let base = built.now.plus_ms(40 * DAY_MS);
    let mut naive = Naive::load(&built.naive_path).map_err(|e| e.to_string())?;
    let me = store.me(&built.group).map_err(|e| e.to_string())?;
    let device = store.device_id().clone();
    let mut n = Vec::new();
    for k in 0..count {
        let (item, _) = &built.items[k % built.items.len()];
        let start = base.plus_ms(DAY_MS + k as i64 * HOUR_MS);
        let record = confirmed_booking(item.clone(), &me.id, &device, (start, start.plus_ms(HOUR_MS)), built.now);
        let (ms, r) = time(|| naive.durable_write(&built.naive_path, &record, &device));
        r.map_err(|e| e.to_string())?;
        n.push(ms);
    }
    Ok((d, Latencies(n)))
}

/// Durable booking writes by Delbar's `book`, in free slots from 40 days ahead (a slot an
/// earlier call filled is skipped).
pub fn delbar_writes(store: &mut Store, built: &Built, count: usize) -> Result<Latencies, String> {
    let mut d = Vec::new();
    let mut first = true;
    // Warm the month's document first, as an app that has been used does.
    let base = built.now.plus_ms(40 * DAY_MS);
    let mut k = 0;
    while d.len() < count {
        k += 1;
        let (item, _) = &built.items[k % built.items.len()];
        let start = base.plus_ms((k / built.items.len()) as i64 * 4 * HOUR_MS);
        // Overdue gear holds its units until it is back: book something else.
        let free =
            store.availability(&built.group, item, start, start.plus_ms(2 * HOUR_MS)).map_err(|e| e.to_string())?;
        if free.free_units == 0 {
            continue;
        }
        let request = NewBooking {
            item: item.clone(),
            units: 1,
            start,
            end: start.plus_ms(2 * HOUR_MS),
            note: String::new(),
            for_member: None,
        };
        let (ms, r) = time(|| store.book(&built.group, &request));
        r.map_err(|e| e.to_string())?;
        // Folding a document's chunks happens after the write is acknowledged (the bindings
        // run it on a thread of their own), so it is not part of the write's time.
        store.upkeep();
        // The first write loads the month's document, as the first booking after opening does.
        if std::mem::take(&mut first) {
            continue;
        }
        d.push(ms);
    }
    Ok(Latencies(d))
}

/// A store's file, its WAL and its change journal (either may not exist).
fn with_wal(path: &Path) -> [std::path::PathBuf; 3] {
    let beside = |suffix: &str| {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        std::path::PathBuf::from(p)
    };
    [path.to_path_buf(), beside("-wal"), beside(".journal")]
}

/// Flushes a file (and its WAL, for a store) to disk; a file that cannot be opened is skipped.
pub fn flush_to_disk(path: &Path) {
    for p in with_wal(path) {
        if let Ok(f) = std::fs::OpenOptions::new().read(true).open(&p) {
            let _ = f.sync_all();
        }
    }
}

/// Copies a closed store (with its WAL, if any) to `to`, creating its directory.
pub fn copy_store(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    for (src, dst) in with_wal(from).into_iter().zip(with_wal(to)) {
        if src.exists() {
            std::fs::copy(&src, &dst).map_err(|e| format!("cannot keep the store: {e}"))?;
        }
    }
    Ok(())
}

/// Size of a store on disk (with its WAL and journal), in MB.
pub fn disk_mb(path: &Path) -> f64 {
    let total: u64 = with_wal(path).iter().map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)).sum();
    total as f64 / 1_048_576.0
}
