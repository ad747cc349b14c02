//! Instants in UTC and the device clock.
//!
//! All instants are milliseconds since the Unix epoch, UTC. The core never trusts a device
//! clock for ordering between devices (see the bookings conflict rule); it uses the clock for
//! what a person sees (created at, overdue) and for validating loan rules locally.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// An instant: milliseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

// Across the FFI an instant is its milliseconds: a `java.time.Instant` in Kotlin and a `Date`
// in Swift (`core/uniffi.toml`).
#[cfg(feature = "uniffi")]
uniffi::custom_type!(Timestamp, i64, {
    lower: |t| t.0,
    try_lift: |ms| Ok(Timestamp(ms)),
});

/// One minute in milliseconds.
pub const MINUTE_MS: i64 = 60_000;
/// One hour in milliseconds.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
/// One day in milliseconds.
pub const DAY_MS: i64 = 24 * HOUR_MS;

impl Timestamp {
    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// This instant plus `ms` milliseconds (saturating).
    pub fn plus_ms(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }

    /// The calendar month (UTC) this instant falls in, as `(year, month)`.
    pub fn year_month(self) -> (i32, u32) {
        let days = self.0.div_euclid(DAY_MS);
        let (y, m, _) = civil_from_days(days);
        (y, m)
    }

    /// The calendar month (UTC) this instant falls in, as one number that grows by one each
    /// month (`year * 12 + month - 1`).
    pub fn month_number(self) -> i64 {
        let (year, month) = self.year_month();
        i64::from(year) * 12 + i64::from(month) - 1
    }

    /// The `(year, month, day, hour, minute)` of this instant in UTC.
    pub fn civil(self) -> (i32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(DAY_MS);
        let rem = self.0.rem_euclid(DAY_MS);
        let (y, m, d) = civil_from_days(days);
        let hour = (rem / HOUR_MS) as u32;
        let minute = ((rem % HOUR_MS) / MINUTE_MS) as u32;
        (y, m, d, hour, minute)
    }

    /// The instant at `year-month-day hour:minute` UTC, if the date exists.
    pub fn from_civil(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if hour > 23 || minute > 59 {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(Self(days * DAY_MS + i64::from(hour) * HOUR_MS + i64::from(minute) * MINUTE_MS))
    }

    /// The first instant of the UTC month `(year, month)`.
    pub fn month_start(year: i32, month: u32) -> Self {
        Self(days_from_civil(year, month, 1) * DAY_MS)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi) = self.civil();
        write!(f, "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}Z")
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since the epoch of a civil date (proleptic Gregorian), after H. Hinnant's algorithm.
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date of a day count since the epoch.
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((y + i64::from(m <= 2)) as i32, m, d)
}

/// The device clock. Apps and tests can hand in their own (a fixed clock in tests, a clock
/// that is days off to test skew).
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant according to this device.
    fn now(&self) -> Timestamp;
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default();
        Timestamp(ms)
    }
}

/// A clock that stands still until moved: for tests and the demo.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// A clock showing `at`.
    pub fn new(at: Timestamp) -> Self {
        Self(Arc::new(AtomicI64::new(at.0)))
    }

    /// Sets the clock to `at`.
    pub fn set(&self, at: Timestamp) {
        self.0.store(at.0, Ordering::SeqCst);
    }

    /// Moves the clock forward by `ms`.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        let t = Timestamp::from_civil(2026, 11, 28, 9, 30).unwrap();
        assert_eq!(t.civil(), (2026, 11, 28, 9, 30));
        assert_eq!(t.year_month(), (2026, 11));
        assert_eq!(t.to_string(), "2026-11-28 09:30Z");
        assert_eq!(Timestamp(0).civil(), (1970, 1, 1, 0, 0));
        assert!(Timestamp::from_civil(2026, 2, 29, 0, 0).is_none());
        assert!(Timestamp::from_civil(2028, 2, 29, 0, 0).is_some());
    }
}
