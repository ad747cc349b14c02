-- Trust: attestations of who wrote which changes, and what the projection withholds.

-- The newest attestation each device made in each document: its signature over its newest
-- change there, which vouches for all its earlier changes in that document. Shared proof,
-- kept like the documents (never rebuilt).
CREATE TABLE attestations (
    group_id TEXT NOT NULL,
    doc_key TEXT NOT NULL,
    device_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (group_id, doc_key, device_id)
) STRICT, WITHOUT ROWID;

-- Projection: the group's founder (JSON) and each member's role history (JSON), which the
-- rules of who may write what are judged by.
ALTER TABLE groups ADD COLUMN founder TEXT;
ALTER TABLE members ADD COLUMN roles TEXT NOT NULL DEFAULT '[]';

-- Projection: bookings and activity entries present in a document but withheld because no
-- one allowed to write them did (a removed member's late booking, a device no member owns
-- yet). They are looked at again whenever the group's members change.
CREATE TABLE withheld (
    group_id TEXT NOT NULL,
    entity TEXT NOT NULL,
    doc_key TEXT NOT NULL,
    PRIMARY KEY (group_id, entity)
) STRICT, WITHOUT ROWID;
