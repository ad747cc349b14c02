//! Errors of inventory import, export and the steward's numbers.

use crate::domain::DomainError;

/// Why one row of an item import cannot be used. The row's line number is kept beside it
/// ([`RowError`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RowProblem {
    /// The row has no name.
    #[error("the name is empty")]
    MissingName,
    /// The quantity is not a whole number.
    #[error("'{given}' is not a whole number of units")]
    BadQuantity {
        /// The cell as written.
        given: String,
    },
    /// The condition is not one Delbar knows.
    #[error("'{given}' is not a condition (good, worn, needs repair, out of service)")]
    UnknownCondition {
        /// The cell as written.
        given: String,
    },
    /// The id is a Delbar item id that names no item of this group.
    #[error("no item of this group has the id {id}")]
    UnknownId {
        /// The id as written.
        id: String,
    },
    /// Several items of the group have this name, so the row cannot tell which one it means.
    #[error("{count} items are named '{name}'; add an id column to tell them apart")]
    AmbiguousName {
        /// The name.
        name: String,
        /// How many items have it.
        count: usize,
    },
    /// An earlier row of the file already names the same item.
    #[error("line {first_line} already names the same item")]
    Duplicate {
        /// The line of the earlier row.
        first_line: u64,
    },
    /// A value breaks a rule of the catalogue (too long, out of range).
    #[error("{error}")]
    Invalid {
        /// The rule broken.
        error: DomainError,
    },
}

/// A row that cannot be used, with its line in the file (the first line of the row when a
/// quoted cell spans several lines; the header is line 1).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct RowError {
    /// The line the row starts on.
    pub line: u64,
    /// What is wrong with it.
    pub problem: RowProblem,
}

/// An import, export or statistics request was refused; nothing was changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InventoryError {
    /// The file has no header line.
    #[error("the file is empty")]
    EmptyFile,
    /// No column of the header names the items.
    #[error("no column holds the items' names (name, namn or navn); the header has: {headers}")]
    NoNameColumn {
        /// The header's cells, comma-separated.
        headers: String,
    },
    /// Two columns of the header mean the same field.
    #[error("the columns '{first}' and '{second}' both hold the {field}")]
    DuplicateColumn {
        /// The field both mean.
        field: &'static str,
        /// The first column's header.
        first: String,
        /// The second column's header.
        second: String,
    },
    /// The file is not CSV a reader can follow.
    #[error("the file is not readable CSV at line {line}: {message}")]
    Unreadable {
        /// The line where reading stopped.
        line: u64,
        /// The CSV reader's message.
        message: String,
    },
    /// The file has more rows than one import takes.
    #[error("the file has more than {max} rows; split it")]
    TooManyRows {
        /// The limit.
        max: usize,
    },
    /// `--commit` was asked for a file with rows that cannot be used: nothing was written.
    #[error("{count} row(s) cannot be imported, nothing was written; first: {first}")]
    InvalidRows {
        /// How many rows.
        count: usize,
        /// The first of them.
        first: RowError,
    },
    /// A statistics or export window that ends before it starts, or spans too long.
    #[error("the window from {from} to {to} is not valid: {reason}")]
    InvalidWindow {
        /// Its start.
        from: crate::time::Timestamp,
        /// Its end.
        to: crate::time::Timestamp,
        /// What is wrong.
        reason: &'static str,
    },
    /// Writing a CSV file or a chart failed.
    #[error("could not write the {what}: {message}")]
    Write {
        /// What was being written.
        what: &'static str,
        /// The writer's message.
        message: String,
    },
}
