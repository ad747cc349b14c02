-- Folded (case- and diacritic-free) text of every item, searchable by word prefix.
CREATE VIRTUAL TABLE item_search USING fts5 (
    group_id UNINDEXED,
    item_id UNINDEXED,
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);

-- Checked-out bookings by end, for overdue lists.
CREATE INDEX bookings_by_state ON bookings (group_id, state, end_ms);
