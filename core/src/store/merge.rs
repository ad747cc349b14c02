//! Applying changes from other devices, and exporting a group's documents.
//!
//! This is the one entry point through which remote changes enter a store, whatever carried
//! them (sync session, file bundle): the changes are loaded into the document, the entities
//! they touched are found from the document's own diff, and exactly those are re-projected,
//! all in one transaction.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use automerge::ReadDoc;

use crate::docs::{DIFF_MAX_NEW_OPS, DocKey, touched_between};
use crate::error::{Error, Result};
use crate::ids::GroupId;
use crate::store::doc_log::{self, Missing};
use crate::store::{Store, StoreError, projection, resolve};
use crate::trust::attest::{self, Attestation, Verified};

/// One document of a group as bytes (a full save, or the changes another device lacks),
/// with the attestations that vouch for the changes' authors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentExport {
    /// Which document (`catalogue`, `bookings/2026-11`, ...).
    pub key: String,
    /// Automerge's compressed encoding of the changes.
    pub data: Vec<u8>,
    /// For each device that wrote some of these changes, its signature over its newest one
    /// (see [`crate::trust::attest`]).
    #[serde(default)]
    pub attestations: Vec<Attestation>,
}

/// What a merge changed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MergeReport {
    /// Documents that received new changes.
    pub documents_changed: u32,
    /// Entities re-projected.
    pub entities_updated: u32,
}

/// Refuses bytes that are not entirely valid automerge data (`load_incremental` alone would
/// skip what it cannot parse). Changes whose dependencies are not in the bytes themselves are
/// fine here: they build on what the receiving document holds.
fn parse_strict(key: DocKey, data: &[u8]) -> Result<(), StoreError> {
    match automerge::Automerge::load_with_options(data, strict_load()) {
        Ok(_) | Err(automerge::AutomergeError::MissingDeps) => Ok(()),
        Err(e) => Err(not_valid(key, &e)),
    }
}

/// Loading that fails on anything it cannot parse.
fn strict_load<'a>() -> automerge::LoadOptions<'a> {
    automerge::LoadOptions::new().on_partial_load(automerge::OnPartialLoad::Error)
}

fn not_valid(key: DocKey, e: &automerge::AutomergeError) -> StoreError {
    StoreError::InvalidData { reason: format!("received document {key} is not valid: {e}") }
}

impl Store {
    /// Checks, without applying anything, that received bytes for one document are valid,
    /// that together with what this device holds nothing they build on is missing, and that
    /// every new change is vouched for by an attestation of its author. Returns the
    /// attestations that verified.
    pub(crate) fn check_received(
        &mut self,
        group: &GroupId,
        key: DocKey,
        export: &DocumentExport,
    ) -> Result<Vec<Verified>> {
        let missing = || StoreError::InvalidData {
            reason: format!("received document {key} builds on changes this device does not have"),
        };
        let (mut probe, before) = match self.cache.get(&self.conn, group, key, &self.device, Missing::Skip)? {
            Some(loaded) => {
                parse_strict(key, &export.data)?;
                let mut probe = loaded.doc.clone();
                let before = probe.get_heads();
                probe.load_incremental(&export.data).map_err(|e| StoreError::InvalidData {
                    reason: format!("received document {key} does not load: {e}"),
                })?;
                (probe, before)
            }
            // A document this device does not have: the strict parse is the probe (one
            // copy of it in memory, not two), and it must not build on anything.
            None => match automerge::AutoCommit::load_with_options(&export.data, strict_load()) {
                Ok(probe) => (probe, Vec::new()),
                Err(automerge::AutomergeError::MissingDeps) => return Err(missing().into()),
                Err(e) => return Err(not_valid(key, &e).into()),
            },
        };
        if !probe.get_missing_deps(&[]).is_empty() {
            return Err(missing().into());
        }
        Ok(attest::verify_new_changes(&mut probe, &before, group, key, &export.attestations)?)
    }

    /// Every document of a group as a full save.
    pub fn export_group(&mut self, group: &GroupId) -> Result<Vec<DocumentExport>> {
        self.drop_interrupted();
        self.group(group)?;
        let mut out = Vec::new();
        for (key, _) in doc_log::list(self.conn(), group)? {
            if let Some(loaded) = self.cache.get(&self.conn, group, key, &self.device, Missing::Skip)? {
                let data = loaded.doc.save();
                let attestations = attest::for_document(&self.conn, group, key, None)?;
                out.push(DocumentExport { key: key.to_string(), data, attestations });
            }
        }
        Ok(out)
    }

    /// Merges documents (or changes) received from another device into this store. The
    /// group need not be known yet: a new member's device receives its catalogue this way.
    ///
    /// Every document is checked before any is applied (valid data, nothing missing it
    /// builds on, every new change attested by its author): on an error nothing is applied.
    pub fn merge_documents(&mut self, group: &GroupId, docs: &[DocumentExport]) -> Result<MergeReport> {
        self.drop_interrupted();
        let mut report = MergeReport::default();
        // The catalogue first: bookings that arrive with their borrower's membership must
        // find the member when they are resolved.
        let mut ordered: Vec<(DocKey, &DocumentExport)> = Vec::with_capacity(docs.len());
        for export in docs {
            let key = DocKey::parse(&export.key).ok_or_else(|| StoreError::InvalidData {
                reason: format!("unknown document key '{}'", crate::domain::input::echo(&export.key)),
            })?;
            ordered.push((key, export));
        }
        ordered.sort_by_key(|(key, _)| *key != DocKey::Catalogue);
        let mut checked = Vec::with_capacity(ordered.len());
        for (key, export) in ordered {
            let verified = self.check_received(group, key, export)?;
            checked.push((key, export, verified));
        }
        for (key, export, verified) in checked {
            let n = self.apply_received(group, key, export, &verified)?;
            if n > 0 {
                report.documents_changed += 1;
                report.entities_updated += n;
            }
        }
        Ok(report)
    }

    /// Applies one document's received changes that [`Store::check_received`] accepted, in
    /// its own transaction; returns how many entities were re-projected (0: nothing new).
    pub(crate) fn apply_received(
        &mut self,
        group: &GroupId,
        key: DocKey,
        export: &DocumentExport,
        verified: &[Verified],
    ) -> Result<u32> {
        self.drop_interrupted();
        self.in_flight = vec![(group.clone(), key)];
        let changed = self.merge_one(group, key, &export.data, verified);
        self.in_flight.clear();
        if changed.is_err() {
            self.cache.evict(group, key);
        }
        changed
    }

    /// Applies one document's received changes, already checked by
    /// [`Store::check_received`] (which also parsed them strictly).
    fn merge_one(&mut self, group: &GroupId, key: DocKey, data: &[u8], verified: &[Verified]) -> Result<u32> {
        let loaded = self
            .cache
            .get(&self.conn, group, key, &self.device, Missing::CreateEmpty)?
            .ok_or_else(|| StoreError::MalformedDocument { reason: format!("document {key} missing") })?;
        let before = loaded.doc.get_heads();
        let ops_before = loaded.doc.stats().num_ops;
        loaded
            .doc
            .load_incremental(data)
            .map_err(|e| StoreError::InvalidData { reason: format!("received document {key} does not load: {e}") })?;
        let after = loaded.doc.get_heads();
        if before == after {
            return Ok(0);
        }
        let new_ops = loaded.doc.stats().num_ops.saturating_sub(ops_before);
        let touched = touched_between(&mut loaded.doc, &key, &before, new_ops)?;
        let tx = self.conn.transaction()?;
        let loaded = self
            .cache
            .get(&tx, group, key, &self.device, Missing::Skip)?
            .ok_or_else(|| Error::Store(StoreError::MalformedDocument { reason: format!("document {key} missing") }))?;
        // A document new to this device is stored whole as its snapshot: appending it as
        // one chunk would have it saved again, and read back, by the compaction after.
        let heads = if before.is_empty() {
            Some(doc_log::put_snapshot(&tx, group, key, &mut loaded.doc)?)
        } else {
            doc_log::append(&tx, group, key, loaded)?
        };
        for v in verified {
            attest::record(&tx, group, key, &v.device, &v.hash, v.seq, &v.signature)?;
        }
        let mut tracker = resolve::ChangeTracker::default();
        let mut projected = BTreeSet::new();
        if key == DocKey::Catalogue {
            super::reproject::project_catalogue(&tx, group, &loaded.doc, &touched, &mut tracker, &mut projected)?;
        } else {
            tracker.before(&tx, group, &touched)?;
            projection::project(&tx, group, key, &loaded.doc, touched.iter())?;
            projected.extend(touched.iter().cloned());
        }
        let mut event =
            self.changes.is_watched().then(|| super::ChangeEvent::new(group.clone(), super::ChangeOrigin::Merged));
        let notified = super::finish_changes(&tx, group, tracker, &projected, self.clock.now(), event.as_mut())?;
        tx.commit()?;
        self.commits_since_checkpoint = self.commits_since_checkpoint.saturating_add(1);
        if let Some(heads) = heads {
            loaded.persisted_heads = heads;
        }
        self.compact_if_needed(group, key);
        if before.is_empty() || new_ops > DIFF_MAX_NEW_OPS {
            // A document received whole, or nearly, is dropped from memory once saved and
            // projected: a device receiving a group holds one such document at a time
            // (the next use loads it from its snapshot).
            self.cache.evict(group, key);
        }
        self.publish_change(event);
        self.deliver(&notified);
        Ok(touched.len() as u32)
    }
}
