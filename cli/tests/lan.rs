//! A real local network, contained: two network namespaces joined by a veth pair, made by
//! the test itself, one running `delbar hub` listening on every interface with mDNS, the
//! other a phone that finds the hub by its device id alone (mDNS across the link) and
//! reaches it by its address. Nothing multicasts on the machine's own interfaces.
//!
//! Needs root and network namespaces (`ip netns`, from iproute2), as CI has; elsewhere the
//! test prints why it is skipped and passes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures: a step that fails should stop the test with its message"
)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

mod common;
use common::{MONDAY, Run, Runs, command, finish};

/// Runs `ip` with `args`; returns whether it succeeded, and what it said otherwise.
fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip").args(args).output().map_err(|e| format!("cannot run ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()))
    }
}

/// Two namespaces joined by a veth pair, `10.77.0.1/24` and `10.77.0.2/24`; removed on drop
/// (with the veth pair).
struct Link {
    names: [String; 2],
}

impl Link {
    /// Makes the link, or says why it cannot be made here.
    fn make() -> Result<Link, String> {
        let uid = Command::new("id").arg("-u").output().map_err(|e| format!("cannot run id: {e}"))?;
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            return Err("not running as root".into());
        }
        let tag = std::process::id() % 100_000;
        let link = Link { names: [format!("delbar-hub-{tag}"), format!("delbar-phone-{tag}")] };
        let [a, b] = &link.names;
        let (va, vb) = (format!("dlbh{tag}"), format!("dlbp{tag}"));
        ip(&["netns", "add", a])?;
        ip(&["netns", "add", b])?;
        ip(&["link", "add", &va, "type", "veth", "peer", "name", &vb])?;
        ip(&["link", "set", &va, "netns", a])?;
        ip(&["link", "set", &vb, "netns", b])?;
        for (ns, dev, addr) in [(a, &va, "10.77.0.1/24"), (b, &vb, "10.77.0.2/24")] {
            ip(&["-n", ns, "addr", "add", addr, "dev", dev])?;
            ip(&["-n", ns, "link", "set", dev, "up"])?;
            ip(&["-n", ns, "link", "set", "lo", "up"])?;
            // mDNS sends to 224.0.0.251: multicast leaves by the veth.
            ip(&["-n", ns, "route", "add", "224.0.0.0/4", "dev", dev])?;
        }
        Ok(link)
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        for ns in &self.names {
            let _ = ip(&["netns", "del", ns]);
        }
    }
}

/// One device: a data directory, run inside a namespace.
struct Device {
    dir: PathBuf,
    ns: Option<String>,
}

impl Device {
    fn command(&self) -> Command {
        let mut cmd = match &self.ns {
            Some(ns) => {
                let mut cmd = Command::new("ip");
                cmd.args(["netns", "exec", ns, env!("CARGO_BIN_EXE_delbar")]);
                cmd.env("TZ", "UTC")
                    .env("DELBAR_NOW", MONDAY)
                    .env_remove("DELBAR_DATA")
                    .env_remove("XDG_DATA_HOME")
                    .env_remove("RUST_LOG");
                cmd
            }
            None => command("UTC"),
        };
        cmd.arg("--data").arg(&self.dir);
        cmd
    }

    fn device_id(&self) -> String {
        self.json(&["device"])["device_id"].as_str().unwrap().to_owned()
    }
}

impl Runs for Device {
    fn run(&self, args: &[&str]) -> Run {
        finish(self.command().args(args).output().unwrap())
    }
}

/// A `delbar hub` in its namespace; killed when dropped.
struct Hub {
    child: Child,
}

impl Hub {
    fn start(device: &Device, address_file: &Path) -> Hub {
        let child = device
            .command()
            .args(["hub", "--listen", "all", "--mdns", "--address-file"])
            .arg(address_file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut hub = Hub { child };
        let start = Instant::now();
        while !address_file.exists() {
            if let Some(status) = hub.child.try_wait().unwrap() {
                panic!("the hub exited with {status} before writing its address");
            }
            assert!(start.elapsed() < Duration::from_secs(30), "the hub wrote no address file");
            std::thread::sleep(Duration::from_millis(50));
        }
        hub
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Syncs until it works (mDNS needs a moment to find the hub), at most `tries` times.
fn sync_until_found(phone: &Device, group: &str, peer: &str, tries: u32) -> Run {
    let mut last = None;
    for _ in 0..tries {
        let run = phone.run(&["--json", "--group", group, "sync", "--listen", "all", "--mdns", "--peer", peer]);
        if run.code == Some(0) {
            return run;
        }
        last = Some(run);
        std::thread::sleep(Duration::from_millis(300));
    }
    let last = last.unwrap();
    panic!("the phone never synced with {peer}: {}{}", last.stdout, last.stderr);
}

#[test]
fn across_a_veth_link_a_phone_finds_the_hub_by_mdns_and_reaches_it() {
    let link = match Link::make() {
        Ok(link) => link,
        Err(reason) => {
            eprintln!("skipped: no network namespaces here ({reason})");
            return;
        }
    };
    let root: TempDir = tempfile::tempdir().unwrap();
    let hub_device = Device { dir: root.path().join("hub"), ns: Some(link.names[0].clone()) };
    let phone = Device { dir: root.path().join("phone"), ns: Some(link.names[1].clone()) };
    let group = hub_device.json(&["group", "create", "Folkverkstan", "--me", "Karin"])["group"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    hub_device.ok(&["item", "add", "Bandsåg"]);
    let phone_id = phone.device_id();
    hub_device.ok(&["member", "add", "Olle", "--role", "member", "--device", &phone_id, "--label", "Olle"]);
    let hub_id = hub_device.device_id();

    let address_file = root.path().join("hub.addr");
    let _hub = Hub::start(&hub_device, &address_file);
    let address = std::fs::read_to_string(&address_file).unwrap().trim().to_owned();

    // First contact by the device id alone: the address comes from mDNS across the link.
    let found = sync_until_found(&phone, &group, &hub_id, 20);
    let report: serde_json::Value = serde_json::from_str(&found.stdout).unwrap();
    assert_eq!(report["first_contact"], true, "{report}");
    assert_eq!(report["peer"], hub_id.as_str());

    // A booking made on the phone reaches the hub by its written address (the veth's).
    phone.ok(&["--group", &group, "book", "Bandsåg", "--from", "2026-11-28T10:00", "--to", "2026-11-28T12:00"]);
    let run = phone.run(&["--json", "--group", &group, "sync", "--listen", "all", "--no-mdns", "--peer", &address]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    // A stranger on the same link is refused.
    let stranger = Device { dir: root.path().join("stranger"), ns: Some(link.names[1].clone()) };
    let err = stranger.fails(&["--group", &group, "sync", "--listen", "all", "--no-mdns", "--peer", &address]);
    assert!(err.contains("refused to sync: not authorized"), "{err}");
    drop(_hub);
    let on_hub = hub_device.json(&["--group", &group, "bookings"]);
    assert_eq!(on_hub.as_array().unwrap().len(), 1, "{on_hub}");
}
