//! The projection: indexed SQLite tables derived from the documents, which every query
//! reads. It is updated incrementally for exactly the entities a change touched, and can be
//! rebuilt from the documents at any time (see `check`).

use automerge::AutoCommit;
use rusqlite::{Connection, params};

use crate::docs::{DocKey, Entity, EntityRef};
use crate::domain::{ActivityEntry, BookingRecord, Group, Item, Member, text};
use crate::ids::GroupId;
use crate::store::{StoreError, care};
use crate::trust::Judge;

/// Re-projects the given entities of one document: each is read from the document as its
/// authorised writers left it (see [`crate::trust`]) and its rows replaced, or removed when
/// the entity is gone. A booking or activity entry present but written by no one allowed
/// to is withheld (and looked at again when the group's members change).
pub(crate) fn project<'a>(
    conn: &Connection,
    group: &GroupId,
    key: DocKey,
    doc: &AutoCommit,
    refs: impl IntoIterator<Item = &'a EntityRef>,
) -> Result<(), StoreError> {
    let mut judge = Judge::new(conn, group, key, doc)?;
    for r in refs {
        let withheld = match judge.entity(r)? {
            Some(entity) => {
                upsert(conn, group, key, &entity)?;
                false
            }
            None => {
                remove(conn, group, r)?;
                key != DocKey::Catalogue && judge.present(r)?
            }
        };
        if let Some(id) = withheld_id(r) {
            if withheld {
                conn.prepare_cached("INSERT OR REPLACE INTO withheld (group_id, entity, doc_key) VALUES (?1, ?2, ?3)")?
                    .execute(params![group.as_str(), id, key.to_string()])?;
            } else {
                conn.prepare_cached("DELETE FROM withheld WHERE group_id = ?1 AND entity = ?2")?
                    .execute(params![group.as_str(), id])?;
            }
        }
    }
    Ok(())
}

/// The `withheld` row id of a booking or activity entry.
fn withheld_id(r: &EntityRef) -> Option<String> {
    match r {
        EntityRef::Booking(id) => Some(format!("booking:{id}")),
        EntityRef::Activity(id) => Some(format!("activity:{id}")),
        _ => None,
    }
}

/// Parses a `withheld` row id back.
pub(crate) fn parse_withheld(entity: &str) -> Option<EntityRef> {
    let (kind, id) = entity.split_once(':')?;
    match kind {
        "booking" => crate::ids::BookingId::parse(id).ok().map(EntityRef::Booking),
        "activity" => crate::ids::ActivityId::parse(id).ok().map(EntityRef::Activity),
        _ => None,
    }
}

fn upsert(conn: &Connection, group: &GroupId, key: DocKey, entity: &Entity) -> Result<(), StoreError> {
    match entity {
        Entity::Group(g) => upsert_group(conn, group, g),
        Entity::Member(m) => upsert_member(conn, group, m),
        Entity::Item(i) => upsert_item(conn, group, i),
        Entity::Booking(b) => upsert_booking(conn, group, key, b),
        Entity::Activity(a) => upsert_activity(conn, group, key, a),
    }
}

fn remove(conn: &Connection, group: &GroupId, r: &EntityRef) -> Result<(), StoreError> {
    let g = group.as_str();
    match r {
        EntityRef::Group => {
            conn.execute("DELETE FROM groups WHERE id = ?1", [g])?;
        }
        EntityRef::Member(id) => {
            conn.execute("DELETE FROM members WHERE group_id = ?1 AND id = ?2", [g, id.as_str()])?;
            conn.execute("DELETE FROM devices WHERE group_id = ?1 AND member_id = ?2", [g, id.as_str()])?;
            conn.execute("DELETE FROM qualifications WHERE group_id = ?1 AND member_id = ?2", [g, id.as_str()])?;
        }
        EntityRef::Item(id) => remove_item(conn, g, id.as_str())?,
        EntityRef::Booking(id) => {
            conn.execute("DELETE FROM bookings WHERE group_id = ?1 AND id = ?2", [g, id.as_str()])?;
            conn.execute("DELETE FROM holds WHERE group_id = ?1 AND booking_id = ?2", [g, id.as_str()])?;
            if let Some(item) = care::remove_return(conn, g, id.as_str())? {
                care::refresh_condition(conn, g, &item)?;
            }
        }
        EntityRef::Activity(id) => {
            conn.execute("DELETE FROM activity WHERE group_id = ?1 AND id = ?2", [g, id.as_str()])?;
        }
    }
    Ok(())
}

fn upsert_group(conn: &Connection, group: &GroupId, g: &Group) -> Result<(), StoreError> {
    // A catalogue whose group object names another group is malformed: ignore it.
    if &g.id != group {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO groups (id, name, description, created, pickup_window_hours, relay_url, members_may_invite, founder)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
         created = excluded.created, pickup_window_hours = excluded.pickup_window_hours,
         relay_url = excluded.relay_url, members_may_invite = excluded.members_may_invite, founder = excluded.founder",
    )?
    .execute(params![
        g.id.as_str(),
        g.name,
        g.description,
        g.created.0,
        g.pickup_window_hours,
        g.relay_url.as_deref().unwrap_or_default(),
        g.members_may_invite,
        g.founder.as_ref().and_then(|f| serde_json::to_string(f).ok())
    ])?;
    Ok(())
}

fn upsert_member(conn: &Connection, group: &GroupId, m: &Member) -> Result<(), StoreError> {
    let g = group.as_str();
    conn.prepare_cached(
        "INSERT OR REPLACE INTO members (group_id, id, name, role, joined, removed, roles)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        g,
        m.id.as_str(),
        m.name,
        m.role.as_str(),
        m.joined.0,
        m.removed.map(|t| t.0),
        serde_json::to_string(&m.roles).map_err(|e| StoreError::Encode { message: e.to_string() })?
    ])?;
    conn.prepare_cached("DELETE FROM devices WHERE group_id = ?1 AND member_id = ?2")?.execute([g, m.id.as_str()])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO devices (group_id, device_id, member_id, label, added) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (device, info) in &m.devices {
        insert.execute(params![g, device.as_str(), m.id.as_str(), info.label, info.added.0])?;
    }
    conn.prepare_cached("DELETE FROM qualifications WHERE group_id = ?1 AND member_id = ?2")?
        .execute([g, m.id.as_str()])?;
    let mut insert = conn
        .prepare_cached("INSERT INTO qualifications (group_id, item_id, member_id, since) VALUES (?1, ?2, ?3, ?4)")?;
    for (item, since) in &m.qualifications {
        insert.execute(params![g, item.as_str(), m.id.as_str(), since.0])?;
    }
    Ok(())
}

fn remove_item(conn: &Connection, g: &str, id: &str) -> Result<(), StoreError> {
    let rowid: Option<i64> = conn
        .prepare_cached("SELECT rowid FROM items WHERE group_id = ?1 AND id = ?2")?
        .query_row([g, id], |r| r.get(0))
        .ok();
    if let Some(rowid) = rowid {
        conn.prepare_cached("DELETE FROM item_search WHERE rowid = ?1")?.execute([rowid])?;
    }
    conn.prepare_cached("DELETE FROM items WHERE group_id = ?1 AND id = ?2")?.execute([g, id])?;
    conn.prepare_cached("DELETE FROM item_tags WHERE group_id = ?1 AND item_id = ?2")?.execute([g, id])?;
    conn.prepare_cached("DELETE FROM kit_parts WHERE group_id = ?1 AND kit_id = ?2")?.execute([g, id])?;
    conn.prepare_cached("DELETE FROM maintenance_plans WHERE group_id = ?1 AND item_id = ?2")?.execute([g, id])?;
    Ok(())
}

/// The folded text an item is found by.
pub(crate) fn item_search_text(i: &Item) -> String {
    let mut parts = vec![i.name.as_str(), i.description.as_str(), i.category.as_str(), i.location.text.as_str()];
    parts.extend(i.tags.iter().map(String::as_str));
    text::fold(&parts.join(" "))
}

fn upsert_item(conn: &Connection, group: &GroupId, i: &Item) -> Result<(), StoreError> {
    let g = group.as_str();
    let data = serde_json::to_string(i).map_err(|e| StoreError::Encode { message: e.to_string() })?;
    let folded = item_search_text(i);
    conn.prepare_cached(
        "INSERT INTO items (group_id, id, name, category, quantity, condition, location_text, folded_text, retired, created, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (group_id, id) DO UPDATE SET name = excluded.name, category = excluded.category,
         quantity = excluded.quantity, condition = excluded.condition, location_text = excluded.location_text,
         folded_text = excluded.folded_text, retired = excluded.retired, created = excluded.created, data = excluded.data",
    )?
    .execute(params![
        g,
        i.id.as_str(),
        i.name,
        i.category,
        i.quantity,
        i.condition.as_str(),
        text::fold(&i.location.text),
        folded,
        i.retired,
        i.created.0,
        data
    ])?;
    let rowid: i64 = conn
        .prepare_cached("SELECT rowid FROM items WHERE group_id = ?1 AND id = ?2")?
        .query_row([g, i.id.as_str()], |r| r.get(0))?;
    conn.prepare_cached("DELETE FROM item_search WHERE rowid = ?1")?.execute([rowid])?;
    conn.prepare_cached("INSERT INTO item_search (rowid, group_id, item_id, body) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![rowid, g, i.id.as_str(), folded])?;
    conn.prepare_cached("DELETE FROM item_tags WHERE group_id = ?1 AND item_id = ?2")?.execute([g, i.id.as_str()])?;
    let mut insert =
        conn.prepare_cached("INSERT OR IGNORE INTO item_tags (group_id, tag, item_id) VALUES (?1, ?2, ?3)")?;
    for tag in &i.tags {
        insert.execute([g, tag.as_str(), i.id.as_str()])?;
    }
    conn.prepare_cached("DELETE FROM kit_parts WHERE group_id = ?1 AND kit_id = ?2")?.execute([g, i.id.as_str()])?;
    let mut insert =
        conn.prepare_cached("INSERT INTO kit_parts (group_id, kit_id, part_id, units) VALUES (?1, ?2, ?3, ?4)")?;
    for (part, units) in &i.kit_parts {
        insert.execute(params![g, i.id.as_str(), part.as_str(), units])?;
    }
    // What the item's open bookings hold depends on its parts.
    let open: Vec<String> = conn
        .prepare_cached(
            "SELECT data FROM bookings INDEXED BY bookings_open WHERE group_id = ?1 AND item_id = ?2
             AND stored_state IN ('requested', 'confirmed', 'checked_out')",
        )?
        .query_map([g, i.id.as_str()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for data in open {
        if let Ok(record) = serde_json::from_str::<BookingRecord>(&data) {
            write_holds(conn, g, &record)?;
        }
    }
    care::project_plans(conn, g, i)?;
    // The row holds the steward's condition; returns since the newest maintenance may make
    // the current one worse.
    care::refresh_condition(conn, g, i.id.as_str())
}

/// Rewrites the units a booking holds: its item and, for a kit, the kit's parts. Only
/// bookings whose stored state holds units have holds; resolution may mark them bumped.
fn write_holds(conn: &Connection, g: &str, b: &BookingRecord) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM holds WHERE group_id = ?1 AND booking_id = ?2")?.execute([g, b.id.as_str()])?;
    let state = b.stored_state();
    if !state.holds_units() {
        return Ok(());
    }
    let mut holds: Vec<(String, u32)> = vec![(b.item.as_str().to_owned(), b.units)];
    let mut parts = conn.prepare_cached("SELECT part_id, units FROM kit_parts WHERE group_id = ?1 AND kit_id = ?2")?;
    let rows = parts.query_map([g, b.item.as_str()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
    for row in rows {
        let (part, per_kit) = row?;
        if part != b.item.as_str() {
            holds.push((part, per_kit.saturating_mul(b.units)));
        }
    }
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO holds (group_id, booking_id, item_id, units, start_ms, end_ms, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (item, units) in holds {
        insert.execute(params![g, b.id.as_str(), item, units, b.start.0, b.end.0, state.as_str()])?;
    }
    Ok(())
}

fn upsert_booking(conn: &Connection, group: &GroupId, key: DocKey, b: &BookingRecord) -> Result<(), StoreError> {
    let data = serde_json::to_string(b).map_err(|e| StoreError::Encode { message: e.to_string() })?;
    let state = b.stored_state();
    conn.prepare_cached(
        "INSERT OR REPLACE INTO bookings (group_id, id, item_id, member_id, units, start_ms, end_ms, state, note,
         created, created_by, updated, doc_key, stored_state, hlc, queue_rank, bump_reason, bump_winner, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?8, ?14, ?15, NULL, NULL, ?16)",
    )?
    .execute(params![
        group.as_str(),
        b.id.as_str(),
        b.item.as_str(),
        b.member.as_str(),
        b.units,
        b.start.0,
        b.end.0,
        state.as_str(),
        b.note,
        b.created.0,
        b.created_by.as_str(),
        b.updated.0,
        key.to_string(),
        b.hlc,
        b.queue_rank,
        data
    ])?;
    write_holds(conn, group.as_str(), b)?;
    if care::project_return(conn, group.as_str(), b)? {
        care::refresh_condition(conn, group.as_str(), b.item.as_str())?;
    }
    Ok(())
}

fn upsert_activity(conn: &Connection, group: &GroupId, key: DocKey, a: &ActivityEntry) -> Result<(), StoreError> {
    // The document is recorded only when it is not the activity document of the entry's month.
    let doc_key = (key != DocKey::activity_at(a.at)).then(|| key.to_string());
    conn.prepare_cached(
        "INSERT OR REPLACE INTO activity
             (group_id, id, at, actor, device, action, item_id, booking_id, subject, summary, doc_key, month)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        group.as_str(),
        a.id.as_str(),
        a.at.0,
        a.actor.as_str(),
        a.device.as_str(),
        a.action.as_str(),
        a.item.as_ref().map(|i| i.as_str()),
        a.booking.as_ref().map(|b| b.as_str()),
        a.subject.as_ref().map(|m| m.as_str()),
        a.summary,
        doc_key,
        a.at.month_number()
    ])?;
    Ok(())
}

/// Deletes every projection row of a group.
pub(crate) fn clear_group(conn: &Connection, group: &GroupId) -> Result<(), StoreError> {
    let g = group.as_str();
    conn.execute("DELETE FROM item_search WHERE rowid IN (SELECT rowid FROM items WHERE group_id = ?1)", [g])?;
    conn.execute("DELETE FROM groups WHERE id = ?1", [g])?;
    for table in [
        "members",
        "devices",
        "items",
        "item_tags",
        "bookings",
        "holds",
        "kit_parts",
        "qualifications",
        "activity",
        "withheld",
        "returns",
        "maintenance_plans",
    ] {
        conn.execute(&format!("DELETE FROM {table} WHERE group_id = ?1"), [g])?;
    }
    Ok(())
}
