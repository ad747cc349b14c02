-- Sync bookkeeping for people to read (neither shared state nor projection): per group and
-- peer device, when a session last started and last completed, and the summary of this
-- device's documents at that completion (what the peer then held). Only authorised member
-- devices are recorded.
CREATE TABLE sync_peers (
    group_id TEXT NOT NULL,
    peer_device TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    last_sync INTEGER,
    synced_summary BLOB NOT NULL DEFAULT x'',
    PRIMARY KEY (group_id, peer_device)
) STRICT, WITHOUT ROWID;

-- Invites: when one was revoked (NULL: not revoked) and the member who made it.
ALTER TABLE sync_invites ADD COLUMN revoked INTEGER;
ALTER TABLE sync_invites ADD COLUMN created_by TEXT NOT NULL DEFAULT '';

-- The group's sync settings (projection of the catalogue's group object).
ALTER TABLE groups ADD COLUMN relay_url TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN members_may_invite INTEGER NOT NULL DEFAULT 0;
