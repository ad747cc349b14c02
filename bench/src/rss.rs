//! Peak memory of a device receiving a whole group: a new member's first contact over real
//! iroh connections on loopback (the group's device serving it from this process), and the
//! import of the group's full bundle from a file. Each receiving device runs in a fresh
//! child process (`--rss first-contact|import ...`), which reports its wall time and its
//! peak resident set size (`VmHWM`), so that nothing this process built counts.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use delbar_core::Store;
use delbar_core::domain::Role;
use delbar_core::ids::GroupId;
use delbar_core::net::{SyncConfig, SyncService, format_peer_addr, parse_peer_addr};

use crate::history::{self, Built};
use crate::probe::peak_rss_mb;
use crate::report::Row;

/// The row names.
pub const FIRST_CONTACT_RSS: &str = "first contact over iroh: peak RSS of the new device (MB)";
/// The row names.
pub const IMPORT_RSS: &str = "full bundle import: peak RSS (MB)";

/// What one child reported.
struct Figures {
    ms: f64,
    rss_mb: f64,
}

/// Measures both and returns their rows. `in_process` runs the receiving side in this
/// process (for tests: the memory figure then means little).
pub fn rows(built: &Built, dir: &Path, in_process: bool) -> Result<Vec<Row>, String> {
    let err = |e: delbar_core::Error| e.to_string();
    let (contact_db, import_db) = (dir.join("rss-contact.db"), dir.join("rss-import.db"));
    let mut source = history::reopen(built).map_err(err)?;
    for (path, name) in [(&contact_db, "Ny telefon"), (&import_db, "Ny surfplatta")] {
        let device = Store::open(path).map_err(err)?.device_id().clone();
        source.add_member(&built.group, name, Role::Member, Some((device, "phone"))).map_err(err)?;
    }
    let bundle = dir.join("full.bundle");
    let bundle_bytes = delbar_core::sync::write_bundle_file(&source, &built.group, None, &bundle).map_err(err)?;

    eprintln!("peak memory: full bundle import ({} KB)...", bundle_bytes / 1024);
    let import = run("import", &bundle.display().to_string(), &built.group, &import_db, in_process)?;

    eprintln!("peak memory: first contact over iroh...");
    let hub = SyncService::start(Arc::new(Mutex::new(source)), SyncConfig::default()).map_err(err)?;
    let addr = format_peer_addr(&hub.addr().map_err(err)?).map_err(|e| e.to_string())?;
    let contact = run("first-contact", &addr, &built.group, &contact_db, in_process)?;
    drop(hub);

    Ok(vec![
        Row::single("full bundle: size (KB)", bundle_bytes as f64 / 1024.0, f64::NAN),
        Row::single(IMPORT_RSS, import.rss_mb, f64::NAN),
        Row::single("full bundle import: time (ms)", import.ms, f64::NAN),
        Row::single(FIRST_CONTACT_RSS, contact.rss_mb, f64::NAN),
        Row::single("first contact over iroh: time (ms)", contact.ms, f64::NAN),
    ])
}

fn run(what: &str, input: &str, group: &GroupId, db: &Path, in_process: bool) -> Result<Figures, String> {
    let db_text = db.display().to_string();
    if in_process {
        let ms = receive(what, input, group.as_str(), &db_text)?;
        return Ok(Figures { ms, rss_mb: peak_rss_mb() });
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(exe)
        .args(["--rss", what, input, group.as_str(), &db_text])
        .output()
        .map_err(|e| format!("cannot start the {what} child: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace();
    let ms = fields.next().and_then(|s| s.parse().ok());
    let rss_mb = fields.next().and_then(|s| s.parse().ok());
    match (ms, rss_mb, out.status.success()) {
        (Some(ms), Some(rss_mb), true) => Ok(Figures { ms, rss_mb }),
        _ => Err(format!("the {what} child failed: {}", String::from_utf8_lossy(&out.stderr))),
    }
}

/// The receiving device: imports the bundle at `input`, or dials the device at `input` for a
/// first contact. Returns the wall time in ms.
fn receive(what: &str, input: &str, group: &str, db: &str) -> Result<f64, String> {
    let err = |e: delbar_core::Error| e.to_string();
    let group = GroupId::parse(group).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut store = Store::open(db).map_err(err)?;
    match what {
        "import" => {
            // Read as a stream, one document at a time, as `delbar bundle import` does.
            delbar_core::sync::import_bundle_file(&mut store, Some(&group), Path::new(input)).map_err(err)?;
        }
        "first-contact" => {
            let peer = parse_peer_addr(input).map_err(|e| e.to_string())?;
            let service = SyncService::start(Arc::new(Mutex::new(store)), SyncConfig::default()).map_err(err)?;
            service.sync_with(peer, &group).map_err(err)?;
        }
        other => return Err(format!("unknown measurement {other}")),
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

/// The child side: prints `ms rss_mb`.
pub fn run_child() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(what), Some(input), Some(group), Some(db)) = (args.get(2), args.get(3), args.get(4), args.get(5)) else {
        eprintln!("usage: --rss import|first-contact INPUT GROUP STORE");
        return ExitCode::from(2);
    };
    match receive(what, input, group, db) {
        Ok(ms) => {
            println!("{ms:.1} {:.1}", peak_rss_mb());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
