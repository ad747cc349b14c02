-- The longest booking of a group, in one index seek: `stats` reads the bookings that overlap
-- its window through `bookings_by_start` from (window start - longest booking) on, so its
-- cost follows the window asked for, not the group's age (ARCHITECTURE.md, "Inventory and
-- the steward's numbers").
CREATE INDEX bookings_by_span ON bookings (group_id, end_ms - start_ms);
