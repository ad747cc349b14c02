//! What an item import would do, row by row: a pure function of the file's rows and the
//! group's items, so a dry run and `--commit` give the same answer on the same store.
//!
//! Matching rule (importing the same file again updates rather than duplicates):
//! 1. A row with an `id` cell (columns `id`, `code`, `kod`, `kode`) that is the id of an item of
//!    the group updates that item. A cell shaped like a Delbar item id that names no item of the
//!    group is an error (the row comes from another group's export). Any other code (a host's
//!    own inventory numbers) is not an item id: the row falls through to the name.
//! 2. Otherwise the row updates the one item of the group, not retired, whose name folds to the
//!    same text (case, diacritics and punctuation ignored: `Såg`, `SAG` and `såg!` match), and
//!    keeps the item's own spelling of the name. Two such items make the row an error.
//! 3. Otherwise the row adds a new item.
//!
//! Two rows naming the same item are an error on the second. A column the file has is the
//! truth for that field (an empty description cell clears the description), except that an
//! empty quantity or condition cell keeps the item's (a new item gets 1 unit, good). Columns
//! the file lacks leave their fields as they are.

use std::collections::BTreeMap;

use crate::domain::text::fold;
use crate::domain::{Condition, Item, ItemDraft, ItemPatch, Location};
use crate::ids::ItemId;
use crate::inventory::sheet::{Field, Sheet, SheetRow};
use crate::inventory::{RowError, RowProblem};

/// What one row would do.
#[derive(Debug, Clone, PartialEq)]
pub enum RowAction {
    /// Add a new item.
    Add {
        /// The item to add.
        draft: ItemDraft,
    },
    /// Change an existing item.
    Update {
        /// The item.
        item: ItemId,
        /// The fields that change, by their English header names.
        changed: Vec<&'static str>,
        /// The change.
        patch: ItemPatch,
    },
    /// The item is already as the row says.
    Unchanged {
        /// The item.
        item: ItemId,
    },
    /// The row cannot be used.
    Error {
        /// Why.
        problem: RowProblem,
    },
}

impl RowAction {
    /// `add`, `update`, `unchanged` or `error`.
    pub fn kind(&self) -> &'static str {
        match self {
            RowAction::Add { .. } => "add",
            RowAction::Update { .. } => "update",
            RowAction::Unchanged { .. } => "unchanged",
            RowAction::Error { .. } => "error",
        }
    }
}

/// One row of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRow {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    /// The row's name cell.
    pub name: String,
    /// What it would do.
    pub action: RowAction,
}

/// What an import would do.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    /// The text encoding found.
    pub encoding: &'static str,
    /// The separator found.
    pub separator: char,
    /// The columns read: header as written, and the field it holds.
    pub columns: Vec<(String, Field)>,
    /// Header cells not read.
    pub ignored_columns: Vec<String>,
    /// Every data row, in file order.
    pub rows: Vec<PlannedRow>,
}

impl ImportPlan {
    /// How many rows would add, update, stay unchanged and fail.
    pub fn counts(&self) -> ImportCounts {
        let mut c = ImportCounts::default();
        for row in &self.rows {
            match row.action {
                RowAction::Add { .. } => c.added += 1,
                RowAction::Update { .. } => c.updated += 1,
                RowAction::Unchanged { .. } => c.unchanged += 1,
                RowAction::Error { .. } => c.errors += 1,
            }
        }
        c
    }

    /// The rows that cannot be used, with their lines.
    pub fn errors(&self) -> Vec<RowError> {
        self.rows
            .iter()
            .filter_map(|r| match &r.action {
                RowAction::Error { problem } => Some(RowError { line: r.line, problem: problem.clone() }),
                _ => None,
            })
            .collect()
    }
}

/// Row counts of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ImportCounts {
    /// Rows adding an item.
    pub added: usize,
    /// Rows changing an item.
    pub updated: usize,
    /// Rows matching an item that is already as they say.
    pub unchanged: usize,
    /// Rows that cannot be used.
    pub errors: usize,
}

/// Plans the import of `sheet` into a group holding `items` (retired ones included).
pub fn plan(sheet: Sheet, items: &[Item]) -> ImportPlan {
    let by_id: BTreeMap<&ItemId, &Item> = items.iter().map(|i| (&i.id, i)).collect();
    let mut by_name: BTreeMap<String, Vec<&Item>> = BTreeMap::new();
    for item in items.iter().filter(|i| !i.retired) {
        by_name.entry(name_key(&item.name)).or_default().push(item);
    }
    // Which line first named each existing item, or each new name.
    let mut claimed: BTreeMap<String, u64> = BTreeMap::new();
    let mut rows = Vec::with_capacity(sheet.rows.len());
    for row in &sheet.rows {
        let name = row.get(Field::Name).unwrap_or_default().to_owned();
        let action = match plan_row(row, &by_id, &by_name) {
            Ok((claim, action)) => match claimed.get(&claim) {
                Some(first_line) => RowAction::Error { problem: RowProblem::Duplicate { first_line: *first_line } },
                None => {
                    claimed.insert(claim, row.line);
                    action
                }
            },
            Err(problem) => RowAction::Error { problem },
        };
        rows.push(PlannedRow { line: row.line, name, action });
    }
    ImportPlan {
        encoding: sheet.encoding,
        separator: sheet.separator,
        columns: sheet.columns,
        ignored_columns: sheet.ignored_columns,
        rows,
    }
}

/// The text two names are compared by.
fn name_key(name: &str) -> String {
    fold(name).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One row's action and the key that claims its item (`id:` an existing item, `new:` a new
/// name), so a second row naming the same item is found.
fn plan_row(
    row: &SheetRow,
    by_id: &BTreeMap<&ItemId, &Item>,
    by_name: &BTreeMap<String, Vec<&Item>>,
) -> Result<(String, RowAction), RowProblem> {
    let name = row.get(Field::Name).unwrap_or_default();
    if name.is_empty() {
        return Err(RowProblem::MissingName);
    }
    let quantity = match row.get(Field::Quantity).filter(|q| !q.is_empty()) {
        Some(q) => {
            Some(parse_quantity(q).ok_or_else(|| RowProblem::BadQuantity { given: crate::domain::input::echo(q) })?)
        }
        None => None,
    };
    let condition = match row.get(Field::Condition).filter(|c| !c.is_empty()) {
        Some(c) => Some(
            parse_condition(c).ok_or_else(|| RowProblem::UnknownCondition { given: crate::domain::input::echo(c) })?,
        ),
        None => None,
    };
    let existing = match row.get(Field::Id).filter(|id| !id.is_empty()) {
        Some(code) => match ItemId::parse(code) {
            Ok(id) => match by_id.get(&id) {
                Some(item) => Some(*item),
                None => return Err(RowProblem::UnknownId { id: crate::domain::input::echo(code) }),
            },
            Err(_) => None,
        },
        None => None,
    };
    // A row matched by its id may rename the item; one matched by its name keeps the name as
    // the catalogue writes it (the two fold alike).
    let by_code = existing.is_some();
    let existing = match existing {
        Some(item) => Some(item),
        None => match by_name.get(&name_key(name)).map(Vec::as_slice) {
            Some([item]) => Some(*item),
            Some(several) if several.len() > 1 => {
                return Err(RowProblem::AmbiguousName { name: name.to_owned(), count: several.len() });
            }
            _ => None,
        },
    };
    let text = |field: Field| row.get(field).map(str::to_owned);
    let tags = row.get(Field::Tags).map(split_tags);
    match existing {
        Some(item) => {
            let patch = ItemPatch {
                name: by_code.then(|| name.to_owned()),
                description: text(Field::Description),
                category: text(Field::Category),
                tags,
                quantity,
                condition,
                location: text(Field::Location).map(|t| Location { text: t, ..item.location.clone() }),
                ..ItemPatch::default()
            };
            let updated = patch.apply_to(item).map_err(|error| RowProblem::Invalid { error })?;
            let claim = format!("id:{}", item.id);
            let changed = changed_fields(item, &updated);
            if changed.is_empty() {
                Ok((claim, RowAction::Unchanged { item: item.id.clone() }))
            } else {
                Ok((claim, RowAction::Update { item: item.id.clone(), changed, patch }))
            }
        }
        None => {
            let mut draft = ItemDraft::named(name);
            draft.description = text(Field::Description).unwrap_or_default();
            draft.category = text(Field::Category).unwrap_or_default();
            draft.tags = tags.unwrap_or_default();
            draft.quantity = quantity.unwrap_or(1);
            draft.condition = condition.unwrap_or(Condition::Good);
            draft.location = Location { text: text(Field::Location).unwrap_or_default(), lat: None, lon: None };
            // Validated as the store will, so a dry run finds what a commit would refuse.
            draft
                .clone()
                .into_item(ItemId::generate(), crate::time::Timestamp(0))
                .map_err(|error| RowProblem::Invalid { error })?;
            Ok((format!("new:{}", name_key(name)), RowAction::Add { draft }))
        }
    }
}

/// A whole number of units: `3`, ` 3 `, `3.0`, `3,0` (a spreadsheet's number format).
fn parse_quantity(cell: &str) -> Option<i64> {
    let cell = cell.trim();
    if let Ok(n) = cell.parse::<i64>() {
        return Some(n);
    }
    let whole = cell.strip_suffix(".0").or_else(|| cell.strip_suffix(",0"))?;
    whole.parse::<i64>().ok()
}

/// A condition in English, Swedish or Norwegian.
fn parse_condition(cell: &str) -> Option<Condition> {
    if let Some(c) = Condition::parse(cell) {
        return Some(c);
    }
    let key: String = fold(cell).split_whitespace().collect::<Vec<_>>().join(" ");
    match key.as_str() {
        "bra" | "god" | "gott" | "ok" | "fin" => Some(Condition::Good),
        "sliten" | "slitt" | "anvand" | "brukt" => Some(Condition::Worn),
        "behover lagas" | "behover reparation" | "trenger reparasjon" | "ma repareres" | "needs repair" => {
            Some(Condition::NeedsRepair)
        }
        "ur bruk" | "trasig" | "ur funktion" | "ute av drift" | "odelagt" | "out of service" => {
            Some(Condition::OutOfService)
        }
        _ => None,
    }
}

/// Splits a tags cell on commas, semicolons or vertical bars.
fn split_tags(cell: &str) -> Vec<String> {
    cell.split([',', ';', '|']).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// The fields an import column can change that differ between two versions of an item.
fn changed_fields(before: &Item, after: &Item) -> Vec<&'static str> {
    [
        (before.name != after.name, Field::Name),
        (before.category != after.category, Field::Category),
        (before.quantity != after.quantity, Field::Quantity),
        (before.condition != after.condition, Field::Condition),
        (before.location != after.location, Field::Location),
        (before.tags != after.tags, Field::Tags),
        (before.description != after.description, Field::Description),
    ]
    .into_iter()
    .filter(|(changed, _)| *changed)
    .map(|(_, field)| field.as_str())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_and_conditions_as_spreadsheets_write_them() {
        assert_eq!(parse_quantity(" 3 "), Some(3));
        assert_eq!(parse_quantity("3,0"), Some(3));
        assert_eq!(parse_quantity("3.5"), None);
        assert_eq!(parse_quantity("tre"), None);
        assert_eq!(parse_condition("Behöver lagas"), Some(Condition::NeedsRepair));
        assert_eq!(parse_condition("slitt"), Some(Condition::Worn));
        assert_eq!(parse_condition("needs-repair"), Some(Condition::NeedsRepair));
        assert_eq!(parse_condition("kanske"), None);
    }
}
