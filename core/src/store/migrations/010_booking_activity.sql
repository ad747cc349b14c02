-- Which document an activity entry lives in, when it is not the activity document of its
-- month: the entries about a booking live in the booking's own document (`docs`). NULL for
-- the others, and for every entry a store wrote before this.
ALTER TABLE activity ADD COLUMN doc_key TEXT;

-- Indexes whose cost does not grow with the group's age (ARCHITECTURE.md, "Storage").
--
-- An item's history was indexed by (group, item, at): every entry of an item over the whole
-- history sat on that item's own leaf pages, so a sync bringing 1,000 entries about 1,000
-- items wrote about 1,000 pages of it in a long-lived group (a few dozen in a young one).
-- Keyed by the entry's calendar month first, new entries land in the pages of their month;
-- an item's history is read month by month, newest first. The migration's Rust step
-- (`store/migration_steps.rs`) fills the months, then makes the index
-- `activity_by_item_month (group_id, month, item_id, at, id)` over them.
ALTER TABLE activity ADD COLUMN month INTEGER NOT NULL DEFAULT 0;
DROP INDEX activity_by_item;

-- The open bookings of an item (for the per-member limit and kits) were found through an
-- index over every booking ever made; only open ones are asked for.
DROP INDEX bookings_waitlist;
CREATE INDEX bookings_open ON bookings (group_id, item_id, member_id)
    WHERE stored_state IN ('requested', 'confirmed', 'checked_out');
