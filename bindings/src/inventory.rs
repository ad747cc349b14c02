//! Inventory in and out and the steward's numbers on `DelbarStore`: planning and applying an
//! item import from a CSV file's bytes, exporting tables as CSV or JSON, statistics over a
//! window and the chart of loans per month. Each method delegates to one core call.

use std::sync::Arc;

use delbar_core::i18n::{self, Locale};
use delbar_core::inventory::{self as core, ExportKind as CoreExportKind, RowAction};
use delbar_core::time::Timestamp;

use crate::DelbarStore;
use crate::error::DelbarError;
use crate::locale;
use crate::records::ids;

/// What one row of an import does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ImportRowKind {
    /// Adds a new item.
    Add,
    /// Changes an existing item.
    Update,
    /// The item is already as the row says.
    Unchanged,
    /// The row cannot be used.
    Error,
}

/// One row of an import plan.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ImportRow {
    /// The line of the file the row starts on (the header is line 1).
    pub line: u64,
    /// The row's name cell.
    pub name: String,
    /// What it does.
    pub kind: ImportRowKind,
    /// The item it updates or leaves unchanged.
    pub item_id: Option<String>,
    /// The fields it changes (`name`, `quantity`, `location`, ...), for an update.
    pub changed: Vec<String>,
    /// Why it cannot be used, in the locale set with `setLocale`, for an error.
    pub problem: Option<String>,
}

/// What an item import does (or did), row by row.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ImportPlan {
    /// The text encoding found (`UTF-8`, `windows-1252`, ...).
    pub encoding: String,
    /// The separator found (`,`, `;` or a tab).
    pub separator: String,
    /// The fields read, one per recognised column, in file order (`name`, `quantity`, ...).
    pub fields: Vec<String>,
    /// Header cells not read.
    pub ignored_columns: Vec<String>,
    /// Every data row, in file order.
    pub rows: Vec<ImportRow>,
    /// Rows adding an item.
    pub added: u32,
    /// Rows changing an item.
    pub updated: u32,
    /// Rows already as the catalogue.
    pub unchanged: u32,
    /// Rows that cannot be used (an import with any is refused).
    pub errors: u32,
}

impl ImportPlan {
    fn from_core(plan: core::ImportPlan, locale: Locale) -> Self {
        let counts = plan.counts();
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let rows = plan
            .rows
            .into_iter()
            .map(|r| {
                let (kind, item_id, changed, problem) = match r.action {
                    RowAction::Add { .. } => (ImportRowKind::Add, None, Vec::new(), None),
                    RowAction::Update { item, changed, .. } => (
                        ImportRowKind::Update,
                        Some(item.to_string()),
                        changed.into_iter().map(str::to_owned).collect(),
                        None,
                    ),
                    RowAction::Unchanged { item } => {
                        (ImportRowKind::Unchanged, Some(item.to_string()), Vec::new(), None)
                    }
                    RowAction::Error { problem } => {
                        (ImportRowKind::Error, None, Vec::new(), Some(i18n::row_problem(&problem, locale)))
                    }
                };
                ImportRow { line: r.line, name: r.name, kind, item_id, changed, problem }
            })
            .collect();
        ImportPlan {
            encoding: plan.encoding.to_owned(),
            separator: plan.separator.to_string(),
            fields: plan.columns.iter().map(|(_, f)| f.as_str().to_owned()).collect(),
            ignored_columns: plan.ignored_columns,
            rows,
            added: count(counts.added),
            updated: count(counts.updated),
            unchanged: count(counts.unchanged),
            errors: count(counts.errors),
        }
    }
}

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ExportKind {
    /// The catalogue's items (not retired), with the columns an import reads.
    Items,
    /// Bookings, by start.
    Bookings,
    /// The activity history, oldest first.
    History,
}

impl From<ExportKind> for CoreExportKind {
    fn from(k: ExportKind) -> Self {
        match k {
            ExportKind::Items => CoreExportKind::Items,
            ExportKind::Bookings => CoreExportKind::Bookings,
            ExportKind::History => CoreExportKind::History,
        }
    }
}

/// Loans that started in one calendar month (UTC).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MonthLoans {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
    /// Loans that started in it.
    pub loans: u32,
}

/// How much one item was used in the window.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ItemUsage {
    /// The item.
    pub item_id: String,
    /// Its name.
    pub name: String,
    /// Its category.
    pub category: String,
    /// Its units.
    pub quantity: u32,
    /// Loans that started in the window.
    pub loans: u32,
    /// Unit-hours booked inside the window.
    pub booked_unit_hours: f64,
    /// Unit-hours it could have been lent.
    pub available_unit_hours: f64,
    /// Booked over available (0 to 1 unless units were overbooked).
    pub utilisation: f64,
}

impl From<core::stats::ItemUsage> for ItemUsage {
    fn from(u: core::stats::ItemUsage) -> Self {
        ItemUsage {
            item_id: u.item.to_string(),
            booked_unit_hours: u.booked_unit_hours(),
            available_unit_hours: u.available_unit_hours(),
            utilisation: u.utilisation(),
            name: u.name,
            category: u.category,
            quantity: u.quantity,
            loans: u.loans,
        }
    }
}

/// How much one category was used in the window.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CategoryUsage {
    /// The category (empty for items without one).
    pub category: String,
    /// Its items.
    pub items: u32,
    /// Loans of its items that started in the window.
    pub loans: u32,
    /// Booked over available unit-hours.
    pub utilisation: f64,
}

/// A member holding gear past its end.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OverdueMember {
    /// The member.
    pub member_id: String,
    /// Their name.
    pub name: String,
    /// How many loans are overdue.
    pub loans: u32,
    /// The end of the oldest overdue loan.
    pub oldest_end: Timestamp,
}

/// An item needing a steward's attention.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AttentionItem {
    /// The item.
    pub item_id: String,
    /// Its name.
    pub name: String,
    /// Why: `needs_repair`, `out_of_service`, `overdue`.
    pub reasons: Vec<String>,
}

/// The steward's numbers for a window.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Stats {
    /// Window start.
    pub from: Timestamp,
    /// Window end (exclusive).
    pub to: Timestamp,
    /// When the overdue and attention lists were taken.
    pub as_of: Timestamp,
    /// Loans that started in the window.
    pub loans: u32,
    /// Loans per month, oldest first, every month the window touches.
    pub per_month: Vec<MonthLoans>,
    /// Every item not retired, by name.
    pub items: Vec<ItemUsage>,
    /// Every category in use.
    pub categories: Vec<CategoryUsage>,
    /// The most used items (at most five).
    pub most_used: Vec<ItemUsage>,
    /// The least used items (at most five).
    pub least_used: Vec<ItemUsage>,
    /// Members with overdue loans, most first.
    pub overdue_members: Vec<OverdueMember>,
    /// Items needing attention.
    pub attention: Vec<AttentionItem>,
}

impl From<core::Stats> for Stats {
    fn from(s: core::Stats) -> Self {
        let usage = |v: Vec<core::stats::ItemUsage>| v.into_iter().map(ItemUsage::from).collect();
        Stats {
            from: s.from,
            to: s.to,
            as_of: s.as_of,
            loans: s.loans,
            per_month: s
                .per_month
                .into_iter()
                .map(|m| MonthLoans { year: m.year, month: m.month, loans: m.loans })
                .collect(),
            categories: s
                .categories
                .into_iter()
                .map(|c| CategoryUsage {
                    utilisation: c.utilisation(),
                    category: c.category,
                    items: c.items,
                    loans: c.loans,
                })
                .collect(),
            items: usage(s.items),
            most_used: usage(s.most_used),
            least_used: usage(s.least_used),
            overdue_members: s
                .overdue_members
                .into_iter()
                .map(|m| OverdueMember {
                    member_id: m.member.to_string(),
                    name: m.name,
                    loans: m.loans,
                    oldest_end: m.oldest_end,
                })
                .collect(),
            attention: s
                .attention
                .into_iter()
                .map(|a| AttentionItem {
                    item_id: a.item.to_string(),
                    name: a.name,
                    reasons: a.reasons.iter().map(|r| r.as_str().to_owned()).collect(),
                })
                .collect(),
        }
    }
}

fn window(from: Option<Timestamp>, to: Option<Timestamp>) -> Option<(Timestamp, Timestamp)> {
    match (from, to) {
        (None, None) => None,
        (from, to) => {
            Some((from.map_or(Timestamp(i64::MIN), Timestamp::from), to.map_or(Timestamp(i64::MAX), Timestamp::from)))
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl DelbarStore {
    /// What importing a CSV file (its bytes, as a spreadsheet program wrote them) into the
    /// group's catalogue would do, row by row. Writes nothing.
    pub async fn plan_item_import(self: Arc<Self>, group_id: String, csv: Vec<u8>) -> Result<ImportPlan, DelbarError> {
        self.blocking(move |s| {
            let plan = s.plan_item_import(&ids::group(&group_id)?, &csv)?;
            Ok(ImportPlan::from_core(plan, locale::current()))
        })
        .await
    }

    /// Imports a CSV file into the group's catalogue (stewards) in one write: all rows or,
    /// when any row cannot be used, nothing (`DelbarError.InvalidInput` naming the first).
    pub async fn import_items(self: Arc<Self>, group_id: String, csv: Vec<u8>) -> Result<ImportPlan, DelbarError> {
        self.blocking(move |s| {
            let plan = s.import_items(&ids::group(&group_id)?, &csv)?;
            Ok(ImportPlan::from_core(plan, locale::current()))
        })
        .await
    }

    /// A table as CSV bytes for a spreadsheet (UTF-8 with a byte-order mark; `;` between
    /// cells when `semicolon`, else `,`). Bookings and history can be limited to those
    /// starting, or happening, from `from` to before `to`.
    #[uniffi::method(default(from = None, to = None))]
    pub async fn export_csv(
        self: Arc<Self>,
        group_id: String,
        kind: ExportKind,
        semicolon: bool,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
    ) -> Result<Vec<u8>, DelbarError> {
        self.blocking(move |s| {
            let table = s.export_table(&ids::group(&group_id)?, kind.into(), window(from, to))?;
            Ok(table.to_csv(if semicolon { ';' } else { ',' }).map_err(delbar_core::Error::from)?)
        })
        .await
    }

    /// The same table as a JSON array of objects keyed by the CSV's column names.
    #[uniffi::method(default(from = None, to = None))]
    pub async fn export_json(
        self: Arc<Self>,
        group_id: String,
        kind: ExportKind,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
    ) -> Result<String, DelbarError> {
        self.blocking(move |s| {
            let table = s.export_table(&ids::group(&group_id)?, kind.into(), window(from, to))?;
            Ok(table.to_json().to_string())
        })
        .await
    }

    /// The steward's numbers over `from` to before `to`.
    pub async fn stats(
        self: Arc<Self>,
        group_id: String,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Stats, DelbarError> {
        self.blocking(move |s| Ok(s.stats(&ids::group(&group_id)?, from, to)?.into())).await
    }

    /// Loans per month over the window as an SVG bar chart, titled in the locale set with
    /// `setLocale`.
    pub async fn loans_chart_svg(
        self: Arc<Self>,
        group_id: String,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<String, DelbarError> {
        let title = i18n::loans_chart_title(locale::current());
        self.blocking(move |s| Ok(s.loans_chart_svg(&ids::group(&group_id)?, from, to, title)?)).await
    }
}
