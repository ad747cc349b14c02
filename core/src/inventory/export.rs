//! Tables for a spreadsheet: the items, the bookings or the history of a group as rows, written
//! as CSV (`csv` crate) or JSON.
//!
//! CSV files are UTF-8 with a byte-order mark: Excel reads a CSV without one in the Windows
//! code page and shows `Ã¥` for `å`; with it every spreadsheet program and the importer read
//! the text right. The separator is `,` or `;` (Excel in Swedish and Norwegian settings splits
//! columns on `;`). Instants are written `YYYY-MM-DD HH:MM:SS` in UTC (a form spreadsheets
//! read as a date), in columns named `..._utc`.

use serde_json::{Map, Value};

use crate::domain::{ActivityEntry, Booking, Item};
use crate::inventory::InventoryError;
use crate::inventory::sheet::Field;
use crate::time::Timestamp;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// The catalogue's items (not retired), by name: the columns `import items` reads.
    Items,
    /// Bookings, by start.
    Bookings,
    /// The activity history, oldest first.
    History,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number.
    Number(i64),
}

impl Cell {
    fn as_text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
        }
    }
}

/// A table to export: a header and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportTable {
    /// Column names.
    pub headers: Vec<&'static str>,
    /// Rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

/// The byte-order mark CSV files begin with.
pub const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

impl ExportTable {
    /// The table as CSV bytes: UTF-8 with a byte-order mark, `separator` between cells, cells
    /// quoted where needed, `\r\n` line ends (what spreadsheet programs write).
    pub fn to_csv(&self, separator: char) -> Result<Vec<u8>, InventoryError> {
        let err = |e: csv::Error| InventoryError::Write { what: "CSV file", message: e.to_string() };
        let mut writer = csv::WriterBuilder::new()
            .delimiter(u8::try_from(separator).unwrap_or(b','))
            .terminator(csv::Terminator::CRLF)
            .from_writer(UTF8_BOM.to_vec());
        writer.write_record(&self.headers).map_err(err)?;
        for row in &self.rows {
            writer.write_record(row.iter().map(Cell::as_text)).map_err(err)?;
        }
        writer.into_inner().map_err(|e| InventoryError::Write { what: "CSV file", message: e.to_string() })
    }

    /// The table as a JSON array of objects keyed by the column names.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.rows
                .iter()
                .map(|row| {
                    let mut object = Map::new();
                    for (header, cell) in self.headers.iter().zip(row) {
                        let value = match cell {
                            Cell::Text(t) => Value::String(t.clone()),
                            Cell::Number(n) => Value::from(*n),
                        };
                        object.insert((*header).to_owned(), value);
                    }
                    Value::Object(object)
                })
                .collect(),
        )
    }
}

/// An instant as spreadsheets read it, in UTC: `2026-11-28 09:00:00`.
pub fn sheet_time(ts: Timestamp) -> String {
    let (y, mo, d, h, mi) = ts.civil();
    let s = ts.millis().rem_euclid(60_000) / 1000;
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// The items table: the columns `import items` reads ([`Field::ALL`]).
pub fn items_table(items: &[Item]) -> ExportTable {
    let rows = items
        .iter()
        .map(|i| {
            Field::ALL
                .iter()
                .map(|f| match f {
                    Field::Id => Cell::Text(i.id.to_string()),
                    Field::Name => Cell::Text(i.name.clone()),
                    Field::Category => Cell::Text(i.category.clone()),
                    Field::Quantity => Cell::Number(i64::from(i.quantity)),
                    Field::Condition => Cell::Text(i.condition.as_str().to_owned()),
                    Field::Location => Cell::Text(i.location.text.clone()),
                    Field::Tags => Cell::Text(i.tags.join(", ")),
                    Field::Description => Cell::Text(i.description.clone()),
                })
                .collect()
        })
        .collect();
    ExportTable { headers: Field::ALL.iter().map(|f| f.as_str()).collect(), rows }
}

/// Names behind ids, for the export's readable columns.
pub trait Names {
    /// An item's name (empty when unknown).
    fn item(&self, id: &str) -> String;
    /// A member's name (empty when unknown).
    fn member(&self, id: &str) -> String;
}

/// The bookings table.
pub fn bookings_table(bookings: &[Booking], names: &dyn Names) -> ExportTable {
    let headers = vec![
        "id",
        "item_id",
        "item",
        "member_id",
        "member",
        "units",
        "start_utc",
        "end_utc",
        "state",
        "note",
        "created_utc",
    ];
    let rows = bookings
        .iter()
        .map(|b| {
            vec![
                Cell::Text(b.id.to_string()),
                Cell::Text(b.item.to_string()),
                Cell::Text(names.item(b.item.as_str())),
                Cell::Text(b.member.to_string()),
                Cell::Text(names.member(b.member.as_str())),
                Cell::Number(i64::from(b.units)),
                Cell::Text(sheet_time(b.start)),
                Cell::Text(sheet_time(b.end)),
                Cell::Text(b.state.as_str().to_owned()),
                Cell::Text(b.note.clone()),
                Cell::Text(sheet_time(b.created)),
            ]
        })
        .collect();
    ExportTable { headers, rows }
}

/// The history table.
pub fn history_table(entries: &[ActivityEntry], names: &dyn Names) -> ExportTable {
    let headers = vec!["id", "at_utc", "actor_id", "actor", "action", "item_id", "item", "booking_id", "summary"];
    let rows = entries
        .iter()
        .map(|e| {
            let item = e.item.as_ref().map(|i| i.to_string()).unwrap_or_default();
            vec![
                Cell::Text(e.id.to_string()),
                Cell::Text(sheet_time(e.at)),
                Cell::Text(e.actor.to_string()),
                Cell::Text(names.member(e.actor.as_str())),
                Cell::Text(e.action.as_str().to_owned()),
                Cell::Text(item.clone()),
                Cell::Text(names.item(&item)),
                Cell::Text(e.booking.as_ref().map(|b| b.to_string()).unwrap_or_default()),
                Cell::Text(e.summary.clone()),
            ]
        })
        .collect();
    ExportTable { headers, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_bom_and_quotes_what_needs_it() -> Result<(), InventoryError> {
        let table = ExportTable {
            headers: vec!["name", "note"],
            rows: vec![vec![Cell::Text("Såg".into()), Cell::Text("a; b\n\"c\"".into())]],
        };
        let bytes = table.to_csv(';')?;
        assert!(bytes.starts_with(UTF8_BOM));
        let text = String::from_utf8(bytes.get(3..).unwrap_or_default().to_vec()).unwrap_or_default();
        assert_eq!(text, "name;note\r\nSåg;\"a; b\n\"\"c\"\"\"\r\n");
        assert_eq!(sheet_time(Timestamp(1_000)), "1970-01-01 00:00:01");
        Ok(())
    }
}
