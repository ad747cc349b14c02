//! How the shared state lives in automerge documents.
//!
//! A group's state is partitioned so that no document grows with the group's age:
//!
//! - one **catalogue** document: the group, its members (roles, devices) and its items (with
//!   loan rules and maintenance log). It changes when the catalogue changes, not when people
//!   book.
//! - **booking** documents, one per calendar month (UTC) of the bookings' start: a booking
//!   lives in the month it starts in, with its whole lifecycle and the activity entries
//!   about it (so a booking write changes one document).
//! - **activity** documents, one per calendar month of the entries: the rest of the history
//!   (catalogue and membership changes; stores written before entries moved in with their
//!   bookings kept every entry here, and both places are read).
//!
//! Entities are automerge maps with one key per field, so concurrent edits of different
//! fields of the same item merge field by field. Catalogue entities live under
//! `ROOT/group`, `ROOT/members/<id>` and `ROOT/items/<id>`; bookings and activity entries
//! sit directly under the root of their monthly document (an entry in a booking document
//! under `activity:<id>`), so two devices that both create a new month's document never
//! conflict over a container object.

mod entity;
mod error;
pub(crate) mod json;

pub use crate::doc_key::DocKey;
pub use entity::{
    BOOKING_ACTIVITY_PREFIX, DIFF_MAX_NEW_OPS, Entity, EntityRef, all_entities, read_entity, touched_between,
    touched_entities, write_entity, write_entity_field_by_field,
};
pub(crate) use entity::{activity_root_key, decode_entity};
pub use error::DocError;
pub(crate) use json::scalar_to_json;
pub use json::{Packing, read_json, write_json, write_json_packed};

use automerge::{ActorId, AutoCommit, ObjType, ROOT, transaction::Transactable};

use crate::ids::DeviceId;

/// Key of the catalogue's group object.
pub const GROUP_KEY: &str = "group";
/// Key of the catalogue's member map.
pub const MEMBERS_KEY: &str = "members";
/// Key of the catalogue's item map.
pub const ITEMS_KEY: &str = "items";

/// The automerge actor of a device: its public key, so every change names the device that
/// wrote it.
pub fn actor_of(device: &DeviceId) -> ActorId {
    match device.public_key() {
        Some(key) => ActorId::from(key),
        None => ActorId::from(device.as_str().as_bytes()),
    }
}

/// The device an automerge actor id names (the inverse of [`actor_of`]).
pub fn device_of_actor(actor: &[u8]) -> DeviceId {
    match <&[u8; 32]>::try_from(actor) {
        Ok(key) => DeviceId::from_public_key(key),
        Err(_) => DeviceId::parse(&String::from_utf8_lossy(actor))
            .unwrap_or_else(|_| DeviceId::from_public_key(blake3::hash(actor).as_bytes())),
    }
}

/// A new, empty document edited by `device`. A catalogue gets its containers in the
/// creator's first change.
pub fn new_document(key: &DocKey, device: &DeviceId) -> Result<AutoCommit, DocError> {
    let mut doc = AutoCommit::new().with_actor(actor_of(device));
    if *key == DocKey::Catalogue {
        doc.put_object(ROOT, GROUP_KEY, ObjType::Map)?;
        doc.put_object(ROOT, MEMBERS_KEY, ObjType::Map)?;
        doc.put_object(ROOT, ITEMS_KEY, ObjType::Map)?;
    }
    Ok(doc)
}
