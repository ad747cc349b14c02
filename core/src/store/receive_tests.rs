//! Receiving a whole group, and large parts of one, as a new device does at first contact
//! (over a session or from a bundle file), with the limits this crate's unit tests run
//! with: no loaded document kept beyond the one in use and those holding a write in
//! progress, and every merge of more than a few changes projecting its whole document
//! rather than a diff. Whatever path a merge takes, the receiver must end with the sender's
//! projection, pass its check, and lose nothing when it reopens.

use std::sync::Arc;

use rusqlite::types::Value as SqlValue;

use crate::docs::DocKey;
use crate::domain::{BookingAction, ItemDraft, NewBooking, Role};
use crate::ids::GroupId;
use crate::store::schema::PROJECTION_TABLES;
use crate::store::{ActivityFilter, Store};
use crate::sync::{Session, import_bundle_file, write_bundle_file};
use crate::time::{Clock, DAY_MS, HOUR_MS, ManualClock, Timestamp};

fn clock() -> ManualClock {
    ManualClock::new(Timestamp::from_civil(2026, 11, 22, 12, 0).unwrap_or(Timestamp(0)))
}

/// Runs a session between two stores, in memory, until both are done.
fn session(source: &mut Store, dialer: &mut Store, group: &GroupId) {
    let (mut at_dialer, first_up) = Session::start(dialer, group, source.device_id()).unwrap();
    let (mut at_source, first_down) = Session::start(source, group, dialer.device_id()).unwrap();
    let (mut up, mut down) = (vec![first_up], vec![first_down]);
    while !up.is_empty() || !down.is_empty() {
        for m in std::mem::take(&mut up) {
            down.extend(at_source.receive(source, m).unwrap());
        }
        for m in std::mem::take(&mut down) {
            up.extend(at_dialer.receive(dialer, m).unwrap());
        }
    }
    assert!(at_source.is_done() && at_dialer.is_done());
}

/// Every projection table's rows of `group`, in key order.
fn projection(store: &Store, group: &GroupId) -> Vec<(String, Vec<Vec<SqlValue>>)> {
    PROJECTION_TABLES
        .iter()
        .map(|(table, key)| {
            let id = if *table == "groups" { "id" } else { "group_id" };
            let sql = format!("SELECT * FROM {table} WHERE {id} = ?1 ORDER BY {key}");
            let mut stmt = store.conn().prepare(&sql).unwrap();
            let columns = stmt.column_count();
            let rows = stmt
                .query_map([group.as_str()], |r| (0..columns).map(|i| r.get::<_, SqlValue>(i)).collect())
                .unwrap()
                .collect::<Result<Vec<Vec<SqlValue>>, _>>()
                .unwrap();
            (table.to_string(), rows)
        })
        .collect()
}

fn assert_same(a: &Store, b: &mut Store, group: &GroupId) {
    for ((table, rows_a), (_, rows_b)) in projection(a, group).into_iter().zip(projection(b, group)) {
        assert_eq!(rows_a, rows_b, "table {table}");
    }
    let report = b.check(Some(group)).unwrap();
    assert!(report.is_clean(), "{:?}", report.differences.first());
}

/// A group with two items and bookings in four months, on a store at `dir`, whose
/// members include the devices `receivers`.
fn group_over_months(
    dir: &std::path::Path,
    c: &ManualClock,
    receivers: &[&Store],
) -> (Store, GroupId, Vec<crate::ids::ItemId>) {
    let mut s = Store::open_with_clock(dir.join("source.db"), Arc::new(c.clone())).unwrap();
    let g = s.create_group("Odlingsakademin Östersund", "", "Karin").unwrap().id;
    for (i, r) in receivers.iter().enumerate() {
        s.add_member(&g, &format!("Telefon {i}"), Role::Member, Some((r.device_id().clone(), "phone"))).unwrap();
    }
    let mut items = Vec::new();
    for name in ["Jordfräs Honda", "Vedklyv"] {
        let mut draft = ItemDraft::named(name);
        draft.quantity = 2;
        items.push(s.add_item(&g, draft).unwrap().id);
    }
    for month in 0..4 {
        for (n, item) in items.iter().enumerate() {
            let start = c.now().plus_ms(DAY_MS + n as i64 * 3 * HOUR_MS);
            let b = s
                .book(
                    &g,
                    &NewBooking {
                        item: item.clone(),
                        units: 1,
                        start,
                        end: start.plus_ms(2 * HOUR_MS),
                        note: format!("månad {month}"),
                        for_member: None,
                    },
                )
                .unwrap();
            if n == 0 {
                s.act_on_booking(&g, &b.id, BookingAction::Cancel).unwrap();
            }
        }
        c.advance(31 * DAY_MS);
    }
    (s, g, items)
}

#[test]
fn a_first_contact_and_a_bundle_import_converge_with_documents_dropped_between_uses() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let mut phone = Store::open_with_clock(dir.path().join("phone.db"), Arc::new(c.clone())).unwrap();
    let mut tablet = Store::open_with_clock(dir.path().join("tablet.db"), Arc::new(c.clone())).unwrap();
    let (mut source, g, items) = group_over_months(dir.path(), &c, &[&phone, &tablet]);
    let months = crate::store::doc_log::list(source.conn(), &g)
        .unwrap()
        .into_iter()
        .filter(|(k, _)| matches!(k, DocKey::Bookings { .. }))
        .count();
    assert!(months >= 4, "{months} booking documents");

    // First contact over a session: every document is new to the phone.
    session(&mut source, &mut phone, &g);
    assert_same(&source, &mut phone, &g);

    // A full bundle imported into the tablet, read from its file.
    let bundle = dir.path().join("full.bundle");
    write_bundle_file(&source, &g, None, &bundle).unwrap();
    import_bundle_file(&mut tablet, None, &bundle).unwrap();
    assert_same(&source, &mut tablet, &g);

    // Many changes to documents the phone holds (past the diff limit: projected whole) and
    // one small change (diffed), then a session again.
    for round in 0..6 {
        let start = c.now().plus_ms(DAY_MS + round * 4 * HOUR_MS);
        source
            .book(
                &g,
                &NewBooking {
                    item: items[round as usize % 2].clone(),
                    units: 1,
                    start,
                    end: start.plus_ms(HOUR_MS),
                    note: String::new(),
                    for_member: None,
                },
            )
            .unwrap();
    }
    session(&mut source, &mut phone, &g);
    assert_same(&source, &mut phone, &g);
    source.add_item(&g, ItemDraft::named("Skottkärra")).unwrap();
    session(&mut source, &mut phone, &g);
    assert_same(&source, &mut phone, &g);

    // The phone's own write, with nothing kept loaded after it, survives reopening (the
    // source's writes above, to the catalogue and an activity month at once, did too).
    let mine = phone.book(
        &g,
        &NewBooking {
            item: items[1].clone(),
            units: 1,
            start: c.now().plus_ms(5 * DAY_MS),
            end: c.now().plus_ms(5 * DAY_MS + HOUR_MS),
            note: "min".into(),
            for_member: None,
        },
    );
    let mine = mine.unwrap().id;
    let path = dir.path().join("phone.db");
    drop(phone);
    let mut phone = Store::open_with_clock(&path, Arc::new(c.clone())).unwrap();
    assert!(phone.booking(&g, &mine).is_ok());
    let history = phone.activity(&g, &ActivityFilter::default(), None, 500).unwrap();
    assert!(history.entries.len() > 10, "{}", history.entries.len());
    let report = phone.check(Some(&g)).unwrap();
    assert!(report.is_clean(), "{:?}", report.differences.first());
    session(&mut source, &mut tablet, &g);
    assert_same(&source, &mut tablet, &g);
}
