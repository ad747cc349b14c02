-- A member's devices and qualifications are read on every operation (who is acting, what
-- they may book). Both tables are keyed by group first and then by device or item, so
-- without these indexes each read walked every device or every qualification of the group.
CREATE INDEX devices_by_member ON devices (group_id, member_id);
CREATE INDEX qualifications_by_member ON qualifications (group_id, member_id);
