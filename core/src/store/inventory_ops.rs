//! Inventory in and out: planning and applying an item import, and exporting items, bookings
//! and history as tables (`inventory`).

use std::collections::BTreeMap;

use rusqlite::params;

use crate::docs::{DocKey, Entity};
use crate::domain::permissions::require_steward;
use crate::domain::{ActivityAction, Item};
use crate::error::Result;
use crate::ids::{GroupId, ItemId};
use crate::inventory::export::{self, ExportKind, ExportTable};
use crate::inventory::plan::{self, ImportPlan, RowAction};
use crate::inventory::{InventoryError, sheet, stats};
use crate::store::{Store, StoreError, queries};
use crate::time::Timestamp;

impl Store {
    /// What importing the CSV file `bytes` into `group`'s catalogue would do, row by row
    /// (`inventory::plan` has the matching rule). Writes nothing.
    pub fn plan_item_import(&self, group: &GroupId, bytes: &[u8]) -> Result<ImportPlan> {
        self.group(group)?;
        let sheet = sheet::read(bytes)?;
        Ok(plan::plan(sheet, &self.all_items(group)?))
    }

    /// Imports the CSV file `bytes` into `group`'s catalogue (stewards) as one write: every
    /// added and changed item with its activity entry, all or nothing. Refused, writing
    /// nothing, when any row cannot be used. Returns the plan it carried out.
    pub fn import_items(&mut self, group: &GroupId, bytes: &[u8]) -> Result<ImportPlan> {
        let me = self.me(group)?;
        require_steward(me.role, "add items")?;
        let plan = self.plan_item_import(group, bytes)?;
        let errors = plan.errors();
        if let Some(first) = errors.first() {
            return Err(InventoryError::InvalidRows { count: errors.len(), first: first.clone() }.into());
        }
        let now = self.now();
        let mut writes = Vec::new();
        for row in &plan.rows {
            let (item, action, summary) = match &row.action {
                RowAction::Add { draft } => {
                    let item = draft.clone().into_item(ItemId::generate(), now)?;
                    let summary = format!("{} ({} from an import)", item.name, units(item.quantity));
                    (item, ActivityAction::ItemAdded, summary)
                }
                RowAction::Update { item, changed, patch } => {
                    let updated = patch.apply_to(&self.item(group, item)?)?;
                    let summary = format!("{}: {} changed by an import", updated.name, changed.join(", "));
                    (updated, ActivityAction::ItemEdited, summary)
                }
                RowAction::Unchanged { .. } | RowAction::Error { .. } => continue,
            };
            let activity = self.activity_entry(&me, action, Some(&item.id), None, summary);
            writes.push((DocKey::Catalogue, Entity::Item(item)));
            writes.push(activity);
        }
        if !writes.is_empty() {
            self.commit_writes(group, writes)?;
        }
        Ok(plan)
    }

    /// A table of `group`'s items (not retired, by name), bookings (by start) or history
    /// (oldest first) for a spreadsheet. Bookings and history can be limited to those that
    /// start, or happened, in `[from, to)`.
    pub fn export_table(
        &self,
        group: &GroupId,
        kind: ExportKind,
        window: Option<(Timestamp, Timestamp)>,
    ) -> Result<ExportTable> {
        self.group(group)?;
        if let Some((from, to)) = window
            && to <= from
        {
            return Err(InventoryError::InvalidWindow { from, to, reason: "it must end after it starts" }.into());
        }
        let (from, to) = window.map_or((i64::MIN, i64::MAX), |(f, t)| (f.millis(), t.millis()));
        match kind {
            ExportKind::Items => {
                let mut items: Vec<Item> = self.all_items(group)?.into_iter().filter(|i| !i.retired).collect();
                items.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
                Ok(export::items_table(&items))
            }
            ExportKind::Bookings => {
                let sql = format!(
                    "SELECT {} FROM bookings WHERE group_id = ?1 AND start_ms >= ?2 AND start_ms < ?3
                     ORDER BY start_ms, id",
                    queries::BOOKING_COLUMNS
                );
                let mut stmt = self.conn().prepare(&sql).map_err(StoreError::from)?;
                let mut rows = stmt.query(params![group.as_str(), from, to]).map_err(StoreError::from)?;
                let mut bookings = Vec::new();
                while let Some(r) = rows.next().map_err(StoreError::from)? {
                    bookings.push(queries::booking_row(r)?);
                }
                Ok(export::bookings_table(&bookings, &self.names(group)?))
            }
            ExportKind::History => {
                let sql = format!(
                    "SELECT {} FROM activity WHERE group_id = ?1 AND at >= ?2 AND at < ?3 ORDER BY at, id",
                    queries::ACTIVITY_COLUMNS
                );
                let mut stmt = self.conn().prepare(&sql).map_err(StoreError::from)?;
                let mut rows = stmt.query(params![group.as_str(), from, to]).map_err(StoreError::from)?;
                let mut entries = Vec::new();
                while let Some(r) = rows.next().map_err(StoreError::from)? {
                    entries.push(queries::activity_row(r)?);
                }
                Ok(export::history_table(&entries, &self.names(group)?))
            }
        }
    }

    /// Loans per month over `[from, to)` as an SVG bar chart titled `title`.
    pub fn loans_chart_svg(&self, group: &GroupId, from: Timestamp, to: Timestamp, title: &str) -> Result<String> {
        let stats = self.stats(group, from, to)?;
        Ok(stats::loans_chart_svg(&stats.per_month, title)?)
    }

    /// Every item of a group, retired ones included.
    fn all_items(&self, group: &GroupId) -> Result<Vec<Item>> {
        let mut stmt = self.conn().prepare_cached("SELECT data FROM items WHERE group_id = ?1 ORDER BY name, id")?;
        let data = stmt.query_map([group.as_str()], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        data.iter()
            .map(|d| {
                serde_json::from_str(d).map_err(|e| {
                    StoreError::Corrupt { reason: format!("unreadable item in the projection: {e}") }.into()
                })
            })
            .collect()
    }

    /// The names of a group's items and members by id.
    fn names(&self, group: &GroupId) -> Result<TableNames> {
        let read = |sql: &str| -> Result<BTreeMap<String, String>> {
            let mut stmt = self.conn().prepare_cached(sql)?;
            let rows = stmt.query_map([group.as_str()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            Ok(rows.collect::<Result<BTreeMap<_, _>, _>>()?)
        };
        let items = read("SELECT id, name FROM items WHERE group_id = ?1")?;
        let members = read("SELECT id, name FROM members WHERE group_id = ?1")?;
        Ok(TableNames { items, members })
    }
}

/// `1 unit`, `3 units`.
fn units(n: u32) -> String {
    format!("{n} unit{}", if n == 1 { "" } else { "s" })
}

/// Names by id for an export.
struct TableNames {
    items: BTreeMap<String, String>,
    members: BTreeMap<String, String>,
}

impl export::Names for TableNames {
    fn item(&self, id: &str) -> String {
        self.items.get(id).cloned().unwrap_or_default()
    }

    fn member(&self, id: &str) -> String {
        self.members.get(id).cloned().unwrap_or_default()
    }
}
