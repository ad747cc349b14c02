//! Item labels and what scanning one offers. Pure: no storage, no rendering.
//!
//! A label carries the text `DELBAR:<group code>:<item code>`, for example
//! `DELBAR:3F7QK2MA:X9D4T0BC` (24 characters). Every character is in QR's alphanumeric set
//! (`0-9 A-Z space $ % * + - . / :`), which packs 2 characters in 11 bits instead of one per
//! 8 bits, so the code stays at QR version 2 (25 x 25 modules) at error correction level Q
//! (which survives about a quarter of the code being scratched or dirty).
//!
//! A code is 8 characters of Crockford's base32 (`0-9 A-Z` without `I L O U`), the first 40
//! bits of a blake3 key derivation from the id, so every device derives the same code from
//! the same id with nothing stored. The item code is also printed under the QR, as
//! `X9D4-T0BC`, for a person to type: typing is forgiving (any case, spaces and dashes
//! ignored, `O` read as `0`, `I` and `L` as `1`). Two items of one group share a code with
//! a chance of about `n^2 / 2^41` (one in a million for 2,000 items); a typed or scanned code
//! that matches several items is answered as ambiguous, never guessed.

use std::fmt;

use crate::domain::{Booking, BookingState, DomainError, Item, Member, Role};
use crate::ids::{BookingId, GroupId, ItemId};
use crate::time::{HOUR_MS, Timestamp};

/// The first word of every label's text.
pub const LABEL_PREFIX: &str = "DELBAR";
/// Characters in a code.
pub const CODE_LEN: usize = 8;
/// Crockford's base32 alphabet: no `I`, `L`, `O` or `U`, which read like `1`, `1`, `0`, `V`.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// The longest walk-up loan offered by default (the item's own maximum may be shorter).
pub const WALK_UP_DEFAULT_HOURS: i64 = 24;

/// A short code derived from a group or item id: 8 characters of Crockford base32.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LabelCode(String);

impl LabelCode {
    /// The code of an item (printed under its QR, and the last part of the label text).
    pub fn of_item(item: &ItemId) -> Self {
        Self::derive("delbar 2026-12 item label code", item.as_str())
    }

    /// The code of a group (the middle part of the label text).
    pub fn of_group(group: &GroupId) -> Self {
        Self::derive("delbar 2026-12 group label code", group.as_str())
    }

    fn derive(context: &str, id: &str) -> Self {
        let hash = blake3::derive_key(context, id.as_bytes());
        let bits = hash.iter().take(5).fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let code = (0..CODE_LEN)
            .rev()
            .map(|i| char::from(ALPHABET.get(((bits >> (i * 5)) & 31) as usize).copied().unwrap_or(b'0')))
            .collect();
        Self(code)
    }

    /// Reads a code as a person types it: any case, spaces and dashes ignored, `O` as `0`,
    /// `I` and `L` as `1`. `None` when it is not 8 characters of the alphabet.
    pub fn parse(typed: &str) -> Option<Self> {
        let mut code = String::with_capacity(CODE_LEN);
        for c in typed.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' | '\t' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return None,
            };
            code.push(c);
        }
        (code.len() == CODE_LEN).then_some(Self(code))
    }

    /// The code as stored in the label text (`X9D4T0BC`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as printed for people: two groups of four (`X9D4-T0BC`).
    pub fn printed(&self) -> String {
        let (a, b) = self.0.split_at(CODE_LEN / 2);
        format!("{a}-{b}")
    }
}

impl fmt::Display for LabelCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.printed())
    }
}

/// The text a label's QR code holds for an item of a group: `DELBAR:<group>:<item>`.
pub fn label_text(group: &GroupId, item: &ItemId) -> String {
    format!("{LABEL_PREFIX}:{}:{}", LabelCode::of_group(group).as_str(), LabelCode::of_item(item).as_str())
}

/// What a scanned or typed text is, before any lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanText {
    /// A label's full text: the group's code and the item's.
    Label {
        /// The group's code.
        group: LabelCode,
        /// The item's code.
        item: LabelCode,
    },
    /// An item code typed by a person (no group).
    ItemCode(LabelCode),
    /// Neither.
    NotALabel,
}

impl ScanText {
    /// Reads what a scanner or a person handed over: a label's text in any case, or an item
    /// code as printed under the QR.
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        let mut parts = text.split(':');
        if let (Some(prefix), Some(group), Some(item), None) = (parts.next(), parts.next(), parts.next(), parts.next())
            && prefix.trim().eq_ignore_ascii_case(LABEL_PREFIX)
        {
            return match (LabelCode::parse(group), LabelCode::parse(item)) {
                (Some(group), Some(item)) => ScanText::Label { group, item },
                _ => ScanText::NotALabel,
            };
        }
        // A typed code is short; anything long is some other text that happens to clean up
        // to eight characters.
        if text.chars().count() <= CODE_LEN + 4
            && let Some(code) = LabelCode::parse(text)
        {
            return ScanText::ItemCode(code);
        }
        ScanText::NotALabel
    }
}

/// Something the scanning member can do with the scanned item now.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, PartialEq)]
pub enum ScanAction {
    /// Hand out a confirmed booking that starts within the group's pickup window.
    CheckOut {
        /// The booking.
        booking: Booking,
    },
    /// Take back a loan.
    Return {
        /// The loan.
        booking: Booking,
    },
    /// A steward's walk-up loan: book from now and check out in one step.
    WalkUp {
        /// Units free from now until `until`.
        free_units: u32,
        /// The end offered (now plus the shorter of a day and the item's longest loan).
        until: Timestamp,
    },
}

impl ScanAction {
    /// The booking this action is about, if any.
    pub fn booking(&self) -> Option<&Booking> {
        match self {
            ScanAction::CheckOut { booking } | ScanAction::Return { booking } => Some(booking),
            ScanAction::WalkUp { .. } => None,
        }
    }

    /// A short name: `checkout`, `return` or `walk-up`.
    pub fn kind(&self) -> &'static str {
        match self {
            ScanAction::CheckOut { .. } => "checkout",
            ScanAction::Return { .. } => "return",
            ScanAction::WalkUp { .. } => "walk-up",
        }
    }
}

/// Why a scan offers nothing (or nothing more than it lists).
#[derive(Debug, Clone, PartialEq)]
pub enum ScanNote {
    /// The item is retired.
    Retired,
    /// The item is out of service.
    OutOfService,
    /// The member has no booking of this item to pick up or return.
    NothingBooked,
    /// The member's next booking of it starts later than the pickup window reaches.
    BookedLater {
        /// That booking.
        booking: BookingId,
        /// Its start.
        start: Timestamp,
    },
    /// The member's booking still waits for a steward's approval.
    AwaitingApproval {
        /// That booking.
        booking: BookingId,
    },
    /// Members do not check this item out or in themselves: a steward does.
    NotSelfService,
    /// Picking up early is not possible: the units are taken until the booking starts.
    TakenUntilStart {
        /// That booking.
        booking: BookingId,
        /// Its start.
        start: Timestamp,
    },
    /// A walk-up loan is refused: no unit is free now.
    NoFreeUnits,
    /// A walk-up loan is refused by a loan rule.
    WalkUpRefused {
        /// The rule's refusal.
        error: DomainError,
    },
}

/// What the store knows when it works out what a scan offers.
#[derive(Debug, Clone)]
pub struct ScanFacts<'a> {
    /// The scanning member.
    pub me: &'a Member,
    /// The scanned item.
    pub item: &'a Item,
    /// The item's bookings that hold units now or later (requested, confirmed, checked
    /// out), each with whether its units are free from now until it starts (for an early
    /// pickup).
    pub open_bookings: &'a [(Booking, bool)],
    /// The group's pickup window in hours.
    pub pickup_window_hours: i64,
    /// The device clock.
    pub now: Timestamp,
    /// For a steward: the walk-up loan the booking rules allow (free units, until), or why
    /// not. `None` for members.
    pub walk_up: Option<Result<(u32, Timestamp), DomainError>>,
}

/// The actions a scan offers, in the order a host would pick them (returns, then
/// check-outs, the member's own before others', then a walk-up), and why nothing (more) is
/// offered.
///
/// A member is offered their own confirmed booking whose start lies within the pickup
/// window of now (before or after) and that has not ended, and their own loans, when the
/// item is self-service; a steward is offered every member's such bookings and loans, and
/// a walk-up loan when the booking rules allow one now.
pub fn scan_actions(facts: &ScanFacts<'_>) -> (Vec<ScanAction>, Option<ScanNote>) {
    let ScanFacts { me, item, open_bookings, pickup_window_hours, now, walk_up } = facts;
    let steward = me.role == Role::Steward;
    let window = pickup_window_hours.saturating_mul(HOUR_MS);
    let mine_first = |b: &Booking| (b.member != me.id, b.start, b.id.clone());
    let visible: Vec<&(Booking, bool)> = open_bookings.iter().filter(|(b, _)| steward || b.member == me.id).collect();

    let mut returns: Vec<&Booking> =
        visible.iter().map(|(b, _)| b).filter(|b| b.state == BookingState::CheckedOut).collect();
    returns.sort_by_key(|b| mine_first(b));
    let mut pickups: Vec<&(Booking, bool)> = visible
        .iter()
        .copied()
        .filter(|(b, _)| b.state == BookingState::Confirmed && b.end > *now && (b.start.0 - now.0).abs() <= window)
        .collect();
    pickups.sort_by_key(|(b, _)| mine_first(b));

    let mut note = None;
    let mut actions: Vec<ScanAction> = returns.iter().map(|b| ScanAction::Return { booking: (*b).clone() }).collect();
    let bookable = item.not_bookable_reason().is_none();
    for (b, free_until_start) in &pickups {
        if !bookable {
            continue;
        }
        if b.start > *now && !free_until_start {
            note = Some(ScanNote::TakenUntilStart { booking: b.id.clone(), start: b.start });
            continue;
        }
        actions.push(ScanAction::CheckOut { booking: b.clone() });
    }
    if !steward && !item.rules.self_service && !actions.is_empty() {
        // The booking or loan is there, but a steward hands it out and takes it back.
        return (Vec::new(), Some(ScanNote::NotSelfService));
    }
    if let Some(walk_up) = walk_up
        && steward
        && bookable
    {
        match walk_up {
            Ok((free, until)) if *free > 0 => actions.push(ScanAction::WalkUp { free_units: *free, until: *until }),
            Ok(_) => note = note.or(Some(ScanNote::NoFreeUnits)),
            Err(DomainError::Unavailable { .. }) => note = note.or(Some(ScanNote::NoFreeUnits)),
            Err(error) => note = note.or(Some(ScanNote::WalkUpRefused { error: error.clone() })),
        }
    }
    if item.retired {
        return (actions, Some(ScanNote::Retired));
    }
    if !bookable {
        return (actions, Some(ScanNote::OutOfService));
    }
    if actions.is_empty() && note.is_none() {
        let mine = visible.iter().map(|(b, _)| b).filter(|b| b.member == me.id);
        note = Some(match mine.clone().find(|b| b.state == BookingState::Requested && b.end > *now) {
            Some(b) => ScanNote::AwaitingApproval { booking: b.id.clone() },
            None => match mine.filter(|b| b.state == BookingState::Confirmed && b.start > *now).min_by_key(|b| b.start)
            {
                Some(b) => ScanNote::BookedLater { booking: b.id.clone(), start: b.start },
                None => ScanNote::NothingBooked,
            },
        });
    }
    (actions, note)
}

/// The end a walk-up loan is offered with: now plus the shorter of a day and the item's
/// longest loan.
pub fn walk_up_until(item: &Item, now: Timestamp) -> Timestamp {
    let hours = item.rules.max_loan_hours.map_or(WALK_UP_DEFAULT_HOURS, |h| h.clamp(1, WALK_UP_DEFAULT_HOURS));
    now.plus_ms(hours * HOUR_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_unambiguous_uppercase_characters() {
        for _ in 0..200 {
            let code = LabelCode::of_item(&ItemId::generate());
            assert_eq!(code.as_str().len(), CODE_LEN);
            assert!(code.as_str().bytes().all(|b| ALPHABET.contains(&b)), "{code}");
            assert!(!code.as_str().contains(['I', 'L', 'O', 'U']));
        }
        let item = ItemId::parse("abcdefghijklmnop").unwrap();
        assert_eq!(LabelCode::of_item(&item), LabelCode::of_item(&item), "deterministic");
        assert_ne!(
            LabelCode::of_item(&item).as_str(),
            LabelCode::of_group(&GroupId::parse("abcdefghijklmnop").unwrap()).as_str()
        );
    }

    #[test]
    fn typed_codes_forgive_case_dashes_and_lookalikes() {
        let code = LabelCode::parse("X9D4-T0BC").unwrap();
        assert_eq!(code.as_str(), "X9D4T0BC");
        assert_eq!(code.printed(), "X9D4-T0BC");
        assert_eq!(LabelCode::parse("x9d4 tobc"), Some(code.clone()));
        assert_eq!(LabelCode::parse("1IL0-0000").unwrap().as_str(), "11100000");
        assert_eq!(LabelCode::parse("X9D4T0B"), None, "too short");
        assert_eq!(LabelCode::parse("X9D4T0BCC"), None, "too long");
        assert_eq!(LabelCode::parse("X9D4T0BU"), None, "U is not in the alphabet");
        assert_eq!(LabelCode::parse("X9D4T0Bå"), None);
    }

    #[test]
    fn label_texts_parse_back_in_any_case() {
        let group = GroupId::generate();
        let item = ItemId::generate();
        let text = label_text(&group, &item);
        assert_eq!(text.len(), 24);
        let expected = ScanText::Label { group: LabelCode::of_group(&group), item: LabelCode::of_item(&item) };
        assert_eq!(ScanText::parse(&text), expected);
        assert_eq!(ScanText::parse(&format!("  {}\n", text.to_lowercase())), expected);
        assert_eq!(
            ScanText::parse(&LabelCode::of_item(&item).printed()),
            ScanText::ItemCode(LabelCode::of_item(&item))
        );
        for garbage in [
            "",
            "hello",
            "DELBAR:",
            "DELBAR:AAAA:BBBB",
            "DELBAR1ABCDEFGH",
            "https://example.org/x9d4t0bc",
            "DELBAR:12345678:12345678:1",
        ] {
            assert_eq!(ScanText::parse(garbage), ScanText::NotALabel, "{garbage}");
        }
    }

    #[test]
    fn label_texts_use_only_qr_alphanumeric_characters() {
        let text = label_text(&GroupId::generate(), &ItemId::generate());
        assert!(text.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || " $%*+-./:".contains(c)));
    }
}
