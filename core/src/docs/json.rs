//! Reading and writing plain JSON values as automerge objects.
//!
//! Objects become maps (merged key by key), arrays become lists (replaced whole when they
//! change; objects made concurrently at one key are read together, `merge_concurrent`), numbers become `Int` or `F64` scalars. Writing compares with what is there and
//! only puts what differs, so an edit produces the smallest change and concurrent edits of
//! different fields merge.
//!
//! An object that is never edited after it is written (an activity entry, a booking's
//! lifecycle event) can instead be written *packed*: its JSON encoding as one `Bytes`
//! scalar, one operation instead of one per field. Automerge's cost is per operation, so
//! this is most of what a booking write costs in the documents. Readers unpack it
//! transparently, and the trust rules judge it as fields written by that one operation's
//! author (`Bytes` is used for nothing else).
//!
//! A map may also hold its fields that never change packed under [`FIXED_KEY`]: readers
//! spread them into the map (a field stored on its own wins), so a new booking costs a few
//! operations rather than one per field.

use automerge::{AutoCommit, ObjId, ObjType, Prop, ReadDoc, ScalarValue, Value, transaction::Transactable};
use serde_json::{Map, Number, Value as Json};

use crate::docs::DocError;

/// Reads the value at `obj`/`prop` as JSON; `None` when there is nothing there.
pub fn read_json(doc: &AutoCommit, obj: &ObjId, prop: impl Into<Prop>) -> Result<Option<Json>, DocError> {
    match doc.get(obj, prop)? {
        None => Ok(None),
        Some((value, id)) => Ok(Some(value_to_json(doc, value, &id)?)),
    }
}

fn value_to_json(doc: &AutoCommit, value: Value<'_>, id: &ObjId) -> Result<Json, DocError> {
    Ok(match value {
        Value::Object(ObjType::Map | ObjType::Table) => {
            let mut map = Map::new();
            for item in doc.map_range(id, ..) {
                let child = item.id();
                let key = item.key.into_owned();
                let value = item.value.into_value();
                let object = is_object(&value);
                let mut json = value_to_json(doc, value, &child)?;
                if item.conflict && object {
                    // Objects made concurrently at one key: every one of them is read.
                    let mut others = Vec::new();
                    for (v, other) in doc.get_all(id, key.as_str())?.into_iter().rev() {
                        if other != child && is_object(&v) {
                            others.push(value_to_json(doc, v, &other)?);
                        }
                    }
                    json = merge_concurrent(json, others);
                }
                map.insert(key, json);
            }
            spread_fixed(&mut map);
            Json::Object(map)
        }
        Value::Object(ObjType::List) => {
            let mut list = Vec::new();
            for i in 0..doc.length(id) {
                if let Some((v, child)) = doc.get(id, i)? {
                    list.push(value_to_json(doc, v, &child)?);
                }
            }
            Json::Array(list)
        }
        Value::Object(ObjType::Text) => Json::String(doc.text(id)?),
        Value::Scalar(s) => scalar_to_json(&s),
    })
}

/// Whether a value is a map or a list (a packed object is a scalar).
pub(crate) fn is_object(value: &Value<'_>) -> bool {
    matches!(value, Value::Object(ObjType::Map | ObjType::Table | ObjType::List))
}

pub(crate) fn scalar_to_json(s: &ScalarValue) -> Json {
    match s {
        ScalarValue::Str(s) => Json::String(s.to_string()),
        ScalarValue::Int(i) | ScalarValue::Timestamp(i) => Json::Number((*i).into()),
        ScalarValue::Uint(u) => Json::Number((*u).into()),
        ScalarValue::F64(f) => Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
        ScalarValue::Counter(c) => Json::Number(i64::from(c).into()),
        ScalarValue::Boolean(b) => Json::Bool(*b),
        ScalarValue::Bytes(packed) => serde_json::from_slice(packed).unwrap_or(Json::Null),
        ScalarValue::Null | ScalarValue::Unknown { .. } => Json::Null,
    }
}

fn json_to_scalar(v: &Json) -> ScalarValue {
    match v {
        Json::Null => ScalarValue::Null,
        Json::Bool(b) => ScalarValue::Boolean(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => ScalarValue::Int(i),
            None => ScalarValue::F64(n.as_f64().unwrap_or_default()),
        },
        Json::String(s) => ScalarValue::Str(s.as_str().into()),
        // Objects and arrays never reach here.
        Json::Array(_) | Json::Object(_) => ScalarValue::Null,
    }
}

/// The key under which a map keeps its never-changing fields as one packed object.
pub const FIXED_KEY: &str = "~";

/// How much of a value is written as packed operations (see the module's notes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packing {
    /// Field by field: objects become maps.
    None,
    /// The whole value as one packed operation.
    Whole,
    /// Field by field, the named fields packed as given.
    Parts(&'static [(&'static str, Packing)]),
    /// Each field of this object packed whole.
    EachField,
}

/// One value for objects made concurrently at one key: `winner` (the value automerge shows)
/// with what the `others` (newest first) hold that it lacks. Two devices that each add the
/// first entry of a map the entity did not have yet (an item's first maintenance plan) make
/// two maps at one key; only one of them would show, and the other's entry would be lost.
/// Maps are merged key by key (the winner's value, else the newest other's); lists keep the
/// winner's elements, then each other's elements the result does not hold yet. Anything
/// else is the winner's. The result depends only on the values, so every device that holds
/// the same changes reads the same.
pub(crate) fn merge_concurrent(winner: Json, others: Vec<Json>) -> Json {
    match winner {
        Json::Object(mut map) => {
            for other in others {
                if let Json::Object(fields) = other {
                    for (k, v) in fields {
                        map.entry(k).or_insert(v);
                    }
                }
            }
            Json::Object(map)
        }
        Json::Array(mut list) => {
            for other in others {
                if let Json::Array(items) = other {
                    for v in items {
                        if !list.contains(&v) {
                            list.push(v);
                        }
                    }
                }
            }
            Json::Array(list)
        }
        scalar => scalar,
    }
}

/// Spreads a map's packed fixed fields ([`FIXED_KEY`]) into it; a field stored on its own
/// wins over the packed one.
pub(crate) fn spread_fixed(map: &mut Map<String, Json>) {
    if let Some(Json::Object(fixed)) = map.remove(FIXED_KEY) {
        for (k, v) in fixed {
            map.entry(k).or_insert(v);
        }
    }
}

/// Writes `new` at `obj`/`key`, changing only what differs from the current value.
pub fn write_json(doc: &mut AutoCommit, obj: &ObjId, key: &str, new: &Json) -> Result<(), DocError> {
    write_json_packed(doc, obj, key, new, Packing::None)
}

/// Writes `new` at `obj`/`key` as [`write_json`] does, packing the parts `packing` names.
pub fn write_json_packed(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    new: &Json,
    packing: Packing,
) -> Result<(), DocError> {
    let current = current_at(doc, obj, key)?;
    write_over(doc, obj, key, current, new, packing)
}

/// What is at `obj`/`key` now.
pub(crate) fn current_at(doc: &AutoCommit, obj: &ObjId, key: &str) -> Result<Current, DocError> {
    Ok(doc.get(obj, key)?.map(|(value, id)| (value.into_owned(), id)))
}

/// The value at a key and the operation that put it, if any.
pub(crate) type Current = Option<(Value<'static>, ObjId)>;

/// Writes `new` at `obj`/`key`, where `current` is there now (read by the caller).
pub(crate) fn write_over(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    current: Current,
    new: &Json,
    packing: Packing,
) -> Result<(), DocError> {
    match new {
        Json::Object(_) if packing == Packing::Whole => {
            let unchanged = match current {
                Some((value, id)) => value_to_json(doc, value, &id)? == *new,
                None => false,
            };
            if !unchanged {
                let bytes = serde_json::to_vec(new).map_err(|e| DocError::Encode { message: e.to_string() })?;
                doc.put(obj, key, ScalarValue::Bytes(bytes))?;
            }
        }
        Json::Object(fields) => {
            // A map made here is empty: nothing in it needs reading before it is filled.
            let (target, made) = match current {
                Some((Value::Object(ObjType::Map), id)) => (id, false),
                _ => (doc.put_object(obj, key, ObjType::Map)?, true),
            };
            let existing: Vec<String> = if made { Vec::new() } else { doc.keys(&target).collect() };
            for k in &existing {
                if !fields.contains_key(k) {
                    doc.delete(&target, k.as_str())?;
                }
            }
            // A map with packed fixed fields: what `~` holds stands for the fields not stored
            // on their own, so those are not written again while they keep that value.
            let packed = match packing {
                Packing::Parts(_) if !made => match read_json(doc, &target, FIXED_KEY)? {
                    Some(Json::Object(p)) => Some(p),
                    _ => None,
                },
                _ => None,
            };
            for (k, v) in fields {
                let inner = match packing {
                    Packing::Parts(parts) => parts.iter().find(|(name, _)| name == k).map_or(Packing::None, |p| p.1),
                    Packing::EachField => Packing::Whole,
                    _ => Packing::None,
                };
                if let Packing::Parts(_) = packing
                    && !existing.contains(k)
                    && stands_packed(packed.as_ref(), k, v)
                {
                    continue;
                }
                if packed.is_some() && k == FIXED_KEY {
                    // Fixed fields never change once written.
                    continue;
                }
                let current = if made { None } else { current_at(doc, &target, k)? };
                write_over(doc, &target, k, current, v, inner)?;
            }
        }
        Json::Array(items) => {
            let unchanged = match current {
                Some((value, id)) => value_to_json(doc, value, &id)? == *new,
                None => false,
            };
            if !unchanged {
                let list = doc.put_object(obj, key, ObjType::List)?;
                for (i, item) in items.iter().enumerate() {
                    insert_json(doc, &list, i, item)?;
                }
            }
        }
        scalar => {
            let wanted = json_to_scalar(scalar);
            let same = matches!(&current, Some((Value::Scalar(s), _)) if scalar_to_json(s) == *scalar);
            if !same {
                doc.put(obj, key, wanted)?;
            }
        }
    }
    Ok(())
}

/// Whether field `k` of a map with packed fixed fields, not stored on its own, already reads
/// as `v`: the packed value is `v`, or `v` is null and nothing holds the field (readers of
/// these maps treat a missing field as null).
fn stands_packed(packed: Option<&Map<String, Json>>, k: &str, v: &Json) -> bool {
    match packed.and_then(|p| p.get(k)) {
        Some(p) => p == v,
        None => v.is_null(),
    }
}

fn insert_json(doc: &mut AutoCommit, list: &ObjId, index: usize, v: &Json) -> Result<(), DocError> {
    match v {
        Json::Object(fields) => {
            let map = doc.insert_object(list, index, ObjType::Map)?;
            for (k, fv) in fields {
                write_json(doc, &map, k, fv)?;
            }
        }
        Json::Array(items) => {
            let inner = doc.insert_object(list, index, ObjType::List)?;
            for (i, item) in items.iter().enumerate() {
                insert_json(doc, &inner, i, item)?;
            }
        }
        scalar => {
            doc.insert(list, index, json_to_scalar(scalar))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ROOT;
    use serde_json::json;

    #[test]
    fn json_round_trips_and_unchanged_writes_make_no_ops() {
        let mut doc = AutoCommit::new();
        let v = json!({"name": "Såg", "n": 3, "f": 1.5, "tags": ["a", "b"], "rules": {"x": null, "y": true}});
        write_json(&mut doc, &ROOT, "e", &v).unwrap();
        doc.commit();
        assert_eq!(read_json(&doc, &ROOT, "e").unwrap(), Some(v.clone()));
        write_json(&mut doc, &ROOT, "e", &v).unwrap();
        assert_eq!(doc.pending_ops(), 0);
        let v2 = json!({"name": "Såg", "n": 4, "f": 1.5, "tags": ["a", "b"], "rules": {"x": null, "y": true}});
        write_json(&mut doc, &ROOT, "e", &v2).unwrap();
        assert_eq!(doc.pending_ops(), 1);
    }

    #[test]
    fn packed_objects_read_back_as_objects_in_one_operation() {
        let mut doc = AutoCommit::new();
        const BOOKING: Packing = Packing::Parts(&[(FIXED_KEY, Packing::Whole), ("events", Packing::EachField)]);
        let v = json!({"end": 9, "~": {"member": "m1", "start": 4}, "events": {"confirmed": {"at": 5, "by": "m1"}}});
        write_json_packed(&mut doc, &ROOT, "b", &v, BOOKING).unwrap();
        // The booking map, its end, its fixed fields, the events map and one packed event.
        assert_eq!(doc.pending_ops(), 5);
        doc.commit();
        let read = json!({"end": 9, "member": "m1", "start": 4, "events": {"confirmed": {"at": 5, "by": "m1"}}});
        assert_eq!(read_json(&doc, &ROOT, "b").unwrap(), Some(read));
        write_json_packed(&mut doc, &ROOT, "b", &v, BOOKING).unwrap();
        assert_eq!(doc.pending_ops(), 0);
        // Fields the packed value holds are not written on their own while they keep its
        // value; a field that changes is, and a null where nothing is stored is not.
        let packed_end = json!({"~": {"member": "m1", "start": 4, "end": 9}, "events": {}});
        write_json_packed(&mut doc, &ROOT, "p", &packed_end, BOOKING).unwrap();
        assert_eq!(doc.pending_ops(), 3);
        doc.commit();
        let later = json!({"~": {"member": "m1", "start": 4}, "end": 9, "rank": null, "events": {}});
        write_json_packed(&mut doc, &ROOT, "p", &later, BOOKING).unwrap();
        assert_eq!(doc.pending_ops(), 0);
        let extended = json!({"~": {"member": "m1", "start": 4}, "end": 11, "events": {}});
        write_json_packed(&mut doc, &ROOT, "p", &extended, BOOKING).unwrap();
        assert_eq!(doc.pending_ops(), 1);
        doc.commit();
        let read = json!({"member": "m1", "start": 4, "end": 11, "events": {}});
        assert_eq!(read_json(&doc, &ROOT, "p").unwrap(), Some(read));
        let whole = json!({"actor": "m1", "summary": "Jordfräs", "n": 3});
        write_json_packed(&mut doc, &ROOT, "a", &whole, Packing::Whole).unwrap();
        assert_eq!(doc.pending_ops(), 1);
        assert_eq!(read_json(&doc, &ROOT, "a").unwrap(), Some(whole.clone()));
        // A value written field by field before is left as it is when it has not changed.
        write_json(&mut doc, &ROOT, "c", &whole).unwrap();
        doc.commit();
        write_json_packed(&mut doc, &ROOT, "c", &whole, Packing::Whole).unwrap();
        assert_eq!(doc.pending_ops(), 0);
    }

    #[test]
    fn concurrent_edits_of_different_fields_merge() {
        let mut a = AutoCommit::new();
        write_json(&mut a, &ROOT, "e", &json!({"name": "Såg", "n": 1})).unwrap();
        a.commit();
        let mut b = a.fork();
        write_json(&mut a, &ROOT, "e", &json!({"name": "Bågsåg", "n": 1})).unwrap();
        write_json(&mut b, &ROOT, "e", &json!({"name": "Såg", "n": 2})).unwrap();
        a.merge(&mut b).unwrap();
        assert_eq!(read_json(&a, &ROOT, "e").unwrap(), Some(json!({"name": "Bågsåg", "n": 2})));
    }

    #[test]
    fn objects_made_concurrently_at_one_key_are_read_together_in_either_merge_order() {
        let mut a = AutoCommit::new();
        write_json(&mut a, &ROOT, "e", &json!({"name": "Fräs", "tags": ["trädgård"]})).unwrap();
        a.commit();
        let mut b = a.fork();
        // Each makes the first plan map, and each replaces the tag list.
        write_json(&mut a, &ROOT, "e", &json!({"name": "Fräs", "tags": ["trädgård", "vår"], "plans": {"p1": 1}}))
            .unwrap();
        write_json(&mut b, &ROOT, "e", &json!({"name": "Fräs", "tags": ["trädgård", "höst"], "plans": {"p2": 2}}))
            .unwrap();
        let (mut ab, mut ba) = (a.fork(), b.fork());
        ab.merge(&mut b).unwrap();
        ba.merge(&mut a).unwrap();
        let read = read_json(&ab, &ROOT, "e").unwrap().unwrap();
        assert_eq!(read_json(&ba, &ROOT, "e").unwrap().unwrap(), read);
        assert_eq!(read["plans"], json!({"p1": 1, "p2": 2}));
        let tags = read["tags"].as_array().unwrap();
        assert_eq!(tags.len(), 3, "{tags:?}");
        assert!(["trädgård", "vår", "höst"].iter().all(|t| tags.contains(&json!(t))));
        // The next write of the entity puts the merged value where automerge shows it.
        write_json(&mut ab, &ROOT, "e", &read).unwrap();
        assert_eq!(read_json(&ab, &ROOT, "e").unwrap().unwrap(), read);
    }
}
