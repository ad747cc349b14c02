//! Bad input gets a typed error and changes nothing: not the documents, not the projection,
//! not the history. "Nothing" is checked on the file itself, through a connection of its own.

use delbar_core::domain::{
    BookingAction, BookingState, Condition, DomainError, ItemDraft, ItemPatch, LoanRules, NewBooking, Role,
};
use delbar_core::ids::{BookingId, GroupId, ItemId, MemberId};
use delbar_core::store::StoreError;
use delbar_core::time::{DAY_MS, HOUR_MS};
use delbar_core::{Error, Store};
use delbar_tests::{Fixture, assert_clean, at_hours, fingerprint, request};

/// Runs `op` on the steward's store, asserts that the store file and every query answer
/// are the same afterwards, and returns the error `op` must have failed with.
fn refused<T: std::fmt::Debug>(
    fx: &mut Fixture,
    op: impl FnOnce(&mut Store, &GroupId) -> delbar_core::Result<T>,
) -> Error {
    let (before, view) = (fx.fingerprint(), fx.view());
    let group = fx.group.clone();
    let err = op(&mut fx.store, &group).expect_err("the operation should have been refused");
    assert_eq!(fx.fingerprint(), before, "a refused operation changed the store file ({err})");
    assert_eq!(fx.view(), view, "a refused operation changed what queries answer ({err})");
    err
}

/// The same on a peer's store.
fn refused_on<T: std::fmt::Debug>(
    store: &mut Store,
    group: &GroupId,
    op: impl FnOnce(&mut Store, &GroupId) -> delbar_core::Result<T>,
) -> Error {
    let path = store.path().to_path_buf();
    let before = fingerprint(&path);
    let err = op(store, group).expect_err("the operation should have been refused");
    assert_eq!(fingerprint(&path), before, "a refused operation changed the store file ({err})");
    err
}

/// An operation on a store, for tables of cases.
type StoreOp<'a> = dyn FnOnce(&mut Store, &GroupId) -> delbar_core::Result<()> + 'a;

fn domain(err: Error) -> DomainError {
    match err {
        Error::Domain(d) => d,
        other => panic!("expected a domain error, got {other:?}"),
    }
}

/// After the refusals the store still works, agrees with its documents, and reopens the same.
fn still_sound(fx: &mut Fixture) {
    let item = fx.item("Skottkärra", 1);
    fx.book(&item.id, 200, 202, 1).unwrap();
    assert_clean(&mut fx.store);
    let view = fx.view();
    fx.reopen();
    assert_eq!(fx.view(), view);
}

#[test]
fn invalid_items_are_refused_with_the_field_named() {
    let mut fx = Fixture::new();
    let e = domain(refused(&mut fx, |s, g| s.add_item(g, ItemDraft::named("   "))));
    assert_eq!(e, DomainError::EmptyField { field: "name" });
    for q in [0, -3] {
        let e = domain(refused(&mut fx, |s, g| s.add_item(g, ItemDraft { quantity: q, ..ItemDraft::named("Såg") })));
        assert_eq!(e, DomainError::InvalidQuantity { given: q });
    }
    let long = "x".repeat(201);
    let e = domain(refused(&mut fx, |s, g| s.add_item(g, ItemDraft::named(&long))));
    assert_eq!(e, DomainError::FieldTooLong { field: "name", len: 201, max: 200 });
    let bad_rules = LoanRules { max_loan_hours: Some(0), ..LoanRules::default() };
    let e = domain(refused(&mut fx, |s, g| s.add_item(g, ItemDraft { rules: bad_rules, ..ItemDraft::named("Såg") })));
    assert!(matches!(e, DomainError::InvalidRule { rule: "max_loan_hours", .. }), "{e:?}");
    let hammer = fx.item("Hammare", 1);
    let e = domain(refused(&mut fx, |s, g| s.add_item_photo(g, &hammer.id, b"not an image")));
    assert!(matches!(e, DomainError::PhotoFormatNotAccepted { .. }), "{e:?}");
    let e = domain(refused(&mut fx, |s, g| s.remove_item_photo(g, &hammer.id, "not-a-hash")));
    assert!(matches!(e, DomainError::InvalidPhotoHash { .. }), "{e:?}");

    let item = fx.item("Såg", 1);
    let e = domain(refused(&mut fx, |s, g| {
        s.update_item(
            g,
            &item.id,
            &ItemPatch { quantity: Some(0), name: Some("Ny såg".into()), ..ItemPatch::default() },
        )
    }));
    assert_eq!(e, DomainError::InvalidQuantity { given: 0 });
    let e = domain(refused(&mut fx, |s, g| s.log_maintenance(g, &item.id, "  ", Condition::Good, None)));
    assert_eq!(e, DomainError::EmptyField { field: "maintenance note" });
    still_sound(&mut fx);
}

#[test]
fn invalid_bookings_are_refused() {
    let mut fx = Fixture::new();
    let item = fx.item("Jordfräs", 2);
    let id = item.id.clone();
    for units in [0, -1] {
        let e = domain(refused(&mut fx, |s, g| s.book(g, &request(&id, at_hours(24), at_hours(30), units))));
        assert_eq!(e, DomainError::InvalidUnits { given: units });
    }
    let (start, end) = (at_hours(30), at_hours(24));
    let e = domain(refused(&mut fx, |s, g| s.book(g, &request(&id, start, end, 1))));
    assert_eq!(e, DomainError::BookingEndsBeforeStart { start, end });
    let e = domain(refused(&mut fx, |s, g| s.book(g, &request(&id, start, start, 1))));
    assert!(matches!(e, DomainError::BookingEndsBeforeStart { .. }), "{e:?}");
    let e = domain(refused(&mut fx, |s, g| s.book(g, &request(&id, at_hours(24), at_hours(30), 3))));
    assert!(matches!(e, DomainError::NotEnoughUnits { quantity: 2, requested: 3, .. }), "{e:?}");
    let e = domain(refused(&mut fx, |s, g| s.book(g, &request(&id, at_hours(-2), at_hours(3), 1))));
    assert!(matches!(e, DomainError::StartsInPast { .. }), "{e:?}");
    let e = domain(refused(&mut fx, |s, g| s.availability(g, &id, at_hours(5), at_hours(5))));
    assert!(matches!(e, DomainError::BookingEndsBeforeStart { .. }), "{e:?}");
    still_sound(&mut fx);
}

#[test]
fn unknown_ids_are_refused_as_not_found() {
    let mut fx = Fixture::new();
    let item = fx.item("Stege", 1);
    let (ghost_item, ghost_booking, ghost_member) = (ItemId::generate(), BookingId::generate(), MemberId::generate());
    let ghost_group = GroupId::generate();
    let g = ghost_item.clone();
    let e = refused(&mut fx, |s, grp| s.book(grp, &request(&g, at_hours(24), at_hours(26), 1)));
    assert!(matches!(&e, Error::ItemNotFound { id } if *id == ghost_item.to_string()), "{e:?}");
    let e =
        refused(&mut fx, |s, grp| s.update_item(grp, &g, &ItemPatch { name: Some("X".into()), ..Default::default() }));
    assert!(matches!(e, Error::ItemNotFound { .. }), "{e:?}");
    let e = refused(&mut fx, |s, grp| s.log_maintenance(grp, &g, "olja", Condition::Good, None));
    assert!(matches!(e, Error::ItemNotFound { .. }), "{e:?}");
    let e = refused(&mut fx, |s, grp| s.availability(grp, &g, at_hours(1), at_hours(2)));
    assert!(matches!(e, Error::ItemNotFound { .. }), "{e:?}");
    let b = ghost_booking.clone();
    let e = refused(&mut fx, |s, grp| s.act_on_booking(grp, &b, BookingAction::Cancel));
    assert!(matches!(&e, Error::BookingNotFound { id } if *id == ghost_booking.to_string()), "{e:?}");
    let m = ghost_member.clone();
    let e = refused(&mut fx, |s, grp| s.set_role(grp, &m, Role::Steward));
    assert!(matches!(&e, Error::MemberNotFound { id } if *id == ghost_member.to_string()), "{e:?}");
    let e = refused(&mut fx, |s, grp| s.remove_member(grp, &m));
    assert!(matches!(e, Error::MemberNotFound { .. }), "{e:?}");
    let id = item.id.clone();
    let e = refused(&mut fx, |s, grp| {
        s.book(grp, &NewBooking { for_member: Some(m.clone()), ..request(&id, at_hours(24), at_hours(26), 1) })
    });
    assert!(matches!(e, Error::MemberNotFound { .. }), "{e:?}");
    let owner = delbar_core::domain::Owner::Member(m.clone());
    let e = refused(&mut fx, |s, grp| s.add_item(grp, ItemDraft { owner, ..ItemDraft::named("Lånad såg") }));
    assert!(matches!(e, Error::MemberNotFound { .. }), "{e:?}");
    let gg = ghost_group.clone();
    let e = refused(&mut fx, |s, _| s.add_item(&gg, ItemDraft::named("Såg")));
    assert!(matches!(&e, Error::GroupNotFound { id } if *id == ghost_group.to_string()), "{e:?}");
    let e = refused(&mut fx, |s, _| s.check(Some(&gg)));
    assert!(matches!(e, Error::GroupNotFound { .. }), "{e:?}");
    still_sound(&mut fx);
}

#[test]
fn malformed_id_text_is_an_invalid_id() {
    for text in ["", "Hello World", "x'; DROP TABLE items; --", "ÅÄÖ", &"a".repeat(65)] {
        let e = ItemId::parse(text).unwrap_err();
        assert!(matches!(e, DomainError::InvalidId { kind: "item", .. }), "{text:?}: {e:?}");
        assert!(matches!(BookingId::parse(text).unwrap_err(), DomainError::InvalidId { kind: "booking", .. }));
        assert!(matches!(MemberId::parse(text).unwrap_err(), DomainError::InvalidId { kind: "member", .. }));
        assert!(matches!(GroupId::parse(text).unwrap_err(), DomainError::InvalidId { kind: "group", .. }));
    }
    assert!(delbar_core::ids::DeviceId::parse_key("abcd").is_err());
    // Ids given with surrounding blanks (pasted) are accepted.
    let id = ItemId::generate();
    assert_eq!(ItemId::parse(&format!("  {id}\n")).unwrap(), id);
}

#[test]
fn a_member_cannot_do_a_stewards_work() {
    let mut fx = Fixture::new();
    let approval = LoanRules { requires_approval: true, ..LoanRules::default() };
    let item = fx.item_from(ItemDraft { rules: approval, ..ItemDraft::named("Motorsåg") });
    let steward_booking = fx.book(&item.id, 100, 104, 1).unwrap();
    let mut peer = fx.join("Olle", Role::Member);
    let group = fx.group.clone();
    let own = peer.store.book(&group, &request(&item.id, at_hours(24), at_hours(28), 1)).unwrap();
    assert_eq!(own.state, BookingState::Requested);

    let cases: Vec<(&str, Box<StoreOp>)> = vec![
        ("add items", Box::new(|s, g| s.add_item(g, ItemDraft::named("Spade")).map(drop))),
        (
            "edit items",
            Box::new(|s, g| {
                s.update_item(g, &item.id, &ItemPatch { name: Some("Min såg".into()), ..Default::default() }).map(drop)
            }),
        ),
        ("log maintenance", Box::new(|s, g| s.log_maintenance(g, &item.id, "kedja", Condition::Good, None).map(drop))),
        ("confirm a booking", Box::new(|s, g| s.act_on_booking(g, &own.id, BookingAction::Confirm).map(drop))),
        ("decline a booking", Box::new(|s, g| s.act_on_booking(g, &own.id, BookingAction::Decline).map(drop))),
        (
            "cancel another member's booking",
            Box::new(|s, g| s.act_on_booking(g, &steward_booking.id, BookingAction::Cancel).map(drop)),
        ),
        ("add members", Box::new(|s, g| s.add_member(g, "Eva", Role::Member, None).map(drop))),
        ("change roles", Box::new(|s, g| s.set_role(g, &peer.member.clone(), Role::Steward).map(drop))),
        ("edit the group", Box::new(|s, g| s.update_group(g, Some("Mitt"), None, None).map(drop))),
        (
            "book for another member",
            Box::new(|s, g| {
                let r =
                    NewBooking { for_member: Some(fx.me.clone()), ..request(&item.id, at_hours(48), at_hours(50), 1) };
                s.book(g, &r).map(drop)
            }),
        ),
    ];
    for (action, op) in cases {
        let e = domain(refused_on(&mut peer.store, &group, op));
        assert_eq!(e, DomainError::NotPermitted { action, role: Role::Member });
    }
    // Checking out without self-service is a steward's work too.
    let e = domain(refused_on(&mut peer.store, &group, |s, g| s.act_on_booking(g, &own.id, BookingAction::CheckOut)));
    assert!(matches!(e, DomainError::NotPermitted { role: Role::Member, .. }), "{e:?}");
    // What a member may do still works: cancel their own request.
    let cancelled = peer.store.act_on_booking(&group, &own.id, BookingAction::Cancel).unwrap();
    assert_eq!(cancelled.state, BookingState::Cancelled);
    assert_clean(&mut peer.store);
}

#[test]
fn a_member_checks_self_service_gear_out_and_in_but_not_anothers() {
    let mut fx = Fixture::new();
    let rules = LoanRules { self_service: true, ..LoanRules::default() };
    let box_ = fx.item_from(ItemDraft { rules, quantity: 2, ..ItemDraft::named("Cykelkärra") });
    let stewards = fx.book(&box_.id, 24, 26, 1).unwrap();
    let mut peer = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let own = peer.store.book(&g, &request(&box_.id, at_hours(24), at_hours(26), 1)).unwrap();
    assert_eq!(own.state, BookingState::Confirmed);
    let out = peer.store.act_on_booking(&g, &own.id, BookingAction::CheckOut).unwrap();
    assert_eq!(out.state, BookingState::CheckedOut);
    let e = domain(refused_on(&mut peer.store, &g, |s, g| s.act_on_booking(g, &stewards.id, BookingAction::CheckOut)));
    assert_eq!(e, DomainError::NotPermitted { action: "check out another member's booking", role: Role::Member });
    let back = peer.store.act_on_booking(&g, &own.id, BookingAction::Return).unwrap();
    assert_eq!(back.state, BookingState::Returned);
    assert_clean(&mut peer.store);
}

#[test]
fn a_removed_members_device_can_no_longer_act() {
    let mut fx = Fixture::new();
    let item = fx.item("Stege", 1);
    let mut peer = fx.join("Olle", Role::Member);
    let group = fx.group.clone();
    fx.store.remove_member(&group, &peer.member).unwrap();
    delbar_tests::sync(&mut fx.store, &mut peer.store, &group);
    let e = refused_on(&mut peer.store, &group, |s, g| s.book(g, &request(&item.id, at_hours(24), at_hours(26), 1)));
    assert!(matches!(e, Error::NotAMember { .. }), "{e:?}");
}

#[test]
fn illegal_transitions_are_refused() {
    let mut fx = Fixture::new();
    let item = fx.item("Jordfräs", 1);
    let b = fx.book(&item.id, 24, 30, 1).unwrap();
    assert_eq!(b.state, BookingState::Confirmed);
    let id = b.id.clone();
    for action in [BookingAction::Confirm, BookingAction::Decline, BookingAction::Return] {
        let e = domain(refused(&mut fx, |s, g| s.act_on_booking(g, &id, action)));
        assert_eq!(e, DomainError::IllegalTransition { action, state: BookingState::Confirmed });
    }
    fx.store.act_on_booking(&fx.group, &id, BookingAction::Cancel).unwrap();
    for action in delbar_core::domain::BookingAction::ALL {
        let e = domain(refused(&mut fx, |s, g| s.act_on_booking(g, &id, action)));
        assert_eq!(e, DomainError::IllegalTransition { action, state: BookingState::Cancelled });
    }
    still_sound(&mut fx);
}

#[test]
fn booking_over_capacity_is_unavailable() {
    let mut fx = Fixture::new();
    let item = fx.item("Stege", 2);
    fx.book(&item.id, 24, 30, 1).unwrap();
    fx.book(&item.id, 26, 32, 1).unwrap();
    let id = item.id.clone();
    let e = domain(refused(&mut fx, |s, g| s.book(g, &request(&id, at_hours(29), at_hours(31), 1))));
    assert_eq!(
        e,
        DomainError::Unavailable {
            item: "Stege".into(),
            free: 0,
            requested: 1,
            start: at_hours(29),
            end: at_hours(31)
        }
    );
    let e = domain(refused(&mut fx, |s, g| s.book(g, &request(&id, at_hours(20), at_hours(25), 2))));
    assert!(matches!(e, DomainError::Unavailable { free: 1, requested: 2, .. }), "{e:?}");
    still_sound(&mut fx);
}

#[test]
fn loan_rules_are_enforced() {
    let mut fx = Fixture::new();
    let rules = LoanRules {
        max_loan_hours: Some(48),
        max_advance_days: Some(30),
        min_notice_hours: Some(12),
        max_concurrent_per_member: Some(1),
        ..LoanRules::default()
    };
    let item = fx.item_from(ItemDraft { rules, quantity: 3, ..ItemDraft::named("Vedklyv") });
    let id = item.id.clone();
    let e = domain(refused(&mut fx, |s, g| s.book(g, &request(&id, at_hours(24), at_hours(24 + 49), 1))));
    assert_eq!(e, DomainError::LoanTooLong { item: "Vedklyv".into(), max_hours: 48, asked_hours: 49 });
    let far = at_hours(0).plus_ms(31 * DAY_MS);
    let e = domain(refused(&mut fx, |s, g| s.book(g, &request(&id, far, far.plus_ms(HOUR_MS), 1))));
    assert_eq!(e, DomainError::TooFarAhead { item: "Vedklyv".into(), max_days: 30 });
    let e = domain(refused(&mut fx, |s, g| s.book(g, &request(&id, at_hours(2), at_hours(4), 1))));
    assert_eq!(e, DomainError::NoticeTooShort { item: "Vedklyv".into(), min_hours: 12 });
    // Exactly at the limits is fine.
    fx.book(&id, 12, 60, 1).unwrap();
    let e = domain(refused(&mut fx, |s, g| s.book(g, &request(&id, at_hours(100), at_hours(101), 1))));
    assert_eq!(e, DomainError::TooManyBookings { item: "Vedklyv".into(), max: 1 });
    still_sound(&mut fx);
}

#[test]
fn retired_or_out_of_service_items_are_not_bookable() {
    let mut fx = Fixture::new();
    let retired = fx.item("Gammal såg", 1);
    let broken = fx.item("Trasig fräs", 1);
    let booked = fx.book(&broken.id, 24, 26, 1).unwrap();
    let g = fx.group.clone();
    fx.store.update_item(&g, &retired.id, &ItemPatch { retired: Some(true), ..ItemPatch::default() }).unwrap();
    fx.store.log_maintenance(&g, &broken.id, "motorn skär", Condition::OutOfService, None).unwrap();
    let id = retired.id.clone();
    let e = domain(refused(&mut fx, |s, g| s.book(g, &request(&id, at_hours(24), at_hours(26), 1))));
    assert_eq!(e, DomainError::ItemNotBookable { item: "Gammal såg".into(), reason: "it is retired" });
    let id = broken.id.clone();
    let e = domain(refused(&mut fx, |s, g| s.book(g, &request(&id, at_hours(30), at_hours(32), 1))));
    assert_eq!(e, DomainError::ItemNotBookable { item: "Trasig fräs".into(), reason: "it is out of service" });
    // Nor can an existing booking of it be handed out.
    let e = domain(refused(&mut fx, |s, g| s.act_on_booking(g, &booked.id, BookingAction::CheckOut)));
    assert!(matches!(e, DomainError::ItemNotBookable { .. }), "{e:?}");
    assert_eq!(fx.store.availability(&g, &broken.id, at_hours(40), at_hours(41)).unwrap().free_units, 0);
    still_sound(&mut fx);
}

#[test]
fn the_last_steward_cannot_step_down() {
    let mut fx = Fixture::new();
    let me = fx.me.clone();
    let e = domain(refused(&mut fx, |s, g| s.set_role(g, &me, Role::Member)));
    assert_eq!(e, DomainError::LastSteward);
    let e = domain(refused(&mut fx, |s, g| s.remove_member(g, &me)));
    assert_eq!(e, DomainError::LastSteward);
    // With a second steward, the first may step down.
    let g = fx.group.clone();
    fx.store.add_member(&g, "Anna", Role::Steward, None).unwrap();
    assert_eq!(fx.store.set_role(&g, &me, Role::Member).unwrap().role, Role::Member);
    assert_clean(&mut fx.store);
}

#[test]
fn bad_group_input_is_refused() {
    let mut fx = Fixture::new();
    let e = domain(refused(&mut fx, |s, g| s.update_group(g, Some(" "), None, None)));
    assert_eq!(e, DomainError::EmptyField { field: "group name" });
    let e = domain(refused(&mut fx, |s, g| s.update_group(g, None, None, Some(0))));
    assert!(matches!(e, DomainError::InvalidRule { rule: "pickup_window_hours", .. }), "{e:?}");
    let e = domain(refused(&mut fx, |s, g| s.add_member(g, "", Role::Member, None)));
    assert_eq!(e, DomainError::EmptyField { field: "member name" });
    let dir = tempfile::tempdir().unwrap();
    let mut other = delbar_tests::open_store(&dir.path().join("s.db"), &fx.clock);
    let before = fingerprint(other.path());
    assert_eq!(
        domain(other.create_group("", "", "Karin").unwrap_err()),
        DomainError::EmptyField { field: "group name" }
    );
    assert_eq!(domain(other.create_group("G", "", " ").unwrap_err()), DomainError::EmptyField { field: "member name" });
    assert_eq!(fingerprint(other.path()), before);
    assert!(other.groups().unwrap().is_empty());
}

/// Opening `path` must fail as not a store and leave the file byte for byte as it was.
fn assert_refused_as_not_a_store(path: &std::path::Path) {
    let before = std::fs::read(path).unwrap();
    let err = Store::open(path).unwrap_err();
    assert!(matches!(err, Error::Store(StoreError::NotAStore { .. })), "{}: {err:?}", path.display());
    let after = std::fs::read(path).unwrap();
    let first_change = before.iter().zip(&after).position(|(a, b)| a != b);
    assert!(
        after == before,
        "opening changed {}: {} bytes before, {} after, first difference at byte {first_change:?}",
        path.display(),
        before.len(),
        after.len()
    );
}

#[test]
fn random_bytes_are_not_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("random.db");
    let mut rng = delbar_tests::Rng::new(7);
    let bytes: Vec<u8> = (0..8192).map(|_| rng.next_u64() as u8).collect();
    std::fs::write(&path, bytes).unwrap();
    assert_refused_as_not_a_store(&path);
}

#[test]
fn a_text_file_is_not_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "Inköpslista: såg, jordfräs, stege\n".repeat(200)).unwrap();
    assert_refused_as_not_a_store(&path);
}

#[test]
fn another_apps_sqlite_database_is_not_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let sql = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hej');";
    rusqlite::Connection::open(&path).unwrap().execute_batch(sql).unwrap();
    let before = fingerprint(&path);
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::Store(StoreError::NotAStore { .. })), "{err:?}");
    // Its data is still all there, and no store table was added.
    assert_eq!(fingerprint(&path), before);
}

#[test]
fn another_apps_sqlite_database_is_not_a_store_and_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hej');",
        )
        .unwrap();
    }
    assert_refused_as_not_a_store(&path);
}

#[test]
fn a_booking_beyond_year_9999_is_refused() {
    let mut fx = Fixture::new();
    let rules = LoanRules { max_advance_days: None, max_loan_hours: None, ..LoanRules::default() };
    let item = fx.item_from(ItemDraft { rules, ..ItemDraft::named("Tidskapsel") });
    let start = delbar_core::time::Timestamp::from_civil(10_000, 1, 1, 0, 0).unwrap();
    let last = start.plus_ms(-HOUR_MS);
    let g = fx.group.clone();
    let before = fx.fingerprint();
    let e = fx.store.book(&g, &request(&item.id, start, start.plus_ms(HOUR_MS), 1)).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::DateOutOfRange { given }) if given == start.0), "{e:?}");
    // Ending in year 10000 is refused too; so is an extension into it.
    let e = fx.store.book(&g, &request(&item.id, last, start.plus_ms(HOUR_MS), 1)).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::DateOutOfRange { .. })), "{e:?}");
    assert_eq!(fx.fingerprint(), before);
    // The last hour of 9999 is fine.
    let b = fx.store.book(&g, &request(&item.id, last, start.plus_ms(-1), 1)).unwrap();
    let before = fx.fingerprint();
    let e = fx.store.extend_booking(&g, &b.id, start.plus_ms(HOUR_MS)).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::DateOutOfRange { .. })), "{e:?}");
    assert_eq!(fx.fingerprint(), before);
    fx.store.export_group(&g).unwrap();
    assert_clean(&mut fx.store);
    fx.reopen();
    assert_clean(&mut fx.store);
}

#[test]
fn a_truncated_store_is_reported_corrupt() {
    let mut fx = Fixture::new();
    for n in 0..30 {
        fx.item(&format!("Såg {n}"), 1);
    }
    let path = fx.path.clone();
    drop(fx.store);
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(file.metadata().unwrap().len() / 2).unwrap();
    drop(file);
    // A Delbar store that lost its second half is a damaged store, not a foreign file.
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::Store(StoreError::Corrupt { .. })), "{err:?}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
