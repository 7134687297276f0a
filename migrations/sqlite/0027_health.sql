-- A nursery's health records (保健記録, health/): what the child's record (児童票) says of its health, and the dated
-- entries — temperature checks during the day, growth (height and weight), illnesses reported by the family or staff.
-- Health data is the most sensitive the system holds: every value is sealed under the data keys (JSON, bound to its
-- row); only the kind, the day and who recorded it are in clear.

-- The child's record: allergies, the family doctor, notes. One per child, versioned like the notebook's sides so two
-- tablets never overwrite each other.
CREATE TABLE child_health (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL UNIQUE REFERENCES child (id),
    record_sealed TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX child_health_updated_by_idx ON child_health (updated_by);

-- A dated entry, at the site where the child was that day. Staff record temperatures and growth; an illness is
-- recorded by staff or reported by a guardian.
CREATE TABLE health_entry (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child (id),
    site_id INTEGER NOT NULL REFERENCES site (id),
    kind TEXT NOT NULL CHECK (kind IN ('temperature', 'growth', 'illness')),
    entry_date TEXT NOT NULL,
    sealed TEXT NOT NULL,
    recorded_by INTEGER REFERENCES staff_user (id),
    reported_by_account INTEGER REFERENCES guardian_account (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX health_entry_site_id_idx ON health_entry (site_id, kind, entry_date);
CREATE INDEX health_entry_child_id_idx ON health_entry (child_id, kind, entry_date);
CREATE INDEX health_entry_recorded_by_idx ON health_entry (recorded_by);
CREATE INDEX health_entry_reported_by_account_idx ON health_entry (reported_by_account);
