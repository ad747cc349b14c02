//! Trust: who wrote each change, and which changes count.
//!
//! - [`attest`]: every change is attributable to the device that wrote it. Devices sign
//!   their newest change per document; a receiver applies only changes vouched for by their
//!   author's signature, so no device (a hub included) can forge another's changes.
//! - [`roster`]: who a device writes for, and that member's role at an instant.
//! - [`rules`]: who may write what.
//! - [`effective`]: reading entities as their authorised writers left them. A change outside
//!   its author's role stays in the document (every device keeps the same history, so they
//!   keep converging) but has no effect on the projection, identically on every device.
//!
//! The root of authority is the group's founder: the group id is a hash of the founding
//! device and a nonce, so the founder can be told from the id alone. From it, stewards are
//! found by a fixed point over the catalogue's member entries: an entry counts if a steward
//! (under the roster found so far) wrote it.

pub mod attest;
pub(crate) mod effective;
pub(crate) mod roster;
pub(crate) mod rules;

use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, Value};
use rusqlite::Connection;
use std::collections::HashMap;

use crate::docs::{
    DocKey, Entity, EntityRef, GROUP_KEY, ITEMS_KEY, MEMBERS_KEY, activity_root_key, all_entities, decode_entity,
    read_entity,
};
use crate::domain::{Founder, Member};
use crate::ids::{DeviceId, GroupId, MemberId};
use crate::store::StoreError;
use effective::{Authors, EffectiveReader, Rule};
use roster::{Author, Roster};

/// How many rounds the steward fixed point may take (each round can only follow one more
/// link of "a steward added this steward").
const MAX_ROUNDS: usize = 8;

impl Authors for Roster {
    fn author(&mut self, device: &DeviceId, at: &mut dyn FnMut() -> Option<i64>) -> Result<Option<Author>, StoreError> {
        Ok(Roster::author(self, device, at))
    }
}

/// Authors looked up in the projection's members (for bookings and activity).
struct ProjectedAuthors<'c> {
    conn: &'c Connection,
    group: GroupId,
    memo: HashMap<DeviceId, Roster>,
}

impl Authors for ProjectedAuthors<'_> {
    fn author(&mut self, device: &DeviceId, at: &mut dyn FnMut() -> Option<i64>) -> Result<Option<Author>, StoreError> {
        if !self.memo.contains_key(device) {
            let one = roster::device_roster(self.conn, &self.group, device)?;
            self.memo.insert(device.clone(), one);
        }
        Ok(self.memo.get(device).and_then(|r| r.author(device, at)))
    }
}

/// Reads entities of one document as their authorised writers left them.
pub(crate) struct Judge<'a> {
    doc: &'a AutoCommit,
    key: DocKey,
    reader: EffectiveReader<'a>,
    authors: Box<dyn Authors + 'a>,
    members_may_invite: bool,
}

impl<'a> Judge<'a> {
    /// A judge for `doc`: the catalogue judges by the roster it defines itself; booking and
    /// activity documents by the projected catalogue.
    pub(crate) fn new(
        conn: &'a Connection,
        group: &GroupId,
        key: DocKey,
        doc: &'a AutoCommit,
    ) -> Result<Self, StoreError> {
        let mut reader = EffectiveReader::new(doc);
        let (authors, members_may_invite): (Box<dyn Authors + 'a>, bool) = match key {
            DocKey::Catalogue => {
                let mut roster = catalogue_roster(doc, group)?;
                let invites = members_may_invite(doc, &mut reader, &mut roster)?;
                (Box::new(roster), invites)
            }
            _ => (Box::new(ProjectedAuthors { conn, group: group.clone(), memo: HashMap::new() }), false),
        };
        Ok(Judge { doc, key, reader, authors, members_may_invite })
    }

    /// The entity as its authorised writers left it; `None` if absent or if nothing of it
    /// was written by someone allowed to.
    pub(crate) fn entity(&mut self, r: &EntityRef) -> Result<Option<Entity>, StoreError> {
        effective_entity(self.doc, self.key, r, &mut self.reader, self.authors.as_mut(), self.members_may_invite)
    }

    /// Whether the document holds the entity at all (authorised or not).
    pub(crate) fn present(&self, r: &EntityRef) -> Result<bool, StoreError> {
        Ok(read_entity(self.doc, &self.key, r)?.is_some())
    }
}

fn effective_entity(
    doc: &AutoCommit,
    key: DocKey,
    r: &EntityRef,
    reader: &mut EffectiveReader<'_>,
    authors: &mut dyn Authors,
    members_may_invite: bool,
) -> Result<Option<Entity>, StoreError> {
    let container = |name: &str| -> Result<Option<automerge::ObjId>, StoreError> {
        match doc.get(ROOT, name)? {
            Some((Value::Object(ObjType::Map), obj)) => Ok(Some(obj)),
            _ => Ok(None),
        }
    };
    let mut catalogue = rules::CatalogueRule { members_may_invite };
    let json = match r {
        EntityRef::Group => reader.read(&ROOT, &[], GROUP_KEY, authors, &mut catalogue)?,
        EntityRef::Member(id) => match container(MEMBERS_KEY)? {
            Some(obj) => reader.read(&obj, &[MEMBERS_KEY], id.as_str(), authors, &mut catalogue)?,
            None => None,
        },
        EntityRef::Item(id) => match container(ITEMS_KEY)? {
            Some(obj) => reader.read(&obj, &[ITEMS_KEY], id.as_str(), authors, &mut catalogue)?,
            None => None,
        },
        EntityRef::Booking(id) => {
            let mut rule: Box<dyn Rule> = match key {
                DocKey::Bookings { .. } => Box::new(rules::BookingRule::default()),
                _ => return Ok(None),
            };
            reader.read(&ROOT, &[], id.as_str(), authors, rule.as_mut())?
        }
        EntityRef::Activity(id) => {
            let mut rule = rules::ActivityRule::default();
            reader.read(&ROOT, &[], &activity_root_key(&key, id), authors, &mut rule)?
        }
    };
    // What is left after unauthorised writes were set aside may not make an entity: then
    // nothing of it counts.
    Ok(json.and_then(|json| decode_entity(r, json).ok().flatten()))
}

/// Whether the group, as its stewards under `authors` set it, lets members invite.
fn members_may_invite(
    doc: &AutoCommit,
    reader: &mut EffectiveReader<'_>,
    authors: &mut dyn Authors,
) -> Result<bool, StoreError> {
    Ok(matches!(
        effective_entity(doc, DocKey::Catalogue, &EntityRef::Group, reader, authors, false)?,
        Some(Entity::Group(g)) if g.members_may_invite
    ))
}

/// The founder of `group` as its catalogue records it, if the record proves it.
fn founder_of(doc: &AutoCommit, group: &GroupId) -> Result<Option<Founder>, StoreError> {
    // Every group object ever put at the root, each read as it was created: the founder
    // cannot be changed or hidden by a later write.
    for (_, obj) in doc.get_all(ROOT, GROUP_KEY)? {
        let Some(created) = doc.hash_for_opid(&obj) else { continue };
        let heads = [created];
        let Some((Value::Object(ObjType::Map), founder)) = doc.get_at(&obj, "founder", &heads)? else { continue };
        let text = |k: &str| -> Result<Option<String>, StoreError> {
            Ok(match doc.get_at(&founder, k, &heads)? {
                Some((Value::Scalar(s), _)) => s.as_str().map(str::to_owned),
                _ => None,
            })
        };
        if let (Some(device), Some(nonce)) = (text("device")?, text("nonce")?)
            && let Ok(device) = DeviceId::parse(&device)
        {
            let f = Founder { device, nonce };
            if f.founded(group) {
                return Ok(Some(f));
            }
        }
    }
    Ok(None)
}

/// The catalogue's roster: from the founder, the members whose entries stewards wrote,
/// repeated until it no longer changes. A group without a founder record (created before
/// founders were recorded) starts from the stewards its member entries name.
pub(crate) fn catalogue_roster(doc: &AutoCommit, group: &GroupId) -> Result<Roster, StoreError> {
    let members: Vec<MemberId> = all_entities(doc, &DocKey::Catalogue)?
        .into_iter()
        .filter_map(|r| match r {
            EntityRef::Member(id) => Some(id),
            _ => None,
        })
        .collect();
    let mut roster = match founder_of(doc, group)? {
        Some(f) => Roster::founder(&f.device),
        None => {
            let mut stewards = Vec::new();
            for id in &members {
                if let Some(Entity::Member(m)) = read_entity(doc, &DocKey::Catalogue, &EntityRef::Member(id.clone()))?
                    && m.role == crate::domain::Role::Steward
                {
                    stewards.push(m);
                }
            }
            Roster::of(&stewards)
        }
    };
    let mut reader = EffectiveReader::new(doc);
    for _ in 0..MAX_ROUNDS {
        let mut admitted: Vec<Member> = Vec::with_capacity(members.len());
        let mut judging = roster.clone();
        let invites = members_may_invite(doc, &mut reader, &mut judging)?;
        for id in &members {
            let r = EntityRef::Member(id.clone());
            if let Some(Entity::Member(m)) =
                effective_entity(doc, DocKey::Catalogue, &r, &mut reader, &mut judging, invites)?
            {
                admitted.push(m);
            }
        }
        let next = Roster::of(&admitted);
        if next == roster {
            break;
        }
        roster = next;
    }
    Ok(roster)
}
