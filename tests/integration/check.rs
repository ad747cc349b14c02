//! `check` rebuilds the projection from the documents and compares. After any sequence of
//! operations, valid or not, on one store, the projection equals the rebuild; and an
//! operation that is refused leaves the file as it was.

use delbar_core::domain::{BookingAction, Condition, ItemDraft, ItemPatch, Location, NewBooking, Role};
use delbar_core::store::{BookingFilter, ItemFilter};
use delbar_core::time::{HOUR_MS, MINUTE_MS};
use delbar_tests::{Fixture, assert_clean};
use proptest::prelude::*;

const NAMES: &[&str] = &["Såg", "Motorsåg", "Jordfräs", "Øksa", "Stege", "Äppelpress", "", "  "];
const CONDITIONS: &[Condition] = &[Condition::Good, Condition::Worn, Condition::NeedsRepair, Condition::OutOfService];

/// One step of a random workload. Indices pick among what exists when the step runs.
#[derive(Debug, Clone)]
enum Op {
    AddItem { name: usize, quantity: i64, category: usize, buffer: i64, approval: bool },
    Edit { item: usize, name: Option<usize>, quantity: Option<i64>, tags: Option<usize>, location: Option<usize> },
    Retire { item: usize, retired: bool },
    Maintain { item: usize, condition: usize },
    Book { item: usize, start_h: i64, len_h: i64, units: i64, for_member: Option<usize> },
    Act { booking: usize, action: usize },
    AddMember { steward: bool },
    SetRole { member: usize, steward: bool },
    RemoveMember { member: usize },
    EditGroup { hours: i64 },
    Advance { minutes: i64 },
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..NAMES.len(), -1i64..4, 0usize..3, prop_oneof![Just(0i64), Just(30)], any::<bool>())
            .prop_map(|(name, quantity, category, buffer, approval)| Op::AddItem { name, quantity, category, buffer, approval }),
        2 => (any::<usize>(), proptest::option::of(0..NAMES.len()), proptest::option::of(-1i64..5),
              proptest::option::of(0usize..3), proptest::option::of(0usize..3))
            .prop_map(|(item, name, quantity, tags, location)| Op::Edit { item, name, quantity, tags, location }),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(item, retired)| Op::Retire { item, retired }),
        1 => (any::<usize>(), 0..CONDITIONS.len()).prop_map(|(item, condition)| Op::Maintain { item, condition }),
        6 => (any::<usize>(), -3i64..24 * 100, -2i64..200, -1i64..4, proptest::option::of(any::<usize>()))
            .prop_map(|(item, start_h, len_h, units, for_member)| Op::Book { item, start_h, len_h, units, for_member }),
        5 => (any::<usize>(), 0..BookingAction::ALL.len()).prop_map(|(booking, action)| Op::Act { booking, action }),
        1 => any::<bool>().prop_map(|steward| Op::AddMember { steward }),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(member, steward)| Op::SetRole { member, steward }),
        1 => any::<usize>().prop_map(|member| Op::RemoveMember { member }),
        1 => (-1i64..400).prop_map(|hours| Op::EditGroup { hours }),
        2 => (0i64..3 * 24 * 60).prop_map(|minutes| Op::Advance { minutes }),
        1 => Just(Op::Reopen),
    ]
}

fn pick<T: Clone>(list: &[T], i: usize) -> Option<T> {
    if list.is_empty() { None } else { Some(list[i % list.len()].clone()) }
}

/// Runs one step; returns whether it was accepted (`None`: nothing to act on).
fn run(fx: &mut Fixture, op: &Op) -> Option<bool> {
    let g = fx.group.clone();
    let items =
        fx.store.items(&g, &ItemFilter { include_retired: true, limit: 10_000, ..ItemFilter::default() }).unwrap();
    let item_ids: Vec<_> = items.iter().map(|i| i.id.clone()).collect();
    let members: Vec<_> = fx.store.members(&g).unwrap().into_iter().map(|m| m.id).collect();
    let s = &mut fx.store;
    let ok = match op.clone() {
        Op::AddItem { name, quantity, category, buffer, approval } => {
            let mut draft = ItemDraft::named(NAMES[name]);
            draft.quantity = quantity;
            draft.category = ["", "garden", "Woodwork"][category].into();
            draft.rules.buffer_minutes = buffer;
            draft.rules.requires_approval = approval;
            s.add_item(&g, draft).is_ok()
        }
        Op::Edit { item, name, quantity, tags, location } => {
            let patch = ItemPatch {
                name: name.map(|n| NAMES[n].to_owned()),
                quantity,
                tags: tags.map(|t| {
                    [vec![], vec!["Motor".to_owned()], vec!["höst".to_owned(), "motor".to_owned()]][t].clone()
                }),
                location: location.map(|l| Location {
                    text: ["", "Ladan", "Förrådet hylla 2"][l].into(),
                    lat: None,
                    lon: None,
                }),
                ..ItemPatch::default()
            };
            s.update_item(&g, &pick(&item_ids, item)?, &patch).is_ok()
        }
        Op::Retire { item, retired } => {
            let patch = ItemPatch { retired: Some(retired), ..ItemPatch::default() };
            s.update_item(&g, &pick(&item_ids, item)?, &patch).is_ok()
        }
        Op::Maintain { item, condition } => {
            s.log_maintenance(&g, &pick(&item_ids, item)?, "tillsyn", CONDITIONS[condition], None).is_ok()
        }
        Op::Book { item, start_h, len_h, units, for_member } => {
            let start = s.now().plus_ms(start_h * HOUR_MS);
            let request = NewBooking {
                item: pick(&item_ids, item)?,
                units,
                start,
                end: start.plus_ms(len_h * HOUR_MS),
                note: String::new(),
                for_member: for_member.and_then(|m| pick(&members, m)),
            };
            s.book(&g, &request).is_ok()
        }
        Op::Act { booking, action } => {
            let bookings = s.bookings(&g, &BookingFilter { limit: 10_000, ..BookingFilter::default() }).unwrap();
            let id = pick(&bookings, booking)?.id;
            s.act_on_booking(&g, &id, BookingAction::ALL[action]).is_ok()
        }
        Op::AddMember { steward } => {
            s.add_member(&g, "Medlem", if steward { Role::Steward } else { Role::Member }, None).is_ok()
        }
        Op::SetRole { member, steward } => {
            s.set_role(&g, &pick(&members, member)?, if steward { Role::Steward } else { Role::Member }).is_ok()
        }
        Op::RemoveMember { member } => s.remove_member(&g, &pick(&members, member)?).is_ok(),
        Op::EditGroup { hours } => s.update_group(&g, None, None, Some(hours)).is_ok(),
        Op::Advance { minutes } => {
            fx.clock.advance(minutes * MINUTE_MS);
            true
        }
        Op::Reopen => {
            let before = fx.view();
            fx.reopen();
            assert_eq!(fx.view(), before, "reopening changed what the store answers");
            true
        }
    };
    Some(ok)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_workloads_keep_the_projection_equal_to_its_rebuild(ops in proptest::collection::vec(op(), 5..30)) {
        let mut fx = Fixture::new();
        fx.item("Stege", 2);
        for op in &ops {
            let before = fx.fingerprint();
            if run(&mut fx, op) == Some(false) {
                prop_assert_eq!(&fx.fingerprint(), &before, "refused {:?} changed the store", op);
            }
        }
        let report = fx.store.check(None).unwrap();
        prop_assert!(report.is_clean(), "after {:?}: {:#?}", ops, report.differences);
        fx.reopen();
        assert_clean(&mut fx.store);
    }
}

#[test]
fn a_seeded_long_workload_stays_clean() {
    // One longer run than the property cases, with a fixed seed: months of use, many
    // documents, compaction of the busiest ones.
    let mut rng = delbar_tests::Rng::new(0x00DE_1BA5);
    let mut fx = Fixture::new();
    for n in 0..5 {
        fx.item(&format!("Bord {n}"), 3);
    }
    let mut accepted = 0;
    for step in 0..300 {
        let op = match rng.below(10) {
            0 => Op::AddItem {
                name: rng.below(6),
                quantity: rng.range(1, 3),
                category: rng.below(3),
                buffer: 0,
                approval: false,
            },
            1 => Op::Advance { minutes: rng.range(0, 6 * 24 * 60) },
            2 | 3 => Op::Act { booking: rng.below(1000), action: rng.below(5) },
            4 => Op::Edit {
                item: rng.below(100),
                name: None,
                quantity: Some(rng.range(1, 4)),
                tags: Some(rng.below(3)),
                location: None,
            },
            _ => Op::Book {
                item: rng.below(100),
                start_h: rng.range(1, 24 * 60),
                len_h: rng.range(1, 48),
                units: 1,
                for_member: None,
            },
        };
        if run(&mut fx, &op) == Some(true) {
            accepted += 1;
        }
        if step % 100 == 99 {
            assert_clean(&mut fx.store);
        }
    }
    assert!(accepted > 100, "only {accepted} operations were accepted");
    fx.reopen();
    assert_clean(&mut fx.store);
}

#[test]
fn check_reports_a_projection_that_drifted_from_the_documents() {
    let mut fx = Fixture::new();
    let saw = fx.item("Motorsåg", 2);
    fx.book(&saw.id, 24, 30, 1).unwrap();
    assert_clean(&mut fx.store);
    // Someone edits the projection behind the store's back.
    let conn = rusqlite::Connection::open(&fx.path).unwrap();
    conn.execute("UPDATE items SET quantity = 9 WHERE id = ?1", [saw.id.as_str()]).unwrap();
    conn.execute("DELETE FROM bookings", []).unwrap();
    let report = fx.store.check(None).unwrap();
    assert!(!report.is_clean());
    let tables: std::collections::BTreeSet<_> = report.differences.iter().map(|d| d.table.as_str()).collect();
    assert_eq!(tables, ["bookings", "items"].into_iter().collect());
    let missing = report.differences.iter().find(|d| d.table == "bookings").unwrap();
    assert!(missing.stored.is_none() && missing.rebuilt.is_some());
    // Rebuilding repairs it.
    fx.store.rebuild_projection(&fx.group.clone()).unwrap();
    assert_clean(&mut fx.store);
    assert_eq!(fx.store.item(&fx.group, &saw.id).unwrap().quantity, 2);
}

/// `(chunk_count, snapshot bytes)` of a document, read from the file.
fn chunks_of(path: &std::path::Path, key: &str) -> (i64, i64) {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row("SELECT chunk_count, snapshot_bytes FROM documents WHERE key = ?1", [key], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .unwrap()
}

/// Sets an item's description: one write to the catalogue and one to this month's history.
fn describe(fx: &mut Fixture, item: &delbar_core::ids::ItemId, text: String) {
    let patch = ItemPatch { description: Some(text), ..ItemPatch::default() };
    let g = fx.group.clone();
    fx.store.update_item(&g, item, &patch).unwrap();
}

#[test]
fn upkeep_copies_the_wal_into_the_database_after_enough_commits() {
    let mut fx = Fixture::new();
    let saw = fx.item("Motorsåg", 1);
    let g = fx.group.clone();
    fx.store.upkeep();
    for n in 0..delbar_core::store::CHECKPOINT_EVERY_COMMITS {
        describe(&mut fx, &saw.id, format!("Servad {n} gånger"));
    }
    // The commits sit in the WAL; the database file has not grown yet.
    assert!(fx.store.has_pending_upkeep());
    let before = std::fs::metadata(&fx.path).unwrap().len();
    fx.store.upkeep();
    assert!(!fx.store.has_pending_upkeep());
    let after = std::fs::metadata(&fx.path).unwrap().len();
    assert!(after > before, "the checkpoint did not copy the new pages: {before} -> {after} bytes");
    assert_eq!(fx.store.item(&g, &saw.id).unwrap().description, "Servad 15 gånger");
    assert_clean(&mut fx.store);
}

#[test]
fn a_document_nobody_compacts_is_folded_by_the_write_that_finds_it_overdue() {
    let mut fx = Fixture::new();
    let saw = fx.item("Motorsåg", 1);
    // Descriptions that do not compress, so the chunks outgrow the snapshot by four times the
    // slack (1 MiB) in about a hundred writes; nobody calls upkeep.
    let mut seed = 0x9E37_79B9_u64;
    let mut most = 0;
    for _ in 0..160 {
        let text: String = (0..9_000)
            .map(|_| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                char::from(b'a' + ((seed >> 33) % 26) as u8)
            })
            .collect();
        describe(&mut fx, &saw.id, text);
        let (chunks, snapshot) = chunks_of(&fx.path, "catalogue");
        most = most.max(chunks);
        if snapshot > 0 {
            break;
        }
    }
    let (chunks, snapshot) = chunks_of(&fx.path, "catalogue");
    assert!(snapshot > 0 && chunks == 0, "the overdue catalogue was not folded: {chunks} chunks after {most}");
    assert_clean(&mut fx.store);
}

#[test]
fn compaction_keeps_every_change() {
    let mut fx = Fixture::new();
    let saw = fx.item("Motorsåg", 1);
    let g = fx.group.clone();
    // Enough writes to the catalogue and to this month's history to fold their chunks.
    for n in 0..262 {
        describe(&mut fx, &saw.id, format!("Servad {n} gånger"));
    }
    // The writes were acknowledged without folding: the documents wait for upkeep.
    assert!(fx.store.has_pending_upkeep());
    assert!(chunks_of(&fx.path, "catalogue").0 >= 256);
    assert_eq!(fx.store.upkeep(), 2);
    assert!(!fx.store.has_pending_upkeep());
    let (catalogue, history) = (chunks_of(&fx.path, "catalogue"), chunks_of(&fx.path, "activity/2026-11"));
    assert!(catalogue.0 < 256 && catalogue.1 > 0, "the catalogue was not compacted: {catalogue:?}");
    assert!(history.0 < 256 && history.1 > 0, "the history was not compacted: {history:?}");
    assert_eq!(fx.store.item(&g, &saw.id).unwrap().description, "Servad 261 gånger");
    assert_clean(&mut fx.store);
    let seen = fx.view();
    assert_eq!(seen.activity.len(), 264);
    fx.reopen();
    assert_eq!(fx.view(), seen);
    // Writing on after compaction, and reopening again.
    fx.book(&saw.id, 24, 26, 1).unwrap();
    fx.reopen();
    assert_eq!(fx.view().bookings.len(), 1);
    assert_clean(&mut fx.store);
}
