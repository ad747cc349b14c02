//! `delbar-bench`: what opening the app, answering "is the tiller free on Saturday?",
//! searching and booking cost as a group's history grows, for Delbar and, side by side in the
//! same run, for a naive design that keeps everything in one automerge document.
//!
//! ```text
//! cargo run --release -p delbar-bench               # 5k, 50k and 200k bookings
//! cargo run --release -p delbar-bench -- --quick    # a small smoke run
//! cargo run --release -p delbar-bench -- --writes-on DIR/delbar-200000.db   # a kept store's writes again
//! cargo run --release -p delbar-bench -- --new-rows --keep DIR    # only the rows added since 2026-12-06
//! cargo run --release -p delbar-bench -- --rows-on DIR/delbar-200000.db      # ... again on a kept store
//! cargo run --release -p delbar-bench -- --rss-on DIR/delbar-200000.db       # only the peak memory rows
//! cargo run --release -p delbar-bench -- --reads-during-merge DIR/delbar-200000.db   # reads while a week merges
//! cargo run --release -p delbar-bench -- --photos 5    # a photo added, fetched by 5 members from a hub
//! ```
//!
//! It prints a table and writes the same figures as JSON (`--json PATH`, default
//! `target/bench.json`). Cold opens run in a child process of this same binary, so they
//! include loading from disk into a process that has nothing cached; so do the peak memory
//! rows of a new device receiving the whole group (first contact over iroh, full bundle
//! import).

mod history;
mod hostile;
mod kept;
mod naive;
mod photos;
mod probe;
mod reads;
mod report;
mod rss;
mod stats;
mod sync;
mod turns;

use std::path::PathBuf;
use std::process::ExitCode;

use report::{Row, SizeReport};

/// The rows of `stats` over the last 30 and 365 days.
const STATS_MONTH: &str = "stats, one-month window (ms)";
const STATS_YEAR: &str = "stats, one-year window (ms)";

/// What to run.
struct Args {
    sizes: Vec<usize>,
    items: usize,
    members: usize,
    samples: usize,
    /// Bookings made during the week offline.
    week: usize,
    json: PathBuf,
    /// Where to leave a copy of each built Delbar store, to examine after the run.
    keep: Option<PathBuf>,
    /// Measure cold opens in this process rather than in a child (tests only: a test
    /// binary cannot be started as the probe).
    probe_in_process: bool,
    /// Only measure durable writes again, on a copy of this kept store.
    writes_on: Option<PathBuf>,
    /// Only measure weeks offline received by another device, on copies of this kept store.
    week_on: Option<PathBuf>,
    /// Build only the Delbar stores (no naive document) and measure only the rows added
    /// after the run of 2026-12-06 ([`new_rows`]).
    new_rows: bool,
    /// Measure only those rows, on copies of these kept stores.
    rows_on: Vec<PathBuf>,
    /// Measure only the peak memory of a device receiving the whole group, on copies of
    /// these kept stores.
    rss_on: Vec<PathBuf>,
    /// Measure only reads asked while a week of bookings merges, on copies of this kept
    /// store (`reads`).
    reads_during_merge: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut out = Args {
        sizes: vec![5_000, 50_000, 200_000],
        items: 2_000,
        members: 60,
        samples: 1_000,
        week: 1_000,
        json: PathBuf::from("target/bench.json"),
        keep: None,
        probe_in_process: false,
        writes_on: None,
        week_on: None,
        new_rows: false,
        rows_on: Vec::new(),
        rss_on: Vec::new(),
        reads_during_merge: None,
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => {
                out.sizes = vec![500, 2_000];
                out.items = 100;
                out.members = 10;
                out.samples = 100;
                out.week = 100;
            }
            "--sizes" => {
                let v = args.next().ok_or("--sizes needs a list such as 5000,50000")?;
                out.sizes = v
                    .split(',')
                    .map(|s| s.trim().parse().map_err(|_| format!("bad size '{s}'")))
                    .collect::<Result<_, _>>()?;
            }
            "--week" => {
                out.week = args.next().and_then(|s| s.parse().ok()).ok_or("--week needs a number of bookings")?;
            }
            "--json" => out.json = PathBuf::from(args.next().ok_or("--json needs a path")?),
            "--keep" => out.keep = Some(PathBuf::from(args.next().ok_or("--keep needs a directory")?)),
            "--writes-on" => {
                out.writes_on = Some(PathBuf::from(args.next().ok_or("--writes-on needs a store kept by --keep")?));
            }
            "--week-on" => {
                out.week_on = Some(PathBuf::from(args.next().ok_or("--week-on needs a store kept by --keep")?));
            }
            "--new-rows" => out.new_rows = true,
            "--rows-on" => {
                out.rows_on.push(PathBuf::from(args.next().ok_or("--rows-on needs a store kept by --keep")?))
            }
            "--rss-on" => out.rss_on.push(PathBuf::from(args.next().ok_or("--rss-on needs a store kept by --keep")?)),
            "--reads-during-merge" => {
                out.reads_during_merge =
                    Some(PathBuf::from(args.next().ok_or("--reads-during-merge needs a store kept by --keep")?));
            }
            "--samples" => {
                out.samples = args.next().and_then(|s| s.parse().ok()).ok_or("--samples needs a number")?;
            }
            other => {
                return Err(format!(
                    "unknown argument '{other}' (try --quick, --sizes, --samples, --week, --json, --keep, --writes-on, --week-on, --new-rows, --rows-on, --rss-on, --reads-during-merge)"
                ));
            }
        }
    }
    Ok(out)
}

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--probe") {
        return probe::run_child();
    }
    if std::env::args().nth(1).as_deref() == Some("--rss") {
        return rss::run_child();
    }
    if std::env::args().nth(1).as_deref() == Some("--hostile-hub") {
        return hostile::run_child();
    }
    if std::env::args().nth(1).as_deref() == Some("--hostile") {
        let strangers = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(16);
        return match hostile::run(strangers) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if std::env::args().nth(1).as_deref() == Some("--photos") {
        let samples = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(5);
        return match photos::run(samples) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    if let Some(path) = &args.writes_on {
        return kept::print_writes(path, args.samples);
    }
    if let Some(path) = &args.week_on {
        return kept::print_week(path, args.week, turns::ROUNDS);
    }
    if let Some(path) = &args.reads_during_merge {
        return reads::print(path, args.week, turns::ROUNDS);
    }
    let mut reports = Vec::new();
    let started = std::time::Instant::now();
    if !args.rows_on.is_empty() {
        for path in &args.rows_on {
            reports.push(kept::new_rows(path, args.week, args.samples, args.probe_in_process)?);
            write_reports(args, &reports, started)?;
        }
        return Ok(());
    }
    if !args.rss_on.is_empty() {
        for path in &args.rss_on {
            reports.push(kept::rss_rows(path, args.probe_in_process)?);
            write_reports(args, &reports, started)?;
        }
        return Ok(());
    }
    let catalogue_plan = history::Plan { items: args.items, members: args.members, bookings: 0, seed: 7 };
    let mut catalogue = history::catalogue(&catalogue_plan).map_err(|e| e.to_string())?;
    eprintln!("catalogue of {} items made in {:.1} s", args.items, started.elapsed().as_secs_f64());
    let mut kept = Vec::new();
    for &size in &args.sizes {
        let (report, built) = measure_size(args, &mut catalogue, size)?;
        reports.push(report);
        kept.push(built);
        // Every finished size is written at once, so a long run that is stopped keeps them.
        write_reports(args, &reports, started)?;
    }
    // The growth pass: the sizes take turns, so the machine's drift is not read as growth.
    if kept.len() > 1 && !args.new_rows {
        let rows = turns::measure(&kept, args.samples, args.week, args.probe_in_process)?;
        for (report, rows) in reports.iter_mut().zip(rows) {
            report.rows.extend(rows);
        }
        write_reports(args, &reports, started)?;
    }
    Ok(())
}

/// Prints the table and writes the JSON of the sizes measured so far.
fn write_reports(args: &Args, reports: &[SizeReport], started: std::time::Instant) -> Result<(), String> {
    println!("{}", report::table(reports));
    if let Some(parent) = args.json.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::write(&args.json, report::json(reports))
        .map_err(|e| format!("cannot write {}: {e}", args.json.display()))?;
    eprintln!("figures written to {} ({:.0} s so far)", args.json.display(), started.elapsed().as_secs_f64());
    Ok(())
}

/// Builds the group at one history size and takes every measurement; returns the built
/// stores too, for the growth pass.
fn measure_size(
    args: &Args,
    catalogue: &mut history::Catalogue,
    size: usize,
) -> Result<(SizeReport, turns::Kept), String> {
    eprintln!("building a group with {} items, {} members and {size} bookings...", args.items, args.members);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let plan = history::Plan { items: args.items, members: args.members, bookings: size, seed: 7 };
    let t = std::time::Instant::now();
    let built = history::build_with(dir.path(), &plan, catalogue, !args.new_rows).map_err(|e| e.to_string())?;
    let build_s = t.elapsed().as_secs_f64();
    eprintln!("built in {build_s:.1} s");
    // Building wrote hundreds of megabytes at the large sizes; flush them before measuring,
    // or the kernel's write-back of the build lands in the measured fsyncs and opens.
    for path in [&built.delbar_path, &built.naive_path] {
        stats::flush_to_disk(path);
    }
    if let Some(keep) = &args.keep {
        stats::copy_store(&built.delbar_path, &keep.join(format!("delbar-{size}.db")))?;
    }
    if args.new_rows {
        let rows = new_rows(&built, dir.path(), args.week, args.samples, args.probe_in_process)?;
        return Ok((SizeReport { bookings: size, build_seconds: build_s, rows }, turns::Kept { dir, built }));
    }
    let mut rows: Vec<Row> = Vec::new();
    let delbar_open = probe::measure("delbar", &built.delbar_path, &built.group, args.probe_in_process)?;
    let naive_open = probe::measure("naive", &built.naive_path, &built.group, args.probe_in_process)?;
    rows.push(Row::single("cold open to first item list (ms)", delbar_open.open_ms, naive_open.open_ms));
    rows.push(Row::single("peak RSS, open + queries (MB)", delbar_open.rss_mb, naive_open.rss_mb));
    let mut delbar = history::reopen(&built).map_err(|e| e.to_string())?;
    let questions = stats::availability_questions(&built, args.samples);
    let words = stats::search_words(&built, args.samples);
    let d_avail = stats::delbar_availability(&delbar, &built, &questions)?;
    let d_search = stats::delbar_search(&delbar, &built, &words)?;
    let naive_doc = naive::Naive::load(&built.naive_path).map_err(|e| e.to_string())?;
    let naive_samples = if size > 20_000 { 5 } else { 20 };
    let n_avail = stats::naive_availability(&naive_doc, &questions[..naive_samples.min(questions.len())])?;
    let n_search = stats::naive_search(&naive_doc, &words[..naive_samples.min(words.len())])?;
    drop(naive_doc);
    rows.push(Row::latency("availability query (ms)", &d_avail, &n_avail));
    rows.push(Row::latency("item text search (ms)", &d_search, &n_search));
    stats_rows(&mut rows, &delbar, &built, args.samples)?;
    let (d_write, n_write) = stats::writes(&mut delbar, &built, 200)?;
    rows.push(Row::latency("durable booking write (ms)", &d_write, &n_write));
    rows.push(Row::single(
        "store size on disk (MB)",
        stats::disk_mb(&built.delbar_path),
        stats::disk_mb(&built.naive_path),
    ));
    drop(delbar);
    sync_rows(&mut rows, &built, dir.path(), args.week, true)?;
    rows.extend(rss::rows(&built, dir.path(), args.probe_in_process)?);
    let mut delbar = history::reopen(&built).map_err(|e| e.to_string())?;
    // The fast-built history must be what the store's own writes would have made: the
    // projection rebuilt from the documents equals the incremental one (small sizes only, the
    // rebuild reads every document).
    if size <= 20_000 {
        let report = delbar.check(Some(&built.group)).map_err(|e| e.to_string())?;
        if !report.is_clean() {
            return Err(format!("the measured store does not pass its check: {:?}", report.differences.first()));
        }
    }
    drop(delbar);
    Ok((SizeReport { bookings: size, build_seconds: build_s, rows }, turns::Kept { dir, built }))
}

/// The rows added after the recorded run of 2026-12-06, alone: `stats` over a month and a
/// year, a week offline over the session and over a pipe (after a first contact), and the
/// peak memory of a device receiving the whole group (first contact over iroh, bundle
/// import). On the store `built` describes, which they change (members added, a week booked).
pub fn new_rows(
    built: &history::Built,
    dir: &std::path::Path,
    week: usize,
    samples: usize,
    in_process: bool,
) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let delbar = history::reopen(built).map_err(|e| e.to_string())?;
    stats_rows(&mut rows, &delbar, built, samples)?;
    drop(delbar);
    sync_rows(&mut rows, built, dir, week, false)?;
    rows.extend(rss::rows(built, dir, in_process)?);
    Ok(rows)
}

/// `stats` over the last 30 and 365 days, at most 20 samples each.
fn stats_rows(
    rows: &mut Vec<Row>,
    delbar: &delbar_core::Store,
    built: &history::Built,
    samples: usize,
) -> Result<(), String> {
    let stats_samples = samples.min(20);
    let none = stats::Latencies(Vec::new());
    let month = stats::delbar_stats(delbar, built, 30, stats_samples)?;
    rows.push(Row::latency(STATS_MONTH, &month, &none));
    let year = stats::delbar_stats(delbar, built, 365, stats_samples)?;
    rows.push(Row::latency(STATS_YEAR, &year, &none));
    Ok(())
}

/// The row of the week offline carried over a byte pipe instead of iroh.
const PIPE_WEEK_BYTES: &str = "week offline over a pipe: bytes, handshake included (KB)";

/// Measurements 5 and 6: a new member's first contact, then a week offline (over iroh's
/// session, and over a pipe on a copy of the peer); the naive design's week too if
/// `with_naive`.
fn sync_rows(
    rows: &mut Vec<Row>,
    built: &history::Built,
    dir: &std::path::Path,
    week_bookings: usize,
    with_naive: bool,
) -> Result<(), String> {
    let err = |e: delbar_core::Error| e.to_string();
    let kb = |b: u64| b as f64 / 1024.0;
    let peer_path = dir.join("peer.db");
    let open_peer = || delbar_core::Store::open_with_clock(&peer_path, std::sync::Arc::new(built.clock.clone()));
    let mut source = history::reopen(built).map_err(err)?;
    let mut peer = open_peer().map_err(err)?;
    eprintln!("first contact...");
    let (first, saved) = sync::first_contact(&mut source, &mut peer, &built.group)?;
    rows.push(Row::single("first contact: bytes on the wire (KB)", kb(first.bytes()), f64::NAN));
    rows.push(Row::single("first contact: saved size of the group (KB)", kb(saved), f64::NAN));
    rows.push(Row::single("first contact: wire / saved size", first.bytes() as f64 / saved.max(1) as f64, f64::NAN));
    rows.push(Row::single("first contact: time (ms)", first.ms, f64::NAN));
    rows.push(Row::single("first contact: messages", f64::from(first.messages), f64::NAN));
    eprintln!("a week offline...");
    // A week passes: both apps have been closed and opened again since they met, so neither
    // holds the other's documents in memory (first contact had loaded every document, and
    // which ones stayed loaded would depend on the group's age).
    drop((source, peer));
    // A copy of the peer as it is now receives the same week over a pipe.
    let pipe_peer_path = dir.join("peer-pipe.db");
    std::fs::copy(&peer_path, &pipe_peer_path).map_err(|e| e.to_string())?;
    let mut source = history::reopen(built).map_err(err)?;
    let mut peer = open_peer().map_err(err)?;
    let before = delbar_core::sync::KnownHeads::of(&source, &built.group).map_err(err)?;
    sync::book_many(&mut source, built, week_bookings)?;
    let week = sync::session(&mut source, &mut peer, &built.group)?;
    let mut pipe_peer =
        delbar_core::Store::open_with_clock(&pipe_peer_path, std::sync::Arc::new(built.clock.clone())).map_err(err)?;
    let piped = sync::pipe_session(&mut source, &mut pipe_peer, &built.group)?;
    drop(pipe_peer);
    // Measured after the session: exporting loads every document, which would leave the
    // session's documents evicted from memory at the large sizes only.
    let (compact, bundled) = sync::compact_size(&mut source, &built.group, &before)?;
    // The naive design: a stale copy of the document and one with the same week's bookings.
    let (naive_compact, naive_bundled, naive_week) = if with_naive {
        let me = source.me(&built.group).map_err(err)?;
        let mut behind = naive::Naive::load(&built.naive_path).map_err(|e| e.to_string())?;
        let mut ahead = behind.fork();
        let old_heads = behind.doc_mut().get_heads();
        sync::naive_book_many(&mut ahead, built, source.device_id(), &me.id, week_bookings)?;
        let (naive_compact, naive_bundled) = sync::change_sizes(ahead.doc_mut(), &old_heads)?;
        (naive_compact, naive_bundled, sync::naive_session(ahead.doc_mut(), behind.doc_mut())?)
    } else {
        (0, 0, sync::SyncCost { ms: f64::NAN, ..sync::SyncCost::default() })
    };
    // Without the naive design its column is empty.
    let nkb = |b: u64| if with_naive { kb(b) } else { f64::NAN };
    let naive_ratio = |a: u64, b: u64| if with_naive { a as f64 / b.max(1) as f64 } else { f64::NAN };
    rows.push(Row::single("week offline: bytes on the wire (KB)", kb(week.bytes()), nkb(naive_week.bytes())));
    rows.push(Row::single("week offline: bytes up (KB)", kb(week.bytes_up), nkb(naive_week.bytes_up)));
    rows.push(Row::single("week offline: bytes down (KB)", kb(week.bytes_down), nkb(naive_week.bytes_down)));
    rows.push(Row::single("week offline: new changes, save_after (KB)", kb(compact), nkb(naive_compact)));
    rows.push(Row::single("week offline: new changes, compressed (KB)", kb(bundled), nkb(naive_bundled)));
    rows.push(Row::single(
        "week offline: wire / save_after size",
        week.bytes() as f64 / compact.max(1) as f64,
        naive_ratio(naive_week.bytes(), naive_compact),
    ));
    rows.push(Row::single(
        "week offline: wire / compressed size",
        week.bytes() as f64 / bundled.max(1) as f64,
        naive_ratio(naive_week.bytes(), naive_bundled),
    ));
    rows.push(Row::single("week offline: time (ms)", week.ms, naive_week.ms));
    let naive_messages = if with_naive { f64::from(naive_week.messages) } else { f64::NAN };
    rows.push(Row::single("week offline: messages", f64::from(week.messages), naive_messages));
    rows.push(Row::single(PIPE_WEEK_BYTES, kb(piped.bytes()), f64::NAN));
    rows.push(Row::single(
        "week offline over a pipe: / bytes over iroh",
        piped.bytes() as f64 / week.bytes().max(1) as f64,
        f64::NAN,
    ));
    rows.push(Row::single("week offline over a pipe: frames", f64::from(piped.messages), f64::NAN));
    rows.push(Row::single("week offline over a pipe: time (ms)", piped.ms, f64::NAN));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny group through every measurement, end to end (no timing is asserted).
    #[test]
    fn tiny_run_measures_everything_and_writes_json() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("bench.json");
        let args = Args {
            sizes: vec![40, 80],
            items: 12,
            members: 4,
            samples: 5,
            week: 10,
            json: json.clone(),
            keep: Some(dir.path().join("kept")),
            probe_in_process: true,
            writes_on: None,
            week_on: None,
            new_rows: false,
            rows_on: Vec::new(),
            rss_on: Vec::new(),
            reads_during_merge: None,
        };
        run(&args).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        let sizes = v["sizes"].as_array().unwrap();
        assert_eq!(sizes.len(), 2);
        let rows = sizes[1]["rows"].as_array().unwrap();
        assert!(rows.iter().any(|r| r["what"] == "week offline: bytes on the wire (KB)"));
        assert!(rows.iter().any(|r| r["what"] == "first contact: bytes on the wire (KB)"));
        assert!(rows.iter().any(|r| r["what"] == PIPE_WEEK_BYTES));
        for what in [STATS_MONTH, STATS_YEAR] {
            let row = rows.iter().find(|r| r["what"] == what).unwrap();
            assert!(row["delbar"][0][1].as_f64().unwrap() > 0.0, "{row}");
        }
        assert!(rows.iter().any(|r| r["what"] == rss::FIRST_CONTACT_RSS));
        assert!(rows.iter().any(|r| r["what"] == rss::IMPORT_RSS));
        // The growth pass ran for both sizes.
        for size in sizes {
            let turns = size["rows"].as_array().unwrap().iter().find(|r| r["what"] == turns::TURNS_WRITE).unwrap();
            assert!(turns["delbar"][0][1].as_f64().unwrap() > 0.0, "{turns}");
        }
        assert!(!v["targets"].as_array().unwrap().is_empty());
        // The built stores were kept, and open.
        let kept = dir.path().join("kept").join("delbar-80.db");
        assert!(!delbar_core::Store::open(&kept).unwrap().groups().unwrap().is_empty());
        // A kept store's writes can be measured again.
        let again = kept::writes(&kept, 5).unwrap();
        assert_eq!(again.0.len(), 5);
        assert!(again.0.iter().all(|ms| *ms > 0.0), "{:?}", again.0);
        // And a week offline received by another device holding its history.
        let weeks = kept::week(&kept, 5, 2).unwrap();
        assert_eq!(weeks.len(), 2);
        assert!(weeks.iter().all(|w| w.ms > 0.0 && w.bytes() > 0), "{weeks:?}");
        // And the rows added since 2026-12-06 alone, on the kept store.
        let again = kept::new_rows(&kept, 5, 5, true).unwrap();
        assert_eq!(again.bookings, 80);
        let has = |what: &str| again.rows.iter().any(|r| r.what == what && r.delbar[0].1 > 0.0);
        for what in [STATS_MONTH, STATS_YEAR, PIPE_WEEK_BYTES, rss::FIRST_CONTACT_RSS, rss::IMPORT_RSS] {
            assert!(has(what), "{what}");
        }
        assert!(again.rows.iter().all(|r| r.naive.iter().all(|(_, v)| v.is_nan())), "no naive figures");
        // And the peak memory rows alone: the receiving devices end up with the group.
        let memory = kept::rss_rows(&kept, true).unwrap();
        assert_eq!(memory.bookings, 80);
        for what in [rss::FIRST_CONTACT_RSS, rss::IMPORT_RSS] {
            assert!(memory.rows.iter().any(|r| r.what == what && r.delbar[0].1 > 0.0), "{what}");
        }
        // And reads asked while a week merges, both ways, on copies of the kept store.
        let reads = reads::measure(&kept, 30, 1).unwrap();
        assert_eq!(reads.merges.0.len(), 2, "one merge each way");
        for way in [&reads.locked, &reads.reader] {
            let asked = way.items.0.len() + way.availability.0.len();
            assert!(asked > 0, "a read is asked as each merge starts");
            assert!(way.items.0.iter().chain(&way.availability.0).all(|ms| *ms > 0.0));
        }
    }

    /// `--new-rows`: the Delbar store alone is built, and only the new rows are measured.
    #[test]
    fn new_rows_build_no_naive_document() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("bench.json");
        let args = Args {
            sizes: vec![30],
            items: 8,
            members: 3,
            samples: 5,
            week: 5,
            json: json.clone(),
            keep: None,
            probe_in_process: true,
            writes_on: None,
            week_on: None,
            new_rows: true,
            rows_on: Vec::new(),
            rss_on: Vec::new(),
            reads_during_merge: None,
        };
        run(&args).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        let rows = v["sizes"][0]["rows"].as_array().unwrap();
        assert!(rows.iter().any(|r| r["what"] == PIPE_WEEK_BYTES));
        assert!(rows.iter().any(|r| r["what"] == rss::IMPORT_RSS));
        assert!(!rows.iter().any(|r| r["what"] == "cold open to first item list (ms)"));
        let targets = v["targets"].as_array().unwrap();
        assert!(targets.iter().any(|t| t["target"].as_str().unwrap().starts_with("week offline: pipe bytes")));
        assert!(!targets.iter().any(|t| t["target"].as_str().unwrap().starts_with("vs naive")), "{targets:?}");
    }
}
