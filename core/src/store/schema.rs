//! The SQLite schema and its numbered, append-only migrations.
//!
//! Two kinds of tables live in a store:
//!
//! - **documents** (`local_device`, `documents`, `document_snapshots`, `document_chunks`):
//!   the source of truth.
//!   Migrations must keep their data.
//! - **projection** (everything else): derived from the documents for fast queries. A
//!   migration that changes the projection sets [`Migration::rebuilds_projection`] and the
//!   store rebuilds it from the documents after migrating, or, where a rebuild would cost
//!   too much in a long-lived group, brings exactly what changed up to date in a step of
//!   its own ([`Migration::then`], `store/migration_steps.rs`).

use rusqlite::{Connection, Transaction};

use crate::store::{StoreError, migration_steps};

/// A migration's step in Rust, run in the migration's transaction after its SQL.
pub type MigrationStep = fn(&Transaction<'_>) -> Result<(), StoreError>;

/// One step of the schema's history. Never edit a released step; append a new one.
pub struct Migration {
    /// The version the schema has after this step.
    pub version: i64,
    /// What it does, for logs.
    pub description: &'static str,
    /// The SQL, run in one transaction.
    pub sql: &'static str,
    /// A step in Rust run after the SQL, in the same transaction, where SQL alone cannot
    /// bring the projection up to date and a whole rebuild would cost too much.
    pub then: Option<MigrationStep>,
    /// Whether the projection must be rebuilt from the documents afterwards.
    pub rebuilds_projection: bool,
}

/// Every migration, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "documents, device identity and the base projection",
        sql: include_str!("migrations/001_base.sql"),
        then: None,
        rebuilds_projection: false,
    },
    Migration {
        version: 2,
        description: "folded text search over items and the overdue index",
        sql: include_str!("migrations/002_search.sql"),
        then: None,
        rebuilds_projection: true,
    },
    Migration {
        version: 3,
        description: "booking lifecycle events, conflict resolution, kits, qualifications, notifications",
        sql: include_str!("migrations/003_bookings.sql"),
        then: None,
        rebuilds_projection: true,
    },
    Migration {
        version: 4,
        description: "what each sync peer last announced it holds",
        sql: include_str!("migrations/004_sync.sql"),
        then: None,
        rebuilds_projection: false,
    },
    Migration {
        version: 5,
        description: "attestations of who wrote which changes; founder, role history and withheld entities",
        sql: include_str!("migrations/005_trust.sql"),
        then: None,
        rebuilds_projection: true,
    },
    Migration {
        version: 6,
        description: "sync status per peer, invite revocation, group relay and invite settings",
        sql: include_str!("migrations/006_sync_status.sql"),
        then: None,
        rebuilds_projection: true,
    },
    Migration {
        version: 7,
        description: "document snapshots in their own table, apart from the row every write updates",
        sql: include_str!("migrations/007_snapshots.sql"),
        then: None,
        rebuilds_projection: false,
    },
    Migration {
        version: 8,
        description: "indexes of a member's devices and qualifications",
        sql: include_str!("migrations/008_member_indexes.sql"),
        then: None,
        rebuilds_projection: false,
    },
    Migration {
        version: 9,
        description: "the last change-journal record applied",
        sql: include_str!("migrations/009_journal.sql"),
        then: None,
        rebuilds_projection: false,
    },
    Migration {
        version: 10,
        description: "activity entries beside their bookings; indexes that do not grow with the group's age",
        sql: include_str!("migrations/010_booking_activity.sql"),
        then: Some(migration_steps::place_booking_activity),
        rebuilds_projection: false,
    },
    Migration {
        version: 11,
        description: "the longest booking of a group in one seek, for statistics over a window",
        sql: include_str!("migrations/011_booking_span.sql"),
        then: None,
        rebuilds_projection: false,
    },
    Migration {
        version: 12,
        description: "returns with the condition reported, and maintenance plans",
        sql: include_str!("migrations/012_maintenance.sql"),
        then: None,
        rebuilds_projection: false,
    },
    Migration {
        version: 13,
        description: "the thumbnail of a photo taken at a return",
        sql: include_str!("migrations/013_return_thumbnails.sql"),
        then: None,
        rebuilds_projection: false,
    },
];

/// The schema version this code writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

/// The projection tables, in the order `check` compares them, with the columns that
/// identify a row.
pub const PROJECTION_TABLES: &[(&str, &str)] = &[
    ("groups", "id"),
    ("members", "group_id, id"),
    ("devices", "group_id, device_id, member_id"),
    ("items", "group_id, id"),
    ("item_tags", "group_id, tag, item_id"),
    ("item_search", "group_id, item_id"),
    ("bookings", "group_id, id"),
    ("holds", "group_id, booking_id, item_id"),
    ("kit_parts", "group_id, kit_id, part_id"),
    ("qualifications", "group_id, item_id, member_id"),
    ("activity", "group_id, id"),
    ("withheld", "group_id, entity"),
    ("returns", "group_id, booking_id"),
    ("maintenance_plans", "group_id, item_id, plan_id"),
];

/// Reads the schema version of an open connection.
pub fn current_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies every migration above the current version, each in its own transaction, up to
/// `target`. Returns whether the projection must be rebuilt.
pub fn migrate(conn: &mut Connection, target: i64) -> Result<bool, StoreError> {
    let current = current_version(conn)?;
    let latest = latest_version();
    if current > latest {
        return Err(StoreError::NewerSchema { found: current, supported: latest });
    }
    let mut rebuild = false;
    for m in MIGRATIONS.iter().filter(|m| m.version > current && m.version <= target) {
        let tx: Transaction<'_> = conn.transaction()?;
        tx.execute_batch(m.sql)?;
        if let Some(step) = m.then {
            step(&tx)?;
        }
        tx.pragma_update(None, "user_version", m.version)?;
        tx.commit()?;
        tracing::info!(version = m.version, description = m.description, "migrated store schema");
        // A fresh store has no documents, so nothing to rebuild from.
        rebuild |= m.rebuilds_projection && current > 0;
    }
    Ok(rebuild)
}
