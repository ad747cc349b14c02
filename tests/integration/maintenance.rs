//! Gear care: maintenance plans that fall due and block bookings, the condition gear comes
//! back in, the kit rule (every rule of an item holds for it as a kit part), stewards told
//! of overdue loans; and a property test that blocks and the kit rule resolve the same on
//! every device whatever order changes arrive in.

use std::collections::BTreeMap;

use delbar_core::Store;
use delbar_core::domain::{
    BookingAction, BookingState, BumpReason, Condition, DomainError, ItemDraft, LoanRules, ReturnReport, Role, Schedule,
};
use delbar_core::ids::{BookingId, GroupId, ItemId};
use delbar_core::inventory::stats::AttentionReason;
use delbar_core::store::{BookingFilter, NotificationKind, PhotoContent, PhotoSize};
use delbar_core::time::{DAY_MS, HOUR_MS, ManualClock};
use delbar_core::{Error, Result};
use delbar_tests::{
    Fixture, assert_clean, at_hours, exchange_all, legal_actions, open_rules, projection_rows, request, resolved, sync,
};
use proptest::prelude::*;

fn kinds(store: &Store, group: &GroupId, member: &delbar_core::ids::MemberId) -> Vec<NotificationKind> {
    store.notifications_for(group, member, false).unwrap().into_iter().map(|n| n.kind).collect()
}

fn report(condition: Condition, note: &str) -> ReturnReport {
    ReturnReport { condition, note: note.into(), photo: None }
}

/// A self-service chainsaw that needs a qualification, and a forestry kit holding it.
fn chainsaw_and_kit(fx: &mut Fixture) -> (ItemId, ItemId) {
    let saw = fx.item_from(ItemDraft {
        rules: LoanRules { requires_qualification: true, self_service: true, ..open_rules() },
        ..ItemDraft::named("Motorsåg")
    });
    let kit = fx.item_from(ItemDraft {
        rules: LoanRules { self_service: true, ..open_rules() },
        kit_parts: BTreeMap::from([(saw.id.clone(), 1)]),
        ..ItemDraft::named("Skogspaket")
    });
    (saw.id, kit.id)
}

/// Books, checks out and returns a loan of `item` on `store`, an hour apart each.
fn lend(store: &mut Store, clock: &ManualClock, g: &GroupId, item: &ItemId) -> Result<BookingId> {
    let now = store.now();
    let b = store.book(g, &request(item, now, now.plus_ms(HOUR_MS), 1))?;
    store.act_on_booking(g, &b.id, BookingAction::CheckOut)?;
    clock.advance(HOUR_MS);
    store.act_on_booking(g, &b.id, BookingAction::Return)?;
    clock.advance(HOUR_MS);
    Ok(b.id)
}

#[test]
fn an_unqualified_member_cannot_book_a_kit_that_holds_a_qualification_only_tool() {
    let mut fx = Fixture::new();
    let (saw, kit) = chainsaw_and_kit(&mut fx);
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let refused = olle.store.book(&g, &request(&kit, at_hours(24), at_hours(30), 1)).unwrap_err();
    assert!(matches!(&refused, Error::Domain(DomainError::NotQualified { item }) if item == "Motorsåg"), "{refused:?}");
    assert!(olle.store.bookings(&g, &BookingFilter::default()).unwrap().is_empty(), "nothing written");
    fx.store.set_qualified(&g, &olle.member, &saw, true).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    let booked = olle.store.book(&g, &request(&kit, at_hours(24), at_hours(30), 1)).unwrap();
    assert_eq!(booked.state, BookingState::Confirmed);
}

#[test]
fn a_kit_whose_part_needs_repair_or_is_out_of_service_cannot_be_booked() {
    let mut fx = Fixture::new();
    let (saw, kit) = chainsaw_and_kit(&mut fx);
    let g = fx.group.clone();
    let me = fx.me.clone();
    fx.store.set_qualified(&g, &me, &saw, true).unwrap();
    for (condition, reason) in
        [(Condition::NeedsRepair, "it needs repair"), (Condition::OutOfService, "it is out of service")]
    {
        let patch = delbar_core::domain::ItemPatch { condition: Some(condition), ..Default::default() };
        fx.store.update_item(&g, &saw, &patch).unwrap();
        let refused = fx.book(&kit, 24, 30, 1).unwrap_err();
        assert!(
            matches!(&refused, Error::Domain(DomainError::ItemNotBookable { item, reason: r }) if item == "Motorsåg" && *r == reason),
            "{refused:?}"
        );
    }
    let patch = delbar_core::domain::ItemPatch { condition: Some(Condition::Good), ..Default::default() };
    fx.store.update_item(&g, &saw, &patch).unwrap();
    fx.book(&kit, 24, 30, 1).unwrap();
}

#[test]
fn a_blocking_plan_every_two_loans_bumps_upcoming_bookings_and_refuses_new_ones_until_maintenance() {
    let mut fx = Fixture::new();
    let (saw, kit) = chainsaw_and_kit(&mut fx);
    let g = fx.group.clone();
    let me = fx.me.clone();
    let mut eva = fx.join("Eva", Role::Member);
    fx.store.set_qualified(&g, &eva.member, &saw, true).unwrap();
    fx.store.set_qualified(&g, &me, &saw, true).unwrap();
    let plan =
        fx.store.add_maintenance_plan(&g, &saw, Schedule::EveryLoans { loans: 2 }, true, "slipa kedjan").unwrap();
    fx.clock.advance(HOUR_MS);
    sync(&mut fx.store, &mut eva.store, &g);
    // Eva books the saw for next week; the steward lends it twice (once through the kit).
    let later = eva.store.book(&g, &request(&saw, at_hours(7 * 24), at_hours(7 * 24 + 8), 1)).unwrap();
    sync(&mut eva.store, &mut fx.store, &g);
    let clock = fx.clock.clone();
    lend(&mut fx.store, &clock, &g, &saw).unwrap();
    assert_eq!(fx.store.booking(&g, &later.id).unwrap().state, BookingState::Confirmed, "one loan: not due yet");
    assert!(fx.store.maintenance_due(&g, fx.store.now()).unwrap().is_empty());
    lend(&mut fx.store, &clock, &g, &kit).unwrap();
    // The second loan (the kit's) made the plan due: Eva's booking is bumped, new ones refused.
    let bumped = fx.store.booking(&g, &later.id).unwrap();
    assert_eq!(bumped.state, BookingState::Bumped);
    assert_eq!(bumped.bump.as_ref().map(|b| b.reason), Some(BumpReason::MaintenanceDue));
    let due = fx.store.maintenance_due(&g, fx.store.now()).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((&due[0].plan, due[0].loans_since, due[0].blocks), (&plan.id, 2, true));
    let refused = fx.book(&saw, 8 * 24, 8 * 24 + 2, 1).unwrap_err();
    assert!(
        matches!(&refused, Error::Domain(DomainError::MaintenanceDue { item, .. }) if item == "Motorsåg"),
        "{refused:?}"
    );
    let refused = fx.book(&kit, 8 * 24, 8 * 24 + 2, 1).unwrap_err();
    assert!(matches!(&refused, Error::Domain(DomainError::MaintenanceDue { .. })), "through the kit too: {refused:?}");
    // Eva hears on her own device, the steward from the tick.
    sync(&mut fx.store, &mut eva.store, &g);
    assert_eq!(eva.store.booking(&g, &later.id).unwrap().state, BookingState::Bumped);
    assert!(kinds(&eva.store, &g, &eva.member).contains(&NotificationKind::ItemOutOfService));
    let ticked = fx.store.tick().unwrap();
    assert!(ticked.iter().any(|n| n.kind == NotificationKind::MaintenanceDue && n.member == me), "{ticked:#?}");
    assert!(fx.store.tick().unwrap().iter().all(|n| n.kind != NotificationKind::MaintenanceDue), "told once");
    // Maintenance completes the plan: the booking is back and the saw can be booked again.
    fx.store.log_maintenance(&g, &saw, "kedjan slipad", Condition::Good, None).unwrap();
    assert_eq!(fx.store.booking(&g, &later.id).unwrap().state, BookingState::Confirmed);
    assert!(fx.store.maintenance_due(&g, fx.store.now()).unwrap().is_empty());
    fx.book(&saw, 8 * 24, 8 * 24 + 2, 1).unwrap();
    let listed = fx.store.maintenance_plans(&g, Some(&saw)).unwrap();
    assert_eq!((listed.len(), listed[0].loans_since, listed[0].due), (1, 0, None));
    sync(&mut fx.store, &mut eva.store, &g);
    assert_eq!(resolved(&eva.store, &g), resolved(&fx.store, &g));
    assert_clean(&mut fx.store);
    assert_clean(&mut eva.store);
}

#[test]
fn a_plan_every_n_days_falls_due_with_time_and_a_removed_plan_never_does() {
    let mut fx = Fixture::new();
    let tiller = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Jordfräs") });
    let g = fx.group.clone();
    let plan = fx.store.add_maintenance_plan(&g, &tiller.id, Schedule::EveryDays { days: 30 }, true, "").unwrap();
    let due_at = fx.store.now().plus_ms(30 * DAY_MS);
    let status = fx.store.maintenance_plans(&g, None).unwrap();
    assert_eq!(status[0].due, Some(due_at));
    // Before the due date it books; a booking starting after it is refused.
    fx.book(&tiller.id, 24, 30, 1).unwrap();
    let refused = fx.book(&tiller.id, 31 * 24, 31 * 24 + 4, 1).unwrap_err();
    assert!(matches!(refused, Error::Domain(DomainError::MaintenanceDue { due, .. }) if due == due_at));
    assert!(fx.store.maintenance_due(&g, fx.store.now()).unwrap().is_empty());
    assert_eq!(fx.store.maintenance_due(&g, due_at).unwrap().len(), 1);
    let yearly = fx.store.add_maintenance_plan(&g, &tiller.id, Schedule::yearly("03-15").unwrap(), false, "").unwrap();
    assert_eq!(fx.store.maintenance_plans(&g, Some(&tiller.id)).unwrap().len(), 2);
    fx.store.remove_maintenance_plan(&g, &tiller.id, &plan.id).unwrap();
    let left = fx.store.maintenance_plans(&g, Some(&tiller.id)).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].plan.id, yearly.id);
    assert_eq!(left[0].due, delbar_core::time::Timestamp::from_civil(2027, 3, 15, 0, 0));
    fx.book(&tiller.id, 31 * 24, 31 * 24 + 4, 1).unwrap();
    assert!(matches!(fx.store.remove_maintenance_plan(&g, &tiller.id, &plan.id), Err(Error::PlanNotFound { .. })));
    assert_clean(&mut fx.store);
}

#[test]
fn the_stewards_numbers_list_gear_due_for_maintenance_until_it_is_maintained() {
    let mut fx = Fixture::new();
    let tiller = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Jordfräs") });
    let saw = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Såg") });
    let g = fx.group.clone();
    fx.store.add_maintenance_plan(&g, &tiller.id, Schedule::EveryDays { days: 30 }, false, "").unwrap();
    let attention = |fx: &Fixture| {
        let now = fx.store.now();
        let stats = fx.store.stats(&g, now.plus_ms(-30 * DAY_MS), now.plus_ms(DAY_MS)).unwrap();
        stats.attention.into_iter().map(|a| (a.name, a.reasons)).collect::<Vec<_>>()
    };
    assert!(attention(&fx).is_empty(), "nothing is due yet");
    fx.clock.advance(31 * DAY_MS);
    assert_eq!(attention(&fx), vec![("Jordfräs".to_owned(), vec![AttentionReason::MaintenanceDue])]);
    // Maintenance logged completes the plan; the saw, with no plan, never shows.
    fx.store.log_maintenance(&g, &tiller.id, "serviced", Condition::Good, None).unwrap();
    assert!(attention(&fx).is_empty(), "maintained");
    assert!(!attention(&fx).iter().any(|(name, _)| name == &saw.name));
    assert_clean(&mut fx.store);
}

#[test]
fn members_cannot_plan_maintenance() {
    let mut fx = Fixture::new();
    let tiller = fx.item("Jordfräs", 1);
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let refused = olle.store.add_maintenance_plan(&g, &tiller.id, Schedule::AfterEachLoan, true, "").unwrap_err();
    assert!(matches!(refused, Error::Domain(DomainError::NotPermitted { .. })), "{refused:?}");
    let bad = fx.store.add_maintenance_plan(&g, &tiller.id, Schedule::EveryDays { days: 0 }, true, "").unwrap_err();
    assert!(matches!(bad, Error::Domain(DomainError::InvalidRule { .. })), "{bad:?}");
    assert!(fx.store.maintenance_plans(&g, None).unwrap().is_empty(), "nothing written");
}

#[test]
fn a_return_reporting_needs_repair_blocks_new_bookings_and_tells_holders_and_stewards() {
    let mut fx = Fixture::new();
    let trailer = fx.item_from(ItemDraft {
        quantity: 1,
        rules: LoanRules { self_service: true, ..open_rules() },
        ..ItemDraft::named("Släpvagn")
    });
    let g = fx.group.clone();
    let mut olle = fx.join("Olle", Role::Member);
    let mut eva = fx.join("Eva", Role::Member);
    let loan = olle.store.book(&g, &request(&trailer.id, at_hours(0), at_hours(4), 1)).unwrap();
    olle.store.act_on_booking(&g, &loan.id, BookingAction::CheckOut).unwrap();
    sync(&mut olle.store, &mut eva.store, &g);
    let next = eva.store.book(&g, &request(&trailer.id, at_hours(48), at_hours(52), 1)).unwrap();
    sync(&mut eva.store, &mut olle.store, &g);
    fx.clock.advance(2 * HOUR_MS);
    // Olle brings it back broken, on his own phone.
    let bad_photo = olle.store.return_booking(
        &g,
        &loan.id,
        &ReturnReport { photo: Some(b"nope".to_vec()), ..report(Condition::NeedsRepair, "") },
    );
    assert!(matches!(bad_photo, Err(Error::Domain(DomainError::PhotoFormatNotAccepted { .. }))), "{bad_photo:?}");
    assert_eq!(olle.store.booking(&g, &loan.id).unwrap().state, BookingState::CheckedOut, "nothing written");
    let mut photo = Vec::new();
    image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]))
        .write_to(&mut std::io::Cursor::new(&mut photo), image::ImageFormat::Png)
        .unwrap();
    let returned = olle
        .store
        .return_booking(
            &g,
            &loan.id,
            &ReturnReport { photo: Some(photo.clone()), ..report(Condition::NeedsRepair, "däcket läcker") },
        )
        .unwrap();
    assert_eq!(returned.state, BookingState::Returned);
    let item = olle.store.item(&g, &trailer.id).unwrap();
    assert_eq!((item.condition, item.current_condition()), (Condition::Good, Condition::NeedsRepair));
    let reported = *item.reported.unwrap();
    assert_eq!((reported.booking.clone(), reported.note.as_str()), (loan.id.clone(), "däcket läcker"));
    let stored = match olle.store.return_photo(&g, &loan.id, PhotoSize::Full).unwrap() {
        PhotoContent::Here(bytes) => bytes,
        PhotoContent::NotHereYet => panic!("the photo taken is here"),
    };
    assert_eq!(image::guess_format(&stored).unwrap(), image::ImageFormat::Jpeg, "stored re-encoded");
    assert_eq!(olle.store.return_photo_hashes(&g, &loan.id).unwrap().0, reported.photo.unwrap());
    let refused = olle.store.book(&g, &request(&trailer.id, at_hours(72), at_hours(76), 1)).unwrap_err();
    assert!(
        matches!(&refused, Error::Domain(DomainError::ItemNotBookable { reason, .. }) if *reason == "it needs repair")
    );
    // Everyone hears after the merge: Eva for her booking (which stands), the stewards.
    exchange_all(&mut [&mut olle.store, &mut eva.store, &mut fx.store], &g);
    assert_eq!(eva.store.booking(&g, &next.id).unwrap().state, BookingState::Confirmed, "needs-repair bumps nothing");
    assert!(kinds(&eva.store, &g, &eva.member).contains(&NotificationKind::NeedsRepair));
    assert!(kinds(&fx.store, &g, &fx.me).contains(&NotificationKind::NeedsRepair));
    assert_eq!(fx.store.condition_reports(&g, &trailer.id).unwrap().len(), 1);
    // The steward mends it: maintenance clears the report.
    fx.clock.advance(HOUR_MS);
    fx.store.log_maintenance(&g, &trailer.id, "nytt däck", Condition::Good, None).unwrap();
    let item = fx.store.item(&g, &trailer.id).unwrap();
    assert_eq!((item.current_condition(), item.reported), (Condition::Good, None));
    assert!(fx.store.condition_reports(&g, &trailer.id).unwrap().is_empty());
    fx.book(&trailer.id, 72, 76, 1).unwrap();
    for s in [&mut fx.store, &mut olle.store, &mut eva.store] {
        assert_clean(s);
    }
}

#[test]
fn a_return_reporting_out_of_service_bumps_upcoming_bookings() {
    let mut fx = Fixture::new();
    let press = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Äppelpress") });
    let g = fx.group.clone();
    let mut eva = fx.join("Eva", Role::Member);
    let loan = fx.book(&press.id, 0, 4, 1).unwrap();
    fx.store.act_on_booking(&g, &loan.id, BookingAction::CheckOut).unwrap();
    sync(&mut fx.store, &mut eva.store, &g);
    let next = eva.store.book(&g, &request(&press.id, at_hours(48), at_hours(52), 1)).unwrap();
    sync(&mut eva.store, &mut fx.store, &g);
    fx.clock.advance(HOUR_MS);
    fx.store.return_booking(&g, &loan.id, &report(Condition::OutOfService, "pressen sprack")).unwrap();
    let bumped = fx.store.booking(&g, &next.id).unwrap();
    assert_eq!(
        (bumped.state, bumped.bump.map(|b| b.reason)),
        (BookingState::Bumped, Some(BumpReason::ItemOutOfService))
    );
    sync(&mut fx.store, &mut eva.store, &g);
    assert!(kinds(&eva.store, &g, &eva.member).contains(&NotificationKind::ItemOutOfService));
    assert_clean(&mut fx.store);
    assert_clean(&mut eva.store);
}

#[test]
fn two_stewards_adding_an_items_first_plans_at_once_both_keep_them() {
    let mut fx = Fixture::new();
    let tiller = fx.item("Jordfräs", 1);
    let mut other = fx.join("Karin", Role::Steward);
    let g = fx.group.clone();
    exchange_all(&mut [&mut fx.store, &mut other.store], &g);
    // Neither device has seen the other's plan: each makes the item's first.
    let spring =
        fx.store.add_maintenance_plan(&g, &tiller.id, Schedule::Yearly { month: 4, day: 1 }, true, "vår").unwrap();
    let loans =
        other.store.add_maintenance_plan(&g, &tiller.id, Schedule::EveryLoans { loans: 10 }, false, "").unwrap();
    exchange_all(&mut [&mut fx.store, &mut other.store], &g);
    for store in [&mut fx.store, &mut other.store] {
        let mut ids: Vec<_> =
            store.maintenance_plans(&g, Some(&tiller.id)).unwrap().into_iter().map(|s| s.plan.id).collect();
        ids.sort();
        let mut want = vec![spring.id.clone(), loans.id.clone()];
        want.sort();
        assert_eq!(ids, want);
        assert_clean(store);
    }
    // A later write of the item (a third plan, on one device) keeps both and reaches the other.
    let third = other.store.add_maintenance_plan(&g, &tiller.id, Schedule::EveryDays { days: 30 }, false, "").unwrap();
    exchange_all(&mut [&mut fx.store, &mut other.store], &g);
    for store in [&fx.store, &other.store] {
        assert_eq!(store.maintenance_plans(&g, Some(&tiller.id)).unwrap().len(), 3);
        assert!(store.maintenance_plans(&g, None).unwrap().iter().any(|s| s.plan.id == third.id));
    }
}

#[test]
fn stewards_are_told_of_overdue_loans() {
    let mut fx = Fixture::new();
    let saw = fx
        .item_from(ItemDraft {
            rules: LoanRules { self_service: true, ..open_rules() }, ..ItemDraft::named("Bågsåg")
        });
    let g = fx.group.clone();
    let mut olle = fx.join("Olle", Role::Member);
    let loan = olle.store.book(&g, &request(&saw.id, at_hours(0), at_hours(2), 1)).unwrap();
    olle.store.act_on_booking(&g, &loan.id, BookingAction::CheckOut).unwrap();
    sync(&mut olle.store, &mut fx.store, &g);
    fx.clock.advance(3 * HOUR_MS);
    let ticked = fx.store.tick().unwrap();
    let told: Vec<_> = ticked.iter().filter(|n| n.kind == NotificationKind::LoanOverdue).collect();
    assert_eq!(told.len(), 1, "{ticked:#?}");
    assert_eq!((&told[0].member, told[0].detail.member_name.as_deref()), (&fx.me, Some("Olle")));
    assert!(ticked.iter().any(|n| n.kind == NotificationKind::Overdue && n.member == olle.member));
    assert!(fx.store.tick().unwrap().is_empty(), "told once");
}

// ---- property test: blocks and the kit rule resolve alike after merges in any order ----

const CASES: u32 = 4;

fn cases() -> u32 {
    std::env::var("DELBAR_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(CASES)
}

#[derive(Debug, Clone)]
enum Op {
    Book { device: usize, item: usize, start_h: i64, len_h: i64 },
    Act { device: usize, booking: usize, action: usize, condition: usize },
    Maintain { device: usize, item: usize },
    Plan { device: usize, item: usize, loans: u32 },
    Qualify { device: usize, member: usize },
    Tick { hours: i64 },
    Send { from: usize, to: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0usize..4, 0usize..3, 0i64..72, 1i64..6)
            .prop_map(|(device, item, start_h, len_h)| Op::Book { device, item, start_h, len_h }),
        5 => (0usize..4, any::<usize>(), any::<usize>(), 0usize..5)
            .prop_map(|(device, booking, action, condition)| Op::Act { device, booking, action, condition }),
        1 => (0usize..4, 0usize..3).prop_map(|(device, item)| Op::Maintain { device, item }),
        1 => (0usize..4, 0usize..3, 1u32..3).prop_map(|(device, item, loans)| Op::Plan { device, item, loans }),
        1 => (0usize..4, 0usize..4).prop_map(|(device, member)| Op::Qualify { device, member }),
        1 => (1i64..4).prop_map(|hours| Op::Tick { hours }),
        3 => (0usize..4, 0usize..4).prop_map(|(from, to)| Op::Send { from, to }),
    ]
}

struct Replicas {
    fx: Fixture,
    stores: Vec<Store>,
    paths: Vec<std::path::PathBuf>,
    members: Vec<delbar_core::ids::MemberId>,
    items: Vec<ItemId>,
    /// Every plan a device reported added.
    plans: Vec<delbar_core::ids::PlanId>,
}

/// Two stewards and two members; a qualification-only chainsaw, a trailer, and a kit of both.
fn replicas() -> Replicas {
    let mut fx = Fixture::new();
    let saw = fx.item_from(ItemDraft {
        rules: LoanRules { requires_qualification: true, self_service: true, ..open_rules() },
        ..ItemDraft::named("Motorsåg")
    });
    let trailer = fx.item_from(ItemDraft {
        quantity: 2,
        rules: LoanRules { self_service: true, ..open_rules() },
        ..ItemDraft::named("Släpvagn")
    });
    let kit = fx.item_from(ItemDraft {
        rules: LoanRules { self_service: true, ..open_rules() },
        kit_parts: BTreeMap::from([(saw.id.clone(), 1), (trailer.id.clone(), 1)]),
        ..ItemDraft::named("Skogspaket")
    });
    let mut peers = Vec::new();
    for (i, role) in [Role::Steward, Role::Member, Role::Member].into_iter().enumerate() {
        peers.push(fx.join(&format!("Medlem {i}"), role));
    }
    let g = fx.group.clone();
    let mut members = vec![fx.me.clone()];
    let mut stores = Vec::new();
    let mut paths = Vec::new();
    for p in peers {
        members.push(p.member);
        stores.push(p.store);
        paths.push(p.path);
    }
    // Every device starts from the full roster.
    {
        let mut all: Vec<&mut Store> = stores.iter_mut().collect();
        all.push(&mut fx.store);
        exchange_all(&mut all, &g);
    }
    Replicas { fx, stores, paths, members, items: vec![saw.id, trailer.id, kit.id], plans: Vec::new() }
}

impl Replicas {
    fn store(&mut self, device: usize) -> &mut Store {
        match device % 4 {
            0 => &mut self.fx.store,
            d => &mut self.stores[d - 1],
        }
    }
}

fn run(r: &mut Replicas, ops: &[Op]) {
    let g = r.fx.group.clone();
    let conditions = [
        None,
        Some(Condition::Good),
        Some(Condition::Worn),
        Some(Condition::NeedsRepair),
        Some(Condition::OutOfService),
    ];
    for op in ops {
        match *op {
            Op::Book { device, item, start_h, len_h } => {
                let ask = request(&r.items[item], at_hours(start_h), at_hours(start_h + len_h), 1);
                let _ = r.store(device).book(&g, &ask);
            }
            Op::Act { device, booking, action, condition } => {
                let s = r.store(device);
                let list = s.bookings(&g, &BookingFilter { limit: 10_000, ..BookingFilter::default() }).unwrap();
                if list.is_empty() {
                    continue;
                }
                let b = &list[booking % list.len()];
                let legal = legal_actions(b.state);
                if legal.is_empty() {
                    continue;
                }
                let action = legal[action % legal.len()];
                let _ = match (action, conditions[condition]) {
                    (BookingAction::Return, Some(c)) => s.return_booking(&g, &b.id, &report(c, "")),
                    _ => s.act_on_booking(&g, &b.id, action),
                };
            }
            Op::Maintain { device, item } => {
                let item = r.items[item].clone();
                let _ = r.store(device).log_maintenance(&g, &item, "översyn", Condition::Good, None);
            }
            Op::Plan { device, item, loans } => {
                let item = r.items[item].clone();
                let schedule = if loans == 1 { Schedule::AfterEachLoan } else { Schedule::EveryLoans { loans } };
                if let Ok(plan) = r.store(device).add_maintenance_plan(&g, &item, schedule, true, "") {
                    r.plans.push(plan.id);
                }
            }
            Op::Qualify { device, member } => {
                let (m, saw) = (r.members[member].clone(), r.items[0].clone());
                let _ = r.store(device).set_qualified(&g, &m, &saw, true);
            }
            Op::Tick { hours } => r.fx.clock.advance(hours * HOUR_MS),
            Op::Send { from, to } => {
                let (from, to) = (from % 4, to % 4);
                if from != to {
                    let export = r.store(from).export_group(&g).unwrap();
                    r.store(to).merge_documents(&g, &export).unwrap();
                }
            }
        }
    }
}

/// No booking that holds units (and is not out) starts at or after the instant a blocking
/// plan of an item it holds fell due.
fn assert_blocks_kept(store: &Store, g: &GroupId, items: &[ItemId]) {
    let mut blocked: BTreeMap<ItemId, i64> = BTreeMap::new();
    for s in store.maintenance_plans(g, None).unwrap() {
        if s.plan.blocks
            && let Some(due) = s.due
        {
            let e = blocked.entry(s.item.clone()).or_insert(due.0);
            *e = (*e).min(due.0);
        }
    }
    let kit = store.item(g, &items[2]).unwrap();
    for b in store.bookings(g, &BookingFilter { limit: 10_000, ..BookingFilter::default() }).unwrap() {
        if !matches!(b.state, BookingState::Requested | BookingState::Confirmed) {
            continue;
        }
        let mut held = vec![b.item.clone()];
        if b.item == kit.id {
            held.extend(kit.kit_parts.keys().cloned());
        }
        for item in held {
            if let Some(from) = blocked.get(&item) {
                assert!(b.start.0 < *from, "booking {} starts after {} fell due for maintenance", b.id, item);
            }
            let it = store.item(g, &item).unwrap();
            assert!(
                it.current_condition() != Condition::OutOfService && !it.retired,
                "booking {} holds {} which is out of service",
                b.id,
                it.name
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn maintenance_blocks_and_the_kit_rule_resolve_alike_in_any_merge_order(
        ops in prop::collection::vec(op(), 1..24),
        order in Just(()).prop_perturb(|_, mut rng| {
            let mut order: Vec<usize> = (0..4).collect();
            for i in (1..4).rev() {
                order.swap(i, (rng.next_u32() as usize) % (i + 1));
            }
            order
        }),
    ) {
        let mut r = replicas();
        run(&mut r, &ops);
        let g = r.fx.group.clone();
        // Everything reaches everyone, in a random order of devices.
        for _ in 0..2 {
            for w in 0..4 {
                let (from, to) = (order[w], order[(w + 1) % 4]);
                let export = r.store(from).export_group(&g).unwrap();
                r.store(to).merge_documents(&g, &export).unwrap();
            }
        }
        let expected = resolved(&r.fx.store, &g);
        let rows = projection_rows(&r.fx.path);
        for i in 0..3 {
            prop_assert_eq!(&resolved(&r.stores[i], &g), &expected);
            prop_assert_eq!(&projection_rows(&r.paths[i]), &rows);
        }
        let items = r.items.clone();
        for d in 0..4 {
            // No plan a device reported added is lost, however the adds were interleaved.
            let listed: Vec<_> = r.store(d).maintenance_plans(&g, None).unwrap().into_iter().map(|s| s.plan.id).collect();
            for plan in &r.plans {
                prop_assert!(listed.contains(plan), "device {} lost plan {}", d, plan);
            }
            assert_blocks_kept(r.store(d), &g, &items);
            assert_clean(r.store(d));
        }
    }
}
