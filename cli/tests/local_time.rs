//! `delbar` follows `LANG` and `TZ`: a Swedish run in `Europe/Stockholm` shows a booking over
//! the night the clocks go back in local hours, while `--json` keeps the same UTC instants
//! whatever the language and zone.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures: a step that fails should stop the test with its message"
)]

use serde_json::Value;
use std::path::Path;

mod common;
use common::{Run, Runs, command, finish};

/// A data directory and the language and zone every run gets.
struct Person<'a> {
    data: &'a Path,
    lang: &'a str,
    tz: &'a str,
}

impl Runs for Person<'_> {
    fn run(&self, args: &[&str]) -> Run {
        let mut cmd = command(self.tz);
        cmd.env("LANG", self.lang).env("DELBAR_NOW", "2026-10-20T08:00:00Z").arg("--data").arg(self.data);
        finish(cmd.args(args).output().unwrap())
    }
}

/// The JSON a run prints, without what differs between any two runs (nothing should).
fn json_of(p: &Person<'_>, args: &[&str]) -> Value {
    p.json(args)
}

#[test]
fn a_swedish_run_shows_a_booking_over_the_end_of_summer_time_in_local_hours() {
    let dir = tempfile::tempdir().unwrap();
    let karin = Person { data: dir.path(), lang: "sv_SE.UTF-8", tz: "Europe/Stockholm" };
    let script = Person { data: dir.path(), lang: "C.UTF-8", tz: "UTC" };
    karin.ok(&["group", "create", "Odlingsakademin", "--me", "Karin"]);
    karin.ok(&["item", "add", "Släpvagn"]);

    // Saturday 18:00 summer time to Sunday 12:00 winter time, typed as local times.
    let booked = karin.json(&["book", "Släpvagn", "--from", "2026-10-24T18:00", "--to", "2026-10-25T12:00"]);
    assert_eq!(booked["start_utc"], "2026-10-24T16:00:00Z");
    assert_eq!(booked["end_utc"], "2026-10-25T11:00:00Z");

    let table = karin.ok(&["bookings"]);
    assert!(table.contains("2026-10-24 18:00") && table.contains("2026-10-25 12:00"), "{table}");
    let utc_table = script.ok(&["bookings"]);
    assert!(utc_table.contains("2026-10-24 16:00") && utc_table.contains("2026-10-25 11:00"), "{utc_table}");

    // A refusal is a Swedish sentence with the local hours of the window asked for.
    let refused = karin.fails(&["book", "Släpvagn", "--from", "2026-10-24T20:00", "--to", "2026-10-25T10:00"]);
    assert_eq!(
        refused.trim_end(),
        "error: Alla exemplar av Släpvagn är redan bokade (24 okt. 2026 kl. 20:00 – 25 okt. 2026 kl. 10:00)."
    );
    // The same refusal for a script in UTC, in English, marked UTC.
    let refused = script.fails(&["book", "Släpvagn", "--from", "2026-10-24T18:00", "--to", "2026-10-25T08:00"]);
    assert!(refused.contains("(24 Oct 2026, 18:00 – 25 Oct 2026, 08:00 UTC)"), "{refused}");

    // Overdue on Sunday afternoon: the notification says when it was due, in local time.
    let id = booked["id"].as_str().unwrap();
    karin.ok(&["--now", "2026-10-24T16:00:00Z", "booking", "checkout", id]);
    karin.ok(&["--now", "2026-10-25T13:00:00Z", "tick"]);
    let told = karin.ok(&["--now", "2026-10-25T13:00:00Z", "notifications"]);
    assert!(
        told.contains(
            "Släpvagn skulle ha lämnats tillbaka senast 25 okt. 2026 kl. 12:00. Lämna tillbaka så snart du kan."
        ),
        "{told}"
    );
    assert!(!told.contains("UTC") && !told.contains("11:00"), "{told}");

    // JSON is the same document whatever the language and zone: UTC instants.
    for args in [&["bookings"][..], &["notifications"][..], &["item", "list"][..]] {
        let args: Vec<&str> = [&["--now", "2026-10-25T13:00:00Z"][..], args].concat();
        assert_eq!(json_of(&karin, &args), json_of(&script, &args), "{args:?}");
    }
    let notes = script.json(&["--now", "2026-10-25T13:00:00Z", "notifications"]);
    assert!(notes.to_string().contains("2026-10-25T11:00:00Z"), "{notes}");
}

#[test]
fn norwegian_and_unknown_languages_and_zones() {
    let dir = tempfile::tempdir().unwrap();
    let ingrid = Person { data: dir.path(), lang: "nb_NO.UTF-8", tz: "Europe/Oslo" };
    ingrid.ok(&["group", "create", "Folkverkstad", "--me", "Ingrid"]);
    ingrid.ok(&["item", "add", "Øks"]);
    ingrid.ok(&["book", "Øks", "--from", "2026-10-24T18:00", "--to", "2026-10-25T12:00"]);
    let refused = ingrid.fails(&["book", "Øks", "--from", "2026-10-24T20:00", "--to", "2026-10-25T10:00"]);
    assert!(refused.contains("(24. okt. 2026 kl. 20:00 – 25. okt. 2026 kl. 10:00)"), "{refused}");
    // LC_ALL wins over LANG; German has no texts, so English; an unknown TZ falls back to UTC.
    let mut cmd = command("Mars/Olympus_Mons");
    cmd.env("LANG", "nb_NO.UTF-8").env("LC_ALL", "de_DE.UTF-8").env("DELBAR_NOW", "2026-10-20T08:00:00Z");
    let run = finish(
        cmd.arg("--data")
            .arg(dir.path())
            .args(["book", "Øks", "--from", "2026-10-24T18:00Z", "--to", "2026-10-25T08:00Z"])
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("(24 Oct 2026, 18:00 – 25 Oct 2026, 08:00 UTC)"), "{}", run.stderr);
}
