//! JSON for scripts: the core types as serde writes them (instants in milliseconds since the
//! epoch), with a few added fields: RFC 3339 UTC strings next to the instants (`start_utc`)
//! and the names behind ids (`item_name`, `member_name`).

use delbar_core::domain::{ActivityEntry, Booking, Group, Item, Member};
use delbar_core::store::Availability;
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
    Ok(with(value(i)?, vec![("created_utc", iso(i.created))]))
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

/// An object from fields.
pub fn object(fields: Vec<(&str, Value)>) -> Value {
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<String, Value>>())
}
