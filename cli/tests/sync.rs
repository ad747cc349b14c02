//! Sync through the `delbar` binary with real processes and real iroh endpoints on loopback:
//! a hub process, phones that only ever dial the hub, a stranger, bundles carried as files,
//! and an invite created and redeemed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures: a step that fails should stop the test with its message"
)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
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

    /// The ids of the group's bookings, sorted.
    fn booking_ids(&self, group: &str) -> Vec<String> {
        let list = self.json(&["--group", group, "bookings"]);
        let mut ids: Vec<String> =
            list.as_array().unwrap().iter().map(|b| b["id"].as_str().unwrap().to_owned()).collect();
        ids.sort();
        ids
    }

    /// Syncs `group` once with the device at `addr` (loopback only).
    fn sync(&self, group: &str, addr: &str) -> Value {
        self.json(&["--group", group, "sync", "--listen", "loopback", "--peer", addr])
    }
}

/// A steward's device with a group and an item, and the other devices of a test.
struct Lab {
    root: TempDir,
    steward: Device,
    group: String,
}

impl Lab {
    fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        let steward = Device { dir: root.path().join("steward") };
        let group = steward.json(&["group", "create", "Folkverkstan", "--me", "Karin"])["group"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        steward.ok(&["item", "add", "Bandsåg"]);
        Lab { root, steward, group }
    }

    fn device(&self, name: &str) -> Device {
        Device { dir: self.root.path().join(name) }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    /// A new device the steward adds as a member's device.
    fn member(&self, name: &str, role: &str) -> Device {
        let d = self.device(name);
        let id = d.device_id();
        self.steward.ok(&["member", "add", name, "--role", role, "--device", &id, "--label", name]);
        d
    }

    /// Hands `device` everything the steward holds, as a bundle file.
    fn hand_over(&self, device: &Device) {
        let file = self.file("handover.bundle");
        self.steward.ok(&["bundle", "export", "--out", file.to_str().unwrap()]);
        device.ok(&["bundle", "import", file.to_str().unwrap()]);
    }
}

/// A running `delbar hub` child process; killed when dropped (a failing test included).
struct Hub {
    child: Option<Child>,
    address_file: PathBuf,
}

impl Hub {
    fn start(device: &Device, address_file: &Path) -> Hub {
        let child = command("UTC")
            .arg("--data")
            .arg(&device.dir)
            .args(["hub", "--listen", "loopback", "--address-file"])
            .arg(address_file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut hub = Hub { child: Some(child), address_file: address_file.to_path_buf() };
        hub.wait_for_address();
        hub
    }

    /// Waits until the hub has written its address (it does once it listens).
    fn wait_for_address(&mut self) {
        for _ in 0..1200 {
            if self.address_file.is_file() {
                return;
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                panic!("the hub exited with {status} before writing its address");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the hub wrote no address file");
    }

    fn address(&self) -> String {
        std::fs::read_to_string(&self.address_file).unwrap().trim().to_owned()
    }

    /// Stops the hub with SIGTERM, as systemd does, and returns what it printed.
    fn stop(mut self) -> Run {
        let child = self.child.take().unwrap();
        let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(status.success());
        finish(child.wait_with_output().unwrap())
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn phones_that_never_meet_converge_through_a_hub_process() {
    let lab = Lab::new();
    let g = lab.group.clone();
    let hub_device = lab.member("Verkstadens hub", "member");
    let (anna, erik) = (lab.member("Anna", "member"), lab.member("Erik", "member"));
    lab.hand_over(&hub_device);
    let hub = Hub::start(&hub_device, &lab.file("hub.addr"));
    let addr = hub.address();
    assert!(addr.starts_with("DELBARPEER1"), "{addr}");

    // First contact: each phone receives the group from the hub.
    for phone in [&anna, &erik] {
        let report = phone.sync(&g, &addr);
        assert_eq!(report["first_contact"], true);
        assert!(report["merged"]["documents_changed"].as_u64().unwrap() >= 2, "{report}");
    }
    // Anna books offline, then passes the hub; Erik, who never meets her, passes later.
    let booking = anna.json(&["book", "Bandsåg", "--from", "2026-11-28T09:00", "--to", "2026-11-28T12:00"]);
    let text = anna.ok(&["--group", &g, "sync", "--listen", "loopback", "--peer", &addr]);
    assert!(text.starts_with("Synced Folkverkstan with device "), "{text}");
    let report = erik.sync(&g, &addr);
    assert_eq!(report["first_contact"], false);
    assert!(report["merged"]["documents_changed"].as_u64().unwrap() >= 1, "{report}");
    assert_eq!(erik.booking_ids(&g), vec![booking["id"].as_str().unwrap().to_owned()]);
    assert_eq!(erik.booking_ids(&g), anna.booking_ids(&g));
    // In step: a further session exchanges nothing.
    let again = erik.ok(&["--group", &g, "sync", "--listen", "loopback", "--peer", &addr]);
    assert!(again.contains("already in step"), "{again}");
    for d in [&anna, &erik] {
        let check = d.ok(&["check"]);
        assert!(check.starts_with("Check OK"), "{check}");
    }

    // A stranger is refused and learns nothing.
    let stranger = lab.device("stranger");
    let err = stranger.fails(&["--group", &g, "sync", "--listen", "loopback", "--peer", &addr]);
    assert!(err.contains("refused to sync: not authorized"), "{err}");
    assert_eq!(stranger.json(&["group", "list"]), Value::Array(vec![]));

    // A second hub on the same store is refused by the store's lock.
    let second = hub_device.fails(&["hub", "--listen", "loopback", "--address-file", "other.addr"]);
    assert!(second.contains("is open elsewhere"), "{second}");

    // SIGTERM stops it cleanly: totals, exit 0, the address file gone.
    let stopped = hub.stop();
    assert_eq!(stopped.code, Some(0), "{}{}", stopped.stdout, stopped.stderr);
    assert!(
        stopped.stdout.contains("Hub stopped (SIGTERM): 5 sessions served, 1 refused, 0 failed"),
        "{}",
        stopped.stdout
    );
    assert!(stopped.stderr.contains("hub started"), "{}", stopped.stderr);
    assert!(stopped.stderr.contains("refused a session"), "{}", stopped.stderr);
    assert!(!lab.file("hub.addr").exists());
    let check = hub_device.ok(&["check"]);
    assert!(check.starts_with("Check OK"), "{check}");

    // It restarts on the same store where it was.
    let hub = Hub::start(&hub_device, &lab.file("hub.addr"));
    let again = erik.sync(&g, &hub.address());
    assert_eq!(again["documents_differing"], 0, "{again}");
    drop(hub);
}

#[test]
fn a_bundle_carries_changes_to_a_device_that_never_connects() {
    let lab = Lab::new();
    let g = lab.group.clone();
    let olle = lab.member("Olle", "member");
    let full = lab.file("full.bundle");
    let full_path = full.to_str().unwrap();
    lab.steward.ok(&["bundle", "export", "--out", full_path]);
    let info = lab.steward.json(&["bundle", "info", full_path]);
    assert_eq!(info["bundle"]["group"], g.as_str());
    assert_eq!(info["bundle"]["device"], lab.steward.device_id().as_str());
    let first = olle.json(&["bundle", "import", full_path]);
    assert_eq!(first["first_contact"], true);
    let twice = olle.ok(&["bundle", "import", full_path]);
    assert!(twice.contains("nothing new"), "{twice}");

    // Olle's heads travel one way, the changes he lacks the other.
    let heads = lab.file("olle.heads");
    olle.ok(&["bundle", "heads", "--out", heads.to_str().unwrap()]);
    let booking = lab.steward.json(&["book", "Bandsåg", "--from", "2026-11-28T09:00", "--to", "2026-11-28T12:00"]);
    let delta = lab.file("delta.bundle");
    let exported = lab.steward.json(&[
        "bundle",
        "export",
        "--for-peer",
        heads.to_str().unwrap(),
        "--out",
        delta.to_str().unwrap(),
    ]);
    assert!(exported["bytes"].as_u64().unwrap() < std::fs::metadata(&full).unwrap().len() * 2);
    let keys: Vec<&str> =
        exported["bundle"]["documents"].as_array().unwrap().iter().map(|d| d["key"].as_str().unwrap()).collect();
    assert!(!keys.contains(&"catalogue"), "{keys:?}");

    // A damaged copy is refused and applies nothing.
    let mut bytes = std::fs::read(&delta).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    let damaged = lab.file("damaged.bundle");
    std::fs::write(&damaged, &bytes).unwrap();
    let err = olle.fails(&["bundle", "import", damaged.to_str().unwrap()]);
    assert!(err.contains("checksum does not match"), "{err}");
    assert!(olle.booking_ids(&g).is_empty());

    let applied = olle.json(&["bundle", "import", delta.to_str().unwrap()]);
    assert!(applied["merged"]["documents_changed"].as_u64().unwrap() >= 1, "{applied}");
    assert_eq!(olle.booking_ids(&g), vec![booking["id"].as_str().unwrap().to_owned()]);

    // A bundle of another group is refused when a group is named.
    let other = lab.device("other");
    other.ok(&["group", "create", "Annan grupp", "--me", "Eva"]);
    let err = other.fails(&["--group", "Annan grupp", "bundle", "import", full_path]);
    assert!(err.contains("is for group"), "{err}");
    let err = olle.fails(&["bundle", "info", lab.file("missing.bundle").to_str().unwrap()]);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn a_3_gb_file_that_is_not_a_bundle_is_refused_by_its_first_bytes() {
    let lab = Lab::new();
    let olle = lab.member("Olle", "member");
    // Sparse: 3 GiB long, no disk used. Read whole, it would take seconds and gigabytes.
    let video = lab.file("holiday.mkv");
    std::fs::File::create(&video).unwrap().set_len(3 << 30).unwrap();
    let started = std::time::Instant::now();
    for command in ["info", "import"] {
        let err = olle.fails(&["bundle", command, video.to_str().unwrap()]);
        assert!(err.contains("not a Delbar bundle"), "{command}: {err}");
    }
    let err = olle.fails(&["--group", lab.group.as_str(), "bundle", "import", video.to_str().unwrap()]);
    assert!(err.contains("not a Delbar bundle"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
    // A bundle cut short is refused as such and applies nothing.
    let full = lab.file("full.bundle");
    lab.steward.ok(&["bundle", "export", "--out", full.to_str().unwrap()]);
    let bytes = std::fs::read(&full).unwrap();
    let cut = lab.file("cut.bundle");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let err = olle.fails(&["bundle", "import", cut.to_str().unwrap()]);
    assert!(err.contains("truncated"), "{err}");
    let err = olle.fails(&["bundle", "info", cut.to_str().unwrap()]);
    assert!(err.contains("truncated"), "{err}");
    olle.ok(&["bundle", "import", full.to_str().unwrap()]);
}

#[test]
fn an_invite_is_created_and_redeemed_through_the_cli() {
    let lab = Lab::new();
    let g = lab.group.clone();
    let mut inviter = command("UTC")
        .arg("--data")
        .arg(&lab.steward.dir)
        .args(["invite", "create", "--role", "member", "--expires", "48h", "--uses", "1", "--listen", "loopback"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(inviter.stdout.take().unwrap()).lines();
    let mut header = Vec::new();
    let code = loop {
        let line = lines.next().expect("the inviter printed no code").unwrap();
        if line.starts_with("DELBAR1") {
            break line;
        }
        header.push(line);
    };
    assert!(header[0].starts_with("Invite to Folkverkstan as member"), "{header:?}");
    assert!(header[1].contains("QR version"), "{header:?}");

    let nils = lab.device("nils");
    let joined =
        nils.ok(&["invite", "redeem", &code, "--name", "Nils", "--label", "Nils telefon", "--listen", "loopback"]);
    assert!(joined.starts_with("Joined Folkverkstan as Nils (member); received 1 items"), "{joined}");
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let status = inviter.wait().unwrap();
    assert!(status.success(), "{rest:?}");
    assert!(rest.iter().any(|l| l == "Redeemed: Nils (member) joined Folkverkstan."), "{rest:?}");
    let members = lab.steward.json(&["member", "list"]);
    assert!(members.as_array().unwrap().iter().any(|m| m["name"] == "Nils"));
    assert_eq!(nils.json(&["--group", &g, "member", "list"]), members);

    // A code that is not one is refused readably.
    let err = nils.fails(&["invite", "redeem", "DELBAR1XYZ", "--name", "Nils", "--listen", "loopback"]);
    assert!(err.contains("malformed"), "{err}");
}

#[test]
fn a_members_invite_is_refused_and_addresses_are_printed() {
    let lab = Lab::new();
    let olle = lab.member("Olle", "member");
    lab.hand_over(&olle);
    let err = olle.fails(&["invite", "create", "--no-wait", "--listen", "loopback"]);
    assert!(err.contains("may not invite"), "{err}");
    let addr = olle.json(&["address", "--listen", "loopback"]);
    assert!(addr["address"].as_str().unwrap().starts_with("DELBARPEER1"));
    assert_eq!(addr["device_id"], olle.device_id().as_str());
    assert!(addr["direct_addresses"][0].as_str().unwrap().starts_with("127.0.0.1:"), "{addr}");
    let err = olle.fails(&["sync", "--peer", "nonsense", "--listen", "loopback"]);
    assert!(err.contains("not a device address"), "{err}");
    let no_wait = lab.steward.json(&["invite", "create", "--no-wait", "--uses", "3", "--listen", "loopback"]);
    assert_eq!(no_wait["uses"], 3);
    assert!(no_wait["qr_version"].as_i64().unwrap() <= 10, "{no_wait}");
}
