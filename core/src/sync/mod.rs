//! Moving changes between devices of a group, whatever carries them.
//!
//! - [`bundle`]: one signed, checksummed file with the changes a peer lacks (or everything),
//!   carried by hand, USB stick or messenger, and imported with the same checks as a session.
//! - [`summary`]: a compact digest of a group's documents (document key -> hash of heads), so
//!   unchanged documents cost nothing to compare.
//! - [`protocol`]: the sans-IO session two devices run for one group: summaries, then the
//!   heads of the documents that differ, then each side's compressed changes the other lacks.
//! - [`peers`]: what this device knows of its sync peers (last seen, last synced, the heads
//!   they announced), kept by every transport.
//! - [`pipe`]: the same session over any untrusted byte pipe (Bluetooth, Nearby, a serial
//!   line): a Noise XX handshake tied to the device keys, then small encrypted frames.
//!
//! Trust: whatever arrives is applied only if it comes from a current member's device of
//! the group, checked against this device's catalogue. A device that does not know the group
//! yet (first contact) accepts only data that carries a catalogue listing the sender as a
//! member's device. Everything received enters the store through
//! [`Store::merge_documents`](crate::Store::merge_documents).

pub mod bundle;
pub mod error;
pub mod peers;
pub mod pipe;
pub mod protocol;
pub mod summary;

pub use bundle::{
    BundleHeader, BundleImport, BundleInfo, BundleOutline, export_bundle, export_bundle_for, import_bundle,
    import_bundle_file, import_bundle_from, inspect_bundle, inspect_bundle_file, read_bundle, read_bundle_header,
    write_bundle, write_bundle_file, write_bundle_file_for, write_bundle_file_with, write_bundle_with,
};
pub use error::SyncError;
pub use pipe::{PipeReport, PipeSession, Role as PipeRole};
pub use protocol::{Message, Session, SessionReport};
pub use summary::{KnownHeads, Summary};

use crate::Store;
use crate::docs::{DocKey, Entity, EntityRef, all_entities, read_entity};
use crate::error::Result;
use crate::ids::{DeviceId, GroupId};
use crate::store::doc_log;
use crate::store::{DocumentExport, MergeReport, queries};

/// Whether this device holds a catalogue for `group`.
pub(crate) fn knows_group(store: &Store, group: &GroupId) -> Result<bool> {
    Ok(doc_log::list(store.conn(), group)?.iter().any(|(key, _)| *key == DocKey::Catalogue))
}

/// Whether `device` belongs to a current member of `group` according to this device's
/// catalogue.
pub fn is_member_device(store: &Store, group: &GroupId, device: &DeviceId) -> Result<bool> {
    Ok(queries::member_of_device(store.conn(), group, device)?.is_some())
}

/// Checks that documents received from `sender` may be applied to `group`: the sender is a
/// current member's device by this device's catalogue, or, at first contact, by the
/// catalogue the documents bring.
pub(crate) fn authorize_sender(
    store: &Store,
    group: &GroupId,
    sender: &DeviceId,
    documents: &[DocumentExport],
) -> Result<()> {
    let not_member = || SyncError::NotAMemberDevice { device: sender.to_string(), group: group.to_string() };
    if knows_group(store, group)? {
        return if is_member_device(store, group, sender)? { Ok(()) } else { Err(not_member().into()) };
    }
    let catalogue = documents
        .iter()
        .find(|d| d.key == DocKey::Catalogue.to_string())
        .ok_or_else(|| SyncError::MissingCatalogue { group: group.to_string() })?;
    if catalogue_lists_device(&catalogue.data, sender)? { Ok(()) } else { Err(not_member().into()) }
}

/// Whether a catalogue (as automerge bytes) lists `device` as a current member's device.
pub(crate) fn catalogue_lists_device(data: &[u8], device: &DeviceId) -> Result<bool> {
    let strict = automerge::LoadOptions::new().on_partial_load(automerge::OnPartialLoad::Error);
    let doc = automerge::AutoCommit::load_with_options(data, strict).map_err(SyncError::malformed)?;
    for r in all_entities(&doc, &DocKey::Catalogue)? {
        if let EntityRef::Member(_) = r
            && let Some(Entity::Member(m)) = read_entity(&doc, &DocKey::Catalogue, &r)?
            && m.is_active()
            && m.devices.contains_key(device)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Checks the shape of received documents: known keys, no key twice. Drops empty entries.
/// The data itself is checked by [`merge_received`] before anything is applied.
pub(crate) fn validate_documents(documents: Vec<DocumentExport>) -> Result<Vec<DocumentExport>> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::with_capacity(documents.len());
    for d in documents {
        let key = DocKey::parse(&d.key).ok_or_else(|| SyncError::Malformed {
            reason: format!("unknown document key '{}'", crate::domain::input::echo(&d.key)),
        })?;
        if !seen.insert(key) {
            return Err(SyncError::Malformed { reason: format!("document {key} appears twice") }.into());
        }
        if d.data.is_empty() {
            continue;
        }
        out.push(d);
    }
    Ok(out)
}

/// Applies received documents through [`Store::merge_documents`], which checks every
/// document (valid data, nothing missing, every new change attested by its author) before
/// applying any. Invalid data is reported as [`SyncError::Malformed`].
pub(crate) fn merge_received(store: &mut Store, group: &GroupId, documents: &[DocumentExport]) -> Result<MergeReport> {
    store.merge_documents(group, documents).map_err(|e| match e {
        crate::Error::Store(crate::store::StoreError::InvalidData { reason }) => SyncError::Malformed { reason }.into(),
        other => other,
    })
}
