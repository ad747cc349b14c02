//! Repairing a damaged store file: [`repair_store`], for when `DelbarStore.check` reports
//! file problems (or the store cannot be opened as corrupt).

use delbar_core::Store;
use delbar_core::store::RepairReport as CoreRepairReport;
use delbar_core::time::SystemClock;
use std::sync::Arc;

use crate::error::DelbarError;
use crate::store::run_blocking;

/// What `repairStore` did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RepairReport {
    /// Tables copied into the new file.
    pub tables_copied: u32,
    /// Rows copied.
    pub rows_copied: u64,
    /// Tables whose rows could not be read: their data is lost from this device unless a
    /// sync or a bundle brings it back.
    pub unreadable_tables: Vec<String>,
    /// Groups whose projection was rebuilt from their documents.
    pub groups: u32,
    /// Where the damaged file was kept.
    pub damaged_copy: String,
}

impl From<CoreRepairReport> for RepairReport {
    fn from(r: CoreRepairReport) -> Self {
        Self {
            tables_copied: r.tables_copied,
            rows_copied: r.rows_copied,
            unreadable_tables: r.unreadable_tables,
            groups: r.groups,
            damaged_copy: r.damaged_copy,
        }
    }
}

/// Rebuilds the store file at `path` from its documents: a new file with the same device
/// identity, every document and every write whose document could be read, and the
/// projection rebuilt; the damaged file is kept beside it. Close every `DelbarStore` on the
/// file first (else `DelbarError.InUse`), and open it again afterwards.
#[uniffi::export(async_runtime = "tokio")]
pub async fn repair_store(path: String) -> Result<RepairReport, DelbarError> {
    run_blocking(move || Ok(Store::repair(&path, Arc::new(SystemClock))?.into())).await
}
