-- The live feed shared by every server on the database (live/feed.hpp): what changed at a site — an entry or exit,
-- an alert, a roll-call step — as entries numbered per site in commit order. A transaction takes its site's next
-- numbers just before it commits (SQLite has one writer: its commits are in order already), so a reader that has
-- every entry up to n has every entry that will ever be numbered n or below. Ids only, never a name; kept two days
-- (a reconnect's catch-up), then trimmed.
CREATE TABLE live_site (
    site_id INTEGER PRIMARY KEY REFERENCES site (id),
    seq INTEGER NOT NULL CHECK (seq >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE live_event (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    seq INTEGER,  -- always numbered at commit here (one writer)
    facility_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('state', 'alert', 'rollcall')),
    child_id INTEGER REFERENCES child (id),
    data TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (site_id, seq)
);
CREATE INDEX live_event_child_idx ON live_event (child_id);
CREATE INDEX live_event_created_idx ON live_event (created_at);
CREATE INDEX live_event_unnumbered_idx ON live_event (id) WHERE seq IS NULL;
