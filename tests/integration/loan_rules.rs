//! Loan rules kept at booking time, offline: qualifications, buffers (also when a merge
//! brings loans together), and extensions that fit or do not.

use delbar_core::Error;
use delbar_core::domain::{BookingAction, BookingState, BumpReason, DomainError, ItemDraft, LoanRules, Role};
use delbar_core::time::MINUTE_MS;
use delbar_tests::{Fixture, at_hours, exchange_all, open_rules, request, resolved, sync};

#[test]
fn a_qualified_item_is_refused_until_a_steward_qualifies_the_member() {
    let mut fx = Fixture::new();
    let rules = LoanRules { requires_qualification: true, ..open_rules() };
    let lathe = fx.item_from(ItemDraft { rules, ..ItemDraft::named("Svarv") });
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let ask = request(&lathe.id, at_hours(24), at_hours(28), 1);
    let before = delbar_tests::fingerprint(&olle.path);
    let e = olle.store.book(&g, &ask).unwrap_err();
    assert!(matches!(&e, Error::Domain(DomainError::NotQualified { item }) if item == "Svarv"), "{e:?}");
    let e = olle.store.join_waitlist(&g, &ask).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::NotQualified { .. })), "{e:?}");
    assert_eq!(delbar_tests::fingerprint(&olle.path), before);
    // Stewards need the qualification too, also when booking for someone; members cannot
    // give it.
    let e = fx.store.book(&g, &ask).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::NotQualified { .. })), "{e:?}");
    let e = olle.store.set_qualified(&g, &olle.member, &lathe.id, true).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::NotPermitted { .. })), "{e:?}");
    let m = fx.store.set_qualified(&g, &olle.member, &lathe.id, true).unwrap();
    assert!(m.qualifications.contains_key(&lathe.id));
    sync(&mut fx.store, &mut olle.store, &g);
    let b = olle.store.book(&g, &ask).unwrap();
    assert_eq!(b.state, BookingState::Confirmed);
    fx.store.set_qualified(&g, &olle.member, &lathe.id, false).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    let e = olle.store.book(&g, &request(&lathe.id, at_hours(48), at_hours(50), 1)).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::NotQualified { .. })), "{e:?}");
    delbar_tests::assert_clean(&mut olle.store);
}

#[test]
fn offline_loans_closer_than_the_buffer_conflict_after_a_merge() {
    let mut fx = Fixture::new();
    let rules = LoanRules { buffer_minutes: 60, ..open_rules() };
    let trailer = fx.item_from(ItemDraft { rules, ..ItemDraft::named("Släpvagn") });
    let mut olle = fx.join("Olle", Role::Member);
    let g = fx.group.clone();
    let m = |min: i64| at_hours(24).plus_ms(min * MINUTE_MS);
    // Apart: 0..120 here, 150..200 there (30 min gap, the buffer is 60); 300..360 and
    // 420..480 are exactly the buffer apart.
    let a = fx.store.book(&g, &request(&trailer.id, m(0), m(120), 1)).unwrap();
    let b = olle.store.book(&g, &request(&trailer.id, m(150), m(200), 1)).unwrap();
    let c = fx.store.book(&g, &request(&trailer.id, m(300), m(360), 1)).unwrap();
    let d = olle.store.book(&g, &request(&trailer.id, m(420), m(480), 1)).unwrap();
    exchange_all(&mut [&mut fx.store, &mut olle.store], &g);
    let r = resolved(&fx.store, &g);
    assert_eq!(resolved(&olle.store, &g), r);
    let bumped: Vec<_> = [&a.id, &b.id].into_iter().filter(|id| r[*id].0 == BookingState::Bumped).collect();
    assert_eq!(bumped.len(), 1, "{r:#?}");
    assert_eq!(r[bumped[0]].1.as_ref().map(|b| b.reason), Some(BumpReason::Overbooked));
    assert_eq!(r[&c.id], (BookingState::Confirmed, None));
    assert_eq!(r[&d.id], (BookingState::Confirmed, None));
}

#[test]
fn an_extension_must_fit() {
    let mut fx = Fixture::new();
    let rules = LoanRules { max_loan_hours: Some(24), buffer_minutes: 30, ..open_rules() };
    let saw = fx.item_from(ItemDraft { rules, ..ItemDraft::named("Motorsåg") });
    let mut olle = fx.join("Olle", Role::Member);
    let eva = fx.join("Eva", Role::Member);
    let g = fx.group.clone();
    let mine = olle.store.book(&g, &request(&saw.id, at_hours(24), at_hours(30), 1)).unwrap();
    let mut next = request(&saw.id, at_hours(36), at_hours(40), 1);
    next.for_member = Some(eva.member.clone());
    fx.store.book(&g, &next).unwrap();
    sync(&mut fx.store, &mut olle.store, &g);
    // Fits: up to the buffer before the next loan.
    let b = olle.store.extend_booking(&g, &mine.id, at_hours(35).plus_ms(30 * MINUTE_MS)).unwrap();
    assert_eq!((b.end, b.state), (at_hours(35).plus_ms(30 * MINUTE_MS), BookingState::Confirmed));
    let before = delbar_tests::fingerprint(&olle.path);
    let e = olle.store.extend_booking(&g, &mine.id, at_hours(36)).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::Unavailable { free: 0, .. })), "{e:?}");
    let e = olle.store.extend_booking(&g, &mine.id, at_hours(24 + 25)).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::LoanTooLong { max_hours: 24, .. })), "{e:?}");
    let e = olle.store.extend_booking(&g, &mine.id, at_hours(24)).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::BookingEndsBeforeStart { .. })), "{e:?}");
    assert_eq!(delbar_tests::fingerprint(&olle.path), before);
    // Another member may not; a steward may, also while the gear is out; a closed booking
    // cannot be extended.
    let mut eva = eva;
    sync(&mut olle.store, &mut eva.store, &g);
    let e = eva.store.extend_booking(&g, &mine.id, at_hours(31)).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::NotPermitted { .. })), "{e:?}");
    sync(&mut olle.store, &mut fx.store, &g);
    fx.store.act_on_booking(&g, &mine.id, BookingAction::CheckOut).unwrap();
    let b = fx.store.extend_booking(&g, &mine.id, at_hours(33)).unwrap();
    assert_eq!((b.end, b.state), (at_hours(33), BookingState::CheckedOut));
    fx.store.act_on_booking(&g, &mine.id, BookingAction::Return).unwrap();
    let e = fx.store.extend_booking(&g, &mine.id, at_hours(34)).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::CannotExtend { state: BookingState::Returned })), "{e:?}");
    fx.assert_clean();
}

#[test]
fn extending_a_closed_booking_says_it_cannot_be_extended() {
    let mut fx = Fixture::new();
    let saw = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Motorsåg") });
    let g = fx.group.clone();
    let b = fx.book(&saw.id, 24, 30, 1).unwrap();
    fx.store.act_on_booking(&g, &b.id, BookingAction::Cancel).unwrap();
    let before = fx.fingerprint();
    let e = fx.store.extend_booking(&g, &b.id, at_hours(32)).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::CannotExtend { state: BookingState::Cancelled })), "{e:?}");
    let text = e.to_string();
    assert!(!text.contains("confirm") && text.contains("extend"), "{text}");
    assert_eq!(fx.fingerprint(), before);
    // A waiting booking holds nothing to extend either.
    fx.book(&saw.id, 40, 44, 1).unwrap();
    let waiting = fx.store.join_waitlist(&g, &request(&saw.id, at_hours(40), at_hours(44), 1)).unwrap();
    let e = fx.store.extend_booking(&g, &waiting.id, at_hours(46)).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::CannotExtend { state: BookingState::Waitlisted })), "{e:?}");
}
