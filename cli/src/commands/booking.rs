//! `delbar book`, `delbar booking confirm|decline|cancel|checkout|return|claim|extend|show`,
//! `delbar bookings` and `delbar availability`.

use delbar_core::domain::{Booking, BookingAction, BookingState, NewBooking, ReturnReport};
use delbar_core::ids::GroupId;
use delbar_core::store::BookingFilter;
use delbar_core::time::Timestamp;

use crate::args::{AvailabilityArgs, BookArgs, BookingCommand, BookingsArgs};
use crate::context::Ctx;
use crate::datetime::{Edge, duration, local};
use crate::error::{CliError, CliResult};
use crate::json;
use crate::output::{Outcome, Table, Text};
use crate::resolve::{self, Names};

/// `delbar book ITEM --from --to`.
pub fn book(ctx: &mut Ctx, a: &BookArgs) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let item = resolve::item(&ctx.store, &group.id, &a.item)?;
    let for_member = a.for_member.as_deref().map(|m| resolve::member(&ctx.store, &group.id, m)).transpose()?;
    let request = NewBooking {
        item: item.id.clone(),
        units: a.units,
        start: ctx.when(&a.from, Edge::Start)?,
        end: ctx.when(&a.to, Edge::End)?,
        note: a.note.clone(),
        for_member: for_member.map(|m| m.id),
    };
    let booking = ctx.store.book(&group.id, &request)?;
    let names = Names::of(&ctx.store, &group.id)?;
    let now = ctx.now();
    if ctx.json {
        return Ok(Outcome::json(json::booking(&booking, &names, now)?));
    }
    let outcome = match booking.state {
        BookingState::Requested => "requested; a steward must confirm it",
        BookingState::Bumped => "bumped",
        _ => "confirmed",
    };
    let mut out = Text::new();
    out.line(format!(
        "Booked {} for {}, {} to {}, {} unit{}: {outcome}.",
        item.name,
        names.member(&booking.member),
        local(booking.start),
        local(booking.end),
        booking.units,
        if booking.units == 1 { "" } else { "s" },
    ));
    out.line(format!("Booking id: {}", booking.id));
    Ok(Outcome::text(out))
}

/// `delbar booking ...`.
pub fn run(ctx: &mut Ctx, command: BookingCommand) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let (typed, action) = match &command {
        BookingCommand::Confirm { booking } => (booking, Some(BookingAction::Confirm)),
        BookingCommand::Decline { booking } => (booking, Some(BookingAction::Decline)),
        BookingCommand::Cancel { booking } => (booking, Some(BookingAction::Cancel)),
        BookingCommand::Checkout { booking } => (booking, Some(BookingAction::CheckOut)),
        BookingCommand::Return { booking, .. } => (booking, Some(BookingAction::Return)),
        BookingCommand::Claim { booking } => (booking, Some(BookingAction::Claim)),
        BookingCommand::Extend { booking, .. } | BookingCommand::Show { booking } => (booking, None),
        BookingCommand::Photo { booking, to } => {
            let found = resolve::booking(&ctx.store, &group.id, booking)?;
            return super::photo::write_return_photo(ctx, &group.id, &found.id, to.thumbnail, &to.out);
        }
    };
    let found = resolve::booking(&ctx.store, &group.id, typed)?;
    let booking = match (&command, action) {
        (BookingCommand::Extend { to, .. }, _) => {
            // The core refuses other states as an illegal *confirm*; say what was asked.
            if !found.state.holds_units() {
                return Err(CliError::input(format!("cannot extend a booking that is {}", found.state)));
            }
            let end = ctx.when(to, Edge::End)?;
            ctx.store.extend_booking(&group.id, &found.id, end)?
        }
        (BookingCommand::Return { condition: Some(condition), note, photo, .. }, _) => {
            let photo = photo.as_deref().map(crate::files::read).transpose()?;
            let report = ReturnReport { condition: *condition, note: note.clone().unwrap_or_default(), photo };
            ctx.store.return_booking(&group.id, &found.id, &report)?
        }
        (_, Some(action)) => ctx.store.act_on_booking(&group.id, &found.id, action)?,
        _ => found,
    };
    let names = Names::of(&ctx.store, &group.id)?;
    let now = ctx.now();
    let winner = match booking.bump.as_ref().and_then(|b| b.winner.as_ref()) {
        Some(w) => ctx.store.booking(&group.id, w).ok(),
        None => None,
    };
    let place = if booking.state == BookingState::Waitlisted {
        ctx.store.waitlist(&group.id, &booking.item)?.into_iter().find(|e| e.booking.id == booking.id)
    } else {
        None
    };
    if ctx.json {
        let mut v = json::booking(&booking, &names, now)?;
        if let serde_json::Value::Object(map) = &mut v {
            if let Some(bump) = &booking.bump {
                map.insert("bump_text".into(), bump.reason.to_string().into());
            }
            if let Some(w) = &winner {
                map.insert("winner_booking".into(), json::booking(w, &names, now)?);
            }
            if let Some(entry) = &place {
                map.insert("waitlist".into(), json::waitlist_place(entry)?);
            }
        }
        return Ok(Outcome::json(v));
    }
    let mut out = Text::new();
    match &command {
        BookingCommand::Show { .. } => {}
        BookingCommand::Extend { .. } => {
            out.line(format!(
                "{}'s booking of {} now ends {}.",
                names.member(&booking.member),
                names.item(&booking.item),
                local(booking.end)
            ));
            out.blank();
        }
        _ => {
            out.line(format!(
                "{}'s booking of {} is now {}.",
                names.member(&booking.member),
                names.item(&booking.item),
                shown_state(&booking, now)
            ));
            out.blank();
        }
    }
    let bumped = booking.bump.as_ref().map(|b| b.reason.to_string()).unwrap_or_default();
    let winner_text = match (&winner, booking.bump.as_ref().and_then(|b| b.winner.as_ref())) {
        (Some(w), _) => {
            format!("{} ({}, {} to {}, {})", w.id, names.member(&w.member), local(w.start), local(w.end), w.state)
        }
        (None, Some(id)) => id.to_string(),
        (None, None) => String::new(),
    };
    let (queue, offer) = match &place {
        Some(entry) => (
            format!("{} of the waitlist", ordinal(entry.position)),
            entry
                .offer
                .map(|(_, until)| format!("units are free for you; claim them by {}", local(until)))
                .unwrap_or_default(),
        ),
        None => (String::new(), String::new()),
    };
    out.fields(&[
        ("Booking", booking.id.to_string()),
        ("Item", names.item(&booking.item)),
        ("Member", names.member(&booking.member)),
        ("Units", booking.units.to_string()),
        ("From", local(booking.start)),
        ("To", local(booking.end)),
        ("State", shown_state(&booking, now)),
        ("Bumped", bumped),
        ("Winner", winner_text),
        ("Queue", queue),
        ("Offer", offer),
        ("Note", booking.note.clone()),
        ("Requested", local(booking.created)),
        ("Last change", local(booking.updated)),
    ]);
    Ok(Outcome::text(out))
}

/// `1st`, `2nd`, `3rd`, `4th`.
pub fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, r) if r != 11 => "st",
        (2, r) if r != 12 => "nd",
        (3, r) if r != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A booking's state as a person reads it: `checked out`, `overdue by 17 h`.
pub fn shown_state(b: &Booking, now: Timestamp) -> String {
    if b.is_overdue(now) {
        format!("overdue by {}", duration(now.0.saturating_sub(b.end.0)))
    } else {
        b.state.to_string()
    }
}

/// Bookings as a table.
pub fn booking_table(bookings: &[Booking], names: &Names, now: Timestamp) -> Table {
    let mut table = Table::new(&["ID", "ITEM", "MEMBER", "UNITS", "FROM", "TO", "STATE"]);
    for b in bookings {
        table.row(vec![
            b.id.to_string(),
            names.item(&b.item),
            names.member(&b.member),
            b.units.to_string(),
            local(b.start),
            local(b.end),
            shown_state(b, now),
        ]);
    }
    table
}

/// `delbar bookings`.
pub fn list(ctx: &Ctx, a: &BookingsArgs) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let filter = filter(ctx, &group.id, a)?;
    let bookings = if a.overdue {
        let mut overdue = ctx.store.overdue(&group.id)?;
        overdue.retain(|b| {
            filter.item.as_ref().is_none_or(|i| &b.item == i)
                && filter.member.as_ref().is_none_or(|m| &b.member == m)
                && filter.from.is_none_or(|f| b.end > f)
                && filter.to.is_none_or(|t| b.start < t)
        });
        overdue.truncate(a.limit as usize);
        overdue
    } else {
        ctx.store.bookings(&group.id, &filter)?
    };
    let names = Names::of(&ctx.store, &group.id)?;
    let now = ctx.now();
    if ctx.json {
        return Ok(Outcome::json(json::bookings(&bookings, &names, now)?));
    }
    let mut out = Text::new();
    out.table(&booking_table(&bookings, &names, now), if a.overdue { "Nothing is overdue." } else { "No bookings." });
    Ok(Outcome::text(out))
}

fn filter(ctx: &Ctx, group: &GroupId, a: &BookingsArgs) -> CliResult<BookingFilter> {
    let states = if a.open {
        vec![BookingState::Requested, BookingState::Confirmed, BookingState::CheckedOut]
    } else {
        a.state.clone()
    };
    Ok(BookingFilter {
        item: a.item.as_deref().map(|i| resolve::item(&ctx.store, group, i)).transpose()?.map(|i| i.id),
        member: a.member.as_deref().map(|m| resolve::member(&ctx.store, group, m)).transpose()?.map(|m| m.id),
        states,
        from: a.from.as_deref().map(|w| ctx.when(w, Edge::Start)).transpose()?,
        to: a.to.as_deref().map(|w| ctx.when(w, Edge::End)).transpose()?,
        limit: a.limit,
    })
}

/// `delbar availability ITEM --from --to`.
pub fn availability(ctx: &Ctx, a: &AvailabilityArgs) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let item = resolve::item(&ctx.store, &group.id, &a.item)?;
    let (start, end) = (ctx.when(&a.from, Edge::Start)?, ctx.when(&a.to, Edge::End)?);
    let av = ctx.store.availability(&group.id, &item.id, start, end)?;
    let next = if av.free_units == 0 {
        ctx.store.next_free_window(&group.id, &item.id, start, end.0.saturating_sub(start.0), 1)?
    } else {
        None
    };
    if ctx.json {
        let mut v = json::availability(&av, &item.name)?;
        if let serde_json::Value::Object(map) = &mut v {
            map.insert("next_free".into(), next.map(json::window).unwrap_or(serde_json::Value::Null));
        }
        return Ok(Outcome::json(v));
    }
    let mut out = Text::new();
    out.line(format!(
        "{}: {} of {} unit{} free from {} to {}.",
        item.name,
        av.free_units,
        av.quantity,
        if av.quantity == 1 { "" } else { "s" },
        local(av.start),
        local(av.end)
    ));
    if let Some(reason) = item.not_bookable_reason() {
        out.line(format!("It cannot be booked: {reason}."));
    } else if av.free_units == 0 {
        match next {
            Some((s, e)) => out.line(format!("Next free window of the same length: {} to {}.", local(s), local(e))),
            None => out.line("No window of the same length is free within a year; join the waitlist."),
        }
    }
    if !av.busy.is_empty() {
        out.blank();
        out.line("Booked:");
        let mut table = Table::new(&["FROM", "TO", "BOOKED", "FREE"]);
        for b in &av.busy {
            table.row(vec![
                local(b.start),
                local(b.end),
                b.units.to_string(),
                av.quantity.saturating_sub(b.units).to_string(),
            ]);
        }
        out.table(&table, "");
    }
    Ok(Outcome::text(out))
}
