//! Reading the dates and times a person types, and showing instants.
//!
//! Accepted input: `2026-11-28`, `2026-11-28T09:00`, `2026-11-28 09:00` (seconds optional),
//! RFC 3339 with an offset (`2026-11-28T09:00:00+01:00`, `2026-11-28T08:00Z`), and the words
//! `now`, `today`, `tomorrow`. Input without an offset is local time. A date alone means the
//! start of that day for a window's start and the end of that day (midnight after it) for a
//! window's end, so `--from 2026-11-28 --to 2026-11-28` is the whole Saturday.
//!
//! Tables show local time (`2026-11-28 09:00`); JSON shows RFC 3339 in UTC.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, SecondsFormat, Timelike, Utc};
use delbar_core::i18n::{self, TimeZone};
use delbar_core::time::{HOUR_MS, MINUTE_MS, Timestamp};
use jiff::civil;
use jiff::tz::AmbiguousOffset;

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

/// Parses a typed instant in the person's time zone (`TZ`, see [`crate::place`]). `now`
/// answers `now`, `today`, `tomorrow`.
pub fn parse_when(input: &str, edge: Edge, now: Timestamp) -> CliResult<Timestamp> {
    parse_in(input, edge, now, crate::place::zone())
}

/// Parses a typed instant, reading input without an offset in `zone`.
pub fn parse_in(input: &str, edge: Edge, now: Timestamp, zone: &TimeZone) -> CliResult<Timestamp> {
    let s = input.trim();
    let relative_day = match s.to_ascii_lowercase().as_str() {
        "now" => return Ok(now),
        "today" => Some(0),
        "tomorrow" => Some(1),
        _ => None,
    };
    if let Some(days) = relative_day {
        let today = i18n::civil_in(now, zone).date();
        let day = today.checked_add(jiff::Span::new().days(days)).unwrap_or(today);
        return day_edge(day, edge, zone, s);
    }
    let normalized = normalize(s);
    for format in WITH_OFFSET {
        if let Ok(dt) = DateTime::parse_from_str(&normalized, format) {
            return Ok(Timestamp(dt.timestamp_millis()));
        }
    }
    for format in LOCAL {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&normalized, format) {
            return local_instant(civil_of(naive).ok_or_else(|| out_of_range(s))?, zone, s);
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return day_edge(date_of(day).ok_or_else(|| out_of_range(s))?, edge, zone, s);
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

fn out_of_range(input: &str) -> CliError {
    CliError::input(format!("'{}' is outside the years -9999 to 9999", crate::escape::echo(input)))
}

/// A parsed calendar date as jiff's, if it is in jiff's range.
fn date_of(day: NaiveDate) -> Option<civil::Date> {
    let year = i16::try_from(day.year()).ok()?;
    civil::Date::new(year, i8::try_from(day.month()).ok()?, i8::try_from(day.day()).ok()?).ok()
}

/// A parsed date and time as jiff's, if it is in jiff's range.
fn civil_of(naive: NaiveDateTime) -> Option<civil::DateTime> {
    let time = naive.time();
    let nanos = i32::try_from(time.nanosecond().min(999_999_999)).ok()?;
    let hms = (i8::try_from(time.hour()).ok()?, i8::try_from(time.minute()).ok()?, i8::try_from(time.second()).ok()?);
    Some(date_of(naive.date())?.to_datetime(civil::Time::new(hms.0, hms.1, hms.2, nanos).ok()?))
}

/// The instant of a local date and time; in the hour repeated when clocks go back, the first.
fn local_instant(dt: civil::DateTime, zone: &TimeZone, input: &str) -> CliResult<Timestamp> {
    let offset = match zone.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } | AmbiguousOffset::Fold { before: offset, .. } => offset,
        AmbiguousOffset::Gap { .. } => {
            return Err(CliError::input(format!(
                "'{}' does not exist in local time (the clocks change then)",
                crate::escape::echo(input)
            )));
        }
    };
    let at = offset.to_timestamp(dt).map_err(|_| out_of_range(input))?;
    Ok(Timestamp(at.as_millisecond()))
}

/// The start of `day`, or the midnight after it for an end.
fn day_edge(day: civil::Date, edge: Edge, zone: &TimeZone, input: &str) -> CliResult<Timestamp> {
    let day = match edge {
        Edge::Start => day,
        Edge::End => day
            .tomorrow()
            .map_err(|_| CliError::input(format!("'{}' is too far in the future", crate::escape::echo(input))))?,
    };
    local_instant(day.to_datetime(civil::Time::midnight()), zone, input)
}

/// The instant as a UTC date-time, if it is in chrono's range.
fn utc(ts: Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ts.0)
}

/// RFC 3339 in UTC, to the second (`2026-11-28T08:00:00Z`).
pub fn utc_iso(ts: Timestamp) -> String {
    utc(ts).map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true)).unwrap_or_else(|| ts.to_string())
}

/// Local time for tables (`2026-11-28 09:00`), in the zone of `TZ` (see [`crate::place`]).
pub fn local(ts: Timestamp) -> String {
    format_in(ts, crate::place::zone(), "%Y-%m-%d %H:%M")
}

/// An instant in `zone` with a `strftime` format (jiff's).
pub fn format_in(ts: Timestamp, zone: &jiff::tz::TimeZone, format: &str) -> String {
    jiff::fmt::strtime::format(format, i18n::civil_in(ts, zone)).unwrap_or_else(|_| ts.to_string())
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
    fn cet() -> TimeZone {
        TimeZone::fixed(jiff::tz::offset(1))
    }

    fn stockholm() -> TimeZone {
        i18n::time_zone("Europe/Stockholm").unwrap()
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
        assert_eq!(format_in(t, &stockholm(), "%Y-%m-%d %H:%M"), "2026-11-28 09:00");
        // Summer time: two hours east of UTC.
        assert_eq!(format_in(at(2026, 7, 1, 8, 0), &stockholm(), "%Y-%m-%d %H:%M"), "2026-07-01 10:00");
        assert_eq!(utc_iso(t), "2026-11-28T08:00:00Z");
        assert_eq!(duration(17 * HOUR_MS), "17 h");
        assert_eq!(duration(45 * MINUTE_MS), "45 min");
        assert_eq!(duration(2 * 24 * HOUR_MS + 3 * HOUR_MS), "2 d 3 h");
    }
}

#[cfg(test)]
mod summer_time_tests {
    use super::*;

    fn at(mo: u32, d: u32, h: u32, mi: u32) -> Timestamp {
        Timestamp::from_civil(2026, mo, d, h, mi).unwrap()
    }

    #[test]
    fn local_input_follows_the_zone_s_summer_time() {
        let stockholm = i18n::time_zone("Europe/Stockholm").unwrap();
        let now = at(10, 20, 8, 0);
        let read = |s: &str, edge: Edge| parse_in(s, edge, now, &stockholm);
        // Summer time on Saturday 24 October, winter time on Sunday 25 October.
        assert_eq!(read("2026-10-24T18:00", Edge::Start).unwrap(), at(10, 24, 16, 0));
        assert_eq!(read("2026-10-25T12:00", Edge::End).unwrap(), at(10, 25, 11, 0));
        // 02:30 happens twice that night: the first (summer time) is meant.
        assert_eq!(read("2026-10-25 02:30", Edge::Start).unwrap(), at(10, 25, 0, 30));
        // The Sunday is 25 hours long.
        let day = read("2026-10-25", Edge::End).unwrap().0 - read("2026-10-25", Edge::Start).unwrap().0;
        assert_eq!(day, 25 * HOUR_MS);
        // 02:30 on 29 March 2026 never happens in Stockholm.
        let gap = read("2026-03-29T02:30", Edge::Start).unwrap_err().to_string();
        assert!(gap.contains("does not exist in local time"), "{gap}");
        assert_eq!(local_in_tests(read("2026-10-24T18:00", Edge::Start).unwrap(), &stockholm), "2026-10-24 18:00");
    }

    fn local_in_tests(t: Timestamp, zone: &TimeZone) -> String {
        format_in(t, zone, "%Y-%m-%d %H:%M")
    }
}
