//! Reading an entity as its authorised writers left it.
//!
//! Automerge keeps every operation with the actor (device) that made it. For each field the
//! reader takes the newest value whose writer was allowed to write it (by [`rules`]); when
//! the visible value was written by someone who was not, it looks at the value the field
//! had just before that change, and so on. The result depends only on the document, so
//! every device that holds the same changes projects the same entity.
//!
//! [`rules`]: crate::trust::rules

use automerge::ObjId as ExId;
use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, Prop, ReadDoc, Value};
use serde_json::{Map, Value as Json};
use std::collections::HashMap;

use crate::docs::json::{FIXED_KEY, is_object, merge_concurrent, spread_fixed};
use crate::docs::{device_of_actor, scalar_to_json};
use crate::ids::DeviceId;
use crate::store::StoreError;
use crate::trust::roster::Author;

/// How far back a field is followed past values written without permission.
const MAX_LOOKBACK: usize = 16;

/// Tells who wrote a change, given the writing device and (lazily) when.
pub(crate) trait Authors {
    /// The author of a change `device` made; `at` gives the change's time in ms.
    fn author(&mut self, device: &DeviceId, at: &mut dyn FnMut() -> Option<i64>) -> Result<Option<Author>, StoreError>;
}

/// Decides whether `author` may have written `value` at `path` (the entity's key first).
pub(crate) trait Rule {
    /// Whether the write stands. `with_entity` tells (when asked) whether the write was
    /// part of the change that created the entity.
    fn allows(&mut self, path: &[String], author: &Author, value: &Json, with_entity: &mut dyn FnMut() -> bool)
    -> bool;
}

/// Reads values of one document keeping only authorised writes.
pub(crate) struct EffectiveReader<'a> {
    doc: &'a AutoCommit,
    devices: HashMap<Vec<u8>, DeviceId>,
    /// How deep the entity being read sits in the paths, and the operation that made the
    /// candidate entity object being read.
    entity_depth: usize,
    entity: Option<ExId>,
}

impl<'a> EffectiveReader<'a> {
    pub(crate) fn new(doc: &'a AutoCommit) -> Self {
        EffectiveReader { doc, devices: HashMap::new(), entity_depth: 0, entity: None }
    }

    /// The value at `obj`/`key` as authorised writers left it; the rule sees paths that
    /// start with `prefix` then `key`.
    pub(crate) fn read(
        &mut self,
        obj: &ObjId,
        prefix: &[&str],
        key: &str,
        authors: &mut dyn Authors,
        rule: &mut dyn Rule,
    ) -> Result<Option<Json>, StoreError> {
        let mut path: Vec<String> = prefix.iter().map(|s| (*s).to_owned()).collect();
        path.push(key.to_owned());
        self.entity_depth = path.len();
        self.entity = None;
        self.pick(obj, Prop::Map(key.to_owned()), &mut path, authors, rule)
    }

    fn pick(
        &mut self,
        obj: &ObjId,
        prop: Prop,
        path: &mut Vec<String>,
        authors: &mut dyn Authors,
        rule: &mut dyn Rule,
    ) -> Result<Option<Json>, StoreError> {
        let candidates = self.doc.get_all(obj, prop.clone())?;
        self.pick_from(obj, prop, candidates, path, authors, rule)
    }

    /// [`Self::pick`] given the values at `obj`/`prop` now.
    fn pick_from(
        &mut self,
        obj: &ObjId,
        prop: Prop,
        mut candidates: Vec<(Value<'a>, ExId)>,
        path: &mut Vec<String>,
        authors: &mut dyn Authors,
        rule: &mut dyn Rule,
    ) -> Result<Option<Json>, StoreError> {
        for _ in 0..MAX_LOOKBACK {
            // Concurrent values come oldest first; the newest authorised one wins. Inside an
            // entity, objects made concurrently at one key are all read (`merge_concurrent`).
            let mut newest = candidates.iter().rev();
            while let Some((value, id)) = newest.next() {
                if let Some(json) = self.accept(value, id, path, authors, rule)? {
                    if !(is_object(value) && path.len() > self.entity_depth) {
                        return Ok(Some(json));
                    }
                    let mut others = Vec::new();
                    for (value, id) in newest.filter(|(value, _)| is_object(value)) {
                        if let Some(other) = self.accept(value, id, path, authors, rule)? {
                            others.push(other);
                        }
                    }
                    return Ok(Some(merge_concurrent(json, others)));
                }
            }
            let Some(deps) = candidates.last().and_then(|(_, id)| self.deps_of(id)) else {
                return Ok(None);
            };
            candidates = self.doc.get_all_at(obj, prop.clone(), &deps)?;
        }
        Ok(None)
    }

    fn accept(
        &mut self,
        value: &Value<'_>,
        id: &ExId,
        path: &mut Vec<String>,
        authors: &mut dyn Authors,
        rule: &mut dyn Rule,
    ) -> Result<Option<Json>, StoreError> {
        let Some(author) = self.author_of(id, authors)? else {
            return Ok(None);
        };
        if path.len() == self.entity_depth {
            self.entity = Some(id.clone());
        }
        let json = match value {
            Value::Scalar(s) => scalar_to_json(s),
            Value::Object(ObjType::Map | ObjType::Table) => Json::Object(self.read_map(id, path, authors, rule)?),
            Value::Object(ObjType::List) => Json::Array(self.read_list(id, path, authors, rule)?),
            Value::Object(ObjType::Text) => Json::String(self.doc.text(id)?),
        };
        let doc = self.doc;
        let entity = self.entity.as_ref();
        let mut with_entity = || {
            let made_in = doc.hash_for_opid(id);
            made_in.is_some() && made_in == entity.and_then(|e| doc.hash_for_opid(e))
        };
        let allowed = rule.allows(path, &author, &json, &mut with_entity);
        Ok(allowed.then_some(json))
    }

    fn read_map(
        &mut self,
        obj: &ObjId,
        path: &mut Vec<String>,
        authors: &mut dyn Authors,
        rule: &mut dyn Rule,
    ) -> Result<Map<String, Json>, StoreError> {
        // One pass over the map: a key holding one value (no concurrent writes) has that
        // value as its only candidate, so it is not looked up again; a key with concurrent
        // values is read whole by `pick`.
        let mut fields: Vec<(String, Option<(Value<'static>, ExId)>)> = self
            .doc
            .map_range(obj, ..)
            .map(|item| {
                let single = (!item.conflict).then(|| (item.value.clone().into_value(), item.id()));
                (item.key.into_owned(), single)
            })
            .collect();
        // Who an entity belongs to is read first (in the packed fixed fields, or on its own):
        // the rules for its other fields depend on it.
        fields.sort_by_key(|(k, _)| match k.as_str() {
            FIXED_KEY => 0,
            "member" | "actor" => 1,
            _ => 2,
        });
        let mut map = Map::new();
        for (key, single) in fields {
            path.push(key.clone());
            let prop = Prop::Map(key.clone());
            let value = match single {
                Some(only) => self.pick_from(obj, prop, vec![only], path, authors, rule)?,
                None => self.pick(obj, prop, path, authors, rule)?,
            };
            path.pop();
            if let Some(v) = value {
                map.insert(key, v);
            }
        }
        spread_fixed(&mut map);
        Ok(map)
    }

    fn read_list(
        &mut self,
        obj: &ObjId,
        path: &mut Vec<String>,
        authors: &mut dyn Authors,
        rule: &mut dyn Rule,
    ) -> Result<Vec<Json>, StoreError> {
        let mut out = Vec::new();
        path.push("*".to_owned());
        for i in 0..self.doc.length(obj) {
            if let Some((value, id)) = self.doc.get(obj, i)?
                && let Some(json) = self.accept(&value, &id, path, authors, rule)?
            {
                out.push(json);
            }
        }
        path.pop();
        Ok(out)
    }

    fn author_of(&mut self, id: &ExId, authors: &mut dyn Authors) -> Result<Option<Author>, StoreError> {
        let ExId::Id(_, actor, _) = id else { return Ok(None) };
        let bytes = actor.to_bytes().to_vec();
        let device = self.devices.entry(bytes).or_insert_with_key(|b| device_of_actor(b)).clone();
        let doc = self.doc;
        let mut at = || {
            let hash = doc.hash_for_opid(id)?;
            ReadDoc::get_change_by_hash(doc, &hash).map(|c| c.timestamp().saturating_mul(1000))
        };
        authors.author(&device, &mut at)
    }

    fn deps_of(&self, id: &ExId) -> Option<Vec<ChangeHash>> {
        let hash = self.doc.hash_for_opid(id)?;
        ReadDoc::get_change_by_hash(self.doc, &hash).map(|c| c.deps().to_vec())
    }
}
