//! Re-projecting what depends on who the group's members are.
//!
//! Which writes count depends on the roster (members, their devices, roles over time,
//! removals). When the catalogue's roster changes, everything judged by it is projected
//! again: the whole catalogue, the withheld bookings and activity entries, and the bookings
//! and entries of the members whose standing changed. So every device ends with the same
//! projection whatever order the changes arrived in.

use automerge::AutoCommit;
use rusqlite::{Connection, params};
use std::collections::{BTreeMap, BTreeSet};

use crate::docs::{DocKey, EntityRef, all_entities};
use crate::ids::{ActivityId, BookingId, GroupId, MemberId};
use crate::store::{StoreError, doc_log, projection, resolve::ChangeTracker};
use crate::time::Timestamp;
use crate::trust::roster::Roster;

/// Projects the catalogue entities `refs` and, if the roster changed, everything that depends
/// on it. Every entity projected is added to `tracker` (before) and `projected`.
pub(crate) fn project_catalogue(
    conn: &Connection,
    group: &GroupId,
    doc: &AutoCommit,
    refs: &BTreeSet<EntityRef>,
    tracker: &mut ChangeTracker,
    projected: &mut BTreeSet<EntityRef>,
) -> Result<(), StoreError> {
    let before = Roster::from_projection(conn, group)?;
    tracker.before(conn, group, refs)?;
    projection::project(conn, group, DocKey::Catalogue, doc, refs)?;
    projected.extend(refs.iter().cloned());
    let after = Roster::from_projection(conn, group)?;
    let changed = before.changed_members(&after);
    if changed.is_empty() {
        return Ok(());
    }
    let all: BTreeSet<EntityRef> = all_entities(doc, &DocKey::Catalogue)?.into_iter().collect();
    tracker.before(conn, group, &all)?;
    projection::project(conn, group, DocKey::Catalogue, doc, &all)?;
    projected.extend(all);
    for (key, refs) in dependents(conn, group, &changed)? {
        if let Some(doc) = doc_log::load(conn, group, key)? {
            tracker.before(conn, group, &refs)?;
            projection::project(conn, group, key, &doc, &refs)?;
            projected.extend(refs);
        }
    }
    Ok(())
}

/// Bookings and activity entries judged by the standing of `members`, and every withheld
/// one, by document.
fn dependents(
    conn: &Connection,
    group: &GroupId,
    members: &[MemberId],
) -> Result<BTreeMap<DocKey, BTreeSet<EntityRef>>, StoreError> {
    let g = group.as_str();
    let mut out: BTreeMap<DocKey, BTreeSet<EntityRef>> = BTreeMap::new();
    let mut stmt = conn.prepare_cached("SELECT entity, doc_key FROM withheld WHERE group_id = ?1")?;
    for row in stmt.query_map([g], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (entity, key) = row?;
        if let (Some(r), Some(key)) = (projection::parse_withheld(&entity), DocKey::parse(&key)) {
            out.entry(key).or_default().insert(r);
        }
    }
    let mut bookings = conn.prepare_cached(
        "SELECT id, doc_key FROM bookings WHERE group_id = ?1 AND (member_id = ?2 OR EXISTS (
             SELECT 1 FROM json_each(bookings.data, '$.events') e WHERE json_extract(e.value, '$.by') = ?2))",
    )?;
    let mut activity =
        conn.prepare_cached("SELECT id, at, doc_key FROM activity WHERE group_id = ?1 AND actor = ?2")?;
    for m in members {
        for row in
            bookings.query_map(params![g, m.as_str()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        {
            let (id, key) = row?;
            if let (Ok(id), Some(key)) = (BookingId::parse(&id), DocKey::parse(&key)) {
                out.entry(key).or_default().insert(EntityRef::Booking(id));
            }
        }
        let rows = activity.query_map(params![g, m.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<String>>(2)?))
        })?;
        for row in rows {
            let (id, at, key) = row?;
            // Without a recorded document, the entry is in the activity document of its month.
            let key = key.as_deref().and_then(DocKey::parse).unwrap_or(DocKey::activity_at(Timestamp(at)));
            if let Ok(id) = ActivityId::parse(&id) {
                out.entry(key).or_default().insert(EntityRef::Activity(id));
            }
        }
    }
    Ok(out)
}
