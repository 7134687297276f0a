-- Cards, kiosks and the attendance record.

-- A second scan of the same card within this many seconds is "already recorded" and records nothing.
ALTER TABLE site ADD COLUMN repeat_scan_seconds INTEGER NOT NULL DEFAULT 60 CHECK (repeat_scan_seconds BETWEEN 0 AND 3600);

-- A child's QR card. The printed payload is the id with an HMAC under the server secret (nothing personal in it);
-- a reissue revokes the child's active card and makes a new one, so the old card is refused from then on.
CREATE TABLE card (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child (id),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX card_child_id_idx ON card (child_id);
CREATE UNIQUE INDEX card_one_active_idx ON card (child_id) WHERE revoked_at IS NULL;

-- A tablet or PC by a site's door. Its long-lived credential is stored only as its SHA-256 and is good only for
-- scanning at this site; revoked_at stops it at once.
CREATE TABLE kiosk (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_seen_at TEXT,
    revoked_at TEXT
);
CREATE INDEX kiosk_site_id_idx ON kiosk (site_id);

-- A short code a manager makes; the kiosk page takes it once (before expires_at) for a credential.
CREATE TABLE kiosk_pairing (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    name TEXT NOT NULL,
    code_hash TEXT NOT NULL UNIQUE,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    kiosk_id INTEGER REFERENCES kiosk (id),
    created_at TEXT NOT NULL
);
CREATE INDEX kiosk_pairing_site_id_idx ON kiosk_pairing (site_id);
CREATE INDEX kiosk_pairing_kiosk_id_idx ON kiosk_pairing (kiosk_id);

-- Entries and exits, append-only. kind: in, out, or void (an undo). A correction is a new row whose corrects_id
-- points at the row it replaces (a retimed in/out, or a void); a row is corrected at most once, so corrections form
-- a chain and the effective rows are those nobody corrects. facility_date is the Tokyo date of occurred_at (the
-- real scan time, which an offline kiosk sends late); created_at is when the server recorded it.
-- A kiosk's scan_id (made by the kiosk) is recorded once: a retry finds the first row.
CREATE TABLE attendance_event (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child (id),
    site_id INTEGER NOT NULL REFERENCES site (id),
    facility_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('in', 'out', 'void')),
    occurred_at TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('kiosk', 'staff')),
    kiosk_id INTEGER REFERENCES kiosk (id),
    scan_id TEXT,
    card_id INTEGER REFERENCES card (id),
    staff_user_id INTEGER REFERENCES staff_user (id),
    corrects_id INTEGER REFERENCES attendance_event (id),
    reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK ((source = 'kiosk') = (kiosk_id IS NOT NULL AND scan_id IS NOT NULL))
);
CREATE INDEX attendance_event_child_id_idx ON attendance_event (child_id, facility_date, occurred_at);
CREATE INDEX attendance_event_site_id_idx ON attendance_event (site_id, facility_date, id);
CREATE UNIQUE INDEX attendance_event_kiosk_id_idx ON attendance_event (kiosk_id, scan_id);
CREATE INDEX attendance_event_card_id_idx ON attendance_event (card_id);
CREATE INDEX attendance_event_staff_user_id_idx ON attendance_event (staff_user_id);
CREATE UNIQUE INDEX attendance_event_corrects_id_idx ON attendance_event (corrects_id);
CREATE TRIGGER attendance_event_no_update BEFORE UPDATE ON attendance_event
BEGIN SELECT RAISE(ABORT, 'attendance_event is append-only'); END;
CREATE TRIGGER attendance_event_no_delete BEFORE DELETE ON attendance_event
BEGIN SELECT RAISE(ABORT, 'attendance_event is append-only'); END;
