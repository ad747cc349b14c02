-- The sequence number of the last change-journal record this store applied (see
-- `store/journal.rs`): after a power loss, records above it are applied again on open.
ALTER TABLE local_device ADD COLUMN journal_seq INTEGER NOT NULL DEFAULT 0;
