-- Retention (J7): how long the city keeps each kind of record, in months; a kind without a row keeps the default
-- (ops/retention.hpp, docs/operations.md). A nightly job removes what has passed it, recorded as an erasure of scope
-- 'retention' whose certificate column holds what went (JSON, unsigned: ids of nobody, counts per table).
CREATE TABLE retention_setting (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL UNIQUE CHECK (kind IN ('attendance', 'plans', 'notifications', 'messages', 'audit')),
    months INTEGER NOT NULL CHECK (months BETWEEN 1 AND 1200),
    updated_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX retention_setting_updated_by_idx ON retention_setting (updated_by);

-- Where the audit trail starts after its oldest entries passed their retention: the last removed entry's id and
-- hash, and an HMAC of both under the chain's key, so the first remaining entry links to something nobody without
-- the secret can forge.
CREATE TABLE audit_anchor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_id INTEGER NOT NULL,
    last_hash TEXT NOT NULL,
    mac TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- The trail stays append-only, except that retention removes its oldest entries inside its own run (an erasure of
-- scope 'retention' is 'running' only inside that transaction).
DROP TRIGGER audit_event_no_delete;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
WHEN NOT EXISTS (SELECT 1 FROM erasure WHERE state = 'running' AND scope = 'retention')
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
