-- migrate: rebuilds tables (retention_setting, for the notebook's kind: its CHECK cannot be altered in place)
-- Photos on the contact notebook's pages (photos/): taken by staff, attached to one or several children's pages of
-- a day, served to the site's staff and to the families of those children once the page is published.

-- One photo as kept: re-encoded as JPEG without metadata (photos/image.hpp), at two sizes, in base64. Not sealed under
-- the data keys (docs/security.md: their check at start opens every sealed value, and a rotation rewrites them all in
-- one transaction — gigabytes of photos); only the site's staff and the children's families are served them. The
-- site and day are those of the pages it is on.
CREATE TABLE photo (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    entry_date TEXT NOT NULL,
    display_base64 TEXT NOT NULL,
    thumb_base64 TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES staff_user (id),
    created_at TEXT NOT NULL
);
CREATE INDEX photo_site_id_idx ON photo (site_id, entry_date);
CREATE INDEX photo_uploaded_by_idx ON photo (uploaded_by);

-- The children's pages a photo is on (the page is the child's on the photo's day).
CREATE TABLE photo_child (
    id INTEGER PRIMARY KEY,
    photo_id INTEGER NOT NULL REFERENCES photo (id),
    child_id INTEGER NOT NULL REFERENCES child (id),
    created_at TEXT NOT NULL,
    UNIQUE (photo_id, child_id)
);
CREATE INDEX photo_child_child_id_idx ON photo_child (child_id);

-- The notebook (pages and photos) becomes a kind of record with a retention period of its own.
CREATE TABLE retention_setting_rebuilt (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL UNIQUE CHECK (kind IN ('attendance', 'plans', 'notifications', 'messages', 'audit',
                                              'notebook')),
    months INTEGER NOT NULL CHECK (months BETWEEN 1 AND 1200),
    updated_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO retention_setting_rebuilt (id, kind, months, updated_by, created_at, updated_at)
SELECT id, kind, months, updated_by, created_at, updated_at FROM retention_setting;
DROP TABLE retention_setting;
ALTER TABLE retention_setting_rebuilt RENAME TO retention_setting;
CREATE INDEX retention_setting_updated_by_idx ON retention_setting (updated_by);
