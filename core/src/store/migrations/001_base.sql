-- Source of truth: this device's identity and the automerge documents.
CREATE TABLE local_device (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret_key BLOB NOT NULL,
    created INTEGER NOT NULL
) STRICT;

-- One row per (group, document). `snapshot` is a full automerge save (may be empty);
-- the document is the snapshot plus every chunk appended after it.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    group_id TEXT NOT NULL,
    key TEXT NOT NULL,
    snapshot BLOB NOT NULL DEFAULT x'',
    heads BLOB NOT NULL DEFAULT x'',
    chunk_count INTEGER NOT NULL DEFAULT 0,
    chunk_bytes INTEGER NOT NULL DEFAULT 0,
    UNIQUE (group_id, key)
) STRICT;

-- Incremental saves appended after the snapshot, in order.
CREATE TABLE document_chunks (
    doc INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (doc, seq)
) STRICT, WITHOUT ROWID;

-- Projection: derived from the documents, rebuilt at will.
CREATE TABLE groups (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL,
    pickup_window_hours INTEGER NOT NULL DEFAULT 24
) STRICT;

CREATE TABLE members (
    group_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    joined INTEGER NOT NULL,
    removed INTEGER,
    PRIMARY KEY (group_id, id)
) STRICT;

CREATE TABLE devices (
    group_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    added INTEGER NOT NULL,
    PRIMARY KEY (group_id, device_id, member_id)
) STRICT;

CREATE TABLE items (
    group_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL,
    condition TEXT NOT NULL,
    location_text TEXT NOT NULL DEFAULT '', -- folded, for filtering
    folded_text TEXT NOT NULL DEFAULT '',
    retired INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (group_id, id)
) STRICT;
CREATE INDEX items_by_name ON items (group_id, retired, name);
CREATE INDEX items_by_category ON items (group_id, category, name);
CREATE INDEX items_by_condition ON items (group_id, condition);

CREATE TABLE item_tags (
    group_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    item_id TEXT NOT NULL,
    PRIMARY KEY (group_id, tag, item_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX item_tags_by_item ON item_tags (group_id, item_id);

CREATE TABLE bookings (
    group_id TEXT NOT NULL,
    id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    units INTEGER NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    state TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated INTEGER NOT NULL,
    doc_key TEXT NOT NULL,
    PRIMARY KEY (group_id, id)
) STRICT;
CREATE INDEX bookings_by_item ON bookings (group_id, item_id, state, end_ms);
CREATE INDEX bookings_by_member ON bookings (group_id, member_id, start_ms);
CREATE INDEX bookings_by_start ON bookings (group_id, start_ms);

CREATE TABLE activity (
    group_id TEXT NOT NULL,
    id TEXT NOT NULL,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    device TEXT NOT NULL,
    action TEXT NOT NULL,
    item_id TEXT,
    booking_id TEXT,
    subject TEXT,
    summary TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (group_id, id)
) STRICT;
CREATE INDEX activity_by_time ON activity (group_id, at, id);
CREATE INDEX activity_by_item ON activity (group_id, item_id, at, id);
CREATE INDEX activity_by_actor ON activity (group_id, actor, at, id);
CREATE INDEX activity_by_subject ON activity (group_id, subject, at, id);
