//! Reading an item list as a spreadsheet program writes it: the text encoding, the separator
//! and the header names are found from the file itself.
//!
//! - Encoding: a byte-order mark decides (UTF-8, UTF-16 LE or BE, which `encoding_rs` reads);
//!   without one, text that is valid UTF-8 is UTF-8 and anything else is Windows-1252, what an
//!   older Excel writes on a Swedish or Norwegian Windows.
//! - Separator: whichever of `;`, `,` and tab occurs most often outside quotes on the header
//!   line (Excel writes `;` where the decimal mark is a comma); a tie goes to `,`.
//! - Cells and quoting: the `csv` crate, so quoted cells may hold separators, quotes and line
//!   breaks.
//! - Header names in English, Swedish or Norwegian, compared folded (case, diacritics,
//!   spaces and punctuation ignored): see [`Field::from_header`].

use encoding_rs::{Encoding, WINDOWS_1252};

use crate::domain::text::fold;
use crate::inventory::InventoryError;

/// Most data rows one import takes.
pub const MAX_ROWS: usize = 50_000;

/// An item field a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The item's Delbar id (what `export items` writes); also the column of a code.
    Id,
    /// Name.
    Name,
    /// Number of units.
    Quantity,
    /// Where it is kept.
    Location,
    /// Category.
    Category,
    /// Tags, separated by commas or semicolons inside the cell.
    Tags,
    /// Description.
    Description,
    /// Condition.
    Condition,
}

impl Field {
    /// Every field, in the order `export items` writes them.
    pub const ALL: [Field; 8] = [
        Field::Id,
        Field::Name,
        Field::Category,
        Field::Quantity,
        Field::Condition,
        Field::Location,
        Field::Tags,
        Field::Description,
    ];

    /// The English header name, as `export items` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Quantity => "quantity",
            Field::Location => "location",
            Field::Category => "category",
            Field::Tags => "tags",
            Field::Description => "description",
            Field::Condition => "condition",
        }
    }

    /// The field a header cell names, in English, Swedish or Norwegian, folded (so `Namn`,
    /// `NAVN`, `Beskrivning`, `Plassering`, `Antal st` all match).
    pub fn from_header(header: &str) -> Option<Field> {
        let key: String = fold(header).chars().filter(|c| !c.is_whitespace()).collect();
        let field = match key.as_str() {
            "id" | "itemid" | "code" | "kod" | "kode" | "artikelnummer" | "artnr" | "inventarienummer"
            | "inventarnummer" => Field::Id,
            "name" | "itemname" | "namn" | "navn" | "benamning" | "item" | "artikel" | "foremal" | "gjenstand" => {
                Field::Name
            }
            "quantity" | "qty" | "count" | "units" | "antal" | "antalst" | "antall" | "antallstk" | "stk" | "st" => {
                Field::Quantity
            }
            "location" | "place" | "plats" | "forvaring" | "lagerplats" | "plassering" | "sted" | "lagersted" => {
                Field::Location
            }
            "category" | "kategori" | "typ" | "type" => Field::Category,
            "tags" | "tag" | "taggar" | "tagg" | "etiketter" | "stikkord" | "nokkelord" | "emneord" => Field::Tags,
            "description" | "desc" | "notes" | "beskrivning" | "beskrivelse" | "anteckningar" | "merknad" => {
                Field::Description
            }
            "condition" | "state" | "skick" | "tillstand" | "tilstand" | "stand" => Field::Condition,
            _ => return None,
        };
        Some(field)
    }
}

/// One data row: its line and its cells by field.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    /// The cells of the recognised columns, trimmed.
    pub cells: Vec<(Field, String)>,
}

impl SheetRow {
    /// The cell of a field, if the file has that column.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.cells.iter().find(|(f, _)| *f == field).map(|(_, v)| v.as_str())
    }
}

/// A decoded item list.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The text encoding found (`UTF-8`, `windows-1252`, `UTF-16LE`, ...).
    pub encoding: &'static str,
    /// The separator found.
    pub separator: char,
    /// The recognised columns, in file order: header as written, and field.
    pub columns: Vec<(String, Field)>,
    /// Header cells no field matched; their cells are not read.
    pub ignored_columns: Vec<String>,
    /// The data rows, blank ones left out.
    pub rows: Vec<SheetRow>,
}

/// Decodes bytes as a spreadsheet program writes text: a BOM decides, else UTF-8 when the
/// bytes are valid UTF-8, else Windows-1252. Returns the text and the encoding's name.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        let (text, _) = encoding.decode_without_bom_handling(body);
        return (text.into_owned(), encoding.name());
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), encoding_rs::UTF_8.name()),
        Err(_) => {
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), WINDOWS_1252.name())
        }
    }
}

/// The separator of a header line: the most frequent of `;`, `,` and tab outside quotes; `,`
/// when none occurs or on a tie with it.
pub fn sniff_separator(text: &str) -> char {
    let (mut semicolons, mut commas, mut tabs) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ';' if !quoted => semicolons += 1,
            ',' if !quoted => commas += 1,
            '\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    if semicolons > commas && semicolons >= tabs {
        ';'
    } else if tabs > commas && tabs > semicolons {
        '\t'
    } else {
        ','
    }
}

/// Reads an item list from the bytes of a CSV file.
pub fn read(bytes: &[u8]) -> Result<Sheet, InventoryError> {
    let (text, encoding) = decode(bytes);
    if text.trim().is_empty() {
        return Err(InventoryError::EmptyFile);
    }
    let separator = sniff_separator(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(u8::try_from(separator).unwrap_or(b','))
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let unreadable = |e: csv::Error| InventoryError::Unreadable {
        line: e.position().map(|p| line_at(&text, p.byte())).unwrap_or(1),
        message: e.to_string(),
    };
    let headers = reader.headers().map_err(unreadable)?.clone();
    let mut columns: Vec<(usize, String, Field)> = Vec::new();
    let mut ignored_columns = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        let header = header.trim();
        match Field::from_header(header) {
            Some(field) => {
                if let Some((_, first, _)) = columns.iter().find(|(_, _, f)| *f == field) {
                    return Err(InventoryError::DuplicateColumn {
                        field: field.as_str(),
                        first: first.clone(),
                        second: header.to_owned(),
                    });
                }
                columns.push((index, header.to_owned(), field));
            }
            None if header.is_empty() => {}
            None => ignored_columns.push(header.to_owned()),
        }
    }
    if !columns.iter().any(|(_, _, f)| *f == Field::Name) {
        let headers: Vec<&str> = headers.iter().map(str::trim).filter(|h| !h.is_empty()).collect();
        return Err(InventoryError::NoNameColumn { headers: headers.join(", ") });
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(unreadable)?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(InventoryError::TooManyRows { max: MAX_ROWS });
        }
        let line = record.position().map(|p| line_at(&text, p.byte())).unwrap_or(0);
        let cells = columns
            .iter()
            .map(|(index, _, field)| (*field, record.get(*index).unwrap_or_default().trim().to_owned()))
            .collect();
        rows.push(SheetRow { line, cells });
    }
    Ok(Sheet {
        encoding,
        separator,
        columns: columns.into_iter().map(|(_, header, field)| (header, field)).collect(),
        ignored_columns,
        rows,
    })
}

/// The line (from 1) of the record that begins at byte `at`: the reader may place a record
/// on the line break before it (after a `\r\n`), so line breaks there are skipped first.
fn line_at(text: &str, at: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut at = usize::try_from(at).unwrap_or(usize::MAX).min(bytes.len());
    while bytes.get(at).is_some_and(|b| *b == b'\r' || *b == b'\n') {
        at += 1;
    }
    let breaks = bytes.get(..at).unwrap_or_default().iter().filter(|b| **b == b'\n').count();
    u64::try_from(breaks).unwrap_or(u64::MAX).saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_three_languages_folded() {
        assert_eq!(Field::from_header("Namn"), Some(Field::Name));
        assert_eq!(Field::from_header(" NAVN "), Some(Field::Name));
        assert_eq!(Field::from_header("Benämning"), Some(Field::Name));
        assert_eq!(Field::from_header("Antal st"), Some(Field::Quantity));
        assert_eq!(Field::from_header("antall"), Some(Field::Quantity));
        assert_eq!(Field::from_header("Förvaring"), Some(Field::Location));
        assert_eq!(Field::from_header("Plassering"), Some(Field::Location));
        assert_eq!(Field::from_header("Stikkord"), Some(Field::Tags));
        assert_eq!(Field::from_header("Beskrivelse"), Some(Field::Description));
        assert_eq!(Field::from_header("Kod"), Some(Field::Id));
        assert_eq!(Field::from_header("Tillstånd"), Some(Field::Condition));
        assert_eq!(Field::from_header("Pris"), None);
    }

    #[test]
    fn separator_is_sniffed_outside_quotes() {
        assert_eq!(sniff_separator("namn;antal;plats\nx;1;y"), ';');
        assert_eq!(sniff_separator("name,quantity\n"), ',');
        assert_eq!(sniff_separator("\"a;b;c\",quantity\n"), ',');
        assert_eq!(sniff_separator("name\tqty\n"), '\t');
        assert_eq!(sniff_separator("name\n"), ',');
    }

    #[test]
    fn windows_1252_is_decoded_when_not_utf8() {
        // "Såg" in Windows-1252: 0xE5 is å.
        let (text, encoding) = decode(b"S\xe5g");
        assert_eq!(text, "Såg");
        assert_eq!(encoding, "windows-1252");
        let (text, encoding) = decode("\u{feff}Såg".as_bytes());
        assert_eq!(text, "Såg");
        assert_eq!(encoding, "UTF-8");
    }
}
