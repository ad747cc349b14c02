-- Bookings keep their rules offline: stored lifecycle vs resolved state, resolution order,
-- what each booking holds (kits hold their parts), qualifications, notifications.
ALTER TABLE bookings ADD COLUMN stored_state TEXT NOT NULL DEFAULT '';
ALTER TABLE bookings ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE bookings ADD COLUMN queue_rank REAL;
ALTER TABLE bookings ADD COLUMN bump_reason TEXT;
ALTER TABLE bookings ADD COLUMN bump_winner TEXT;
CREATE INDEX bookings_waitlist ON bookings (group_id, item_id, stored_state, start_ms);

-- Units each booking holds on each item over its window; `state` is the resolved state,
-- so bumped and waitlisted bookings hold nothing.
CREATE TABLE holds (
    group_id TEXT NOT NULL,
    booking_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    units INTEGER NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (group_id, booking_id, item_id)
) STRICT;
CREATE INDEX holds_by_item ON holds (group_id, item_id, state, end_ms);

CREATE TABLE kit_parts (
    group_id TEXT NOT NULL,
    kit_id TEXT NOT NULL,
    part_id TEXT NOT NULL,
    units INTEGER NOT NULL,
    PRIMARY KEY (group_id, kit_id, part_id)
) STRICT;
CREATE INDEX kit_parts_by_part ON kit_parts (group_id, part_id);

CREATE TABLE qualifications (
    group_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    since INTEGER NOT NULL,
    PRIMARY KEY (group_id, item_id, member_id)
) STRICT;

-- Device-local: events for members, kept until acknowledged. Not part of the projection.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    group_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    dedupe TEXT NOT NULL,
    booking_id TEXT,
    item_id TEXT,
    payload TEXT NOT NULL,
    created INTEGER NOT NULL,
    acknowledged INTEGER,
    UNIQUE (group_id, member_id, dedupe)
) STRICT;
CREATE INDEX notifications_pending ON notifications (group_id, member_id, acknowledged, id);

-- The device's hybrid logical clock.
ALTER TABLE local_device ADD COLUMN hlc_wall INTEGER NOT NULL DEFAULT 0;
ALTER TABLE local_device ADD COLUMN hlc_counter INTEGER NOT NULL DEFAULT 0;

-- The booking as stored (lifecycle events included), for validation without loading a
-- document.
ALTER TABLE bookings ADD COLUMN data TEXT NOT NULL DEFAULT '{}';
