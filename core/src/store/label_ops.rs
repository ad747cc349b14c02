//! Labels and scanning: the labels of items to print, what a scanned label offers the
//! scanning member now, and the steward's walk-up loan. The rules of what a scan offers are
//! pure (`domain::label::scan_actions`); this file gathers the facts they need.

use std::collections::BTreeMap;

use rusqlite::params;

use crate::docs::DocKey;
use crate::domain::label::{
    LabelCode, ScanAction, ScanFacts, ScanNote, ScanText, label_text, scan_actions, walk_up_until,
};
use crate::domain::permissions::require_steward;
use crate::domain::{
    ActivityAction, Booking, BookingAction, BookingEvent, BookingRecord, BookingState, DomainError, Item, NewBooking,
    event,
};
use crate::error::{Error, Result};
use crate::ids::{BookingId, GroupId, ItemId, MemberId};
use crate::label_sheet::{self, Label};
use crate::store::Store;
use crate::store::booking_ops::booking_summary;
use crate::store::queries::{self, BookingFilter};
use crate::time::Timestamp;

/// What a scanned or typed text turned out to be on this device.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant, reason = "one answer per scan; boxing the item would only add noise")]
pub enum ScanOutcome {
    /// The text is neither a Delbar label nor an item code.
    NotALabel,
    /// A Delbar label of a group this device does not hold.
    OtherGroup,
    /// No item of the group (or, for a typed code, of any group here) has this code: it may
    /// have been added on a device this one has not synced with yet.
    UnknownItem {
        /// The group, when the label named one this device holds.
        group: Option<GroupId>,
    },
    /// A typed code that matches items of several groups (or, very rarely, two items of one
    /// group): the app asks which one.
    Ambiguous {
        /// Each matching item with its group.
        matches: Vec<(GroupId, Item)>,
    },
    /// This device holds the group but is no longer a member's device there.
    NotAMember {
        /// The group.
        group: GroupId,
    },
    /// The item, and what the scanning member can do with it now.
    Item {
        /// The item's group.
        group: GroupId,
        /// The item.
        item: Item,
        /// The actions offered, the first the likeliest (see
        /// `domain::label::scan_actions`).
        actions: Vec<ScanAction>,
        /// Why nothing (more) is offered.
        note: Option<ScanNote>,
    },
}

impl Store {
    /// The labels of items of a group, in the order given (with their names, codes and QR
    /// texts). Unknown items are refused; retired items get labels too.
    pub fn labels(&self, group: &GroupId, items: &[ItemId]) -> Result<Vec<Label>> {
        label_sheet::check_count(items.len())?;
        items
            .iter()
            .map(|id| {
                let item = self.item(group, id)?;
                Ok(Label {
                    code: LabelCode::of_item(&item.id),
                    text: label_text(group, &item.id),
                    name: item.name,
                    item: item.id,
                })
            })
            .collect()
    }

    /// A PDF of A4 label sheets for items of a group (24 labels a page).
    pub fn label_sheet_pdf(&self, group: &GroupId, items: &[ItemId]) -> Result<Vec<u8>> {
        let labels = self.labels(group, items)?;
        Ok(label_sheet::pdf(&self.group(group)?.name, &labels)?)
    }

    /// SVG documents of A4 label sheets for items of a group, one per page of 24.
    pub fn label_sheet_svg(&self, group: &GroupId, items: &[ItemId]) -> Result<Vec<String>> {
        let labels = self.labels(group, items)?;
        Ok(label_sheet::svg_pages(&self.group(group)?.name, &labels)?)
    }

    /// Resolves a scanned label's text, or an item code a person typed, to the item and what
    /// this device's member can do with it now (by the device clock). Offline: it reads only
    /// this store. A label names its group, so it resolves in whichever group this device
    /// holds it; a typed code is looked for in `group`, or in every group when `None`.
    /// Text that is no label, and labels of groups this device does not hold, are answers,
    /// not errors.
    pub fn resolve_scan(&self, group: Option<&GroupId>, text: &str) -> Result<ScanOutcome> {
        if let Some(g) = group {
            self.group(g)?;
        }
        let matches = match ScanText::parse(text) {
            ScanText::NotALabel => return Ok(ScanOutcome::NotALabel),
            ScanText::Label { group: group_code, item } => {
                let held: Vec<GroupId> =
                    self.groups()?.into_iter().map(|g| g.id).filter(|g| LabelCode::of_group(g) == group_code).collect();
                if held.is_empty() {
                    return Ok(ScanOutcome::OtherGroup);
                }
                let matches = self.items_with_code(&held, &item)?;
                if matches.is_empty() {
                    return Ok(ScanOutcome::UnknownItem { group: held.into_iter().next() });
                }
                matches
            }
            ScanText::ItemCode(code) => {
                let groups: Vec<GroupId> = match group {
                    Some(g) => vec![g.clone()],
                    None => self.groups()?.into_iter().map(|g| g.id).collect(),
                };
                let matches = self.items_with_code(&groups, &code)?;
                if matches.is_empty() {
                    return Ok(ScanOutcome::UnknownItem { group: group.cloned() });
                }
                matches
            }
        };
        if matches.len() > 1 {
            let mut all = Vec::with_capacity(matches.len());
            for (g, id) in matches {
                let item = self.item(&g, &id)?;
                all.push((g, item));
            }
            return Ok(ScanOutcome::Ambiguous { matches: all });
        }
        let Some((group, item_id)) = matches.into_iter().next() else {
            return Ok(ScanOutcome::UnknownItem { group: group.cloned() });
        };
        let me = match self.me(&group) {
            Ok(me) if me.is_active() => me,
            Ok(_) | Err(Error::NotAMember { .. }) => return Ok(ScanOutcome::NotAMember { group }),
            Err(e) => return Err(e),
        };
        let item = self.item(&group, &item_id)?;
        let now = self.now();
        let filter = BookingFilter {
            item: Some(item.id.clone()),
            states: vec![BookingState::Requested, BookingState::Confirmed, BookingState::CheckedOut],
            limit: 1000,
            ..BookingFilter::default()
        };
        let mut open_bookings = Vec::new();
        for b in queries::bookings(self.conn(), &group, &filter)? {
            let free_until_start = b.start <= now
                || queries::free_units(self.conn(), &group, &item, now, b.start, now, Some(&b.id))? >= b.units;
            open_bookings.push((b, free_until_start));
        }
        let pickup_window_hours = self.group(&group)?.pickup_window_hours;
        let walk_up = (me.role == crate::domain::Role::Steward).then(|| {
            let until = walk_up_until(&item, now);
            let request = walk_up_request(&item.id, 1, now, until, None);
            match self.validate_rules(&group, &item, &me, &request, now) {
                Ok(()) => queries::free_units(self.conn(), &group, &item, now, until, now, None)
                    .map(|free| Ok((free, until)))
                    .map_err(Error::from),
                Err(Error::Domain(e)) => Ok(Err(e)),
                Err(e) => Err(e),
            }
        });
        let walk_up = walk_up.transpose()?;
        let facts =
            ScanFacts { me: &me, item: &item, open_bookings: &open_bookings, pickup_window_hours, now, walk_up };
        let (actions, note) = scan_actions(&facts);
        Ok(ScanOutcome::Item { group, item, actions, note })
    }

    /// Does what a scan offered: checks the booking out, takes the loan back, or makes the
    /// walk-up loan (for `for_member`, else the steward; `units`, default 1; until the end
    /// the scan offered). Every rule is checked again, as the state may have changed since.
    pub fn perform_scan_action(
        &mut self,
        group: &GroupId,
        item: &ItemId,
        action: &ScanAction,
        for_member: Option<&MemberId>,
        units: Option<u32>,
    ) -> Result<Booking> {
        match action {
            ScanAction::CheckOut { booking } => self.act_on_booking(group, &booking.id, BookingAction::CheckOut),
            ScanAction::Return { booking } => self.act_on_booking(group, &booking.id, BookingAction::Return),
            ScanAction::WalkUp { until, .. } => {
                self.walk_up_loan(group, item, units.unwrap_or(1), Some(*until), for_member)
            }
        }
    }

    /// A steward's walk-up loan at the shelf: books `units` of the item from now until
    /// `until` (default: now plus the shorter of a day and the item's longest loan) for
    /// `for_member` (default: the steward) and checks it out, in one write. Every booking
    /// rule applies (free units, loan length, notice, qualification, limits), as for
    /// [`Store::book`].
    pub fn walk_up_loan(
        &mut self,
        group: &GroupId,
        item: &ItemId,
        units: u32,
        until: Option<Timestamp>,
        for_member: Option<&MemberId>,
    ) -> Result<Booking> {
        let checks = self.read_transaction()?;
        let me = self.me(group)?;
        require_steward(me.role, "lend gear at the shelf")?;
        let item = self.item(group, item)?;
        let now = self.now();
        let end = until.unwrap_or_else(|| walk_up_until(&item, now));
        let request = walk_up_request(&item.id, units, now, end, for_member.cloned());
        let borrower = self.borrower_for(group, &me, &request)?;
        self.validate_rules(group, &item, &borrower, &request, now)?;
        let free = queries::free_units(self.conn(), group, &item, now, end, now, None)?;
        if free < units {
            return Err(
                DomainError::Unavailable { item: item.name.clone(), free, requested: units, start: now, end }.into()
            );
        }
        let stamp = BookingEvent::new(now, me.id.clone(), self.device_id().clone());
        let events =
            BTreeMap::from([(event::CONFIRMED.to_owned(), stamp.clone()), (event::CHECKED_OUT.to_owned(), stamp)]);
        let record = BookingRecord {
            id: BookingId::generate_in(now, DocKey::bookings_at(now)),
            item: item.id.clone(),
            member: borrower.id.clone(),
            units,
            start: now,
            end,
            note: String::new(),
            waitlisted: false,
            events,
            created: now,
            created_by: self.device_id().clone(),
            updated: now,
            hlc: self.next_hlc()?,
            queue_rank: None,
        };
        let summary = format!("{} (walk-up)", booking_summary(&item, now, end, units));
        let id = record.id.clone();
        let writes = self.booking_writes(&me, ActivityAction::BookingCheckedOut, record, summary);
        drop(checks);
        self.commit_writes(group, writes)?;
        self.booking(group, &id)
    }

    /// Items of `groups` whose code is `code`, as (group, item id).
    fn items_with_code(&self, groups: &[GroupId], code: &LabelCode) -> Result<Vec<(GroupId, ItemId)>> {
        let mut stmt = self.conn().prepare_cached("SELECT id FROM items WHERE group_id = ?1 ORDER BY id")?;
        let mut out = Vec::new();
        for group in groups {
            let ids =
                stmt.query_map(params![group.as_str()], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            for id in ids {
                let Ok(id) = ItemId::parse(&id) else { continue };
                if LabelCode::of_item(&id) == *code {
                    out.push((group.clone(), id));
                }
            }
        }
        Ok(out)
    }
}

fn walk_up_request(
    item: &ItemId,
    units: u32,
    now: Timestamp,
    end: Timestamp,
    for_member: Option<MemberId>,
) -> NewBooking {
    NewBooking { item: item.clone(), units: i64::from(units), start: now, end, note: String::new(), for_member }
}
