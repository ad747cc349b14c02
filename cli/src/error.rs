//! The command's one error type: what the core refused, or what was typed wrong. Its message
//! is printed as `error: <message>` and the command exits with code 1.

use std::fmt;

/// Why a command failed. Nothing was changed in the store when a command returns one.
#[derive(Debug)]
pub enum CliError {
    /// The core refused the operation or could not read or write the store.
    Core(delbar_core::Error),
    /// The input could not be understood (a date, an id that matches nothing, ...).
    Input(String),
    /// A file or directory outside the store could not be used.
    Io(String),
}

impl CliError {
    /// An input error with this message.
    pub fn input(message: impl Into<String>) -> Self {
        CliError::Input(message.into())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Core(e) => f.write_str(&crate::place::error_text(e)),
            CliError::Input(m) | CliError::Io(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CliError {}

impl From<delbar_core::Error> for CliError {
    fn from(e: delbar_core::Error) -> Self {
        CliError::Core(e)
    }
}

impl From<delbar_core::domain::DomainError> for CliError {
    fn from(e: delbar_core::domain::DomainError) -> Self {
        CliError::Core(e.into())
    }
}

impl From<delbar_core::sync::SyncError> for CliError {
    fn from(e: delbar_core::sync::SyncError) -> Self {
        CliError::Core(e.into())
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> Self {
        CliError::Io(format!("could not write JSON: {e}"))
    }
}

/// Result of a CLI operation.
pub type CliResult<T> = Result<T, CliError>;
