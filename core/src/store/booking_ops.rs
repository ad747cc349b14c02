//! Booking operations: request, lifecycle actions, availability.

use crate::docs::{DocKey, Entity};
use crate::domain::item::{MAX_TEXT_CHARS, check_len};
use crate::domain::permissions::{may_act_on_booking, may_book_for_other};
use crate::domain::{ActivityAction, Booking, BookingAction, BookingState, DomainError, Item, NewBooking, Role};
use crate::error::{Error, Result};
use crate::ids::{BookingId, GroupId, ItemId};
use crate::store::Store;
use crate::store::queries::{self, Availability, BookingFilter};
use crate::time::{DAY_MS, HOUR_MS, MINUTE_MS, Timestamp};

/// How far in the past a booking may start (a loan that begins "now" while the request is
/// being typed).
const START_GRACE_MS: i64 = 15 * MINUTE_MS;

/// A readable one-line summary of a booking.
pub(crate) fn booking_summary(item: &Item, b: &Booking) -> String {
    format!("{}: {} to {}, {} unit{}", item.name, b.start, b.end, b.units, if b.units == 1 { "" } else { "s" })
}

impl Store {
    /// Books units of an item for a window. The booking is confirmed at once unless the
    /// item's rules require a steward's approval (a steward's own bookings are confirmed).
    pub fn book(&mut self, group: &GroupId, request: &NewBooking) -> Result<Booking> {
        let me = self.me(group)?;
        let borrower = match &request.for_member {
            Some(m) if *m != me.id => {
                may_book_for_other(me.role)?;
                let member = self.member(group, m)?;
                if !member.is_active() {
                    return Err(Error::MemberNotFound { id: m.to_string() });
                }
                member
            }
            _ => me.clone(),
        };
        let item = self.item(group, &request.item)?;
        let now = self.now();
        check_len("note", &request.note, MAX_TEXT_CHARS)?;
        self.validate_booking(group, &item, &borrower.id, request, now)?;
        let units = request.units as u32;
        let state = if item.rules.requires_approval && me.role != Role::Steward {
            BookingState::Requested
        } else {
            BookingState::Confirmed
        };
        let booking = Booking {
            id: BookingId::generate(),
            item: item.id.clone(),
            member: borrower.id.clone(),
            units,
            start: request.start,
            end: request.end,
            note: request.note.trim().to_owned(),
            state,
            created: now,
            created_by: self.device_id().clone(),
            updated: now,
        };
        let activity = self.activity_entry(
            &me,
            ActivityAction::BookingRequested,
            Some(&item.id),
            Some(&booking.id),
            Some(&borrower.id),
            booking_summary(&item, &booking),
        );
        self.commit_writes(
            group,
            vec![(DocKey::bookings_at(booking.start), Entity::Booking(booking.clone())), activity],
        )?;
        Ok(booking)
    }

    /// Checks a booking request against the item's state and loan rules and the calendar.
    fn validate_booking(
        &self,
        group: &GroupId,
        item: &Item,
        member: &crate::ids::MemberId,
        r: &NewBooking,
        now: Timestamp,
    ) -> Result<(), Error> {
        if r.units < 1 {
            return Err(DomainError::InvalidUnits { given: r.units }.into());
        }
        if r.end <= r.start {
            return Err(DomainError::BookingEndsBeforeStart { start: r.start, end: r.end }.into());
        }
        if let Some(reason) = item.not_bookable_reason() {
            return Err(DomainError::ItemNotBookable { item: item.name.clone(), reason }.into());
        }
        let units = u32::try_from(r.units).unwrap_or(u32::MAX);
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
        if let Some(max) = rules.max_loan_hours {
            let asked = r.end.0 - r.start.0;
            if asked > max * HOUR_MS {
                let asked_hours = (asked + HOUR_MS - 1) / HOUR_MS;
                return Err(DomainError::LoanTooLong { item: item.name.clone(), max_hours: max, asked_hours }.into());
            }
        }
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
            && queries::open_bookings_of(self.conn(), group, &item.id, member)? >= max
        {
            return Err(DomainError::TooManyBookings { item: item.name.clone(), max }.into());
        }
        let free = self.free_units(group, item, r.start, r.end, None)?;
        if free < units {
            return Err(DomainError::Unavailable {
                item: item.name.clone(),
                free,
                requested: units,
                start: r.start,
                end: r.end,
            }
            .into());
        }
        Ok(())
    }

    /// Free units of `item` over the whole of `[start, end)`, keeping the item's buffer
    /// between loans.
    fn free_units(
        &self,
        group: &GroupId,
        item: &Item,
        start: Timestamp,
        end: Timestamp,
        exclude: Option<&BookingId>,
    ) -> Result<u32> {
        let buffer = item.rules.buffer_minutes * MINUTE_MS;
        let (s, e) = (start.plus_ms(-buffer), end.plus_ms(buffer));
        let spans = queries::holding_spans(self.conn(), group, &item.id, s, e, self.now(), exclude)?;
        let busy = queries::busy_intervals(&spans, s, e);
        let peak = busy.iter().map(|b| b.units).max().unwrap_or(0);
        Ok(item.quantity.saturating_sub(peak))
    }

    /// Moves a booking along its lifecycle (confirm, decline, cancel, check out, return).
    pub fn act_on_booking(&mut self, group: &GroupId, id: &BookingId, action: BookingAction) -> Result<Booking> {
        let me = self.me(group)?;
        let (mut booking, _) =
            queries::booking(self.conn(), group, id)?.ok_or_else(|| Error::BookingNotFound { id: id.to_string() })?;
        let item = self.item(group, &booking.item)?;
        may_act_on_booking(me.role, booking.member == me.id, action, &item.rules)?;
        let next = action.next_state(booking.state)?;
        if action == BookingAction::CheckOut
            && let Some(reason) = item.not_bookable_reason()
        {
            return Err(DomainError::ItemNotBookable { item: item.name.clone(), reason }.into());
        }
        booking.state = next;
        booking.updated = self.now();
        let activity_action = match action {
            BookingAction::Confirm => ActivityAction::BookingConfirmed,
            BookingAction::Decline => ActivityAction::BookingDeclined,
            BookingAction::Cancel => ActivityAction::BookingCancelled,
            BookingAction::CheckOut => ActivityAction::BookingCheckedOut,
            BookingAction::Return => ActivityAction::BookingReturned,
        };
        let activity = self.activity_entry(
            &me,
            activity_action,
            Some(&item.id),
            Some(&booking.id),
            Some(&booking.member),
            booking_summary(&item, &booking),
        );
        self.commit_writes(
            group,
            vec![(DocKey::bookings_at(booking.start), Entity::Booking(booking.clone())), activity],
        )?;
        Ok(booking)
    }

    /// One booking.
    pub fn booking(&self, group: &GroupId, id: &BookingId) -> Result<Booking> {
        self.group(group)?;
        queries::booking(self.conn(), group, id)?
            .map(|(b, _)| b)
            .ok_or_else(|| Error::BookingNotFound { id: id.to_string() })
    }

    /// Bookings matching a filter, by start.
    pub fn bookings(&self, group: &GroupId, filter: &BookingFilter) -> Result<Vec<Booking>> {
        self.group(group)?;
        Ok(queries::bookings(self.conn(), group, filter)?)
    }

    /// Checked-out bookings past their end (by the device clock), by end.
    pub fn overdue(&self, group: &GroupId) -> Result<Vec<Booking>> {
        let now = self.now();
        let filter =
            BookingFilter { states: vec![BookingState::CheckedOut], limit: 10_000, ..BookingFilter::default() };
        let mut out: Vec<Booking> = self.bookings(group, &filter)?.into_iter().filter(|b| b.is_overdue(now)).collect();
        out.sort_by_key(|b| b.end);
        Ok(out)
    }

    /// Free units of an item over a window and the busy spans inside it. Answered from the
    /// bookings index near the window, whatever the group's history.
    pub fn availability(
        &self,
        group: &GroupId,
        item: &ItemId,
        start: Timestamp,
        end: Timestamp,
    ) -> Result<Availability> {
        if end <= start {
            return Err(DomainError::BookingEndsBeforeStart { start, end }.into());
        }
        let item = self.item(group, item)?;
        let spans = queries::holding_spans(self.conn(), group, &item.id, start, end, self.now(), None)?;
        let busy = queries::busy_intervals(&spans, start, end);
        let peak = busy.iter().map(|b| b.units).max().unwrap_or(0);
        let free_units = if item.not_bookable_reason().is_some() { 0 } else { item.quantity.saturating_sub(peak) };
        Ok(Availability { item: item.id.clone(), quantity: item.quantity, free_units, start, end, busy })
    }
}
