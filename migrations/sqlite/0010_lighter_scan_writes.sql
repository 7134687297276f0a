-- Every scan writes one attendance_event row, and each index on it is one more b-tree page to change and to flush
-- at commit. Cards and staff accounts are revoked or deactivated, never deleted, so the indexes that only served
-- deleting them (the foreign-key lookups from card and staff_user) cost every scan and help nothing.
-- Lookups by card or by staff member go through the child or the site first.
DROP INDEX attendance_event_card_id_idx;
DROP INDEX attendance_event_staff_user_id_idx;
