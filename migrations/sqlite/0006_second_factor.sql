-- A second factor for staff sign-in: a TOTP secret (confirmed once a code from it was entered), the last step
-- used (each code works once), and one-time recovery codes, stored hashed.
CREATE TABLE staff_mfa (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES staff_user (id) UNIQUE,
    secret text NOT NULL,
    confirmed_at TEXT,
    last_step INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE staff_recovery_code (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES staff_user (id),
    code_hash text NOT NULL,
    used_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX staff_recovery_code_user_id_idx ON staff_recovery_code (user_id);

-- A session that has passed the password but not yet the second factor may reach only the second-factor pages.
ALTER TABLE user_session ADD COLUMN mfa_pending integer NOT NULL DEFAULT 0;
