-- migrate: rebuilds tables (live_event, for a new kind of entry: its CHECK cannot be altered in place)
-- Nap checks (午睡チェック, naps/): a child's nap at a nursery, each check of its breathing and position, and every
-- check that was due and missed. Kept as the inspectors read them: times, positions, who checked.

-- A site's intervals in minutes by age class (no row: 5, 10 and 15).
CREATE TABLE nap_setting (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL UNIQUE REFERENCES site (id),
    age0_minutes INTEGER NOT NULL CHECK (age0_minutes BETWEEN 1 AND 30),
    age12_minutes INTEGER NOT NULL CHECK (age12_minutes BETWEEN 1 AND 30),
    age3_minutes INTEGER NOT NULL CHECK (age3_minutes BETWEEN 1 AND 30),
    updated_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX nap_setting_updated_by_idx ON nap_setting (updated_by);

-- A nap, from the moment staff laid the child down to its waking; the interval is fixed when it starts.
CREATE TABLE nap (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child (id),
    site_id INTEGER NOT NULL REFERENCES site (id),
    nap_date TEXT NOT NULL,
    interval_minutes INTEGER NOT NULL CHECK (interval_minutes BETWEEN 1 AND 30),
    started_at TEXT NOT NULL,
    started_by INTEGER REFERENCES staff_user (id),
    ended_at TEXT,
    ended_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);
-- A child sleeps once at a time.
CREATE UNIQUE INDEX nap_open_idx ON nap (child_id) WHERE ended_at IS NULL;
CREATE INDEX nap_site_id_idx ON nap (site_id, nap_date);
CREATE INDEX nap_child_id_idx ON nap (child_id, nap_date);
CREATE INDEX nap_started_by_idx ON nap (started_by);
CREATE INDEX nap_ended_by_idx ON nap (ended_by);

-- A check: how the child lay, breathing and complexion, who checked; `late` when it came after the due minute.
CREATE TABLE nap_check (
    id INTEGER PRIMARY KEY,
    nap_id INTEGER NOT NULL REFERENCES nap (id),
    checked_at TEXT NOT NULL,
    position TEXT NOT NULL CHECK (position IN ('back', 'left', 'right', 'front')),
    breathing_ok INTEGER NOT NULL CHECK (breathing_ok IN (0, 1)),
    complexion_ok INTEGER NOT NULL CHECK (complexion_ok IN (0, 1)),
    late INTEGER NOT NULL CHECK (late IN (0, 1)),
    checked_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL
);
CREATE INDEX nap_check_nap_id_idx ON nap_check (nap_id, checked_at);
CREATE INDEX nap_check_checked_by_idx ON nap_check (checked_by);

-- A check that was due and not made within its minute: recorded by the sweep (no screen need be open) or by the
-- check that came late, once per due instant.
CREATE TABLE nap_overdue (
    id INTEGER PRIMARY KEY,
    nap_id INTEGER NOT NULL REFERENCES nap (id),
    due_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (nap_id, due_at)
);

-- A nap's change is told to the site's live feed (kind 'nap'), so every class tablet shows it.
CREATE TABLE live_event_rebuilt (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    seq INTEGER,  -- always numbered at commit here (one writer)
    facility_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('state', 'alert', 'rollcall', 'nap')),
    child_id INTEGER REFERENCES child (id),
    data TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (site_id, seq)
);
INSERT INTO live_event_rebuilt (id, site_id, seq, facility_date, kind, child_id, data, created_at)
SELECT id, site_id, seq, facility_date, kind, child_id, data, created_at FROM live_event;
DROP TABLE live_event;
ALTER TABLE live_event_rebuilt RENAME TO live_event;
CREATE INDEX live_event_child_idx ON live_event (child_id);
CREATE INDEX live_event_created_idx ON live_event (created_at);
CREATE INDEX live_event_unnumbered_idx ON live_event (id) WHERE seq IS NULL;
