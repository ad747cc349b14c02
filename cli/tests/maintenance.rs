//! `delbar maintenance plan add|list|remove`, `delbar maintenance due` and `delbar booking
//! return --condition` run for real on temporary data directories.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures: a step that fails should stop the test with its message"
)]

use serde_json::Value;

mod common;
mod data_dir;
use common::Runs;
use data_dir::DataDir as Delbar;

impl Delbar {
    /// Books `item` for an hour from `from`, checks it out and returns it at `back`, with
    /// `extra` on the return; returns the booking id.
    fn lend(&self, item: &str, from: &str, back: &str, extra: &[&str]) -> String {
        let to = format!("{}T{}:00", &from[..10], hour_after(&from[11..13]));
        let b = self.json(&["--now", from, "book", item, "--from", from, "--to", &to]);
        let id = b["id"].as_str().unwrap().to_owned();
        self.ok(&["--now", from, "booking", "checkout", &id]);
        let mut args = vec!["--now", back, "booking", "return", &id];
        args.extend_from_slice(extra);
        self.ok(&args);
        id
    }
}

fn hour_after(h: &str) -> String {
    format!("{:02}", h.parse::<u32>().unwrap() + 1)
}

#[test]
fn a_plan_after_each_loan_blocks_bookings_until_maintenance_is_logged() {
    let d = Delbar::with_group("Karin");
    d.ok(&["item", "add", "Motorsåg", "--max-loan-hours", "none", "--max-advance-days", "none"]);
    let plan =
        d.json(&["maintenance", "plan", "add", "Motorsåg", "--after-each-loan", "--blocks", "--note", "slipa kedjan"]);
    assert_eq!(plan["plan"]["schedule"]["kind"], "after_each_loan");
    assert_eq!(plan["plan"]["blocks"], true);
    assert_eq!(plan["due"], Value::Null, "no loan yet");
    let listed = d.ok(&["maintenance", "plan", "list"]);
    assert!(listed.contains("Motorsåg") && listed.contains("after each loan"), "{listed}");
    assert_eq!(d.ok(&["maintenance", "due"]).trim(), "Nothing is due for maintenance.");

    d.lend("Motorsåg", "2026-11-23T10:00", "2026-11-23T12:00", &["--condition", "worn", "--note", "kedjan slö"]);
    let due = d.json(&["--now", "2026-11-23T13:00", "maintenance", "due"]);
    assert_eq!(due.as_array().unwrap().len(), 1, "{due}");
    assert_eq!(due[0]["item_name"], "Motorsåg");
    assert_eq!(due[0]["due_utc"], "2026-11-23T12:00:00Z");
    assert_eq!(due[0]["note"], "slipa kedjan");
    let text = d.ok(&["--now", "2026-11-23T13:00", "maintenance", "due"]);
    assert!(text.contains("Motorsåg") && text.contains("after each loan"), "{text}");
    let refused = d.fails(&[
        "--now",
        "2026-11-23T13:00",
        "book",
        "Motorsåg",
        "--from",
        "2026-11-24T10:00",
        "--to",
        "2026-11-24T12:00",
    ]);
    assert!(refused.contains("maintenance"), "{refused}");
    let shown = d.json(&["item", "show", "Motorsåg"]);
    assert_eq!(shown["current_condition"], "worn");
    assert_eq!(shown["reported"]["note"], "kedjan slö");

    d.ok(&["--now", "2026-11-23T14:00", "item", "maintain", "Motorsåg", "kedjan slipad", "--condition", "good"]);
    assert!(d.json(&["--now", "2026-11-23T15:00", "maintenance", "due"]).as_array().unwrap().is_empty());
    d.book_ok("2026-11-23T15:00", "Motorsåg", "2026-11-24T10:00", "2026-11-24T12:00");
    assert_eq!(d.json(&["item", "show", "Motorsåg"])["current_condition"], "good");

    let id = plan["plan"]["id"].as_str().unwrap();
    let removed = d.ok(&["maintenance", "plan", "remove", "Motorsåg", id]);
    assert!(removed.starts_with("Removed the plan"), "{removed}");
    assert_eq!(d.ok(&["maintenance", "plan", "list"]).trim(), "No maintenance plans.");
}

impl Delbar {
    fn book_ok(&self, now: &str, item: &str, from: &str, to: &str) -> Value {
        self.json(&["--now", now, "book", item, "--from", from, "--to", to])
    }
}

#[test]
fn a_return_reporting_needs_repair_with_a_photo_file_keeps_the_item_from_being_booked() {
    let d = Delbar::with_group("Karin");
    d.ok(&["item", "add", "Släpvagn", "--max-loan-hours", "none", "--max-advance-days", "none"]);
    d.ok(&["item", "add", "Cykelkärra", "--max-loan-hours", "none", "--max-advance-days", "none"]);
    let photo = d.path().join("slapvagn.png");
    let img = image::RgbImage::from_fn(1200, 900, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 40]));
    img.save(&photo).unwrap();
    let id = d.lend(
        "Släpvagn",
        "2026-11-23T10:00",
        "2026-11-23T11:00",
        &["--condition", "needs-repair", "--note", "däcket läcker", "--photo", photo.to_str().unwrap()],
    );
    let shown = d.json(&["item", "show", "Släpvagn"]);
    assert_eq!(shown["condition"], "good", "the steward's condition is unchanged");
    assert_eq!(shown["current_condition"], "needs_repair");
    let hash = shown["reported"]["photo"].as_str().unwrap().to_owned();
    assert_eq!(hash.len(), 64, "{shown}");
    let text = d.ok(&["item", "show", "Släpvagn"]);
    assert!(text.contains("needs-repair (reported by Karin"), "{text}");
    assert!(text.contains(&format!("delbar booking photo {id}")), "{text}");
    // The photo was stored like an item's: a JPEG of at most 2048 px whose hash the return
    // keeps, and a thumbnail.
    let out = d.path().join("back.jpg");
    let written = d.json(&["booking", "photo", &id, "--out", out.to_str().unwrap()]);
    assert_eq!(written["photo"], hash.as_str());
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(blake3::hash(&bytes).to_hex().as_str(), hash);
    assert_eq!(image::guess_format(&bytes).unwrap(), image::ImageFormat::Jpeg);
    d.ok(&["booking", "photo", &id, "--thumbnail", "--out", out.to_str().unwrap()]);
    let thumb = image::load_from_memory(&std::fs::read(&out).unwrap()).unwrap();
    assert!(thumb.width() <= 320 && thumb.height() <= 320, "{}x{}", thumb.width(), thumb.height());
    // Something that is not an image is refused and the loan stays out.
    let junk = d.path().join("junk.jpg");
    std::fs::write(&junk, b"\xff\xd8\xff\xe0 not much of a photo").unwrap();
    let b = d.json(&[
        "--now",
        "2026-11-25T10:00",
        "book",
        "Cykelkärra",
        "--from",
        "2026-11-25T10:00",
        "--to",
        "2026-11-25T11:00",
    ]);
    let other = b["id"].as_str().unwrap();
    d.ok(&["--now", "2026-11-25T10:00", "booking", "checkout", other]);
    let refused = d.fails(&["booking", "return", other, "--condition", "worn", "--photo", junk.to_str().unwrap()]);
    assert!(refused.contains("photo"), "{refused}");
    assert_eq!(d.json(&["booking", "show", other])["state"], "checked_out");
    let refused = d.fails(&[
        "--now",
        "2026-11-23T12:00",
        "book",
        "Släpvagn",
        "--from",
        "2026-11-24T10:00",
        "--to",
        "2026-11-24T12:00",
    ]);
    assert!(refused.contains("repair"), "{refused}");
    let stewards = d.json(&["--now", "2026-11-23T12:00", "notifications"]);
    assert!(
        stewards
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["notification"]["kind"] == "needs_repair" || n["kind"] == "needs_repair"),
        "{stewards}"
    );
}

#[test]
fn bad_schedules_are_refused() {
    let d = Delbar::with_group("Karin");
    d.ok(&["item", "add", "Jordfräs"]);
    let err = d.fails(&["maintenance", "plan", "add", "Jordfräs", "--yearly", "02-30"]);
    assert!(err.contains("02-30"), "{err}");
    let err = d.fails(&["maintenance", "plan", "add", "Jordfräs", "--every-days", "0"]);
    assert!(err.contains("every_days") || err.contains("1 to 10000") || err.contains("10000"), "{err}");
    let r = d.run(&["maintenance", "plan", "add", "Jordfräs"]);
    assert_eq!(r.code, Some(2), "clap refuses a plan without a schedule: {}", r.stderr);
    let r = d.run(&["maintenance", "plan", "add", "Jordfräs", "--every-days", "3", "--after-each-loan"]);
    assert_eq!(r.code, Some(2), "one schedule only: {}", r.stderr);
    assert_eq!(d.ok(&["maintenance", "plan", "list"]).trim(), "No maintenance plans.");
}
