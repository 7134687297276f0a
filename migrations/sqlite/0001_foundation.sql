-- The city → site → group → child ← guardian model, staff accounts with roles per site, sessions and audit.
-- Instants are ISO 8601 UTC text ("2026-11-22T01:02:03.456Z"); facility dates are "YYYY-MM-DD" in Asia/Tokyo.
CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE city (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- kind: gakudo (学童クラブ), hiroba (放課後子どもひろば), nursery (保育園), school.
CREATE TABLE site (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL REFERENCES city (id),
    kind TEXT NOT NULL CHECK (kind IN ('gakudo', 'hiroba', 'nursery', 'school')),
    name TEXT NOT NULL,
    name_kana TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    search_key TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deactivated_at TEXT
);
CREATE INDEX site_city_id_idx ON site (city_id);

-- Regular opening hours per weekday (0 = Sunday … 6 = Saturday); no row means closed that weekday.
CREATE TABLE site_opening_hours (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (site_id, weekday)
);
CREATE INDEX site_opening_hours_site_id_idx ON site_opening_hours (site_id);

-- kind: grade (学年), class (クラス), custom. "group" is a reserved word, hence child_group.
CREATE TABLE child_group (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    kind TEXT NOT NULL CHECK (kind IN ('grade', 'class', 'custom')),
    name TEXT NOT NULL,
    grade INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deactivated_at TEXT
);
CREATE INDEX child_group_site_id_idx ON child_group (site_id);

CREATE TABLE child (
    id INTEGER PRIMARY KEY,
    family_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_kana TEXT NOT NULL,
    given_kana TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    grade INTEGER,
    search_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deactivated_at TEXT
);

-- A child belongs to sites over time: one row per enrolment period (end_date NULL: open-ended).
CREATE TABLE child_placement (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child (id),
    site_id INTEGER NOT NULL REFERENCES site (id),
    start_date TEXT NOT NULL,
    end_date TEXT,
    created_at TEXT NOT NULL,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX child_placement_child_id_idx ON child_placement (child_id);
CREATE INDEX child_placement_site_id_idx ON child_placement (site_id);

-- And to groups over time.
CREATE TABLE child_group_membership (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child (id),
    group_id INTEGER NOT NULL REFERENCES child_group (id),
    start_date TEXT NOT NULL,
    end_date TEXT,
    created_at TEXT NOT NULL,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX child_group_membership_child_id_idx ON child_group_membership (child_id);
CREATE INDEX child_group_membership_group_id_idx ON child_group_membership (group_id);

CREATE TABLE guardian (
    id INTEGER PRIMARY KEY,
    family_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_kana TEXT NOT NULL,
    given_kana TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'ja',
    search_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deactivated_at TEXT
);

CREATE TABLE guardian_child (
    id INTEGER PRIMARY KEY,
    guardian_id INTEGER NOT NULL REFERENCES guardian (id),
    child_id INTEGER NOT NULL REFERENCES child (id),
    relationship TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (guardian_id, child_id)
);
CREATE INDEX guardian_child_guardian_id_idx ON guardian_child (guardian_id);
CREATE INDEX guardian_child_child_id_idx ON guardian_child (child_id);

CREATE TABLE staff_user (
    id INTEGER PRIMARY KEY,
    login_id TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'ja',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deactivated_at TEXT
);

-- role: municipal_admin (site_id NULL: every site), site_manager, staff.
CREATE TABLE staff_role (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES staff_user (id),
    site_id INTEGER REFERENCES site (id),
    role TEXT NOT NULL CHECK (role IN ('municipal_admin', 'site_manager', 'staff')),
    created_at TEXT NOT NULL,
    CHECK ((role = 'municipal_admin') = (site_id IS NULL))
);
CREATE INDEX staff_role_user_id_idx ON staff_role (user_id);
CREATE INDEX staff_role_site_id_idx ON staff_role (site_id);

-- Only the SHA-256 of the session token is stored.
CREATE TABLE user_session (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES staff_user (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX user_session_user_id_idx ON user_session (user_id);

-- Append-only. No names, emails or tokens: ids only.
CREATE TABLE audit_event (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES staff_user (id),
    actor_role TEXT NOT NULL DEFAULT '',
    site_id INTEGER REFERENCES site (id),
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL DEFAULT '',
    target_id INTEGER,
    address TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL,
    request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_event_actor_user_id_idx ON audit_event (actor_user_id);
CREATE INDEX audit_event_site_id_idx ON audit_event (site_id);
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
