//! Cold opens, measured in a fresh child process: from the start of `main` to the first item
//! list ready, then a few queries, then the process's peak resident memory. Each design is
//! opened [`OPENS`] times and the median reported, so that one open slowed by another
//! process on the shared machine does not decide the figure.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use delbar_core::Store;
use delbar_core::ids::GroupId;
use delbar_core::store::ItemFilter;
use delbar_core::time::{DAY_MS, HOUR_MS};

use crate::naive::Naive;

/// What a child reported.
pub struct Probe {
    pub open_ms: f64,
    pub rss_mb: f64,
}

/// Cold open figures: from a child process (`in_process` false, the real measure), or from
/// this process (for tests, where the figures mean little).
/// Cold opens per design and size.
pub const OPENS: usize = 5;

pub fn measure(design: &str, path: &Path, group: &GroupId, in_process: bool) -> Result<Probe, String> {
    if !in_process {
        let mut probes = (0..OPENS).map(|_| spawn(design, path, group)).collect::<Result<Vec<_>, _>>()?;
        probes.sort_by(|a, b| a.open_ms.total_cmp(&b.open_ms));
        let rss_mb = probes.iter().map(|p| p.rss_mb).fold(0.0, f64::max);
        return Ok(Probe { open_ms: probes[OPENS / 2].open_ms, rss_mb });
    }
    let path_text = path.display().to_string();
    let open_ms = match design {
        "delbar" => delbar(&path_text, group.as_str(), Instant::now())?,
        _ => naive(&path_text, Instant::now())?,
    };
    Ok(Probe { open_ms, rss_mb: peak_rss_mb() })
}

/// Runs this binary as `--probe DESIGN PATH GROUP` and reads its figures.
fn spawn(design: &str, path: &Path, group: &GroupId) -> Result<Probe, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(exe)
        .args(["--probe", design])
        .arg(path)
        .arg(group.as_str())
        .output()
        .map_err(|e| format!("cannot start the probe: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace();
    let open_ms = fields.next().and_then(|s| s.parse().ok());
    let rss_mb = fields.next().and_then(|s| s.parse().ok());
    match (open_ms, rss_mb, out.status.success()) {
        (Some(open_ms), Some(rss_mb), true) => Ok(Probe { open_ms, rss_mb }),
        _ => Err(format!("the {design} probe failed: {}", String::from_utf8_lossy(&out.stderr))),
    }
}

/// Peak resident set size of this process in MB (Linux), 0 elsewhere.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// The child side: prints `open_ms rss_mb`.
pub fn run_child() -> ExitCode {
    let started = Instant::now();
    let args: Vec<String> = std::env::args().collect();
    let (Some(design), Some(path), Some(group)) = (args.get(2), args.get(3), args.get(4)) else {
        eprintln!("usage: --probe delbar|naive PATH GROUP");
        return ExitCode::from(2);
    };
    let result = match design.as_str() {
        "delbar" => delbar(path, group, started),
        "naive" => naive(path, started),
        _ => Err(format!("unknown design {design}")),
    };
    match result {
        Ok(open_ms) => {
            println!("{open_ms:.3} {:.1}", peak_rss_mb());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn delbar(path: &str, group: &str, started: Instant) -> Result<f64, String> {
    let group = GroupId::parse(group).map_err(|e| e.to_string())?;
    let store = Store::open(path).map_err(|e| e.to_string())?;
    let items = store.items(&group, &ItemFilter::default()).map_err(|e| e.to_string())?;
    let open_ms = started.elapsed().as_secs_f64() * 1000.0;
    // The queries a person makes next, for the memory figure.
    let now = store.now();
    for (i, item) in items.iter().take(50).enumerate() {
        let start = now.plus_ms((i as i64 % 30) * DAY_MS);
        store.availability(&group, &item.id, start, start.plus_ms(8 * HOUR_MS)).map_err(|e| e.to_string())?;
    }
    for q in ["jord", "sag", "oksa", "stege"] {
        store.search_items(&group, q, 20).map_err(|e| e.to_string())?;
    }
    Ok(open_ms)
}

fn naive(path: &str, started: Instant) -> Result<f64, String> {
    let doc = Naive::load(Path::new(path)).map_err(|e| e.to_string())?;
    let names = doc.item_names().map_err(|e| e.to_string())?;
    let open_ms = started.elapsed().as_secs_f64() * 1000.0;
    let _ = names.len();
    Ok(open_ms)
}
