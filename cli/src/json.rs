//! JSON for scripts: the core types as serde writes them (instants in milliseconds since the
//! epoch), with a few added fields: RFC 3339 UTC strings next to the instants (`start_utc`)
//! and the names behind ids (`item_name`, `member_name`).

use delbar_core::domain::{ActivityEntry, Booking, Group, Item, Member};
use delbar_core::store::{Availability, BusyInterval, Notification, WaitlistEntry};
use delbar_core::time::Timestamp;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::datetime::utc_iso;
use crate::error::CliResult;
use crate::resolve::Names;

/// A value as JSON.
pub fn value<T: Serialize + ?Sized>(v: &T) -> CliResult<Value> {
    Ok(serde_json::to_value(v)?)
}

/// `v` with extra fields (only objects get them).
fn with(mut v: Value, extra: Vec<(&str, Value)>) -> Value {
    if let Value::Object(map) = &mut v {
        for (k, x) in extra {
            map.insert(k.to_owned(), x);
        }
    }
    v
}

/// An instant as an RFC 3339 UTC string value.
fn iso(ts: Timestamp) -> Value {
    Value::String(utc_iso(ts))
}

/// A group.
pub fn group(g: &Group) -> CliResult<Value> {
    Ok(with(value(g)?, vec![("created_utc", iso(g.created))]))
}

/// A member.
pub fn member(m: &Member) -> CliResult<Value> {
    let mut extra = vec![("joined_utc", iso(m.joined)), ("active", Value::Bool(m.is_active()))];
    if let Some(r) = m.removed {
        extra.push(("removed_utc", iso(r)));
    }
    Ok(with(value(m)?, extra))
}

/// An item.
pub fn item(i: &Item) -> CliResult<Value> {
    let mut extra = vec![("created_utc", iso(i.created)), ("current_condition", value(&i.current_condition())?)];
    if let Some(report) = &i.reported {
        extra.push(("reported", value(report)?));
    }
    Ok(with(value(i)?, extra))
}

/// Items.
pub fn items(items: &[Item]) -> CliResult<Value> {
    Ok(Value::Array(items.iter().map(item).collect::<CliResult<Vec<_>>>()?))
}

/// A booking with names, UTC strings and whether it is overdue by the device clock.
pub fn booking(b: &Booking, names: &Names, now: Timestamp) -> CliResult<Value> {
    Ok(with(
        value(b)?,
        vec![
            ("start_utc", iso(b.start)),
            ("end_utc", iso(b.end)),
            ("item_name", Value::String(names.item(&b.item))),
            ("member_name", Value::String(names.member(&b.member))),
            ("overdue", Value::Bool(b.is_overdue(now))),
            ("shown_state", Value::String(b.display_state(now).to_owned())),
        ],
    ))
}

/// Bookings.
pub fn bookings(bookings: &[Booking], names: &Names, now: Timestamp) -> CliResult<Value> {
    Ok(Value::Array(bookings.iter().map(|b| booking(b, names, now)).collect::<CliResult<Vec<_>>>()?))
}

/// An activity entry with the actor's name.
pub fn activity(e: &ActivityEntry, names: &Names) -> CliResult<Value> {
    let mut extra = vec![("at_utc", iso(e.at)), ("actor_name", Value::String(names.member(&e.actor)))];
    if let Some(s) = &e.subject {
        extra.push(("subject_name", Value::String(names.member(s))));
    }
    if let Some(i) = &e.item {
        extra.push(("item_name", Value::String(names.item(i))));
    }
    Ok(with(value(e)?, extra))
}

/// An availability answer with UTC strings on the window and every busy span.
pub fn availability(a: &Availability, item_name: &str) -> CliResult<Value> {
    let mut v = with(
        value(a)?,
        vec![("start_utc", iso(a.start)), ("end_utc", iso(a.end)), ("item_name", Value::String(item_name.to_owned()))],
    );
    if let Some(Value::Array(busy)) = v.get_mut("busy") {
        for (span, b) in busy.iter_mut().zip(&a.busy) {
            *span = with(span.take(), vec![("start_utc", iso(b.start)), ("end_utc", iso(b.end))]);
        }
    }
    Ok(v)
}

/// A window `(start, end)` with UTC strings.
pub fn window((start, end): (Timestamp, Timestamp)) -> Value {
    object(vec![("start", start.0.into()), ("end", end.0.into()), ("start_utc", iso(start)), ("end_utc", iso(end))])
}

/// Busy intervals with UTC strings and the units left free.
pub fn busy(busy: &[BusyInterval], quantity: u32) -> CliResult<Value> {
    let spans = busy
        .iter()
        .map(|b| {
            Ok(with(
                value(b)?,
                vec![
                    ("start_utc", iso(b.start)),
                    ("end_utc", iso(b.end)),
                    ("free", quantity.saturating_sub(b.units).into()),
                ],
            ))
        })
        .collect::<CliResult<Vec<_>>>()?;
    Ok(Value::Array(spans))
}

/// A booking's place in its item's waitlist: position and the offer standing now.
pub fn waitlist_place(e: &WaitlistEntry) -> CliResult<Value> {
    Ok(object(vec![
        ("position", e.position.into()),
        ("offer", e.offer.map(window).unwrap_or(Value::Null)),
        ("offer_until_utc", e.offer.map(|(_, until)| iso(until)).unwrap_or(Value::Null)),
    ]))
}

/// A waitlist entry: the waiting booking with names, its position and offer.
pub fn waitlist_entry(e: &WaitlistEntry, names: &Names, now: Timestamp) -> CliResult<Value> {
    Ok(with(waitlist_place(e)?, vec![("booking", booking(&e.booking, names, now)?)]))
}

/// A notification with its text, the member's name and a UTC string of when it came.
pub fn notification(n: &Notification, member_name: &str, message: &str) -> CliResult<Value> {
    Ok(with(
        value(n)?,
        vec![("message", message.into()), ("member_name", member_name.into()), ("created_utc", iso(n.created))],
    ))
}

/// An object from fields.
pub fn object(fields: Vec<(&str, Value)>) -> Value {
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<String, Value>>())
}
