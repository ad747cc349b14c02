//! Conflict resolution after a merge: one deterministic rule, the same on every device.
//!
//! Every device keeps the loan rules when it books, but two devices offline can both promise
//! the last unit. After each merge the store gathers the open bookings of the items the merge
//! touched (and of the items tied to them through kits) and runs [`resolve`]. The result is a
//! function of the bookings' stored data only, never of the order changes arrived in nor of a
//! device clock, so every device that has the same changes derives the same bumped set.
//!
//! The rule:
//! 1. a booking whose borrower was removed, or whose item (or a part of the kit booked) was
//!    retired, is out of service, or is blocked by a maintenance plan that fell due before the
//!    booking starts, loses unless the gear is already out (physical facts stand);
//! 2. the rest are served in priority order: checked out, then confirmed, then requested;
//!    within a class the earliest request by hybrid logical clock ([`super::hlc`]); then the
//!    booking id. A booking is admitted if, with the bookings admitted before it, no item it
//!    holds (its own item, and the parts of a kit) has more units out than it owns at any
//!    moment of its window, buffers included; otherwise it is bumped, naming the first
//!    admitted booking it collided with.

use std::collections::BTreeMap;

use crate::domain::{BookingState, Bump, BumpReason};
use crate::ids::{BookingId, ItemId};

/// An open booking taking part in resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The booking.
    pub id: BookingId,
    /// Its stored state (requested, confirmed or checked out).
    pub state: BookingState,
    /// Its hybrid logical clock stamp.
    pub hlc: String,
    /// Start (ms).
    pub start: i64,
    /// End (ms).
    pub end: i64,
    /// Units it holds on each item (its item, plus kit parts).
    pub holds: Vec<(ItemId, u32)>,
    /// Whether its borrower is still a member.
    pub member_active: bool,
}

/// What resolution needs to know of an item.
#[derive(Debug, Clone, PartialEq)]
pub struct Capacity {
    /// Units owned.
    pub quantity: u32,
    /// Retired.
    pub retired: bool,
    /// Out of service.
    pub out_of_service: bool,
    /// Buffer kept around each loan (ms).
    pub buffer_ms: i64,
    /// From when a blocking maintenance plan blocks the item (ms): bookings that start at or
    /// after it lose, until maintenance is logged (`domain::maintenance`).
    pub blocked_from: Option<i64>,
}

fn class(state: BookingState) -> u8 {
    match state {
        BookingState::CheckedOut => 0,
        BookingState::Confirmed => 1,
        _ => 2,
    }
}

/// Resolves a set of open bookings against item capacities. Returns the bumped bookings.
pub fn resolve(candidates: &[Candidate], items: &BTreeMap<ItemId, Capacity>) -> BTreeMap<BookingId, Bump> {
    let mut bumped = BTreeMap::new();
    let mut order: Vec<&Candidate> = Vec::new();
    for c in candidates {
        let physical = c.state == BookingState::CheckedOut;
        let reason = if !c.member_active {
            Some(BumpReason::MemberRemoved)
        } else if c.holds.iter().any(|(i, _)| items.get(i).is_some_and(|cap| cap.retired)) {
            Some(BumpReason::ItemRetired)
        } else if c.holds.iter().any(|(i, _)| items.get(i).is_some_and(|cap| cap.out_of_service)) {
            Some(BumpReason::ItemOutOfService)
        } else if c
            .holds
            .iter()
            .any(|(i, _)| items.get(i).and_then(|cap| cap.blocked_from).is_some_and(|b| c.start >= b))
        {
            Some(BumpReason::MaintenanceDue)
        } else {
            None
        };
        match reason {
            Some(reason) if !physical => {
                bumped.insert(c.id.clone(), Bump { reason, winner: None });
            }
            _ => order.push(c),
        }
    }
    order.sort_by(|a, b| {
        class(a.state).cmp(&class(b.state)).then_with(|| a.hlc.cmp(&b.hlc)).then_with(|| a.id.cmp(&b.id))
    });
    // Admitted spans per item: (start, end, units, booking).
    let mut admitted: BTreeMap<&ItemId, Vec<(i64, i64, u32, &Candidate)>> = BTreeMap::new();
    for c in order {
        // `Some(winner)` when the booking does not fit; `Some(None)` when it asks more units
        // than the item owns.
        let mut verdict: Option<Option<&Candidate>> = None;
        for (item, units) in &c.holds {
            let Some(cap) = items.get(item) else { continue };
            if *units > cap.quantity {
                verdict = Some(None);
                break;
            }
            // The buffer follows each loan: two loans are apart enough when the gap between
            // them is at least the buffer.
            let (s, e) = (c.start, c.end + cap.buffer_ms);
            let spans = admitted.get(item).map(Vec::as_slice).unwrap_or(&[]);
            let overlapping: Vec<&(i64, i64, u32, &Candidate)> =
                spans.iter().filter(|(os, oe, _, _)| *os < e && *oe > s).collect();
            if peak_with(&overlapping, s, e) + units > cap.quantity {
                // Spans are admitted in priority order: the first overlapping one came first.
                verdict = Some(overlapping.first().map(|(_, _, _, other)| *other));
                break;
            }
        }
        match verdict {
            None => {
                for (item, units) in &c.holds {
                    let buffer = items.get(item).map(|cap| cap.buffer_ms).unwrap_or(0);
                    admitted.entry(item).or_default().push((c.start, c.end + buffer, *units, c));
                }
            }
            Some(winner) => {
                let reason = match winner {
                    Some(w) if w.state == BookingState::CheckedOut && c.state == BookingState::CheckedOut => {
                        BumpReason::CheckedOutTwice
                    }
                    _ => BumpReason::Overbooked,
                };
                bumped.insert(c.id.clone(), Bump { reason, winner: winner.map(|w| w.id.clone()) });
            }
        }
    }
    bumped
}

/// Peak units in use over `[s, e)` by overlapping spans.
fn peak_with(spans: &[&(i64, i64, u32, &Candidate)], s: i64, e: i64) -> u32 {
    let mut edges: Vec<(i64, i64)> = Vec::with_capacity(spans.len() * 2);
    for (os, oe, u, _) in spans {
        edges.push(((*os).max(s), i64::from(*u)));
        edges.push(((*oe).min(e), -i64::from(*u)));
    }
    // Ends sort before starts at the same instant: back-to-back loans do not overlap.
    edges.sort();
    let mut level = 0i64;
    let mut peak = 0i64;
    for (_, d) in edges {
        level += d;
        peak = peak.max(level);
    }
    u32::try_from(peak).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(id: &str, state: BookingState, hlc: &str, start: i64, end: i64) -> Candidate {
        Candidate {
            id: BookingId::parse(id).unwrap(),
            state,
            hlc: hlc.into(),
            start,
            end,
            holds: vec![(ItemId::parse("tiller").unwrap(), 1)],
            member_active: true,
        }
    }

    fn one_tiller() -> BTreeMap<ItemId, Capacity> {
        BTreeMap::from([(
            ItemId::parse("tiller").unwrap(),
            Capacity { quantity: 1, retired: false, out_of_service: false, buffer_ms: 0, blocked_from: None },
        )])
    }

    #[test]
    fn earliest_request_wins_and_order_does_not_matter() {
        let a = cand("a", BookingState::Confirmed, "000000000000010.000000.x", 0, 10);
        let b = cand("b", BookingState::Confirmed, "000000000000005.000000.y", 5, 15);
        let c = cand("c", BookingState::Confirmed, "000000000000001.000000.z", 20, 30);
        let r1 = resolve(&[a.clone(), b.clone(), c.clone()], &one_tiller());
        let r2 = resolve(&[c, b, a], &one_tiller());
        assert_eq!(r1, r2);
        assert_eq!(r1.len(), 1);
        let bump = &r1[&BookingId::parse("a").unwrap()];
        assert_eq!(bump.winner, Some(BookingId::parse("b").unwrap()));
        assert_eq!(bump.reason, BumpReason::Overbooked);
    }

    #[test]
    fn a_check_out_beats_an_earlier_confirmation() {
        let a = cand("a", BookingState::Confirmed, "000000000000001.000000.x", 0, 10);
        let b = cand("b", BookingState::CheckedOut, "000000000000009.000000.y", 0, 10);
        let r = resolve(&[a, b], &one_tiller());
        assert_eq!(r[&BookingId::parse("a").unwrap()].winner, Some(BookingId::parse("b").unwrap()));
    }

    #[test]
    fn back_to_back_loans_do_not_conflict() {
        let a = cand("a", BookingState::Confirmed, "1", 0, 10);
        let b = cand("b", BookingState::Confirmed, "2", 10, 20);
        assert!(resolve(&[a, b], &one_tiller()).is_empty());
    }

    #[test]
    fn a_due_blocking_plan_bumps_bookings_that_start_from_then_unless_out() {
        let mut items = one_tiller();
        if let Some(cap) = items.values_mut().next() {
            cap.blocked_from = Some(20);
        }
        let before = cand("a", BookingState::Confirmed, "1", 0, 30);
        let from = cand("b", BookingState::Requested, "2", 20, 25);
        let later = cand("c", BookingState::Confirmed, "3", 40, 50);
        let out = cand("d", BookingState::CheckedOut, "4", 60, 70);
        let r = resolve(&[later, out, from, before], &items);
        assert_eq!(r.len(), 2);
        for id in ["b", "c"] {
            assert_eq!(r[&BookingId::parse(id).unwrap()].reason, BumpReason::MaintenanceDue);
        }
    }

    #[test]
    fn retired_items_and_removed_members_bump_unless_out() {
        let mut items = one_tiller();
        if let Some(cap) = items.values_mut().next() {
            cap.retired = true;
        }
        let a = cand("a", BookingState::Confirmed, "1", 0, 10);
        let b = cand("b", BookingState::CheckedOut, "2", 20, 30);
        let r = resolve(&[a, b], &items);
        assert_eq!(r.len(), 1);
        assert_eq!(r[&BookingId::parse("a").unwrap()].reason, BumpReason::ItemRetired);
        let mut gone = cand("c", BookingState::Requested, "3", 40, 50);
        gone.member_active = false;
        let r = resolve(&[gone], &one_tiller());
        assert_eq!(r[&BookingId::parse("c").unwrap()].reason, BumpReason::MemberRemoved);
    }
}
