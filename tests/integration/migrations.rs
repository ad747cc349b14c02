//! Stores written by older schema versions open, migrate to the latest version and rebuild
//! their projection; the migrated schema is exactly a fresh store's schema. A store from a
//! newer Delbar is refused and left alone.

use std::path::Path;

use delbar_core::store::StoreError;
use delbar_core::store::schema::{MIGRATIONS, latest_version, migrate};
use delbar_core::{Error, Store};
use delbar_tests::{Fixture, assert_clean, at_hours, fingerprint, open_store, schema_of, user_version, view};

/// The tables that hold the source of truth, parents first; everything else is projection.
const SOURCE_TABLES: &[&str] = &["local_device", "documents", "document_snapshots", "document_chunks"];

/// A store full of data, made by the current code.
fn current_store() -> Fixture {
    let mut fx = Fixture::new();
    let saw = fx.item("Motorsåg", 2);
    let tiller = fx.item("Jordfräs Honda", 1);
    fx.item("Øksa", 1);
    fx.book(&saw.id, 24, 30, 1).unwrap();
    let b = fx.book(&tiller.id, 30, 40, 1).unwrap();
    let g = fx.group.clone();
    fx.store.act_on_booking(&g, &b.id, delbar_core::domain::BookingAction::CheckOut).unwrap();
    fx.store.add_member(&g, "Olle", delbar_core::domain::Role::Member, None).unwrap();
    fx
}

/// Columns of a table, and whether it has rowids.
fn columns(conn: &rusqlite::Connection, schema: &str, table: &str) -> Vec<String> {
    conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}', '{schema}')"))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// Builds, at `path`, the store an older Delbar at schema `version` would have written for
/// the documents in `source`: the schema of that version, the same documents and device key,
/// and (with `with_projection`) the projection rows that version's tables can hold.
fn store_at_version(source: &Path, path: &Path, version: i64, with_projection: bool) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    migrate(&mut conn, version).unwrap();
    assert_eq!(user_version(&conn), version);
    conn.execute("ATTACH DATABASE ?1 AS src", [source.to_str().unwrap()]).unwrap();
    let projection: Vec<String> = conn
        .prepare(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE 'item_search_%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<Vec<String>>>()
        .unwrap()
        .into_iter()
        .filter(|t| with_projection && !SOURCE_TABLES.contains(&t.as_str()))
        .collect();
    for table in SOURCE_TABLES.iter().map(|t| (*t).to_owned()).chain(projection) {
        let cols = columns(&conn, "main", &table);
        if cols.is_empty() {
            continue; // not in that version's schema
        }
        let current = columns(&conn, "src", &table);
        // Before version 7 a document's snapshot sat in its row.
        let select: Vec<String> = cols
            .iter()
            .map(|c| match c.as_str() {
                "snapshot" if !current.contains(c) => {
                    "COALESCE((SELECT data FROM src.document_snapshots s WHERE s.doc = t.id), x'')".to_owned()
                }
                _ => format!("t.{c}"),
            })
            .collect();
        let (cols, select) = (cols.join(", "), select.join(", "));
        // Keep rowids where the table has them: the search index refers to items by rowid.
        let has_rowid = conn.prepare(&format!("SELECT rowid FROM main.\"{table}\" LIMIT 0")).is_ok();
        let (cols, select) =
            if has_rowid { (format!("rowid, {cols}"), format!("t.rowid, {select}")) } else { (cols, select) };
        conn.execute(&format!("INSERT INTO main.\"{table}\" ({cols}) SELECT {select} FROM src.\"{table}\" t"), [])
            .unwrap();
    }
    conn.execute("DETACH DATABASE src", []).unwrap();
}

/// A fresh store's file, for its schema.
fn fresh_schema() -> Vec<(String, String, Option<String>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    drop(Store::open(&path).unwrap());
    schema_of(&path)
}

fn assert_migrated_like_current(fx: &Fixture, path: &Path) {
    let mut store = open_store(path, &fx.clock);
    let g = &fx.group;
    assert_eq!(store.device_id(), fx.store.device_id());
    assert_eq!(view(&store, g), fx.view(), "the migrated store answers differently");
    // Search works, though the old schema had no search table.
    let found: Vec<String> = store.search_items(g, "jordf", 10).unwrap().into_iter().map(|i| i.name).collect();
    assert_eq!(found, ["Jordfräs Honda"]);
    assert_eq!(store.search_items(g, "sag", 10).unwrap().len(), 1);
    assert_eq!(store.search_items(g, "oksa", 10).unwrap().len(), 1);
    assert_clean(&mut store);
    // And it takes new writes.
    let item = store.add_item(g, delbar_core::domain::ItemDraft::named("Ny spade")).unwrap();
    store.book(g, &delbar_tests::request(&item.id, at_hours(50), at_hours(51), 1)).unwrap();
    assert_clean(&mut store);
    drop(store);
    let conn = rusqlite::Connection::open(path).unwrap();
    assert_eq!(user_version(&conn), latest_version());
    assert_eq!(schema_of(path), fresh_schema(), "the migrated schema differs from a fresh store's");
}

#[test]
fn a_version_1_store_migrates_and_rebuilds_its_projection() {
    let fx = current_store();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    store_at_version(&fx.path, &path, 1, true);
    // Version 1 had no search table, and its projection is filled.
    assert!(!schema_of(&path).iter().any(|(_, name, _)| name == "item_search"));
    assert_eq!(fingerprint(&path)["items"].len(), 3);
    assert_migrated_like_current(&fx, &path);
}

#[test]
fn a_version_1_store_with_an_empty_projection_is_rebuilt_from_its_documents() {
    let fx = current_store();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1-empty.db");
    store_at_version(&fx.path, &path, 1, false);
    assert_migrated_like_current(&fx, &path);
}

#[test]
fn a_store_made_by_every_older_version_opens() {
    let fx = current_store();
    let dir = tempfile::tempdir().unwrap();
    for m in MIGRATIONS.iter().filter(|m| m.version < latest_version()) {
        let path = dir.path().join(format!("v{}.db", m.version));
        store_at_version(&fx.path, &path, m.version, true);
        assert_migrated_like_current(&fx, &path);
    }
}

/// A version 9 store that received booking documents from a newer device holds activity
/// entries beside the bookings that it could not read, so its projection lacks them; the
/// migration finds and projects them (without rebuilding the projection).
#[test]
fn a_version_9_store_projects_the_entries_it_could_not_read() {
    let fx = current_store();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v9.db");
    store_at_version(&fx.path, &path, 9, true);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let unread = conn.execute("DELETE FROM activity WHERE booking_id IS NOT NULL", []).unwrap();
        assert_eq!(unread, 3, "two bookings requested and one checked out");
    }
    assert_migrated_like_current(&fx, &path);
}

/// Folds every document's chunks into the snapshot of a store at schema version 6 (when
/// snapshots sat in the documents' rows), as compaction then did.
fn fold_chunks_into_snapshots_at_version_6(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    assert_eq!(user_version(&conn), 6);
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM documents")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for id in ids {
        let mut bytes: Vec<u8> =
            conn.query_row("SELECT snapshot FROM documents WHERE id = ?1", [id], |r| r.get(0)).unwrap();
        let chunks: Vec<Vec<u8>> = conn
            .prepare("SELECT data FROM document_chunks WHERE doc = ?1 ORDER BY seq")
            .unwrap()
            .query_map([id], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        chunks.iter().for_each(|c| bytes.extend_from_slice(c));
        conn.execute(
            "UPDATE documents SET snapshot = ?2, chunk_count = 0, chunk_bytes = 0 WHERE id = ?1",
            rusqlite::params![id, bytes],
        )
        .unwrap();
        conn.execute("DELETE FROM document_chunks WHERE doc = ?1", [id]).unwrap();
    }
}

#[test]
fn a_version_6_store_keeps_its_snapshots_when_they_move_to_their_own_table() {
    let fx = current_store();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6-snapshots.db");
    store_at_version(&fx.path, &path, 6, true);
    fold_chunks_into_snapshots_at_version_6(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let docs: i64 =
        conn.query_row("SELECT count(*) FROM documents WHERE length(snapshot) > 0", [], |r| r.get(0)).unwrap();
    assert!(docs >= 2, "the fixture has a catalogue and bookings: {docs}");
    drop(conn);
    assert_migrated_like_current(&fx, &path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (moved, sized): (i64, i64) = conn
        .query_row(
            "SELECT count(*), sum(d.snapshot_bytes = length(s.data)) FROM document_snapshots s JOIN documents d ON d.id = s.doc",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((moved, sized), (docs, docs), "every snapshot moved, with its size recorded");
}

#[test]
fn migrations_are_numbered_in_order() {
    let versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
    let expected: Vec<i64> = (1..=versions.len() as i64).collect();
    assert_eq!(versions, expected);
    assert_eq!(latest_version(), versions.len() as i64);
}

#[test]
fn a_fresh_store_has_the_latest_schema_and_reopens_unchanged() {
    let mut fx = current_store();
    let before = (schema_of(&fx.path), fingerprint(&fx.path));
    fx.reopen();
    fx.reopen();
    assert_eq!((schema_of(&fx.path), fingerprint(&fx.path)), before);
    assert_eq!(schema_of(&fx.path), fresh_schema());
}

#[test]
fn a_store_from_a_newer_delbar_is_refused_and_left_alone() {
    let fx = current_store();
    let path = fx.path.clone();
    let newer = latest_version() + 1;
    drop(fx.store);
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", newer).unwrap();
    let before = fingerprint(&path);
    let err = Store::open(&path).unwrap_err();
    match err {
        Error::Store(StoreError::NewerSchema { found, supported }) => {
            assert_eq!((found, supported), (newer, latest_version()));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert_eq!(fingerprint(&path), before);
}

#[test]
fn a_failed_migration_leaves_the_store_at_its_old_version() {
    let fx = current_store();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1-blocked.db");
    store_at_version(&fx.path, &path, 1, true);
    // Something in the way of migration 2: a table with the name it creates.
    rusqlite::Connection::open(&path).unwrap().execute_batch("CREATE TABLE item_search (x TEXT)").unwrap();
    let before = fingerprint(&path);
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::Store(StoreError::Storage { .. })), "{err:?}");
    assert_eq!(fingerprint(&path), before, "a failed migration must be rolled back whole");
}
