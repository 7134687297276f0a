-- Erasure (J6, J7): a person or a whole site removed on request or at the end of a contract, or records past their
-- retention period. One row per erasure; its certificate (signed JSON) names ids and counts, never names.
-- scope: child, family (a guardian, their children and every guardian left without a child), site, retention.
-- state is 'running' only inside the erasing transaction, which no other connection ever sees.
CREATE TABLE erasure (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('child', 'family', 'site', 'retention')),
    target_id INTEGER,
    reference TEXT NOT NULL DEFAULT '',
    by_user_id INTEGER REFERENCES staff_user (id),
    state TEXT NOT NULL CHECK (state IN ('running', 'done')),
    certificate TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX erasure_by_user_id_idx ON erasure (by_user_id);

-- The ids an erasure removed (kind: child, guardian, account, staff), so that the record says whom without a name.
CREATE TABLE erasure_subject (
    id INTEGER PRIMARY KEY,
    erasure_id INTEGER NOT NULL REFERENCES erasure (id),
    kind TEXT NOT NULL CHECK (kind IN ('child', 'guardian', 'account', 'staff')),
    subject_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (erasure_id, kind, subject_id)
);

-- Entries and exits stay append-only, except inside an erasure's own transaction.
DROP TRIGGER attendance_event_no_delete;
CREATE TRIGGER attendance_event_no_delete BEFORE DELETE ON attendance_event
WHEN NOT EXISTS (SELECT 1 FROM erasure WHERE state = 'running')
BEGIN SELECT RAISE(ABORT, 'attendance_event is append-only'); END;
