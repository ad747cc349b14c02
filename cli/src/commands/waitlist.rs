//! `delbar waitlist join|show|move`: waiting for an item that has no free units.

use delbar_core::domain::NewBooking;
use delbar_core::ids::GroupId;
use delbar_core::store::WaitlistEntry;

use crate::args::{BookArgs, WaitlistCommand};
use crate::commands::booking::ordinal;
use crate::context::Ctx;
use crate::datetime::{Edge, local};
use crate::error::CliResult;
use crate::json;
use crate::output::{Outcome, Table, Text};
use crate::resolve::{self, Names};

/// Runs a waitlist command.
pub fn run(ctx: &mut Ctx, command: WaitlistCommand) -> CliResult<Outcome> {
    let group = ctx.group()?;
    match command {
        WaitlistCommand::Join(a) => join(ctx, &group.id, &a),
        WaitlistCommand::Show { item } => {
            let item = resolve::item(&ctx.store, &group.id, &item)?;
            let entries = ctx.store.waitlist(&group.id, &item.id)?;
            shown(ctx, &group.id, &entries, None, &format!("Nobody is waiting for {}.", item.name))
        }
        WaitlistCommand::Move { booking, position } => {
            let found = resolve::booking(&ctx.store, &group.id, &booking)?;
            let entries = ctx.store.move_in_waitlist(&group.id, &found.id, position)?;
            let names = Names::of(&ctx.store, &group.id)?;
            let place = entries
                .iter()
                .find(|e| e.booking.id == found.id)
                .map(|e| ordinal(e.position))
                .unwrap_or_else(|| position.to_string());
            let message = format!(
                "{}'s booking is now {} in the waitlist for {}.",
                names.member(&found.member),
                place,
                names.item(&found.item)
            );
            shown(ctx, &group.id, &entries, Some(message), "")
        }
    }
}

/// `delbar waitlist join ITEM --from --to`.
fn join(ctx: &mut Ctx, group: &GroupId, a: &BookArgs) -> CliResult<Outcome> {
    let item = resolve::item(&ctx.store, group, &a.item)?;
    let for_member = a.for_member.as_deref().map(|m| resolve::member(&ctx.store, group, m)).transpose()?;
    let request = NewBooking {
        item: item.id.clone(),
        units: a.units,
        start: ctx.when(&a.from, Edge::Start)?,
        end: ctx.when(&a.to, Edge::End)?,
        note: a.note.clone(),
        for_member: for_member.map(|m| m.id),
    };
    let booking = ctx.store.join_waitlist(group, &request)?;
    let entries = ctx.store.waitlist(group, &item.id)?;
    let entry = entries.iter().find(|e| e.booking.id == booking.id);
    let names = Names::of(&ctx.store, group)?;
    let now = ctx.now();
    if ctx.json {
        let mut v = json::booking(&booking, &names, now)?;
        if let (serde_json::Value::Object(map), Some(e)) = (&mut v, entry) {
            map.insert("waitlist".into(), json::waitlist_place(e)?);
        }
        return Ok(Outcome::json(v));
    }
    let mut out = Text::new();
    out.line(format!(
        "{} is waiting for {}, {} to {}, {} unit{}: {} in line.",
        names.member(&booking.member),
        item.name,
        local(booking.start),
        local(booking.end),
        booking.units,
        if booking.units == 1 { "" } else { "s" },
        entry.map(|e| ordinal(e.position)).unwrap_or_else(|| "last".into()),
    ));
    out.line("When units free up for that window you get an offer to claim (`delbar booking claim`).");
    out.line(format!("Booking id: {}", booking.id));
    Ok(Outcome::text(out))
}

/// A waitlist as a table (or JSON), after an optional message.
fn shown(
    ctx: &Ctx,
    group: &GroupId,
    entries: &[WaitlistEntry],
    message: Option<String>,
    empty: &str,
) -> CliResult<Outcome> {
    let names = Names::of(&ctx.store, group)?;
    let now = ctx.now();
    if ctx.json {
        let list = entries.iter().map(|e| json::waitlist_entry(e, &names, now)).collect::<CliResult<Vec<_>>>()?;
        return Ok(Outcome::json(serde_json::Value::Array(list)));
    }
    let mut out = Text::new();
    if let Some(m) = message {
        out.line(m);
        out.blank();
    }
    out.table(&waitlist_table(entries, &names), empty);
    Ok(Outcome::text(out))
}

/// A waitlist as a table: position, booking, member, window and the offer standing now.
pub fn waitlist_table(entries: &[WaitlistEntry], names: &Names) -> Table {
    let mut table = Table::new(&["POS", "BOOKING", "MEMBER", "UNITS", "FROM", "TO", "OFFER UNTIL"]);
    for e in entries {
        table.row(vec![
            e.position.to_string(),
            e.booking.id.to_string(),
            names.member(&e.booking.member),
            e.booking.units.to_string(),
            local(e.booking.start),
            local(e.booking.end),
            e.offer.map(|(_, until)| local(until)).unwrap_or_default(),
        ]);
    }
    table
}
