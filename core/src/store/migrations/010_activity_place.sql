-- Which document an activity entry lives in, when it is not the activity document of its
-- month: the entries about a booking live in the booking's own document (`docs`). NULL for
-- the others, and for every entry a store wrote before this.
ALTER TABLE activity ADD COLUMN doc_key TEXT;
