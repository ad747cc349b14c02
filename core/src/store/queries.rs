//! Read queries over the projection tables. Nothing here touches a document.

use rusqlite::{Connection, OptionalExtension, Row, params, types::Value as SqlValue};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::domain::{
    ActivityAction, ActivityEntry, Booking, BookingRecord, BookingState, Condition, Device, Group, Item, Member, Role,
    text,
};
use crate::ids::{ActivityId, BookingId, DeviceId, GroupId, ItemId, MemberId};
use crate::store::StoreError;
use crate::time::Timestamp;

/// Which items to list.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ItemFilter {
    /// Words to search for (case- and diacritic-insensitive, by word prefix).
    pub text: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only items with this tag.
    pub tag: Option<String>,
    /// Only items in this condition.
    pub condition: Option<Condition>,
    /// Only items whose location contains this text.
    pub location: Option<String>,
    /// Include retired items.
    pub include_retired: bool,
    /// At most this many (0 means 100).
    pub limit: u32,
    /// Skip this many.
    pub offset: u32,
}

/// Which bookings to list.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BookingFilter {
    /// Only bookings of this item.
    pub item: Option<ItemId>,
    /// Only bookings of this member.
    pub member: Option<MemberId>,
    /// Only bookings in these states (empty means all).
    pub states: Vec<BookingState>,
    /// Only bookings ending after this instant.
    pub from: Option<Timestamp>,
    /// Only bookings starting before this instant.
    pub to: Option<Timestamp>,
    /// At most this many (0 means 100).
    pub limit: u32,
}

/// A span of time during which some units of an item are taken.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusyInterval {
    /// Start.
    pub start: Timestamp,
    /// End.
    pub end: Timestamp,
    /// Units taken over the whole span.
    pub units: u32,
}

/// How much of an item is free over a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    /// The item.
    pub item: ItemId,
    /// Its quantity.
    pub quantity: u32,
    /// Units free over the whole window.
    pub free_units: u32,
    /// Window start.
    pub start: Timestamp,
    /// Window end.
    pub end: Timestamp,
    /// Busy spans inside the window, in order, with the units taken.
    pub busy: Vec<BusyInterval>,
}

/// Whose history to list.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ActivityFilter {
    /// Only entries about this item.
    pub item: Option<ItemId>,
    /// Only entries by or about this member.
    pub member: Option<MemberId>,
}

/// One page of the activity history, newest first.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityPage {
    /// The entries.
    pub entries: Vec<ActivityEntry>,
    /// Pass this as `before` to get the next (older) page; `None` at the end.
    pub next: Option<String>,
}

fn limit_of(limit: u32) -> i64 {
    if limit == 0 { 100 } else { i64::from(limit.min(10_000)) }
}

fn parse_err(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt { reason: format!("unreadable {what} '{value}' in the projection") }
}

/// Every group on this device.
pub(crate) fn groups(conn: &Connection) -> Result<Vec<Group>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {GROUP_COLUMNS} FROM groups ORDER BY name, id"))?;
    let rows = stmt.query_map([], group_row)?;
    rows.collect::<Result<Vec<_>, _>>()?.into_iter().collect()
}

const GROUP_COLUMNS: &str =
    "id, name, description, created, pickup_window_hours, relay_url, members_may_invite, founder";

fn group_row(r: &Row<'_>) -> rusqlite::Result<Result<Group, StoreError>> {
    let id: String = r.get(0)?;
    Ok(GroupId::parse(&id).map_err(|_| parse_err("group id", &id)).map(|id| Group {
        id,
        name: r.get(1).unwrap_or_default(),
        description: r.get(2).unwrap_or_default(),
        created: Timestamp(r.get(3).unwrap_or_default()),
        pickup_window_hours: r.get(4).unwrap_or(24),
        relay_url: r.get::<_, String>(5).ok().filter(|u| !u.is_empty()),
        members_may_invite: r.get(6).unwrap_or(false),
        founder: r.get::<_, Option<String>>(7).ok().flatten().and_then(|f| serde_json::from_str(&f).ok()),
    }))
}

/// One group.
pub(crate) fn group(conn: &Connection, id: &GroupId) -> Result<Option<Group>, StoreError> {
    let row = conn
        .prepare_cached(&format!("SELECT {GROUP_COLUMNS} FROM groups WHERE id = ?1"))?
        .query_row([id.as_str()], group_row)
        .optional()?;
    row.transpose()
}

fn member_from_row(conn: &Connection, group: &GroupId, r: &Row<'_>) -> Result<Member, StoreError> {
    let id: String = r.get(0)?;
    let role: String = r.get(2)?;
    let id = MemberId::parse(&id).map_err(|_| parse_err("member id", &id))?;
    let mut devices = BTreeMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT device_id, label, added FROM devices WHERE group_id = ?1 AND member_id = ?2")?;
    let mut rows = stmt.query([group.as_str(), id.as_str()])?;
    while let Some(d) = rows.next()? {
        let device: String = d.get(0)?;
        let device = DeviceId::parse(&device).map_err(|_| parse_err("device id", &device))?;
        devices.insert(device, Device { label: d.get(1)?, added: Timestamp(d.get(2)?) });
    }
    let mut qualifications = BTreeMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT item_id, since FROM qualifications WHERE group_id = ?1 AND member_id = ?2")?;
    let mut rows = stmt.query([group.as_str(), id.as_str()])?;
    while let Some(q) = rows.next()? {
        let item: String = q.get(0)?;
        let item = ItemId::parse(&item).map_err(|_| parse_err("item id", &item))?;
        qualifications.insert(item, Timestamp(q.get(1)?));
    }
    Ok(Member {
        id,
        name: r.get(1)?,
        role: Role::parse(&role).ok_or_else(|| parse_err("role", &role))?,
        joined: Timestamp(r.get(3)?),
        removed: r.get::<_, Option<i64>>(4)?.map(Timestamp),
        devices,
        qualifications,
        roles: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
    })
}

/// The members of a group, current ones first, by name.
pub(crate) fn members(conn: &Connection, group: &GroupId) -> Result<Vec<Member>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, role, joined, removed, roles FROM members WHERE group_id = ?1 ORDER BY removed IS NOT NULL, name, id",
    )?;
    let mut rows = stmt.query([group.as_str()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(member_from_row(conn, group, r)?);
    }
    Ok(out)
}

/// One member.
pub(crate) fn member(conn: &Connection, group: &GroupId, id: &MemberId) -> Result<Option<Member>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT id, name, role, joined, removed, roles FROM members WHERE group_id = ?1 AND id = ?2")?;
    let mut rows = stmt.query([group.as_str(), id.as_str()])?;
    match rows.next()? {
        Some(r) => Ok(Some(member_from_row(conn, group, r)?)),
        None => Ok(None),
    }
}

/// The current member a device belongs to. If two members list the same device (a
/// malformed catalogue), the smallest member id wins on every device.
pub(crate) fn member_of_device(
    conn: &Connection,
    group: &GroupId,
    device: &DeviceId,
) -> Result<Option<Member>, StoreError> {
    let id: Option<String> = conn
        .prepare_cached(
            // The device's rows first (its key), then each member by key.
            "SELECT m.id FROM devices d CROSS JOIN members m ON m.group_id = d.group_id AND m.id = d.member_id
             WHERE d.group_id = ?1 AND d.device_id = ?2 AND m.removed IS NULL ORDER BY m.id LIMIT 1",
        )?
        .query_row([group.as_str(), device.as_str()], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => member(conn, group, &MemberId::parse(&id).map_err(|_| parse_err("member id", &id))?),
        None => Ok(None),
    }
}

/// Number of current stewards.
pub(crate) fn steward_count(conn: &Connection, group: &GroupId) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM members WHERE group_id = ?1 AND role = 'steward' AND removed IS NULL",
        [group.as_str()],
        |r| r.get(0),
    )?)
}

fn item_from_data(data: &str) -> Result<Item, StoreError> {
    serde_json::from_str(data)
        .map_err(|e| StoreError::Corrupt { reason: format!("unreadable item in the projection: {e}") })
}

/// An item from its row: its catalogue entry (`data`) and its current condition.
fn item_from_row(conn: &Connection, group: &GroupId, data: &str, condition: &str) -> Result<Item, StoreError> {
    crate::store::care::with_report(conn, group.as_str(), item_from_data(data)?, condition)
}

/// One item.
pub(crate) fn item(conn: &Connection, group: &GroupId, id: &ItemId) -> Result<Option<Item>, StoreError> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT data, condition FROM items WHERE group_id = ?1 AND id = ?2")?
        .query_row([group.as_str(), id.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(d, c)| item_from_row(conn, group, &d, &c)).transpose()
}

/// Items matching a filter. With text, best matches first (whole-word prefix matches, then
/// matches inside compound words); otherwise by name.
pub(crate) fn items(conn: &Connection, group: &GroupId, filter: &ItemFilter) -> Result<Vec<Item>, StoreError> {
    let mut conds = vec!["i.group_id = ?".to_owned()];
    let mut args: Vec<SqlValue> = vec![group.as_str().to_owned().into()];
    if !filter.include_retired {
        conds.push("i.retired = 0".into());
    }
    if let Some(c) = &filter.category {
        conds.push("i.category = ?".into());
        args.push(c.trim().to_lowercase().into());
    }
    if let Some(c) = filter.condition {
        conds.push("i.condition = ?".into());
        args.push(c.as_str().to_owned().into());
    }
    if let Some(t) = &filter.tag {
        conds.push(
            "EXISTS (SELECT 1 FROM item_tags t WHERE t.group_id = i.group_id AND t.tag = ? AND t.item_id = i.id)"
                .into(),
        );
        args.push(t.trim().to_lowercase().into());
    }
    if let Some(l) = &filter.location {
        let words = text::query_words(l);
        for w in words {
            conds.push("instr(i.location_text, ?) > 0".into());
            args.push(w.into());
        }
    }
    let limit = limit_of(filter.limit);
    let offset = i64::from(filter.offset);
    let words = filter.text.as_deref().map(text::query_words).unwrap_or_default();
    if words.is_empty() {
        let sql = format!(
            "SELECT i.data, i.condition FROM items i WHERE {} ORDER BY i.name COLLATE NOCASE, i.id LIMIT {limit} OFFSET {offset}",
            conds.join(" AND ")
        );
        let sql = number_params(&sql);
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (data, condition) = row?;
            out.push(item_from_row(conn, group, &data, &condition)?);
        }
        return Ok(out);
    }
    // Rank 0: every word is a word prefix (FTS5); rank 1: every word appears inside the
    // folded text (compounds: "sag" in "motorsag"). Rank-0 matches come first, so when they
    // fill the page the substring scan of the catalogue is skipped. Within a rank, items whose
    // name begins with the first word come first, then by name. (FTS5's bm25 rank was used
    // here before: for a word every item has, such as the place they are kept, scoring the
    // 2,000 matches took most of a 5 ms query.) The full-text matches are computed once
    // (MATERIALIZED: as a plain subquery SQLite would run the FTS5 query again for every
    // item), and only row ids are sorted; the page's items are read afterwards.
    let fts_query = words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" ");
    let first_word = words.first().cloned().unwrap_or_default();
    let conds = conds.join(" AND ");
    let want = limit.saturating_add(offset);
    let mut prefix_args = args.clone();
    prefix_args.push(fts_query.clone().into());
    prefix_args.push(first_word.clone().into());
    let sql = number_params(&format!(
        "WITH s AS MATERIALIZED (SELECT rowid AS rid FROM item_search WHERE item_search MATCH ?{fts})
         SELECT i.rowid FROM s JOIN items i ON i.rowid = s.rid
         WHERE {conds}
         ORDER BY instr(i.folded_text, ?{first}) != 1, i.name COLLATE NOCASE, i.id LIMIT {want}",
        fts = prefix_args.len() - 1,
        first = prefix_args.len(),
    ));
    let mut ids = row_ids(conn, &sql, &prefix_args)?;
    if (ids.len() as i64) < want {
        let mut substr = Vec::new();
        for w in &words {
            substr.push("instr(i.folded_text, ?) > 0".to_owned());
            args.push(w.clone().into());
        }
        args.push(fts_query.into());
        args.push(first_word.into());
        let sql = number_params(&format!(
            "WITH s AS MATERIALIZED (SELECT rowid AS rid FROM item_search WHERE item_search MATCH ?{fts})
             SELECT i.rowid FROM items i
             LEFT JOIN s ON s.rid = i.rowid
             WHERE {conds} AND (s.rid IS NOT NULL OR ({substr}))
             ORDER BY s.rid IS NULL, instr(i.folded_text, ?{first}) != 1, i.name COLLATE NOCASE, i.id LIMIT {want}",
            fts = args.len() - 1,
            first = args.len(),
            substr = substr.join(" AND "),
        ));
        ids = row_ids(conn, &sql, &args)?;
    }
    let mut stmt = conn.prepare_cached("SELECT data, condition FROM items WHERE rowid = ?1")?;
    let mut out = Vec::new();
    for id in ids.into_iter().skip(usize::try_from(offset).unwrap_or(usize::MAX)) {
        let (data, condition): (String, String) = stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        out.push(item_from_row(conn, group, &data, &condition)?);
    }
    Ok(out)
}

/// Runs a query whose one column is a row id.
fn row_ids(conn: &Connection, sql: &str, args: &[SqlValue]) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| r.get::<_, i64>(0))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Numbers bare `?` placeholders as `?1`, `?2`, ... keeping explicit `?N` ones.
fn number_params(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '?' && !chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            n += 1;
            out.push_str(&n.to_string());
        }
    }
    out
}

/// Distinct categories with item counts.
pub(crate) fn categories(conn: &Connection, group: &GroupId) -> Result<Vec<(String, u32)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT category, COUNT(*) FROM items WHERE group_id = ?1 AND retired = 0 GROUP BY category ORDER BY category",
    )?;
    let rows = stmt.query_map([group.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub(crate) const BOOKING_COLUMNS: &str = "id, item_id, member_id, units, start_ms, end_ms, state, note, created, created_by, updated, \
     hlc, queue_rank, bump_reason, bump_winner";

pub(crate) fn booking_row(r: &Row<'_>) -> Result<Booking, StoreError> {
    let id: String = r.get(0)?;
    let item: String = r.get(1)?;
    let member: String = r.get(2)?;
    let state: String = r.get(6)?;
    let created_by: String = r.get(9)?;
    Ok(Booking {
        id: BookingId::parse(&id).map_err(|_| parse_err("booking id", &id))?,
        item: ItemId::parse(&item).map_err(|_| parse_err("item id", &item))?,
        member: MemberId::parse(&member).map_err(|_| parse_err("member id", &member))?,
        units: r.get(3)?,
        start: Timestamp(r.get(4)?),
        end: Timestamp(r.get(5)?),
        state: BookingState::parse(&state).ok_or_else(|| parse_err("booking state", &state))?,
        note: r.get(7)?,
        created: Timestamp(r.get(8)?),
        created_by: DeviceId::parse(&created_by).map_err(|_| parse_err("device id", &created_by))?,
        updated: Timestamp(r.get(10)?),
        hlc: r.get(11)?,
        queue_rank: r.get(12)?,
        bump: crate::store::resolve::bump_of(r.get(13)?, r.get(14)?),
    })
}

/// One booking and the document it lives in.
pub(crate) fn booking(
    conn: &Connection,
    group: &GroupId,
    id: &BookingId,
) -> Result<Option<(Booking, BookingRecord)>, StoreError> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {BOOKING_COLUMNS}, data FROM bookings WHERE group_id = ?1 AND id = ?2"))?;
    let mut rows = stmt.query([group.as_str(), id.as_str()])?;
    match rows.next()? {
        Some(r) => {
            let data: String = r.get(15)?;
            let record = serde_json::from_str(&data)
                .map_err(|e| StoreError::Corrupt { reason: format!("unreadable booking in the projection: {e}") })?;
            Ok(Some((booking_row(r)?, record)))
        }
        None => Ok(None),
    }
}

/// Bookings matching a filter, by start.
pub(crate) fn bookings(conn: &Connection, group: &GroupId, filter: &BookingFilter) -> Result<Vec<Booking>, StoreError> {
    let mut conds = vec!["group_id = ?".to_owned()];
    let mut args: Vec<SqlValue> = vec![group.as_str().to_owned().into()];
    if let Some(i) = &filter.item {
        conds.push("item_id = ?".into());
        args.push(i.as_str().to_owned().into());
    }
    if let Some(m) = &filter.member {
        conds.push("member_id = ?".into());
        args.push(m.as_str().to_owned().into());
    }
    if !filter.states.is_empty() {
        let marks = vec!["?"; filter.states.len()].join(", ");
        conds.push(format!("state IN ({marks})"));
        args.extend(filter.states.iter().map(|s| SqlValue::from(s.as_str().to_owned())));
    }
    if let Some(from) = filter.from {
        conds.push("end_ms > ?".into());
        args.push(from.0.into());
    }
    if let Some(to) = filter.to {
        conds.push("start_ms < ?".into());
        args.push(to.0.into());
    }
    let sql = number_params(&format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings WHERE {} ORDER BY start_ms, id LIMIT {}",
        conds.join(" AND "),
        limit_of(filter.limit)
    ));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(booking_row(r)?);
    }
    Ok(out)
}

/// Open bookings (holding units) of a member for an item.
pub(crate) fn open_bookings_of(
    conn: &Connection,
    group: &GroupId,
    item: &ItemId,
    member: &MemberId,
) -> Result<u32, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*) FROM bookings INDEXED BY bookings_open
             WHERE group_id = ?1 AND item_id = ?2 AND member_id = ?3
             AND stored_state IN ('requested', 'confirmed', 'checked_out') AND state != 'bumped'",
        )?
        .query_row([group.as_str(), item.as_str(), member.as_str()], |r| r.get(0))?)
}

/// The `(start, end, units)` spans that hold units of an item and overlap `[start, end)`:
/// its own bookings and, for a part, the kits booked with it; bumped and waitlisted bookings
/// hold nothing. A checked-out loan past its end still holds its units until it comes back,
/// so an overdue loan holds its units for every window after its start. Only rows near the
/// window are read: the index on `(item, state, end)` skips every loan that ended before the
/// window, and checked-out loans are few.
pub(crate) fn holding_spans(
    conn: &Connection,
    group: &GroupId,
    item: &ItemId,
    start: Timestamp,
    end: Timestamp,
    now: Timestamp,
    exclude: Option<&BookingId>,
) -> Result<Vec<(i64, i64, u32)>, StoreError> {
    let mut out = Vec::new();
    let excluded = exclude.map(|b| b.as_str()).unwrap_or("");
    let mut stmt = conn.prepare_cached(
        "SELECT start_ms, end_ms, units FROM holds
         WHERE group_id = ?1 AND item_id = ?2 AND state IN ('requested', 'confirmed')
         AND end_ms > ?3 AND start_ms < ?4 AND booking_id != ?5",
    )?;
    let mut rows = stmt.query(params![group.as_str(), item.as_str(), start.0, end.0, excluded])?;
    while let Some(r) = rows.next()? {
        out.push((r.get(0)?, r.get(1)?, r.get(2)?));
    }
    // Gear that is out: until its end, or, once overdue, until it comes back (no one knows
    // when, so it holds its units for every window after).
    let mut stmt = conn.prepare_cached(
        "SELECT start_ms, end_ms, units FROM holds
         WHERE group_id = ?1 AND item_id = ?2 AND state = 'checked_out' AND start_ms < ?3 AND booking_id != ?4",
    )?;
    let mut rows = stmt.query(params![group.as_str(), item.as_str(), end.0, excluded])?;
    while let Some(r) = rows.next()? {
        let (s, e, u): (i64, i64, u32) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let held_until = if e < now.0 { i64::MAX } else { e };
        if held_until > start.0 {
            out.push((s, held_until, u));
        }
    }
    Ok(out)
}

/// Free units of an item over the whole of `[start, end)`: its quantity less the peak in
/// use, and for a kit also bounded by what its parts have free. Buffers widen the window.
pub(crate) fn free_units(
    conn: &Connection,
    group: &GroupId,
    item: &Item,
    start: Timestamp,
    end: Timestamp,
    now: Timestamp,
    exclude: Option<&BookingId>,
) -> Result<u32, StoreError> {
    if item.not_bookable_reason().is_some() {
        return Ok(0);
    }
    let own = free_of(conn, group, item, start, end, now, exclude)?;
    let mut free = own;
    for (part_id, per_kit) in &item.kit_parts {
        let Some(part) = self::item(conn, group, part_id)? else { return Ok(0) };
        if part.not_bookable_reason().is_some() {
            return Ok(0);
        }
        let part_free = free_of(conn, group, &part, start, end, now, exclude)?;
        free = free.min(part_free / (*per_kit).max(1));
    }
    Ok(free)
}

fn free_of(
    conn: &Connection,
    group: &GroupId,
    item: &Item,
    start: Timestamp,
    end: Timestamp,
    now: Timestamp,
    exclude: Option<&BookingId>,
) -> Result<u32, StoreError> {
    let buffer = item.rules.buffer_minutes.saturating_mul(crate::time::MINUTE_MS);
    let (s, e) = (start.plus_ms(-buffer), end.plus_ms(buffer));
    let spans = holding_spans(conn, group, &item.id, s, e, now, exclude)?;
    let peak = busy_intervals(&spans, s, e).iter().map(|b| b.units).max().unwrap_or(0);
    Ok(item.quantity.saturating_sub(peak))
}

/// The first window of `length_ms` at or after `from` (and not in the past) with `units`
/// free, looking up to a year ahead.
pub(crate) fn next_free_window(
    conn: &Connection,
    group: &GroupId,
    item_id: &ItemId,
    from: Timestamp,
    length_ms: i64,
    units: u32,
    now: Timestamp,
) -> Result<Option<(Timestamp, Timestamp)>, StoreError> {
    let Some(item) = self::item(conn, group, item_id)? else { return Ok(None) };
    if item.not_bookable_reason().is_some() || units > item.quantity || length_ms <= 0 {
        return Ok(None);
    }
    let horizon = from.max(now).plus_ms(365 * crate::time::DAY_MS);
    let mut candidate = from.max(now);
    // Candidate starts: the requested one, then every end of a busy span after it.
    let buffer = item.rules.buffer_minutes.saturating_mul(crate::time::MINUTE_MS);
    let spans = holding_spans(conn, group, &item.id, candidate.plus_ms(-buffer), horizon, now, None)?;
    let mut ends: Vec<i64> = spans.iter().map(|(_, e, _)| e + buffer).filter(|e| *e > candidate.0).collect();
    ends.sort_unstable();
    ends.dedup();
    let mut starts = vec![candidate.0];
    starts.extend(ends);
    for s in starts {
        candidate = Timestamp(s);
        let end = candidate.plus_ms(length_ms);
        if end > horizon {
            break;
        }
        if free_units(conn, group, &item, candidate, end, now, None)? >= units {
            return Ok(Some((candidate, end)));
        }
    }
    Ok(None)
}

/// One booking waiting in an item's queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitlistEntry {
    /// The waiting booking.
    pub booking: Booking,
    /// Its place in the queue, from 1.
    pub position: u32,
    /// The item's name.
    pub item_name: String,
    /// When units are free for it and it is its turn: the offer's window `(from, until)`.
    pub offer: Option<(Timestamp, Timestamp)>,
}

/// An item's waitlist in queue order, with the offer standing at `now`. Units that free up go
/// to the first waiting booking whose window they cover; an offer not claimed within the
/// group's pickup window passes to the next in line.
pub(crate) fn waitlist(
    conn: &Connection,
    group: &GroupId,
    item_id: &ItemId,
    now: Timestamp,
) -> Result<Vec<WaitlistEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings WHERE group_id = ?1 AND item_id = ?2 AND state = 'waitlisted'
         ORDER BY COALESCE(queue_rank, CAST(substr(hlc, 1, 15) AS REAL)), hlc, id"
    ))?;
    let mut rows = stmt.query([group.as_str(), item_id.as_str()])?;
    let mut entries = Vec::new();
    while let Some(r) = rows.next()? {
        entries.push(booking_row(r)?);
    }
    // Most items have nobody waiting (every write asks, to offer what it freed).
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let Some(item) = self::item(conn, group, item_id)? else { return Ok(Vec::new()) };
    let pickup_ms = self::group(conn, group)?.map(|g| g.pickup_window_hours).unwrap_or(24) * crate::time::HOUR_MS;
    let mut freed_stmt = conn.prepare_cached(
        "SELECT MAX(updated) FROM bookings WHERE group_id = ?1 AND item_id = ?2
         AND state IN ('cancelled', 'declined', 'returned', 'bumped') AND end_ms > ?3 AND start_ms < ?4",
    )?;
    let mut out = Vec::new();
    let mut previous_until: Option<i64> = None;
    let mut offered = false;
    for (i, b) in entries.into_iter().enumerate() {
        let mut offer = None;
        if !offered && b.end > now && free_units(conn, group, &item, b.start, b.end, now, Some(&b.id))? >= b.units {
            let freed: Option<i64> =
                freed_stmt.query_row(params![group.as_str(), item_id.as_str(), b.start.0, b.end.0], |r| r.get(0))?;
            let from = freed.unwrap_or(b.created.0).max(b.created.0).max(previous_until.unwrap_or(i64::MIN));
            let until = from.saturating_add(pickup_ms);
            if now.0 < until {
                offer = Some((Timestamp(from), Timestamp(until)));
                offered = true;
            } else {
                // Not claimed in time: the offer passes on.
                previous_until = Some(until);
            }
        }
        out.push(WaitlistEntry { booking: b, position: i as u32 + 1, item_name: item.name.clone(), offer });
    }
    Ok(out)
}

/// Busy intervals inside `[start, end)` from overlapping spans: each interval carries the
/// units taken throughout it. Adjacent intervals with the same units are merged.
pub(crate) fn busy_intervals(spans: &[(i64, i64, u32)], start: Timestamp, end: Timestamp) -> Vec<BusyInterval> {
    let mut edges: Vec<(i64, i64)> = Vec::new();
    for &(s, e, u) in spans {
        let s = s.max(start.0);
        let e = e.min(end.0);
        if s < e {
            edges.push((s, i64::from(u)));
            edges.push((e, -i64::from(u)));
        }
    }
    edges.sort();
    let mut out: Vec<BusyInterval> = Vec::new();
    let mut level: i64 = 0;
    let mut i = 0;
    while i < edges.len() {
        let at = edges[i].0;
        while i < edges.len() && edges[i].0 == at {
            level += edges[i].1;
            i += 1;
        }
        let next = edges.get(i).map(|e| e.0);
        if let (Some(next), true) = (next, level > 0) {
            let units = u32::try_from(level).unwrap_or(u32::MAX);
            match out.last_mut() {
                Some(last) if last.end.0 == at && last.units == units => last.end = Timestamp(next),
                _ => out.push(BusyInterval { start: Timestamp(at), end: Timestamp(next), units }),
            }
        }
    }
    out
}

/// Reads one activity row.
pub(crate) fn activity_row(r: &Row<'_>) -> Result<ActivityEntry, StoreError> {
    let id: String = r.get(0)?;
    let actor: String = r.get(2)?;
    let device: String = r.get(3)?;
    let action: String = r.get(4)?;
    let opt = |i: usize| -> rusqlite::Result<Option<String>> { r.get(i) };
    Ok(ActivityEntry {
        id: ActivityId::parse(&id).map_err(|_| parse_err("activity id", &id))?,
        at: Timestamp(r.get(1)?),
        actor: MemberId::parse(&actor).map_err(|_| parse_err("member id", &actor))?,
        device: DeviceId::parse(&device).map_err(|_| parse_err("device id", &device))?,
        action: ActivityAction::parse(&action).ok_or_else(|| parse_err("activity action", &action))?,
        item: opt(5)?.and_then(|s| ItemId::parse(&s).ok()),
        booking: opt(6)?.and_then(|s| BookingId::parse(&s).ok()),
        subject: opt(7)?.and_then(|s| MemberId::parse(&s).ok()),
        summary: r.get(8)?,
    })
}

/// A page of history, newest first. `before` is the `next` of the previous page.
pub(crate) fn activity(
    conn: &Connection,
    group: &GroupId,
    filter: &ActivityFilter,
    before: Option<&str>,
    limit: u32,
) -> Result<ActivityPage, StoreError> {
    let (before_at, before_id) = match before.and_then(|c| c.split_once(':')) {
        Some((at, id)) => (at.parse::<i64>().unwrap_or(i64::MAX), id.to_owned()),
        None => (i64::MAX, String::from("~")),
    };
    let limit = limit_of(limit);
    let page = "(at < ?2 OR (at = ?2 AND id < ?3))";
    let (sql, extra): (String, Option<String>) = match (&filter.item, &filter.member) {
        (Some(item), _) => {
            let entries = item_activity(conn, group, item, (before_at, &before_id), limit + 1)?;
            return Ok(activity_page(entries, limit));
        }
        (None, Some(member)) => (
            format!(
                "SELECT {ACTIVITY_COLUMNS} FROM (
                   SELECT {ACTIVITY_COLUMNS} FROM activity WHERE group_id = ?1 AND actor = ?4 AND {page}
                   UNION SELECT {ACTIVITY_COLUMNS} FROM activity WHERE group_id = ?1 AND subject = ?4 AND {page})
                 ORDER BY at DESC, id DESC LIMIT {}",
                limit + 1
            ),
            Some(member.as_str().to_owned()),
        ),
        (None, None) => (
            format!(
                "SELECT {ACTIVITY_COLUMNS} FROM activity WHERE group_id = ?1 AND {page}
                 ORDER BY at DESC, id DESC LIMIT {}",
                limit + 1
            ),
            None,
        ),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = match &extra {
        Some(x) => stmt.query(params![group.as_str(), before_at, before_id, x])?,
        None => stmt.query(params![group.as_str(), before_at, before_id])?,
    };
    let mut entries = Vec::new();
    while let Some(r) = rows.next()? {
        entries.push(activity_row(r)?);
    }
    Ok(activity_page(entries, limit))
}

/// The columns [`activity_row`] reads.
pub(crate) const ACTIVITY_COLUMNS: &str = "id, at, actor, device, action, item_id, booking_id, subject, summary";

/// Up to `wanted` entries about `item` before `(at, id)`, newest first, read month by month
/// through the index `(group, month, item, at, id)`: new entries land in their month's
/// pages rather than on each item's pages across the whole history (migration 10), and each
/// month costs one index seek. Months without any entry are skipped in one seek each.
fn item_activity(
    conn: &Connection,
    group: &GroupId,
    item: &ItemId,
    before: (i64, &str),
    wanted: i64,
) -> Result<Vec<ActivityEntry>, StoreError> {
    let g = group.as_str();
    let mut previous_month = conn.prepare_cached(
        "SELECT MAX(month) FROM activity INDEXED BY activity_by_item_month WHERE group_id = ?1 AND month < ?2",
    )?;
    let mut in_month = conn.prepare_cached(&format!(
        "SELECT {ACTIVITY_COLUMNS} FROM activity INDEXED BY activity_by_item_month
         WHERE group_id = ?1 AND month = ?4 AND item_id = ?5 AND (at < ?2 OR (at = ?2 AND id < ?3))
         ORDER BY at DESC, id DESC LIMIT ?6"
    ))?;
    // The month of the cursor, or the newest month with any entry.
    let first = Timestamp(before.0).month_number().saturating_add(1);
    let mut month: Option<i64> = previous_month.query_row(params![g, first], |r| r.get(0))?;
    let mut entries = Vec::new();
    while let Some(m) = month {
        let left = wanted - entries.len() as i64;
        if left <= 0 {
            break;
        }
        let mut rows = in_month.query(params![g, before.0, before.1, m, item.as_str(), left])?;
        while let Some(r) = rows.next()? {
            entries.push(activity_row(r)?);
        }
        month = previous_month.query_row(params![g, m], |r| r.get(0))?;
    }
    Ok(entries)
}

/// A page of at most `limit` of `entries` (which may hold one more, telling that more
/// follow), with the cursor of the next page.
fn activity_page(mut entries: Vec<ActivityEntry>, limit: i64) -> ActivityPage {
    let next = if entries.len() as i64 > limit {
        entries.truncate(limit as usize);
        entries.last().map(|e| format!("{}:{}", e.at.0, e.id))
    } else {
        None
    };
    ActivityPage { entries, next }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_intervals_track_overlaps() {
        let spans = [(0, 10, 1), (5, 15, 2), (20, 30, 1)];
        let busy = busy_intervals(&spans, Timestamp(0), Timestamp(25));
        let got: Vec<_> = busy.iter().map(|b| (b.start.0, b.end.0, b.units)).collect();
        assert_eq!(got, vec![(0, 5, 1), (5, 10, 3), (10, 15, 2), (20, 25, 1)]);
    }

    #[test]
    fn numbering_keeps_explicit_params() {
        assert_eq!(number_params("a = ? AND b = ?3 AND c = ?"), "a = ?1 AND b = ?3 AND c = ?2");
    }
}
