//! Stores on files in a temporary directory, sharing one manual clock.

use std::path::PathBuf;
use std::sync::Arc;

use delbar_core::domain::{ItemDraft, NewBooking, Role};
use delbar_core::ids::{GroupId, ItemId, MemberId};
use delbar_core::store::BookingFilter;
use delbar_core::sync::Summary;
use delbar_core::time::{Clock, HOUR_MS, ManualClock, Timestamp};
use delbar_core::{Store, domain::Booking};
use tempfile::TempDir;

/// A temporary directory of device stores and the clock they share.
pub struct Lab {
    pub dir: TempDir,
    pub clock: ManualClock,
    devices: u32,
}

impl Lab {
    pub fn new() -> Self {
        Lab {
            dir: tempfile::tempdir().unwrap(),
            clock: ManualClock::new(Timestamp::from_civil(2026, 11, 22, 12, 0).unwrap()),
            devices: 0,
        }
    }

    /// A new device with an empty store.
    pub fn device(&mut self) -> Store {
        self.devices += 1;
        Store::open_with_clock(self.path(self.devices), Arc::new(self.clock.clone())).unwrap()
    }

    fn path(&self, n: u32) -> PathBuf {
        self.dir.path().join(format!("device-{n}.db"))
    }

    /// A device with a new group (its owner is the first steward) holding one item.
    pub fn steward(&mut self) -> (Store, GroupId, ItemId) {
        let mut s = self.device();
        let g = s.create_group("Folkverkstan", "", "Karin").unwrap();
        let mut draft = ItemDraft::named("Bandsåg");
        draft.quantity = 1;
        let item = s.add_item(&g.id, draft).unwrap();
        (s, g.id, item.id)
    }

    /// The instant `h` hours after the lab's start.
    pub fn at(&self, h: i64) -> Timestamp {
        self.clock.now().plus_ms(h * HOUR_MS)
    }
}

/// Adds `device`'s store as a new member's device in `group` (on the steward's store only).
pub fn add_member(steward: &mut Store, group: &GroupId, device: &Store, name: &str, role: Role) -> MemberId {
    steward.add_member(group, name, role, Some((device.device_id().clone(), "phone"))).unwrap().id
}

/// Books `item` for two hours starting `h` hours after `lab`'s start.
pub fn book(lab: &Lab, store: &mut Store, group: &GroupId, item: &ItemId, h: i64) -> Booking {
    let start = lab.at(h);
    let request = NewBooking {
        item: item.clone(),
        units: 1,
        start,
        end: start.plus_ms(2 * HOUR_MS),
        note: String::new(),
        for_member: None,
    };
    store.book(group, &request).unwrap()
}

/// Every booking of the group, as the store projects them.
pub fn bookings(store: &Store, group: &GroupId) -> Vec<Booking> {
    store.bookings(group, &BookingFilter { limit: 1000, ..BookingFilter::default() }).unwrap()
}

/// Asserts two stores hold the same documents and answer the same, and both projections
/// equal their rebuilds.
pub fn assert_converged(a: &mut Store, b: &mut Store, group: &GroupId) {
    assert_eq!(Summary::of(a, group).unwrap(), Summary::of(b, group).unwrap(), "documents differ");
    assert_eq!(a.members(group).unwrap(), b.members(group).unwrap());
    assert_eq!(bookings(a, group), bookings(b, group));
    for s in [a, b] {
        let report = s.check(None).unwrap();
        assert!(report.is_clean(), "{:?}", report.differences);
    }
}
