//! Entities (group, member, item, booking, activity entry) and where each lives in a
//! document.

use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, Patch, PatchAction, Prop, ROOT, ReadDoc, Value};
use std::collections::BTreeSet;

use crate::docs::DocError;
use crate::docs::json::{FIXED_KEY, current_at, write_over};
use crate::docs::{DocKey, GROUP_KEY, ITEMS_KEY, MEMBERS_KEY, Packing, read_json, write_json_packed};
use crate::domain::{ActivityEntry, BookingRecord, Group, Item, Member};
use crate::ids::{ActivityId, BookingId, ItemId, MemberId};

/// One entity of the shared state.
#[derive(Debug, Clone, PartialEq)]
pub enum Entity {
    /// The group itself (catalogue).
    Group(Group),
    /// A member (catalogue).
    Member(Member),
    /// An item (catalogue).
    Item(Item),
    /// A booking (monthly booking document).
    Booking(BookingRecord),
    /// An activity entry (monthly activity document).
    Activity(ActivityEntry),
}

/// Which entity, without its content.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityRef {
    /// The group.
    Group,
    /// A member.
    Member(MemberId),
    /// An item.
    Item(ItemId),
    /// A booking.
    Booking(BookingId),
    /// An activity entry.
    Activity(ActivityId),
}

impl Entity {
    /// The entity if it is the one `r` names.
    fn filter_ref(self, r: &EntityRef) -> Option<Entity> {
        (self.entity_ref() == *r).then_some(self)
    }

    /// The reference of this entity.
    pub fn entity_ref(&self) -> EntityRef {
        match self {
            Entity::Group(_) => EntityRef::Group,
            Entity::Member(m) => EntityRef::Member(m.id.clone()),
            Entity::Item(i) => EntityRef::Item(i.id.clone()),
            Entity::Booking(b) => EntityRef::Booking(b.id.clone()),
            Entity::Activity(a) => EntityRef::Activity(a.id.clone()),
        }
    }
}

/// How the root key of an activity entry kept in a booking document begins. The entries
/// about a booking (requested, confirmed, checked out...) live in the booking's own document,
/// so that a booking write changes one document, not two; booking ids never contain `:`, so
/// the two kinds of root key cannot be confused. Activity documents hold the other entries
/// (and, in stores written before this, every entry) under their bare id.
pub const BOOKING_ACTIVITY_PREFIX: &str = "activity:";

/// The root key of activity entry `id` in a document of kind `key`.
pub(crate) fn activity_root_key(key: &DocKey, id: &ActivityId) -> String {
    match key {
        DocKey::Bookings { .. } => format!("{BOOKING_ACTIVITY_PREFIX}{id}"),
        _ => id.as_str().to_owned(),
    }
}

/// The entity a root key of a monthly document names, if any.
///
/// An id that names its document by its beginning ([`DocKey::named_by_id`]) names nothing in any
/// other document: a copy written elsewhere under the id of someone's booking or entry (by a
/// modified app) is not read, so it cannot stand in for the original. Ids made before
/// commit `86c3abf` name no document and are read wherever they are.
fn root_entity(key: &DocKey, root_key: &str) -> Option<EntityRef> {
    let (r, id) = match key {
        DocKey::Catalogue => return None,
        DocKey::Bookings { .. } => match root_key.strip_prefix(BOOKING_ACTIVITY_PREFIX) {
            Some(id) => (ActivityId::parse(id).ok().map(EntityRef::Activity)?, id),
            None => (BookingId::parse(root_key).ok().map(EntityRef::Booking)?, root_key),
        },
        DocKey::Activity { .. } => (ActivityId::parse(root_key).ok().map(EntityRef::Activity)?, root_key),
    };
    match DocKey::named_by_id(id) {
        Some(home) if home != *key => None,
        _ => Some(r),
    }
}

/// The map holding an entity and the entity's key in it, in a document of kind `key`; `None`
/// if that container does not exist (yet) in this document.
fn location(doc: &AutoCommit, key: &DocKey, r: &EntityRef) -> Result<Option<(ObjId, String)>, DocError> {
    let in_catalogue = |container: &str, id: &str| -> Result<Option<(ObjId, String)>, DocError> {
        match doc.get(ROOT, container)? {
            Some((Value::Object(ObjType::Map), obj)) => Ok(Some((obj, id.to_owned()))),
            _ => Ok(None),
        }
    };
    match r {
        EntityRef::Group => Ok(Some((ROOT, GROUP_KEY.to_owned()))),
        EntityRef::Member(id) => in_catalogue(MEMBERS_KEY, id.as_str()),
        EntityRef::Item(id) => in_catalogue(ITEMS_KEY, id.as_str()),
        EntityRef::Booking(id) => Ok(Some((ROOT, id.as_str().to_owned()))),
        EntityRef::Activity(id) => Ok(Some((ROOT, activity_root_key(key, id)))),
    }
}

/// Reads one entity of a document of kind `key`. Returns `Ok(None)` when it is absent or
/// does not decode (a malformed entity written by a faulty peer is ignored rather than
/// breaking every query).
pub fn read_entity(doc: &AutoCommit, key: &DocKey, r: &EntityRef) -> Result<Option<Entity>, DocError> {
    let Some((obj, key)) = location(doc, key, r)? else {
        return Ok(None);
    };
    let Some(json) = read_json(doc, &obj, key.as_str())? else {
        return Ok(None);
    };
    match decode_entity(r, json) {
        Ok(entity) => Ok(entity),
        Err(err) => {
            tracing::warn!(entity = ?r, %err, "ignoring an entity that does not decode");
            Ok(None)
        }
    }
}

/// Decodes the JSON of entity `r`: `None` when it is empty or claims another id (malformed
/// too), an error when it does not decode.
pub(crate) fn decode_entity(r: &EntityRef, json: serde_json::Value) -> Result<Option<Entity>, serde_json::Error> {
    if json.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(None);
    }
    let decoded = match r {
        EntityRef::Group => serde_json::from_value(json).map(Entity::Group),
        EntityRef::Member(_) => serde_json::from_value(json).map(Entity::Member),
        EntityRef::Item(_) => serde_json::from_value(json).map(Entity::Item),
        EntityRef::Booking(_) => serde_json::from_value(json).map(Entity::Booking),
        EntityRef::Activity(_) => serde_json::from_value(json).map(Entity::Activity),
    };
    // An entity stored under one id that claims another is malformed too.
    Ok(decoded?.filter_ref(r))
}

fn entity_json(entity: &Entity) -> Result<serde_json::Value, DocError> {
    match entity {
        Entity::Group(g) => serde_json::to_value(g),
        Entity::Member(m) => serde_json::to_value(m),
        Entity::Item(i) => serde_json::to_value(i),
        Entity::Booking(b) => serde_json::to_value(b),
        Entity::Activity(a) => serde_json::to_value(a),
    }
    .map_err(|e| DocError::Encode { message: e.to_string() })
}

/// Writes an entity into a document of kind `key`, changing only the fields that differ from
/// what the document holds.
pub fn write_entity(doc: &mut AutoCommit, key: &DocKey, entity: &Entity) -> Result<(), DocError> {
    let json = entity_json(entity)?;
    // Activity entries are never edited, a booking's lifecycle events are only added and
    // most of its fields never change: each of these is one packed operation (see `json`).
    let r = entity.entity_ref();
    let Some((obj, key)) = location(doc, key, &r)? else { return Err(no_container(&r)) };
    let current = current_at(doc, &obj, &key)?;
    let (json, packing) = match entity {
        Entity::Activity(_) => (json, Packing::Whole),
        // A new booking packs its first `end` and `updated` too: an extension or a later event
        // writes them on their own, and a field stored on its own wins over the packed one.
        Entity::Booking(_) if current.is_none() => (fix_fields(json, BOOKING_FIXED_AT_REQUEST), BOOKING_PACKING),
        Entity::Booking(_) => (fix_fields(json, BOOKING_FIXED), BOOKING_PACKING),
        _ => (json, Packing::None),
    };
    write_over(doc, &obj, &key, current, &json, packing)
}

/// The error for an entity whose container the document lacks. The catalogue's containers
/// are made by its creator; this only happens for a catalogue received without them, which
/// the caller reports.
fn no_container(r: &EntityRef) -> DocError {
    DocError::MalformedDocument { reason: format!("no container for {r:?}") }
}

/// A booking's fields that never change once it is requested.
const BOOKING_FIXED: &[&str] =
    &["id", "item", "member", "units", "start", "note", "waitlisted", "created", "created_by", "hlc"];

/// What a new booking packs: its fixed fields, and the first values of the two fields that
/// may change later. Not `queue_rank`: only a steward may set it, and the packed value is
/// judged as a whole by the borrower's rule (`trust::rules`).
const BOOKING_FIXED_AT_REQUEST: &[&str] =
    &["id", "item", "member", "units", "start", "note", "waitlisted", "created", "created_by", "hlc", "end", "updated"];

/// How a booking is written: its fixed fields packed together, each event packed.
const BOOKING_PACKING: Packing = Packing::Parts(&[(FIXED_KEY, Packing::Whole), ("events", Packing::EachField)]);

/// Moves the `fixed` fields of an object under [`FIXED_KEY`].
fn fix_fields(json: serde_json::Value, fixed: &[&str]) -> serde_json::Value {
    let serde_json::Value::Object(mut map) = json else { return json };
    let mut packed = serde_json::Map::new();
    for name in fixed {
        if let Some(v) = map.remove(*name) {
            packed.insert((*name).to_owned(), v);
        }
    }
    map.insert(FIXED_KEY.to_owned(), serde_json::Value::Object(packed));
    serde_json::Value::Object(map)
}

/// Writes an entity field by field, without packing anything: how a design that stores
/// each field as its own value in one document writes (the benchmark's naive baseline).
/// Its catalogue entities sit where the catalogue keeps them, everything else at the root
/// under its bare id.
pub fn write_entity_field_by_field(doc: &mut AutoCommit, entity: &Entity) -> Result<(), DocError> {
    let r = entity.entity_ref();
    let Some((obj, key)) = location(doc, &DocKey::Catalogue, &r)? else { return Err(no_container(&r)) };
    write_json_packed(doc, &obj, &key, &entity_json(entity)?, Packing::None)
}

/// Every entity present in a document, in a stable order.
pub fn all_entities(doc: &AutoCommit, key: &DocKey) -> Result<Vec<EntityRef>, DocError> {
    entities_at(doc, key, None)
}

/// Every entity present in a document as it stood at `heads` (now, if `None`).
fn entities_at(doc: &AutoCommit, key: &DocKey, heads: Option<&[ChangeHash]>) -> Result<Vec<EntityRef>, DocError> {
    let mut out = Vec::new();
    match key {
        DocKey::Catalogue => {
            out.push(EntityRef::Group);
            for (container, is_member) in [(MEMBERS_KEY, true), (ITEMS_KEY, false)] {
                let found = match heads {
                    Some(h) => doc.get_at(ROOT, container, h)?,
                    None => doc.get(ROOT, container)?,
                };
                if let Some((Value::Object(ObjType::Map), obj)) = found {
                    let keys = match heads {
                        Some(h) => doc.keys_at(&obj, h),
                        None => doc.keys(&obj),
                    };
                    for k in keys {
                        let r = if is_member {
                            MemberId::parse(&k).ok().map(EntityRef::Member)
                        } else {
                            ItemId::parse(&k).ok().map(EntityRef::Item)
                        };
                        out.extend(r);
                    }
                }
            }
        }
        DocKey::Bookings { .. } | DocKey::Activity { .. } => match heads {
            Some(h) => out.extend(doc.keys_at(ROOT, h).filter_map(|k| root_entity(key, &k))),
            None => out.extend(doc.keys(ROOT).filter_map(|k| root_entity(key, &k))),
        },
    }
    Ok(out)
}

/// Above this many new operations, [`touched_between`] names every entity of the document
/// rather than diffing: a diff's patches take memory in proportion to the operations they
/// cover (measured: about 19 MB, held twice while automerge keeps a copy, for a month of
/// 4,000 bookings, 43,000 operations, received whole), while the entities are a few bytes
/// each. A week of a busy group's bookings stays below it. (The crate's unit tests use a
/// small limit, so that every merge of more than a few changes in them takes the
/// whole-document path and is checked against the same results.)
#[cfg(not(test))]
pub const DIFF_MAX_NEW_OPS: u64 = 16_384;
/// See above: the crate's unit tests' limit.
#[cfg(test)]
pub const DIFF_MAX_NEW_OPS: u64 = 24;

/// The entities that changes taking `doc` from `before` to its current heads, which add
/// `new_ops` operations, may have touched: exactly those a diff finds when the changes are
/// few; every entity the document holds before or after them when they are many (a
/// superset, so projecting them gives the same result as projecting the touched ones); and
/// every entity it holds when `before` is empty (the document is new to this device:
/// everything is touched). Memory stays bounded by the document's entities, not by what
/// changed in them.
pub fn touched_between(
    doc: &mut AutoCommit,
    key: &DocKey,
    before: &[ChangeHash],
    new_ops: u64,
) -> Result<BTreeSet<EntityRef>, DocError> {
    if before.is_empty() {
        return Ok(all_entities(doc, key)?.into_iter().collect());
    }
    if new_ops > DIFF_MAX_NEW_OPS {
        let mut out: BTreeSet<EntityRef> = entities_at(doc, key, Some(before))?.into_iter().collect();
        out.extend(all_entities(doc, key)?);
        return Ok(out);
    }
    let after = doc.get_heads();
    let patches = doc.diff(before, &after);
    let touched = touched_entities(key, &patches);
    drop(patches);
    // The document keeps a copy of its last diff's patches; an empty diff of the root
    // alone replaces it, so a loaded document holds no patches.
    doc.diff_obj(&ROOT, &after, &after, false)?;
    Ok(touched)
}

/// The entities a set of patches (from merging changes) touched.
pub fn touched_entities(key: &DocKey, patches: &[Patch]) -> BTreeSet<EntityRef> {
    let mut out = BTreeSet::new();
    for patch in patches {
        let mut path: Vec<String> = patch
            .path
            .iter()
            .filter_map(|(_, prop)| match prop {
                Prop::Map(k) => Some(k.clone()),
                Prop::Seq(_) => None,
            })
            .collect();
        // Only the leading map keys matter; list indexes are deeper than any entity key.
        if path.len() == patch.path.len() {
            match &patch.action {
                PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => path.push(key.clone()),
                _ => {}
            }
        }
        let first = path.first().map(String::as_str);
        let second = path.get(1).map(String::as_str);
        let r = match (key, first, second) {
            (DocKey::Catalogue, Some(GROUP_KEY), _) => Some(EntityRef::Group),
            (DocKey::Catalogue, Some(MEMBERS_KEY), Some(id)) => MemberId::parse(id).ok().map(EntityRef::Member),
            (DocKey::Catalogue, Some(ITEMS_KEY), Some(id)) => ItemId::parse(id).ok().map(EntityRef::Item),
            (DocKey::Bookings { .. } | DocKey::Activity { .. }, Some(root_key), _) => root_entity(key, root_key),
            _ => None,
        };
        if let Some(r) = r {
            out.insert(r);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BookingEvent, event};
    use crate::ids::{BookingId, DeviceId, ItemId, MemberId};
    use crate::time::Timestamp;
    use automerge::transaction::Transactable;

    const KEY: DocKey = DocKey::Bookings { year: 2027, month: 1 };

    fn booking() -> BookingRecord {
        let at = Timestamp(1_800_000_000_000);
        let device = DeviceId::from_public_key(&[7; 32]);
        let member = MemberId::generate();
        BookingRecord {
            id: BookingId::generate_at(at),
            item: ItemId::generate(),
            member: member.clone(),
            units: 1,
            start: at.plus_ms(3_600_000),
            end: at.plus_ms(7_200_000),
            note: String::new(),
            waitlisted: false,
            events: [(event::CONFIRMED.to_owned(), BookingEvent::new(at, member, device.clone()))]
                .into_iter()
                .collect(),
            created: at,
            created_by: device,
            updated: at,
            hlc: String::new(),
            queue_rank: None,
        }
    }

    fn read_booking(doc: &AutoCommit, b: &BookingRecord) -> BookingRecord {
        let json = read_json(doc, &ROOT, b.id.as_str()).unwrap().unwrap();
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_new_booking_is_four_operations_and_later_events_write_only_what_changed() {
        let mut doc = AutoCommit::new();
        let mut b = booking();
        write_entity(&mut doc, &KEY, &Entity::Booking(b.clone())).unwrap();
        // The booking map, its packed fields (end and updated among them), the events map,
        // the one event; no null `queue_rank`.
        assert_eq!(doc.pending_ops(), 4);
        doc.commit();
        assert_eq!(read_booking(&doc, &b), b);

        // Checking out: the event and `updated`; `end` still reads from the packed fields.
        let by = b.member.clone();
        b.events.insert(event::CHECKED_OUT.to_owned(), BookingEvent::new(b.start, by, b.created_by.clone()));
        b.updated = b.start;
        write_entity(&mut doc, &KEY, &Entity::Booking(b.clone())).unwrap();
        assert_eq!(doc.pending_ops(), 2);
        doc.commit();
        assert_eq!(read_booking(&doc, &b), b);

        // An extension stores `end` on its own, which wins over the packed first value.
        b.end = b.end.plus_ms(3_600_000);
        write_entity(&mut doc, &KEY, &Entity::Booking(b.clone())).unwrap();
        assert_eq!(doc.pending_ops(), 1);
        doc.commit();
        assert_eq!(read_booking(&doc, &b), b);

        // Writing it unchanged writes nothing; a steward's rank is its own field.
        write_entity(&mut doc, &KEY, &Entity::Booking(b.clone())).unwrap();
        assert_eq!(doc.pending_ops(), 0);
        b.queue_rank = Some(1.5);
        write_entity(&mut doc, &KEY, &Entity::Booking(b.clone())).unwrap();
        assert_eq!(doc.pending_ops(), 1);
        doc.commit();
        assert_eq!(read_booking(&doc, &b), b);
    }

    #[test]
    fn an_id_that_names_another_document_names_nothing_here() {
        use crate::domain::ActivityAction;

        let elsewhere = DocKey::Bookings { year: 2027, month: 2 };
        let mut at_home = booking();
        at_home.id = BookingId::generate_in(at_home.created, KEY);
        let mut copy = booking();
        copy.id = BookingId::generate_in(copy.created, elsewhere);
        let entry = ActivityEntry {
            id: ActivityId::generate_in(copy.created, DocKey::activity_at(copy.created)),
            at: copy.created,
            actor: copy.member.clone(),
            device: copy.created_by.clone(),
            action: ActivityAction::BookingRequested,
            item: Some(copy.item.clone()),
            booking: Some(copy.id.clone()),
            subject: None,
            summary: String::new(),
        };
        let mut doc = AutoCommit::new();
        for e in [Entity::Booking(at_home.clone()), Entity::Booking(copy), Entity::Activity(entry)] {
            write_entity(&mut doc, &KEY, &e).unwrap();
        }
        let heads = doc.get_heads();
        let patches = doc.diff(&[], &heads);
        let listed = [EntityRef::Booking(at_home.id.clone())];
        assert_eq!(all_entities(&doc, &KEY).unwrap(), listed);
        assert_eq!(touched_entities(&KEY, &patches).into_iter().collect::<Vec<_>>(), listed);
    }

    #[test]
    fn an_activity_entry_in_a_booking_document_has_its_own_root_key() {
        use crate::domain::ActivityAction;
        use automerge::ReadDoc;

        let b = booking();
        let entry = ActivityEntry {
            id: ActivityId::generate_at(b.created),
            at: b.created,
            actor: b.member.clone(),
            device: b.created_by.clone(),
            action: ActivityAction::BookingRequested,
            item: Some(b.item.clone()),
            booking: Some(b.id.clone()),
            subject: Some(b.member.clone()),
            summary: "Jordfräs".into(),
        };
        let mut doc = AutoCommit::new();
        write_entity(&mut doc, &KEY, &Entity::Booking(b.clone())).unwrap();
        write_entity(&mut doc, &KEY, &Entity::Activity(entry.clone())).unwrap();
        let heads = doc.get_heads();
        let patches = doc.diff(&[], &heads);
        let entry_ref = EntityRef::Activity(entry.id.clone());
        assert!(doc.get(ROOT, format!("activity:{}", entry.id)).unwrap().is_some());
        assert!(doc.get(ROOT, entry.id.as_str()).unwrap().is_none());
        let both: BTreeSet<EntityRef> = [EntityRef::Booking(b.id.clone()), entry_ref.clone()].into_iter().collect();
        assert_eq!(all_entities(&doc, &KEY).unwrap().into_iter().collect::<BTreeSet<_>>(), both);
        assert_eq!(touched_entities(&KEY, &patches), both);
        assert_eq!(read_entity(&doc, &KEY, &entry_ref).unwrap(), Some(Entity::Activity(entry.clone())));

        // In an activity document the same entry sits under its bare id; a prefixed key
        // there, or a prefixed key that is no id, names nothing.
        let month = DocKey::activity_at(entry.at);
        let mut activity = AutoCommit::new();
        write_entity(&mut activity, &month, &Entity::Activity(entry.clone())).unwrap();
        assert_eq!(all_entities(&activity, &month).unwrap(), [entry_ref]);
        assert_eq!(root_entity(&month, &format!("activity:{}", entry.id)), None);
        assert_eq!(root_entity(&KEY, "activity:NOT AN ID"), None);
    }
}
