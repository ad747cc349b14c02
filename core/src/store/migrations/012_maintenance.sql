-- Gear care: the loans that came back (with the condition reported at the return) and the
-- maintenance plans in force, both derived from the documents like the rest of the projection.

-- One row per returned booking: when it came back, who took it back, and what they reported.
-- `item_id` is the booking's item (a kit's loans count for its parts through `kit_parts`).
-- The loans a maintenance plan counts and the condition reports since the newest maintenance
-- are read from it by item and time.
CREATE TABLE returns (
    group_id TEXT NOT NULL,
    booking_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    returned_ms INTEGER NOT NULL,
    member_id TEXT NOT NULL,
    condition TEXT,
    note TEXT NOT NULL DEFAULT '',
    photo TEXT,
    PRIMARY KEY (group_id, booking_id)
) STRICT;
CREATE INDEX returns_by_item ON returns (group_id, item_id, returned_ms);

-- Bookings returned before this version reported no condition; their returns count as loans.
INSERT INTO returns (group_id, booking_id, item_id, returned_ms, member_id, condition, note, photo)
SELECT group_id, id, item_id, json_extract(data, '$.events.returned.at'),
       COALESCE(json_extract(data, '$.events.returned.by'), ''), NULL, '', NULL
FROM bookings
WHERE stored_state = 'returned' AND json_extract(data, '$.events.returned.at') IS NOT NULL;

-- The maintenance plans in force, one row each (removed plans have none); the item's
-- catalogue entry holds them all.
CREATE TABLE maintenance_plans (
    group_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    schedule TEXT NOT NULL,
    blocks INTEGER NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (group_id, item_id, plan_id)
) STRICT;
