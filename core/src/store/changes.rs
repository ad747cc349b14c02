//! Change events: what each committed write and each merge changed, by id, for screens
//! that show the store and need to know when to read it again.
//!
//! The store publishes one [`ChangeEvent`] per committed transaction into its change
//! [`Feed`] (see [`Store::changes`]): after a local write, and after each document a merge
//! applied (sync session, bundle, pipe, a journalled write replayed at open). The ids come
//! from what the projection update itself touched (the entities written or found in the
//! document's diff, plus those re-projected because the roster changed) and from the
//! bookings whose resolved state changed (a booking bumped by another's arrival). Consecutive
//! events of one group and origin that nobody has been handed yet are folded into one, so a
//! merge of many documents reaches a subscriber as one event.
//!
//! It costs nothing while nobody subscribes: the store builds an event only when the feed
//! has a subscriber. Events are only queued while the store works; whoever owns the store
//! calls [`Feed::flush`] once it released it (the bindings do after every call and after
//! each sync event), so a subscriber may read the store from its callback.
//!
//! An event says what may have changed, never less: a member's change of standing
//! re-projects the whole catalogue, and all of its items are then listed.

use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeSet;

use crate::docs::EntityRef;
use crate::feed::Feed;
use crate::ids::{BookingId, GroupId, ItemId, MemberId};
use crate::store::{Store, StoreError};

/// Where the changes of a [`ChangeEvent`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeOrigin {
    /// A write made on this device.
    Local,
    /// Changes merged from another device (a sync session, a bundle, a pipe).
    Merged,
}

/// What one committed write or merge changed in one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEvent {
    /// The group.
    pub group: GroupId,
    /// Where the changes came from.
    pub origin: ChangeOrigin,
    /// The group's own record changed (name, description, rules, sync settings).
    pub group_changed: bool,
    /// Members added or changed (name, role, devices, removal, qualifications).
    pub members: BTreeSet<MemberId>,
    /// Items added or changed (details, condition, retirement, photos, maintenance).
    pub items: BTreeSet<ItemId>,
    /// Bookings added or changed, including those whose resolved state changed because of
    /// another booking (bumped, promoted from a waitlist).
    pub bookings: BTreeSet<BookingId>,
    /// The items of those bookings: their availability may have changed.
    pub booked_items: BTreeSet<ItemId>,
    /// Activity entries were added.
    pub activity: bool,
}

impl ChangeEvent {
    /// An event that lists nothing yet.
    pub fn new(group: GroupId, origin: ChangeOrigin) -> Self {
        ChangeEvent {
            group,
            origin,
            group_changed: false,
            members: BTreeSet::new(),
            items: BTreeSet::new(),
            bookings: BTreeSet::new(),
            booked_items: BTreeSet::new(),
            activity: false,
        }
    }

    /// Whether it lists nothing.
    pub fn is_empty(&self) -> bool {
        !self.group_changed
            && !self.activity
            && self.members.is_empty()
            && self.items.is_empty()
            && self.bookings.is_empty()
            && self.booked_items.is_empty()
    }

    /// Folds `other` into this event when both are about the same group from the same
    /// origin (returns `None`); otherwise hands it back.
    pub fn merge(&mut self, other: ChangeEvent) -> Option<ChangeEvent> {
        if self.group != other.group || self.origin != other.origin {
            return Some(other);
        }
        self.group_changed |= other.group_changed;
        self.activity |= other.activity;
        self.members.extend(other.members);
        self.items.extend(other.items);
        self.bookings.extend(other.bookings);
        self.booked_items.extend(other.booked_items);
        None
    }

    /// Adds what a projection update touched: the entities projected (`refs`) and the
    /// bookings whose resolved state changed (`resolved`), with the items of every booking
    /// as the projection now stands. Runs inside the write's transaction.
    pub(crate) fn add_touched<'a>(
        &mut self,
        conn: &Connection,
        refs: &BTreeSet<EntityRef>,
        resolved: impl IntoIterator<Item = &'a BookingId>,
    ) -> Result<(), StoreError> {
        let mut bookings: BTreeSet<&BookingId> = resolved.into_iter().collect();
        for r in refs {
            match r {
                EntityRef::Group => self.group_changed = true,
                EntityRef::Member(id) => {
                    self.members.insert(id.clone());
                }
                EntityRef::Item(id) => {
                    self.items.insert(id.clone());
                }
                EntityRef::Booking(id) => {
                    bookings.insert(id);
                }
                EntityRef::Activity(_) => self.activity = true,
            }
        }
        let mut item_of = conn.prepare_cached("SELECT item_id FROM bookings WHERE group_id = ?1 AND id = ?2")?;
        for booking in bookings {
            let item: Option<String> =
                item_of.query_row([self.group.as_str(), booking.as_str()], |r| r.get(0)).optional()?;
            if let Some(item) = item.and_then(|i| ItemId::parse(&i).ok()) {
                self.booked_items.insert(item);
            }
            self.bookings.insert(booking.clone());
        }
        Ok(())
    }
}

impl Store {
    /// The store's change events: subscribe to hear what each write and merge changed (see
    /// the module's documentation). The owner of the store delivers them with
    /// [`Feed::flush`] after releasing it; [`Feed::close`] ends every subscription.
    pub fn changes(&self) -> Feed<ChangeEvent> {
        self.changes.clone()
    }

    /// An empty event to fill while a write or merge of `group` runs, when anyone listens.
    pub(crate) fn change_event(&self, group: &GroupId, origin: ChangeOrigin) -> Option<ChangeEvent> {
        self.changes.is_watched().then(|| ChangeEvent::new(group.clone(), origin))
    }

    /// Queues a committed write's or merge's event for the subscribers.
    pub(crate) fn publish_change(&self, event: Option<ChangeEvent>) {
        if let Some(event) = event.filter(|e| !e.is_empty()) {
            self.changes.publish_merging(event, ChangeEvent::merge);
        }
    }
}
