//! Store smoke tests on a real SQLite file; the full suite lives in the workspace `tests/`.

use std::sync::Arc;

use crate::domain::{BookingAction, BookingState, ItemDraft, NewBooking};
use crate::store::{ActivityFilter, ItemFilter, Store};
use crate::time::{Clock, HOUR_MS, ManualClock, Timestamp};

fn clock() -> ManualClock {
    ManualClock::new(Timestamp::from_civil(2026, 11, 22, 12, 0).unwrap_or(Timestamp(0)))
}

#[test]
fn create_book_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let c = clock();
    let (group, item, booking) = {
        let mut s = Store::open_with_clock(&path, Arc::new(c.clone())).unwrap();
        let g = s.create_group("Odlingsakademin Östersund", "", "Karin").unwrap();
        let mut draft = ItemDraft::named("Jordfräs Honda");
        draft.quantity = 1;
        draft.tags = vec!["Trädgård".into()];
        let item = s.add_item(&g.id, draft).unwrap();
        let start = c.now().plus_ms(24 * HOUR_MS);
        let b = s
            .book(
                &g.id,
                &NewBooking {
                    item: item.id.clone(),
                    units: 1,
                    start,
                    end: start.plus_ms(8 * HOUR_MS),
                    note: String::new(),
                    for_member: None,
                },
            )
            .unwrap();
        assert_eq!(b.state, BookingState::Confirmed);
        let again = s.book(
            &g.id,
            &NewBooking {
                item: item.id.clone(),
                units: 1,
                start,
                end: start.plus_ms(HOUR_MS),
                note: String::new(),
                for_member: None,
            },
        );
        assert!(again.is_err());
        (g.id, item.id, b.id)
    };
    let mut s = Store::open_with_clock(&path, Arc::new(c.clone())).unwrap();
    assert_eq!(s.search_items(&group, "jordf", 10).unwrap().len(), 1);
    assert_eq!(s.items(&group, &ItemFilter { tag: Some("trädgård".into()), ..Default::default() }).unwrap().len(), 1);
    let b = s.act_on_booking(&group, &booking, BookingAction::CheckOut).unwrap();
    assert_eq!(b.state, BookingState::CheckedOut);
    let page = s.activity(&group, &ActivityFilter { item: Some(item.clone()), member: None }, None, 2).unwrap();
    assert_eq!(page.entries.len(), 2);
    assert!(page.next.is_some());
    let report = s.check(None).unwrap();
    assert!(report.is_clean(), "{:?}", report.differences);
}
