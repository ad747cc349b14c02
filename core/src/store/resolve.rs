//! Runs the conflict-resolution rule (`domain::resolution`) over the projection after every
//! change, for the items the change affected, and records what changed for notifications.

use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeMap, BTreeSet};

use crate::docs::EntityRef;
use crate::domain::resolution::{Candidate, Capacity, resolve};
use crate::domain::{BookingState, Bump, BumpReason};
use crate::ids::{BookingId, GroupId, ItemId};
use crate::store::{StoreError, care};

/// A booking's resolved state before and after a change.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StateChange {
    /// The booking.
    pub booking: BookingId,
    /// Resolved state before (`None`: the booking is new here).
    pub old: Option<BookingState>,
    /// Resolved state after.
    pub new: BookingState,
}

/// What a change touched, captured before projecting it, so that resolution can run on every
/// item affected before or after and state changes can be reported.
#[derive(Debug, Default)]
pub(crate) struct ChangeTracker {
    old_states: BTreeMap<BookingId, Option<BookingState>>,
    items: BTreeSet<String>,
    members: BTreeSet<String>,
    old_bookable: BTreeMap<ItemId, bool>,
}

fn booking_state(conn: &Connection, g: &str, id: &str) -> Result<Option<BookingState>, StoreError> {
    let s: Option<String> = conn
        .prepare_cached("SELECT state FROM bookings WHERE group_id = ?1 AND id = ?2")?
        .query_row([g, id], |r| r.get(0))
        .optional()?;
    Ok(s.and_then(|s| BookingState::parse(&s)))
}

fn item_bookable(conn: &Connection, g: &str, id: &str) -> Result<Option<bool>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT retired = 0 AND condition != 'out_of_service' FROM items WHERE group_id = ?1 AND id = ?2",
        )?
        .query_row([g, id], |r| r.get(0))
        .optional()?)
}

impl ChangeTracker {
    /// Records the state of what `refs` name, before they are re-projected.
    pub fn before(&mut self, conn: &Connection, group: &GroupId, refs: &BTreeSet<EntityRef>) -> Result<(), StoreError> {
        let g = group.as_str();
        for r in refs {
            match r {
                EntityRef::Booking(id) if !self.old_states.contains_key(id) => {
                    self.old_states.insert(id.clone(), booking_state(conn, g, id.as_str())?);
                }
                EntityRef::Item(id) => {
                    if let Some(b) = item_bookable(conn, g, id.as_str())? {
                        self.old_bookable.entry(id.clone()).or_insert(b);
                    }
                }
                _ => {}
            }
        }
        self.collect(conn, g, refs)
    }

    /// Items affected by `refs` as the projection stands now.
    fn collect(&mut self, conn: &Connection, g: &str, refs: &BTreeSet<EntityRef>) -> Result<(), StoreError> {
        for r in refs {
            match r {
                EntityRef::Booking(id) => {
                    let mut stmt =
                        conn.prepare_cached("SELECT item_id FROM holds WHERE group_id = ?1 AND booking_id = ?2")?;
                    for item in stmt.query_map([g, id.as_str()], |r| r.get::<_, String>(0))? {
                        self.items.insert(item?);
                    }
                    let item: Option<String> = conn
                        .prepare_cached("SELECT item_id FROM bookings WHERE group_id = ?1 AND id = ?2")?
                        .query_row([g, id.as_str()], |r| r.get(0))
                        .optional()?;
                    self.items.extend(item);
                }
                EntityRef::Item(id) => {
                    self.items.insert(id.as_str().to_owned());
                }
                EntityRef::Member(id) => {
                    self.members.insert(id.as_str().to_owned());
                    let mut stmt = conn.prepare_cached(
                        "SELECT DISTINCT h.item_id FROM bookings b INDEXED BY bookings_by_member
                         CROSS JOIN holds h ON h.group_id = b.group_id AND h.booking_id = b.id
                         WHERE b.group_id = ?1 AND b.member_id = ?2",
                    )?;
                    for item in stmt.query_map([g, id.as_str()], |r| r.get::<_, String>(0))? {
                        self.items.insert(item?);
                    }
                }
                EntityRef::Group | EntityRef::Activity(_) => {}
            }
        }
        Ok(())
    }

    /// After projecting: resolves every affected item and returns the state changes of the
    /// bookings touched or re-resolved, and the items that stopped being bookable.
    pub fn finish(
        mut self,
        conn: &Connection,
        group: &GroupId,
        refs: &BTreeSet<EntityRef>,
    ) -> Result<(Vec<StateChange>, Vec<ItemId>), StoreError> {
        let g = group.as_str();
        self.collect(conn, g, refs)?;
        let resolved = resolve_items(conn, group, &self.items)?;
        let mut changes = Vec::new();
        let mut seen = BTreeSet::new();
        for (id, old) in &self.old_states {
            seen.insert(id.clone());
            if let Some(new) = booking_state(conn, g, id.as_str())?
                && Some(new) != *old
            {
                changes.push(StateChange { booking: id.clone(), old: *old, new });
            }
        }
        for (id, old, new) in resolved {
            if !seen.contains(&id) && old != new {
                changes.push(StateChange { booking: id, old: Some(old), new });
            }
        }
        let mut unbookable = Vec::new();
        for (id, was) in &self.old_bookable {
            if *was && item_bookable(conn, g, id.as_str())? == Some(false) {
                unbookable.push(id.clone());
            }
        }
        Ok((changes, unbookable))
    }
}

/// Every item tied to `items` through kits (kits of a part, parts of a kit), transitively.
fn kit_closure(conn: &Connection, g: &str, items: &BTreeSet<String>) -> Result<BTreeSet<String>, StoreError> {
    let mut out = items.clone();
    let mut queue: Vec<String> = items.iter().cloned().collect();
    let mut parts = conn.prepare_cached("SELECT part_id FROM kit_parts WHERE group_id = ?1 AND kit_id = ?2")?;
    let mut kits = conn.prepare_cached(
        "SELECT kit_id FROM kit_parts INDEXED BY kit_parts_by_part WHERE group_id = ?1 AND part_id = ?2",
    )?;
    while let Some(item) = queue.pop() {
        let mut related: Vec<String> = parts.query_map([g, item.as_str()], |r| r.get(0))?.collect::<Result<_, _>>()?;
        related.extend(kits.query_map([g, item.as_str()], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?);
        for r in related {
            if out.insert(r.clone()) {
                queue.push(r);
            }
        }
    }
    Ok(out)
}

/// What resolution needs to know of an item, read from its row (its loan rules' buffer
/// from the stored JSON by SQLite, without decoding the whole item).
fn capacity_of(
    conn: &Connection,
    stmt: &mut rusqlite::CachedStatement<'_>,
    group: &GroupId,
    item: &str,
) -> Result<Option<Capacity>, StoreError> {
    let capacity = stmt
        .query_row([group.as_str(), item], |r| {
            Ok(Capacity {
                quantity: r.get(0)?,
                retired: r.get(1)?,
                out_of_service: r.get(2)?,
                buffer_ms: r.get::<_, i64>(3)?.saturating_mul(crate::time::MINUTE_MS),
                blocked_from: None,
            })
        })
        .optional()?;
    match capacity {
        Some(mut c) => {
            c.blocked_from = care::blocked_from(conn, group, item)?.map(|t| t.0);
            Ok(Some(c))
        }
        None => Ok(None),
    }
}

/// Resolves the open bookings of `items` (and of everything tied to them by kits) and writes
/// the result. Returns `(booking, resolved state before, after)` for every candidate.
pub(crate) fn resolve_items(
    conn: &Connection,
    group: &GroupId,
    items: &BTreeSet<String>,
) -> Result<Vec<(BookingId, BookingState, BookingState)>, StoreError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let g = group.as_str();
    let component = kit_closure(conn, g, items)?;
    let mut capacities = BTreeMap::new();
    let mut candidates: BTreeMap<BookingId, Candidate> = BTreeMap::new();
    let mut before: BTreeMap<BookingId, BookingState> = BTreeMap::new();
    let mut item_stmt = conn.prepare_cached(
        "SELECT quantity, retired, condition = 'out_of_service',
                COALESCE(json_extract(data, '$.rules.buffer_minutes'), 0)
         FROM items WHERE group_id = ?1 AND id = ?2",
    )?;
    // `INDEXED BY`: without statistics SQLite preferred the covering primary key, reading
    // every open booking of the group for each item (measured: most of a write's resolution).
    let mut booking_stmt = conn.prepare_cached(
        "SELECT b.id, b.stored_state, b.hlc, b.start_ms, b.end_ms, b.state, m.removed IS NULL,
                b.bump_reason, b.bump_winner
         FROM holds h INDEXED BY holds_by_item JOIN bookings b ON b.group_id = h.group_id AND b.id = h.booking_id
         LEFT JOIN members m ON m.group_id = b.group_id AND m.id = b.member_id
         WHERE h.group_id = ?1 AND h.item_id = ?2",
    )?;
    let mut holds_stmt =
        conn.prepare_cached("SELECT item_id, units, state FROM holds WHERE group_id = ?1 AND booking_id = ?2")?;
    // What each candidate's rows hold now: its booking's state and bump, its holds' states.
    let mut stored_rows: BTreeMap<BookingId, StoredRows> = BTreeMap::new();
    for item in &component {
        if let Some(capacity) = capacity_of(conn, &mut item_stmt, group, item)?
            && let Ok(id) = ItemId::parse(item)
        {
            capacities.insert(id, capacity);
        }
        let rows = booking_stmt.query_map([g, item.as_str()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, bool>(6)?,
                (r.get::<_, Option<String>>(7)?, r.get::<_, Option<String>>(8)?),
            ))
        })?;
        for row in rows {
            let (id, stored, hlc, start, end, state, active, bump) = row?;
            let Ok(id) = BookingId::parse(&id) else { continue };
            if candidates.contains_key(&id) {
                continue;
            }
            let mut hold_states = Vec::new();
            let holds: Vec<(ItemId, u32)> = holds_stmt
                .query_map([g, id.as_str()], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?, r.get::<_, String>(2)?))
                })?
                .filter_map(|h| {
                    let (i, u, state) = h.ok()?;
                    hold_states.push(state);
                    ItemId::parse(&i).ok().map(|i| (i, u))
                })
                .collect();
            stored_rows.insert(id.clone(), StoredRows { state: state.clone(), bump, hold_states });
            let stored = BookingState::parse(&stored).unwrap_or(BookingState::Requested);
            before.insert(id.clone(), BookingState::parse(&state).unwrap_or(stored));
            candidates
                .insert(id.clone(), Candidate { id, state: stored, hlc, start, end, holds, member_active: active });
        }
    }
    // Items outside the component that a candidate holds still bound it.
    for c in candidates.values() {
        for (item, _) in &c.holds {
            if !capacities.contains_key(item)
                && let Some(capacity) = capacity_of(conn, &mut item_stmt, group, item.as_str())?
            {
                capacities.insert(item.clone(), capacity);
            }
        }
    }
    let list: Vec<Candidate> = candidates.values().cloned().collect();
    let bumped = resolve(&list, &capacities);
    // Rows already right are left alone: rewriting them unchanged would still dirty their
    // pages, which the write then copies to the journal and syncs.
    let mut update_booking = conn.prepare_cached(
        "UPDATE bookings SET state = ?3, bump_reason = ?4, bump_winner = ?5 WHERE group_id = ?1 AND id = ?2
         AND (state IS NOT ?3 OR bump_reason IS NOT ?4 OR bump_winner IS NOT ?5)",
    )?;
    let mut update_holds =
        conn.prepare_cached("UPDATE holds SET state = ?3 WHERE group_id = ?1 AND booking_id = ?2 AND state IS NOT ?3")?;
    let mut out = Vec::new();
    for c in &list {
        let bump: Option<&Bump> = bumped.get(&c.id);
        let new = if bump.is_some() { BookingState::Bumped } else { c.state };
        let reason = bump.map(|b| b.reason.as_str().to_owned());
        let winner = bump.and_then(|b| b.winner.as_ref().map(|w| w.as_str().to_owned()));
        // Most resolutions change nothing: the statements run only for rows that differ.
        let rows = stored_rows.get(&c.id);
        if rows.is_none_or(|r| r.state != new.as_str() || r.bump != (reason.clone(), winner.clone())) {
            update_booking.execute(params![g, c.id.as_str(), new.as_str(), reason, winner])?;
        }
        if rows.is_none_or(|r| r.hold_states.iter().any(|s| s != new.as_str())) {
            update_holds.execute(params![g, c.id.as_str(), new.as_str()])?;
        }
        out.push((c.id.clone(), before.get(&c.id).copied().unwrap_or(c.state), new));
    }
    Ok(out)
}

/// A resolution candidate's rows as they are stored before resolving.
struct StoredRows {
    /// The booking's resolved state.
    state: String,
    /// Its bump reason and winner.
    bump: (Option<String>, Option<String>),
    /// The state of each of its holds.
    hold_states: Vec<String>,
}

/// Resolves every item of a group that has holds (after a rebuild).
pub(crate) fn resolve_all(conn: &Connection, group: &GroupId) -> Result<(), StoreError> {
    let items: BTreeSet<String> = conn
        .prepare("SELECT DISTINCT item_id FROM holds WHERE group_id = ?1")?
        .query_map([group.as_str()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    resolve_items(conn, group, &items)?;
    Ok(())
}

/// Reads a stored bump.
pub(crate) fn bump_of(reason: Option<String>, winner: Option<String>) -> Option<Bump> {
    let reason = BumpReason::parse(&reason?)?;
    Some(Bump { reason, winner: winner.and_then(|w| BookingId::parse(&w).ok()) })
}
