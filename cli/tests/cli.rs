//! The `delbar` binary run for real on temporary data directories.
//!
//! Every run gets a fixed clock (`DELBAR_NOW`, Monday 23 November 2026 09:00 UTC) and a fixed
//! time zone, so dates in the tests are stable.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures: a step that fails should stop the test with its message"
)]

use serde_json::Value;
use std::path::Path;
use tempfile::TempDir;

mod common;
use common::{MONDAY, Run, Runs, command, finish};
use std::process::Command;

/// Central European time with its summer rule, written so that no tz database is needed.
const CET: &str = "CET-1CEST,M3.5.0,M10.5.0/3";

/// A data directory and the environment the binary runs in.
struct Delbar {
    dir: TempDir,
    tz: &'static str,
}

impl Runs for Delbar {
    fn run(&self, args: &[&str]) -> Run {
        finish(command(self.tz).arg("--data").arg(self.path()).args(args).output().unwrap())
    }
}

impl Delbar {
    /// An empty data directory, times in UTC.
    fn new() -> Self {
        Delbar { dir: tempfile::tempdir().unwrap(), tz: "UTC" }
    }

    /// An empty data directory, times in Central European time.
    fn in_cet() -> Self {
        Delbar { dir: tempfile::tempdir().unwrap(), tz: CET }
    }

    /// A data directory with a group "Odlingsakademin Storsjöbygden" stewarded by Karin.
    fn with_group() -> Self {
        let d = Delbar::new();
        d.ok(&["group", "create", "Odlingsakademin Storsjöbygden", "--me", "Karin"]);
        d
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Adds an item and returns its id.
    fn add_item(&self, name: &str, extra: &[&str]) -> String {
        let mut args = vec!["item", "add", name];
        args.extend_from_slice(extra);
        self.json(&args)["id"].as_str().unwrap().to_owned()
    }

    /// Books and returns the booking's JSON.
    fn book(&self, item: &str, from: &str, to: &str, extra: &[&str]) -> Value {
        let mut args = vec!["book", item, "--from", from, "--to", to];
        args.extend_from_slice(extra);
        self.json(&args)
    }

    fn history_len(&self) -> usize {
        self.json(&["history", "--limit", "1000"])["entries"].as_array().unwrap().len()
    }
}

fn names(items: &Value) -> Vec<&str> {
    items.as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect()
}

#[test]
fn a_new_group_makes_its_creator_steward() {
    let d = Delbar::new();
    let out =
        d.ok(&["group", "create", "Folkverkstad Trondheim", "--description", "Reparasjonskafé", "--me", "Ingrid"]);
    assert!(out.starts_with("Created group Folkverkstad Trondheim (id "), "{out}");
    assert!(out.contains("You are Ingrid, its steward"), "{out}");
    assert!(d.path().join("delbar.db").is_file());
    let groups = d.json(&["group", "list"]);
    assert_eq!(groups[0]["group"]["name"], "Folkverkstad Trondheim");
    assert_eq!(groups[0]["me"]["role"], "steward");
    let show = d.ok(&["group", "show"]);
    assert!(show.contains("Description:   Reparasjonskafé"), "{show}");
    let members = d.json(&["member", "list"]);
    assert_eq!(members[0]["name"], "Ingrid");
}

#[test]
fn items_are_listed_filtered_and_found_by_search() {
    let d = Delbar::with_group();
    let out = d.ok(&[
        "item",
        "add",
        "Jordfräs Honda F220",
        "--description",
        "Bensindriven",
        "--category",
        "Trädgård",
        "--tag",
        "motor",
        "--tag",
        "jordbearbetning",
        "--quantity",
        "1",
        "--location",
        "Lövåsen, ladan",
        "--lat",
        "63.16",
        "--lon",
        "14.73",
        "--max-loan-hours",
        "48",
        "--buffer-minutes",
        "60",
    ]);
    assert!(out.starts_with("Added Jordfräs Honda F220 (id "), "{out}");
    d.add_item("Bågsåg", &["--category", "skog", "--location", "Lövåsen, ladan"]);
    d.add_item("Växthusvärmare", &["--category", "växthus", "--quantity", "2", "--tag", "el", "--condition", "worn"]);

    let table = d.ok(&["item", "list"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[0].starts_with("ID  ") && lines[0].contains("NAME") && lines[0].contains("LOCATION"), "{table}");
    let name_column = lines[0].find("NAME").unwrap();
    for line in &lines[1..] {
        assert_eq!(line.chars().nth(name_column - 1), Some(' '), "columns are not aligned: {table}");
    }
    assert!(table.contains("Jordfräs Honda F220") && table.contains("Lövåsen, ladan"), "{table}");

    let all = d.json(&["item", "list"]);
    assert_eq!(names(&all), vec!["Bågsåg", "Jordfräs Honda F220", "Växthusvärmare"]);
    let tiller = &all[1];
    assert_eq!(tiller["category"], "trädgård");
    assert_eq!(tiller["tags"], serde_json::json!(["jordbearbetning", "motor"]));
    assert_eq!(tiller["location"]["lat"], 63.16);
    assert_eq!(tiller["rules"]["max_loan_hours"], 48);
    assert_eq!(tiller["rules"]["buffer_minutes"], 60);
    assert_eq!(tiller["created_utc"], MONDAY);

    assert_eq!(names(&d.json(&["item", "list", "--category", "skog"])), vec!["Bågsåg"]);
    assert_eq!(names(&d.json(&["item", "list", "--tag", "el"])), vec!["Växthusvärmare"]);
    assert_eq!(names(&d.json(&["item", "list", "--condition", "worn"])), vec!["Växthusvärmare"]);
    assert_eq!(names(&d.json(&["item", "list", "--location", "lovasen"])).len(), 2);

    assert_eq!(names(&d.json(&["item", "search", "jordf"])), vec!["Jordfräs Honda F220"]);
    assert_eq!(names(&d.json(&["item", "search", "sag"])), vec!["Bågsåg"]);
    assert_eq!(names(&d.json(&["item", "search", "VAXTHUS"])), vec!["Växthusvärmare"]);
    let human = d.ok(&["item", "search", "jordfräs", "honda"]);
    assert!(human.contains("Jordfräs Honda F220"), "{human}");
    assert_eq!(d.ok(&["item", "search", "motorsåg"]), "Nothing matches 'motorsåg'.\n");
}

#[test]
fn items_are_edited_retired_and_maintained() {
    let d = Delbar::with_group();
    let id = d.add_item("Grästrimmer", &["--tag", "motor"]);
    let edited = d.json(&["item", "edit", &id[..5], "--quantity", "3", "--approval", "--max-loan-hours", "none"]);
    assert_eq!(edited["quantity"], 3);
    assert_eq!(edited["rules"]["requires_approval"], true);
    assert_eq!(edited["rules"]["max_loan_hours"], Value::Null);
    assert_eq!(edited["tags"], serde_json::json!(["motor"]));
    assert!(d.fails(&["item", "edit", &id]).contains("nothing to change"));

    d.ok(&["item", "edit", "grästrimmer", "--retire"]);
    assert!(names(&d.json(&["item", "list"])).is_empty());
    assert_eq!(names(&d.json(&["item", "list", "--all"])), vec!["Grästrimmer"]);
    d.ok(&["item", "edit", &id, "--unretire", "--approval=no"]);
    assert_eq!(d.json(&["item", "show", &id])["rules"]["requires_approval"], false);

    let out = d.ok(&["item", "maintain", &id, "Nytt trimmerhuvud", "--condition", "needs-repair"]);
    assert!(out.contains("its condition is needs-repair"), "{out}");
    let shown = d.ok(&["item", "show", &id]);
    assert!(shown.contains("Maintenance log:"), "{shown}");
    assert!(shown.contains("Karin  needs-repair     Nytt trimmerhuvud"), "{shown}");
    let json = d.json(&["item", "show", &id]);
    assert_eq!(json["maintenance_log"][0]["entry"]["note"], "Nytt trimmerhuvud");
    assert_eq!(json["condition"], "needs_repair");
}

#[test]
fn members_are_added_with_devices_promoted_and_removed() {
    let d = Delbar::with_group();
    let phone = Delbar::new();
    let device = phone.json(&["device"])["device_id"].as_str().unwrap().to_owned();
    assert_eq!(device.len(), 64);
    let out = d.ok(&["member", "add", "Anna", "--device", &device, "--label", "Annas telefon"]);
    assert!(out.starts_with("Added Anna as member (member id "), "{out}");
    d.ok(&["member", "add", "Erik", "--role", "steward"]);
    let members = d.json(&["member", "list"]);
    let anna = members.as_array().unwrap().iter().find(|m| m["name"] == "Anna").unwrap();
    assert_eq!(anna["devices"][&device]["label"], "Annas telefon");

    assert_eq!(d.json(&["member", "role", "anna", "steward"])["role"], "steward");
    d.ok(&["member", "remove", "Erik"]);
    let list = d.ok(&["member", "list"]);
    assert!(list.contains("removed 2026-11-23 09:00"), "{list}");
    assert!(list.contains("Karin (you)"), "{list}");
    assert!(d.fails(&["member", "add", "Olle", "--device", "abc"]).contains("not a valid device id"));
}

#[test]
fn a_booking_goes_from_confirmed_to_checked_out_to_returned() {
    let d = Delbar::with_group();
    d.ok(&["member", "add", "Anna"]);
    let tiller = d.add_item("Jordfräs Honda F220", &[]);
    let booking = d.book("jordfräs", "2026-11-28T09:00", "2026-11-28T17:00", &["--for", "anna", "--note", "Potatis"]);
    assert_eq!(booking["state"], "confirmed");
    assert_eq!(booking["member_name"], "Anna");
    assert_eq!(booking["item"], tiller.as_str());
    assert_eq!(booking["start_utc"], "2026-11-28T09:00:00Z");
    assert_eq!(booking["note"], "Potatis");
    let id = booking["id"].as_str().unwrap().to_owned();
    // Booking ids begin with the instant they were made: their end tells them apart.
    let prefix = &id[id.len() - 6..];

    let err = d.fails(&["booking", "confirm", prefix]);
    assert_eq!(err, "error: cannot confirm a booking that is confirmed\n");
    let out = d.ok(&["--now", "2026-11-28T08:50:00Z", "booking", "checkout", prefix]);
    assert!(out.starts_with("Anna's booking of Jordfräs Honda F220 is now checked out."), "{out}");
    let returned = d.json(&["--now", "2026-11-28T16:40:00Z", "booking", "return", &id]);
    assert_eq!(returned["state"], "returned");
    assert_eq!(returned["updated"], 1_795_884_000_000_i64);

    let second = d.book(&tiller, "2026-11-29T09:00", "2026-11-29T12:00", &[]);
    let cancelled = d.json(&["booking", "cancel", second["id"].as_str().unwrap()]);
    assert_eq!(cancelled["state"], "cancelled");

    let listed = d.json(&["bookings", "--state", "returned"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(d.json(&["bookings", "--member", "Anna"]).as_array().unwrap().len(), 1);
    assert_eq!(d.json(&["bookings", "--item", &tiller]).as_array().unwrap().len(), 2);
    assert!(d.json(&["bookings", "--open"]).as_array().unwrap().is_empty());
    let table = d.ok(&["bookings"]);
    assert!(table.contains("2026-11-28 09:00  2026-11-28 17:00  returned"), "{table}");
    assert!(table.contains("cancelled"), "{table}");
}

#[test]
fn a_loan_past_its_end_shows_as_overdue() {
    let d = Delbar::with_group();
    d.add_item("Såmaskin Earthway", &[]);
    let b = d.book("såmaskin", "2026-11-28T10:00", "2026-11-29T16:00", &[]);
    let id = b["id"].as_str().unwrap();
    d.ok(&["--now", "2026-11-28T10:00:00Z", "booking", "checkout", id]);
    assert_eq!(d.ok(&["--now", "2026-11-29T12:00:00Z", "bookings", "--overdue"]), "Nothing is overdue.\n");
    let later = ["--now", "2026-11-30T09:00:00Z"];
    let overdue = d.json(&[&later[..], &["bookings", "--overdue"]].concat());
    assert_eq!(overdue.as_array().unwrap().len(), 1);
    assert_eq!(overdue[0]["overdue"], true);
    assert_eq!(overdue[0]["shown_state"], "overdue");
    let table = d.ok(&[&later[..], &["bookings", "--overdue"]].concat());
    assert!(table.contains("overdue by 17 h"), "{table}");
}

#[test]
fn availability_shows_free_units_and_busy_spans() {
    let d = Delbar::with_group();
    d.add_item("Växthusvärmare", &["--quantity", "2"]);
    d.book("växthus", "2026-11-28T09:00", "2026-11-28T17:00", &[]);
    let av = d.json(&["availability", "växthusvärmare", "--from", "2026-11-28", "--to", "2026-11-28"]);
    assert_eq!(av["quantity"], 2);
    assert_eq!(av["free_units"], 1);
    assert_eq!(av["start_utc"], "2026-11-28T00:00:00Z");
    assert_eq!(av["end_utc"], "2026-11-29T00:00:00Z");
    assert_eq!(av["busy"].as_array().unwrap().len(), 1);
    assert_eq!(av["busy"][0]["units"], 1);
    assert_eq!(av["busy"][0]["start_utc"], "2026-11-28T09:00:00Z");
    let out = d.ok(&["availability", "växthusvärmare", "--from", "2026-11-28", "--to", "2026-11-28"]);
    assert!(out.starts_with("Växthusvärmare: 1 of 2 units free from 2026-11-28 00:00 to 2026-11-29 00:00."), "{out}");
    assert!(out.contains("2026-11-28 09:00  2026-11-28 17:00  1       1"), "{out}");
    d.book("växthus", "2026-11-28T12:00", "2026-11-28T13:00", &[]);
    let err = d.fails(&["book", "växthus", "--from", "2026-11-28T12:30", "--to", "2026-11-28T14:00"]);
    // The refusal names the window in the person's zone (here UTC, marked so).
    assert_eq!(err, "error: Växthusvärmare is already fully booked (28 Nov 2026, 12:30–14:00 UTC).\n");
}

#[test]
fn times_without_an_offset_are_local() {
    let d = Delbar::in_cet();
    d.ok(&["group", "create", "Odlingsakademin", "--me", "Karin"]);
    d.add_item("Jordfräs", &[]);
    let b = d.book("jordfräs", "2026-11-28 09:00", "2026-11-28T17:00:00+01:00", &[]);
    assert_eq!(b["start_utc"], "2026-11-28T08:00:00Z");
    assert_eq!(b["end_utc"], "2026-11-28T16:00:00Z");
    let table = d.ok(&["bookings"]);
    assert!(table.contains("2026-11-28 09:00  2026-11-28 17:00"), "{table}");
    let whole_day = d.json(&["availability", "jordfräs", "--from", "2026-11-28", "--to", "2026-11-28"]);
    assert_eq!(whole_day["start_utc"], "2026-11-27T23:00:00Z");
    assert_eq!(whole_day["end_utc"], "2026-11-28T23:00:00Z");
}

#[test]
fn history_is_paged_newest_first() {
    let d = Delbar::with_group();
    for (i, name) in ["Spade", "Kratta", "Grep"].iter().enumerate() {
        d.ok(&["--now", &format!("2026-11-23T10:0{i}:00Z"), "item", "add", name]);
    }
    let first = d.json(&["history", "--limit", "2"]);
    let entries = first["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["summary"], "Grep (1 unit)");
    assert_eq!(entries[0]["actor_name"], "Karin");
    assert_eq!(entries[0]["at_utc"], "2026-11-23T10:02:00Z");
    assert_eq!(entries[1]["summary"], "Kratta (1 unit)");
    let cursor = first["next"].as_str().unwrap();
    let rest = d.json(&["history", "--limit", "2", "--before", cursor]);
    let summaries: Vec<&str> =
        rest["entries"].as_array().unwrap().iter().map(|e| e["summary"].as_str().unwrap()).collect();
    assert_eq!(summaries, vec!["Spade (1 unit)", "Odlingsakademin Storsjöbygden"]);
    assert_eq!(rest["next"], Value::Null);

    let human = d.ok(&["history", "--limit", "1"]);
    assert!(human.contains("2026-11-23 10:02  Karin  item added  Grep (1 unit)"), "{human}");
    assert!(human.contains("Older entries: delbar history --before "), "{human}");
    let about = d.json(&["history", "--item", "kratta"]);
    assert_eq!(about["entries"].as_array().unwrap().len(), 1);
}

#[test]
fn check_finds_a_clean_projection() {
    let d = Delbar::with_group();
    d.add_item("Bågsåg", &[]);
    d.book("bågsåg", "2026-11-28T09:00", "2026-11-28T12:00", &[]);
    let out = d.ok(&["check"]);
    assert!(out.starts_with("Check OK: 1 group, "), "{out}");
    let report = d.json(&["check"]);
    assert_eq!(report["clean"], true);
    assert_eq!(report["differences"], serde_json::json!([]));
    assert!(report["rows"].as_u64().unwrap() > 0);
}

#[test]
fn check_reports_a_damaged_projection_and_exits_1() {
    let d = Delbar::with_group();
    let id = d.add_item("Bågsåg", &[]);
    let db = rusqlite::Connection::open(d.path().join("delbar.db")).unwrap();
    let changed = db.execute("UPDATE items SET quantity = 99 WHERE id = ?1", [&id]).unwrap();
    assert_eq!(changed, 1);
    drop(db);
    let r = d.run(&["check"]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Check found 1 difference(s)"), "{}", r.stdout);
    assert!(r.stdout.contains("TABLE") && r.stdout.contains("items"), "{}", r.stdout);
    assert_eq!(r.stderr, "error: the projection differs from the documents in 1 row(s)\n");
    let json = d.run(&["--json", "check"]);
    assert_eq!(json.code, Some(1));
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["clean"], false);
    assert_eq!(report["differences"][0]["table"], "items");
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let d = Delbar::with_group();
    let id = d.add_item("Jordfräs Honda F220", &[]);
    let before_items = d.json(&["item", "list", "--all"]);
    let before_history = d.history_len();

    let err = d.fails(&["item", "add", "Spade", "--quantity", "0"]);
    assert_eq!(err, "error: quantity must be between 1 and 10000 (given 0)\n");
    let err = d.fails(&["book", &id, "--from", "2026-11-28T17:00", "--to", "2026-11-28T09:00"]);
    assert_eq!(err, "error: A booking must end after it starts.\n");
    assert!(d.fails(&["book", "nosuchitem", "--from", "2026-11-28", "--to", "2026-11-28"]).contains("no item matches"));
    assert!(d.fails(&["booking", "cancel", "zzzz"]).contains("no booking matches 'zzzz'"));
    assert!(d.fails(&["book", &id, "--from", "28/11", "--to", "2026-11-28"]).contains("is not a date or time"));
    assert!(d.fails(&["book", &id, "--from", "2026-11-20", "--to", "2026-11-21"]).contains("cannot start in the past"));
    assert!(
        d.fails(&["book", &id, "--from", "2026-11-28", "--to", "2026-11-28", "--units", "2"]).contains("1 unit(s)")
    );
    assert!(d.fails(&["item", "add", "Spade", "--lat", "95", "--lon", "10"]).contains("invalid coordinates"));
    assert!(d.fails(&["item", "edit", &id, "--max-per-member", "-1"]).contains("max_concurrent_per_member"));
    assert!(d.fails(&["member", "remove", "Karin"]).contains("at least one steward"));

    let usage = d.run(&["item", "add", "Spade", "--condition", "shiny"]);
    assert_eq!(usage.code, Some(2), "{}", usage.stderr);
    assert!(usage.stderr.contains("not a condition"), "{}", usage.stderr);

    assert_eq!(d.json(&["item", "list", "--all"]), before_items);
    assert_eq!(d.history_len(), before_history);
    assert!(d.json(&["bookings"]).as_array().unwrap().is_empty());
}

#[test]
fn the_group_must_be_chosen_when_there_are_several() {
    let d = Delbar::new();
    assert!(d.fails(&["item", "list"]).contains("there is no group yet"));
    d.ok(&["group", "create", "Odlingsakademin Storsjöbygden", "--me", "Karin"]);
    d.ok(&["group", "create", "Folkverkstad Trondheim", "--me", "Karin"]);
    assert!(d.fails(&["item", "list"]).contains("this store holds 2 groups; choose one with --group"));
    d.ok(&["--group", "folkverkstad", "item", "add", "Loddebolt"]);
    assert_eq!(names(&d.json(&["--group", "Folkverkstad Trondheim", "item", "list"])), vec!["Loddebolt"]);
    assert!(names(&d.json(&["--group", "odling", "item", "list"])).is_empty());
    assert!(d.fails(&["--group", "nope", "item", "list"]).contains("no group matches 'nope'"));
}

#[test]
fn the_data_directory_comes_from_the_environment() {
    let home = tempfile::tempdir().unwrap();
    let chosen = home.path().join("chosen");
    let run = |cmd: &mut Command| finish(cmd.args(["group", "create", "G", "--me", "K"]).output().unwrap());
    let r = run(command("UTC").env("HOME", home.path()).env("DELBAR_DATA", &chosen));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(chosen.join("delbar.db").is_file());
    let xdg = home.path().join("xdg");
    let r = run(command("UTC").env("HOME", home.path()).env("XDG_DATA_HOME", &xdg));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(xdg.join("delbar").join("delbar.db").is_file());
    if !cfg!(target_os = "macos") {
        let r = run(command("UTC").env("HOME", home.path()));
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert!(home.path().join(".local/share/delbar/delbar.db").is_file());
    }
}

#[test]
fn the_demo_tells_the_whole_story() {
    let r = finish(command("UTC").arg("demo").output().unwrap());
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    let out = r.stdout;
    for line in [
        "1. Karin, the steward, creates the group on her laptop and adds the gear.",
        "   Anna's phone receives the group",
        "Anna books the tiller (Jordfräs Honda F220) for Sat 28 Nov 09:00 to 17:00: confirmed.",
        "Erik books the seed drill (Såmaskin Earthway) for Sat 28 Nov 10:00 to Sun 29 Nov 16:00: requested",
        "   Karin confirms Erik's request; it is now confirmed.",
        "   0 of 1 unit free over the whole day; booked:",
        "   He tries 13:00 to 16:00 anyway and is refused: Jordfräs Honda F220 is already fully booked (28 Nov 2026, \
         13:00–16:00).",
        "   \"jordf\"    Jordfräs Honda F220",
        "   \"sag\"      Bågsåg",
        "   \"VÄXTHUS\"  Växthusvärmare",
        "   Sat 28 Nov 08:50: the tiller goes out with Anna.",
        "   Såmaskin Earthway with Erik, due Sun 29 Nov 16:00, overdue by 17 h.",
        "   Mon 23 Nov 09:00  Karin  group created        Odlingsakademin Storsjöbygden",
        "   Karin's laptop: Check OK: 1 group,",
        "   Anna's phone:   Check OK: 1 group,",
        "   Erik's phone:   Check OK: 1 group,",
        "9. Mon 30 Nov 12:00: the phones sync with Karin's laptop, then stay offline for two days.",
        "   Tue 01 Dec 18:05: offline, Anna books the tiller for Sat 05 Dec 09:00 to 13:00: confirmed on her phone.",
        "   Tue 01 Dec 20:40: offline, Erik books the same tiller for Sat 05 Dec 11:00 to 15:00: confirmed on his phone.",
        "   Both phones resolved it the same way: Anna's request came first",
        "which resolves it the same way (Erik bumped, winner Anna).",
        "Next free: Sat 05 Dec 14:00 to Sat 05 Dec 18:00.",
        "books Sat 05 Dec 14:00 to 18:00: confirmed.",
        "   He joins the waitlist instead: his booking is waitlisted.",
        "Claim it by Sat 05 Dec 08:30.",
        "   Fri 04 Dec 09:15: Erik claims the offer on his phone; his booking is confirmed.",
        "Erik   overdue       Såmaskin Earthway is overdue",
        "Karin  loan overdue  Erik has not brought back Såmaskin Earthway",
        "Erik   due tomorrow  Bågsåg is due back within a day",
        "   Ticking again at once creates 0 more: each is told once.",
        "   All three devices show the same 7 bookings.",
        "16. Thu 10 Dec 18:00: a hub in the barn.",
        "   The hub receives the group from Karin's laptop: 5 documents differed, 5 changed here",
        "Erik's phone, which never meets Anna's, syncs with the hub: 1 document differed, 1 changed here",
        "   Erik's phone now shows Anna's booking of the Växthusvärmare, Sat 12 Dec 08:00 to Sun 13 Dec 18:00: confirmed.",
        "is refused, learning nothing: the peer refused to sync: not authorized.",
        "   The hub served 2 sessions and refused 1; Anna's and Erik's phones never dialled each other.",
        "17. Sat 12 Dec 10:00: a bundle on a USB stick",
        "it shows 8 bookings, Anna's Växthusvärmare among them: yes.",
        "   Importing the same file again changes nothing: 0 documents changed, 0 records updated.",
        "   A copy with one damaged byte is refused and applies nothing: the checksum does not match",
    ] {
        assert!(out.contains(line), "the demo did not say {line:?}:\n{out}");
    }
    let again = finish(command(CET).arg("demo").output().unwrap());
    assert_eq!(again.stdout, out, "the demo's story depends on the machine");
}

#[test]
fn the_demo_summarises_in_json() {
    let r = finish(command("UTC").args(["demo", "--json"]).output().unwrap());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["clean"], true);
    assert_eq!(v["group"]["name"], "Odlingsakademin Storsjöbygden");
    assert_eq!(v["devices"].as_array().unwrap().len(), 3);
    assert_eq!(v["bookings"].as_array().unwrap().len(), 7);
    assert_eq!(v["conflict"]["winner"]["member_name"], "Anna");
    assert_eq!(v["conflict"]["bumped"]["member_name"], "Erik");
    assert_eq!(v["conflict"]["bumped"]["state"], "bumped");
    assert_eq!(v["conflict"]["bumped"]["bump"]["reason"], "overbooked");
    assert_eq!(v["conflict"]["bumped"]["bump"]["winner"], v["conflict"]["winner"]["id"]);
    assert_eq!(v["conflict"]["suggested"]["start_utc"], "2026-12-05T13:00:00Z");
    assert_eq!(v["hub"]["hub_sessions_served"], 2);
    assert_eq!(v["hub"]["hub_sessions_refused"], 1);
    assert_eq!(v["hub"]["erik_sees_annas_booking"], true);
    assert_eq!(v["hub"]["library_bookings"], 8);
}

/// The lines of a demo table nested under `heading`, up to the next less indented line.
fn nested_block<'a>(out: &'a str, heading: &str) -> Vec<&'a str> {
    let mut lines = out.lines().skip_while(|l| !l.contains(heading));
    assert!(lines.next().is_some(), "no {heading:?} in the demo:\n{out}");
    lines.take_while(|l| l.starts_with("      ")).collect()
}

#[test]
fn the_demo_phones_resolve_the_offline_conflict_alike() {
    let r = finish(command("UTC").arg("demo").output().unwrap());
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    let out = r.stdout;
    let on_anna = nested_block(&out, "as Anna's phone now sees it:");
    let on_erik = nested_block(&out, "as Erik's phone now sees it:");
    assert_eq!(on_anna.len(), 3, "{out}");
    assert_eq!(on_anna, on_erik, "the phones disagree:\n{out}");
    assert!(on_anna[1].contains("Anna") && on_anna[1].contains("confirmed"), "{}", on_anna[1]);
    let bumped = on_anna[2];
    assert!(bumped.contains("Erik") && bumped.contains("bumped"), "{bumped}");
    assert!(bumped.contains("another booking of the same units came first"), "{bumped}");
    assert!(bumped.contains("Anna's booking (Sat 05 Dec 09:00 to 13:00)"), "{bumped}");

    let told = nested_block(&out, "What each member is told about the two bookings, on each device:");
    for device in ["Karin's laptop", "Anna's phone", "Erik's phone"] {
        let anna = told.iter().find(|l| l.contains(device) && l.contains(" Anna ")).unwrap();
        assert!(anna.contains("nothing: the booking stands"), "{anna}");
        let erik = told.iter().find(|l| l.contains(device) && l.contains(" Erik ")).unwrap();
        assert!(erik.contains("bumped") && erik.contains("(Anna). Next free: Sat 05 Dec 14:00"), "{erik}");
    }
}

/// The id of a JSON booking or item.
fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[test]
fn a_waitlist_is_joined_reordered_offered_and_claimed() {
    let d = Delbar::with_group();
    d.ok(&["member", "add", "Anna"]);
    d.ok(&["member", "add", "Erik"]);
    d.add_item("Bågsåg", &[]);
    let anna = d.book("bågsåg", "2026-11-28T09:00", "2026-11-28T17:00", &["--for", "anna"]);
    let err = d.fails(&["waitlist", "join", "bågsåg", "--from", "2026-11-29", "--to", "2026-11-29"]);
    assert!(err.contains("book it instead of joining the waitlist"), "{err}");

    let out = d.ok(&[
        "waitlist",
        "join",
        "bågsåg",
        "--from",
        "2026-11-28T10:00",
        "--to",
        "2026-11-28T12:00",
        "--for",
        "erik",
    ]);
    assert!(
        out.starts_with("Erik is waiting for Bågsåg, 2026-11-28 10:00 to 2026-11-28 12:00, 1 unit: 1st in line."),
        "{out}"
    );
    let erik = out.lines().last().unwrap().trim_start_matches("Booking id: ").to_owned();
    let mine = d.json(&["waitlist", "join", "bågsåg", "--from", "2026-11-28T11:00", "--to", "2026-11-28T13:00"]);
    assert_eq!(mine["state"], "waitlisted");
    assert_eq!(mine["waitlist"]["position"], 2);
    assert_eq!(mine["waitlist"]["offer"], Value::Null);
    let mine = id_of(&mine);

    let table = d.ok(&["waitlist", "show", "bågsåg"]);
    assert!(table.starts_with("POS  BOOKING"), "{table}");
    assert!(table.contains("OFFER UNTIL"), "{table}");
    assert!(table.contains(&format!("1    {erik}  Erik")), "{table}");
    let moved = d.ok(&["waitlist", "move", &mine[mine.len() - 6..], "1"]);
    assert!(moved.starts_with("Karin's booking is now 1st in the waitlist for Bågsåg."), "{moved}");
    let list = d.json(&["waitlist", "show", "bågsåg"]);
    assert_eq!(list[0]["booking"]["id"], mine.as_str());
    assert_eq!(list[1]["booking"]["member_name"], "Erik");
    assert_eq!(list[1]["position"], 2);
    assert!(d.fails(&["waitlist", "move", &id_of(&anna), "1"]).contains("only waitlisted bookings"));
    let bookings = d.ok(&["bookings", "--state", "waitlisted"]);
    assert_eq!(bookings.lines().count(), 3, "{bookings}");
    assert!(bookings.contains("waitlisted"), "{bookings}");

    assert!(d.fails(&["booking", "claim", &mine]).contains("no units are offered"));
    assert_eq!(d.ok(&["notifications"]), "No notifications.\n");
    d.ok(&["booking", "cancel", &id_of(&anna)]);
    let list = d.json(&["waitlist", "show", "bågsåg"]);
    assert_eq!(list[0]["offer_until_utc"], "2026-11-24T09:00:00Z");
    assert_eq!(list[1]["offer"], Value::Null);
    let shown = d.ok(&["booking", "show", &mine]);
    assert!(shown.contains("Queue:       1st of the waitlist"), "{shown}");
    assert!(shown.contains("claim them by 2026-11-24 09:00"), "{shown}");

    let notes = d.json(&["notifications"]);
    assert_eq!(notes.as_array().unwrap().len(), 1, "{notes}");
    assert_eq!(notes[0]["kind"], "waitlist_offer");
    assert_eq!(notes[0]["booking"], mine.as_str());
    assert_eq!(
        notes[0]["message"],
        "Bågsåg is free for your window (2026-11-28T11:00:00Z to 2026-11-28T13:00:00Z). Claim it by \
         2026-11-24T09:00:00Z."
    );
    let human = d.ok(&["notifications"]);
    assert!(human.contains("Karin  waitlist offer  "), "{human}");

    let claimed = d.ok(&["booking", "claim", &mine[mine.len() - 6..]]);
    assert!(claimed.starts_with("Karin's booking of Bågsåg is now confirmed."), "{claimed}");
    assert_eq!(d.json(&["booking", "show", &erik])["state"], "waitlisted");
}

#[test]
fn notifications_are_listed_per_member_and_acknowledged() {
    let d = Delbar::with_group();
    d.ok(&["member", "add", "Erik"]);
    d.add_item("Växthusvärmare", &["--quantity", "2"]);
    let first = d.book("växthus", "2026-11-29T09:00", "2026-11-29T12:00", &["--for", "erik"]);
    let second = d.book("växthus", "2026-11-29T10:00", "2026-11-29T14:00", &["--for", "erik"]);
    assert_eq!(d.ok(&["notifications", "--member", "erik"]), "No notifications.\n");
    d.ok(&["item", "edit", "växthus", "--quantity", "1"]);

    let notes = d.json(&["notifications", "--member", "erik"]);
    assert_eq!(notes.as_array().unwrap().len(), 1, "{notes}");
    let n = &notes[0];
    assert_eq!(n["kind"], "bumped");
    assert_eq!(n["member_name"], "Erik");
    assert_eq!(n["booking"], second["id"]);
    assert_eq!(n["detail"]["winner"], first["id"]);
    assert_eq!(n["detail"]["reason"], "overbooked");
    let expected = "Your booking of Växthusvärmare (2026-11-29 10:00 to 2026-11-29 14:00) was bumped: another \
                    booking of the same units came first (Erik). Next free: 2026-11-29 12:00 to 2026-11-29 16:00.";
    let utc = "Your booking of Växthusvärmare (2026-11-29T10:00:00Z to 2026-11-29T14:00:00Z) was bumped: another \
               booking of the same units came first (Erik). Next free: 2026-11-29T12:00:00Z to 2026-11-29T16:00:00Z.";
    assert_eq!(n["message"], utc, "JSON: English, UTC instants");
    let table = d.ok(&["notifications", "--member", "erik"]);
    assert!(table.contains("Erik  bumped  "), "{table}");
    assert!(table.contains(expected), "{table}");
    assert_eq!(d.ok(&["notifications"]), "No notifications.\n", "Karin has none of her own");

    let id = n["id"].as_i64().unwrap().to_string();
    assert_eq!(d.ok(&["notifications", "ack", &id, "999"]), "Acknowledged 1 notification.\n");
    assert_eq!(d.ok(&["notifications", "--member", "erik"]), "No notifications.\n");
    let all = d.ok(&["notifications", "--member", "erik", "--all"]);
    assert!(all.contains("bumped (read)"), "{all}");
    assert_eq!(d.json(&["notifications", "ack", "--all", "--member", "erik"])["acknowledged"], 0);
    let usage = d.run(&["notifications", "ack"]);
    assert_eq!(usage.code, Some(2), "{}", usage.stderr);
}

#[test]
fn a_bumped_booking_shows_why_and_who_won() {
    let d = Delbar::with_group();
    d.ok(&["member", "add", "Anna"]);
    d.ok(&["member", "add", "Erik"]);
    d.add_item("Jordfräs", &["--quantity", "2"]);
    let anna = d.book("jordfräs", "2026-11-28T09:00", "2026-11-28T13:00", &["--for", "anna"]);
    let erik = d.book("jordfräs", "2026-11-28T11:00", "2026-11-28T15:00", &["--for", "erik"]);
    d.ok(&["item", "edit", "jordfräs", "--quantity", "1"]);

    let shown = d.ok(&["booking", "show", erik["id"].as_str().unwrap()]);
    assert!(shown.contains("State:       bumped"), "{shown}");
    assert!(shown.contains("Bumped:      another booking of the same units came first"), "{shown}");
    let winner = format!("Winner:      {} (Anna, 2026-11-28 09:00 to 2026-11-28 13:00, confirmed)", id_of(&anna));
    assert!(shown.contains(&winner), "{shown}");
    let json = d.json(&["booking", "show", erik["id"].as_str().unwrap()]);
    assert_eq!(json["state"], "bumped");
    assert_eq!(json["bump"]["reason"], "overbooked");
    assert_eq!(json["bump"]["winner"], anna["id"]);
    assert_eq!(json["winner_booking"]["member_name"], "Anna");

    let table = d.ok(&["bookings"]);
    assert!(table.contains("Erik    1      2026-11-28 11:00  2026-11-28 15:00  bumped"), "{table}");
    assert_eq!(d.json(&["bookings", "--state", "bumped"]).as_array().unwrap().len(), 1);
    let gone = d.json(&["booking", "cancel", erik["id"].as_str().unwrap()]);
    assert_eq!(gone["state"], "cancelled");
}

#[test]
fn a_loan_is_extended_when_the_units_are_free() {
    let d = Delbar::with_group();
    d.add_item("Jordfräs", &["--max-loan-hours", "48"]);
    let b = d.book("jordfräs", "2026-11-28T09:00", "2026-11-28T12:00", &[]);
    let id = id_of(&b);
    d.book("jordfräs", "2026-11-28T16:00", "2026-11-28T18:00", &[]);
    let out = d.ok(&["booking", "extend", &id[id.len() - 6..], "--to", "2026-11-28T15:00"]);
    assert!(out.starts_with("Karin's booking of Jordfräs now ends 2026-11-28 15:00."), "{out}");
    assert_eq!(d.json(&["booking", "show", &id])["end_utc"], "2026-11-28T15:00:00Z");
    let err = d.fails(&["booking", "extend", &id, "--to", "2026-11-28T17:00"]);
    assert!(err.contains("Jordfräs is already fully booked (28 Nov 2026, 15:00–17:00 UTC)"), "{err}");
    let err = d.fails(&["booking", "extend", &id, "--to", "2026-12-01"]);
    assert!(err.contains("48"), "{err}");
    let shorter = d.json(&["booking", "extend", &id, "--to", "2026-11-28T11:00"]);
    assert_eq!(shorter["end_utc"], "2026-11-28T11:00:00Z");
    d.ok(&["booking", "cancel", &id]);
    let err = d.fails(&["booking", "extend", &id, "--to", "2026-11-28T12:00"]);
    assert_eq!(err, "error: cannot extend a booking that is cancelled\n");
}

#[test]
fn members_are_qualified_for_items_that_require_it() {
    let d = Delbar::with_group();
    d.ok(&["member", "add", "Anna"]);
    d.add_item("Motorsåg", &["--qualification"]);
    assert!(d.json(&["item", "show", "motorsåg"])["rules"]["requires_qualification"].as_bool().unwrap());
    assert!(d.ok(&["item", "show", "motorsåg"]).contains("qualification required"));
    let book = ["book", "motorsåg", "--from", "2026-11-28", "--to", "2026-11-28", "--for", "anna"];
    assert!(d.fails(&book).contains("qualified"));

    assert_eq!(d.ok(&["member", "qualify", "anna", "motorsåg"]), "Anna is qualified for Motorsåg.\n");
    let list = d.ok(&["member", "list"]);
    assert!(list.lines().next().unwrap().ends_with("QUALIFIED FOR"), "{list}");
    assert!(list.lines().any(|l| l.starts_with(|_| true) && l.contains("Anna") && l.ends_with("Motorsåg")), "{list}");
    assert_eq!(d.json(&book)["member_name"], "Anna");

    let revoked = d.json(&["member", "qualify", "anna", "motorsåg", "--revoke"]);
    assert_eq!(revoked["qualifications"], serde_json::json!({}));
    assert!(
        d.fails(&["book", "motorsåg", "--from", "2026-11-29", "--to", "2026-11-29", "--for", "anna"])
            .contains("qualified")
    );
    d.ok(&["item", "edit", "motorsåg", "--qualification=no"]);
    d.book("motorsåg", "2026-11-29", "2026-11-29", &["--for", "anna"]);
}

#[test]
fn kits_are_made_of_parts_and_book_them() {
    let d = Delbar::with_group();
    let spade = d.add_item("Spade", &[]);
    d.add_item("Kratta", &["--quantity", "2"]);
    let out = d.ok(&["item", "add", "Trädgårdskit", "--part", "spade", "--part", "kratta:2"]);
    assert!(out.contains("Parts:     2 × Kratta, 1 × Spade"), "{out}");
    let kit = d.json(&["item", "show", "trädgårdskit"]);
    assert_eq!(kit["parts"].as_array().unwrap().len(), 2);
    assert_eq!(kit["kit_parts"][&spade], 1);
    let shown = d.ok(&["item", "show", "spade"]);
    assert!(shown.contains("Part of kits: Trädgårdskit (1 per kit)"), "{shown}");
    assert_eq!(d.json(&["item", "show", "kratta"])["part_of"][0]["units"], 2);

    d.book("trädgårdskit", "2026-11-30T09:00", "2026-11-30T12:00", &[]);
    let av = d.json(&["availability", "spade", "--from", "2026-11-30T10:00", "--to", "2026-11-30T11:00"]);
    assert_eq!(av["free_units"], 0);
    assert_eq!(av["next_free"]["start_utc"], "2026-11-30T12:00:00Z");
    assert!(d.fails(&["item", "edit", "spade", "--part", "kratta"]).contains("part of a kit cannot become a kit"));
    assert!(d.fails(&["item", "add", "Dubbelkit", "--part", "trädgårdskit"]).contains("cannot itself be a kit"));
    assert!(d.fails(&["item", "add", "Trasigt", "--part", "spade", "--part", "Spade:1"]).contains("given twice"));

    let plain = d.json(&["item", "edit", "trädgårdskit", "--no-parts"]);
    assert_eq!(plain["kit_parts"], serde_json::json!({}));
    assert!(!d.ok(&["item", "show", "spade"]).contains("Part of kits"));
}

#[test]
fn calendar_free_and_the_next_free_window() {
    let d = Delbar::with_group();
    d.add_item("Växthusvärmare", &["--quantity", "2", "--category", "växthus"]);
    d.add_item("Jordfräs", &["--category", "trädgård"]);
    d.book("växthus", "2026-11-28T09:00", "2026-11-28T17:00", &[]);
    d.book("växthus", "2026-11-28T12:00", "2026-11-28T14:00", &[]);
    d.book("jordfräs", "2026-11-28T09:00", "2026-11-28T17:00", &[]);

    let cal = d.json(&["calendar", "växthus", "--from", "2026-11-28", "--to", "2026-11-28"]);
    let busy: Vec<(&str, u64, u64)> = cal["busy"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["start_utc"].as_str().unwrap(), b["units"].as_u64().unwrap(), b["free"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        busy,
        vec![("2026-11-28T09:00:00Z", 1, 1), ("2026-11-28T12:00:00Z", 2, 0), ("2026-11-28T14:00:00Z", 1, 1)]
    );
    let table = d.ok(&["calendar", "växthus", "--from", "2026-11-28", "--to", "2026-11-28"]);
    assert!(table.starts_with("Växthusvärmare (2 units) from 2026-11-28 00:00 to 2026-11-29 00:00:"), "{table}");
    assert!(table.contains("2026-11-28 12:00  2026-11-28 14:00  2       0"), "{table}");
    assert!(d.ok(&["calendar", "jordfräs", "--from", "2026-11-29", "--to", "2026-11-29"]).contains("Nothing booked"));

    let free = d.json(&["free", "--from", "2026-11-28T10:00", "--to", "2026-11-28T11:00"]);
    assert_eq!(names(&free), vec!["Växthusvärmare"]);
    assert_eq!(free[0]["free_units"], 1);
    assert!(
        names(&d.json(&["free", "--from", "2026-11-28T10:00", "--to", "2026-11-28T11:00", "--units", "2"])).is_empty()
    );
    assert_eq!(names(&d.json(&["free", "--from", "2026-11-29", "--to", "2026-11-29"])).len(), 2);
    assert!(
        d.json(&["free", "--from", "2026-11-29", "--to", "2026-11-29", "--category", "trädgård"])[0]["name"]
            == "Jordfräs"
    );
    let human = d.ok(&["free", "--from", "2026-11-28T13:00", "--to", "2026-11-28T13:30"]);
    assert_eq!(human, "Free from 2026-11-28 13:00 to 2026-11-28 13:30:\nNothing is free for that window.\n");

    let out = d.ok(&["availability", "jordfräs", "--from", "2026-11-28T15:00", "--to", "2026-11-28T18:00"]);
    assert!(out.contains("Next free window of the same length: 2026-11-28 17:00 to 2026-11-28 20:00."), "{out}");
    let av = d.json(&["availability", "jordfräs", "--from", "2026-11-28T15:00", "--to", "2026-11-28T18:00"]);
    assert_eq!(av["next_free"]["start_utc"], "2026-11-28T17:00:00Z");
    assert_eq!(av["next_free"]["end_utc"], "2026-11-28T20:00:00Z");
    let free_now = d.json(&["availability", "jordfräs", "--from", "2026-11-29", "--to", "2026-11-29"]);
    assert_eq!(free_now["next_free"], Value::Null);
}

#[test]
fn tick_tells_of_loans_due_and_overdue_once() {
    let d = Delbar::with_group();
    d.ok(&["member", "add", "Anna"]);
    d.add_item("Spade", &[]);
    let b = d.book("spade", "now", "2026-11-24T08:00", &["--for", "anna"]);
    d.ok(&["booking", "checkout", &id_of(&b)]);
    let out = d.ok(&["tick"]);
    assert!(out.starts_with("1 new notification at 2026-11-23 09:00.\n"), "{out}");
    assert!(out.contains("Anna  due tomorrow  "), "{out}");
    assert!(out.contains("Spade is due back within a day (2026-11-23 09:00 to 2026-11-24 08:00)."), "{out}");
    assert_eq!(d.ok(&["tick"]), "0 new notifications at 2026-11-23 09:00.\n");
    // Overdue: the borrower is told, and so are the stewards.
    let later = d.json(&["--now", "2026-11-24T10:00:00Z", "tick"]);
    let later = later.as_array().unwrap();
    assert_eq!(later.len(), 2, "{later:?}");
    let anna_told = later.iter().find(|n| n["kind"] == "overdue").unwrap();
    assert_eq!(anna_told["member_name"], "Anna");
    assert_eq!(anna_told["booking"], b["id"]);
    let steward_told = later.iter().find(|n| n["kind"] == "loan_overdue").unwrap();
    assert_eq!(steward_told["booking"], b["id"]);
    assert_ne!(steward_told["member_name"], "Anna");
    let anna = d.json(&["notifications", "--member", "anna"]);
    let kinds: Vec<&str> = anna.as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["due_tomorrow", "overdue"]);
}
