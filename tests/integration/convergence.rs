//! Devices of one group act on bookings while partitioned (book, cancel, confirm, check out,
//! return, extend, join the waitlist), exchange changes in random orders and partitions, and
//! finally all exchange; their clocks may be days apart. Then every device shows the same projection and the same resolved
//! states and bumps, no item is ever promised beyond its units, no acknowledged booking is
//! lost, and every projection equals its rebuild.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use delbar_core::Store;
use delbar_core::domain::{BookingAction, BookingState, ItemDraft, LoanRules, Role};
use delbar_core::ids::{BookingId, GroupId, ItemId};
use delbar_core::store::{BookingFilter, ItemFilter};
use delbar_core::time::{DAY_MS, HOUR_MS, MINUTE_MS, ManualClock};
use delbar_tests::{
    Fixture, assert_clean, at_hours, exchange_all, legal_actions, open_rules, open_store, projection_rows, request,
    resolved, view,
};
use proptest::prelude::*;

/// Random cases run (each builds 3 to 5 devices; kept small for a 2-core machine). Set
/// `DELBAR_PROPTEST_CASES` for a longer run.
const CASES: u32 = 16;

fn cases() -> u32 {
    std::env::var("DELBAR_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(CASES)
}
/// Longest operation sequence of one case.
const MAX_OPS: usize = 20;

#[derive(Debug, Clone)]
enum Op {
    Book {
        device: usize,
        item: usize,
        start_h: i64,
        len_h: i64,
        units: i64,
    },
    Wait {
        device: usize,
        item: usize,
        start_h: i64,
        len_h: i64,
    },
    /// An action legal for the booking's state as the device sees it (`action` picks one).
    Act {
        device: usize,
        booking: usize,
        action: usize,
    },
    Extend {
        device: usize,
        booking: usize,
        hours: i64,
    },
    Send {
        from: usize,
        to: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0usize..5, 0usize..3, 24i64..48, 1i64..12, prop_oneof![3 => Just(1i64), 1 => Just(2)])
            .prop_map(|(device, item, start_h, len_h, units)| Op::Book { device, item, start_h, len_h, units }),
        2 => (0usize..5, 0usize..3, 24i64..48, 1i64..12)
            .prop_map(|(device, item, start_h, len_h)| Op::Wait { device, item, start_h, len_h }),
        4 => (0usize..5, any::<usize>(), any::<usize>())
            .prop_map(|(device, booking, action)| Op::Act { device, booking, action }),
        1 => (0usize..5, any::<usize>(), -3i64..8)
            .prop_map(|(device, booking, hours)| Op::Extend { device, booking, hours }),
        3 => (0usize..5, 0usize..5).prop_map(|(from, to)| Op::Send { from, to }),
    ]
}

/// Devices of one group: two stewards, then members. Items: a press that needs approval,
/// a self-service trailer pair with a buffer, and a kit holding one trailer.
struct Replicas {
    _fx: Fixture,
    group: GroupId,
    stores: Vec<Store>,
    paths: Vec<PathBuf>,
    items: Vec<ItemId>,
}

fn replicas(n: usize, skew_days: &[i64]) -> Replicas {
    let mut fx = Fixture::new();
    let press = fx.item_from(ItemDraft {
        rules: LoanRules { requires_approval: true, ..open_rules() },
        ..ItemDraft::named("Äppelpress")
    });
    let trailer = fx.item_from(ItemDraft {
        quantity: 2,
        rules: LoanRules { buffer_minutes: 30, self_service: true, ..open_rules() },
        ..ItemDraft::named("Släpvagn")
    });
    let kit = fx.item_from(ItemDraft {
        rules: open_rules(),
        kit_parts: BTreeMap::from([(trailer.id.clone(), 1)]),
        ..ItemDraft::named("Flyttpaket")
    });
    let mut peers = Vec::new();
    for i in 1..n {
        let role = if i == 1 { Role::Steward } else { Role::Member };
        // Each device reads its own clock, up to days off.
        let clock = ManualClock::new(delbar_tests::start().plus_ms(skew_days[i - 1] * DAY_MS));
        peers.push(fx.join_with_clock(&format!("Medlem {i}"), role, &clock));
    }
    let group = fx.group.clone();
    // Earlier devices do not know the members who joined after them until they exchange.
    let clock = fx.clock.clone();
    let mut stores = vec![std::mem::replace(&mut fx.store, open_store(Path::new(":memory:"), &clock))];
    let mut paths = vec![fx.path.clone()];
    for p in peers {
        stores.push(p.store);
        paths.push(p.path);
    }
    Replicas { _fx: fx, group, stores, paths, items: vec![press.id, trailer.id, kit.id] }
}

fn run(r: &mut Replicas, ops: &[Op], acknowledged: &mut BTreeSet<BookingId>) {
    let n = r.stores.len();
    let g = r.group.clone();
    for op in ops {
        match *op {
            Op::Book { device, item, start_h, len_h, units } => {
                let ask = request(&r.items[item], at_hours(start_h), at_hours(start_h + len_h), units);
                if let Ok(b) = r.stores[device % n].book(&g, &ask) {
                    acknowledged.insert(b.id);
                }
            }
            Op::Wait { device, item, start_h, len_h } => {
                let ask = request(&r.items[item], at_hours(start_h), at_hours(start_h + len_h), 1);
                if let Ok(b) = r.stores[device % n].join_waitlist(&g, &ask) {
                    acknowledged.insert(b.id);
                }
            }
            Op::Act { device, booking, action } => {
                let s = &mut r.stores[device % n];
                let list = s.bookings(&g, &BookingFilter { limit: 10_000, ..BookingFilter::default() }).unwrap();
                if !list.is_empty() {
                    let b = &list[booking % list.len()];
                    let mut legal = legal_actions(b.state).to_vec();
                    if b.state == BookingState::Waitlisted {
                        legal.push(BookingAction::Claim);
                    }
                    if !legal.is_empty() {
                        let _ = s.act_on_booking(&g, &b.id, legal[action % legal.len()]);
                    }
                }
            }
            Op::Extend { device, booking, hours } => {
                let s = &mut r.stores[device % n];
                let list = s.bookings(&g, &BookingFilter { limit: 10_000, ..BookingFilter::default() }).unwrap();
                if !list.is_empty() {
                    let b = &list[booking % list.len()];
                    let _ = s.extend_booking(&g, &b.id, b.end.plus_ms(hours * HOUR_MS));
                }
            }
            Op::Send { from, to } => {
                let (from, to) = (from % n, to % n);
                if from != to {
                    let export = r.stores[from].export_group(&g).unwrap();
                    r.stores[to].merge_documents(&g, &export).unwrap();
                }
            }
        }
    }
}

/// Asserts no item has more units promised than it owns at any instant: every booking
/// that holds units after resolution (requested, confirmed, checked out), on its item and,
/// for a kit, on its parts, with the item's buffer after each loan.
fn assert_within_capacity(store: &Store, group: &GroupId) {
    let items =
        store.items(group, &ItemFilter { include_retired: true, limit: 10_000, ..ItemFilter::default() }).unwrap();
    let by_id: BTreeMap<_, _> = items.iter().map(|i| (i.id.clone(), i)).collect();
    let mut spans: BTreeMap<ItemId, Vec<(i64, i64, u32)>> = BTreeMap::new();
    for b in store.bookings(group, &BookingFilter { limit: 10_000, ..BookingFilter::default() }).unwrap() {
        if !b.state.holds_units() {
            continue;
        }
        let item = by_id[&b.item];
        let mut holds = vec![(b.item.clone(), b.units)];
        holds.extend(item.kit_parts.iter().map(|(p, per)| (p.clone(), per * b.units)));
        for (held, units) in holds {
            let buffer = by_id[&held].rules.buffer_minutes * MINUTE_MS;
            spans.entry(held).or_default().push((b.start.0, b.end.0 + buffer, units));
        }
    }
    for (item, list) in &spans {
        for &(at, _, _) in list {
            let taken: u32 = list.iter().filter(|(s, e, _)| *s <= at && at < *e).map(|(_, _, u)| u).sum();
            assert!(
                taken <= by_id[item].quantity,
                "{} has {taken} units out at {at} (owns {})",
                by_id[item].name,
                by_id[item].quantity
            );
        }
    }
}

fn assert_converged(r: &mut Replicas, acknowledged: &BTreeSet<BookingId>) {
    let g = r.group.clone();
    let first_view = view(&r.stores[0], &g);
    let first_rows = projection_rows(&r.paths[0]);
    let first_resolved = resolved(&r.stores[0], &g);
    let calendars = |s: &Store, items: &[ItemId]| -> Vec<_> {
        items.iter().map(|i| s.calendar(&g, i, at_hours(0), at_hours(24 * 5)).unwrap()).collect()
    };
    let first_calendars = calendars(&r.stores[0], &r.items);
    for (i, s) in r.stores.iter_mut().enumerate() {
        assert_eq!(resolved(s, &g), first_resolved, "resolved states differ on device {i}");
        assert_eq!(view(s, &g), first_view, "query results differ on device {i}");
        assert_eq!(projection_rows(&r.paths[i]), first_rows, "projection rows differ on device {i}");
        assert_eq!(calendars(s, &r.items), first_calendars, "calendars differ on device {i}");
        for id in acknowledged {
            assert!(first_resolved.contains_key(id), "booking {id} vanished");
        }
        for (id, (state, bump)) in &first_resolved {
            assert_eq!(*state == BookingState::Bumped, bump.is_some(), "booking {id}: {state:?} {bump:?}");
        }
        assert_within_capacity(s, &g);
        assert_clean(s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn partitioned_devices_converge_on_one_resolution(
        n in 3usize..=5,
        skew_days in proptest::collection::vec(-3i64..=0, 4),
        ops in proptest::collection::vec(op(), 8..=MAX_OPS),
    ) {
        let mut r = replicas(n, &skew_days);
        let mut acknowledged = BTreeSet::new();
        run(&mut r, &ops, &mut acknowledged);
        let g = r.group.clone();
        let mut all: Vec<&mut Store> = r.stores.iter_mut().collect();
        exchange_all(&mut all, &g);
        assert_converged(&mut r, &acknowledged);
    }
}
