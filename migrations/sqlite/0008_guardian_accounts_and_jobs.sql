-- Side effects (mail now; push, translation and more later) are planned as jobs in the same transaction as the
-- change that causes them, and run by workers with retries. The payload holds ids only, never names or addresses.
-- state: queued → running (claimed until claimed_until) → done, or back to queued with a later run_at after a
-- failure, or dead after the last attempt.
CREATE TABLE job (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'dead')),
    run_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    claimed_by TEXT,
    claimed_until TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX job_state_run_at_idx ON job (state, run_at);

-- A guardian's own account (email and password), made from a registration letter or a family invitation.
-- email is stored lower-cased; an account is usable once confirmed_at is set.
CREATE TABLE guardian_account (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'ja',
    confirmed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deactivated_at TEXT
);

-- Guardians' sessions: only the SHA-256 of the token is stored.
CREATE TABLE guardian_session (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    account_id INTEGER NOT NULL REFERENCES guardian_account (id),
    csrf_token TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX guardian_session_account_id_idx ON guardian_session (account_id);

-- Which children an account may see. role: full (may change plans, invite family) or family (sees, is notified).
CREATE TABLE guardian_account_child (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES guardian_account (id),
    child_id INTEGER NOT NULL REFERENCES child (id),
    role TEXT NOT NULL CHECK (role IN ('full', 'family')),
    created_at TEXT NOT NULL,
    ended_at TEXT,
    UNIQUE (account_id, child_id)
);
CREATE INDEX guardian_account_child_account_id_idx ON guardian_account_child (account_id);
CREATE INDEX guardian_account_child_child_id_idx ON guardian_account_child (child_id);

-- A printed registration letter: a one-time code (stored as its SHA-256) that links a new or existing account to
-- the child. A newer letter for the same child revokes the older unused ones.
CREATE TABLE registration_letter (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child (id),
    site_id INTEGER NOT NULL REFERENCES site (id),
    code_hash TEXT NOT NULL UNIQUE,
    issued_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by_account_id INTEGER REFERENCES guardian_account (id),
    revoked_at TEXT
);
CREATE INDEX registration_letter_child_id_idx ON registration_letter (child_id);
CREATE INDEX registration_letter_site_id_idx ON registration_letter (site_id);
CREATE INDEX registration_letter_issued_by_idx ON registration_letter (issued_by);
CREATE INDEX registration_letter_used_by_account_id_idx ON registration_letter (used_by_account_id);

-- Code entries per address, so that guessing codes is throttled.
CREATE TABLE code_attempt (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX code_attempt_address_idx ON code_attempt (address, created_at);

-- A link sent by mail to confirm an account's address; with a letter, confirming also uses the letter.
CREATE TABLE email_confirmation (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES guardian_account (id),
    letter_id INTEGER REFERENCES registration_letter (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX email_confirmation_account_id_idx ON email_confirmation (account_id);
CREATE INDEX email_confirmation_letter_id_idx ON email_confirmation (letter_id);

-- A guardian invites a family member by mail to some of their children, with a role.
CREATE TABLE family_invitation (
    id INTEGER PRIMARY KEY,
    inviter_account_id INTEGER NOT NULL REFERENCES guardian_account (id),
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('full', 'family')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    accepted_at TEXT,
    accepted_account_id INTEGER REFERENCES guardian_account (id),
    revoked_at TEXT
);
CREATE INDEX family_invitation_inviter_account_id_idx ON family_invitation (inviter_account_id);
CREATE INDEX family_invitation_accepted_account_id_idx ON family_invitation (accepted_account_id);

CREATE TABLE family_invitation_child (
    id INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES family_invitation (id),
    child_id INTEGER NOT NULL REFERENCES child (id),
    created_at TEXT NOT NULL
);
CREATE INDEX family_invitation_child_invitation_id_idx ON family_invitation_child (invitation_id);
CREATE INDEX family_invitation_child_child_id_idx ON family_invitation_child (child_id);
