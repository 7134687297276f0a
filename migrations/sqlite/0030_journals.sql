-- migrate: rebuilds tables (staff_role, for the head teacher's role: its CHECK cannot be altered in place)
-- Care journals (保育日誌, journals/): a class's journal of a day and the site's, written by staff, checked by the head
-- teacher (主任) and approved by the head (園長), each step stamped with who and when as on the paper version.

-- A site's rule: whether the writer of a journal may check or approve it themselves (no row: not).
CREATE TABLE journal_setting (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL UNIQUE REFERENCES site (id),
    self_approval INTEGER NOT NULL CHECK (self_approval IN (0, 1)),
    updated_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX journal_setting_updated_by_idx ON journal_setting (updated_by);

-- A journal: a class's day (group_id), or the site's day (no group). Its text is sealed under the data keys (it
-- speaks of children); `version` counts saves, so two tablets never overwrite each other.
CREATE TABLE journal (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    group_id INTEGER REFERENCES child_group (id),
    journal_date TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'checked', 'returned', 'approved')),
    sealed TEXT NOT NULL,
    version INTEGER NOT NULL,
    written_by INTEGER REFERENCES staff_user (id),
    submitted_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX journal_class_day_idx ON journal (group_id, journal_date) WHERE group_id IS NOT NULL;
CREATE UNIQUE INDEX journal_site_day_idx ON journal (site_id, journal_date) WHERE group_id IS NULL;
CREATE INDEX journal_site_id_idx ON journal (site_id, state, journal_date);
CREATE INDEX journal_written_by_idx ON journal (written_by);
CREATE INDEX journal_submitted_by_idx ON journal (submitted_by);

-- A child's notable episode of the day in its class's journal (sealed); the child's linked records read them.
CREATE TABLE journal_episode (
    id INTEGER PRIMARY KEY,
    journal_id INTEGER NOT NULL REFERENCES journal (id),
    child_id INTEGER NOT NULL REFERENCES child (id),
    sealed TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (journal_id, child_id)
);
CREATE INDEX journal_episode_child_id_idx ON journal_episode (child_id);

-- Each step of a journal's approval: submitted, checked (主任), approved (園長), returned (with a comment, sealed)
-- or reopened after approval. The stamps of the printed journal.
CREATE TABLE journal_stamp (
    id INTEGER PRIMARY KEY,
    journal_id INTEGER NOT NULL REFERENCES journal (id),
    step TEXT NOT NULL CHECK (step IN ('submit', 'check', 'approve', 'return', 'reopen')),
    comment_sealed TEXT NOT NULL DEFAULT '',
    stamped_by INTEGER REFERENCES staff_user (id),
    stamped_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX journal_stamp_journal_id_idx ON journal_stamp (journal_id, stamped_at);
CREATE INDEX journal_stamp_stamped_by_idx ON journal_stamp (stamped_by);

-- role: municipal_admin (site_id NULL: every site), site_manager, lead (主任), staff.
CREATE TABLE staff_role_rebuilt (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES staff_user (id),
    site_id INTEGER REFERENCES site (id),
    role TEXT NOT NULL CHECK (role IN ('municipal_admin', 'site_manager', 'lead', 'staff')),
    created_at TEXT NOT NULL,
    CHECK ((role = 'municipal_admin') = (site_id IS NULL))
);
INSERT INTO staff_role_rebuilt (id, user_id, site_id, role, created_at)
SELECT id, user_id, site_id, role, created_at FROM staff_role;
DROP TABLE staff_role;
ALTER TABLE staff_role_rebuilt RENAME TO staff_role;
CREATE INDEX staff_role_user_id_idx ON staff_role (user_id);
CREATE INDEX staff_role_site_id_idx ON staff_role (site_id);
