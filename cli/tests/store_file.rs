//! The store file through the `delbar` binary: a file that is not a store is refused and left
//! as it is; `check` finds a damaged file and `repair` mends it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures: a step that fails should stop the test with its message"
)]

use std::path::Path;

mod common;
mod data_dir;
use common::Runs;
use data_dir::DataDir as Delbar;

#[test]
fn an_empty_store_file_is_refused_and_left_as_it_is() {
    let d = Delbar::new();
    std::fs::write(d.store(), b"").unwrap();
    let err = d.fails(&["item", "list"]);
    assert!(err.contains("is not a Delbar store: the file is empty"), "{err}");
    assert_eq!(std::fs::metadata(d.store()).unwrap().len(), 0);
    let err = d.fails(&["device"]);
    assert!(err.contains("not a Delbar store"), "{err}");
}

/// Flips 16 bytes near the end of the last page of `index`.
fn damage_index(path: &Path, index: &str) {
    let (page, page_size): (i64, i64) = {
        let conn = rusqlite::Connection::open(path).unwrap();
        let page = conn.query_row("SELECT MAX(pageno) FROM dbstat WHERE name = ?1", [index], |r| r.get(0)).unwrap();
        (page, conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap())
    };
    let mut bytes = std::fs::read(path).unwrap();
    let end = (page * page_size) as usize;
    for b in &mut bytes[end - 64..end - 48] {
        *b ^= 0x5a;
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn check_finds_a_damaged_file_and_repair_mends_it() {
    let d = Delbar::new();
    d.ok(&["group", "create", "Verkstan", "--me", "Karin"]);
    let names: Vec<String> = (0..12).map(|i| format!("Verktyg {i:02}")).collect();
    for name in &names {
        d.ok(&["item", "add", name]);
    }
    let device = d.json(&["device"])["device_id"].as_str().unwrap().to_owned();
    damage_index(&d.store(), "items_by_name");

    let check = d.run(&["check"]);
    assert_eq!(check.code, Some(1), "{}{}", check.stdout, check.stderr);
    assert!(check.stdout.contains("integrity check found") && check.stdout.contains("items"), "{}", check.stdout);
    assert!(check.stderr.contains("run `delbar repair`"), "{}", check.stderr);

    let out = d.ok(&["repair"]);
    assert!(out.starts_with("Repaired "), "{out}");
    assert!(out.contains("Check OK"), "{out}");
    assert_eq!(d.json(&["check"])["clean"], true);
    assert_eq!(d.json(&["device"])["device_id"], device.as_str());
    let listed = d.json(&["item", "list"]);
    let mut listed: Vec<String> =
        listed.as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_owned()).collect();
    listed.sort();
    assert_eq!(listed, names);
}

#[test]
fn repair_refuses_a_bad_bundle_before_touching_the_store() {
    let d = Delbar::new();
    d.ok(&["group", "create", "Verkstan", "--me", "Karin"]);
    let bundle = d.file("not.bundle");
    std::fs::write(&bundle, b"not a bundle at all").unwrap();
    let before = std::fs::read(d.store()).unwrap();
    let err = d.fails(&["repair", "--from-bundle", bundle.to_str().unwrap()]);
    assert!(err.contains("bundle"), "{err}");
    assert_eq!(std::fs::read(d.store()).unwrap(), before);
}
