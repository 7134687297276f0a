-- A site's area (地区: a ward or school district), which the city's overview filters by.
ALTER TABLE site ADD COLUMN area TEXT NOT NULL DEFAULT '';

-- An emergency roll-call (I6): started for one site or for every site of the city (an earthquake, a fire, a drill).
CREATE TABLE rollcall (
    id INTEGER PRIMARY KEY,
    reason TEXT NOT NULL CHECK (reason IN ('earthquake', 'fire', 'drill', 'other')),
    note TEXT NOT NULL DEFAULT '',
    city_wide INTEGER NOT NULL DEFAULT 0 CHECK (city_wide IN (0, 1)),
    started_at TEXT NOT NULL,
    started_by INTEGER NOT NULL REFERENCES staff_user (id),
    created_at TEXT NOT NULL
);
CREATE INDEX rollcall_started_by_idx ON rollcall (started_by);

-- The roll-call at one site, open until its staff close it. One open roll-call per site at a time.
CREATE TABLE rollcall_site (
    id INTEGER PRIMARY KEY,
    rollcall_id INTEGER NOT NULL REFERENCES rollcall (id),
    site_id INTEGER NOT NULL REFERENCES site (id),
    facility_date TEXT NOT NULL,
    closed_at TEXT,
    closed_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    UNIQUE (rollcall_id, site_id)
);
CREATE INDEX rollcall_site_closed_by_idx ON rollcall_site (closed_by);
CREATE UNIQUE INDEX rollcall_site_open_idx ON rollcall_site (site_id) WHERE closed_at IS NULL;
CREATE INDEX rollcall_site_site_id_idx ON rollcall_site (site_id, rollcall_id);

-- Each child inside the site when the roll-call started: confirmed (safe, not found, injured, with a note), then
-- handed over to an adult — one of the child's guardians, an authorised pick-up person, or someone else named and
-- whose identity staff checked. The adult's name is kept as it was at hand-over, for the printed record.
CREATE TABLE rollcall_child (
    id INTEGER PRIMARY KEY,
    rollcall_site_id INTEGER NOT NULL REFERENCES rollcall_site (id),
    child_id INTEGER NOT NULL REFERENCES child (id),
    entered_at TEXT,
    state TEXT NOT NULL DEFAULT 'unchecked' CHECK (state IN ('unchecked', 'safe', 'not_found', 'injured')),
    note TEXT NOT NULL DEFAULT '',
    checked_at TEXT,
    checked_by INTEGER REFERENCES staff_user (id),
    handed_to TEXT CHECK (handed_to IN ('guardian', 'pickup', 'other')),
    handed_guardian_id INTEGER REFERENCES guardian (id),
    handed_pickup_id INTEGER REFERENCES pickup_person (id),
    handed_name TEXT NOT NULL DEFAULT '',
    handed_relation TEXT NOT NULL DEFAULT '',
    identity_checked INTEGER NOT NULL DEFAULT 0 CHECK (identity_checked IN (0, 1)),
    handed_at TEXT,
    handed_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    UNIQUE (rollcall_site_id, child_id)
);
CREATE INDEX rollcall_child_checked_by_idx ON rollcall_child (checked_by);
CREATE INDEX rollcall_child_handed_by_idx ON rollcall_child (handed_by);
CREATE INDEX rollcall_child_child_id_idx ON rollcall_child (child_id);
CREATE INDEX rollcall_child_guardian_idx ON rollcall_child (handed_guardian_id);
CREATE INDEX rollcall_child_pickup_idx ON rollcall_child (handed_pickup_id);
