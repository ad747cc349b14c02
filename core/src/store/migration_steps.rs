//! Migration steps in Rust ([`crate::store::schema::Migration::then`]): what SQL alone
//! cannot bring up to date, done for exactly the rows and entities concerned rather than by
//! rebuilding the whole projection (which costs with the group's age: 56 s for the
//! benchmark's 200k-booking store).

use rusqlite::{Transaction, params};

use crate::docs::{DocKey, EntityRef, all_entities};
use crate::ids::GroupId;
use crate::store::{StoreError, doc_log, projection};
use crate::time::Timestamp;

/// Migration 10: fills `activity.month` of the rows projected before it and indexes it
/// (filled first, then indexed: updating 600,000 rows under the index took 5 s, filling
/// and then building it 2 s), and projects the activity entries kept beside their bookings
/// in booking documents. An earlier version never wrote such entries, but it may have
/// received them from a newer device and could not read them; each booking document is
/// loaded once to find them.
pub(crate) fn place_booking_activity(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let rows: Vec<(i64, i64)> = tx
        .prepare("SELECT rowid, at FROM activity")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut set_month = tx.prepare("UPDATE activity SET month = ?2 WHERE rowid = ?1")?;
    for (rowid, at) in rows {
        set_month.execute(params![rowid, Timestamp(at).month_number()])?;
    }
    tx.execute_batch("CREATE INDEX activity_by_item_month ON activity (group_id, month, item_id, at, id)")?;
    let groups: Vec<String> = tx
        .prepare("SELECT DISTINCT group_id FROM documents")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for group in groups.iter().filter_map(|g| GroupId::parse(g).ok()) {
        for (key, _) in doc_log::list(tx, &group)? {
            if !matches!(key, DocKey::Bookings { .. }) {
                continue;
            }
            let Some(doc) = doc_log::load(tx, &group, key)? else { continue };
            let entries: Vec<EntityRef> =
                all_entities(&doc, &key)?.into_iter().filter(|r| matches!(r, EntityRef::Activity(_))).collect();
            if !entries.is_empty() {
                projection::project(tx, &group, key, &doc, entries.iter())?;
            }
        }
    }
    Ok(())
}
