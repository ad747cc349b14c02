//! Gear care in the projection: the `returns` and `maintenance_plans` tables, an item's
//! current condition (the steward's, or worse when a return since the newest maintenance
//! reported worse), and when an item's blocking maintenance plans block bookings from.
//!
//! Everything here reads only projection rows, which are a function of the merged documents:
//! no device clock and no arrival order, so every device derives the same conditions and the
//! same blocks (see `domain::maintenance`).

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::{BookingRecord, Condition, ConditionReport, Item, MaintenancePlan, event};
use crate::ids::{BookingId, GroupId, ItemId, MemberId};
use crate::store::StoreError;
use crate::time::Timestamp;

/// Rewrites the plan rows of an item (only the plans in force have one).
pub(crate) fn project_plans(conn: &Connection, g: &str, item: &Item) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM maintenance_plans WHERE group_id = ?1 AND item_id = ?2")?
        .execute([g, item.id.as_str()])?;
    if item.plans.is_empty() {
        return Ok(());
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO maintenance_plans (group_id, item_id, plan_id, schedule, blocks, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for plan in item.active_plans() {
        let schedule =
            serde_json::to_string(&plan.schedule).map_err(|e| StoreError::Encode { message: e.to_string() })?;
        insert.execute(params![g, item.id.as_str(), plan.id.as_str(), schedule, plan.blocks, plan.created.0])?;
    }
    Ok(())
}

/// Rewrites the `returns` row of a booking (one when it was returned). Returns whether a row
/// was written or removed, so the item's condition is looked at again only then.
pub(crate) fn project_return(conn: &Connection, g: &str, b: &BookingRecord) -> Result<bool, StoreError> {
    let removed = conn
        .prepare_cached("DELETE FROM returns WHERE group_id = ?1 AND booking_id = ?2")?
        .execute([g, b.id.as_str()])?;
    let Some(returned) = b.events.get(event::RETURNED) else { return Ok(removed > 0) };
    conn.prepare_cached(
        "INSERT INTO returns (group_id, booking_id, item_id, returned_ms, member_id, condition, note, photo, thumbnail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        g,
        b.id.as_str(),
        b.item.as_str(),
        returned.at.0,
        returned.by.as_str(),
        returned.condition.map(Condition::as_str),
        returned.note.as_deref().unwrap_or_default(),
        returned.photo.as_deref(),
        returned.thumbnail.as_deref(),
    ])?;
    Ok(true)
}

/// Removes the `returns` row of a booking that is gone. Returns its item, if it had one.
pub(crate) fn remove_return(conn: &Connection, g: &str, booking: &str) -> Result<Option<String>, StoreError> {
    let item: Option<String> = conn
        .prepare_cached("SELECT item_id FROM returns WHERE group_id = ?1 AND booking_id = ?2")?
        .query_row([g, booking], |r| r.get(0))
        .optional()?;
    if item.is_some() {
        conn.prepare_cached("DELETE FROM returns WHERE group_id = ?1 AND booking_id = ?2")?.execute([g, booking])?;
    }
    Ok(item)
}

/// The steward's condition, the newest maintenance and the stored current condition of an
/// item, read from its row.
fn condition_facts(
    conn: &Connection,
    g: &str,
    item: &str,
) -> Result<Option<(Condition, Option<i64>, String)>, StoreError> {
    let row: Option<(String, Option<i64>, String)> = conn
        .prepare_cached(
            "SELECT json_extract(data, '$.condition'),
                    (SELECT MAX(json_extract(m.value, '$.at')) FROM json_each(items.data, '$.maintenance') m),
                    condition
             FROM items WHERE group_id = ?1 AND id = ?2",
        )?
        .query_row([g, item], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.map(|(set, last, stored)| (Condition::parse(&set).unwrap_or(Condition::Good), last, stored)))
}

/// The worst condition reported at a return of `item` after `since` (the newest such report
/// among equally bad ones).
fn worst_report(
    conn: &Connection,
    g: &str,
    item: &str,
    since: Option<i64>,
) -> Result<Option<ConditionReport>, StoreError> {
    let reports: Vec<Option<ConditionReport>> = conn
        .prepare_cached(&format!(
            "SELECT {REPORT_COLUMNS} FROM returns INDEXED BY returns_by_item
             WHERE group_id = ?1 AND item_id = ?2 AND returned_ms > ?3 AND condition IS NOT NULL"
        ))?
        .query_map(params![g, item, since.unwrap_or(i64::MIN)], report_of_row)?
        .collect::<Result<_, _>>()?;
    let mut worst: Option<ConditionReport> = None;
    for report in reports.into_iter().flatten() {
        let better = match &worst {
            None => true,
            Some(w) => (report.condition, report.at, &report.booking) > (w.condition, w.at, &w.booking),
        };
        if better {
            worst = Some(report);
        }
    }
    Ok(worst)
}

/// Brings an item's stored current condition (`items.condition`) up to date with its
/// returns: the steward's condition, or the worst one reported since the newest maintenance
/// when that is worse.
pub(crate) fn refresh_condition(conn: &Connection, g: &str, item: &str) -> Result<(), StoreError> {
    let Some((set, last, stored)) = condition_facts(conn, g, item)? else { return Ok(()) };
    let reported = worst_report(conn, g, item, last)?.map(|r| r.condition);
    let current = reported.map_or(set, |r| r.max(set));
    if current.as_str() != stored {
        conn.prepare_cached("UPDATE items SET condition = ?3 WHERE group_id = ?1 AND id = ?2")?.execute(params![
            g,
            item,
            current.as_str()
        ])?;
    }
    Ok(())
}

/// Fills in what an item read from its catalogue entry does not hold: the report behind a
/// current condition worse than the steward's.
pub(crate) fn with_report(conn: &Connection, g: &str, mut item: Item, stored: &str) -> Result<Item, StoreError> {
    if stored != item.condition.as_str() {
        item.reported = worst_report(conn, g, item.id.as_str(), item.last_maintenance().map(|t| t.0))?.map(Box::new);
    }
    Ok(item)
}

/// The condition reports of an item since its newest maintenance, newest first.
pub(crate) fn reports_since(conn: &Connection, g: &str, item: &Item) -> Result<Vec<ConditionReport>, StoreError> {
    let since = item.last_maintenance().map_or(i64::MIN, |t| t.0);
    let reports: Vec<Option<ConditionReport>> = conn
        .prepare_cached(&format!(
            "SELECT {REPORT_COLUMNS} FROM returns INDEXED BY returns_by_item
             WHERE group_id = ?1 AND item_id = ?2 AND returned_ms > ?3 AND condition IS NOT NULL
             ORDER BY returned_ms DESC, booking_id DESC"
        ))?
        .query_map(params![g, item.id.as_str(), since], report_of_row)?
        .collect::<Result<_, _>>()?;
    Ok(reports.into_iter().flatten().collect())
}

/// The columns of a `returns` row [`report_of_row`] reads, in its order.
const REPORT_COLUMNS: &str = "booking_id, returned_ms, member_id, condition, note, photo, thumbnail";

/// The condition report of a `returns` row read with [`REPORT_COLUMNS`]; `None` for a row
/// that reported no condition or names no valid booking or member.
fn report_of_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<ConditionReport>> {
    let (booking, by, condition): (String, String, Option<String>) = (r.get(0)?, r.get(2)?, r.get(3)?);
    let (Ok(booking), Ok(by), Some(condition)) =
        (BookingId::parse(&booking), MemberId::parse(&by), condition.as_deref().and_then(Condition::parse))
    else {
        return Ok(None);
    };
    Ok(Some(ConditionReport {
        booking,
        at: Timestamp(r.get(1)?),
        by,
        condition,
        note: r.get(4)?,
        photo: r.get(5)?,
        thumbnail: r.get(6)?,
    }))
}

/// The return instants of the loans of `item` (its own bookings and those of the kits that
/// hold it) after `after`, earliest first, at most `limit`.
pub(crate) fn loan_returns(
    conn: &Connection,
    g: &str,
    item: &str,
    after: Timestamp,
    limit: u32,
) -> Result<Vec<Timestamp>, StoreError> {
    let mut owners = vec![item.to_owned()];
    owners.extend(
        conn.prepare_cached(
            "SELECT kit_id FROM kit_parts INDEXED BY kit_parts_by_part WHERE group_id = ?1 AND part_id = ?2",
        )?
        .query_map([g, item], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?,
    );
    let mut stmt = conn.prepare_cached(
        "SELECT returned_ms FROM returns INDEXED BY returns_by_item
         WHERE group_id = ?1 AND item_id = ?2 AND returned_ms > ?3 ORDER BY returned_ms LIMIT ?4",
    )?;
    let mut out = Vec::new();
    for owner in owners {
        for at in stmt.query_map(params![g, owner, after.0, limit], |r| r.get::<_, i64>(0))? {
            out.push(Timestamp(at?));
        }
    }
    out.sort();
    out.truncate(limit as usize);
    Ok(out)
}

/// Every plan in force of an item with when it falls due (`None`: not yet) and the loans
/// returned since its base.
pub(crate) fn plan_dues(
    conn: &Connection,
    g: &str,
    item: &Item,
) -> Result<Vec<(MaintenancePlan, Option<Timestamp>, u32)>, StoreError> {
    let last = item.last_maintenance();
    let mut out = Vec::new();
    for plan in item.active_plans() {
        let base = plan.base(last);
        let (due, loans) = match plan.schedule.loans() {
            Some(n) => {
                let returns = loan_returns(conn, g, item.id.as_str(), base, n)?;
                let counted = if returns.len() < n as usize {
                    u32::try_from(returns.len()).unwrap_or(u32::MAX)
                } else {
                    loan_count(conn, g, item.id.as_str(), base)?
                };
                (plan.due_at(last, &returns), counted)
            }
            None => (plan.due_at(last, &[]), loan_count(conn, g, item.id.as_str(), base)?),
        };
        out.push((plan.clone(), due, loans));
    }
    Ok(out)
}

/// How many loans of `item` (its own and its kits') came back after `after`.
fn loan_count(conn: &Connection, g: &str, item: &str, after: Timestamp) -> Result<u32, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*) FROM returns INDEXED BY returns_by_item
             WHERE group_id = ?1 AND returned_ms > ?3 AND (item_id = ?2 OR item_id IN
                 (SELECT kit_id FROM kit_parts WHERE group_id = ?1 AND part_id = ?2))",
        )?
        .query_row(params![g, item, after.0], |r| r.get(0))?)
}

/// Whether an item has a blocking plan in force (one indexed lookup: most items have none).
fn has_blocking_plan(conn: &Connection, g: &str, item: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM maintenance_plans WHERE group_id = ?1 AND item_id = ?2 AND blocks = 1)",
        )?
        .query_row([g, item], |r| r.get(0))?)
}

/// From when an item's blocking plans block bookings (the earliest instant one fell or falls
/// due), if any does.
pub(crate) fn blocked_from(conn: &Connection, group: &GroupId, item: &str) -> Result<Option<Timestamp>, StoreError> {
    let g = group.as_str();
    if !has_blocking_plan(conn, g, item)? {
        return Ok(None);
    }
    let Ok(id) = ItemId::parse(item) else { return Ok(None) };
    let Some(item) = crate::store::queries::item(conn, group, &id)? else { return Ok(None) };
    let last = item.last_maintenance();
    let mut earliest: Option<Timestamp> = None;
    for plan in item.active_plans().into_iter().filter(|p| p.blocks) {
        let returns = match plan.schedule.loans() {
            Some(n) => loan_returns(conn, g, item.id.as_str(), plan.base(last), n)?,
            None => Vec::new(),
        };
        if let Some(due) = plan.due_at(last, &returns) {
            earliest = Some(earliest.map_or(due, |e| e.min(due)));
        }
    }
    Ok(earliest)
}
