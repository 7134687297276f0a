-- Each audit entry carries the SHA-256 of the one before it and of itself, so an edited, removed or reordered
-- entry breaks the chain (`tadaima audit verify`). Entries written before this migration have empty hashes.
ALTER TABLE audit_event ADD COLUMN prev_hash text NOT NULL DEFAULT '';
ALTER TABLE audit_event ADD COLUMN hash text NOT NULL DEFAULT '';
CREATE INDEX audit_event_created_at_idx ON audit_event (created_at);
