//! Reading the dates and times a person types, and showing instants.
//!
//! Accepted input: `2026-11-28`, `2026-11-28T09:00`, `2026-11-28 09:00` (seconds optional),
//! RFC 3339 with an offset (`2026-11-28T09:00:00+01:00`, `2026-11-28T08:00Z`), and the words
//! `now`, `today`, `tomorrow`. Input without an offset is local time. A date alone means the
//! start of that day for a window's start and the end of that day (midnight after it) for a
//! window's end, so `--from 2026-11-28 --to 2026-11-28` is the whole Saturday.
//!
//! Tables show local time (`2026-11-28 09:00`); JSON shows RFC 3339 in UTC.

use chrono::{DateTime, Local, LocalResult, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use delbar_core::time::{HOUR_MS, MINUTE_MS, Timestamp};
use std::fmt::Display;

use crate::error::{CliError, CliResult};

/// Which end of a window a typed instant is for; decides what a date alone means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// The start: a date alone is that day's 00:00.
    Start,
    /// The end: a date alone is the midnight after that day.
    End,
}

/// Formats with an explicit offset, tried in order.
const WITH_OFFSET: [&str; 4] =
    ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z"];
/// Formats of a local date and time, tried in order.
const LOCAL: [&str; 2] = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"];

/// Parses a typed instant in the local time zone. `now` answers `now`, `today`, `tomorrow`.
pub fn parse_when(input: &str, edge: Edge, now: Timestamp) -> CliResult<Timestamp> {
    parse_in(input, edge, now, &Local)
}

/// Parses a typed instant, reading input without an offset in `tz`.
pub fn parse_in<Tz: TimeZone>(input: &str, edge: Edge, now: Timestamp, tz: &Tz) -> CliResult<Timestamp> {
    let s = input.trim();
    let relative_day = match s.to_ascii_lowercase().as_str() {
        "now" => return Ok(now),
        "today" => Some(0),
        "tomorrow" => Some(1),
        _ => None,
    };
    if let Some(days) = relative_day {
        let today = match tz.timestamp_millis_opt(now.0) {
            LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => dt.date_naive(),
            LocalResult::None => return Err(CliError::input("the clock shows an instant that cannot be read")),
        };
        let day = today.checked_add_days(chrono::Days::new(days)).unwrap_or(today);
        return day_edge(day, edge, tz, s);
    }
    let normalized = normalize(s);
    for format in WITH_OFFSET {
        if let Ok(dt) = DateTime::parse_from_str(&normalized, format) {
            return Ok(Timestamp(dt.timestamp_millis()));
        }
    }
    for format in LOCAL {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&normalized, format) {
            return local_instant(naive, tz, s);
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return day_edge(day, edge, tz, s);
    }
    Err(CliError::input(format!(
        "'{}' is not a date or time; write 2026-11-28, 2026-11-28T09:00, \"2026-11-28 09:00\" or \
         2026-11-28T09:00:00+01:00",
        crate::escape::echo(s)
    )))
}

/// `2026-11-28 09:00` becomes `2026-11-28T09:00`; a trailing `Z` becomes `+00:00`.
fn normalize(s: &str) -> String {
    let mut out = match (s.get(..10), s.get(10..11), s.get(11..)) {
        (Some(date), Some(" " | "t"), Some(rest)) => format!("{date}T{}", rest.trim_start()),
        _ => s.to_owned(),
    };
    if out.ends_with(['Z', 'z']) {
        out.pop();
        out.push_str("+00:00");
    }
    out
}

/// The instant of a local date and time; in the hour repeated when clocks go back, the first.
fn local_instant<Tz: TimeZone>(naive: NaiveDateTime, tz: &Tz, input: &str) -> CliResult<Timestamp> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => Ok(Timestamp(dt.timestamp_millis())),
        LocalResult::None => Err(CliError::input(format!(
            "'{}' does not exist in local time (the clocks change then)",
            crate::escape::echo(input)
        ))),
    }
}

/// The start of `day`, or the midnight after it for an end.
fn day_edge<Tz: TimeZone>(day: NaiveDate, edge: Edge, tz: &Tz, input: &str) -> CliResult<Timestamp> {
    let day = match edge {
        Edge::Start => day,
        Edge::End => day
            .succ_opt()
            .ok_or_else(|| CliError::input(format!("'{}' is too far in the future", crate::escape::echo(input))))?,
    };
    local_instant(day.and_time(chrono::NaiveTime::MIN), tz, input)
}

/// The instant as a UTC date-time, if it is in chrono's range.
fn utc(ts: Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ts.0)
}

/// RFC 3339 in UTC, to the second (`2026-11-28T08:00:00Z`).
pub fn utc_iso(ts: Timestamp) -> String {
    utc(ts).map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true)).unwrap_or_else(|| ts.to_string())
}

/// Local time for tables (`2026-11-28 09:00`).
pub fn local(ts: Timestamp) -> String {
    format_in(ts, &Local, "%Y-%m-%d %H:%M")
}

/// An instant in `tz` with a chrono format string.
pub fn format_in<Tz: TimeZone>(ts: Timestamp, tz: &Tz, format: &str) -> String
where
    Tz::Offset: Display,
{
    utc(ts).map(|d| d.with_timezone(tz).format(format).to_string()).unwrap_or_else(|| ts.to_string())
}

/// A duration for people: `45 min`, `17 h`, `2 d 3 h`.
pub fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    let days = ms / (24 * HOUR_MS);
    let hours = (ms % (24 * HOUR_MS)) / HOUR_MS;
    let minutes = (ms % HOUR_MS) / MINUTE_MS;
    match (days, hours, minutes) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn cet() -> FixedOffset {
        FixedOffset::east_opt(3600).unwrap()
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Timestamp {
        Timestamp::from_civil(y, mo, d, h, mi).unwrap()
    }

    fn parse(s: &str, edge: Edge) -> CliResult<Timestamp> {
        parse_in(s, edge, at(2026, 11, 23, 8, 0), &cet())
    }

    #[test]
    fn every_documented_form_reads_as_the_same_instant() {
        let nine_cet = at(2026, 11, 28, 8, 0);
        for s in [
            "2026-11-28T09:00",
            "2026-11-28 09:00",
            "2026-11-28T09:00:00",
            "2026-11-28 09:00:00.000",
            "2026-11-28T09:00:00+01:00",
            "2026-11-28T08:00:00Z",
            "2026-11-28T08:00Z",
            "2026-11-28 08:00:00z",
            "2026-11-28T10:00+0200",
            " 2026-11-28t09:00 ",
        ] {
            assert_eq!(parse(s, Edge::Start).unwrap(), nine_cet, "{s}");
        }
    }

    #[test]
    fn a_date_alone_covers_the_whole_day() {
        assert_eq!(parse("2026-11-28", Edge::Start).unwrap(), at(2026, 11, 27, 23, 0));
        assert_eq!(parse("2026-11-28", Edge::End).unwrap(), at(2026, 11, 28, 23, 0));
    }

    #[test]
    fn words_are_relative_to_the_clock() {
        assert_eq!(parse("now", Edge::Start).unwrap(), at(2026, 11, 23, 8, 0));
        assert_eq!(parse("today", Edge::Start).unwrap(), at(2026, 11, 22, 23, 0));
        assert_eq!(parse("Tomorrow", Edge::End).unwrap(), at(2026, 11, 24, 23, 0));
    }

    #[test]
    fn nonsense_is_refused_with_the_accepted_forms() {
        for s in ["", "28/11/2026", "2026-13-01", "2026-11-28T25:00", "saturday"] {
            let e = parse(s, Edge::Start).unwrap_err().to_string();
            assert!(e.contains("2026-11-28T09:00"), "{s}: {e}");
        }
    }

    #[test]
    fn instants_are_shown_local_and_utc() {
        let t = at(2026, 11, 28, 8, 0);
        assert_eq!(format_in(t, &cet(), "%Y-%m-%d %H:%M"), "2026-11-28 09:00");
        assert_eq!(utc_iso(t), "2026-11-28T08:00:00Z");
        assert_eq!(duration(17 * HOUR_MS), "17 h");
        assert_eq!(duration(45 * MINUTE_MS), "45 min");
        assert_eq!(duration(2 * 24 * HOUR_MS + 3 * HOUR_MS), "2 d 3 h");
    }
}
