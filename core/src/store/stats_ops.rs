//! The steward's numbers (`inventory::stats`) from the projection tables, with no document
//! loaded. Each query reads an index range that follows the window asked for or the group's
//! current state, never its whole history:
//!
//! - the longest booking: one seek in `bookings_by_span (group_id, end_ms - start_ms)`;
//! - the loans overlapping the window: `bookings_by_start (group_id, start_ms)` from
//!   `from - longest` to `to`;
//! - the items: `items_by_name (group_id, retired, name)`, the catalogue as it is now;
//! - overdue loans: `bookings_by_state (group_id, state, end_ms)`, the checked-out ones;
//! - items in need of repair or out of service: `items_by_condition (group_id, condition)`.

use std::collections::BTreeMap;

use rusqlite::params;

use crate::error::Result;
use crate::ids::{GroupId, ItemId, MemberId};
use crate::inventory::stats::{self, AttentionItem, AttentionReason, CategoryUsage, ItemUsage, OverdueMember, Stats};
use crate::store::{Store, StoreError};
use crate::time::Timestamp;

/// The longest booking of a group (`bookings_by_span`).
const LONGEST: &str = "SELECT MAX(end_ms - start_ms) FROM bookings WHERE group_id = ?1";
/// The items not retired (`items_by_name`).
const ITEMS: &str = "SELECT id, name, category, quantity, created FROM items WHERE group_id = ?1 AND retired = 0";
/// Loans overlapping `[?4, ?3)`, found by start from `?2` = `?4` minus the longest booking
/// (`bookings_by_start`). A loan is a booking whose resolved state holds or held units.
const LOANS: &str = "SELECT item_id, units, start_ms, end_ms FROM bookings
     WHERE group_id = ?1 AND start_ms >= ?2 AND start_ms < ?3 AND end_ms > ?4
     AND state IN ('requested', 'confirmed', 'checked_out', 'returned')";
/// Checked-out loans past their end at `?2`, with names (`bookings_by_state`).
const OVERDUE: &str = "SELECT b.member_id, COALESCE(m.name, ''), b.item_id, COALESCE(i.name, ''), b.end_ms
     FROM bookings b
     LEFT JOIN members m ON m.group_id = b.group_id AND m.id = b.member_id
     LEFT JOIN items i ON i.group_id = b.group_id AND i.id = b.item_id
     WHERE b.group_id = ?1 AND b.state = 'checked_out' AND b.end_ms < ?2";
/// Items needing repair or out of service (`items_by_condition`).
const NEEDING_REPAIR: &str = "SELECT id, name, condition FROM items INDEXED BY items_by_condition
     WHERE group_id = ?1 AND condition IN ('needs_repair', 'out_of_service') AND retired = 0";

impl Store {
    /// The steward's numbers for `group` over `[from, to)`: loans per item and per month,
    /// utilisation per item and category, the most and least used items, members with
    /// overdue loans and items needing attention (definitions in `inventory::stats`).
    pub fn stats(&self, group: &GroupId, from: Timestamp, to: Timestamp) -> Result<Stats> {
        stats::check_window(from, to)?;
        self.group(group)?;
        let conn = self.conn();
        let tx = self.read_transaction()?;
        let longest: i64 = tx
            .prepare_cached(LONGEST)?
            .query_row([group.as_str()], |r| r.get::<_, Option<i64>>(0))?
            .unwrap_or(0)
            .max(0);

        let mut items: BTreeMap<String, ItemUsage> = BTreeMap::new();
        {
            let mut stmt = conn.prepare_cached(ITEMS)?;
            let mut rows = stmt.query([group.as_str()])?;
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                let quantity: u32 = r.get(3)?;
                let created: i64 = r.get(4)?;
                let span = to.millis().saturating_sub(created.max(from.millis())).max(0);
                let usage = ItemUsage {
                    item: parse_item(&id)?,
                    name: r.get(1)?,
                    category: r.get(2)?,
                    quantity,
                    loans: 0,
                    booked_unit_ms: 0,
                    available_unit_ms: span.saturating_mul(i64::from(quantity)),
                };
                items.insert(id, usage);
            }
        }

        let mut per_month = stats::months_of(from, to);
        let first_month = from.month_number();
        let mut loans = 0u32;
        {
            let mut stmt = conn.prepare_cached(LOANS)?;
            let mut rows =
                stmt.query(params![group.as_str(), from.millis().saturating_sub(longest), to.millis(), from.millis()])?;
            while let Some(r) = rows.next()? {
                let item: String = r.get(0)?;
                let units: i64 = r.get(1)?;
                let (start, end): (i64, i64) = (r.get(2)?, r.get(3)?);
                let started_inside = start >= from.millis();
                if started_inside {
                    loans += 1;
                    let month = Timestamp(start).month_number() - first_month;
                    if let Some(m) = usize::try_from(month).ok().and_then(|i| per_month.get_mut(i)) {
                        m.loans += 1;
                    }
                }
                if let Some(usage) = items.get_mut(&item) {
                    let overlap = end.min(to.millis()).saturating_sub(start.max(from.millis())).max(0);
                    usage.booked_unit_ms = usage.booked_unit_ms.saturating_add(overlap.saturating_mul(units));
                    if started_inside {
                        usage.loans += 1;
                    }
                }
            }
        }

        let mut items: Vec<ItemUsage> = items.into_values().collect();
        items.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then_with(|| a.item.cmp(&b.item)));
        let mut categories: BTreeMap<String, CategoryUsage> = BTreeMap::new();
        for usage in &items {
            let c = categories.entry(usage.category.clone()).or_insert_with(|| CategoryUsage {
                category: usage.category.clone(),
                items: 0,
                loans: 0,
                booked_unit_ms: 0,
                available_unit_ms: 0,
            });
            c.items += 1;
            c.loans += usage.loans;
            c.booked_unit_ms = c.booked_unit_ms.saturating_add(usage.booked_unit_ms);
            c.available_unit_ms = c.available_unit_ms.saturating_add(usage.available_unit_ms);
        }
        let (most_used, least_used) = stats::ranked(&items);

        let now = self.now();
        let (overdue_members, overdue_items) = self.stats_overdue(group, now)?;
        let attention = self.stats_attention(group, now, &overdue_items)?;
        drop(tx);
        Ok(Stats {
            from,
            to,
            as_of: now,
            loans,
            per_month,
            items,
            categories: categories.into_values().collect(),
            most_used,
            least_used,
            overdue_members,
            attention,
        })
    }

    /// Members with overdue loans (most first, then by name) and the items out overdue with
    /// their names.
    fn stats_overdue(&self, group: &GroupId, now: Timestamp) -> Result<(Vec<OverdueMember>, BTreeMap<String, String>)> {
        let mut stmt = self.conn().prepare_cached(OVERDUE)?;
        let mut rows = stmt.query(params![group.as_str(), now.millis()])?;
        let mut members: BTreeMap<String, OverdueMember> = BTreeMap::new();
        let mut items = BTreeMap::new();
        while let Some(r) = rows.next()? {
            let member: String = r.get(0)?;
            let end = Timestamp(r.get(4)?);
            items.insert(r.get::<_, String>(2)?, r.get::<_, String>(3)?);
            match members.get_mut(&member) {
                Some(m) => {
                    m.loans += 1;
                    m.oldest_end = m.oldest_end.min(end);
                }
                None => {
                    let id = MemberId::parse(&member)
                        .map_err(|_| StoreError::Corrupt { reason: format!("bad member id '{member}'") })?;
                    members.insert(member, OverdueMember { member: id, name: r.get(1)?, loans: 1, oldest_end: end });
                }
            }
        }
        let mut members: Vec<OverdueMember> = members.into_values().collect();
        members.sort_by(|a, b| b.loans.cmp(&a.loans).then_with(|| a.name.cmp(&b.name)).then(a.member.cmp(&b.member)));
        Ok((members, items))
    }

    /// Items needing attention: needing repair, out of service, due for maintenance (a plan
    /// fell due at or before `now` with no maintenance logged since), or out overdue.
    fn stats_attention(
        &self,
        group: &GroupId,
        now: Timestamp,
        overdue_items: &BTreeMap<String, String>,
    ) -> Result<Vec<AttentionItem>> {
        let mut found: BTreeMap<String, (String, Vec<AttentionReason>)> = BTreeMap::new();
        let mut stmt = self.conn().prepare_cached(NEEDING_REPAIR)?;
        let mut rows = stmt.query([group.as_str()])?;
        while let Some(r) = rows.next()? {
            let condition: String = r.get(2)?;
            let reason =
                if condition == "needs_repair" { AttentionReason::NeedsRepair } else { AttentionReason::OutOfService };
            found.insert(r.get(0)?, (r.get(1)?, vec![reason]));
        }
        for due in self.maintenance_due(group, now)? {
            let reasons =
                &mut found.entry(due.item.as_str().to_owned()).or_insert_with(|| (due.item_name, Vec::new())).1;
            if !reasons.contains(&AttentionReason::MaintenanceDue) {
                reasons.push(AttentionReason::MaintenanceDue);
            }
        }
        for (id, name) in overdue_items {
            found.entry(id.clone()).or_insert_with(|| (name.clone(), Vec::new())).1.push(AttentionReason::Overdue);
        }
        let mut out = found
            .into_iter()
            .map(|(id, (name, mut reasons))| {
                reasons.sort();
                Ok(AttentionItem { item: parse_item(&id)?, name, reasons })
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then_with(|| a.item.cmp(&b.item)));
        Ok(out)
    }
}

fn parse_item(id: &str) -> Result<ItemId> {
    ItemId::parse(id).map_err(|_| StoreError::Corrupt { reason: format!("bad item id '{id}'") }.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The query plan of `sql` on a fresh store, one line per step.
    fn plan_of(store: &Store, sql: &str) -> String {
        let mut stmt = store.conn().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(3)).unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn every_statistics_query_reads_an_index_range() {
        let store = Store::open(":memory:").unwrap();
        let bind = |sql: &str| sql.replace("?1", "'g'").replace("?2", "0").replace("?3", "1").replace("?4", "0");
        for (sql, index) in [
            (LONGEST, "bookings_by_span"),
            (ITEMS, "items_by_name"),
            (LOANS, "bookings_by_start"),
            (OVERDUE, "bookings_by_state"),
            (NEEDING_REPAIR, "items_by_condition"),
        ] {
            let plan = plan_of(&store, &bind(sql));
            assert!(plan.contains(index), "{sql}\n{plan}");
            assert!(!plan.lines().any(|l| l.starts_with("SCAN")), "{sql}\n{plan}");
        }
    }
}
