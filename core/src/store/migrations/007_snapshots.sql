-- Documents: each snapshot moves to its own table. Every write updates its document's row
-- (heads, chunk counters); with the snapshot inline that row was as large as the whole
-- document, and reading or updating a counter walked the snapshot's overflow pages.
CREATE TABLE document_snapshots (
    doc INTEGER PRIMARY KEY NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    data BLOB NOT NULL
) STRICT;

INSERT INTO document_snapshots (doc, data) SELECT id, snapshot FROM documents WHERE length(snapshot) > 0;

ALTER TABLE documents ADD COLUMN snapshot_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE documents SET snapshot_bytes = length(snapshot);
ALTER TABLE documents DROP COLUMN snapshot;
