//! `delbar pipe` between two real processes whose standard input and output are joined, as
//! two FIFOs or a serial line would join them: first contact, a later session each way, a
//! stranger refused, and bundles that are deltas (`bundle export --for DEVICE`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures: a step that fails should stop the test with its message"
)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::Stdio;
use tempfile::TempDir;

mod common;
use common::{Run, Runs, command, finish};

/// One device: a data directory of its own.
struct Device {
    dir: PathBuf,
}

impl Runs for Device {
    fn run(&self, args: &[&str]) -> Run {
        finish(command("UTC").arg("--data").arg(&self.dir).args(args).output().unwrap())
    }
}

impl Device {
    fn device_id(&self) -> String {
        self.json(&["device"])["device_id"].as_str().unwrap().to_owned()
    }

    fn bookings(&self, group: &str) -> usize {
        self.json(&["--group", group, "bookings"]).as_array().unwrap().len()
    }
}

/// Runs `delbar pipe` on `starter` (with `start_args`) and `delbar pipe --answer` on
/// `answerer` (with `answer_args`), each one's standard output into the other's standard
/// input. Returns both runs (their reports are on standard error).
fn pipe(starter: &Device, start_args: &[&str], answerer: &Device, answer_args: &[&str]) -> (Run, Run) {
    pipe_flipping(starter, start_args, answerer, answer_args, None)
}

/// [`pipe`], with the byte at `flip_at` of what the starter sends flipped on the way.
fn pipe_flipping(
    starter: &Device,
    start_args: &[&str],
    answerer: &Device,
    answer_args: &[&str],
    flip_at: Option<usize>,
) -> (Run, Run) {
    let mut answering = command("UTC")
        .arg("--data")
        .arg(&answerer.dir)
        .args(answer_args)
        .args(["pipe", "--answer", "--timeout", "20"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut starting = command("UTC")
        .arg("--data")
        .arg(&starter.dir)
        .args(start_args)
        .args(["pipe", "--timeout", "20"])
        .stdin(Stdio::from(answering.stdout.take().unwrap()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut from_starter = starting.stdout.take().unwrap();
    let mut to_answerer = answering.stdin.take().unwrap();
    let copy = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut buf, mut at) = (vec![0u8; 4096], 0usize);
        loop {
            let n = from_starter.read(&mut buf)?;
            if n == 0 {
                return Ok(at);
            }
            if let Some(i) = flip_at.and_then(|f| f.checked_sub(at)).filter(|i| *i < n) {
                buf[i] ^= 0x20;
            }
            at += n;
            // The answerer may stop reading once it failed.
            if to_answerer.write_all(&buf[..n]).and_then(|()| to_answerer.flush()).is_err() {
                return Ok::<usize, std::io::Error>(at);
            }
        }
    });
    let started = finish(starting.wait_with_output().unwrap());
    let answered = finish(answering.wait_with_output().unwrap());
    let _ = copy.join().unwrap();
    (started, answered)
}

fn report(run: &Run) -> Value {
    assert_eq!(run.code, Some(0), "delbar pipe failed: {}", run.stderr);
    assert_eq!(run.stdout, "", "the report went to standard output");
    serde_json::from_str(&run.stderr).unwrap_or_else(|e| panic!("no JSON report ({e}): {}", run.stderr))
}

#[test]
fn two_processes_sync_through_delbar_pipe() {
    let root = TempDir::new().unwrap();
    let steward = Device { dir: root.path().join("steward") };
    let phone = Device { dir: root.path().join("phone") };
    let group =
        steward.json(&["group", "create", "Folkverkstan", "--me", "Karin"])["group"]["id"].as_str().unwrap().to_owned();
    let item = steward.json(&["item", "add", "Bandsåg"])["id"].as_str().unwrap().to_owned();
    steward.ok(&["book", &item, "--from", "2026-11-24T09:00", "--to", "2026-11-24T12:00"]);
    let phone_id = phone.device_id();
    steward.ok(&["member", "add", "Ove", "--device", &phone_id, "--label", "Oves telefon"]);

    // First contact: the phone answers for the group it was told to join.
    let (started, answered) = pipe(&steward, &["--json", "--group", &group], &phone, &["--json", "--group", &group]);
    let (s, a) = (report(&started), report(&answered));
    assert_eq!(a["group"], group.as_str());
    assert_eq!(a["peer"], steward.device_id().as_str());
    assert_eq!(s["peer"], phone_id.as_str());
    assert!(a["merged"]["documents_changed"].as_u64().unwrap() > 0, "{a}");
    assert_eq!(s["bytes_sent"], a["bytes_received"]);
    assert_eq!(phone.bookings(&group), 1);

    // The phone books and starts; the steward answers for whichever group it shares.
    phone.ok(&["--group", &group, "book", &item, "--from", "2026-11-25T09:00", "--to", "2026-11-25T12:00"]);
    let (started, answered) = pipe(&phone, &["--group", &group], &steward, &[]);
    assert_eq!(started.code, Some(0), "{}", started.stderr);
    assert_eq!(answered.code, Some(0), "{}", answered.stderr);
    assert!(answered.stderr.contains("over the pipe"), "{}", answered.stderr);
    assert_eq!(steward.bookings(&group), 2);

    // Nothing new: the next session only compares summaries.
    let (started, _) = pipe(&phone, &["--json", "--group", &group], &steward, &["--json"]);
    assert_eq!(report(&started)["documents_differing"], 0);

    // A stranger is refused, and the steward's side says why.
    let stranger = Device { dir: root.path().join("stranger") };
    stranger.ok(&["group", "create", "Grannar", "--me", "Eva"]);
    let (started, answered) = pipe(&stranger, &[], &steward, &[]);
    assert_eq!(started.code, Some(1));
    assert_eq!(answered.code, Some(1));
    assert!(answered.stderr.starts_with("error: "), "{}", answered.stderr);
    assert!(started.stderr.starts_with("error: "), "{}", started.stderr);
    assert!(!started.stderr.contains("Folkverkstan"), "{}", started.stderr);
}

#[test]
fn a_bundle_exported_for_a_device_carries_only_what_it_lacks() {
    let root = TempDir::new().unwrap();
    let steward = Device { dir: root.path().join("steward") };
    let phone = Device { dir: root.path().join("phone") };
    let group =
        steward.json(&["group", "create", "Folkverkstan", "--me", "Karin"])["group"]["id"].as_str().unwrap().to_owned();
    let item = steward.json(&["item", "add", "Bandsåg"])["id"].as_str().unwrap().to_owned();
    let phone_id = phone.device_id();
    steward.ok(&["member", "add", "Ove", "--device", &phone_id, "--label", "Oves telefon"]);
    for day in 24..28 {
        let (from, to) = (format!("2026-11-{day}T09:00"), format!("2026-11-{day}T12:00"));
        steward.ok(&["book", &item, "--from", &from, "--to", &to]);
    }
    let full = root.path().join("full.bundle");
    steward.ok(&["bundle", "export", "--out", full.to_str().unwrap()]);
    phone.ok(&["bundle", "import", full.to_str().unwrap()]);
    // The phone books once and sends back only that: it knows what the steward holds from
    // the bundle it imported, with no heads file.
    phone.ok(&["--group", &group, "book", &item, "--from", "2026-11-30T09:00", "--to", "2026-11-30T12:00"]);
    let delta = root.path().join("delta.bundle");
    let out = phone.json(&[
        "--group",
        &group,
        "bundle",
        "export",
        "--for",
        &steward.device_id(),
        "--out",
        delta.to_str().unwrap(),
    ]);
    // A device id that is not one is bad input, and writes nothing.
    let bad = root.path().join("bad.bundle");
    let err = phone.fails(&["--group", &group, "bundle", "export", "--for", "nobody", "--out", bad.to_str().unwrap()]);
    assert!(err.contains("nobody"), "{err}");
    assert!(!bad.exists());
    let everything = root.path().join("everything.bundle");
    phone.ok(&["--group", &group, "bundle", "export", "--out", everything.to_str().unwrap()]);
    let (delta_len, full_len) =
        (std::fs::metadata(&delta).unwrap().len(), std::fs::metadata(&everything).unwrap().len());
    assert!(delta_len * 2 < full_len, "delta {delta_len} bytes, everything {full_len}: {out}");
    steward.ok(&["bundle", "import", delta.to_str().unwrap()]);
    assert_eq!(steward.bookings(&group), 5);
}

/// One `delbar pipe --answer` whose input is `input`, then closed (or, for `None`, kept
/// open and silent).
fn answer_alone(device: &Device, input: Option<&[u8]>, timeout: &str) -> Run {
    use std::io::Write;
    let mut answering = command("UTC")
        .arg("--data")
        .arg(&device.dir)
        .args(["pipe", "--answer", "--timeout", timeout])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = answering.stdin.take().unwrap();
    let keep_open = match input {
        Some(bytes) => {
            stdin.write_all(bytes).unwrap();
            drop(stdin);
            None
        }
        None => Some(stdin),
    };
    let run = finish(answering.wait_with_output().unwrap());
    drop(keep_open);
    run
}

#[test]
fn the_pipe_s_failures_read_as_sentences() {
    let root = TempDir::new().unwrap();
    let steward = Device { dir: root.path().join("steward") };
    let phone = Device { dir: root.path().join("phone") };
    let group =
        steward.json(&["group", "create", "Folkverkstan", "--me", "Karin"])["group"]["id"].as_str().unwrap().to_owned();
    let item = steward.json(&["item", "add", "Bandsåg"])["id"].as_str().unwrap().to_owned();
    steward.ok(&["member", "add", "Ove", "--device", &phone.device_id(), "--label", "Oves telefon"]);
    let (started, answered) = pipe(&steward, &["--group", &group], &phone, &["--group", &group]);
    assert_eq!((started.code, answered.code), (Some(0), Some(0)), "{}{}", started.stderr, answered.stderr);

    // The pipe closes at once.
    let closed = answer_alone(&steward, Some(b""), "20");
    assert_eq!(closed.code, Some(1));
    assert!(
        closed.stderr.starts_with("error: The connection to the other device closed before the sync was done"),
        "{}",
        closed.stderr
    );
    assert!(closed.stderr.contains("(the pipe closed before the session was done)"), "{}", closed.stderr);

    // What arrives is not a Noise handshake message (a 10-byte frame where 32 are due).
    let mut bogus = vec![0u8, 10];
    bogus.extend_from_slice(b"not delbar");
    let handshake = answer_alone(&steward, Some(&bogus), "20");
    assert_eq!(handshake.code, Some(1));
    assert!(
        handshake.stderr.starts_with("error: The other end did not prove it is a Delbar device"),
        "{}",
        handshake.stderr
    );

    // Nothing arrives at all.
    let silent = answer_alone(&steward, None, "1");
    assert_eq!(silent.code, Some(1));
    assert!(silent.stderr.starts_with("error: The other device stopped answering"), "{}", silent.stderr);

    // A byte flipped after the handshake (34 + 178 bytes from the starter): the answering
    // side stops, and nothing of the damaged session was applied.
    phone.ok(&["--group", &group, "book", &item, "--from", "2026-11-25T09:00", "--to", "2026-11-25T12:00"]);
    let (_, answered) = pipe_flipping(&phone, &["--group", &group], &steward, &[], Some(300));
    assert_eq!(answered.code, Some(1));
    assert!(
        answered.stderr.starts_with("error: Data from the other device arrived damaged, incomplete or out of order"),
        "{}",
        answered.stderr
    );
    assert_eq!(steward.bookings(&group), 0);
}
