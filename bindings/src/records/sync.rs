//! Consistency checks and moving a group's documents between devices.

use delbar_core::store::{
    CheckReport as CoreCheckReport, Difference as CoreDifference, DocumentExport as CoreDocumentExport,
    MergeReport as CoreMergeReport,
};
use delbar_core::trust::attest::Attestation;

/// One row where the store's projection and a rebuild from the documents disagree.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Difference {
    /// The table.
    pub table: String,
    /// The row's key.
    pub key: String,
    /// The row in the store's projection (`null`/`nil`: missing there).
    pub stored: Option<String>,
    /// The row rebuilt from the documents (`null`/`nil`: should not exist).
    pub rebuilt: Option<String>,
}

impl From<CoreDifference> for Difference {
    fn from(d: CoreDifference) -> Self {
        Self { table: d.table, key: d.key, stored: d.stored, rebuilt: d.rebuilt }
    }
}

/// What `check` found.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CheckReport {
    /// Groups checked.
    pub groups: u32,
    /// Documents loaded.
    pub documents: u32,
    /// Rows compared.
    pub rows: u64,
    /// Whether the file is sound and the projection equals the rebuild.
    pub clean: bool,
    /// Every disagreement (empty when clean).
    pub differences: Vec<Difference>,
    /// What SQLite's integrity check found in the store file, one sentence each (empty when
    /// the file is sound); a damaged file is mended with `repairStore`.
    pub file_problems: Vec<String>,
}

impl From<CoreCheckReport> for CheckReport {
    fn from(r: CoreCheckReport) -> Self {
        Self {
            clean: r.is_clean(),
            groups: r.groups,
            documents: r.documents,
            rows: r.rows,
            differences: r.differences.into_iter().map(Into::into).collect(),
            file_problems: r.file_problems.into_iter().map(|p| p.message).collect(),
        }
    }
}

/// One document of a group as bytes, to hand to another device's `mergeDocuments`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DocumentExport {
    /// Which document (`catalogue`, `bookings/2026-11`, ...).
    pub key: String,
    /// Automerge's compressed encoding of the document's changes.
    pub data: Vec<u8>,
    /// The signatures of the devices that wrote the changes (pass them on unchanged).
    pub attestations: Vec<ChangeAttestation>,
}

/// A device's signature over its newest change in a document: proof of who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChangeAttestation {
    /// The change hash (32 bytes).
    pub hash: Vec<u8>,
    /// The ed25519 signature (64 bytes).
    pub signature: Vec<u8>,
}

impl From<CoreDocumentExport> for DocumentExport {
    fn from(d: CoreDocumentExport) -> Self {
        let attestations = d
            .attestations
            .into_iter()
            .map(|a| ChangeAttestation { hash: a.hash.to_vec(), signature: a.signature })
            .collect();
        Self { key: d.key, data: d.data, attestations }
    }
}

impl From<DocumentExport> for CoreDocumentExport {
    fn from(d: DocumentExport) -> Self {
        // A malformed hash vouches for nothing: the merge then refuses the changes as unattested.
        let attestations = d
            .attestations
            .into_iter()
            .map(|a| Attestation { hash: a.hash.as_slice().try_into().unwrap_or([0; 32]), signature: a.signature })
            .collect();
        Self { key: d.key, data: d.data, attestations }
    }
}

/// What a merge changed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MergeReport {
    /// Documents that received new changes.
    pub documents_changed: u32,
    /// Entities re-projected.
    pub entities_updated: u32,
}

impl From<CoreMergeReport> for MergeReport {
    fn from(r: CoreMergeReport) -> Self {
        Self { documents_changed: r.documents_changed, entities_updated: r.entities_updated }
    }
}
