//! `delbar import items`, `delbar export` and `delbar stats`, run for real on temporary data
//! directories with a fixed clock (Monday 23 November 2026 09:00 UTC).

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

impl Delbar {
    fn store_bytes(&self) -> Vec<u8> {
        std::fs::read(self.store()).unwrap()
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A Norwegian list as an older Excel saves it: `;`, Windows-1252 (`ø` is 0xF8, `å` 0xE5),
/// a quoted cell with a line break.
fn norwegian_excel() -> Vec<u8> {
    let mut bytes = b"Navn;Antall;Plassering;Kategori;Beskrivelse\r\n".to_vec();
    bytes
        .extend_from_slice(b"Kj\xf8ttkvern;1;Kj\xf8kkenet;Kj\xf8kken;\"Vask etter bruk.\r\nIkke i oppvaskmaskin\"\r\n");
    bytes.extend_from_slice(b"Stige 3 m;2;L\xe5ven;Verkt\xf8y;\r\n");
    bytes
}

#[test]
fn import_is_a_dry_run_until_commit_and_then_idempotent() {
    let d = Delbar::with_group("Ingrid");
    let csv = d.file("inventar.csv");
    std::fs::write(&csv, norwegian_excel()).unwrap();
    let before = d.store_bytes();
    let out = d.ok(&["import", "items", s(&csv)]);
    assert!(out.contains("windows-1252, separator ;"), "{out}");
    assert!(out.contains("2     Kjøttkvern  add"), "{out}");
    assert!(out.contains("4     Stige 3 m   add"), "{out}");
    assert!(out.contains("Nothing was written: run again with --commit."), "{out}");
    assert_eq!(d.json(&["item", "list"]).as_array().unwrap().len(), 0);
    assert_eq!(d.store_bytes().len(), before.len());

    let done = d.json(&["import", "items", s(&csv), "--commit"]);
    assert_eq!(done["committed"], true);
    assert_eq!(done["counts"]["added"], 2);
    let items = d.json(&["item", "list"]);
    let names: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Kjøttkvern", "Stige 3 m"]);
    assert_eq!(items[0]["description"], "Vask etter bruk.\r\nIkke i oppvaskmaskin");

    let again = d.json(&["import", "items", s(&csv), "--commit"]);
    assert_eq!(again["counts"]["unchanged"], 2);
    assert_eq!(d.json(&["item", "list"]).as_array().unwrap().len(), 2);
}

#[test]
fn rows_with_errors_are_listed_by_line_and_nothing_is_written() {
    let d = Delbar::with_group("Ingrid");
    let csv = d.file("bad.csv");
    std::fs::write(&csv, "name,quantity\nSpade,1\nKratta,many\n,2\n").unwrap();
    let r = d.run(&["import", "items", s(&csv), "--commit"]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("3     Kratta  error   “many” is not a whole number of units."), "{}", r.stdout);
    assert!(r.stdout.contains("4             error   The name is empty."), "{}", r.stdout);
    assert!(r.stderr.contains("2 row(s) cannot be imported; nothing was written (first at line 3)"), "{}", r.stderr);
    assert_eq!(d.json(&["item", "list"]).as_array().unwrap().len(), 0);
    let err = d.fails(&["import", "items", s(&d.file("missing.csv"))]);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn exports_read_back_and_bookings_and_history_are_written() {
    let d = Delbar::with_group("Ingrid");
    let csv = d.file("inventar.csv");
    std::fs::write(&csv, norwegian_excel()).unwrap();
    d.ok(&["import", "items", s(&csv), "--commit"]);
    d.ok(&["book", "Stige", "--from", "2026-11-24T10:00", "--to", "2026-11-24T16:00"]);

    let out = d.file("items.csv");
    let said = d.ok(&["export", "items", "--out", s(&out), "--separator", "semicolon"]);
    assert!(said.starts_with("Wrote 2 row(s)"), "{said}");
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbfid;name;category;quantity;condition;location;tags;description\r\n"));
    let plan = d.json(&["import", "items", s(&out)]);
    assert_eq!(plan["counts"]["unchanged"], 2, "{plan}");

    let bookings = d.file("bookings.csv");
    d.ok(&["export", "bookings", "--out", s(&bookings)]);
    let text = std::fs::read_to_string(&bookings).unwrap();
    assert!(text.contains("Stige 3 m") && text.contains("2026-11-24 10:00:00"), "{text}");

    let history = d.file("history.json");
    let report = d.json(&["export", "history", "--out", s(&history)]);
    assert_eq!(report["format"], "json");
    let entries: serde_json::Value = serde_json::from_slice(&std::fs::read(&history).unwrap()).unwrap();
    // Every run of this test happens at the same fixed instant, so only the set is certain.
    let mut actions: Vec<&str> = entries.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    actions.sort_unstable();
    assert_eq!(actions, ["booking_requested", "group_created", "item_added", "item_added"]);
}

#[test]
fn stats_prints_tables_json_and_a_chart() {
    let d = Delbar::with_group("Ingrid");
    d.ok(&["item", "add", "Stige", "--category", "verktøy"]);
    d.ok(&["item", "add", "Kjøttkvern"]);
    d.ok(&["book", "Stige", "--from", "2026-11-24T00:00", "--to", "2026-11-25T00:00"]);
    d.ok(&["book", "Stige", "--from", "2026-12-01T00:00", "--to", "2026-12-01T12:00"]);
    let window = ["--from", "2026-11-23", "--to", "2026-12-01"];
    let mut args = vec!["stats"];
    args.extend_from_slice(&window);
    let stats = d.json(&args);
    assert_eq!(stats["loans"], 2);
    assert_eq!(
        stats["per_month"],
        serde_json::json!([{"month": "2026-11", "loans": 1}, {"month": "2026-12", "loans": 1}])
    );
    // 36 of the 9 days (216 hours) from 09:00 on the 23rd, when Stige was added, to the
    // end of 1 December: 36 / 207.
    let stige = &stats["most_used"][0];
    assert_eq!(stige["name"], "Stige");
    assert_eq!(stige["booked_unit_hours"], 36.0);
    assert_eq!(stige["utilisation"], 36.0 / 207.0);
    assert_eq!(stats["least_used"][0]["name"], "Kjøttkvern");

    let svg = d.file("loans.svg");
    args.extend_from_slice(&["--svg", s(&svg)]);
    let text = d.ok(&args);
    assert!(text.contains("Loans from 2026-11-23 00:00 to 2026-12-02 00:00: 2"), "{text}");
    assert!(text.contains("2026-11  1"), "{text}");
    assert!(text.contains("Stige       verktøy   1      2      36.0        17.4 %"), "{text}");
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(chart.starts_with("<svg") && chart.contains("2026-12"), "{chart}");
    let err = d.fails(&["stats", "--from", "2026-12-02", "--to", "2026-11-23"]);
    assert!(err.contains("must end after it starts"), "{err}");
}
