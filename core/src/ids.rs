//! Identifiers of groups, members, devices, items, bookings and activity entries.
//!
//! Ids are 80-bit values written as 16 lowercase base32 characters, so they are short enough
//! to type in the CLI and never collide in practice: random for groups, members, items and
//! maintenance entries; time-ordered, and preceded by the document they belong to
//! (`b202701-...`), for bookings and activity entries. Device ids are the hex form of the
//! device's ed25519 public key, the same key iroh uses as the node identity.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::doc_key::DocKey;
use crate::domain::DomainError;

/// Alphabet of generated ids: lowercase RFC 4648 base32 without padding.
const ID_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Returns `n` random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS random source only fails on exotic platforms; fall back to a time-derived seed
    // hashed with blake3 rather than panicking across the FFI boundary.
    if getrandom::fill(&mut bytes).is_err() {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let hash = blake3::hash(&seed.to_le_bytes());
        for (dst, src) in bytes.iter_mut().zip(hash.as_bytes().iter().cycle()) {
            *dst = *src;
        }
    }
    bytes
}

/// A fresh random id of 16 base32 characters.
fn new_id_string() -> String {
    id_string(random_bytes())
}

/// 80 bits as 16 base32 characters.
fn id_string(bytes: [u8; 10]) -> String {
    let mut bits: u128 = 0;
    for b in bytes {
        bits = (bits << 8) | u128::from(b);
    }
    (0..16).rev().map(|i| char::from(ID_ALPHABET[((bits >> (i * 5)) & 31) as usize])).collect()
}

fn is_valid_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A fresh random id.
            pub fn generate() -> Self {
                Self(new_id_string())
            }

            /// Parses an id given by a person or an app; rejects anything that is not an id.
            pub fn parse(s: &str) -> Result<Self, DomainError> {
                let s = s.trim();
                if is_valid_id(s) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(DomainError::InvalidId { kind: $what, given: $crate::domain::input::echo(s) })
                }
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        // Across the FFI an id is its text (a `String` in Kotlin and Swift, under the id's
        // own type alias). Ids reach the core from an app as call arguments, which the
        // bindings parse into `InvalidInput`; the records holding these types go out only.
        #[cfg(feature = "uniffi")]
        uniffi::custom_type!($name, String, {
            lower: |id| id.0,
            try_lift: |s| Ok($name::parse(&s)?),
        });
    };
}

id_type!(
    /// Identifies a group (an Odlingsakademin chapter, a Folkverkstad workshop).
    GroupId,
    "group"
);

impl GroupId {
    /// The id of a group founded by `device` with `nonce`: a hash of both, so that the
    /// founding device can be told from the id alone.
    pub fn founded_by(device: &DeviceId, nonce: &str) -> Self {
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"delbar group id v1\0");
        hasher.update(device.as_str().as_bytes());
        hasher.update(b"\0");
        hasher.update(nonce.as_bytes());
        let hash = hasher.finalize();
        let mut bytes = [0u8; 10];
        bytes.copy_from_slice(&hash.as_bytes()[..10]);
        Self(id_string(bytes))
    }
}
id_type!(
    /// Identifies a member of a group.
    MemberId,
    "member"
);
id_type!(
    /// Identifies an item of a group's catalogue.
    ItemId,
    "item"
);
id_type!(
    /// Identifies a booking.
    BookingId,
    "booking"
);
id_type!(
    /// Identifies an activity-history entry.
    ActivityId,
    "activity"
);
id_type!(
    /// Identifies one entry of an item's maintenance log.
    MaintenanceId,
    "maintenance entry"
);
id_type!(
    /// Identifies a maintenance plan of an item.
    PlanId,
    "maintenance plan"
);
id_type!(
    /// A device: the lowercase hex of its ed25519 public key (64 characters).
    DeviceId,
    "device"
);

/// Alphabet of time-ordered ids: the 32 characters of [`ID_ALPHABET`] in ASCII order, so
/// that comparing two ids as text compares the numbers they write. (In the RFC 4648 order
/// `2`..`7` stand for 26..31 but sort before the letters: an id made a millisecond later
/// could sort first.)
const ORDERED_ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";

/// Bits of a time-ordered id after its instant: the process's sequence number.
const SEQUENCE_BITS: u32 = 35;

/// An id that sorts after every id this process made before at the same or an earlier
/// instant: the instant (45 bits of milliseconds), then the process's next sequence number
/// (35 bits, see [`next_sequence`]).
///
/// Entities that sit under the root of a monthly document are keyed by such ids because an
/// automerge 0.12 map stores its keys in order and inserting a key costs with the number of
/// keys after it: a random key lands in the middle of a month of entries (about 0.7 ms in a
/// map of 40,000 operations, measured), a time-ordered one at its end (about 11 us).
fn time_ordered_id(at: crate::time::Timestamp) -> String {
    compose_time_ordered(at, next_sequence())
}

/// The id of `sequence` at `at`.
fn compose_time_ordered(at: crate::time::Timestamp, sequence: u64) -> String {
    let instant = u128::from(at.0.max(0) as u64 & ((1 << 45) - 1));
    let mut bits: u128 = (instant << SEQUENCE_BITS) | u128::from(sequence & ((1 << SEQUENCE_BITS) - 1));
    let mut out = [0u8; 16];
    for slot in out.iter_mut().rev() {
        *slot = ORDERED_ALPHABET[(bits & 31) as usize];
        bits >>= 5;
    }
    out.iter().map(|b| char::from(*b)).collect()
}

/// The next number of this process's sequence (see [`Sequence`]).
fn next_sequence() -> u64 {
    static SEQUENCE: std::sync::OnceLock<Sequence> = std::sync::OnceLock::new();
    SEQUENCE.get_or_init(Sequence::starting_at_random).next()
}

/// Numbers that count up from a random start below 2^34; each process has one.
///
/// Two processes (two devices, or one device before and after a restart) may make ids at
/// the same instant; a random start makes their numbers meet only if their runs overlap,
/// about `2 * n / 2^34` for runs of `n` ids, where a count from zero would meet at once.
/// Starting below half the range leaves 2^34 ids before the count could wrap and break
/// the order of ids made within one instant.
struct Sequence(std::sync::atomic::AtomicU64);

impl Sequence {
    fn starting_at_random() -> Self {
        let start = u64::from_be_bytes(random_bytes()) & ((1 << (SEQUENCE_BITS - 1)) - 1);
        Sequence(std::sync::atomic::AtomicU64::new(start))
    }

    fn next(&self) -> u64 {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

/// A time-ordered id made at `at` for an entity of document `home`, beginning with the
/// document's id prefix ([`DocKey::id_prefix`]). Within one document every such id has the
/// same beginning, so they sort by their time-ordered part.
fn time_ordered_id_in(at: crate::time::Timestamp, home: DocKey) -> String {
    let mut id = home.id_prefix().unwrap_or_default();
    id.push_str(&time_ordered_id(at));
    id
}

impl ActivityId {
    /// A fresh id that sorts after every id this process made before at the same or an
    /// earlier instant (see `time_ordered_id`), naming no document, as the ids made before
    /// commit `86c3abf` did. History pages break ties of equal instants by id, so entries
    /// one device writes within one millisecond keep their order.
    pub fn generate_at(at: crate::time::Timestamp) -> Self {
        Self(time_ordered_id(at))
    }

    /// A fresh time-ordered id for an entry made at `at` that lives in document `home`,
    /// which the id names (a copy of the entry in any other document is not read; see
    /// `docs::entity`). Among entries of one instant, those of a booking document (`b...`)
    /// sort after those of an activity document (`a...`) whatever order they were made in;
    /// within one document they keep their order.
    pub fn generate_in(at: crate::time::Timestamp, home: DocKey) -> Self {
        Self(time_ordered_id_in(at, home))
    }
}

impl BookingId {
    /// A fresh id for a booking made at `at`, sorting after the ids of the bookings made
    /// before it, so that a new booking is added at the end of its monthly document (see
    /// `time_ordered_id`), naming no document, as the ids made before commit `86c3abf` did.
    /// Older ids are random; every kind parses alike.
    pub fn generate_at(at: crate::time::Timestamp) -> Self {
        Self(time_ordered_id(at))
    }

    /// A fresh time-ordered id for a booking made at `at` that lives in document `home`
    /// (the month of its start), which the id names.
    pub fn generate_in(at: crate::time::Timestamp, home: DocKey) -> Self {
        Self(time_ordered_id_in(at, home))
    }
}

impl DeviceId {
    /// The device id of an ed25519 public key.
    pub fn from_public_key(key: &[u8; 32]) -> Self {
        Self(data_encoding::HEXLOWER.encode(key))
    }

    /// The public key bytes of this device id, if it is well formed.
    pub fn public_key(&self) -> Option<[u8; 32]> {
        let bytes = data_encoding::HEXLOWER.decode(self.0.as_bytes()).ok()?;
        bytes.try_into().ok()
    }

    /// Parses and checks that the text is a 64-character hex public key.
    pub fn parse_key(s: &str) -> Result<Self, DomainError> {
        let id = Self::parse(s)?;
        match id.public_key() {
            Some(_) => Ok(id),
            None => Err(DomainError::InvalidId { kind: "device", given: crate::domain::input::echo(s.trim()) }),
        }
    }

    /// A short form for display (first 8 characters).
    pub fn short(&self) -> &str {
        self.0.get(..8).unwrap_or(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let a = ItemId::generate();
        let b = ItemId::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 16);
        assert_eq!(ItemId::parse(a.as_str()).ok(), Some(a));
    }

    #[test]
    fn time_ordered_ids_sort_by_the_instant_they_were_made() {
        let earlier = crate::time::Timestamp(1_700_000_000_000);
        let later = earlier.plus_ms(1);
        let a = BookingId::generate_at(earlier);
        let b = BookingId::generate_at(earlier);
        let c = BookingId::generate_at(later);
        assert!(a.as_str() < b.as_str(), "same instant: made later sorts later");
        assert!(b.as_str() < c.as_str());
        assert!(ActivityId::generate_at(earlier).as_str() < ActivityId::generate_at(later).as_str());
        assert_eq!(BookingId::parse(c.as_str()).ok(), Some(c));
    }

    #[test]
    fn time_ordered_ids_keep_the_sequence_whole_and_in_order() {
        let at = crate::time::Timestamp(1_795_348_800_000);
        let top = (1 << SEQUENCE_BITS) - 1;
        assert_ne!(compose_time_ordered(at, 0), compose_time_ordered(at, 1 << 16), "no bit of the sequence is dropped");
        assert!(compose_time_ordered(at, top - 1) < compose_time_ordered(at, top));
        assert!(compose_time_ordered(at, top) < compose_time_ordered(at.plus_ms(1), 0), "the instant comes first");
    }

    #[test]
    fn time_ordered_ids_compare_as_text_like_the_numbers_they_write() {
        assert!(ORDERED_ALPHABET.windows(2).all(|w| w[0] < w[1]));
        let mut sorted = *ORDERED_ALPHABET;
        let mut letters = *ID_ALPHABET;
        sorted.sort_unstable();
        letters.sort_unstable();
        assert_eq!(sorted, letters, "the same characters as random ids");
        // Steps across a month, and across the whole range of the sequence.
        let start = crate::time::Timestamp(1_795_348_800_000);
        let mut last = compose_time_ordered(start, 0);
        for step in 1..31 * 24 * 3_600_000 / 9_973 {
            let next = compose_time_ordered(start.plus_ms(step * 9_973), step as u64 * 7_919);
            assert!(last < next, "{last} sorts after {next}");
            last = next;
        }
        let mut last = compose_time_ordered(start, 0);
        for step in 1..100_000u64 {
            let next = compose_time_ordered(start, step * 343_597);
            assert!(last < next, "{last} sorts after {next}");
            last = next;
        }
    }

    #[test]
    fn a_sequence_starts_low_enough_to_never_wrap() {
        for _ in 0..1_000 {
            assert!(Sequence::starting_at_random().next() < 1 << (SEQUENCE_BITS - 1));
        }
    }

    #[test]
    fn processes_making_ids_at_one_instant_make_different_ids() {
        // Each sequence stands for one process (a device, or a restart of it), all making
        // their ids in the same millisecond, as devices whose clock stands still would.
        let at = crate::time::Timestamp(1_795_348_800_000);
        let mut seen = std::collections::HashSet::new();
        for process in 0..40 {
            let sequence = Sequence::starting_at_random();
            for _ in 0..1_000 {
                let id = compose_time_ordered(at, sequence.next());
                assert!(seen.insert(id.clone()), "process {process} made {id} again");
            }
        }
    }

    #[test]
    fn bad_ids_are_rejected() {
        assert!(ItemId::parse("").is_err());
        assert!(ItemId::parse("Hello World").is_err());
        assert!(ItemId::parse("x'; drop table items").is_err());
        assert!(DeviceId::parse_key("abcd").is_err());
    }
}
