-- migrate: rebuilds tables (notification, for a new kind of notice: its CHECK cannot be altered in place)
-- The contact notebook (連絡帳, notebook/): one page per child per day, a home side the family writes before
-- drop-off and a nursery side staff write during the day.

-- A site's choices over the defaults (notebook/rules.hpp) of which items appear and are required, per side and age
-- class (0歳児 … 5歳児).
CREATE TABLE notebook_setting (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    side TEXT NOT NULL CHECK (side IN ('home', 'nursery')),
    age_class INTEGER NOT NULL CHECK (age_class BETWEEN 0 AND 5),
    item TEXT NOT NULL,
    shown INTEGER NOT NULL CHECK (shown IN (0, 1)),
    required INTEGER NOT NULL CHECK (required IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (site_id, side, age_class, item)
);

-- A page. Each side is JSON sealed under the data keys (health data: temperature, medicine, bowel movements) and has
-- a version that every save raises: a save made on an older version is refused with both shown, so two tablets never
-- overwrite each other. The family reads the nursery side once published; a change after that is marked.
CREATE TABLE notebook_entry (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child (id),
    site_id INTEGER NOT NULL REFERENCES site (id),
    entry_date TEXT NOT NULL,
    home_sealed TEXT,
    home_version INTEGER NOT NULL DEFAULT 0,
    home_account_id INTEGER REFERENCES guardian_account (id),
    home_saved_at TEXT,
    nursery_sealed TEXT,
    nursery_version INTEGER NOT NULL DEFAULT 0,
    nursery_user_id INTEGER REFERENCES staff_user (id),
    nursery_saved_at TEXT,
    published_at TEXT,
    edited_after_publish_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (child_id, entry_date)
);
CREATE INDEX notebook_entry_site_id_idx ON notebook_entry (site_id, entry_date);
CREATE INDEX notebook_entry_home_account_id_idx ON notebook_entry (home_account_id);
CREATE INDEX notebook_entry_nursery_user_id_idx ON notebook_entry (nursery_user_id);

-- The family is told when a page's nursery side is published: a new kind of notice ('notebook').
CREATE TABLE notification_rebuilt (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('entry', 'exit', 'correction', 'alert', 'contact_confirmed', 'message',
                                       'notebook')),
    site_id INTEGER NOT NULL REFERENCES site (id),
    child_id INTEGER REFERENCES child (id),
    params TEXT NOT NULL,
    urgent INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    created_at TEXT NOT NULL,
    message_id INTEGER REFERENCES message (id)
);
INSERT INTO notification_rebuilt (id, kind, site_id, child_id, params, urgent, created_at, message_id)
SELECT id, kind, site_id, child_id, params, urgent, created_at, message_id FROM notification;
DROP TABLE notification;
ALTER TABLE notification_rebuilt RENAME TO notification;
CREATE INDEX notification_site_id_idx ON notification (site_id, created_at);
CREATE INDEX notification_child_id_idx ON notification (child_id);
CREATE UNIQUE INDEX notification_message_id_idx ON notification (message_id, site_id);
