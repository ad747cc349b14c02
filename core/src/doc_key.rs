//! Names of a group's documents.
//!
//! A leaf module: ids (which begin with the document they belong to) and the documents layer
//! both build on it, and it needs neither.

use std::fmt;

use crate::time::Timestamp;

/// Which document of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocKey {
    /// Group, members and items.
    Catalogue,
    /// Bookings starting in one UTC month.
    Bookings {
        /// Year.
        year: i32,
        /// Month, 1 to 12.
        month: u32,
    },
    /// Activity entries of one UTC month.
    Activity {
        /// Year.
        year: i32,
        /// Month, 1 to 12.
        month: u32,
    },
}

impl DocKey {
    /// The booking document of a booking starting at `start`.
    pub fn bookings_at(start: Timestamp) -> Self {
        let (year, month) = start.year_month();
        DocKey::Bookings { year, month }
    }

    /// The activity document of an entry made at `at`.
    pub fn activity_at(at: Timestamp) -> Self {
        let (year, month) = at.year_month();
        DocKey::Activity { year, month }
    }

    /// How the ids of the bookings and activity entries made for this document begin: `b`
    /// or `a`, the year and month, and `-` (`b202701-`), so that every device can tell from
    /// an id alone which document the entity belongs to (see [`DocKey::named_by_id`]). The
    /// catalogue's entities have no such beginning. (At the beginning, not the end: the end
    /// of a time-ordered id is what tells ids made close together apart when a person types
    /// part of one.)
    pub fn id_prefix(&self) -> Option<String> {
        match self {
            DocKey::Catalogue => None,
            DocKey::Bookings { year, month } => Some(format!("b{year:04}{month:02}-")),
            DocKey::Activity { year, month } => Some(format!("a{year:04}{month:02}-")),
        }
    }

    /// The document an id names by its beginning ([`DocKey::id_prefix`]); `None` for an id
    /// without one, as every id made before commit `86c3abf`.
    pub fn named_by_id(id: &str) -> Option<DocKey> {
        let (head, _) = id.split_once('-')?;
        let digits = head.get(1..)?;
        if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let kind = match head.get(..1)? {
            "b" => "bookings",
            "a" => "activity",
            _ => return None,
        };
        DocKey::monthly(kind, digits.get(..4)?, digits.get(4..)?)
    }

    /// Parses a stored key (`catalogue`, `bookings/2026-11`, `activity/2026-11`).
    pub fn parse(s: &str) -> Option<Self> {
        if s == "catalogue" {
            return Some(DocKey::Catalogue);
        }
        let (kind, period) = s.split_once('/')?;
        let (y, m) = period.split_once('-')?;
        DocKey::monthly(kind, y, m)
    }

    /// The monthly document of `kind` (`bookings`, `activity`) for the year and two-digit
    /// month given as text, if they name one.
    fn monthly(kind: &str, y: &str, m: &str) -> Option<Self> {
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        if !(1..=12).contains(&month) || !(1970..=9999).contains(&year) || m.len() != 2 {
            return None;
        }
        match kind {
            "bookings" => Some(DocKey::Bookings { year, month }),
            "activity" => Some(DocKey::Activity { year, month }),
            _ => None,
        }
    }
}

impl fmt::Display for DocKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocKey::Catalogue => f.write_str("catalogue"),
            DocKey::Bookings { year, month } => write!(f, "bookings/{year:04}-{month:02}"),
            DocKey::Activity { year, month } => write!(f, "activity/{year:04}-{month:02}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_their_document_by_their_beginning() {
        for k in [DocKey::Bookings { year: 2026, month: 11 }, DocKey::Activity { year: 2027, month: 1 }] {
            let id = format!("{}buibsbiqaaabuqmt", k.id_prefix().unwrap());
            assert_eq!(DocKey::named_by_id(&id), Some(k));
        }
        assert_eq!(DocKey::Catalogue.id_prefix(), None);
        for id in ["buibsbiqaaabuqmt", "item-1", "b2027013-x", "c202701-x", "b202713-x", "b20270a-x", "bå2027-x"] {
            assert_eq!(DocKey::named_by_id(id), None, "{id}");
        }
    }

    #[test]
    fn keys_round_trip() {
        for k in
            [DocKey::Catalogue, DocKey::Bookings { year: 2026, month: 11 }, DocKey::Activity { year: 2027, month: 1 }]
        {
            assert_eq!(DocKey::parse(&k.to_string()), Some(k));
        }
        assert_eq!(DocKey::parse("bookings/2026-13"), None);
        assert_eq!(DocKey::parse("other/2026-01"), None);
    }
}
