//! Numbers through the `delbar` binary: every one is read whole and checked by the core,
//! so a number out of range is refused with its range, never clamped or wrapped, and
//! changes nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures: a step that fails should stop the test with its message"
)]

mod common;
mod data_dir;
use common::Runs;
use data_dir::DataDir as Delbar;

fn snapshot(d: &Delbar) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
    (d.json(&["item", "list", "--all"]), d.json(&["bookings"]), d.json(&["history", "--limit", "100"]))
}

#[test]
fn quantity_and_units_out_of_range_are_refused_with_the_range() {
    let d = Delbar::with_group("Karin");
    let id = d.add_item("Skruvdragare", &["--quantity", "10000"]);
    let before = snapshot(&d);

    let err = d.fails(&["item", "add", "Spade", "--quantity", "1000000"]);
    assert_eq!(err, "error: quantity must be between 1 and 10000 (given 1000000)\n");
    let err = d.fails(&["item", "add", "Spade", "--quantity", "10001"]);
    assert_eq!(err, "error: quantity must be between 1 and 10000 (given 10001)\n");
    let err = d.fails(&["item", "edit", &id, "--quantity", "0"]);
    assert_eq!(err, "error: quantity must be between 1 and 10000 (given 0)\n");

    let window = ["--from", "2026-11-24T10:00", "--to", "2026-11-24T12:00"];
    for units in ["4294967296", "4294967297", "10001", "0"] {
        let err = d.fails(&[&["book", &id, "--units", units][..], &window[..]].concat());
        assert_eq!(err, format!("error: a booking must be for between 1 and 10000 units (given {units})\n"));
    }
    let err = d.fails(&[&["free", "--units", "4294967296"][..], &window[..]].concat());
    assert_eq!(err, "error: a booking must be for between 1 and 10000 units (given 4294967296)\n");
    assert_eq!(snapshot(&d), before, "a refused number changed the group");

    let booked = d.json(&[&["book", &id, "--units", "10000"][..], &window[..]].concat());
    assert_eq!(booked["units"], 10_000);
}

#[test]
fn loan_rules_and_plans_out_of_range_are_refused_with_the_range() {
    let d = Delbar::with_group("Karin");
    let id = d.add_item("Släpvagn", &[]);
    let before = snapshot(&d);

    for (flag, value, message) in [
        ("--max-loan-hours", "4294967295", "max_loan_hours must be 1 to 8760 (given 4294967295)"),
        ("--max-loan-hours", "8761", "max_loan_hours must be 1 to 8760 (given 8761)"),
        ("--max-advance-days", "4294967295", "max_advance_days must be 1 to 730 (given 4294967295)"),
        ("--min-notice-hours", "721", "min_notice_hours must be 0 to 720 (given 721)"),
        ("--buffer-minutes", "4294967295", "buffer_minutes must be 0 to 10080 (given 4294967295)"),
        ("--buffer-minutes", "-1", "buffer_minutes must be 0 to 10080 (given -1)"),
        ("--max-per-member", "4294967296", "max_concurrent_per_member must be 1 to 100 (given 4294967296)"),
    ] {
        let err = d.fails(&["item", "edit", &id, flag, value]);
        assert_eq!(err, format!("error: {message}\n"), "{flag} {value}");
    }
    for (flag, value) in [("--every-days", "4294967296"), ("--every-loans", "10001"), ("--every-days", "0")] {
        let err = d.fails(&["maintenance", "plan", "add", &id, flag, value]);
        let rule = flag.trim_start_matches("--").replace('-', "_");
        assert_eq!(err, format!("error: {rule} must be 1 to 10000 (given {value})\n"));
    }
    let err = d.fails(&["group", "edit", "--pickup-hours", "337"]);
    assert_eq!(err, "error: pickup_window_hours must be 1 to 336 (given 337)\n");
    let err = d.fails(&["item", "add", "Sats", "--part", "Släpvagn:4294967297"]);
    assert_eq!(err, "error: invalid kit: each part needs 1 to 1000 units per kit\n");
    assert_eq!(snapshot(&d), before, "a refused number changed the group");

    let edited = d.json(&["item", "edit", &id, "--max-loan-hours", "8760", "--buffer-minutes", "10080"]);
    assert_eq!(edited["rules"]["max_loan_hours"], 8760);
    let plan = d.json(&["maintenance", "plan", "add", &id, "--every-days", "10000"]);
    assert!(plan.to_string().contains("10000"), "{plan}");
}

/// 10,000 tags are refused at once with the limit, instead of being written.
#[test]
fn ten_thousand_tags_are_refused_quickly() {
    let d = Delbar::with_group("Karin");
    let before = snapshot(&d);
    let tags: Vec<String> = (0..10_000).map(|i| format!("t{i}")).collect();
    let mut args = vec!["item", "add", "Taggad"];
    for t in &tags {
        args.extend(["--tag", t.as_str()]);
    }
    let started = std::time::Instant::now();
    let err = d.fails(&args);
    assert_eq!(err, "error: at most 50 tags may be given (10000 given)\n");
    assert!(started.elapsed().as_secs() < 10, "took {:?}", started.elapsed());
    assert_eq!(snapshot(&d), before);
    let mut fifty = vec!["item", "add", "Taggad"];
    for t in &tags[..50] {
        fifty.extend(["--tag", t.as_str()]);
    }
    assert_eq!(d.json(&fifty)["tags"].as_array().unwrap().len(), 50);
}

/// An invite lasts at most 30 days; a place in a waitlist is one of the queue's places.
#[test]
fn an_invite_lasts_at_most_30_days_and_a_waitlist_place_is_in_the_queue() {
    let d = Delbar::with_group("Karin");
    let err = d.fails(&["invite", "create", "--expires", "31d", "--no-wait", "--listen", "loopback"]);
    assert_eq!(err, "error: invite lifetime (hours) must be between 0 and 720 (given 744)\n");
    let invite = d.json(&["invite", "create", "--expires", "30d", "--no-wait", "--listen", "loopback"]);
    assert!(invite["code"].as_str().unwrap().starts_with("DELBAR1"), "{invite}");

    let id = d.add_item("Jordfräs", &[]);
    d.ok(&["member", "add", "Olle"]);
    let window = ["--from", "2026-11-24T10:00", "--to", "2026-11-24T12:00"];
    d.ok(&[&["book", &id][..], &window[..]].concat());
    let first = d.json(&[&["waitlist", "join", &id, "--for", "Olle"][..], &window[..]].concat());
    let second = d.json(&[&["waitlist", "join", &id][..], &window[..]].concat());
    let second = second["id"].as_str().unwrap();
    let before = snapshot(&d);
    for bad in ["0", "3", "4294967297"] {
        let err = d.fails(&["waitlist", "move", second, bad]);
        assert_eq!(err, format!("error: waitlist position must be between 1 and 2 (given {bad})\n"));
    }
    assert_eq!(snapshot(&d), before);
    d.ok(&["waitlist", "move", second, "1"]);
    assert_ne!(first["id"], serde_json::Value::Null);
}
