//! What a person may type: text fields refuse control, bidirectional and invisible
//! characters (naming the field and the character), and every number has a stated range.
//! A refusal changes nothing, checked on the store file and on what queries answer.

use delbar_core::domain::{Condition, DomainError, ItemDraft, ItemPatch, Location, Role, Schedule};
use delbar_core::ids::{DeviceId, GroupId, ItemId};
use delbar_core::{Error, Store};
use delbar_tests::{Fixture, assert_clean, at_hours, request};

/// Runs `op` on the steward's store, asserts that the store file and every query answer are
/// the same afterwards, and returns the domain error `op` must have failed with.
fn refused<T: std::fmt::Debug>(
    fx: &mut Fixture,
    op: impl FnOnce(&mut Store, &GroupId) -> delbar_core::Result<T>,
) -> DomainError {
    let (before, view) = (fx.fingerprint(), fx.view());
    let group = fx.group.clone();
    let err = op(&mut fx.store, &group).expect_err("the operation should have been refused");
    assert_eq!(fx.fingerprint(), before, "a refused operation changed the store file ({err})");
    assert_eq!(fx.view(), view, "a refused operation changed what queries answer ({err})");
    match err {
        Error::Domain(d) => d,
        other => panic!("expected a domain error, got {other:?}"),
    }
}

fn bad_char(field: &'static str, code_point: u32, position: usize) -> DomainError {
    DomainError::DisallowedCharacter { field, code_point, position }
}

/// A device id nobody uses.
fn some_device() -> DeviceId {
    DeviceId::parse_key(&"ab".repeat(32)).unwrap()
}

#[test]
fn control_bidi_and_invisible_characters_are_refused_in_every_text_field() {
    let mut fx = Fixture::new();
    let item = fx.item("Såg", 1);
    let id = item.id.clone();
    let patch = |p: ItemPatch| {
        let id = id.clone();
        move |s: &mut Store, g: &GroupId| s.update_item(g, &id, &p)
    };

    let e = refused(&mut fx, |s, g| s.add_item(g, ItemDraft::named("Bad\u{1b}[31mRED")));
    assert_eq!(e, bad_char("name", 0x1b, 4));
    assert_eq!(e.to_string(), "name must not contain the control or invisible character U+001B (character 4)");
    let e = refused(&mut fx, |s, g| s.add_item(g, ItemDraft::named("invoice\u{202e}fdp.exe")));
    assert_eq!(e, bad_char("name", 0x202e, 8));
    assert!(e.to_string().contains("U+202E"), "{e}");
    let e = refused(&mut fx, patch(ItemPatch { name: Some("Ring\u{7}".into()), ..ItemPatch::default() }));
    assert_eq!(e, bad_char("name", 0x7, 5));
    let e = refused(&mut fx, patch(ItemPatch { name: Some("Två\nrader".into()), ..ItemPatch::default() }));
    assert_eq!(e, bad_char("name", 0xa, 4));
    let e = refused(&mut fx, patch(ItemPatch { category: Some("träd\u{200b}gård".into()), ..ItemPatch::default() }));
    assert_eq!(e, bad_char("category", 0x200b, 5));
    let e = refused(
        &mut fx,
        patch(ItemPatch { tags: Some(vec!["ok".into(), "\u{feff}bom".into()]), ..ItemPatch::default() }),
    );
    assert_eq!(e, bad_char("tag", 0xfeff, 1));
    let location = Location { text: "Ladan\u{2066}".into(), lat: None, lon: None };
    let e = refused(&mut fx, patch(ItemPatch { location: Some(location), ..ItemPatch::default() }));
    assert_eq!(e, bad_char("location", 0x2066, 6));
    let e = refused(
        &mut fx,
        patch(ItemPatch { description: Some("rad 1\n\u{1b}]0;title\u{7}".into()), ..ItemPatch::default() }),
    );
    assert_eq!(e, bad_char("description", 0x1b, 7));

    let e = refused(&mut fx, |s, g| s.update_group(g, Some("Grupp\u{200f}"), None, None));
    assert_eq!(e, bad_char("group name", 0x200f, 6));
    let e = refused(&mut fx, |s, g| s.update_group(g, None, Some("om oss\rxx"), None));
    assert_eq!(e, bad_char("description", 0xd, 7));
    let e = refused(&mut fx, |s, g| s.add_member(g, "Eve\u{202e}", Role::Member, None));
    assert_eq!(e, bad_char("member name", 0x202e, 4));
    let e = refused(&mut fx, |s, g| s.add_member(g, "Eva", Role::Member, Some((some_device(), "tele\tfon"))));
    assert_eq!(e, bad_char("device label", 0x9, 5));

    let id = item.id.clone();
    let e = refused(&mut fx, |s, g| {
        s.book(
            g,
            &delbar_core::domain::NewBooking { note: "\u{9b}2J".into(), ..request(&id, at_hours(24), at_hours(26), 1) },
        )
    });
    assert_eq!(e, bad_char("note", 0x9b, 1));
    let e = refused(&mut fx, |s, g| s.log_maintenance(g, &id, "olj\u{2028}at", Condition::Good, None));
    assert_eq!(e, bad_char("maintenance note", 0x2028, 4));
    let e = refused(&mut fx, |s, g| s.add_maintenance_plan(g, &id, Schedule::AfterEachLoan, false, "\u{61c}vässa"));
    assert_eq!(e, bad_char("plan note", 0x61c, 1));

    let dir = tempfile::tempdir().unwrap();
    let mut other = delbar_tests::open_store(&dir.path().join("s.db"), &fx.clock);
    assert_eq!(
        other.create_group("G\u{2069}", "", "Karin").unwrap_err().to_string(),
        "group name must not contain the control or invisible character U+2069 (character 2)"
    );
    assert!(other.groups().unwrap().is_empty());
    assert_clean(&mut fx.store);
}

#[test]
fn nordic_text_emoji_and_multi_line_notes_are_kept() {
    let mut fx = Fixture::new();
    let g = fx.group.clone();
    let name = "Røjsåg Æ 🪚 👨\u{200d}👩\u{200d}👧";
    let item = fx.item(name, 1);
    assert_eq!(item.name, name);
    let note = "Kedjan slipad.\n\tOljad, ny svärd.";
    let item = fx.store.log_maintenance(&g, &item.id, note, Condition::Good, None).unwrap();
    assert_eq!(item.maintenance_log()[0].note, note);
    let member = fx.store.add_member(&g, "Åsa Øberg 🧑🏽\u{200d}🔧", Role::Member, None).unwrap();
    assert_eq!(member.name, "Åsa Øberg 🧑🏽\u{200d}🔧");
    assert_clean(&mut fx.store);
}

/// An id that is not one comes back in the error cut short and with its control
/// characters escaped, however long it is.
#[test]
fn a_bad_id_is_echoed_short_and_escaped() {
    let long = format!("\u{1b}[2J{}", "x".repeat(70_000));
    let e = ItemId::parse(&long).unwrap_err();
    let DomainError::InvalidId { given, .. } = &e else { panic!("{e:?}") };
    // 80 characters of the input (ESC shown as its escape), then an ellipsis.
    assert_eq!(given, &format!("\\u{{1b}}[2J{}…", "x".repeat(76)));
    assert!(e.to_string().len() < 200, "{e}");
}

/// Each range at its lower bound, its upper bound and one past each, on the store: the
/// values inside are written, the ones outside refused with the range, changing nothing.
#[test]
fn every_number_has_a_stated_range_at_both_ends() {
    use delbar_core::domain::LoanRules;
    use delbar_core::domain::limits::*;

    let mut fx = Fixture::new();
    let g = fx.group.clone();
    // Quantity.
    for q in [0, MAX_QUANTITY + 1, 1_000_000, 4_294_967_296] {
        let e = refused(&mut fx, |s, g| s.add_item(g, ItemDraft { quantity: q, ..ItemDraft::named("Såg") }));
        assert_eq!(e, DomainError::InvalidQuantity { given: q });
    }
    assert_eq!(
        DomainError::InvalidQuantity { given: 1_000_000 }.to_string(),
        "quantity must be between 1 and 10000 (given 1000000)"
    );
    let big = fx.item("Skruvar", MAX_QUANTITY);
    assert_eq!(big.quantity, 10_000);
    let small = fx.item("Stege", 1);
    let e = refused(&mut fx, |s, g| {
        s.update_item(g, &small.id, &ItemPatch { quantity: Some(MAX_QUANTITY + 1), ..ItemPatch::default() })
    });
    assert_eq!(e, DomainError::InvalidQuantity { given: MAX_QUANTITY + 1 });

    // Units of a booking: never wrapped to a small number, never clamped.
    for units in [0, MAX_UNITS + 1, 4_294_967_296, 4_294_967_297, i64::MAX] {
        let e = refused(&mut fx, |s, g| s.book(g, &request(&big.id, at_hours(24), at_hours(26), units)));
        assert_eq!(e, DomainError::InvalidUnits { given: units });
    }
    assert_eq!(fx.store.book(&g, &request(&big.id, at_hours(24), at_hours(26), MAX_UNITS)).unwrap().units, 10_000);
    assert_eq!(fx.store.book(&g, &request(&small.id, at_hours(24), at_hours(26), 1)).unwrap().units, 1);

    // Tags: at most 50 (after duplicates are merged), each at most 60 characters.
    let tags = |n: usize| (0..n).map(|i| format!("t{i}")).collect::<Vec<_>>();
    let with_tags = |t: Vec<String>| ItemDraft { tags: t, ..ItemDraft::named("Taggad") };
    assert_eq!(fx.item_from(with_tags(tags(MAX_TAGS))).tags.len(), 50);
    let e = refused(&mut fx, |s, g| s.add_item(g, with_tags(tags(MAX_TAGS + 1))));
    assert_eq!(e, DomainError::TooMany { what: "tags", given: 51, max: 50 });
    let started = std::time::Instant::now();
    let e = refused(&mut fx, |s, g| s.add_item(g, with_tags(tags(10_000))));
    assert_eq!(e, DomainError::TooMany { what: "tags", given: 10_000, max: 50 });
    assert!(started.elapsed().as_secs() < 5, "10,000 tags took {:?}", started.elapsed());
    let mut twice = tags(MAX_TAGS);
    twice.extend(tags(MAX_TAGS));
    assert_eq!(fx.item_from(with_tags(twice)).tags.len(), 50);
    assert_eq!(fx.item_from(with_tags(vec!["x".repeat(MAX_TAG_CHARS)])).tags[0].len(), 60);
    let e = refused(&mut fx, |s, g| s.add_item(g, with_tags(vec!["x".repeat(MAX_TAG_CHARS + 1)])));
    assert_eq!(e, DomainError::FieldTooLong { field: "tag", len: 61, max: 60 });

    // Loan rules: each at both ends and one past.
    type Set = fn(&mut LoanRules, i64);
    let cases: [(&str, Set, i64, i64); 5] = [
        ("max_loan_hours", |r, v| r.max_loan_hours = Some(v), 1, MAX_LOAN_HOURS),
        ("max_advance_days", |r, v| r.max_advance_days = Some(v), 1, MAX_ADVANCE_DAYS),
        ("min_notice_hours", |r, v| r.min_notice_hours = Some(v), 0, MAX_NOTICE_HOURS),
        ("max_concurrent_per_member", |r, v| r.max_concurrent_per_member = Some(v as u32), 1, MAX_PER_MEMBER),
        ("buffer_minutes", |r, v| r.buffer_minutes = v, 0, MAX_BUFFER_MINUTES),
    ];
    for (rule, set, min, max) in cases {
        for ok in [min, max] {
            let mut rules = LoanRules::default();
            set(&mut rules, ok);
            fx.item_from(ItemDraft { rules, ..ItemDraft::named("Regel") });
        }
        for bad in [min - 1, max + 1, 4_294_967_295] {
            let mut rules = LoanRules::default();
            set(&mut rules, bad);
            let e = refused(&mut fx, |s, g| s.add_item(g, ItemDraft { rules, ..ItemDraft::named("Regel") }));
            let DomainError::InvalidRule { rule: r, expected, given } = &e else { panic!("{e:?}") };
            assert_eq!((*r, *given), (rule, bad));
            assert_eq!(*expected, format!("{min} to {max}"));
            assert!(e.to_string().contains(&format!("must be {min} to {max}")), "{e}");
        }
    }

    // The pickup window of waitlist offers.
    fx.store.update_group(&g, None, None, Some(1)).unwrap();
    fx.store.update_group(&g, None, None, Some(MAX_PICKUP_HOURS)).unwrap();
    for bad in [0, MAX_PICKUP_HOURS + 1] {
        let e = refused(&mut fx, |s, g| s.update_group(g, None, None, Some(bad)));
        assert_eq!(e, DomainError::InvalidRule { rule: "pickup_window_hours", expected: "1 to 336", given: bad });
    }

    // Maintenance plans: every N days or loans.
    for (days, loans) in [(1, 1), (MAX_INTERVAL, MAX_INTERVAL)] {
        fx.store.add_maintenance_plan(&g, &small.id, Schedule::EveryDays { days }, false, "").unwrap();
        fx.store.add_maintenance_plan(&g, &small.id, Schedule::EveryLoans { loans }, false, "").unwrap();
    }
    for bad in [0, MAX_INTERVAL + 1] {
        let e =
            refused(&mut fx, |s, g| s.add_maintenance_plan(g, &small.id, Schedule::EveryDays { days: bad }, false, ""));
        assert_eq!(e, DomainError::InvalidRule { rule: "every_days", expected: "1 to 10000", given: i64::from(bad) });
    }
    assert_eq!(
        interval("every_days", 4_294_967_296).unwrap_err().to_string(),
        "every_days must be 1 to 10000 (given 4294967296)"
    );
    assert_clean(&mut fx.store);
}

/// A kit of at most 100 parts, 1 to 1000 units of each.
#[test]
fn a_kit_holds_at_most_100_parts() {
    use delbar_core::domain::limits::{MAX_KIT_PARTS, MAX_UNITS_PER_PART};
    use std::collections::BTreeMap;

    let mut fx = Fixture::new();
    let parts: Vec<ItemId> = (0..=MAX_KIT_PARTS).map(|i| fx.item(&format!("Del {i}"), 1).id).collect();
    let kit = |n: usize, units: u32| ItemDraft {
        kit_parts: parts.iter().take(n).map(|p| (p.clone(), units)).collect::<BTreeMap<_, _>>(),
        ..ItemDraft::named("Sats")
    };
    assert_eq!(fx.item_from(kit(MAX_KIT_PARTS, 1)).kit_parts.len(), 100);
    assert_eq!(fx.item_from(kit(1, MAX_UNITS_PER_PART)).kit_parts.values().next(), Some(&1000));
    let e = refused(&mut fx, |s, g| s.add_item(g, kit(MAX_KIT_PARTS + 1, 1)));
    assert_eq!(e, DomainError::TooMany { what: "kit parts", given: 101, max: 100 });
    for units in [0, MAX_UNITS_PER_PART + 1] {
        let e = refused(&mut fx, |s, g| s.add_item(g, kit(1, units)));
        assert_eq!(e, DomainError::InvalidKit { reason: "each part needs 1 to 1000 units per kit" });
    }
}

/// A place in a waitlist is 1 to the number of bookings waiting: 0 or one past the end is
/// refused with the range instead of being taken as the first or the last place.
#[test]
fn a_waitlist_place_is_within_the_queue() {
    let mut fx = Fixture::new();
    let g = fx.group.clone();
    let tiller = fx.item_from(ItemDraft { rules: delbar_tests::open_rules(), ..ItemDraft::named("Jordfräs") });
    let first = fx.store.add_member(&g, "Olle", Role::Member, None).unwrap();
    fx.book(&tiller.id, 48, 52, 1).unwrap();
    let mut ids = Vec::new();
    for m in [Some(first.id.clone()), None] {
        let mut r = request(&tiller.id, at_hours(48), at_hours(52), 1);
        r.for_member = m;
        ids.push(fx.store.join_waitlist(&g, &r).unwrap().id);
        fx.clock.advance(60_000);
    }
    for bad in [0, 3, -1, 4_294_967_297] {
        let e = refused(&mut fx, |s, g| s.move_in_waitlist(g, &ids[1], bad));
        assert_eq!(e, DomainError::OutOfRange { field: "waitlist position", min: 1, max: 2, given: bad });
    }
    let q = fx.store.move_in_waitlist(&g, &ids[1], 1).unwrap();
    assert_eq!(q.iter().map(|e| e.booking.id.clone()).collect::<Vec<_>>(), [ids[1].clone(), ids[0].clone()]);
    let q = fx.store.move_in_waitlist(&g, &ids[1], 2).unwrap();
    assert_eq!(q.iter().map(|e| e.booking.id.clone()).collect::<Vec<_>>(), [ids[0].clone(), ids[1].clone()]);
    assert_clean(&mut fx.store);
}
