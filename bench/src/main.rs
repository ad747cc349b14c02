//! `delbar-bench`: what opening the app, answering "is the tiller free on Saturday?",
//! searching and booking cost as a group's history grows, for Delbar and, side by side in the
//! same run, for a naive design that keeps everything in one automerge document.
//!
//! ```text
//! cargo run --release -p delbar-bench               # 5k, 50k and 200k bookings
//! cargo run --release -p delbar-bench -- --quick    # a small smoke run
//! ```
//!
//! It prints a table and writes the same figures as JSON (`--json PATH`, default
//! `target/bench.json`). Cold opens run in a child process of this same binary, so they
//! include loading from disk into a process that has nothing cached.

mod history;
mod naive;
mod probe;
mod report;
mod stats;

use std::path::PathBuf;
use std::process::ExitCode;

use report::{Row, SizeReport};

/// What to run.
struct Args {
    sizes: Vec<usize>,
    items: usize,
    members: usize,
    samples: usize,
    json: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut out = Args {
        sizes: vec![5_000, 50_000, 200_000],
        items: 2_000,
        members: 60,
        samples: 1_000,
        json: PathBuf::from("target/bench.json"),
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => {
                out.sizes = vec![500, 2_000];
                out.items = 100;
                out.members = 10;
                out.samples = 100;
            }
            "--sizes" => {
                let v = args.next().ok_or("--sizes needs a list such as 5000,50000")?;
                out.sizes = v
                    .split(',')
                    .map(|s| s.trim().parse().map_err(|_| format!("bad size '{s}'")))
                    .collect::<Result<_, _>>()?;
            }
            "--json" => out.json = PathBuf::from(args.next().ok_or("--json needs a path")?),
            "--samples" => {
                out.samples = args.next().and_then(|s| s.parse().ok()).ok_or("--samples needs a number")?;
            }
            other => return Err(format!("unknown argument '{other}' (try --quick, --sizes, --samples, --json)")),
        }
    }
    Ok(out)
}

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--probe") {
        return probe::run_child();
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
    let mut reports = Vec::new();
    for &size in &args.sizes {
        eprintln!("building a group with {} items, {} members and {size} bookings...", args.items, args.members);
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let plan = history::Plan { items: args.items, members: args.members, bookings: size, seed: 7 };
        let built = history::build(dir.path(), &plan).map_err(|e| e.to_string())?;
        let mut rows: Vec<Row> = Vec::new();
        let delbar_open = probe::spawn("delbar", &built.delbar_path, &built.group)?;
        let naive_open = probe::spawn("naive", &built.naive_path, &built.group)?;
        rows.push(Row::single("cold open to first item list (ms)", delbar_open.open_ms, naive_open.open_ms));
        rows.push(Row::single("peak RSS, open + queries (MB)", delbar_open.rss_mb, naive_open.rss_mb));
        let mut delbar = history::reopen(&built).map_err(|e| e.to_string())?;
        let naive_doc = naive::Naive::load(&built.naive_path).map_err(|e| e.to_string())?;
        let naive_samples = if size > 20_000 { 5 } else { 20 };
        let (d_avail, n_avail) = stats::availability(&mut delbar, &built, &naive_doc, args.samples, naive_samples)?;
        rows.push(Row::latency("availability query (ms)", &d_avail, &n_avail));
        let (d_search, n_search) = stats::search(&delbar, &built, &naive_doc, args.samples, naive_samples)?;
        rows.push(Row::latency("item text search (ms)", &d_search, &n_search));
        drop(naive_doc);
        let (d_write, n_write) = stats::writes(&mut delbar, &built, 200)?;
        rows.push(Row::latency("durable booking write (ms)", &d_write, &n_write));
        rows.push(Row::single(
            "store size on disk (MB)",
            stats::disk_mb(&built.delbar_path),
            stats::disk_mb(&built.naive_path),
        ));
        reports.push(SizeReport { bookings: size, rows });
    }
    let text = report::table(&reports);
    println!("{text}");
    let json = report::json(&reports);
    if let Some(parent) = args.json.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::write(&args.json, json).map_err(|e| format!("cannot write {}: {e}", args.json.display()))?;
    eprintln!("figures written to {}", args.json.display());
    Ok(())
}
