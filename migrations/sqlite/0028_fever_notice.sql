-- migrate: rebuilds tables (notification, for a new kind of notice: its CHECK cannot be altered in place)
-- A nursery may choose to tell the family when staff measure a fever (health/): from which temperature. No row, or
-- none chosen: staff see the fever, the family is not told by the system.
CREATE TABLE health_setting (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL UNIQUE REFERENCES site (id),
    fever_notice_tenths INTEGER CHECK (fever_notice_tenths BETWEEN 370 AND 400),
    updated_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX health_setting_updated_by_idx ON health_setting (updated_by);

-- When the family was told of this temperature check (one notice per child and day: the first fever).
ALTER TABLE health_entry ADD COLUMN told_family_at TEXT;

-- The notice itself: a new kind ('health'), saying only that there is news of the child's health.
CREATE TABLE notification_rebuilt (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('entry', 'exit', 'correction', 'alert', 'contact_confirmed', 'message',
                                       'notebook', 'health')),
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
