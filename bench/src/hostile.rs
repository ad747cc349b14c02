//! A hub under hostile peers, measured: its peak memory and an honest member's sync time
//! before and during an attack over real iroh connections on loopback, with the default
//! limits (`SyncLimits::default()`) a hub runs with.
//!
//! The hub runs in a child process (`--hostile-hub STORE`), so its `VmHWM` is its own; this
//! process is the honest member's phone and the attackers. The child prints its address,
//! then answers each line on its stdin with its peak and current RSS and its session counts.
//!
//! The attack, all at once: `strangers` endpoints (keys of no member) each open connections
//! beyond the per-peer cap, one announcing a 60 MiB hello, one silent, the others stalled
//! after two bytes of a length; a member's device (authenticated) announces a frame over
//! `MAX_FRAME` on one connection and trickles a 16 MiB frame at 1 KiB/s on another. While
//! every connection is open, the honest member syncs; the attack is then held until the
//! handshake wait has passed, and the hub's memory read again.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use delbar_core::Store;
use delbar_core::domain::{ItemDraft, Role};
use delbar_core::ids::GroupId;
use delbar_core::net::frame::{Frame, MAX_FRAME, PROTOCOL_VERSION};
use delbar_core::net::{ALPN, SyncConfig, SyncLimits, SyncService, format_peer_addr, parse_peer_addr};
use iroh::endpoint::{Connection, presets};
use iroh::{Endpoint, EndpointAddr, SecretKey};

use crate::probe::peak_rss_mb;

/// What the hub said of itself.
#[derive(Debug, Clone, Copy)]
struct HubFigures {
    peak_mb: f64,
    rss_mb: f64,
    refused: u64,
    failed: u64,
}

/// The hub's child process, driven by lines; or, for tests (whose executable is not the
/// bench's), a hub in this process, whose memory figures then mean little.
struct HubChild {
    child: Option<std::process::Child>,
    lines: Option<std::io::Lines<BufReader<std::process::ChildStdout>>>,
    in_process: Option<SyncService>,
    addr: EndpointAddr,
}

impl HubChild {
    fn in_process(db: &std::path::Path) -> Result<Self, String> {
        let store = Store::open(db).map_err(|e| e.to_string())?;
        let hub = SyncService::start(Arc::new(Mutex::new(store)), SyncConfig::default()).map_err(|e| e.to_string())?;
        let addr = hub.addr().map_err(|e| e.to_string())?;
        Ok(HubChild { child: None, lines: None, in_process: Some(hub), addr })
    }

    fn start(db: &std::path::Path) -> Result<Self, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .args(["--hostile-hub", &db.display().to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the hub: {e}"))?;
        let stdout = child.stdout.take().ok_or("the hub has no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().ok_or("the hub printed nothing")?.map_err(|e| e.to_string())?;
        let addr = parse_peer_addr(first.trim()).map_err(|e| format!("the hub's address: {e}"))?;
        Ok(HubChild { child: Some(child), lines: Some(lines), in_process: None, addr })
    }

    fn figures(&mut self) -> Result<HubFigures, String> {
        if let Some(hub) = &self.in_process {
            let status = hub.status();
            return Ok(HubFigures {
                peak_mb: peak_rss_mb(),
                rss_mb: current_rss_mb(),
                refused: status.sessions_refused,
                failed: status.sessions_failed,
            });
        }
        let stdin = self.child.as_mut().and_then(|c| c.stdin.as_mut()).ok_or("the hub has no stdin")?;
        writeln!(stdin, "figures").map_err(|e| e.to_string())?;
        let line = self.lines.as_mut().and_then(Iterator::next).ok_or("the hub stopped")?.map_err(|e| e.to_string())?;
        let f: Vec<f64> = line.split_whitespace().filter_map(|s| s.parse().ok()).collect();
        match f.as_slice() {
            [peak_mb, rss_mb, refused, failed] => {
                Ok(HubFigures { peak_mb: *peak_mb, rss_mb: *rss_mb, refused: *refused as u64, failed: *failed as u64 })
            }
            _ => Err(format!("the hub answered '{line}'")),
        }
    }
}

impl Drop for HubChild {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            drop(child.stdin.take());
            let _ = child.wait();
        }
    }
}

/// The child: serves the store at the path in its arguments and answers its stdin.
pub fn run_child() -> ExitCode {
    let Some(db) = std::env::args().nth(2) else {
        eprintln!("usage: --hostile-hub STORE");
        return ExitCode::from(2);
    };
    let served = Store::open(&db)
        .map_err(|e| e.to_string())
        .and_then(|s| SyncService::start(Arc::new(Mutex::new(s)), SyncConfig::default()).map_err(|e| e.to_string()))
        .and_then(|hub| {
            let addr = hub.addr().map_err(|e| e.to_string())?;
            Ok((format_peer_addr(&addr).map_err(|e| e.to_string())?, hub))
        });
    let (addr, hub) = match served {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{addr}");
    for line in std::io::stdin().lock().lines() {
        if line.is_err() {
            break;
        }
        let status = hub.status();
        println!("{:.1} {:.1} {} {}", peak_rss_mb(), current_rss_mb(), status.sessions_refused, status.sessions_failed);
    }
    ExitCode::SUCCESS
}

fn current_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// What one run measured.
pub struct Figures {
    /// Connections the attackers opened (or tried to).
    pub connections: usize,
    /// The hub after the honest member's first sync.
    before: HubFigures,
    /// The hub once the attack has passed its handshake wait.
    after: HubFigures,
    /// The honest member's sync, before and during the attack (ms).
    pub sync_before_ms: f64,
    /// ... during.
    pub sync_during_ms: f64,
    /// How long the attack was held open (s).
    pub held_s: f64,
}

/// A raw connection's work: what it sends after connecting.
#[derive(Clone, Copy)]
enum Move {
    /// A length prefix of `n` bytes, nothing after it.
    Announce(u32),
    /// Nothing at all (no stream).
    Silent,
    /// Two bytes of a length, then nothing.
    Stall,
    /// A hello, then a frame announced at 16 MiB trickled at 1 KiB a second.
    Trickle,
}

async fn attack(endpoint: Endpoint, addr: EndpointAddr, group: String, moves: Vec<Move>, hold: Duration) -> usize {
    let mut opened = Vec::new();
    for m in moves {
        let Ok(connection) = endpoint.connect(addr.clone(), ALPN).await else { continue };
        let task = tokio::spawn(act(connection, group.clone(), m, hold));
        opened.push(task);
    }
    let n = opened.len();
    for t in opened {
        let _ = t.await;
    }
    n
}

async fn act(connection: Connection, group: String, m: Move, hold: Duration) {
    let until = tokio::time::Instant::now() + hold;
    let run = async {
        if let Move::Silent = m {
            return;
        }
        let Ok((mut send, _recv)) = connection.open_bi().await else { return };
        match m {
            Move::Announce(n) => {
                let _ = send.write_all(&n.to_be_bytes()).await;
            }
            Move::Stall => {
                let _ = send.write_all(&[0, 0]).await;
            }
            Move::Trickle => {
                let hello = Frame::Hello { version: PROTOCOL_VERSION, group };
                let Ok(payload) = hello.encode() else { return };
                let _ = send.write_all(&(payload.len() as u32).to_be_bytes()).await;
                let _ = send.write_all(&payload).await;
                let _ = send.write_all(&(16u32 * 1024 * 1024).to_be_bytes()).await;
                let chunk = [7u8; 1024];
                loop {
                    if send.write_all(&chunk).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
            Move::Silent => {}
        }
        // Keep the stream open until the hub closes the connection.
        connection.closed().await;
    };
    let _ = tokio::time::timeout_at(until, run).await;
    connection.close(0u32.into(), b"done");
}

async fn raw_endpoint(key: SecretKey) -> Result<Endpoint, String> {
    Endpoint::builder(presets::Minimal)
        .secret_key(key)
        .clear_ip_transports()
        .bind_addr("127.0.0.1:0")
        .map_err(|e| e.to_string())?
        .bind()
        .await
        .map_err(|e| e.to_string())
}

/// Runs the attack with `strangers` stranger endpoints, held for `hold` (by default until
/// the hub's handshake wait has passed).
pub fn measure(strangers: usize, hold: Option<Duration>, in_process: bool) -> Result<Figures, String> {
    let err = |e: delbar_core::Error| e.to_string();
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let hub_db = dir.path().join("hub.db");
    let (group, mallory_key) = {
        let mut hub = Store::open(&hub_db).map_err(err)?;
        let group = hub.create_group("Folkverkstad Trondheim", "", "Hubben").map_err(err)?.id;
        hub.add_item(&group, ItemDraft::named("Bandsåg")).map_err(err)?;
        let phone = Store::open(dir.path().join("phone.db")).map_err(err)?;
        hub.add_member(&group, "Olle", Role::Member, Some((phone.device_id().clone(), "phone"))).map_err(err)?;
        let mallory = Store::open(dir.path().join("mallory.db")).map_err(err)?;
        hub.add_member(&group, "Mallory", Role::Member, Some((mallory.device_id().clone(), "phone"))).map_err(err)?;
        (group, mallory.device_signing_key().to_bytes())
    };
    let mut hub = if in_process { HubChild::in_process(&hub_db)? } else { HubChild::start(&hub_db)? };
    let phone = Store::open(dir.path().join("phone.db")).map_err(err)?;
    let phone = SyncService::start(Arc::new(Mutex::new(phone)), SyncConfig::default()).map_err(err)?;
    let hub_addr = hub.addr.clone();
    let sync_ms = |phone: &SyncService, group: &GroupId| -> Result<f64, String> {
        let t = Instant::now();
        phone.sync_with(hub_addr.clone(), group).map_err(err)?;
        Ok(t.elapsed().as_secs_f64() * 1000.0)
    };
    sync_ms(&phone, &group)?;
    let sync_before_ms = sync_ms(&phone, &group)?;
    let before = hub.figures()?;

    let limits = SyncLimits::default();
    let hold = hold.unwrap_or(limits.handshake_timeout + Duration::from_secs(2));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let mut stranger_moves = vec![Move::Announce(60 * 1024 * 1024), Move::Silent];
    stranger_moves.extend(std::iter::repeat_n(Move::Stall, limits.max_connections_per_peer + 2));
    let started = Instant::now();
    let attackers = rt.block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..strangers {
            let endpoint = raw_endpoint(SecretKey::generate()).await?;
            tasks.push(tokio::spawn(attack(
                endpoint,
                hub.addr.clone(),
                group.to_string(),
                stranger_moves.clone(),
                hold,
            )));
        }
        let mallory = raw_endpoint(SecretKey::from_bytes(&mallory_key)).await?;
        let over = u32::try_from(MAX_FRAME + 1).unwrap_or(u32::MAX);
        tasks.push(tokio::spawn(attack(
            mallory,
            hub.addr.clone(),
            group.to_string(),
            vec![Move::Trickle, Move::Announce(over)],
            hold,
        )));
        Ok::<_, String>(tasks)
    })?;
    // Every attacker is connecting or connected: the honest member syncs now.
    std::thread::sleep(Duration::from_millis(500));
    let sync_during_ms = sync_ms(&phone, &group)?;
    let connections = rt.block_on(async {
        let mut n = 0;
        for t in attackers {
            n += t.await.unwrap_or(0);
        }
        n
    });
    let held_s = started.elapsed().as_secs_f64();
    let after = hub.figures()?;
    Ok(Figures { connections, before, after, sync_before_ms, sync_during_ms, held_s })
}

/// Runs [`measure`] and prints the rows.
pub fn run(strangers: usize) -> Result<(), String> {
    let f = measure(strangers, None, false)?;
    println!("| hub under attack ({strangers} strangers and a member, default limits) | figure |");
    println!("| --- | --- |");
    println!("| connections the attackers opened | {} |", f.connections);
    println!("| attack held open | {:.1} s |", f.held_s);
    println!("| hub peak RSS before the attack (after two honest syncs) | {:.1} MB |", f.before.peak_mb);
    println!("| hub peak RSS once the attack has passed the handshake wait | {:.1} MB |", f.after.peak_mb);
    println!("| hub RSS then | {:.1} MB |", f.after.rss_mb);
    println!(
        "| sessions the hub refused / cut off during the attack | {} / {} |",
        f.after.refused - f.before.refused,
        f.after.failed - f.before.failed
    );
    println!(
        "| honest member's sync before / during the attack | {:.0} / {:.0} ms |",
        f.sync_before_ms, f.sync_during_ms
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    /// Two strangers and a member attack (for a second, not the hub's whole handshake
    /// wait); the honest member syncs through the hub all the same and the hub counts what
    /// it cut off.
    #[test]
    fn a_small_attack_is_measured_and_the_honest_member_syncs() {
        let f = super::measure(2, Some(std::time::Duration::from_secs(1)), true).unwrap();
        assert!(f.connections >= 2 * 4, "{} connections", f.connections);
        assert!(f.after.failed + f.after.refused > f.before.failed + f.before.refused);
        assert!(f.after.peak_mb >= f.before.peak_mb && f.before.peak_mb > 0.0);
    }
}
