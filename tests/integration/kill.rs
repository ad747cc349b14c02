//! Acknowledged writes survive a SIGKILL at any moment.
//!
//! A child process (`kill_writer`) writes to a store in a loop and acknowledges every write
//! call that returned `Ok`; a write that fails for any reason but a domain rule fails the
//! test. The parent kills it at a random moment, reopens the store and
//! checks that every acknowledged write is there and that the projection equals its rebuild.
//! The same store is reused across rounds, so it keeps growing. The random moments come from
//! a fixed seed; set `DELBAR_KILL_SEED` to try others.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use delbar_core::domain::BookingState;
use delbar_core::ids::{BookingId, ItemId};
use delbar_tests::{Fixture, Rng, assert_clean, open_store};

/// Kill rounds on the same store...
const ROUNDS: usize = 30;
/// ...unless the time budget runs out first, after at least this many. Each round reloads
/// every document of the growing store twice (writer, then `check`), so a slow machine or a
/// slow document load ends the test early instead of making it long.
const MIN_ROUNDS: usize = 12;
const BUDGET: Duration = Duration::from_secs(8);

/// What the parent knows the store must hold.
#[derive(Default)]
struct Acked {
    items: BTreeSet<String>,
    bookings: BTreeMap<String, BookingState>,
    writes: usize,
}

/// Runs one child until killed; returns its complete output lines.
fn run_child(path: &std::path::Path, seed: u64, delay: Duration) -> Vec<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kill_writer"))
        .arg(path)
        .arg(seed.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                // A line cut by the kill has no newline: it was never fully acknowledged.
                Ok(n) if n > 0 && line.ends_with('\n') => {
                    if tx.send(line.trim_end().to_owned()).is_err() {
                        return;
                    }
                }
                _ => return,
            }
        }
    });
    let ready = rx.recv_timeout(Duration::from_secs(20)).unwrap();
    assert_eq!(ready, "READY");
    // The random moment is counted from the first write, not from the (slow, growing)
    // first load of the documents, so that most kills land among writes.
    let first = rx.recv_timeout(Duration::from_secs(20)).unwrap();
    std::thread::sleep(delay);
    if let Some(status) = child.try_wait().unwrap() {
        reader.join().unwrap();
        let lines: Vec<String> = std::iter::once(first).chain(rx).collect();
        let failed: Vec<&String> = lines.iter().filter(|l| l.starts_with("FAIL")).collect();
        panic!("the writer stopped before it was killed ({status:?}); its failed writes: {failed:?}");
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "the writer was not killed by SIGKILL: {status:?}");
    reader.join().unwrap();
    std::iter::once(first).chain(rx).collect()
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let seed: u64 = std::env::var("DELBAR_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5EED_DE1B);
    let mut rng = Rng::new(seed);
    let mut fx = Fixture::new();
    fx.item("Såg", 2);
    let (path, group, clock) = (fx.path.clone(), fx.group.clone(), fx.clock.clone());
    drop(fx.store);
    let mut acked = Acked::default();
    let began = std::time::Instant::now();
    let mut rounds = 0;
    for round in 0..ROUNDS {
        let delay = Duration::from_millis(rng.range(5, 150) as u64);
        let lines = run_child(&path, rng.next_u64(), delay);
        // The single act that may have been in flight when the kill landed.
        let mut pending: Option<(String, BookingState)> = None;
        for line in &lines {
            let parts: Vec<&str> = line.split(' ').collect();
            match parts.as_slice() {
                ["ACK", "item", id] => {
                    acked.items.insert((*id).to_owned());
                    acked.writes += 1;
                }
                ["ACK", "book" | "act", id, state] => {
                    acked.bookings.insert((*id).to_owned(), BookingState::parse(state).unwrap());
                    acked.writes += 1;
                    pending = None;
                }
                ["TRY", "act", id, state] => pending = Some(((*id).to_owned(), BookingState::parse(state).unwrap())),
                ["FAIL", ..] => panic!("round {round}: a write of the writer failed: {line}"),
                _ => panic!("round {round}: unexpected line from the writer: {line}"),
            }
        }
        let mut store = open_store(&path, &clock);
        for id in &acked.items {
            let item = store.item(&group, &ItemId::parse(id).unwrap());
            assert!(item.is_ok(), "round {round} (seed {seed}): acknowledged item {id} is missing: {item:?}");
        }
        for (id, state) in acked.bookings.iter_mut() {
            let stored = store.booking(&group, &BookingId::parse(id).unwrap()).unwrap().state;
            let in_flight = pending.as_ref().is_some_and(|(p, next)| p == id && *next == stored);
            assert!(
                stored == *state || in_flight,
                "round {round} (seed {seed}): booking {id} acknowledged {state:?}, stored {stored:?}"
            );
            // An unacknowledged write that made it is the state the next round builds on.
            *state = stored;
        }
        assert_clean(&mut store);
        rounds = round + 1;
        if rounds >= MIN_ROUNDS && began.elapsed() > BUDGET {
            break;
        }
    }
    assert!(acked.writes >= rounds, "too few acknowledged writes to mean anything: {}", acked.writes);
    eprintln!("kill test: {rounds} rounds, {} acknowledged writes, seed {seed}", acked.writes);
}
