//! What a command prints: aligned tables and prose for people, one JSON document for scripts.
//! Every piece of text passes through [`crate::escape`] on its way out, so names and notes
//! from other devices cannot act on the terminal.

use serde_json::Value;
use std::io::Write;

use crate::escape;

/// A command's result to print.
#[derive(Debug)]
pub enum Output {
    /// Text for a person.
    Text(String),
    /// One JSON document for a script.
    Json(Value),
    /// Text or JSON for standard error, when standard output carries data (`delbar pipe`).
    Stderr(String),
}

/// What a command produced: its output and, when it found a problem after printing it
/// (`check` finding differences), the message for stderr and a non-zero exit.
#[derive(Debug)]
pub struct Outcome {
    /// What goes to stdout.
    pub output: Output,
    /// A problem to report on stderr, making the command exit with code 1.
    pub problem: Option<String>,
}

impl Outcome {
    /// A successful outcome with text.
    pub fn text(text: Text) -> Self {
        Outcome { output: Output::Text(text.0), problem: None }
    }

    /// A successful outcome with JSON.
    pub fn json(value: Value) -> Self {
        Outcome { output: Output::Json(value), problem: None }
    }
}

/// Writes the output to stdout. A closed pipe (`delbar item list | head`) is not an error.
pub fn print(output: &Output) {
    if let Output::Stderr(text) = output {
        let _ = std::io::stderr().lock().write_all(escape::text(text).as_bytes());
        return;
    }
    let text = match output {
        Output::Stderr(_) => return,
        Output::Text(t) => escape::text(t),
        Output::Json(v) => match serde_json::to_string_pretty(v) {
            Ok(s) => escape::json(&s) + "\n",
            Err(e) => {
                print_error(&format!("could not write JSON: {e}"));
                return;
            }
        },
    };
    let mut out = std::io::stdout().lock();
    // Nothing useful can be done when stdout is gone.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Prints `error: <message>` to stderr.
pub fn print_error(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "error: {}", escape::text(message));
}

/// Text being built line by line.
#[derive(Debug, Default)]
pub struct Text(String);

impl Text {
    /// Empty text.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a line. Control, bidirectional and invisible characters in it, line breaks
    /// included, are shown as escapes ([`escape::line`]).
    pub fn line(&mut self, line: impl AsRef<str>) {
        self.0.push_str(&escape::line(line.as_ref()));
        self.0.push('\n');
    }

    /// Appends lines made by the command itself (a QR code drawn in characters); only
    /// control, bidirectional and invisible characters are escaped ([`escape::text`]).
    pub fn block(&mut self, block: &str) {
        self.0.push_str(&escape::text(block));
        if !block.ends_with('\n') {
            self.0.push('\n');
        }
    }

    /// Appends an empty line.
    pub fn blank(&mut self) {
        self.0.push('\n');
    }

    /// Appends a table, or `empty` when it has no rows.
    pub fn table(&mut self, table: &Table, empty: &str) {
        if table.is_empty() {
            self.line(empty);
        } else {
            self.0.push_str(&table.render());
        }
    }

    /// Appends a table indented by three spaces, or `empty` when it has no rows.
    pub fn indented_table(&mut self, table: &Table, empty: &str) {
        if table.is_empty() {
            self.line(empty);
        } else {
            for line in table.render().lines() {
                self.line(format!("   {line}"));
            }
        }
    }

    /// Appends `label: value` lines with the values aligned, skipping empty values. A value
    /// of several lines (a description) continues on lines indented under its first, so no
    /// value can pass for a line of its own.
    pub fn fields(&mut self, fields: &[(&str, String)]) {
        let widest = fields.iter().filter(|(_, v)| !v.is_empty()).map(|(l, _)| width(l)).max().unwrap_or(0);
        for (label, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
            let pad = " ".repeat(widest.saturating_sub(width(label)));
            let mut lines = value.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
            self.line(format!("{label}:{pad} {}", lines.next().unwrap_or_default()));
            for more in lines {
                self.line(format!("{} {more}", " ".repeat(widest + 1)));
            }
        }
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Display width of a cell: characters, which is right for the Latin scripts Delbar's groups
/// write in.
fn width(s: &str) -> usize {
    s.chars().count()
}

/// A table with a header row and left-aligned columns separated by two spaces.
#[derive(Debug, Clone)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new(headers: &[&str]) -> Self {
        Table { headers: headers.iter().map(|h| (*h).to_owned()).collect(), rows: Vec::new() }
    }

    /// Appends a row; missing cells are empty, extra ones are dropped. Line breaks in a
    /// cell are shown as spaces so rows stay on one line; other control, bidirectional and
    /// invisible characters as escapes ([`escape::line`]).
    pub fn row(&mut self, cells: Vec<String>) {
        let mut cells: Vec<String> =
            cells.into_iter().map(|c| escape::line(&c.replace(['\n', '\r', '\t'], " "))).collect();
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as aligned lines, without trailing spaces.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&self.headers).chain(&self.rows) {
            let mut line = String::new();
            for (i, (cell, w)) in row.iter().zip(&widths).enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                line.push_str(cell);
                line.push_str(&" ".repeat(w.saturating_sub(width(cell))));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_with_nordic_letters() {
        let mut t = Table::new(&["NAME", "QTY"]);
        t.row(vec!["Växthusvärmare".into(), "2".into()]);
        t.row(vec!["Såg".into(), "1".into()]);
        assert_eq!(t.render(), "NAME            QTY\nVäxthusvärmare  2\nSåg             1\n");
    }

    #[test]
    fn fields_skip_empty_values() {
        let mut text = Text::new();
        text.fields(&[("Name", "Såg".into()), ("Description", String::new()), ("Quantity", "1".into())]);
        assert_eq!(text.as_str(), "Name:     Såg\nQuantity: 1\n");
    }

    #[test]
    fn text_from_other_devices_cannot_act_on_the_terminal() {
        let mut t = Table::new(&["NAME", "QTY"]);
        t.row(vec!["Bad\u{1b}[2J\u{202e}x\ny".into(), "1".into()]);
        assert_eq!(t.render(), "NAME                     QTY\nBad\\u{1b}[2J\\u{202e}x y  1\n");
        let mut text = Text::new();
        text.line("Added Ring\u{7}\nFAKE: line");
        text.fields(&[("Name", "Såg\u{200b}".into()), ("Description", "Rad 1\r\nRad 2\u{1b}".into())]);
        assert_eq!(
            text.as_str(),
            "Added Ring\\u{7}\\u{a}FAKE: line\nName:        Såg\\u{200b}\nDescription: Rad 1\n             Rad 2\\u{1b}\n"
        );
    }
}
