//! Booking operations: request, waitlist, lifecycle actions, extension, availability.

use std::collections::BTreeMap;

use crate::docs::DocKey;
use crate::domain::item::{MAX_TEXT_CHARS, check_len};
use crate::domain::permissions::{may_act_on_booking, may_book_for_other, require_steward};
use crate::domain::photo::ProcessedPhoto;
use crate::domain::{
    ActivityAction, Booking, BookingAction, BookingEvent, BookingRecord, BookingState, DomainError, Item, Member,
    NewBooking, Role, event,
};
use crate::error::{Error, Result};
use crate::ids::{BookingId, GroupId, ItemId};
use crate::store::queries::{self, Availability, BookingFilter, BusyInterval, WaitlistEntry};
use crate::store::{Store, care};
use crate::time::{DAY_MS, HOUR_MS, MINUTE_MS, Timestamp};

/// How far in the past a booking may start (a loan that begins "now" while the request is
/// being typed).
const START_GRACE_MS: i64 = 15 * MINUTE_MS;

/// A readable one-line summary of a booking.
pub(crate) fn booking_summary(item: &Item, start: Timestamp, end: Timestamp, units: u32) -> String {
    format!("{}: {} to {}, {} unit{}", item.name, start, end, units, if units == 1 { "" } else { "s" })
}

/// What a return records, checked: the condition, the trimmed note and the processed photo.
pub(crate) struct ReturnFacts {
    /// The condition it came back in.
    pub condition: crate::domain::Condition,
    /// The note, trimmed (empty for none).
    pub note: String,
    /// The photo taken, decoded, stripped and re-encoded, with its thumbnail.
    pub photo: Option<ProcessedPhoto>,
}

impl Store {
    /// Books units of an item for a window. The booking is confirmed at once unless the
    /// item's rules require a steward's approval (a steward's own bookings are confirmed).
    pub fn book(&mut self, group: &GroupId, request: &NewBooking) -> Result<Booking> {
        self.create_booking(group, request, false)
    }

    /// Joins an item's waitlist for a window that has no free units. When units free up the
    /// first waiting member whose window they cover is offered them (a notification) and can
    /// claim them ([`BookingAction::Claim`]) within the group's pickup window.
    pub fn join_waitlist(&mut self, group: &GroupId, request: &NewBooking) -> Result<Booking> {
        self.create_booking(group, request, true)
    }

    fn create_booking(&mut self, group: &GroupId, request: &NewBooking, waitlist: bool) -> Result<Booking> {
        let checks = self.read_transaction()?;
        let me = self.me(group)?;
        let borrower = self.borrower_for(group, &me, request)?;
        let item = self.item(group, &request.item)?;
        let now = self.now();
        check_len("note", &request.note, MAX_TEXT_CHARS)?;
        self.validate_rules(group, &item, &borrower, request, now)?;
        let units = crate::domain::limits::units(request.units)?;
        let free = queries::free_units(self.conn(), group, &item, request.start, request.end, now, None)?;
        if waitlist && free >= units {
            return Err(DomainError::NoNeedToWait { item: item.name.clone() }.into());
        }
        if !waitlist && free < units {
            return Err(DomainError::Unavailable {
                item: item.name.clone(),
                free,
                requested: units,
                start: request.start,
                end: request.end,
            }
            .into());
        }
        let mut events = BTreeMap::new();
        let needs_approval = item.rules.requires_approval && me.role != Role::Steward;
        if !waitlist && !needs_approval {
            events.insert(event::CONFIRMED.to_owned(), BookingEvent::new(now, me.id.clone(), self.device_id().clone()));
        }
        let record = BookingRecord {
            id: BookingId::generate_in(now, DocKey::bookings_at(request.start)),
            item: item.id.clone(),
            member: borrower.id.clone(),
            units,
            start: request.start,
            end: request.end,
            note: request.note.trim().to_owned(),
            waitlisted: waitlist,
            events,
            created: now,
            created_by: self.device_id().clone(),
            updated: now,
            hlc: self.next_hlc()?,
            queue_rank: None,
        };
        let action = if waitlist { ActivityAction::WaitlistJoined } else { ActivityAction::BookingRequested };
        let summary = booking_summary(&item, record.start, record.end, units);
        let id = record.id.clone();
        let writes = self.booking_writes(&me, action, record, summary);
        drop(checks);
        self.commit_writes(group, writes)?;
        self.booking(group, &id)
    }

    /// The member a request books for: the actor, or (stewards only) another member.
    pub(super) fn borrower_for(&self, group: &GroupId, me: &Member, request: &NewBooking) -> Result<Member> {
        match &request.for_member {
            Some(m) if *m != me.id => {
                may_book_for_other(me.role)?;
                let member = self.member(group, m)?;
                if !member.is_active() {
                    return Err(Error::MemberNotFound { id: m.to_string() });
                }
                Ok(member)
            }
            _ => Ok(me.clone()),
        }
    }

    /// Checks a request against the item's state and loan rules (everything but capacity).
    pub(super) fn validate_rules(
        &self,
        group: &GroupId,
        item: &Item,
        borrower: &Member,
        r: &NewBooking,
        now: Timestamp,
    ) -> Result<()> {
        let units = crate::domain::limits::units(r.units)?;
        if r.end <= r.start {
            return Err(DomainError::BookingEndsBeforeStart { start: r.start, end: r.end }.into());
        }
        check_date_range(r.start)?;
        check_date_range(r.end)?;
        if let Some(reason) = item.not_bookable_reason() {
            return Err(DomainError::ItemNotBookable { item: item.name.clone(), reason }.into());
        }
        if units > item.quantity {
            return Err(DomainError::NotEnoughUnits {
                item: item.name.clone(),
                quantity: item.quantity,
                requested: units,
            }
            .into());
        }
        if r.start.0 < now.0 - START_GRACE_MS {
            return Err(DomainError::StartsInPast { start: r.start }.into());
        }
        let rules = &item.rules;
        if rules.requires_qualification && !borrower.qualifications.contains_key(&item.id) {
            return Err(DomainError::NotQualified { item: item.name.clone() }.into());
        }
        // Every rule that holds for an item holds for it as a part of the kit booked.
        for part in item.kit_parts.keys() {
            let part = self.item(group, part)?;
            if let Some(reason) = part.not_bookable_reason() {
                return Err(DomainError::ItemNotBookable { item: part.name.clone(), reason }.into());
            }
            if part.rules.requires_qualification && !borrower.qualifications.contains_key(&part.id) {
                return Err(DomainError::NotQualified { item: part.name.clone() }.into());
            }
        }
        self.check_care(group, item, r.start)?;
        check_loan_length(item, r.start, r.end)?;
        if let Some(days) = rules.max_advance_days
            && r.start.0 - now.0 > days * DAY_MS
        {
            return Err(DomainError::TooFarAhead { item: item.name.clone(), max_days: days }.into());
        }
        if let Some(hours) = rules.min_notice_hours
            && r.start.0 - now.0 < hours * HOUR_MS
        {
            return Err(DomainError::NoticeTooShort { item: item.name.clone(), min_hours: hours }.into());
        }
        if let Some(max) = rules.max_concurrent_per_member
            && queries::open_bookings_of(self.conn(), group, &item.id, &borrower.id)? >= max
        {
            return Err(DomainError::TooManyBookings { item: item.name.clone(), max }.into());
        }
        Ok(())
    }

    /// Refuses a booking that would start when a blocking maintenance plan of the item (or
    /// of a part of the kit) has fallen due: the rule resolution applies after merges.
    fn check_care(&self, group: &GroupId, item: &Item, start: Timestamp) -> Result<()> {
        let mut ids = vec![item.id.clone()];
        ids.extend(item.kit_parts.keys().cloned());
        for id in ids {
            if let Some(due) = care::blocked_from(self.conn(), group, id.as_str())?
                && start >= due
            {
                let name = if id == item.id { item.name.clone() } else { self.item(group, &id)?.name };
                return Err(DomainError::MaintenanceDue { item: name, due }.into());
            }
        }
        Ok(())
    }

    /// Moves a booking along its lifecycle (confirm, decline, cancel, check out, return,
    /// claim a waitlist offer).
    pub fn act_on_booking(&mut self, group: &GroupId, id: &BookingId, action: BookingAction) -> Result<Booking> {
        self.act_on_booking_with(group, id, action, None)
    }

    /// [`Store::act_on_booking`], with what was reported at a return recorded on the
    /// `returned` event.
    pub(crate) fn act_on_booking_with(
        &mut self,
        group: &GroupId,
        id: &BookingId,
        action: BookingAction,
        report: Option<&ReturnFacts>,
    ) -> Result<Booking> {
        let checks = self.read_transaction()?;
        let me = self.me(group)?;
        let (booking, mut record) =
            queries::booking(self.conn(), group, id)?.ok_or_else(|| Error::BookingNotFound { id: id.to_string() })?;
        let item = self.item(group, &booking.item)?;
        let is_borrower = booking.member == me.id;
        may_act_on_booking(me.role, is_borrower, action, &item.rules)?;
        if action == BookingAction::CheckOut {
            if let Some(reason) = item.not_bookable_reason() {
                return Err(DomainError::ItemNotBookable { item: item.name.clone(), reason }.into());
            }
            for part in item.kit_parts.keys() {
                let part = self.item(group, part)?;
                if let Some(reason) = part.not_bookable_reason() {
                    return Err(DomainError::ItemNotBookable { item: part.name.clone(), reason }.into());
                }
            }
        }
        action.next_state(booking.state)?;
        let now = self.now();
        match action {
            BookingAction::Confirm => {
                let free = queries::free_units(self.conn(), group, &item, record.start, record.end, now, Some(id))?;
                if free < record.units {
                    return Err(DomainError::Unavailable {
                        item: item.name.clone(),
                        free,
                        requested: record.units,
                        start: record.start,
                        end: record.end,
                    }
                    .into());
                }
            }
            BookingAction::Claim => {
                let offered = queries::waitlist(self.conn(), group, &item.id, now)?
                    .into_iter()
                    .any(|e| e.booking.id == *id && e.offer.is_some());
                if !offered {
                    return Err(
                        DomainError::NoOffer { reason: "no units are offered to this booking right now" }.into()
                    );
                }
                self.check_care(group, &item, record.start)?;
            }
            _ => {}
        }
        let mut stamp = BookingEvent::new(now, me.id.clone(), self.device_id().clone());
        if action == BookingAction::Return
            && let Some(report) = report
        {
            stamp.condition = Some(report.condition);
            stamp.note = Some(report.note.clone()).filter(|n| !n.is_empty());
            if let Some(photo) = &report.photo {
                let reference = photo.reference();
                stamp.photo = Some(reference.hash);
                stamp.thumbnail = Some(reference.thumbnail);
            }
        }
        record.events.insert(BookingRecord::event_of(action).to_owned(), stamp.clone());
        if action == BookingAction::Claim && !(item.rules.requires_approval && me.role != Role::Steward) {
            record.events.insert(event::CONFIRMED.to_owned(), stamp);
        }
        record.updated = now;
        let activity_action = match action {
            BookingAction::Confirm => ActivityAction::BookingConfirmed,
            BookingAction::Decline => ActivityAction::BookingDeclined,
            BookingAction::Cancel => ActivityAction::BookingCancelled,
            BookingAction::CheckOut => ActivityAction::BookingCheckedOut,
            BookingAction::Return => ActivityAction::BookingReturned,
            BookingAction::Claim => ActivityAction::WaitlistClaimed,
        };
        let summary = booking_summary(&item, record.start, record.end, record.units);
        let writes = self.booking_writes(&me, activity_action, record, summary);
        drop(checks);
        if let Some(photo) = report.and_then(|r| r.photo.as_ref()) {
            // The blobs first, once every check has passed: the return never names bytes this
            // device could not keep. If the write below fails, they are unreferenced and the
            // next collection removes them.
            let blobs = self.photo_blobs()?;
            blobs.put(&photo.photo)?;
            blobs.put(&photo.thumbnail)?;
        }
        self.commit_writes(group, writes)?;
        self.booking(group, id)
    }

    /// Extends (or shortens) a loan to a new end, if the item's rules allow the length and
    /// the units are free for the added time. The borrower or a steward may do it.
    pub fn extend_booking(&mut self, group: &GroupId, id: &BookingId, new_end: Timestamp) -> Result<Booking> {
        let checks = self.read_transaction()?;
        let me = self.me(group)?;
        let (booking, mut record) =
            queries::booking(self.conn(), group, id)?.ok_or_else(|| Error::BookingNotFound { id: id.to_string() })?;
        if booking.member != me.id {
            require_steward(me.role, "extend another member's booking")?;
        }
        if !matches!(booking.state, BookingState::Requested | BookingState::Confirmed | BookingState::CheckedOut) {
            return Err(DomainError::CannotExtend { state: booking.state }.into());
        }
        if new_end <= record.start {
            return Err(DomainError::BookingEndsBeforeStart { start: record.start, end: new_end }.into());
        }
        check_date_range(new_end)?;
        let item = self.item(group, &booking.item)?;
        check_loan_length(&item, record.start, new_end)?;
        let now = self.now();
        if new_end > record.end {
            let free = queries::free_units(self.conn(), group, &item, record.end, new_end, now, Some(id))?;
            if free < record.units {
                return Err(DomainError::Unavailable {
                    item: item.name.clone(),
                    free,
                    requested: record.units,
                    start: record.end,
                    end: new_end,
                }
                .into());
            }
        }
        record.end = new_end;
        record.updated = now;
        let summary = booking_summary(&item, record.start, record.end, record.units);
        let writes = self.booking_writes(&me, ActivityAction::BookingExtended, record, summary);
        drop(checks);
        self.commit_writes(group, writes)?;
        self.booking(group, id)
    }

    /// Moves a waiting booking to `position` (from 1) in its item's queue (stewards).
    /// The place must be 1 to the number of bookings waiting for the item.
    pub fn move_in_waitlist(&mut self, group: &GroupId, id: &BookingId, position: i64) -> Result<Vec<WaitlistEntry>> {
        let me = self.me(group)?;
        require_steward(me.role, "reorder a waitlist")?;
        let (booking, mut record) =
            queries::booking(self.conn(), group, id)?.ok_or_else(|| Error::BookingNotFound { id: id.to_string() })?;
        if booking.state != BookingState::Waitlisted {
            return Err(DomainError::NoOffer { reason: "only waitlisted bookings have a place in the queue" }.into());
        }
        let now = self.now();
        let others: Vec<f64> = queries::waitlist(self.conn(), group, &booking.item, now)?
            .into_iter()
            .filter(|e| e.booking.id != *id)
            .map(|e| e.booking.queue_rank.unwrap_or_else(|| hlc_rank(&e.booking.hlc)))
            .collect();
        let index = crate::domain::limits::place(position, others.len() + 1)?;
        let rank = match (index.checked_sub(1).and_then(|i| others.get(i)), others.get(index)) {
            (None, None) => now.0 as f64,
            (None, Some(next)) => next - 1000.0,
            (Some(prev), None) => prev + 1000.0,
            (Some(prev), Some(next)) => (prev + next) / 2.0,
        };
        record.queue_rank = Some(rank);
        record.updated = now;
        let item = self.item(group, &booking.item)?;
        let summary = format!("{}: waitlist place {}", item.name, index + 1);
        let writes = self.booking_writes(&me, ActivityAction::WaitlistReordered, record, summary);
        self.commit_writes(group, writes)?;
        self.waitlist(group, &booking.item)
    }

    /// An item's waitlist in queue order, with the offer standing now.
    pub fn waitlist(&self, group: &GroupId, item: &ItemId) -> Result<Vec<WaitlistEntry>> {
        self.reads().waitlist(group, item)
    }

    /// One booking.
    pub fn booking(&self, group: &GroupId, id: &BookingId) -> Result<Booking> {
        self.reads().booking(group, id)
    }

    /// Bookings matching a filter, by start.
    pub fn bookings(&self, group: &GroupId, filter: &BookingFilter) -> Result<Vec<Booking>> {
        self.reads().bookings(group, filter)
    }

    /// Checked-out bookings past their end (by the device clock), by end.
    pub fn overdue(&self, group: &GroupId) -> Result<Vec<Booking>> {
        self.reads().overdue(group)
    }

    /// Free units of an item over a window and the busy spans inside it. Answered from the
    /// holds index near the window, whatever the group's history.
    pub fn availability(
        &self,
        group: &GroupId,
        item: &ItemId,
        start: Timestamp,
        end: Timestamp,
    ) -> Result<Availability> {
        self.reads().availability(group, item, start, end)
    }

    /// An item's calendar: busy spans with the units taken, over a range.
    pub fn calendar(
        &self,
        group: &GroupId,
        item: &ItemId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyInterval>> {
        self.reads().calendar(group, item, from, to)
    }

    /// The first window of `length_ms` from `from` on with `units` free, within a year.
    pub fn next_free_window(
        &self,
        group: &GroupId,
        item: &ItemId,
        from: Timestamp,
        length_ms: i64,
        units: u32,
    ) -> Result<Option<(Timestamp, Timestamp)>> {
        self.reads().next_free_window(group, item, from, length_ms, units)
    }

    /// Items (of a category, or all) with at least `units` free over a window, with their
    /// free units, by name.
    pub fn free_items(
        &self,
        group: &GroupId,
        category: Option<&str>,
        start: Timestamp,
        end: Timestamp,
        units: u32,
    ) -> Result<Vec<(Item, u32)>> {
        self.reads().free_items(group, category, start, end, units)
    }
}

/// A waiting booking's default queue rank: the wall time of its request's hybrid logical
/// clock (so a phone whose clock is behind cannot jump the queue).
fn hlc_rank(hlc: &str) -> f64 {
    crate::domain::hlc::Hlc::parse(hlc).map(|h| h.wall as f64).unwrap_or(0.0)
}

/// Instants a booking may use: from 1970 to the end of 9999 (documents are named by year).
fn check_date_range(t: Timestamp) -> Result<(), DomainError> {
    let last = Timestamp::month_start(10_000, 1);
    if t.0 < 0 || t >= last {
        return Err(DomainError::DateOutOfRange { given: t.0 });
    }
    Ok(())
}

fn check_loan_length(item: &Item, start: Timestamp, end: Timestamp) -> Result<(), DomainError> {
    if let Some(max) = item.rules.max_loan_hours {
        let asked = end.0 - start.0;
        if asked > max * HOUR_MS {
            let asked_hours = (asked + HOUR_MS - 1) / HOUR_MS;
            return Err(DomainError::LoanTooLong { item: item.name.clone(), max_hours: max, asked_hours });
        }
    }
    Ok(())
}
