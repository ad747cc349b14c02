//! Inventory in and out, and the steward's numbers: pure parts, no storage.
//!
//! - [`sheet`]: reading an item list as spreadsheet programs write CSV (encoding, separator,
//!   header names in English, Swedish or Norwegian).
//! - [`plan`]: what importing it into a group would do, row by row, and the matching rule.
//! - [`export`]: items, bookings and history as tables for a spreadsheet (CSV or JSON).
//! - [`stats`]: the figures of `stats` and the chart of loans per month.
//!
//! The store runs them against a group (`store/inventory_ops.rs`, `store/stats_ops.rs`):
//! parse, then plan (pure), then apply in one write.

mod error;
pub mod export;
pub mod plan;
pub mod sheet;
pub mod stats;

pub use error::{InventoryError, RowError, RowProblem};
pub use export::{ExportKind, ExportTable};
pub use plan::{ImportCounts, ImportPlan, PlannedRow, RowAction};
pub use stats::Stats;
