//! The range of every number and count a person gives, in one place. The domain checks each
//! before anything is written, with an error that states the range; the CLI and the bindings
//! read numbers into wide types (`i64`) and hand them here, so nothing is clamped or wrapped
//! on the way.
//!
//! | input | range | error |
//! | --- | --- | --- |
//! | an item's quantity | 1 to [`MAX_QUANTITY`] | [`DomainError::InvalidQuantity`] |
//! | units of a booking (also at most the item's quantity) | 1 to [`MAX_UNITS`] | [`DomainError::InvalidUnits`] |
//! | tags of an item | at most [`MAX_TAGS`], each at most [`MAX_TAG_CHARS`] characters | [`DomainError::TooMany`], [`DomainError::FieldTooLong`] |
//! | parts of a kit | at most [`MAX_KIT_PARTS`], 1 to [`MAX_UNITS_PER_PART`] units each | [`DomainError::TooMany`], [`DomainError::InvalidKit`] |
//! | longest loan (`max_loan_hours`) | 1 to [`MAX_LOAN_HOURS`] (a year), or none | [`DomainError::InvalidRule`] |
//! | booking ahead (`max_advance_days`) | 1 to [`MAX_ADVANCE_DAYS`] (two years), or none | [`DomainError::InvalidRule`] |
//! | minimum notice (`min_notice_hours`) | 0 to [`MAX_NOTICE_HOURS`] (30 days), or none | [`DomainError::InvalidRule`] |
//! | bookings per member (`max_concurrent_per_member`) | 1 to [`MAX_PER_MEMBER`], or none | [`DomainError::InvalidRule`] |
//! | time between loans (`buffer_minutes`) | 0 to [`MAX_BUFFER_MINUTES`] (a week) | [`DomainError::InvalidRule`] |
//! | pickup window of a waitlist offer | 1 to [`MAX_PICKUP_HOURS`] (two weeks) | [`DomainError::InvalidRule`] |
//! | maintenance every N days / every N loans | 1 to [`MAX_INTERVAL`] | [`DomainError::InvalidRule`] |
//! | uses of an invite | 1 to [`MAX_INVITE_USES`] | [`DomainError::InvalidRule`] |
//! | how long an invite lasts | at most [`MAX_INVITE_HOURS`] (30 days) | [`DomainError::OutOfRange`] |
//! | a place in an item's waitlist | 1 to the number of bookings waiting | [`DomainError::OutOfRange`] |
//! | items on one label sheet | 1 to `label_sheet::MAX_LABELS` | [`DomainError::LabelCount`] |
//!
//! Text lengths (names 200 characters, categories 100, places 200, device labels 100,
//! descriptions and notes 10,000) are checked with the characters ([`crate::domain::input`]).

use crate::domain::DomainError;

/// Most units of one item.
pub const MAX_QUANTITY: i64 = 10_000;
/// Most units one booking takes (never more than the item's quantity).
pub const MAX_UNITS: i64 = MAX_QUANTITY;
/// Most tags on one item.
pub const MAX_TAGS: usize = 50;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 60;
/// Most parts in one kit.
pub const MAX_KIT_PARTS: usize = 100;
/// Most units of one part in one kit.
pub const MAX_UNITS_PER_PART: u32 = 1_000;
/// Longest loan a rule may allow, in hours (a year).
pub const MAX_LOAN_HOURS: i64 = 365 * 24;
/// Furthest ahead a rule may allow a booking to start, in days (two years).
pub const MAX_ADVANCE_DAYS: i64 = 2 * 365;
/// Longest minimum notice, in hours (30 days).
pub const MAX_NOTICE_HOURS: i64 = 30 * 24;
/// Most bookings of one item a rule may let one member hold.
pub const MAX_PER_MEMBER: i64 = 100;
/// Longest time kept free between two loans, in minutes (a week).
pub const MAX_BUFFER_MINUTES: i64 = 7 * 24 * 60;
/// Longest pickup window of a waitlist offer, in hours (two weeks).
pub const MAX_PICKUP_HOURS: i64 = 14 * 24;
/// Largest N of a maintenance plan's "every N days" or "every N loans".
pub const MAX_INTERVAL: u32 = 10_000;
/// Most devices one invite may let in.
pub const MAX_INVITE_USES: u32 = 1_000;
/// Longest an invite may last, in hours (30 days).
pub const MAX_INVITE_HOURS: i64 = 30 * 24;

/// The ranges of [`DomainError::InvalidRule`] as its `expected` text.
pub(crate) mod expected {
    /// `max_loan_hours`.
    pub const LOAN_HOURS: &str = "1 to 8760";
    /// `max_advance_days`.
    pub const ADVANCE_DAYS: &str = "1 to 730";
    /// `min_notice_hours`.
    pub const NOTICE_HOURS: &str = "0 to 720";
    /// `max_concurrent_per_member`.
    pub const PER_MEMBER: &str = "1 to 100";
    /// `buffer_minutes`.
    pub const BUFFER_MINUTES: &str = "0 to 10080";
    /// `pickup_window_hours`.
    pub const PICKUP_HOURS: &str = "1 to 336";
    /// `every_days`, `every_loans`.
    pub const INTERVAL: &str = "1 to 10000";
    /// `invite uses`.
    pub const INVITE_USES: &str = "1 to 1000";
}

/// Checks a rule's value against `min..=max`; `expected` words the range for the error.
pub(crate) fn rule(
    rule: &'static str,
    given: i64,
    min: i64,
    max: i64,
    expected: &'static str,
) -> Result<i64, DomainError> {
    if (min..=max).contains(&given) { Ok(given) } else { Err(DomainError::InvalidRule { rule, expected, given }) }
}

/// An item's quantity as typed, checked.
pub fn quantity(given: i64) -> Result<u32, DomainError> {
    match u32::try_from(given) {
        Ok(q) if (1..=MAX_QUANTITY).contains(&given) => Ok(q),
        _ => Err(DomainError::InvalidQuantity { given }),
    }
}

/// Units of a booking (or of a free-units query) as typed, checked.
pub fn units(given: i64) -> Result<u32, DomainError> {
    match u32::try_from(given) {
        Ok(u) if (1..=MAX_UNITS).contains(&given) => Ok(u),
        _ => Err(DomainError::InvalidUnits { given }),
    }
}

/// How many bookings of an item one member may hold, as typed (a loan rule), checked.
pub fn per_member(given: i64) -> Result<u32, DomainError> {
    let v = rule("max_concurrent_per_member", given, 1, MAX_PER_MEMBER, expected::PER_MEMBER)?;
    u32::try_from(v).map_err(|_| DomainError::InvalidRule {
        rule: "max_concurrent_per_member",
        expected: expected::PER_MEMBER,
        given,
    })
}

/// The N of a maintenance plan's "every N days" (`every_days`) or "every N loans"
/// (`every_loans`), as typed, checked.
pub fn interval(rule_name: &'static str, given: i64) -> Result<u32, DomainError> {
    let v = rule(rule_name, given, 1, i64::from(MAX_INTERVAL), expected::INTERVAL)?;
    u32::try_from(v).map_err(|_| DomainError::InvalidRule { rule: rule_name, expected: expected::INTERVAL, given })
}

/// The uses of an invite, checked.
pub fn invite_uses(given: u32) -> Result<u32, DomainError> {
    rule("invite uses", i64::from(given), 1, i64::from(MAX_INVITE_USES), expected::INVITE_USES).map(|_| given)
}

/// How long an invite made at `now` to expire at `expires` lasts, checked: at most
/// [`MAX_INVITE_HOURS`] (an expiry in the past is allowed: the invite is expired at once).
pub fn invite_expiry(now: crate::time::Timestamp, expires: crate::time::Timestamp) -> Result<(), DomainError> {
    const HOUR_MS: i64 = 3_600_000;
    let ahead = expires.0.saturating_sub(now.0);
    if ahead <= MAX_INVITE_HOURS * HOUR_MS {
        return Ok(());
    }
    let hours = ahead / HOUR_MS + i64::from(ahead % HOUR_MS != 0);
    Err(DomainError::OutOfRange { field: "invite lifetime (hours)", min: 0, max: MAX_INVITE_HOURS, given: hours })
}

/// A place (from 1) asked for in a queue of `places` places, checked; returns its index
/// (from 0).
pub fn place(given: i64, places: usize) -> Result<usize, DomainError> {
    let max = i64::try_from(places).unwrap_or(i64::MAX);
    match usize::try_from(given.saturating_sub(1)) {
        Ok(index) if (1..=max).contains(&given) => Ok(index),
        _ => Err(DomainError::OutOfRange { field: "waitlist position", min: 1, max, given }),
    }
}

/// A count of things given at once (tags, kit parts), checked against its most.
pub(crate) fn count(what: &'static str, given: usize, max: usize) -> Result<(), DomainError> {
    if given > max { Err(DomainError::TooMany { what, given, max }) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_and_units_are_checked_at_both_ends_without_wrapping() {
        assert_eq!(quantity(1), Ok(1));
        assert_eq!(quantity(MAX_QUANTITY), Ok(10_000));
        for bad in [0, -1, MAX_QUANTITY + 1, 1_000_000, 4_294_967_296, i64::MAX, i64::MIN] {
            assert_eq!(quantity(bad), Err(DomainError::InvalidQuantity { given: bad }));
            assert_eq!(units(bad), Err(DomainError::InvalidUnits { given: bad }));
        }
        assert_eq!(units(1), Ok(1));
        assert_eq!(units(MAX_UNITS), Ok(10_000));
        assert_eq!(
            quantity(1_000_000).unwrap_err().to_string(),
            "quantity must be between 1 and 10000 (given 1000000)"
        );
        assert_eq!(
            units(4_294_967_296).unwrap_err().to_string(),
            "a booking must be for between 1 and 10000 units (given 4294967296)"
        );
    }

    #[test]
    fn rule_values_state_their_range() {
        assert_eq!(per_member(1), Ok(1));
        assert_eq!(per_member(100), Ok(100));
        let e = per_member(4_294_967_296).unwrap_err();
        assert_eq!(e.to_string(), "max_concurrent_per_member must be 1 to 100 (given 4294967296)");
        assert_eq!(interval("every_days", 10_000), Ok(10_000));
        assert!(interval("every_days", 0).is_err());
        assert_eq!(
            interval("every_loans", 10_001).unwrap_err(),
            DomainError::InvalidRule { rule: "every_loans", expected: "1 to 10000", given: 10_001 }
        );
        assert_eq!(invite_uses(1000), Ok(1000));
        assert!(invite_uses(0).is_err());
        assert!(invite_uses(1001).is_err());
        assert_eq!(count("tags", 50, MAX_TAGS), Ok(()));
        assert_eq!(count("tags", 51, MAX_TAGS).unwrap_err().to_string(), "at most 50 tags may be given (51 given)");
    }

    #[test]
    fn places_and_invite_lifetimes_have_their_ranges() {
        use crate::time::Timestamp;
        assert_eq!(place(1, 3), Ok(0));
        assert_eq!(place(3, 3), Ok(2));
        for bad in [0, 4, -1, 4_294_967_296] {
            assert_eq!(
                place(bad, 3),
                Err(DomainError::OutOfRange { field: "waitlist position", min: 1, max: 3, given: bad })
            );
        }
        let now = Timestamp(1_000_000_000_000);
        let hour = 3_600_000;
        assert_eq!(invite_expiry(now, now.plus_ms(MAX_INVITE_HOURS * hour)), Ok(()));
        assert_eq!(invite_expiry(now, now.plus_ms(-hour)), Ok(()));
        assert_eq!(
            invite_expiry(now, now.plus_ms(MAX_INVITE_HOURS * hour + 1)).unwrap_err().to_string(),
            "invite lifetime (hours) must be between 0 and 720 (given 721)"
        );
    }

    #[test]
    fn the_expected_texts_match_the_constants() {
        let text = |min: i64, max: i64| format!("{min} to {max}");
        assert_eq!(expected::LOAN_HOURS, text(1, MAX_LOAN_HOURS));
        assert_eq!(expected::ADVANCE_DAYS, text(1, MAX_ADVANCE_DAYS));
        assert_eq!(expected::NOTICE_HOURS, text(0, MAX_NOTICE_HOURS));
        assert_eq!(expected::PER_MEMBER, text(1, MAX_PER_MEMBER));
        assert_eq!(expected::BUFFER_MINUTES, text(0, MAX_BUFFER_MINUTES));
        assert_eq!(expected::PICKUP_HOURS, text(1, MAX_PICKUP_HOURS));
        assert_eq!(expected::INTERVAL, text(1, i64::from(MAX_INTERVAL)));
        assert_eq!(expected::INVITE_USES, text(1, i64::from(MAX_INVITE_USES)));
    }
}
