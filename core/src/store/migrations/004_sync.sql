-- Sync bookkeeping (neither shared state nor projection): the heads each peer device last
-- announced for each document of a group. They let a device send a peer only what it lacks
-- even when the peer's current heads include changes this device has not seen yet. Losing
-- this table costs bytes on the wire, never correctness.
CREATE TABLE sync_peer_heads (
    group_id TEXT NOT NULL,
    peer_device TEXT NOT NULL,
    doc_key TEXT NOT NULL,
    heads BLOB NOT NULL DEFAULT x'',
    updated INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, peer_device, doc_key)
) STRICT, WITHOUT ROWID;

-- Invites this device issued. Only a hash of each invite's secret is kept.
CREATE TABLE sync_invites (
    secret_hash BLOB PRIMARY KEY NOT NULL,
    group_id TEXT NOT NULL,
    role TEXT NOT NULL,
    expires INTEGER NOT NULL,
    uses_left INTEGER NOT NULL,
    created INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
